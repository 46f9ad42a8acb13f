//! Floors: what this machine and our libraries allow on their own, with no Corral in the way,
//! so a server's figures can be read as a fraction of them.
//!
//! Each mode prints one line to stdout for benches/compare.py to parse; notes go to stderr.
//!
//! - `actix PORT` serves `{"ok":true}` to every GET on 127.0.0.1:PORT with one worker per
//!   core, prints `listening 127.0.0.1:PORT` once bound and runs until SIGTERM or SIGINT.
//! - `disk DIR` appends 4 KiB blocks to a file in DIR for about three seconds, each followed
//!   by `sync_data`, then again with `sync_all`, and prints the syncs per second.
//! - `sled DIR N` times N plain inserts of order-shaped values, 2,000 inserts each flushed,
//!   N inserts in flushed batches of 1,000, and N random point gets; and the disk the plain
//!   inserts take, per million, against the bytes of their keys and values.
//! - `tantivy DIR N` indexes N order-shaped documents with one writer thread and one commit,
//!   then prints p50 and p99 of a common term, a rare term, a filter sorted by a fast field
//!   and a filtered count.
//!
//! Every mode but actix works in fresh files or directories made inside DIR and removed at
//! the end.
//!
//!     cargo bench --bench floors -- actix 8088
//!     cargo bench --bench floors -- disk /var/lib/corral
//!     cargo bench --bench floors -- sled /tmp 100000
//!     cargo bench --bench floors -- tantivy /tmp 100000

use std::error::Error;
use std::fs::File;
use std::io::{self, Seek, Write};
use std::ops::Bound;
use std::path::Path;
use std::time::{Duration, Instant};

use actix_web::http::header::ContentType;
use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, FAST, INDEXED, STORED, STRING, TEXT};
use tantivy::{doc, Index, IndexWriter, Order, ReloadPolicy, Searcher, Term};

const USAGE: &str = "usage: floors actix PORT | disk DIR | sled DIR N | tantivy DIR N";

type Outcome<T> = Result<T, Box<dyn Error>>;

/// One run, as the command line asked for it.
enum Mode {
    Actix { port: u16 },
    Disk { dir: String },
    Sled { dir: String, records: usize },
    Tantivy { dir: String, records: usize },
}

fn main() {
    // cargo bench appends `--bench`; flags are not ours, so every one is skipped.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let Some(mode) = parse(&args) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };

    let outcome = match mode {
        Mode::Actix { port } => serve(port).map_err(Into::into),
        Mode::Disk { dir } => disk(Path::new(&dir)),
        Mode::Sled { dir, records } => sled_floors(Path::new(&dir), records),
        Mode::Tantivy { dir, records } => tantivy_floors(Path::new(&dir), records),
    };
    if let Err(error) = outcome {
        eprintln!("floors: {error}");
        std::process::exit(1);
    }
}

fn parse(args: &[String]) -> Option<Mode> {
    let records = |n: &String| n.parse().ok().filter(|&n: &usize| n > 0);
    match args {
        [mode, port] if mode == "actix" => Some(Mode::Actix { port: port.parse().ok()? }),
        [mode, dir] if mode == "disk" => Some(Mode::Disk { dir: dir.clone() }),
        [mode, dir, n] if mode == "sled" => {
            Some(Mode::Sled { dir: dir.clone(), records: records(n)? })
        }
        [mode, dir, n] if mode == "tantivy" => {
            Some(Mode::Tantivy { dir: dir.clone(), records: records(n)? })
        }
        _ => None,
    }
}

/// Prints the one line compare.py reads.
fn report(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

fn per_sec(ops: usize, elapsed: Duration) -> f64 {
    round(ops as f64 / elapsed.as_secs_f64(), 1)
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// A stable spread of the integers, so every run builds the same data (splitmix64).
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

const STATUSES: [&str; 5] = ["pending", "paid", "shipped", "delivered", "refunded"];

fn status(i: u64) -> &'static str {
    STATUSES[(i % 5) as usize]
}

/// Between 0.00 and 499.99, so `amount > 100` keeps about four orders in five.
fn amount(i: u64) -> f64 {
    (mix(i) % 50_000) as f64 / 100.0
}

// ---- actix ----------------------------------------------------------------------------

const OK_BODY: &str = r#"{"ok":true}"#;

async fn ok() -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::json()).body(OK_BODY)
}

