use serde_json::json;

use crate::support::{enc, eventually, ids, spawn_server, Client, TestServer};

/// Syncs records and waits until the index shows all of them.
fn sync_all(client: &Client, model: &str, records: &[serde_json::Value]) {
    for record in records {
        let reply = client.post_json(&format!("/models/{model}/records"), record);
        assert!(reply.status == 201 || reply.status == 200, "{}", reply.text);
    }
    settle(client, model);
}

/// Waits until an indexed query agrees with the store's count.
fn settle(client: &Client, model: &str) {
    eventually("the index to catch up", || {
        let stored = client.get(&format!("/models/{model}/records?limit=1000"));
        let indexed = client.get(&format!("/models/{model}/records?sort=id&limit=1000"));
        let (a, b) = (ids(&stored), ids(&indexed));
        let mut sorted = b.clone();
        sorted.sort();
        (a == sorted && indexed.body["total"] == a.len()).then_some(())
    });
}

fn query(client: &Client, model: &str, params: &[(&str, &str)]) -> Vec<String> {
    let reply = rows(client, model, params);
    assert_eq!(reply.status, 200, "{}", reply.text);
    ids(&reply)
}

fn rows(client: &Client, model: &str, params: &[(&str, &str)]) -> crate::support::Reply {
    let qs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    client.get(&format!("/models/{model}/records?{}", qs.join("&")))
}

#[test]
fn numbers_compare_as_numbers_however_they_were_sent() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));
    for (id, amount) in [("a", "100"), ("b", "9"), ("c", "75")] {
        client.post_form(&format!("/models/{model}/records"), &[("id", id), ("amount", amount)]);
    }
    sync_all(
        &client,
        &model,
        &[
            json!({"id": "big1", "amount": 9007199254740993u64}),
            json!({"id": "big2", "amount": 9007199254740992u64}),
            json!({"id": "dec", "amount": 0.3}),
            json!({"id": "none"}),
        ],
    );

    assert_eq!(
        query(&client, &model, &[("sort", "amount")]),
        ["dec", "b", "c", "a", "big2", "big1", "none"]
    );
    assert_eq!(
        query(&client, &model, &[("sort", "-amount")]),
        ["big1", "big2", "a", "c", "b", "dec", "none"]
    );
    let over =
        query(&client, &model, &[("filter", "amount > 50 && amount < 1000"), ("sort", "amount")]);
    assert_eq!(over, ["c", "a"]);
    assert_eq!(query(&client, &model, &[("filter", "amount = 9007199254740993")]), ["big1"]);
    assert_eq!(query(&client, &model, &[("filter", "amount = 0.3")]), ["dec"]);
    assert_eq!(query(&client, &model, &[("filter", "amount = null")]), ["none"]);
    assert_eq!(query(&client, &model, &[("filter", "nothing.here = 1")]), Vec::<String>::new());
}

#[test]
fn dates_compare_as_instants_and_text_folds_case_and_accents() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "People"}));
    sync_all(
        &client,
        &model,
        &[
            json!({"id": "1", "name": "Иван", "seen": "2024-01-31T10:00:00+02:00"}),
            json!({"id": "2", "name": "Cafe\u{301} Owner", "seen": "2024-01-31 09:30:00Z"}),
            json!({"id": "3", "name": "zoë", "seen": "2023-12-31"}),
        ],
    );

    assert_eq!(query(&client, &model, &[("sort", "seen")]), ["3", "1", "2"]);
    let after =
        query(&client, &model, &[("filter", "seen >= \"2024-01-31 08:00:00Z\""), ("sort", "seen")]);
    assert_eq!(after, ["1", "2"]);
    assert_eq!(query(&client, &model, &[("filter", "seen = \"2024-01-31T08:00:00Z\"")]), ["1"]);
    assert_eq!(query(&client, &model, &[("filter", "name = \"иван\"")]), ["1"]);
    assert_eq!(query(&client, &model, &[("filter", "name ~ \"CAFÉ\"")]), ["2"]);
    assert_eq!(query(&client, &model, &[("q", "иван")]), ["1"]);
    assert_eq!(query(&client, &model, &[("q", "café")]), ["2"]);
}

