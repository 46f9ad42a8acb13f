//! Load harness: durable single-record syncs against the real server.
//!
//! Starts Corral in-process on a temporary data directory (one HTTP worker by default, so
//! the figure is what one core sustains), then runs CONNECTIONS client threads that each
//! post unique records for SECONDS, and prints throughput and latency percentiles. Every
//! answer it counts was acknowledged durably (flushed and fsynced).
//!
//!     cargo bench --bench ingest                 # 16 connections, 10 s, 1 worker
//!     CONNECTIONS=1 SECONDS=5 WORKERS=2 cargo bench --bench ingest

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use actix_web::web;
use corral::app::{Corral, Settings};
use corral::store::StoreOptions;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let connections = env_or("CONNECTIONS", 16);
    let seconds = env_or("SECONDS", 10);
    let workers = env_or("WORKERS", 1);

    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions { dir: dir.path().join("data"), cache_bytes: 256 << 20 };
    let settings = Settings { workers, ..Default::default() };
    let corral = Corral::open(&options, settings).unwrap();
    let (_, key) = corral::keys::create(&corral.store, "bench").unwrap();
    let model = corral::models::create(
        &corral.store,
        serde_json::from_value(
            serde_json::json!({"name": "Orders", "traits": {"amount": "number"}}),
        )
        .unwrap(),
    )
    .unwrap();
    let corral = web::Data::new(corral);

    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let (server, addrs) = corral::http::server(corral, "127.0.0.1:0").unwrap();
            sender.send(addrs[0]).unwrap();
            server.await.unwrap();
        })
    });
    let addr = receiver.recv().unwrap();
    let url = format!("http://{addr}/models/{}/records", model.id);

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let (url, key, stop) = (url.clone(), key.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_defaults();
                let mut latencies = Vec::new();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("{c}-{n}");
                    let sent = Instant::now();
                    let reply = agent
                        .post(&url)
                        .header("Authorization", format!("Token {key}"))
                        .send_form([("id", id.as_str()), ("amount", "75.20"), ("status", "paid")])
                        .unwrap();
                    assert_eq!(reply.status(), 201);
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds as u64));
    stop.store(true, Ordering::Relaxed);
    let mut latencies: Vec<Duration> =
        clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3;

    println!(
        "durable single-record syncs: {connections} connections, {workers} worker(s), {seconds} s"
    );
    println!("  {} records, {:.0} per second", latencies.len(), latencies.len() as f64 / elapsed);
    println!("  latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", pct(0.5), pct(0.99), pct(1.0));
}
