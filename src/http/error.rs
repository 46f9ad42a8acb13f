//! The HTTP error: every refusal answers JSON with a status, a stable `code`, a `message`
//! that names the field and says what to do, and the same text in `detail` for clients of
//! Gather's API. A 500 says nothing internal; its cause goes to the log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::index::IndexError;
use crate::keys::KeyError;
use crate::models::ModelError;
use crate::records::RecordError;
use crate::store::StoreError;
use crate::stripe::StripeError;
use crate::users::UserError;
use crate::views::rows::RowsError;
use crate::views::ViewError;

/// A refused or failed request.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

/// The JSON body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The HTTP status, repeated.
    pub status: u16,
    /// A stable machine-readable code, such as `invalid_id`.
    pub code: &'static str,
    /// What went wrong and what to do about it.
    pub message: String,
    /// The same text as `message`.
    pub detail: String,
    /// The field the error is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None }
    }

    pub fn on(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// A failure of ours: logged in full, answered in general terms.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to complete the request; nothing was acknowledged. Try again, \
             and if it keeps failing, read the server log",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        // At debug: a sync script with a wrong key, retrying in a loop, would otherwise write
        // a line for every attempt (hundreds of megabytes a minute).
        if self.status.is_client_error() {
            tracing::debug!(status = self.status.as_u16(), code = self.code, "request refused");
        }
        HttpResponse::build(self.status).json(ErrorBody {
            status: self.status.as_u16(),
            code: self.code,
            message: self.message.clone(),
            detail: self.message.clone(),
            field: self.field.clone(),
        })
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::internal(&e)
    }
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        let text = e.to_string();
        match e {
            RecordError::InvalidId(_) => ApiError::bad_request("invalid_id", text).on("id"),
            RecordError::InvalidBody(_) => ApiError::bad_request("invalid_body", text),
            RecordError::InvalidTrait { field, .. } => {
                ApiError::bad_request("invalid_trait", text).on(field)
            }
            RecordError::TraitType { field, .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_trait_type", text)
                    .on(field)
            }
            RecordError::ModelNotFound(_) => ApiError::not_found("model_not_found", text),
            RecordError::NotFound { .. } => ApiError::not_found("record_not_found", text),
            RecordError::BadCursor => ApiError::bad_request("invalid_cursor", text).on("cursor"),
            RecordError::Store(e) => e.into(),
        }
    }
}

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        let text = e.to_string();
        match e {
            ModelError::NotFound(_) => ApiError::not_found("model_not_found", text),
            ModelError::Invalid { field, .. } => {
                ApiError::bad_request("invalid_model", text).on(field)
            }
            ModelError::NameTaken(_) => {
                ApiError::new(StatusCode::CONFLICT, "model_name_taken", text).on("name")
            }
            ModelError::BuiltIn(..) => ApiError::new(StatusCode::CONFLICT, "builtin_model", text),
            ModelError::InUse { .. } => ApiError::new(StatusCode::CONFLICT, "model_in_use", text),
            ModelError::Store(e) => e.into(),
        }
    }
}

impl From<KeyError> for ApiError {
    fn from(e: KeyError) -> Self {
        let text = e.to_string();
        match e {
            KeyError::EmptyName => ApiError::bad_request("invalid_key", text).on("name"),
            KeyError::NotFound(_) => ApiError::not_found("key_not_found", text),
            KeyError::Store(e) => e.into(),
        }
    }
}

impl From<ViewError> for ApiError {
    fn from(e: ViewError) -> Self {
        let text = e.to_string();
        match e {
            ViewError::NotFound(_) => ApiError::not_found("view_not_found", text),
            ViewError::Invalid { field, .. } => {
                ApiError::bad_request("invalid_view", text).on(field)
            }
            ViewError::Store(e) => e.into(),
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(e: IndexError) -> Self {
        let text = e.to_string();
        match e {
            IndexError::Filter(_) => ApiError::bad_request("invalid_filter", text).on("filter"),
            IndexError::BadCursor => ApiError::bad_request("invalid_cursor", text).on("cursor"),
            IndexError::Store(e) => e.into(),
            other => ApiError::internal(&other),
        }
    }
}

impl From<RowsError> for ApiError {
    fn from(e: RowsError) -> Self {
        let text = e.to_string();
        match e {
            RowsError::Parse { field, .. } => {
                let code = if field == "sort" { "invalid_sort" } else { "invalid_filter" };
                ApiError::bad_request(code, text).on(field)
            }
            RowsError::Index(e) => e.into(),
            RowsError::Record(e) => e.into(),
        }
    }
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> Self {
        let text = e.to_string();
        match e {
            UserError::BadEmail => ApiError::bad_request("invalid_user", text).on("email"),
            UserError::WeakPassword => ApiError::bad_request("invalid_user", text).on("password"),
            UserError::EmailTaken(_) => {
                ApiError::new(StatusCode::CONFLICT, "email_taken", text).on("email")
            }
            UserError::BadCredentials => {
                ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", text).on("password")
            }
            UserError::BadSetupToken => {
                ApiError::bad_request("invalid_setup_token", text).on("token")
            }
            UserError::NotFound(_) => ApiError::not_found("user_not_found", text),
            UserError::LastAdmin => ApiError::new(StatusCode::CONFLICT, "last_admin", text),
            UserError::Store(e) => e.into(),
        }
    }
}

impl From<StripeError> for ApiError {
    fn from(e: StripeError) -> Self {
        let text = e.to_string();
        match e {
            StripeError::BadInput(_) => ApiError::bad_request("invalid_stripe_input", text),
            StripeError::NoSecret => {
                ApiError::new(StatusCode::CONFLICT, "stripe_not_configured", text)
            }
            StripeError::Signature(_) => {
                ApiError::bad_request("invalid_signature", text).on("Stripe-Signature")
            }
            StripeError::Api(_) => ApiError::new(StatusCode::BAD_GATEWAY, "stripe_api", text),
            StripeError::Store(e) => e.into(),
        }
    }
}
