use std::sync::mpsc;

use serde_json::{json, Value};

use crate::support::{enc, eventually, ids, Client, TestServer};

const SECRET: &str = "whsec_test_secret_one";

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn sign(secret: &str, t: i64, body: &str) -> String {
    corral::stripe::signature::sign(secret, t, body.as_bytes())
}

fn configure(client: &Client, secrets: &[&str]) {
    let reply = client.put_json("/integrations/stripe", &json!({"webhook_secrets": secrets}));
    assert_eq!(reply.status, 200, "{}", reply.text);
}

fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    let event = json!({"id": id, "object": "event", "type": kind, "created": created});
    let mut event = event.as_object().unwrap().clone();
    event.insert("data".into(), json!({ "object": object }));
    serde_json::Value::Object(event).to_string()
}

fn charge(id: &str, status: &str, refunded: i64) -> Value {
    json!({"id": id, "object": "charge", "amount": 12345, "amount_captured": 12345,
           "amount_refunded": refunded, "currency": "usd", "status": status,
           "paid": status == "succeeded", "refunded": refunded == 12345, "disputed": false,
           "failure_code": if status == "failed" { json!("card_declined") } else { json!(null) },
           "created": 1_700_000_000, "metadata": {"order_id": "1"}})
}

fn deliver(client: &Client, body: &str, header: &str) -> crate::support::Reply {
    client.with_key(None).post_raw_with(
        "/integrations/stripe/webhook",
        "application/json",
        body,
        &[("Stripe-Signature", header)],
    )
}

fn signed(client: &Client, body: &str) -> crate::support::Reply {
    let t = now();
    deliver(client, body, &format!("t={t},v1={}", sign(SECRET, t, body)))
}

fn stored_charge(client: &Client, id: &str) -> crate::support::Reply {
    client.get(&format!("/models/stripe_charge/records/{id}"))
}

#[test]
fn signed_events_are_applied_and_bad_or_stale_ones_store_nothing() {
    let server = TestServer::start();
    let client = server.client();
    let body = event("evt_1", "charge.succeeded", now(), charge("ch_1", "succeeded", 0));

    assert_eq!(signed(&client, &body).error_code(409), "stripe_not_configured");
    configure(&client, &[SECRET]);

    let t = now();
    let forged = deliver(&client, &body, &format!("t={t},v1={}", sign("whsec_other", t, &body)));
    assert_eq!(forged.error_code(400), "invalid_signature");
    let stale =
        deliver(&client, &body, &format!("t={},v1={}", t - 600, sign(SECRET, t - 600, &body)));
    assert_eq!(stale.error_code(400), "invalid_signature");
    assert!(stale.body["message"].as_str().unwrap().contains("five minutes"));
    assert_eq!(deliver(&client, &body, "").error_code(400), "invalid_signature");
    assert_eq!(stored_charge(&client, "ch_1").status, 404, "nothing was stored");

    let ok = signed(&client, &body);
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["outcome"], "applied");
    let stored = stored_charge(&client, "ch_1");
    assert_eq!(stored.body["traits"]["status"], "succeeded");
    assert_eq!(stored.body["traits"]["amount"], 12345);
    assert_eq!(stored.body["traits"]["created"], "2023-11-14T22:13:20Z");

    let settings = client.get("/integrations/stripe");
    assert!(!settings.text.contains(SECRET), "the secret is never answered");
    assert_eq!(settings.body["webhook_secrets"], json!(["…_one"]));
}

#[test]
fn rotated_secrets_duplicates_and_out_of_order_events() {
    let server = TestServer::start();
    let client = server.client();
    configure(&client, &["whsec_old_secret", SECRET]);

    let t = now();
    let refunded = event("evt_2", "charge.refunded", t, charge("ch_2", "succeeded", 12345));
    let header = format!("t={t},v1=00ff,v1={}", sign("whsec_old_secret", t, &refunded));
    assert_eq!(deliver(&client, &refunded, &header).body["outcome"], "applied");
    assert_eq!(signed(&client, &refunded).body["outcome"], "duplicate");

    let older = event("evt_1", "charge.succeeded", t - 100, charge("ch_2", "succeeded", 0));
    assert_eq!(signed(&client, &older).body["outcome"], "outdated");
    let stored = stored_charge(&client, "ch_2");
    assert_eq!(stored.body["traits"]["refunded"], true, "the older event did not roll it back");
    assert_eq!(stored.body["traits"]["amount_refunded"], 12345);

    let dispute =
        json!({"id": "dp_1", "object": "dispute", "charge": "ch_2", "status": "needs_response"});
    let disputed = event("evt_3", "charge.dispute.created", t, dispute);
    assert_eq!(signed(&client, &disputed).body["outcome"], "applied");
    let stored = stored_charge(&client, "ch_2");
    assert_eq!(
        (
            stored.body["traits"]["disputed"].clone(),
            stored.body["traits"]["dispute_status"].clone()
        ),
        (json!(true), json!("needs_response"))
    );
    assert_eq!(
        signed(&client, &event("evt_4", "customer.created", t, json!({}))).body["outcome"],
        "ignored"
    );
}

