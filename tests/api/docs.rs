use crate::support::TestServer;

#[test]
fn the_openapi_document_covers_every_endpoint() {
    let server = TestServer::start();
    let client = server.client().with_key(None);

    let doc = client.get("/openapi.json");
    assert_eq!(doc.status, 200);
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/models", &["get", "post"][..]),
        ("/models/{model_id}", &["get", "patch", "delete"]),
        ("/models/{model_id}/records", &["get", "post"]),
        ("/models/{model_id}/records/batch", &["post"]),
        ("/models/{model_id}/records/{record_id}", &["get", "delete"]),
        ("/keys", &["get", "post"]),
        ("/keys/{key_id}", &["delete"]),
    ] {
        for method in methods {
            let op = &paths[path][method];
            let description = op["description"].as_str().unwrap_or_default();
            assert!(description.contains("curl "), "{method} {path} has no curl example");
        }
    }
    assert!(doc.body["components"]["schemas"]["ErrorBody"].is_object());
}

#[test]
fn the_reference_page_is_html_with_examples() {
    let server = TestServer::start();
    let page = server.client().with_key(None).get("/docs");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text.contains("/models/{model_id}/records/batch"));
    assert!(page.text.contains("<pre><code>curl "));
}
