use serde_json::json;

use crate::support::TestServer;

#[test]
fn builtin_models_have_fixed_ids_and_user_points_at_account() {
    let server = TestServer::start();
    let client = server.client();

    let list = client.get("/models");
    assert_eq!(list.status, 200);
    let ids: Vec<&str> =
        list.body.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["account", "stripe_charge", "user"]);

    let user = client.get("/models/user");
    assert_eq!(user.body["name"], "User");
    assert_eq!(
        user.body["relations"],
        json!([{"trait": "account_id", "model": "account", "name": "account"}])
    );
    assert!(user.body["created_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn custom_model_lifecycle() {
    let server = TestServer::start();
    let client = server.client();

    let created = client.post_json(
        "/models",
        &json!({"name": "Orders", "relations": [{"trait": "customer_id", "model": "account"}],
                "traits": {"amount": {"type": "currency", "currency": "usd"},
                           "placed": "datetime"}}),
    );
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("orders_"), "{id}");
    assert_eq!(created.body["traits"]["amount"], json!({"type": "currency", "currency": "USD"}));
    assert_eq!(created.body["relations"][0]["name"], "account");

    assert_eq!(client.get(&format!("/models/{id}")).body["name"], "Orders");

    let renamed = client.patch_json(&format!("/models/{id}"), &json!({"name": "Sales orders"}));
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "Sales orders");
    assert_eq!(renamed.body["relations"][0]["trait"], "customer_id", "relations are kept");

    let synced =
        client.post_form(&format!("/models/{id}/records"), &[("id", "1"), ("amount", "5")]);
    assert_eq!(synced.status, 201);

    let deleted = client.delete(&format!("/models/{id}"));
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(client.get(&format!("/models/{id}")).error_code(404), "model_not_found");
    let records = client.get(&format!("/models/{id}/records/1"));
    assert_eq!(records.error_code(404), "model_not_found");

    // The same name can be used again, and the old records do not come back.
    let again = client.create_model(json!({"name": "Sales orders"}));
    let listed = client.get(&format!("/models/{again}/records"));
    assert_eq!(listed.body["records"], json!([]));
}

#[test]
fn model_refusals_name_the_field_and_change_nothing() {
    let server = TestServer::start();
    let client = server.client();
    client.create_model(json!({"name": "Orders"}));

    assert_eq!(
        client.post_json("/models", &json!({"name": "orders"})).error_code(409),
        "model_name_taken"
    );
    let empty = client.post_json("/models", &json!({"name": "  "}));
    assert_eq!(empty.error_code(400), "invalid_model");
    assert_eq!(empty.body["field"], "name");
    let missing = client.post_json("/models", &json!({}));
    assert_eq!(missing.error_code(400), "invalid_body");
    assert!(missing.body["message"].as_str().unwrap().contains("name"), "{}", missing.text);
    let bad_relation = client.post_json(
        "/models",
        &json!({"name": "X", "relations": [{"trait": "a_id", "model": "nope"}]}),
    );
    assert_eq!(bad_relation.error_code(400), "invalid_model");
    assert_eq!(bad_relation.body["field"], "relations[0].model");
    let bad_type = client.post_json("/models", &json!({"name": "Y", "traits": {"a": "colour"}}));
    assert_eq!(bad_type.error_code(400), "invalid_body");

    assert_eq!(client.delete("/models/account").error_code(409), "builtin_model");
    let rename = client.patch_json("/models/user", &json!({"name": "People"}));
    assert_eq!(rename.error_code(409), "builtin_model");

    assert_eq!(client.get("/models").body.as_array().unwrap().len(), 4, "nothing was added");
}

#[test]
fn a_model_others_relate_to_cannot_be_deleted() {
    let server = TestServer::start();
    let client = server.client();
    let plans = client.create_model(json!({"name": "Plans"}));
    let subs = client.create_model(
        json!({"name": "Subscriptions", "relations": [{"trait": "plan_id", "model": plans}]}),
    );

    assert_eq!(client.delete(&format!("/models/{plans}")).error_code(409), "model_in_use");
    assert_eq!(client.delete(&format!("/models/{subs}")).status, 200);
    assert_eq!(client.delete(&format!("/models/{plans}")).status, 200);
}
