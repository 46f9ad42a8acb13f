use serde_json::json;

use crate::support::{eventually, TestServer};

/// A browser-like client: keeps cookies, sends no API key.
fn browser(_server: &TestServer) -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn post(
    agent: &ureq::Agent,
    url: &str,
    body: serde_json::Value,
    csrf: Option<&str>,
) -> (u16, serde_json::Value, Vec<String>) {
    let mut request = agent.post(url).content_type("application/json");
    if let Some(token) = csrf {
        request = request.header("X-CSRF-Token", token);
    }
    let mut reply = request.send(body.to_string()).unwrap();
    let cookies = reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let text = reply.body_mut().read_to_string().unwrap();
    (reply.status().as_u16(), serde_json::from_str(&text).unwrap_or_default(), cookies)
}

fn get(agent: &ureq::Agent, url: &str) -> (u16, serde_json::Value) {
    let mut reply = agent.get(url).header("Accept", "application/json").call().unwrap();
    let text = reply.body_mut().read_to_string().unwrap();
    (reply.status().as_u16(), serde_json::from_str(&text).unwrap_or_default())
}

#[test]
fn the_setup_link_makes_the_first_admin_once_and_signs_in() {
    let server = TestServer::start();
    let agent = browser(&server);
    let url = |p: &str| format!("{}{p}", server.base);

    let weak = post(
        &agent,
        &url("/auth/setup"),
        json!({"token": server.setup_token, "email": "a@x.io", "password": "short"}),
        None,
    );
    assert_eq!((weak.0, weak.1["field"].clone()), (400, json!("password")));
    let wrong = post(
        &agent,
        &url("/auth/setup"),
        json!({"token": "nope", "email": "a@x.io", "password": "long enough pass"}),
        None,
    );
    assert_eq!(wrong.1["code"], "invalid_setup_token");

    let (status, body, cookies) = post(
        &agent,
        &url("/auth/setup"),
        json!({
            "token": server.setup_token,
            "email": "Admin@Example.com",
            "password": "long enough pass"
        }),
        None,
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["user"]["email"], "admin@example.com");
    assert_eq!(body["user"]["role"], "admin");
    let cookie =
        cookies.iter().find(|c| c.starts_with("corral_session=")).expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");

    let me = get(&agent, &url("/auth/me"));
    assert_eq!(me.0, 200);
    assert_eq!(me.1["user"]["email"], "admin@example.com");
    assert_eq!(get(&agent, &url("/models")).0, 200, "the session reads the API");

    let again = post(
        &agent,
        &url("/auth/setup"),
        json!({"token": server.setup_token, "email": "b@x.io", "password": "long enough pass"}),
        None,
    );
    assert_eq!(again.1["code"], "invalid_setup_token", "the link works once");
}

#[test]
fn sessions_need_the_csrf_token_for_changes_and_end_at_sign_out() {
    let server = TestServer::start();
    let agent = browser(&server);
    let url = |p: &str| format!("{}{p}", server.base);
    post(
        &agent,
        &url("/auth/setup"),
        json!({"token": server.setup_token, "email": "a@x.io", "password": "long enough pass"}),
        None,
    );
    let stranger = browser(&server);

    let bad = post(
        &stranger,
        &url("/auth/login"),
        json!({"email": "a@x.io", "password": "wrong password"}),
        None,
    );
    assert_eq!((bad.0, bad.1["code"].clone()), (401, json!("bad_credentials")));
    let unknown = post(
        &stranger,
        &url("/auth/login"),
        json!({"email": "b@x.io", "password": "wrong password"}),
        None,
    );
    assert_eq!(unknown.1["message"], bad.1["message"], "no hint whether the address exists");

    let (status, login, _) = post(
        &agent,
        &url("/auth/login"),
        json!({"email": "A@X.IO", "password": "long enough pass"}),
        None,
    );
    assert_eq!(status, 200);
    let csrf = login["csrf_token"].as_str().unwrap().to_string();

    let forged = post(&agent, &url("/models"), json!({"name": "Forged"}), None);
    assert_eq!((forged.0, forged.1["code"].clone()), (403, json!("csrf_token_missing")));
    let wrong = post(&agent, &url("/models"), json!({"name": "Forged"}), Some("nope"));
    assert_eq!(wrong.0, 403);
    let made = post(&agent, &url("/models"), json!({"name": "Orders"}), Some(&csrf));
    assert_eq!(made.0, 201, "{}", made.1);
    assert_eq!(
        server.client().get("/models").body.as_array().unwrap().len(),
        4,
        "only one model was added"
    );

    assert_eq!(post(&agent, &url("/auth/logout"), json!({}), None).0, 204);
    let after = get(&agent, &url("/models"));
    assert_eq!((after.0, after.1["code"].clone()), (401, json!("missing_api_key")));
}

