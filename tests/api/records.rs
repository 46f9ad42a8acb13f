use serde_json::json;

use crate::support::{Client, TestServer};

fn orders(client: &Client) -> String {
    client
        .create_model(json!({"name": "Orders", "traits": {"amount": "number", "paid": "boolean"}}))
}

#[test]
fn a_form_sync_creates_then_updates_and_merges() {
    let server = TestServer::start();
    let client = server.client();
    let model = orders(&client);
    let path = format!("/models/{model}/records");

    let created = client.post_form(
        &path,
        &[("id", "1234"), ("amount", "75"), ("stripe_charge_id", "ch_4567"), ("zip", "05021")],
    );
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["id"], "1234");
    assert_eq!(
        created.body["traits"],
        json!({"amount": 75, "stripe_charge_id": "ch_4567", "zip": "05021"})
    );
    assert_eq!(created.body["created_at"], created.body["updated_at"]);

    let updated = client.post_form(&path, &[("id", "1234"), ("amount", "80.50"), ("note", "gift")]);
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert!(updated.text.contains(r#""amount":80.50"#), "{}", updated.text);
    assert_eq!(updated.body["traits"]["note"], "gift");
    assert_eq!(updated.body["traits"]["stripe_charge_id"], "ch_4567", "traits not sent are kept");
    assert_eq!(updated.body["created_at"], created.body["created_at"]);

    let removed = client.post_json(&path, &json!({"id": 1234, "note": null}));
    assert_eq!(removed.status, 200);
    assert!(removed.body["traits"].get("note").is_none(), "{}", removed.text);

    let read = client.get(&format!("{path}/1234"));
    assert_eq!(read.status, 200);
    assert_eq!(read.body["traits"], removed.body["traits"]);
}

#[test]
fn brackets_nest_and_repeated_keys_make_lists() {
    let server = TestServer::start();
    let client = server.client();
    let model = orders(&client);

    let reply = client.post_form(
        &format!("/models/{model}/records"),
        &[
            ("id", "7"),
            ("shipping[country]", "FR"),
            ("shipping[address][city]", "Lyon"),
            ("tag", "a"),
            ("tag", "b"),
        ],
    );
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(
        reply.body["traits"]["shipping"],
        json!({"country": "FR", "address": {"city": "Lyon"}})
    );
    assert_eq!(reply.body["traits"]["tag"], json!(["a", "b"]));
}

#[test]
fn values_read_back_exactly_as_sent() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Exact"}));
    let body = r#"{"id": "x", "big": 9007199254740993, "bigger": 12345678901234567890,
        "decimal": 1.10, "zip": "05021", "text": "  spaced  ", "nested": {"n": 0.30}}"#;

    let synced = client.post_raw(&format!("/models/{model}/records"), "application/json", body);
    assert_eq!(synced.status, 201, "{}", synced.text);

    let read = client.get(&format!("/models/{model}/records/x"));
    for needle in [
        r#""big":9007199254740993"#,
        r#""bigger":12345678901234567890"#,
        r#""decimal":1.10"#,
        r#""zip":"05021""#,
        r#""text":"  spaced  ""#,
        r#""n":0.30"#,
    ] {
        assert!(read.text.contains(needle), "{needle} missing from {}", read.text);
    }
}

#[test]
fn integer_and_string_ids_are_one_record_but_leading_zeros_are_not() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Ids"}));
    let path = format!("/models/{model}/records");

    assert_eq!(client.post_json(&path, &json!({"id": 1234, "a": 1})).status, 201);
    assert_eq!(client.post_json(&path, &json!({"id": "1234", "b": 2})).status, 200);
    assert_eq!(client.post_form(&path, &[("id", " 1234 ")]).status, 200, "ids are trimmed");
    assert_eq!(client.post_json(&path, &json!({"id": "01234"})).status, 201);

    let page = client.get(&path);
    let ids: Vec<&str> = page.body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["01234", "1234"]);
    assert_eq!(page.body["records"][1]["traits"], json!({"a": 1, "b": 2}));
}

#[test]
fn bad_ids_are_refused_naming_id_and_nothing_is_stored() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Ids"}));
    let path = format!("/models/{model}/records");
    let long = "x".repeat(257);

    let json_bodies = [
        r#"{"amount": 1}"#.to_string(),
        r#"{"id": ""}"#.to_string(),
        r#"{"id": "   "}"#.to_string(),
        r#"{"id": 1, "id": 2}"#.to_string(),
        r#"{"id": {"a": 1}}"#.to_string(),
        r#"{"id": 12.5}"#.to_string(),
        r#"{"id": null}"#.to_string(),
        r#"{"id": "a\u0007b"}"#.to_string(),
        r#"{"id": "a\u200bb"}"#.to_string(),
        format!(r#"{{"id": "{long}"}}"#),
    ];
    for body in &json_bodies {
        let reply = client.post_raw(&path, "application/json", body);
        assert_eq!(reply.error_code(400), "invalid_id", "{body}");
        assert_eq!(reply.body["field"], "id");
        assert!(reply.body["message"].as_str().unwrap().contains("`id`"));
    }
    let twice = client.post_raw(&path, "application/x-www-form-urlencoded", "id=1&id=2&a=1");
    assert_eq!(twice.error_code(400), "invalid_id");

    assert_eq!(client.get(&path).body["records"], json!([]), "nothing was stored");
}