fn serve(port: u16) -> io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    actix_web::rt::System::new().block_on(async move {
        // A short grace period, so a harness that sends SIGTERM is not kept waiting.
        let server = HttpServer::new(|| App::new().route("/{path:.*}", web::get().to(ok)))
            .workers(workers)
            .shutdown_timeout(1)
            .bind(("127.0.0.1", port))?;

        // Port 0 asks the system for one; say which it gave.
        let bound = server.addrs().first().map_or(port, |a| a.port());
        report(&format!("listening 127.0.0.1:{bound}"))?;
        eprintln!("floors: actix with {workers} workers");
        #[cfg(unix)]
        exit_with_parent();
        server.run().await
    })
}

/// Under `cargo bench` this server is cargo's child, and a SIGTERM sent to cargo does not
/// reach it: leave when cargo does, rather than hold the port after the harness has moved on.
#[cfg(unix)]
fn exit_with_parent() {
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(100));
        if std::os::unix::process::parent_id() != parent {
            eprintln!("floors: parent process gone, stopping");
            std::process::exit(0);
        }
    });
}

// ---- disk -----------------------------------------------------------------------------

const BLOCK: usize = 4096;
const SYNC_SECONDS: u64 = 3;
/// The file starts over past this size, so a fast disk does not fill up during a run.
const SYNC_FILE_CAP: u64 = 64 << 20;

fn disk(dir: &Path) -> Outcome<()> {
    std::fs::create_dir_all(dir)?;
    let data = syncs_per_sec(dir, File::sync_data)?;
    let all = syncs_per_sec(dir, File::sync_all)?;
    report(&json!({ "fsync_per_sec": data, "fsync_all_per_sec": all }).to_string())?;
    Ok(())
}

/// Appends a block and syncs it, again and again: the pattern of a write-ahead log.
fn syncs_per_sec(dir: &Path, sync: fn(&File) -> io::Result<()>) -> io::Result<f64> {
    let mut file = tempfile::Builder::new().prefix("floors-fsync").tempfile_in(dir)?;
    let block = [0x5au8; BLOCK];
    let mut written = 0u64;
    let mut syncs = 0usize;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(SYNC_SECONDS) {
        if written >= SYNC_FILE_CAP {
            file.as_file().set_len(0)?;
            file.rewind()?;
            written = 0;
        }
        file.write_all(&block)?;
        sync(file.as_file())?;
        written += BLOCK as u64;
        syncs += 1;
    }
    Ok(per_sec(syncs, started.elapsed()))
}

// ---- sled -----------------------------------------------------------------------------

const DURABLE_INSERTS: usize = 2_000;
const BATCH: usize = 1_000;