#[test]
fn search_finds_identifiers_emails_and_word_starts_with_the_exact_match_first() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));
    sync_all(
        &client,
        &model,
        &[
            json!({"id": "1", "charge": "ch_4567", "email": "ana@example.com"}),
            json!({"id": "2", "note": "refund of ch_4567 requested"}),
            json!({"id": "3", "note": "Chopped tomatoes"}),
        ],
    );

    assert_eq!(query(&client, &model, &[("q", "CH_4567")]), ["1", "2"], "exact match first");
    assert_eq!(query(&client, &model, &[("q", "ana@example.com")]), ["1"]);
    assert_eq!(query(&client, &model, &[("q", "example")]), ["1"]);
    assert_eq!(query(&client, &model, &[("q", "chop")]), ["3"]);
    assert_eq!(query(&client, &model, &[("q", "tomatoes cho")]), ["3"]);
    assert_eq!(query(&client, &model, &[("q", "nowhere")]), Vec::<String>::new());
}

#[test]
fn relations_reach_into_the_account_and_follow_its_changes() {
    let server = TestServer::start();
    let client = server.client();
    let orders = client.create_model(
        json!({"name": "Orders", "relations": [{"trait": "customer_id", "model": "account"}]}),
    );
    sync_all(
        &client,
        "account",
        &[
            json!({"id": "ALFKI", "company_name": "Alfreds", "country": "Germany"}),
            json!({"id": "BONAP", "company_name": "Bon app'", "country": "France"}),
        ],
    );
    sync_all(
        &client,
        &orders,
        &[
            json!({"id": "1", "customer_id": "ALFKI", "amount": 10}),
            json!({"id": "2", "customer_id": "BONAP", "amount": 20}),
            json!({"id": "3", "customer_id": "ALFKI", "amount": 30}),
            json!({"id": "4", "customer_id": "NOONE", "amount": 40}),
        ],
    );

    let german = query(
        &client,
        &orders,
        &[("filter", "account.country = \"Germany\""), ("sort", "-amount")],
    );
    assert_eq!(german, ["3", "1"]);
    let by_name = query(&client, &orders, &[("sort", "account.company_name,-amount")]);
    assert_eq!(by_name, ["3", "1", "2", "4"], "missing accounts sort last");
    assert_eq!(query(&client, &orders, &[("q", "alfreds"), ("sort", "id")]), ["1", "3"]);
    let row = rows(&client, &orders, &[("filter", "id = 2")]);
    assert_eq!(row.body["records"][0]["related"]["account"]["traits"]["country"], "France");

    client.post_form("/models/account/records", &[("id", "BONAP"), ("country", "Germany")]);
    client.post_form("/models/account/records", &[("id", "NOONE"), ("country", "Germany")]);
    eventually("orders to show the account's new country", || {
        let german =
            query(&client, &orders, &[("filter", "account.country = \"Germany\""), ("sort", "id")]);
        (german == ["1", "2", "3", "4"]).then_some(())
    });

    let expanded = client.get(&format!("/models/{orders}/records/2?expand=account"));
    assert_eq!(expanded.body["related"]["account"]["traits"]["country"], "Germany");
    assert_eq!(
        client.get(&format!("/models/{orders}/records/2?expand=nope")).error_code(400),
        "invalid_expand"
    );
}

#[test]
fn paging_with_a_sort_never_repeats_or_skips_while_records_arrive() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));
    let initial: Vec<_> =
        (0..30).map(|i| json!({"id": format!("r{i:02}"), "amount": i % 7})).collect();
    sync_all(&client, &model, &initial);

    let mut seen: Vec<String> = Vec::new();
    let mut cursor = String::new();
    let mut page_no = 0;
    loop {
        let mut params = vec![("sort", "-amount"), ("limit", "4")];
        if !cursor.is_empty() {
            params.push(("cursor", &cursor));
        }
        let page = rows(&client, &model, &params);
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(ids(&page));
        page_no += 1;
        if page_no == 2 {
            // Arrivals both before and after the current position.
            sync_all(
                &client,
                &model,
                &[json!({"id": "new-top", "amount": 100}), json!({"id": "new-low", "amount": -1})],
            );
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "a row came twice: {seen:?}");
    for i in 0..30 {
        assert!(seen.contains(&format!("r{i:02}")), "r{i:02} was skipped: {seen:?}");
    }
    assert!(seen.contains(&"new-low".to_string()) && !seen.contains(&"new-top".to_string()));
}

#[test]
fn malformed_filters_and_sorts_are_400_pointing_at_the_position() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));

    let reply = rows(&client, &model, &[("filter", "amount > && x = 1")]);
    assert_eq!(reply.error_code(400), "invalid_filter");
    assert_eq!(reply.body["field"], "filter");
    assert!(reply.body["message"].as_str().unwrap().contains("position 9"), "{}", reply.text);
    assert_eq!(rows(&client, &model, &[("sort", "a,,b")]).error_code(400), "invalid_sort");
    assert_eq!(rows(&client, &model, &[("filter", "a > true")]).error_code(400), "invalid_filter");
    assert_eq!(
        rows(&client, &model, &[("sort", "a"), ("cursor", "zzz")]).error_code(400),
        "invalid_cursor"
    );
}