#[test]
fn declared_types_coerce_form_text_and_refuse_bad_values() {
    let server = TestServer::start();
    let client = server.client();
    let model = orders(&client);
    let path = format!("/models/{model}/records");

    let ok = client
        .post_form(&path, &[("id", "1"), ("amount", "75"), ("paid", "true"), ("other", "75")]);
    assert_eq!(ok.body["traits"], json!({"amount": 75, "paid": true, "other": "75"}));

    let bad = client.post_form(&path, &[("id", "1"), ("amount", "abc"), ("note", "x")]);
    assert_eq!(bad.error_code(422), "invalid_trait_type");
    assert_eq!(bad.body["field"], "amount");
    assert!(bad.body["message"].as_str().unwrap().contains("amount"));

    let read = client.get(&format!("{path}/1"));
    assert_eq!(read.body["traits"], ok.body["traits"], "a refused sync changes nothing");
}

#[test]
fn ids_with_slashes_and_spaces_work_percent_encoded() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Invoices"}));
    let path = format!("/models/{model}/records");

    assert_eq!(client.post_form(&path, &[("id", "inv/2024/01 #3"), ("total", "9")]).status, 201);
    let read = client.get(&format!("{path}/inv%2F2024%2F01%20%233"));
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["id"], "inv/2024/01 #3");

    let deleted = client.delete(&format!("{path}/inv%2F2024%2F01%20%233"));
    assert_eq!(deleted.status, 200);
    let gone = client.get(&format!("{path}/inv%2F2024%2F01%20%233"));
    assert_eq!(gone.error_code(404), "record_not_found");
    assert_eq!(client.delete(&format!("{path}/nope")).error_code(404), "record_not_found");
}

#[test]
fn listing_pages_through_every_record_once_while_writes_go_on() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Many"}));
    let path = format!("/models/{model}/records");
    for i in 0..25 {
        client.post_form(&path, &[("id", &format!("r{i:03}"))]);
    }

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=7&cursor={c}"),
            None => format!("{path}?limit=7"),
        };
        let page = client.get(&url);
        assert_eq!(page.status, 200, "{}", page.text);
        for record in page.body["records"].as_array().unwrap() {
            seen.push(record["id"].as_str().unwrap().to_string());
        }
        if seen.len() == 7 {
            // Written between pages: one before the cursor, one after.
            client.post_form(&path, &[("id", "r000a")]);
            client.post_form(&path, &[("id", "r999")]);
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let mut expected: Vec<String> = (0..25).map(|i| format!("r{i:03}")).collect();
    expected.push("r999".into());
    assert_eq!(seen, expected);

    let bad_limit = client.get(&format!("{path}?limit=x"));
    assert_eq!(bad_limit.error_code(400), "invalid_query");
    assert_eq!(bad_limit.body["field"], "limit", "{}", bad_limit.text);
    let bad_count = client.get(&format!("{path}?count=maybe"));
    assert_eq!(bad_count.error_code(400), "invalid_query");
    assert_eq!(bad_count.body["field"], "count", "{}", bad_count.text);
    assert_eq!(client.get(&format!("{path}?cursor=bm9wZQ!")).error_code(400), "invalid_cursor");
}

#[test]
fn unknown_models_and_endpoints_answer_json_404() {
    let server = TestServer::start();
    let client = server.client();

    let reply = client.post_form("/models/nope/records", &[("id", "1")]);
    assert_eq!(reply.error_code(404), "model_not_found");
    assert!(reply.content_type.starts_with("application/json"));
    assert_eq!(client.get("/no/such/thing").error_code(404), "not_found");
}

#[test]
fn a_body_over_the_limit_is_413_and_stores_nothing() {
    let settings = corral::app::Settings { body_limit: 4096, ..Default::default() };
    let server = TestServer::start_with(settings);
    let client = server.client();
    let model = client.create_model(json!({"name": "Big"}));
    let path = format!("/models/{model}/records");
    let big = "x".repeat(5000);

    let reply = client.post_form(&path, &[("id", "1"), ("blob", &big)]);
    assert_eq!(reply.error_code(413), "body_too_large");
    let reply = client.post_raw(
        &format!("{path}/batch"),
        "application/json",
        &format!(r#"[{{"id": 1, "b": "{big}"}}]"#),
    );
    assert_eq!(reply.error_code(413), "body_too_large");

    assert_eq!(client.get(&path).body["records"], json!([]));
}

#[test]
fn hostile_forms_are_refused_without_harm() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Forms"}));
    let path = format!("/models/{model}/records");

    let deep = format!("id=d&a{}=1", "[x]".repeat(5000));
    let reply = client.post_raw(&path, "application/x-www-form-urlencoded", &deep);
    assert_eq!(reply.error_code(400), "invalid_trait");
    let bad_utf8 = client.post_raw(&path, "application/x-www-form-urlencoded", "id=%FF%FE");
    assert_eq!(bad_utf8.error_code(400), "invalid_body");
    assert_eq!(client.get(&path).body["records"], json!([]));
    assert_eq!(client.get("/health").status, 200, "the server is still up");
}

#[test]
fn unsupported_methods_and_unknown_trait_types_answer_json() {
    let server = TestServer::start();
    let client = server.client();
    let reply = client.delete("/models");
    assert_eq!(reply.error_code(405), "method_not_allowed");
    let reply = client.post_json("/models", &json!({"name": "X", "traits": {"a": "colour"}}));
    assert_eq!(reply.error_code(400), "invalid_body");
    assert!(reply.body["message"].as_str().unwrap().contains("currency"), "{}", reply.text);
}
