use serde_json::json;

use crate::support::TestServer;

#[test]
fn a_batch_upserts_each_record_and_reports_bad_ones_by_position() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders", "traits": {"amount": "number"}}));
    let path = format!("/models/{model}/records");
    client.post_form(&path, &[("id", "2"), ("amount", "1"), ("kept", "yes")]);

    let reply = client.post_json(
        &format!("{path}/batch"),
        &json!([
            {"id": 1, "amount": 75},
            {"id": "2", "amount": "9"},
            {"amount": 3},
            {"id": 4, "amount": "lots"},
            "not an object",
            {"id": 6}
        ]),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        (reply.body["created"].clone(), reply.body["updated"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(reply.body["failed"], 3);
    let results = reply.body["results"].as_array().unwrap();
    let statuses: Vec<u64> = results.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [201, 200, 400, 422, 400, 201]);
    assert_eq!(results[2]["error"]["field"], "id");
    assert_eq!(results[3]["error"]["field"], "amount");
    assert_eq!(results[3]["index"], 3);

    let two = client.get(&format!("{path}/2"));
    assert_eq!(two.body["traits"], json!({"amount": 9, "kept": "yes"}));
    assert_eq!(client.get(&format!("{path}/4")).status, 404);
}

#[test]
fn ndjson_batches_work_and_bad_lines_fail_alone() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Events"}));
    let path = format!("/models/{model}/records");
    let body = "{\"id\": \"a\", \"n\": 1}\n{not json\n\n{\"id\": \"b\", \"n\": 2}\n";

    let reply = client.post_raw(&format!("{path}/batch"), "application/x-ndjson", body);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let statuses: Vec<u64> = reply.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [201, 400, 201]);
    assert_eq!(client.get(&format!("{path}/b")).body["traits"], json!({"n": 2}));
}

#[test]
fn batches_over_ten_thousand_are_refused_whole() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Events"}));
    let path = format!("/models/{model}/records");
    let items: Vec<_> = (0..10_001).map(|i| json!({"id": i})).collect();

    let reply = client.post_json(&format!("{path}/batch"), &json!(items));
    assert_eq!(reply.error_code(413), "batch_too_large");
    assert_eq!(client.get(&path).body["records"], json!([]));

    let items: Vec<_> = (0..10_000).map(|i| json!({"id": i, "v": "x"})).collect();
    let reply = client.post_json(&format!("{path}/batch"), &json!(items));
    assert_eq!(reply.body["created"], 10_000);
}
