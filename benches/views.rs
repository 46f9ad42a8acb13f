//! Views benchmark: a million orders over ten thousand accounts, shaped like Northwind.
//!
//! Builds the data through the library (the same sync and indexing paths the server uses),
//! then times the first page of a view with search, filter and sort, the same deep in the
//! results with a cursor, and a plain sorted first page; prints p50 and p99, resident
//! memory, disk per million records and the time to reopen the data directory.
//!
//!     cargo bench --bench views                  # 1,000,000 orders
//!     ORDERS=100000 cargo bench --bench views    # a quicker run
//!     BENCH_DIR=/tmp/corral-bench cargo bench --bench views   # keep and reuse the data

use std::time::{Duration, Instant};

use corral::app::{Corral, Settings};
use corral::index::SearchRequest;
use corral::models::NewModel;
use corral::query::{parse_filter, parse_sort};
use corral::records::{self, RecordInput, Value};
use corral::store::StoreOptions;

const COUNTRIES: [&str; 21] = [
    "Argentina",
    "Austria",
    "Belgium",
    "Brazil",
    "Canada",
    "Denmark",
    "Finland",
    "France",
    "Germany",
    "Ireland",
    "Italy",
    "Mexico",
    "Norway",
    "Poland",
    "Portugal",
    "Spain",
    "Sweden",
    "Switzerland",
    "UK",
    "USA",
    "Venezuela",
];
const WORDS: [&str; 16] = [
    "chop",
    "suey",
    "chai",
    "tofu",
    "ikura",
    "konbu",
    "pavlova",
    "gnocchi",
    "camembert",
    "gorgonzola",
    "mascarpone",
    "raclette",
    "tarte",
    "sucre",
    "lakkalikoori",
    "vegie",
];
const STATUSES: [&str; 4] = ["paid", "paid", "pending", "refunded"];

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A small deterministic generator, so every run builds the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn build(corral: &Corral, orders: usize, accounts: usize) -> String {
    let mut rng = Lcg(7);
    let account = corral::models::get(&corral.store, "account").unwrap();
    for a in 0..accounts {
        let traits = [
            ("company_name".to_string(), text(format!("{} Trading {a}", WORDS[rng.next(16)]))),
            ("country".to_string(), text(COUNTRIES[rng.next(21)])),
        ];
        let input = RecordInput { id: format!("C{a:05}"), traits: traits.into_iter().collect() };
        records::sync(&corral.store, &account, input).unwrap();
    }
    let new_model: NewModel = serde_json::from_value(serde_json::json!({
        "name": "Orders", "relations": [{"trait": "customer_id", "model": "account"}]
    }))
    .unwrap();
    let model = corral::models::create(&corral.store, new_model).unwrap();
    let started = Instant::now();
    for o in 0..orders {
        let traits = [
            ("customer_id", text(format!("C{:05}", rng.next(accounts)))),
            ("amount", Value::Number(format!("{}.{:02}", rng.next(5000), rng.next(100)))),
            (
                "order_date",
                text(format!("199{}-0{}-1{}", 6 + rng.next(3), 1 + rng.next(9), rng.next(10))),
            ),
            ("status", text(STATUSES[rng.next(4)])),
            ("ship_name", text(format!("{} {}", WORDS[rng.next(16)], WORDS[rng.next(16)]))),
        ];
        let traits = traits.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        records::sync(&corral.store, &model, RecordInput { id: (10_000 + o).to_string(), traits })
            .unwrap();
        if (o + 1) % 100_000 == 0 {
            println!("  stored {} orders in {:.1?}", o + 1, started.elapsed());
        }
    }
    corral.store.commit_blocking().unwrap();
    while !corral.index.is_caught_up() {
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("  stored and indexed {orders} orders in {:.1?}", started.elapsed());
    model.id
}

fn time(label: &str, runs: usize, mut run: impl FnMut() -> usize) {
    let mut samples = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let start = Instant::now();
        rows = run();
        samples.push(start.elapsed());
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!("  {label}: p50 {:.2} ms, p99 {:.2} ms ({rows} rows)", pct(0.5), pct(0.99));
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn disk_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        total +=
            if path.is_dir() { disk_bytes(&path) } else { entry.metadata().map_or(0, |m| m.len()) };
    }
    total
}

fn main() {
    let orders = env_or("ORDERS", 1_000_000);
    let runs = env_or("RUNS", 200);
    let temp = tempfile::tempdir().unwrap();
    let dir =
        std::env::var("BENCH_DIR").map(Into::into).unwrap_or_else(|_| temp.path().join("data"));
    let options = StoreOptions { dir: dir.clone(), cache_bytes: 512 << 20 };

    let corral = Corral::open(&options, Settings::default()).unwrap();
    let existing =
        corral::models::list(&corral.store).unwrap().into_iter().find(|m| m.name == "Orders");
    let model = match existing {
        Some(model) => model.id,
        None => build(&corral, orders, 10_000),
    };
    corral.close().unwrap();
    drop(corral);

    let opened = Instant::now();
    let corral = Corral::open(&options, Settings::default()).unwrap();
    println!("views over {orders} orders, 10,000 accounts");
    println!("  reopen (start-up) {:.0?}", opened.elapsed());

    let filter = parse_filter("amount > 100 && account.country = \"Germany\"").unwrap();
    let sort = parse_sort("-amount").unwrap();
    fn search<'a>(
        model: &'a str,
        q: Option<&'a str>,
        filter: Option<&'a corral::query::Filter>,
        sort: &'a [corral::query::SortKey],
        cursor: Option<&'a str>,
    ) -> SearchRequest<'a> {
        SearchRequest { model, q, filter, sort, limit: 50, cursor, count: true }
    }
    time("search + filter + sort, first page", runs, || {
        corral
            .index
            .search(&search(&model, Some("chop"), filter.as_ref(), &sort, None))
            .unwrap()
            .ids
            .len()
    });
    time("sort only, first page", runs, || {
        corral.index.search(&search(&model, None, None, &sort, None)).unwrap().ids.len()
    });
    let mut cursor = None;
    let mut skipped = 0;
    // Fifty thousand rows down: deep enough that an offset would hurt, cheap to reach.
    while skipped < (orders / 2).min(50_000) {
        let request =
            SearchRequest { limit: 1000, ..search(&model, None, None, &sort, cursor.as_deref()) };
        let page = corral.index.search(&request).unwrap();
        skipped += page.ids.len();
        cursor = page.next_cursor;
    }
    time(&format!("sort only, page after {skipped} rows"), runs, || {
        corral
            .index
            .search(&search(&model, None, None, &sort, cursor.as_deref()))
            .unwrap()
            .ids
            .len()
    });
    let bytes = disk_bytes(&dir);
    println!("  resident memory {:.0} MiB", rss_mib());
    println!(
        "  disk {:.0} MiB ({:.0} MiB per million records)",
        bytes as f64 / 1048576.0,
        bytes as f64 / 1048576.0 * 1e6 / (orders + 10_000) as f64
    );
}
