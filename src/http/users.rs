//! `/users`: the team that signs in to the web UI.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::{Admin, Authenticated};
use super::error::{ApiError, ErrorBody};
use super::session::UserBody;
use crate::app::Corral;
use crate::users::{self, Role};

/// What `POST /users` takes.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUser {
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// `member` by default.
    pub role: Option<Role>,
}

/// List the team.
///
/// ```sh
/// curl http://127.0.0.1:8750/users -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    get, path = "/users", tag = "Team",
    responses((status = 200, description = "Everyone, by e-mail", body = Vec<UserBody>)),
    security(("api_key" = []))
)]
pub async fn list(
    _caller: Authenticated,
    corral: web::Data<Corral>,
) -> Result<HttpResponse, ApiError> {
    let team = users::list(&corral.store)?;
    Ok(HttpResponse::Ok().json(team.iter().map(UserBody::from).collect::<Vec<_>>()))
}

/// Add a teammate (admins only).
///
/// ```sh
/// curl http://127.0.0.1:8750/users -H "Authorization: Token $CORRAL_KEY" \
///   -H 'Content-Type: application/json' \
///   -d '{"email": "ana@example.com", "password": "a long passphrase", "role": "member"}'
/// ```
#[utoipa::path(
    post, path = "/users", tag = "Team", request_body = NewUser,
    responses(
        (status = 201, description = "Added", body = UserBody),
        (status = 400, description = "A bad e-mail or a short password", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The e-mail address is taken", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    _admin: Admin,
    corral: web::Data<Corral>,
    input: web::Json<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();

    let worker = corral.clone();
    let role = input.role.unwrap_or(Role::Member);
    let user =
        super::blocking(move || users::create(&worker.store, &input.email, &input.password, role))
            .await?;
    corral.store.commit().await?;

    Ok(HttpResponse::Created().json(UserBody::from(&user)))
}

/// Remove a teammate and end their sessions (admins only; the last admin stays).
///
/// ```sh
/// curl -X DELETE http://127.0.0.1:8750/users/USER_ID -H "Authorization: Token $CORRAL_KEY"
/// ```
#[utoipa::path(
    delete, path = "/users/{user_id}", tag = "Team",
    params(("user_id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "Removed", body = UserBody),
        (status = 404, description = "No such person", body = ErrorBody),
        (status = 409, description = "The last admin", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    _admin: Admin,
    corral: web::Data<Corral>,
    user_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = users::delete(&corral.store, &user_id)?;
    corral.store.commit().await?;
    Ok(HttpResponse::Ok().json(UserBody::from(&user)))
}