#[test]
fn admins_manage_the_team_and_members_cannot() {
    let server = TestServer::start();
    let client = server.client();

    let admin = client.post_json(
        "/users",
        &json!({"email": "boss@x.io", "password": "long enough pass", "role": "admin"}),
    );
    assert_eq!(admin.status, 201, "{}", admin.text);
    let member =
        client.post_json("/users", &json!({"email": "cs@x.io", "password": "long enough pass"}));
    assert_eq!(member.body["role"], "member");
    assert_eq!(
        client
            .post_json("/users", &json!({"email": "CS@x.io", "password": "long enough pass"}))
            .error_code(409),
        "email_taken"
    );
    assert_eq!(
        client
            .post_json("/users", &json!({"email": "nope", "password": "long enough pass"}))
            .error_code(400),
        "invalid_user"
    );

    let agent = browser(&server);
    let url = |p: &str| format!("{}{p}", server.base);
    let (_, login, _) = post(
        &agent,
        &url("/auth/login"),
        json!({"email": "cs@x.io", "password": "long enough pass"}),
        None,
    );
    let csrf = login["csrf_token"].as_str().unwrap();
    let refused = post(
        &agent,
        &url("/users"),
        json!({"email": "z@x.io", "password": "long enough pass"}),
        Some(csrf),
    );
    assert_eq!((refused.0, refused.1["code"].clone()), (403, json!("admin_only")));

    let admin_id = admin.body["id"].as_str().unwrap();
    let member_id = member.body["id"].as_str().unwrap();
    assert_eq!(client.delete(&format!("/users/{admin_id}")).error_code(409), "last_admin");
    assert_eq!(client.delete(&format!("/users/{member_id}")).status, 200);
    assert_eq!(get(&agent, &url("/auth/me")).0, 401, "a removed teammate's session ends");
}

#[test]
fn ui_addresses_serve_the_app_and_never_collide_with_the_api() {
    let server = TestServer::start();
    let agent = browser(&server);
    let url = |p: &str| format!("{}{p}", server.base);
    let fetch = |path: &str, accept: &str| {
        let mut reply = agent.get(url(path)).header("Accept", accept).call().unwrap();
        let kind = reply
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let status = reply.status().as_u16();
        let _ = reply.body_mut().read_to_string();
        (status, kind)
    };

    let (status, kind) = fetch("/app/views/view_123?q=x", "text/html");
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(fetch("/app/records/orders_1/inv.2024", "text/html").1.starts_with("text/html"));
    assert_eq!(fetch("/app/assets/missing-123.js", "*/*").0, 404);
    let (status, kind) = fetch("/views", "text/html");
    assert_eq!(status, 401);
    assert!(kind.starts_with("application/json"), "an API address never answers HTML: {kind}");
    let redirect: ureq::Agent =
        ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let root = redirect.get(url("/")).call().unwrap();
    assert_eq!(root.status(), 302);
    assert_eq!(root.headers().get("location").unwrap(), "/app/");
}

#[test]
fn members_read_and_keep_views_but_change_nothing_else() {
    let server = TestServer::start();
    let client = server.client();
    let orders = client.create_model(json!({"name": "Orders"}));
    client.post_form(&format!("/models/{orders}/records"), &[("id", "1")]);
    let member = json!({"email": "cs@x.io", "password": "long enough pass", "role": "member"});
    assert_eq!(client.post_json("/users", &member).status, 201);

    let agent = browser(&server);
    let url = |p: &str| format!("{}{p}", server.base);
    let (_, login, _) = post(
        &agent,
        &url("/auth/login"),
        json!({"email": "cs@x.io", "password": "long enough pass"}),
        None,
    );
    let csrf = login["csrf_token"].as_str().unwrap();

    assert_eq!(get(&agent, &url(&format!("/models/{orders}/records"))).0, 200);
    let view = post(&agent, &url("/views"), json!({"name": "Mine", "model": orders}), Some(csrf));
    assert_eq!(view.0, 201, "members keep views: {}", view.1);

    let refused = [
        post(&agent, &url("/keys"), json!({"name": "evil"}), Some(csrf)),
        post(&agent, &url("/models"), json!({"name": "X"}), Some(csrf)),
        post(&agent, &url(&format!("/models/{orders}/records")), json!({"id": "2"}), Some(csrf)),
        post(&agent, &url("/integrations/stripe/sync"), json!({}), Some(csrf)),
    ];
    for (status, body, _) in refused {
        assert_eq!((status, body["code"].clone()), (403, json!("admin_only")), "{body}");
    }
    let delete = agent
        .delete(url(&format!("/models/{orders}")))
        .header("X-CSRF-Token", csrf)
        .call()
        .unwrap();
    assert_eq!(delete.status(), 403);
    assert_eq!(get(&agent, &url("/keys")).0, 403);
    // The total comes from the search index, which may be a moment behind the store.
    eventually("the one record to be counted", || {
        (client.get(&format!("/models/{orders}/records")).body["total"] == 1).then_some(())
    });
}
