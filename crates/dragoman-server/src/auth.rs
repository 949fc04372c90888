//! Who is calling: an API token (`Authorization: Bearer dgm_…`) or a login session (cookie
//! plus `X-CSRF-Token` on every state-changing request), and what their role allows.
//!
//! Secrets are stored only as SHA-256 digests (tokens, session ids) or argon2 hashes
//! (passwords); lookups go by digest, so no secret is ever compared in the clear.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum_extra::extract::cookie::CookieJar;
use dragoman_core::{Agent, AgentId, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

pub const SESSION_COOKIE: &str = "dragoman_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
const TOKEN_PREFIX: &str = "dgm_";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub role: Role,
    /// The agent behind a session; `None` for an API token.
    pub agent: Option<Agent>,
    /// For logs and audit: `agent:7` or `token:3 (shopify-bridge)`.
    pub label: String,
}

impl Principal {
    /// Fails with 403 unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> ApiResult<()> {
        if self.role.satisfies(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("this needs the {needed} role; you are signed in as {}", self.role)))
        }
    }

    pub fn agent_id(&self) -> Option<AgentId> {
        self.agent.as_ref().map(|a| a.id)
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let now = state.now();
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token =
                value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).ok_or_else(|| {
                    ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
                })?;
            let found = state.store.find_api_token(&sha256_hex(token)).await?;
            let token = found
                .ok_or_else(|| ApiError::Unauthorized("this API token is not valid (revoked or mistyped)".into()))?;
            return Ok(Principal {
                role: token.role,
                agent: None,
                label: format!("token:{} ({})", token.id, token.name),
            });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(ApiError::Unauthorized(
                "sign in (POST /api/v1/auth/login) or send `Authorization: Bearer <token>`".into(),
            ));
        };
        let session = state
            .store
            .find_session(&sha256_hex(cookie.value()), now)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("your session has expired; sign in again".into()))?;
        if !is_safe(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::Forbidden(format!(
                    "missing or wrong {CSRF_HEADER} header; use the csrf_token returned at sign-in"
                )));
            }
        }
        let agent = session.agent;
        Ok(Principal { role: agent.role, label: format!("agent:{}", agent.id), agent: Some(agent) })
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// 32 random bytes, hex-encoded.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A new API token: the secret to show once, and the digest to store.
pub fn new_api_token() -> (String, String) {
    let token = format!("{TOKEN_PREFIX}{}", random_secret());
    let digest = sha256_hex(&token);
    (token, digest)
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Verifies against a stored hash, or against a fixed dummy when the login does not exist,
/// so that a wrong email takes as long as a wrong password.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash_password("not a real password").expect("argon2 works"));
    let hash = stored.unwrap_or(DUMMY.as_str());
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_unknown_logins_fail() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password("correct horse", Some(&hash)));
        assert!(!verify_password("wrong", Some(&hash)));
        assert!(!verify_password("not a real password", None));
    }

    #[test]
    fn tokens_are_prefixed_and_digested() {
        let (token, digest) = new_api_token();
        assert!(token.starts_with("dgm_") && token.len() == 68);
        assert_eq!(digest, sha256_hex(&token));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
