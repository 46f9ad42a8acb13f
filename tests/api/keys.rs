use serde_json::json;

use crate::support::TestServer;

#[test]
fn requests_without_a_valid_key_are_refused_and_change_nothing() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));
    let path = format!("/models/{model}/records");

    let none = client.with_key(None).post_form(&path, &[("id", "1")]);
    assert_eq!(none.error_code(401), "missing_api_key");
    let wrong = client.with_key(Some("corral_wrong")).post_form(&path, &[("id", "1")]);
    assert_eq!(wrong.error_code(401), "invalid_api_key");
    assert_eq!(wrong.body["field"], "Authorization");
    let wrong_list = client.with_key(Some("nope")).get("/models");
    assert_eq!(wrong_list.error_code(401), "invalid_api_key");

    assert_eq!(client.get(&path).body["records"], json!([]));
}

#[test]
fn bearer_works_like_token() {
    let server = TestServer::start();
    let reply = ureq::get(format!("{}/models", server.base))
        .header("Authorization", format!("Bearer {}", server.key))
        .call()
        .unwrap();
    assert_eq!(reply.status(), 200);
}

#[test]
fn keys_are_shown_once_listed_with_last_use_and_revoked_at_once() {
    let server = TestServer::start();
    let client = server.client();

    let created = client.post_form("/keys", &[("name", "nightly-sync")]);
    assert_eq!(created.status, 201, "{}", created.text);
    let secret = created.body["key"].as_str().unwrap().to_string();
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("corral_") && secret.len() > 40);
    assert!(secret.starts_with(created.body["prefix"].as_str().unwrap()));

    let other = client.with_key(Some(&secret));
    assert_eq!(other.get("/models").status, 200);

    let listed = client.get("/keys");
    let entry =
        listed.body.as_array().unwrap().iter().find(|k| k["id"] == id.as_str()).unwrap().clone();
    assert_eq!(entry["name"], "nightly-sync");
    assert!(entry.get("key").is_none(), "the key is never shown again");
    assert!(entry["last_used_at"].is_string(), "{entry}");
    assert!(!listed.text.contains(&secret));

    assert_eq!(client.delete(&format!("/keys/{id}")).status, 200);
    assert_eq!(other.get("/models").error_code(401), "invalid_api_key");
    assert_eq!(client.delete(&format!("/keys/{id}")).error_code(404), "key_not_found");
    assert_eq!(client.post_json("/keys", &json!({"name": ""})).error_code(400), "invalid_key");
}

#[test]
fn keys_are_stored_only_as_hashes() {
    let server = TestServer::start();
    let secret = server.client().post_form("/keys", &[("name", "probe")]).body["key"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = server.stop();

    let mut found = false;
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        found |= bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
    }
    assert!(!found, "the key's text is somewhere in the data directory");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
