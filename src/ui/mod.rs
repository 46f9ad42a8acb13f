//! The web UI: the built files of `ui/` embedded in the binary and served under `/app/`.
//!
//! Routes keep the UI and the API apart: every UI address starts with `/app/`, so a browser
//! opening a UI address gets the app and an API client never gets HTML. Under `/app/`, an
//! address that names a file (`/app/assets/index-1a2b.js`) is that file or a 404; any other
//! address is the app's page, whose router shows the right screen.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "ui/dist/"]
struct Dist;

/// Registers the UI routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(to_app))
        .route("/app", web::get().to(to_app))
        .route("/app/{path:.*}", web::get().to(serve));
}

async fn to_app() -> HttpResponse {
    HttpResponse::Found().insert_header((header::LOCATION, "/app/")).finish()
}

async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    if let Some(file) = Dist::get(&path) {
        let mime = file.metadata.mimetype().to_string();
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, mime))
            .insert_header((header::CACHE_CONTROL, cache))
            .body(file.data.into_owned());
    }
    // Files live in assets/ or at the top; deeper addresses (a record id with a dot in it)
    // are screens of the app.
    if path.starts_with("assets/") || (!path.contains('/') && path.contains('.')) {
        tracing::warn!(path = %req.path(), "unknown UI file");
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such file in the web UI\n");
    }
    match Dist::get("index.html") {
        Some(page) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(page.data.into_owned()),
        None => HttpResponse::NotFound().body("the web UI was not built into this binary\n"),
    }
}
