use std::process::Command;

use crate::support::{binary, spawn_server, Client};

#[test]
fn a_second_process_on_the_same_directory_fails_and_names_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = spawn_server(dir.path());

    let second = Command::new(binary())
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains(&format!("pid {}", first.child.id())), "{stderr}");

    let keys = Command::new(binary())
        .args(["keys", "create", "--name", "x", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!keys.status.success());
    let stderr = String::from_utf8_lossy(&keys.stderr);
    assert!(stderr.contains("through its API (POST /keys)"), "{stderr}");
    assert!(keys.stdout.is_empty());

    first.child.kill().unwrap();
    first.child.wait().unwrap();
}

#[test]
fn keys_create_prints_the_key_alone_and_it_works() {
    let dir = tempfile::tempdir().unwrap();
    let made = Command::new(binary())
        .args(["keys", "create", "--name", "script", "--data-dir"])
        .arg(dir.path())
        .env("CORRAL_LOG", "off")
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let stdout = String::from_utf8(made.stdout).unwrap();
    let key = stdout.trim_end_matches('\n');
    assert!(key.starts_with("corral_") && !key.contains(char::is_whitespace), "{stdout:?}");

    let listed = Command::new(binary())
        .args(["keys", "list", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let listing = String::from_utf8(listed.stdout).unwrap();
    assert!(listing.contains("script") && !listing.contains(key), "{listing}");

    let mut server = spawn_server(dir.path());
    assert!(server.first_key.is_none());
    let reply = Client::new(&server.base, Some(key)).get("/models");
    assert_eq!(reply.status, 200);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[test]
fn stripe_import_loads_a_list_export_and_reindex_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("charges.json");
    let page = |ids: &[&str], more: bool| {
        let data: Vec<_> = ids
            .iter()
            .map(|id| {
                serde_json::json!({"id": id, "object": "charge", "amount": 500,
                                          "currency": "usd", "status": "succeeded"})
            })
            .collect();
        serde_json::json!({"object": "list", "data": data, "has_more": more})
    };
    let pages = serde_json::json!([page(&["ch_a", "ch_b"], true), page(&["ch_c"], false)]);
    std::fs::write(&export, pages.to_string()).unwrap();
    let data = dir.path().join("data");

    // A dispute reaches ch_a by webhook before the (older) export is imported.
    let mut server = spawn_server(&data);
    let key = server.first_key.clone().unwrap();
    let client = Client::new(&server.base, Some(&key));
    let secret = "whsec_cli_test";
    client.put_json("/integrations/stripe", &serde_json::json!({"webhook_secrets": [secret]}));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let object = serde_json::json!({"id": "dp_1", "object": "dispute", "charge": "ch_a",
                                    "status": "lost"});
    let dispute = serde_json::json!({"id": "evt_d", "object": "event",
        "type": "charge.dispute.created", "created": now, "data": {"object": object}})
    .to_string();
    let signature = corral::stripe::signature::sign(secret, now as i64, dispute.as_bytes());
    let header = format!("t={now},v1={signature}");
    let sent = client.with_key(None).post_raw_with(
        "/integrations/stripe/webhook",
        "application/json",
        &dispute,
        &[("Stripe-Signature", &header)],
    );
    assert_eq!(sent.status, 200, "{}", sent.text);
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let import = Command::new(binary())
        .args(["stripe", "import"])
        .arg(&export)
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let said = String::from_utf8_lossy(&import.stderr);
    assert!(said.contains("imported 2 charges (1 kept as webhooks last left them)"), "{said}");
    let reindex =
        Command::new(binary()).args(["reindex", "--data-dir"]).arg(&data).output().unwrap();
    assert!(reindex.status.success(), "{}", String::from_utf8_lossy(&reindex.stderr));

    let mut server = spawn_server(&data);
    let client = Client::new(&server.base, Some(&key));
    let found = client.get("/models/stripe_charge/records?sort=id");
    let kept = client.get("/models/stripe_charge/records/ch_a");
    assert_eq!(kept.body["traits"]["disputed"], true, "the export did not undo the dispute");
    let ids: Vec<&str> = found.body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ch_a", "ch_b", "ch_c"]);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}
