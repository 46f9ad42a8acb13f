//! The web UI in real Chromium against the real server, and a check that the UI files
//! embedded in the binary are the ones its sources build. Both need Node with `ui/`'s
//! packages installed (`npm ci --prefix ui`) and Chromium (`/usr/bin/chromium`, or the
//! CHROMIUM variable); `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{binary, spawn_server};

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found.sort();
    found
}

fn need_packages() {
    assert!(
        ui_dir().join("node_modules").is_dir(),
        "ui/node_modules is missing: run `npm ci --prefix ui` (CI does this in .ci/run)"
    );
}

#[test]
fn the_embedded_ui_is_what_its_sources_build() {
    need_packages();
    let out = tempfile::tempdir().unwrap();
    let status = Command::new("npm")
        .args(["run", "build", "--", "--outDir"])
        .arg(out.path())
        .arg("--emptyOutDir")
        .current_dir(ui_dir())
        .status()
        .unwrap();
    assert!(status.success(), "the UI did not build");

    let relative = |base: &Path, list: Vec<(PathBuf, Vec<u8>)>| -> Vec<(PathBuf, Vec<u8>)> {
        list.into_iter().map(|(p, b)| (p.strip_prefix(base).unwrap().to_path_buf(), b)).collect()
    };
    let built = relative(out.path(), files(out.path()));
    let committed = relative(&ui_dir().join("dist"), files(&ui_dir().join("dist")));
    let names = |l: &[(PathBuf, Vec<u8>)]| l.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&built),
        names(&committed),
        "ui/dist is stale: run `npm run build --prefix ui`"
    );
    assert!(built == committed, "ui/dist is stale: run `npm run build --prefix ui` and commit it");
}

#[test]
fn the_ui_works_in_chromium() {
    need_packages();
    let dir = tempfile::tempdir().unwrap();
    let (email, password) = ("admin@example.com", "a long test passphrase");
    let made = Command::new(binary())
        .args(["admin", "create", "--email", email, "--password", password, "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));

    let mut server = spawn_server(dir.path());
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let run = Command::new("node")
        .arg(ui_dir().join("tests/e2e.mjs"))
        .env("CORRAL_URL", &server.base)
        .env("CORRAL_ADMIN_EMAIL", email)
        .env("CORRAL_ADMIN_PASSWORD", password)
        .env("SCREENSHOTS", &screenshots)
        .output()
        .unwrap();
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "browser steps failed (screenshots in {}):\n{stdout}\n{}",
        screenshots.display(),
        String::from_utf8_lossy(&run.stderr)
    );
}
