//! The comparison harness's smoke run: Corral's side of the benchmark workload on a few
//! thousand orders, with its built-in client, so the harness keeps working. It checks the
//! counts every query finds against what the generated data holds.

use std::net::TcpListener;
use std::process::Command;

use crate::support::binary;

#[test]
fn the_comparison_harness_runs_against_corral() {
    let work = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/compare.py");
    let output = Command::new("python3")
        .arg(script)
        .arg("--smoke")
        .arg("--corral")
        .arg(binary())
        .arg("--work")
        .arg(work.path())
        .args(["--corral-port", &port.to_string()])
        .output()
        .expect("python3 runs the harness");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for row in [
        "| batch ingest (records/s) |",
        "| single ingest @16 (records/s) |",
        "| filtered, sorted first page @ 3,000: p99 ms |",
        "| deep page (row 100) @ 3,000: p99 ms |",
        "| cold start to first query @ 3,000 (s) |",
    ] {
        assert!(stdout.contains(row), "no row {row:?} in:\n{stdout}");
    }
    assert!(stdout.contains("Corral, matches: search, rare word @ 3,000: 1"), "{stdout}");
    assert!(stdout.contains("Corral, matches: search, common word @ 3,000: 1,500"), "{stdout}");
}
