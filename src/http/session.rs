//! `/auth`: the first admin's setup, signing in and out, and who is signed in.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::{Authenticated, SESSION_COOKIE};
use super::error::{ApiError, ErrorBody};
use crate::app::Corral;
use crate::clock;
use crate::users::{self, Role, Session, User};

/// A person, as answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: String,
}

impl From<&User> for UserBody {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            role: user.role,
            created_at: clock::format_micros(user.created_at),
        }
    }
}

/// Who is signed in, and the token the UI sends back in `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBody {
    pub user: UserBody,
    pub csrf_token: String,
}

/// What `POST /auth/login` takes.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// What `POST /auth/setup` takes: the token from the setup link and the first admin.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Setup {
    pub token: String,
    pub email: String,
    pub password: String,
}

/// The session cookie: HttpOnly, SameSite=Strict, and Secure when the request came over
/// HTTPS (directly or through a proxy that says so).
fn session_cookie(req: &HttpRequest, token: String) -> Cookie<'static> {
    let https = req.connection_info().scheme() == "https";
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .max_age(actix_web::cookie::time::Duration::days(14))
        .finish()
}

fn signed_in(
    req: &HttpRequest,
    status: actix_web::http::StatusCode,
    user: &User,
    token: String,
    session: &Session,
) -> HttpResponse {
    HttpResponse::build(status)
        .cookie(session_cookie(req, token))
        .json(SessionBody { user: UserBody::from(user), csrf_token: session.csrf_token.clone() })
}

/// Create the first admin with the one-time setup link's token.
///
/// The server prints the setup link on its first start; the link opens the web UI, which
/// sends this request.
#[utoipa::path(
    post, path = "/auth/setup", tag = "Sign-in", request_body = Setup,
    responses(
        (status = 201, description = "Created and signed in", body = SessionBody),
        (status = 400, description = "A bad e-mail or password, or a used token", body = ErrorBody),
    )
)]
pub async fn setup(
    corral: web::Data<Corral>,
    req: HttpRequest,
    input: web::Json<Setup>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let worker = corral.clone();
    let user = super::blocking(move || {
        users::redeem_setup(&worker.store, &input.token, &input.email, &input.password)
    })
    .await?;
    let (token, session) = users::start_session(&corral.store, &user)?;
    corral.store.commit().await?;
    Ok(signed_in(&req, actix_web::http::StatusCode::CREATED, &user, token, &session))
}

/// Sign in with an e-mail address and password; sets the session cookie.
#[utoipa::path(
    post, path = "/auth/login", tag = "Sign-in", request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = SessionBody),
        (status = 401, description = "Wrong e-mail or password", body = ErrorBody),
    )
)]
pub async fn login(
    corral: web::Data<Corral>,
    req: HttpRequest,
    input: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let input = input.into_inner();
    let worker = corral.clone();
    let user = super::blocking(move || users::verify(&worker.store, &input.email, &input.password))
        .await?;
    let (token, session) = users::start_session(&corral.store, &user)?;
    corral.store.commit().await?;
    Ok(signed_in(&req, actix_web::http::StatusCode::OK, &user, token, &session))
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(
    post, path = "/auth/logout", tag = "Sign-in",
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(corral: web::Data<Corral>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        users::end_session(&corral.store, cookie.value())?;
        corral.store.commit().await?;
    }
    let mut gone = session_cookie(&req, String::new());
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Who is signed in.
#[utoipa::path(
    get, path = "/auth/me", tag = "Sign-in",
    responses(
        (status = 200, description = "The signed-in person", body = SessionBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
    )
)]
pub async fn me(caller: Authenticated) -> Result<HttpResponse, ApiError> {
    match caller {
        Authenticated::Person(user, session) => Ok(HttpResponse::Ok()
            .json(SessionBody { user: UserBody::from(&user), csrf_token: session.csrf_token })),
        Authenticated::Key(_) => Err(ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "an API key is not a person; sign in to the web UI to get a session",
        )),
    }
}
