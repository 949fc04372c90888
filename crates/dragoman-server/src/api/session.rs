//! Agent sign-in and sign-out. A session is a random id in an HttpOnly cookie (only its
//! digest is stored) plus a CSRF token the client echoes in `X-CSRF-Token`.

use crate::auth::{self, Principal, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dragoman_core::Agent;
use dragoman_store::NewSession;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/auth/login", post(login)).route("/auth/logout", post(logout)).route("/me", get(me))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SignedIn {
    agent: Agent,
    /// Send as `X-CSRF-Token` with every POST/PUT/PATCH/DELETE of this session.
    csrf_token: String,
}

/// Sign in with email and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = SignedIn), (status = 401, body = crate::error::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    Json(login): Json<Login>,
) -> ApiResult<(CookieJar, Json<SignedIn>)> {
    let found = state.store.agent_credentials(login.email.trim()).await?;
    let password = login.password;
    let stored_hash = found.as_ref().map(|(_, hash)| hash.clone());
    // argon2 is deliberately slow: keep it off the async executor.
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, stored_hash.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let agent = match (ok, found) {
        (true, Some((agent, _))) => agent,
        _ => return Err(ApiError::Unauthorized("wrong email or password".into())),
    };
    let session_id = auth::random_secret();
    let csrf_token = auth::random_secret();
    let now = state.now();
    let ttl_ms = state.settings.session_hours.max(1) * 3_600_000;
    state
        .store
        .create_session(&NewSession {
            token_sha256: auth::sha256_hex(&session_id),
            agent_id: agent.id,
            csrf_token: csrf_token.clone(),
            created_at: now,
            expires_at: now.plus_millis(ttl_ms),
        })
        .await?;
    let cookie = Cookie::build((SESSION_COOKIE, session_id))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path("/")
        .max_age(time::Duration::milliseconds(ttl_ms))
        .build();
    tracing::info!(agent = %agent.id, "signed in");
    Ok((jar.add(cookie), Json(SignedIn { agent, csrf_token })))
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(State(state): State<AppState>, who: Principal, jar: CookieJar) -> ApiResult<(CookieJar, StatusCode)> {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        state.store.delete_session(&auth::sha256_hex(cookie.value())).await?;
    }
    tracing::info!(who = %who.label, "signed out");
    Ok((jar.remove(Cookie::build(SESSION_COOKIE).path("/")), StatusCode::NO_CONTENT))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    role: String,
    agent: Option<Agent>,
}

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
async fn me(who: Principal) -> Json<Me> {
    Json(Me { role: who.role.to_string(), agent: who.agent })
}
