//! Customers and orders: the context an agent needs beside a conversation.

use crate::auth::Principal;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use dragoman_core::*;
use dragoman_store::{NewCustomer, NewOrder, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list_customers).post(create_customer))
        .route("/customers/{id}", get(get_customer))
        .route("/orders", get(list_orders).put(upsert_order))
        .route("/orders/{id}", get(get_order))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

impl PageParams {
    fn request(self) -> PageRequest {
        PageRequest { cursor: self.cursor, limit: self.limit.unwrap_or(0) }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CustomerPage {
    items: Vec<Customer>,
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OrderPage {
    items: Vec<Order>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(PageParams), responses((status = 200, body = CustomerPage)))]
async fn list_customers(
    State(state): State<AppState>,
    who: Principal,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<CustomerPage>> {
    who.require(Role::Agent)?;
    let page = state.store.list_customers(&p.request()).await?;
    Ok(Json(CustomerPage { items: page.items, next_cursor: page.next_cursor }))
}

#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    responses((status = 200, body = Customer), (status = 404, body = crate::error::ErrorBody)))]
async fn get_customer(State(state): State<AppState>, who: Principal, Path(id): Path<i64>) -> ApiResult<Json<Customer>> {
    who.require(Role::Agent)?;
    Ok(Json(state.store.get_customer(CustomerId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = NewCustomer,
    responses((status = 201, body = Customer), (status = 409, body = crate::error::ErrorBody)))]
async fn create_customer(
    State(state): State<AppState>,
    who: Principal,
    Json(mut new): Json<NewCustomer>,
) -> ApiResult<(StatusCode, Json<Customer>)> {
    who.require(Role::Agent)?;
    new.country = new.country.map(|c| c.to_ascii_uppercase());
    Ok((StatusCode::CREATED, Json(state.store.create_customer(&new, state.now()).await?)))
}

#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(PageParams), responses((status = 200, body = OrderPage)))]
async fn list_orders(
    State(state): State<AppState>,
    who: Principal,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<OrderPage>> {
    who.require(Role::Agent)?;
    let page = state.store.list_orders(&p.request()).await?;
    Ok(Json(OrderPage { items: page.items, next_cursor: page.next_cursor }))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Order), (status = 404, body = crate::error::ErrorBody)))]
async fn get_order(State(state): State<AppState>, who: Principal, Path(id): Path<i64>) -> ApiResult<Json<Order>> {
    who.require(Role::Agent)?;
    Ok(Json(state.store.get_order(OrderId(id)).await?))
}

/// Create or replace an order (by marketplace and order number).
#[utoipa::path(put, path = "/api/v1/orders", tag = "orders", request_body = NewOrder, responses((status = 200, body = Order)))]
async fn upsert_order(
    State(state): State<AppState>,
    who: Principal,
    Json(mut new): Json<NewOrder>,
) -> ApiResult<Json<Order>> {
    who.require(Role::Agent)?;
    new.order_number = new.order_number.trim().to_owned();
    if new.order_number.is_empty() {
        return Err(crate::error::ApiError::Unprocessable("order_number must not be empty".into()));
    }
    new.currency = new.currency.map(|c| c.to_ascii_uppercase());
    new.shipping_country = new.shipping_country.map(|c| c.to_ascii_uppercase());
    Ok(Json(state.store.upsert_order(&new, state.now()).await?))
}
