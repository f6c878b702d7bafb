//! An app whose sessions have an owner, for the store tests: [`Account`] behind [`owned_app`].

use axum::{
    extract::Path,
    routing::{get, post},
    Router,
};
use session_core::{SessionLayer, SessionSchema, SessionStore};

/// A signed-in user and a cart.
#[derive(SessionSchema)]
pub struct Account {
    /// Who is signed in: the owner, and a privilege (signing in cycles the id).
    #[session(owner, privilege)]
    pub user_id: u64,
    /// Read and written back by `/cart/{item}`.
    #[session]
    pub cart: Vec<String>,
}

type Result<T = String> = std::result::Result<T, session_core::Error>;

/// `POST /login/{id}` (sets the owner), `GET /user`, `POST /cart/{item}`, `POST /cycle`, `GET /devices`
/// (how many sessions the owner has), `POST /devices/others` (ends the others), `POST /logout`, behind
/// `layer`.
pub fn owned_app<S: SessionStore>(layer: SessionLayer<S>) -> Router {
    Router::new()
        .route(
            "/login/{id}",
            post(|s: AccountSession, Path(id): Path<u64>| async move {
                s.set_user_id(id).await?;
                Result::Ok(String::new())
            }),
        )
        .route("/user", get(|s: AccountSession| async move { Result::Ok(format!("{:?}", s.user_id().await?)) }))
        .route(
            "/cart/{item}",
            post(|s: AccountSession, Path(item): Path<String>| async move {
                let mut cart = s.cart().await?.unwrap_or_default();
                cart.push(item);
                s.set_cart(cart).await?;
                Result::Ok(String::new())
            }),
        )
        .route(
            "/cycle",
            post(|s: AccountSession| async move {
                s.cycle_id().await?;
                Result::Ok(String::new())
            }),
        )
        .route(
            "/devices",
            get(|s: AccountSession| async move { Result::Ok(s.owner_sessions().await?.len().to_string()) }),
        )
        .route(
            "/devices/others",
            post(|s: AccountSession| async move { Result::Ok(s.revoke_other_sessions().await?.to_string()) }),
        )
        .route(
            "/logout",
            post(|s: AccountSession| async move {
                s.destroy().await?;
                Result::Ok(String::new())
            }),
        )
        .layer(layer)
}
