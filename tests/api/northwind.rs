//! The README's quick start, as a new user runs it: the example script syncs Northwind's
//! customers and orders with curl, and every order points at its account.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::support::{eventually, spawn_server, Client};

fn all_records(client: &Client, model: &str) -> Vec<serde_json::Value> {
    let mut records = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = client.get(&format!("/models/{model}/records?limit=1000{cursor}"));
        assert_eq!(page.status, 200, "{}", page.text);
        records.extend(page.body["records"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return records,
        }
    }
}

#[test]
fn the_example_script_syncs_91_accounts_and_830_orders() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_server(dir.path());
    let key = server.first_key.clone().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/northwind/sync.sh");

    let mut orders_model = String::new();
    for run in 0..2 {
        let output = Command::new("bash")
            .arg(script)
            .env("CORRAL_URL", &server.base)
            .env("CORRAL_KEY", &key)
            .output()
            .unwrap();
        assert!(output.status.success(), "run {run}: {}", String::from_utf8_lossy(&output.stderr));
        let printed = String::from_utf8(output.stdout).unwrap().trim().to_string();
        if run == 1 {
            assert_eq!(printed, orders_model, "a second run reuses the Orders model");
        }
        orders_model = printed;
    }

    let client = Client::new(&server.base, Some(&key));
    let accounts = all_records(&client, "account");
    let orders = all_records(&client, &orders_model);
    assert_eq!(accounts.len(), 91);
    assert_eq!(orders.len(), 830, "running twice updated, and made no duplicates");

    let account_ids: BTreeSet<&str> = accounts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    let mut per_account: BTreeMap<&str, usize> = BTreeMap::new();
    for order in &orders {
        let customer = order["traits"]["customer_id"].as_str().unwrap();
        assert!(account_ids.contains(customer), "order {} points at no account", order["id"]);
        *per_account.entry(customer).or_default() += 1;
    }
    assert_eq!(per_account.values().sum::<usize>(), 830);

    let order = client.get(&format!("/models/{orders_model}/records/10248"));
    assert!(order.text.contains(r#""amount":440.0"#), "amounts keep their digits: {}", order.text);
    assert_eq!(order.body["traits"]["customer_id"], "VINET");
    let anatr = client.get("/models/account/records/ANATR");
    assert_eq!(anatr.body["traits"]["postal_code"], "05021", "postal codes stay text");

    let views = client.get("/views");
    let view_id = |name: &str| {
        let list = views.body.as_array().unwrap();
        list.iter().find(|v| v["name"] == name).unwrap()["id"].as_str().unwrap().to_string()
    };
    assert_eq!(views.body.as_array().unwrap().len(), 4, "a second run made no new views");
    let by_amount = eventually("the orders to be indexed", || {
        let page = client.get(&format!("/views/{}/records?limit=3", view_id("Orders by amount")));
        (page.body["total"] == 830).then_some(page)
    });
    let amounts: Vec<f64> = by_amount.body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["traits"]["amount"].as_f64().unwrap())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    assert!(
        by_amount.body["records"][0]["related"]["account"]["traits"]["company_name"].is_string()
    );
    let german = client.get(&format!("/views/{}/records?limit=1000", view_id("German orders")));
    let expected = orders
        .iter()
        .filter(|o| {
            let customer = o["traits"]["customer_id"].as_str().unwrap();
            accounts.iter().any(|a| a["id"] == customer && a["traits"]["country"] == "Germany")
        })
        .count();
    assert_eq!(german.body["total"], expected);
    assert_eq!(german.body["records"].as_array().unwrap().len(), expected);

    let failed = client.get(&format!(
        "/models/{orders_model}/records?limit=1000&filter={}",
        crate::support::enc("stripe_charge.status = \"failed\"")
    ));
    assert_eq!(failed.body["total"], 27, "{}", failed.text);
    for row in failed.body["records"].as_array().unwrap() {
        assert!(row["related"]["account"]["traits"]["company_name"].is_string(), "{row}");
        assert_eq!(row["related"]["stripe_charge"]["traits"]["status"], "failed", "{row}");
    }
    let payments = client
        .get(&format!("/views/{}/records?limit=1000", view_id("Failed or refunded payments")));
    let rows = payments.body["records"].as_array().unwrap();
    let refunded = rows.iter().filter(|r| {
        r["related"]["stripe_charge"]["traits"]["amount_refunded"].as_i64().unwrap_or(0) > 0
    });
    assert_eq!(refunded.count(), 53, "every refunded charge shows its refund");
    assert_eq!(payments.body["total"], 27 + 53);

    server.child.kill().unwrap();
    server.child.wait().unwrap();
}