#[test]
fn charges_and_orders_join_whichever_arrives_first() {
    let server = TestServer::start();
    let client = server.client();
    configure(&client, &[SECRET]);
    let orders = client.create_model(json!({"name": "Orders", "relations": [
        {"trait": "customer_id", "model": "account"},
        {"trait": "stripe_charge_id", "model": "stripe_charge"}
    ]}));
    let path = format!("/models/{orders}/records");

    signed(&client, &event("evt_a", "charge.failed", now(), charge("ch_early", "failed", 0)));
    client.post_form(&path, &[("id", "1"), ("stripe_charge_id", "ch_early")]);
    client.post_form(&path, &[("id", "2"), ("stripe_charge_id", "ch_late")]);
    client.post_form(&path, &[("id", "3"), ("stripe_charge_id", "ch_fine")]);
    signed(
        &client,
        &event("evt_b", "charge.refunded", now(), charge("ch_late", "succeeded", 12345)),
    );
    signed(&client, &event("evt_c", "charge.succeeded", now(), charge("ch_fine", "succeeded", 0)));

    let query = |filter: &str| ids(&client.get(&format!("{path}?sort=id&filter={}", enc(filter))));
    eventually("orders to join their charges", || {
        (query("stripe_charge.status = \"failed\"") == ["1"]
            && query("stripe_charge.refunded = true") == ["2"])
        .then_some(())
    });
    let row = client.get(&format!("{path}/2?expand=stripe_charge"));
    assert_eq!(row.body["related"]["stripe_charge"]["traits"]["amount_refunded"], 12345);

    let write = client.post_form("/models/stripe_charge/records", &[("id", "ch_x")]);
    assert_eq!(write.error_code(409), "read_only_model");
    assert_eq!(
        client.delete("/models/stripe_charge/records/ch_early").error_code(409),
        "read_only_model"
    );
    assert_eq!(client.delete("/models/stripe_charge").error_code(409), "builtin_model");
}

type Seen = std::sync::Mutex<mpsc::Sender<String>>;

/// Answers one page of the stand-in's six charges, two a page.
async fn charges_page(
    req: actix_web::HttpRequest,
    seen: actix_web::web::Data<Seen>,
    query: actix_web::web::Query<std::collections::HashMap<String, String>>,
) -> actix_web::HttpResponse {
    let key = req.headers().get("authorization").map(|v| v.to_str().unwrap().to_string());
    let _ = seen.lock().unwrap().send(key.unwrap_or_default());
    let all: Vec<String> = (1..=6).map(|i| format!("ch_page{i}")).collect();
    let start = match query.get("starting_after") {
        Some(after) => all.iter().position(|c| c == after).unwrap() + 1,
        None => 0,
    };
    let page: Vec<_> = all[start..]
        .iter()
        .take(2)
        .map(|id| json!({"id": id, "object": "charge", "amount": 100, "currency": "eur"}))
        .collect();
    let more = start + 2 < all.len();
    actix_web::HttpResponse::Ok().json(json!({"object": "list", "data": page, "has_more": more}))
}

/// A stand-in for Stripe's charges list API on a free port: three pages of two charges.
fn stand_in() -> (String, mpsc::Receiver<String>) {
    use actix_web::{web, App, HttpServer};
    let (seen, auth) = mpsc::channel::<String>();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let seen = web::Data::new(std::sync::Mutex::new(seen));
            let server = HttpServer::new(move || {
                App::new().app_data(seen.clone()).route("/v1/charges", web::get().to(charges_page))
            })
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
            sender.send(format!("http://{}", server.addrs()[0])).unwrap();
            server.run().await.unwrap();
        });
    });
    (receiver.recv().unwrap(), auth)
}

#[test]
fn the_sync_task_pages_through_the_charges_list() {
    let server = TestServer::start();
    let client = server.client();
    let (base, auth) = stand_in();
    let set = client
        .put_json("/integrations/stripe", &json!({"secret_key": "sk_test_123", "api_base": base}));
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.body["secret_key"], "…_123");

    let started = client.post_raw("/integrations/stripe/sync", "application/json", "{}");
    assert_eq!(started.status, 202, "{}", started.text);
    let status = eventually("the sync to finish", || {
        let reply = client.get("/integrations/stripe");
        (reply.body["sync"]["running"] == false).then_some(reply)
    });
    assert_eq!(status.body["sync"]["error"], Value::Null, "{}", status.text);
    assert_eq!(status.body["sync"]["charges"], 6);
    assert_eq!(status.body["sync"]["pages"], 3);
    assert_eq!(auth.recv().unwrap(), "Bearer sk_test_123");
    for i in 1..=6 {
        assert_eq!(stored_charge(&client, &format!("ch_page{i}")).status, 200);
    }
}

#[test]
fn the_integration_model_is_fixed_and_snapshots_never_undo_events() {
    let server = TestServer::start();
    let client = server.client();
    configure(&client, &[SECRET]);
    let patch =
        client.patch_json("/models/stripe_charge", &json!({"traits": {"status": "integer"}}));
    assert_eq!(patch.error_code(409), "builtin_model");

    let t = now();
    let dispute = json!({"id": "dp_9", "object": "dispute", "charge": "ch_9", "status": "lost"});
    signed(&client, &event("evt_9", "charge.dispute.created", t, dispute));
    // The charge's own, older event arrives after the dispute's.
    let late = signed(
        &client,
        &event("evt_8", "charge.succeeded", t - 10, charge("ch_9", "succeeded", 0)),
    );
    assert_eq!(late.body["outcome"], "applied");
    let stored = stored_charge(&client, "ch_9");
    assert_eq!(stored.body["traits"]["disputed"], true, "the older charge event kept the dispute");
    assert_eq!(stored.body["traits"]["status"], "succeeded");
    assert_eq!(
        client.get("/models/stripe_charge/records?limit=0").error_code(400),
        "invalid_query"
    );
}
