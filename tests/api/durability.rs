use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

use crate::support::{spawn_server, Client, TestServer};

#[test]
fn twenty_concurrent_syncs_of_one_new_id_make_one_record() {
    let server = TestServer::start();
    let client = server.client();
    let model = client.create_model(json!({"name": "Race"}));
    let path = format!("/models/{model}/records");

    let threads: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            let path = path.clone();
            std::thread::spawn(move || {
                client.post_form(&path, &[("id", "same"), (&format!("t{i}"), "1")])
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap().status).collect();

    assert!(statuses.iter().all(|s| *s == 200 || *s == 201), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    let page = client.get(&path);
    assert_eq!(page.body["records"].as_array().unwrap().len(), 1);
    assert_eq!(
        page.body["records"][0]["traits"].as_object().unwrap().len(),
        20,
        "no update was lost"
    );
}

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut process = spawn_server(dir.path());
    let key = process.first_key.clone().expect("a first key on a new directory");
    let client = Client::new(&process.base, Some(&key));
    let model = client.create_model(json!({"name": "Crash"}));
    let path = format!("/models/{model}/records");

    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (client, path, acked, stop) =
                (client.clone(), path.clone(), acked.clone(), stop.clone());
            std::thread::spawn(move || {
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("w{w}-{n}");
                    match client.try_post_form(&path, &[("id", &id), ("n", "1")]) {
                        Some(reply) if reply.status == 201 => {
                            acked.lock().unwrap().insert(id);
                        }
                        _ => break,
                    }
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(1500));
    process.child.kill().unwrap();
    process.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        let _ = writer.join();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() > 50, "the test made too few writes to mean anything: {}", acked.len());

    let mut process = spawn_server(dir.path());
    let client = Client::new(&process.base, Some(&key));
    let mut missing = Vec::new();
    for id in &acked {
        if client.get(&format!("{path}/{id}")).status != 200 {
            missing.push(id.clone());
        }
    }
    process.child.kill().unwrap();
    process.child.wait().unwrap();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged writes were lost: {missing:?}",
        missing.len(),
        acked.len()
    );
}

#[test]
fn sigterm_finishes_and_flushes_then_restart_sees_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut process = spawn_server(dir.path());
    let key = process.first_key.clone().unwrap();
    let client = Client::new(&process.base, Some(&key));
    let model = client.create_model(json!({"name": "Term"}));
    assert_eq!(client.post_form(&format!("/models/{model}/records"), &[("id", "1")]).status, 201);

    let status = std::process::Command::new("kill")
        .args(["-TERM", &process.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = process.child.wait().unwrap();
    assert!(exit.success(), "a graceful stop exits 0, got {exit:?}");

    let mut process = spawn_server(dir.path());
    assert!(process.first_key.is_none(), "a key exists, so no new one is made");
    let client = Client::new(&process.base, Some(&key));
    assert_eq!(client.get(&format!("/models/{model}/records/1")).status, 200);
    process.child.kill().unwrap();
    process.child.wait().unwrap();
}