/// About 150 bytes of JSON, the size of a small order record.
fn order_value(i: u64, buf: &mut String) -> &[u8] {
    use std::fmt::Write as _;
    buf.clear();
    let _ = write!(
        buf,
        r#"{{"id":"ord_{i:010}","customer":"cus_{:06}","status":"{}","amount":"{:.2}","#,
        mix(i) % 100_000,
        status(i),
        amount(i),
    );
    let created = 1_700_000_000 + i;
    let _ = write!(buf, r#""currency":"usd","created_at":{created},"note":"leave at door"}}"#);
    buf.as_bytes()
}

fn sled_floors(dir: &Path, records: usize) -> Outcome<()> {
    std::fs::create_dir_all(dir)?;
    let scratch = tempfile::Builder::new().prefix("floors-sled").tempdir_in(dir)?;
    let db = sled::Config::new().path(scratch.path()).cache_capacity(256 << 20).open()?;
    let mut buf = String::new();

    let orders = db.open_tree("orders")?;
    let started = Instant::now();
    for i in 0..records as u64 {
        orders.insert(i.to_be_bytes(), order_value(i, &mut buf))?;
    }
    let insert = per_sec(records, started.elapsed());
    eprintln!("floors: {} bytes a value", order_value(0, &mut buf).len());

    // Write out what the plain inserts left dirty, so the durable ones pay only their own way.
    let started = Instant::now();
    db.flush()?;
    eprintln!("floors: first flush of {records} inserts took {:?}", started.elapsed());
    // What sled takes on disk for these values, against their own size (keys and values).
    let stored: u64 = (0..records as u64).map(|i| 8 + order_value(i, &mut buf).len() as u64).sum();
    let per_million = |bytes: u64| bytes as f64 / (1u64 << 20) as f64 * 1e6 / records as f64;
    let logical_mib = per_million(stored);
    let disk_mib = per_million(db.size_on_disk()?);

    // On Linux sled 0.34 ends a flush with sync_file_range, not fsync (its background thread
    // calls sync_all every half second), so this can beat the disk floor's fsyncs per second.
    let durable = db.open_tree("durable")?;
    let started = Instant::now();
    for i in 0..DURABLE_INSERTS as u64 {
        durable.insert(i.to_be_bytes(), order_value(i, &mut buf))?;
        db.flush()?;
    }
    let durable_insert = per_sec(DURABLE_INSERTS, started.elapsed());

    let batched = db.open_tree("batched")?;
    let started = Instant::now();
    for first in (0..records as u64).step_by(BATCH) {
        let mut batch = sled::Batch::default();
        for i in first..(first + BATCH as u64).min(records as u64) {
            batch.insert(&i.to_be_bytes()[..], order_value(i, &mut buf));
        }
        batched.apply_batch(batch)?;
        db.flush()?;
    }
    let batch_insert = per_sec(records, started.elapsed());

    let started = Instant::now();
    for n in 0..records as u64 {
        // Another stream than the ids', so the gets jump about the tree.
        let key = mix(n ^ 0xF100_2500) % records as u64;
        if orders.get(key.to_be_bytes())?.is_none() {
            return Err(format!("order {key} was inserted but is missing").into());
        }
    }
    let get = per_sec(records, started.elapsed());

    let line = json!({
        "records": records,
        "insert_per_sec": insert,
        "durable_insert_per_sec": durable_insert,
        "batch_insert_per_sec": batch_insert,
        "get_per_sec": get,
        "data_mib_per_million": round(logical_mib, 1),
        "disk_mib_per_million": round(disk_mib, 1),
    });
    report(&line.to_string())?;
    Ok(())
}

// ---- tantivy --------------------------------------------------------------------------

const INDEX_HEAP: usize = 128 << 20;
const REPETITIONS: usize = 200;
const WARM_UP: usize = 10;
const TOP: usize = 50;

/// Two hundred ordinary words; neither "express" nor "zanzibar" is among them.
const VOCABULARY: &str = "\
    apple bread chair table window garden river mountain cloud rain \
    summer winter spring autumn morning evening night paper pencil book \
    letter market street house kitchen bottle glass plate spoon fork \
    knife water coffee tea sugar salt pepper butter cheese milk \
    orange lemon grape cherry peach plum melon carrot potato onion \
    tomato garlic rice pasta soup salad cookie cake honey jam \
    shirt jacket shoe boot sock glove scarf hat button pocket \
    blue green red yellow purple brown black white silver golden \
    small large quick slow bright quiet gentle happy careful simple \
    friend family mother father sister brother child teacher doctor farmer \
    city village country island forest desert ocean lake valley bridge \
    road train plane boat bicycle engine wheel ticket station harbor \
    music song piano guitar drum picture camera letterbox story poem \
    school lesson answer question number minute hour week month year \
    dog cat horse bird fish rabbit mouse sheep cow chicken \
    stone metal wood cotton wool leather plastic rubber copper iron \
    door floor wall roof stair garage fence gate lamp clock \
    pillow blanket towel basket box bag wallet key ring mirror \
    flower tree grass leaf seed root branch berry nut bean \
    rainbow sunny windy cloudy rainy snowy warm cold fresh sweet";

struct OrderFields {
    id: Field,
    status: Field,
    amount: Field,
    note: Field,
}

fn order_schema() -> (Schema, OrderFields) {
    let mut builder = Schema::builder();
    let fields = OrderFields {
        id: builder.add_text_field("id", STRING | FAST | STORED),
        status: builder.add_text_field("status", STRING | FAST),
        amount: builder.add_f64_field("amount", FAST | INDEXED),
        note: builder.add_text_field("note", TEXT),
    };
    (builder.build(), fields)
}

/// Four words of the vocabulary, "express" in every second order, "zanzibar" in one of
/// 10,007: a common term and a rare one.
fn note(i: u64, words: &[&str]) -> String {
    let h = mix(i);
    let mut text: Vec<&str> =
        (0..4).map(|k| words[((h >> (16 * k)) & 0xFFFF) as usize % words.len()]).collect();
    if i.is_multiple_of(2) {
        text.push("express");
    }
    if i % 10_007 == 3 {
        text.push("zanzibar");
    }
    text.join(" ")
}

fn tantivy_floors(dir: &Path, records: usize) -> Outcome<()> {
    std::fs::create_dir_all(dir)?;
    let scratch = tempfile::Builder::new().prefix("floors-tantivy").tempdir_in(dir)?;
    let (schema, fields) = order_schema();
    let index = Index::create_in_dir(scratch.path(), schema)?;
    let words: Vec<&str> = VOCABULARY.split_whitespace().collect();

    let started = Instant::now();
    let mut writer: IndexWriter = index.writer_with_num_threads(1, INDEX_HEAP)?;
    for i in 0..records as u64 {
        writer.add_document(doc!(
            fields.id => format!("ord_{i:010}"),
            fields.status => status(i),
            fields.amount => amount(i),
            fields.note => note(i, &words),
        ))?;
    }
    writer.commit()?;
    let index_docs = per_sec(records, started.elapsed());
    // Merges started by the commit would otherwise run under the queries being timed.
    writer.wait_merging_threads()?;

    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    eprintln!("floors: {} segments", searcher.segment_readers().len());

    let (term_common, common_hits) = time_ranked(&searcher, &term(fields.note, "express"))?;
    let (term_rare, rare_hits) = time_ranked(&searcher, &term(fields.note, "zanzibar"))?;
    let shipped_over_100 = shipped_over(&fields, 100.0);
    check_sorted(&searcher, &shipped_over_100)?;
    let (filter_sort, filter_hits) = time_sorted(&searcher, &shipped_over_100)?;
    let (count, count_hits) = time_query(|| Ok(searcher.search(&shipped_over_100, &Count)?))?;
    eprintln!(
        "floors: hits express {common_hits}, zanzibar {rare_hits}, \
         shipped over 100 {filter_hits} (counted {count_hits})"
    );

    let line = json!({
        "records": records,
        "index_docs_per_sec": index_docs,
        "term_common_ms": term_common,
        "term_rare_ms": term_rare,
        "filter_sort_ms": filter_sort,
        "count_ms": count,
    });
    report(&line.to_string())?;
    Ok(())
}

fn term(field: Field, word: &str) -> TermQuery {
    TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs)
}