#[test]
fn saved_views_answer_their_rows_and_take_overrides() {
    let server = TestServer::start();
    let client = server.client();
    let orders = client.create_model(
        json!({"name": "Orders", "relations": [{"trait": "customer_id", "model": "account"}]}),
    );
    sync_all(
        &client,
        "account",
        &[json!({"id": "A", "country": "Germany"}), json!({"id": "B", "country": "France"})],
    );
    sync_all(
        &client,
        &orders,
        &[
            json!({"id": "1", "customer_id": "A", "amount": 5}),
            json!({"id": "2", "customer_id": "A", "amount": 50}),
            json!({"id": "3", "customer_id": "B", "amount": 500}),
        ],
    );

    let created = client.post_json("/views", &json!({
        "name": "German orders", "model": orders, "columns": ["id", "amount", "account.country"],
        "filter": "account.country = 'Germany'", "sort": "-amount"
    }));
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["filter"], "account.country = \"Germany\"");
    let view = created.body["id"].as_str().unwrap().to_string();

    let page = client.get(&format!("/views/{view}/records"));
    assert_eq!(ids(&page), ["2", "1"]);
    assert_eq!(page.body["total"], 2);
    assert_eq!(ids(&client.get(&format!("/views/{view}/records?sort=amount"))), ["1", "2"]);
    assert_eq!(
        ids(&client.get(&format!("/views/{view}/records?filter={}", enc("amount > 10")))),
        ["2"]
    );

    let patched =
        client.patch_json(&format!("/views/{view}"), &json!({"filter": "", "name": "All orders"}));
    assert_eq!(patched.body["filter"], serde_json::Value::Null);
    assert_eq!(ids(&client.get(&format!("/views/{view}/records"))), ["3", "2", "1"]);
    assert_eq!(client.get("/views").body.as_array().unwrap().len(), 1);

    let bad = client.post_json("/views", &json!({"name": "x", "model": orders, "filter": "a ="}));
    assert_eq!(bad.error_code(400), "invalid_view");
    assert_eq!(bad.body["field"], "filter");
    assert_eq!(
        client.post_json("/views", &json!({"name": "x", "model": "nope"})).error_code(400),
        "invalid_view"
    );

    client.delete(&format!("/models/{orders}/records/3"));
    eventually("the deleted record to leave the view", || {
        (ids(&client.get(&format!("/views/{view}/records"))) == ["2", "1"]).then_some(())
    });
    assert_eq!(client.delete(&format!("/views/{view}")).status, 200);
    assert_eq!(client.get(&format!("/views/{view}")).error_code(404), "view_not_found");
}

#[test]
fn deleting_a_model_empties_its_views_and_the_index_rebuilds_after_loss() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_server(dir.path());
    let key = server.first_key.clone().unwrap();
    let client = Client::new(&server.base, Some(&key));
    let model = client.create_model(json!({"name": "Orders"}));
    sync_all(
        &client,
        &model,
        &[json!({"id": "1", "note": "keep me"}), json!({"id": "2", "note": "and me"})],
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let mut server = spawn_server(dir.path());
    let client = Client::new(&server.base, Some(&key));
    assert_eq!(query(&client, &model, &[("q", "keep")]), ["1"], "rebuilt before serving");

    let other = client.create_model(json!({"name": "Other"}));
    sync_all(&client, &other, &[json!({"id": "x", "note": "keep"})]);
    assert_eq!(client.delete(&format!("/models/{model}")).status, 200);
    let again = client.create_model(json!({"name": "Orders"}));
    assert_eq!(query(&client, &again, &[("q", "keep")]), Vec::<String>::new());
    assert_eq!(query(&client, &other, &[("q", "keep")]), ["x"]);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[test]
fn search_ignores_accents_and_a_search_of_only_punctuation_is_no_search() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Accounts"}));
    sync_all(
        &client,
        &model,
        &[
            json!({"id": "1", "name": "Bólido Comidas", "contact": "Ёлкин"}),
            json!({"id": "2", "name": "Königlich Essen"}),
        ],
    );

    assert_eq!(query(&client, &model, &[("q", "bolido")]), ["1"]);
    assert_eq!(query(&client, &model, &[("q", "елкин")]), ["1"]);
    assert_eq!(query(&client, &model, &[("q", "konig")]), ["2"]);
    assert_eq!(query(&client, &model, &[("filter", "name ~ \"bolido\"")]), ["1"]);
    for q in ["\"", "\\", ".*(", "🎉", "["] {
        let reply = rows(&client, &model, &[("q", q), ("sort", "id")]);
        assert_eq!(ids(&reply), ["1", "2"], "q={q} is no search");
    }
}

