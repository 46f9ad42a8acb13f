//! Shared helpers: a real server on its own temporary data directory, and a small client.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use actix_web::web;
use corral::app::{Corral, Settings};
use corral::store::StoreOptions;
use serde_json::Value;

/// A server running in this process, on a free port, with its own data directory.
pub struct TestServer {
    pub base: String,
    pub key: String,
    /// The one-time link token for the first admin.
    pub setup_token: String,
    pub dir: tempfile::TempDir,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(Settings::default())
    }

    pub fn start_with(settings: Settings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let options = StoreOptions { dir: dir.path().join("data"), cache_bytes: 16 << 20 };
        let corral = Corral::open(&options, settings).unwrap();
        let (_, key) = corral::keys::create(&corral.store, "tests").unwrap();
        let setup_token = corral::users::new_setup_token(&corral.store).unwrap().unwrap();
        corral.store.commit_blocking().unwrap();
        let corral = web::Data::new(corral);

        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let (server, addrs) = corral::http::server(corral.clone(), "127.0.0.1:0").unwrap();
                sender.send((server.handle(), addrs[0])).unwrap();
                server.await.unwrap();
                corral.close().unwrap();
            });
        });
        let (handle, addr) = receiver.recv().unwrap();
        let base = format!("http://{addr}");
        Self { base, key, setup_token, dir, handle, thread: Some(thread) }
    }

    pub fn client(&self) -> Client {
        Client { base: self.base.clone(), key: Some(self.key.clone()), agent: agent() }
    }

    /// Stops the server and waits until its data directory is released.
    pub fn stop(mut self) -> tempfile::TempDir {
        self.shutdown();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    fn shutdown(&mut self) {
        if let Some(thread) = self.thread.take() {
            futures_executor(self.handle.stop(true));
            thread.join().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn futures_executor(future: impl std::future::Future<Output = ()>) {
    actix_web::rt::System::new().block_on(future);
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A response: its status and its body parsed as JSON (or Null when it is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub content_type: String,
}

impl Reply {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let text = response.body_mut().with_config().limit(64 << 20).read_to_string().unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, body, text, content_type }
    }

    /// Asserts that this is an error answered as the rules say, and returns its code.
    pub fn error_code(&self, status: u16) -> &str {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        assert_eq!(self.body["status"], status, "body: {}", self.text);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", self.text);
        assert_eq!(self.body["message"], self.body["detail"]);
        self.body["code"].as_str().expect("an error code")
    }
}

/// A client for one server, with or without a key.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub key: Option<String>,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base: &str, key: Option<&str>) -> Self {
        Self { base: base.to_string(), key: key.map(String::from), agent: agent() }
    }

    pub fn with_key(&self, key: Option<&str>) -> Self {
        Self { key: key.map(String::from), ..self.clone() }
    }

    fn auth<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.key {
            Some(key) => request.header("Authorization", format!("Token {key}")),
            None => request,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        Reply::from(self.auth(self.agent.get(format!("{}{path}", self.base))).call().unwrap())
    }

    pub fn delete(&self, path: &str) -> Reply {
        Reply::from(self.auth(self.agent.delete(format!("{}{path}", self.base))).call().unwrap())
    }

    pub fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let request = self.auth(self.agent.post(format!("{}{path}", self.base)));
        Reply::from(request.send_form(pairs.iter().copied()).unwrap())
    }

    /// Like [`Client::post_form`], but answers None when the server is gone.
    pub fn try_post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Option<Reply> {
        let request = self.auth(self.agent.post(format!("{}{path}", self.base)));
        request.send_form(pairs.iter().copied()).ok().map(Reply::from)
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post_raw(path, "application/json", &body.to_string())
    }

    pub fn patch_json(&self, path: &str, body: &Value) -> Reply {
        let request = self.auth(self.agent.patch(format!("{}{path}", self.base)));
        Reply::from(request.content_type("application/json").send(body.to_string()).unwrap())
    }

    pub fn put_json(&self, path: &str, body: &Value) -> Reply {
        let request = self.auth(self.agent.put(format!("{}{path}", self.base)));
        Reply::from(request.content_type("application/json").send(body.to_string()).unwrap())
    }

    pub fn post_raw_with(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.auth(self.agent.post(format!("{}{path}", self.base)));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.content_type(content_type).send(body).unwrap())
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Reply {
        let request = self.auth(self.agent.post(format!("{}{path}", self.base)));
        Reply::from(request.content_type(content_type).send(body).unwrap())
    }

    /// Creates a custom model and answers its id.
    pub fn create_model(&self, body: Value) -> String {
        let reply = self.post_json("/models", &body);
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_string()
    }
}

/// A `corral` process started from the built binary.
pub struct Process {
    pub child: Child,
    pub base: String,
    pub first_key: Option<String>,
}

/// Starts `corral serve` on `dir` with a free port and waits for its address.
pub fn spawn_server(dir: &Path) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corral"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("CORRAL_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let (mut base, mut first_key) = (None, None);
    while let Ok(line) = receiver.recv_timeout(Duration::from_secs(30)) {
        if let Some(addr) = line.split("listening on ").nth(1) {
            base = Some(addr.trim().to_string());
        }
        if line.trim_start().starts_with("corral_") {
            first_key = Some(line.trim().to_string());
        }
        if line.starts_with("API reference") {
            break;
        }
    }
    let base = base.expect("the server printed its address");
    Process { child, base, first_key }
}

/// The binary's path, for command-line tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_corral"))
}

/// Polls `check` until it holds or five seconds pass; the index shows writes within a second.
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The ids of a rows answer, in order.
pub fn ids(reply: &Reply) -> Vec<String> {
    reply.body["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records in {}", reply.text))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// Percent-encodes a query parameter value.
pub fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