fn shipped_over(fields: &OrderFields, low: f64) -> BooleanQuery {
    let shipped = Term::from_field_text(fields.status, "shipped");
    let over = Term::from_field_f64(fields.amount, low);
    let shipped: Box<dyn Query> = Box::new(TermQuery::new(shipped, IndexRecordOption::Basic));
    let over: Box<dyn Query> = Box::new(RangeQuery::new(Bound::Excluded(over), Bound::Unbounded));
    BooleanQuery::new(vec![(Occur::Must, shipped), (Occur::Must, over)])
}

/// The top orders by score, and how many match.
fn time_ranked(searcher: &Searcher, query: &dyn Query) -> Outcome<(Value, usize)> {
    time_query(|| {
        let (_top, count) = searcher.search(query, &(TopDocs::with_limit(TOP), Count))?;
        Ok(count)
    })
}

/// The top orders by amount, largest first, and how many match.
fn time_sorted(searcher: &Searcher, query: &dyn Query) -> Outcome<(Value, usize)> {
    time_query(|| {
        let by_amount = TopDocs::with_limit(TOP).order_by_fast_field::<f64>("amount", Order::Desc);
        let (_top, count) = searcher.search(query, &(by_amount, Count))?;
        Ok(count)
    })
}

/// The sorted page is what it claims to be: over 100, largest first.
fn check_sorted(searcher: &Searcher, query: &dyn Query) -> Outcome<()> {
    let by_amount = TopDocs::with_limit(TOP).order_by_fast_field::<f64>("amount", Order::Desc);
    let top = searcher.search(query, &by_amount)?;
    let amounts: Vec<f64> = top.iter().map(|(amount, _)| *amount).collect();
    if amounts.iter().any(|&a| a <= 100.0) {
        return Err(format!("the filtered page is wrong: {amounts:?}").into());
    }
    if amounts.windows(2).any(|w| w[0] < w[1]) {
        return Err(format!("the page is not largest first: {amounts:?}").into());
    }
    Ok(())
}

/// p50 and p99 in milliseconds of REPETITIONS runs, after a few untimed ones, and the hits
/// of the last run.
fn time_query(mut run: impl FnMut() -> Outcome<usize>) -> Outcome<(Value, usize)> {
    for _ in 0..WARM_UP {
        run()?;
    }
    let mut times = Vec::with_capacity(REPETITIONS);
    let mut hits = 0;
    for _ in 0..REPETITIONS {
        let started = Instant::now();
        hits = run()?;
        times.push(started.elapsed());
    }
    times.sort();
    let at = |q: f64| {
        let rank = ((q * times.len() as f64).ceil() as usize).clamp(1, times.len());
        round(times[rank - 1].as_secs_f64() * 1e3, 4)
    };
    Ok((json!({ "p50": at(0.50), "p99": at(0.99) }), hits))
}