#[test]
fn small_sorted_pages_walk_the_same_rows_as_one_whole_page() {
    // Small pages look among the next few sort values first; one page of 1,000 over these
    // 600 records sorts them all. Both must give the same rows in the same order, across
    // several segments, ties, missing values, lists (sorted by their first value) and
    // values of mixed kinds.
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));
    for part in 0..3 {
        let batch: Vec<_> = (part * 200..part * 200 + 200)
            .map(|i| {
                let id = if i % 3 == 0 { format!("{i}") } else { format!("r-{i:04}") };
                let status = ["a", "b", "c"][i % 3];
                let mut record = json!({
                    "id": id,
                    "status": status,
                    "note": format!("word{}", (i * 7) % 40),
                });
                match i {
                    i if i % 10 == 0 => {}
                    i if i % 13 == 0 => record["amount"] = json!([i % 7, 100]),
                    i if i % 17 == 0 => record["amount"] = json!("n/a"),
                    i => record["amount"] = json!((i * 37) % 50),
                }
                record
            })
            .collect();
        let reply = client.post_json(&format!("/models/{model}/records/batch"), &json!(batch));
        assert_eq!(reply.status, 200, "{}", reply.text);
        settle(&client, &model);
    }

    for (sort, filter) in [
        ("-amount", None),
        ("amount", None),
        ("note,-amount", None),
        ("-note", Some("status = \"b\"")),
        ("-amount", Some("status != \"c\" && amount > 10")),
        ("id", Some("status = \"a\"")),
        ("-id", None),
    ] {
        let mut whole = vec![("sort", sort), ("limit", "1000")];
        whole.extend(filter.map(|f| ("filter", f)));
        let reference = rows(&client, &model, &whole);
        assert_eq!(reference.status, 200, "{}", reference.text);
        let expected = ids(&reference);
        assert!(expected.len() > 20, "{sort} {filter:?}: {}", expected.len());

        let mut walked = Vec::new();
        let mut cursor = String::new();
        loop {
            let mut params = vec![("sort", sort), ("limit", "7"), ("count", "false")];
            params.extend(filter.map(|f| ("filter", f)));
            if !cursor.is_empty() {
                params.push(("cursor", &cursor));
            }
            let page = rows(&client, &model, &params);
            assert_eq!(page.status, 200, "{}", page.text);
            assert!(page.body["total"].is_null(), "count=false leaves out the total");
            walked.extend(ids(&page));
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        assert_eq!(walked, expected, "sort {sort}, filter {filter:?}");
        assert_eq!(reference.body["total"], expected.len(), "sort {sort}, filter {filter:?}");
    }
}

#[test]
fn totals_follow_every_change_to_the_matches() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Orders"}));
    let records: Vec<_> = (0..12)
        .map(|i| json!({"id": format!("o{i:02}"), "amount": i * 10, "note": "express parcel"}))
        .collect();
    sync_all(&client, &model, &records);

    let sorted = [("filter", "amount >= 50"), ("sort", "-amount"), ("limit", "3")];
    let ranked = [("q", "express"), ("limit", "3")];
    let total = |params: &[(&str, &str)]| {
        let page = rows(&client, &model, params);
        assert_eq!(page.status, 200, "{}", page.text);
        page.body["total"].as_u64().expect("a total")
    };
    for _ in 0..3 {
        assert_eq!(total(&sorted), 7, "asked again, the total stays");
        assert_eq!(total(&ranked), 12);
    }
    let first = rows(&client, &model, &sorted);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second =
        [("filter", "amount >= 50"), ("sort", "-amount"), ("limit", "3"), ("cursor", &cursor)];
    assert_eq!(total(&second), 7, "a later page has the same total");

    // A new match, a changed record that no longer matches, and a deleted one.
    client.post_json(&format!("/models/{model}/records"), &json!({"id": "o99", "amount": 990}));
    client.post_json(&format!("/models/{model}/records"), &json!({"id": "o11", "amount": 1}));
    let deleted = client.delete(&format!("/models/{model}/records/o10"));
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    settle(&client, &model);
    assert_eq!(total(&sorted), 6, "o99 joins; o11 and o10 leave");
    assert_eq!(total(&second), 6);
    assert_eq!(total(&ranked), 11, "o10 is gone; o11 kept its note; o99 has none");
}
