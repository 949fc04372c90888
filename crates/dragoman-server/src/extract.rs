//! Axum's extractors, with their rejections turned into [`ApiError`] so that a malformed
//! body, query or path gets the same JSON error shape as everything else.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts};
use axum::response::IntoResponse;

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// The request body as bytes, within the server's body limit (413 past it).
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(RawBody(axum::body::Bytes::from_request(req, state).await?))
    }
}
