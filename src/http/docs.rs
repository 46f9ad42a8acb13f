//! The API reference: an OpenAPI document generated from the handlers' own types and doc
//! comments, and a readable page rendered from that same document.

use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{error, keys, models, records, session, stripe, users, views};

struct KeyAuth;

impl Modify for KeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = ApiKey::Header(ApiKeyValue::with_description(
            "Authorization",
            "`Token KEY` or `Bearer KEY`",
        ));
        components.add_security_scheme("api_key", SecurityScheme::ApiKey(scheme));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Corral",
        description = "Models, records synced over HTTP, and views over them. Records are \
            wire-compatible with Gather's records API."
    ),
    paths(
        models::create, models::list, models::get, models::update, models::delete,
        records::sync, records::batch, records::list, records::get, records::delete,
        views::create, views::list, views::get, views::update, views::delete, views::rows,
        keys::create, keys::list, keys::revoke,
        session::setup, session::login, session::logout, session::me,
        users::list, users::create, users::delete,
        stripe::get, stripe::put, stripe::webhook, stripe::start_sync,
    ),
    components(schemas(error::ErrorBody, crate::models::TraitSpecInput)),
    modifiers(&KeyAuth)
)]
struct ApiDoc;

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}

/// `GET /docs`: every endpoint with its description and curl example.
pub async fn reference() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(render(&openapi()))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Turns a doc comment's paragraphs and ``` blocks into HTML.
fn render_description(text: &str) -> String {
    let mut html = String::new();
    for (i, part) in text.split("```").enumerate() {
        if i % 2 == 1 {
            let code = part.split_once('\n').map_or(part, |(_, rest)| rest);
            html.push_str(&format!("<pre><code>{}</code></pre>", escape(code.trim_end())));
        } else {
            for paragraph in part.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                html.push_str(&format!("<p>{}</p>", inline_code(&escape(paragraph))));
            }
        }
    }
    html
}

fn inline_code(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, s)| if i % 2 == 1 { format!("<code>{s}</code>") } else { s.to_string() })
        .collect()
}

fn render(doc: &utoipa::openapi::OpenApi) -> String {
    let mut body = String::new();
    let json = serde_json::to_value(doc).unwrap_or_default();
    let paths = json["paths"].as_object().cloned().unwrap_or_default();
    for (path, operations) in &paths {
        let Some(operations) = operations.as_object() else { continue };
        for (method, op) in operations {
            let summary = op["summary"].as_str().unwrap_or_default();
            let description = op["description"].as_str().unwrap_or_default();
            let responses = op["responses"].as_object().cloned().unwrap_or_default();
            let statuses: Vec<String> = responses
                .iter()
                .map(|(code, r)| {
                    let text = r["description"].as_str().unwrap_or_default();
                    format!("<li><code>{code}</code> {}</li>", escape(text))
                })
                .collect();
            body.push_str(&format!(
                "<section><h2><span class=\"method\">{}</span> <code>{}</code></h2>\
                 <p><strong>{}</strong></p>{}<ul>{}</ul></section>",
                method.to_uppercase(),
                escape(path),
                escape(summary),
                render_description(description),
                statuses.join("")
            ));
        }
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Corral API</title><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><style>{STYLE}</style></head>\
         <body><main><h1>Corral API</h1><p>Send your key as \
         <code>Authorization: Token KEY</code>. Every error answers JSON with \
         <code>status</code>, <code>code</code>, <code>message</code> and <code>detail</code>. \
         The machine-readable document is <a href=\"/openapi.json\">/openapi.json</a>.</p>\
         {body}</main></body></html>"
    )
}

const STYLE: &str =
    "body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1c1e21;background:#fff}\
main{max-width:860px;margin:0 auto;padding:24px}section{border-top:1px solid #ddd;padding:8px 0}\
h2{font-size:17px}.method{display:inline-block;min-width:64px;color:#0b5394}\
pre{background:#f4f5f7;padding:12px;overflow-x:auto;border-radius:6px}\
@media (prefers-color-scheme:dark){body{background:#16181c;color:#e4e6eb}pre{background:#23262d}\
.method{color:#8ab4f8}section{border-color:#333}a{color:#8ab4f8}}";

/// Registers the reference routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi_json))
        .route("/docs", web::get().to(reference));
}
