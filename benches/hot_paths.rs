//! Criterion micro-benchmarks of the hot paths: the record codec, form parsing, filter
//! parsing, the order-preserving keys, and building an index document.
//!
//!     cargo bench --bench hot_paths

use std::collections::BTreeMap;

use corral::index::{document, keys, schema};
use corral::models::{Model, ModelKind, Relation};
use corral::records::{input, Record, Value};
use corral::store::codec;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn order() -> Record {
    let mut traits = BTreeMap::new();
    for (name, value) in [
        ("customer_id", Value::Text("VINET".into())),
        ("amount", Value::Number("440.00".into())),
        ("order_date", Value::Text("1996-07-04".into())),
        ("ship_name", Value::Text("Vins et alcools Chevalier".into())),
        ("ship_city", Value::Text("Reims".into())),
        ("stripe_charge_id", Value::Text("ch_B6CSVRjVBtlJrJCHiPzczWHD".into())),
    ] {
        traits.insert(name.to_string(), value);
    }
    Record { id: "10248".into(), traits, created_at: 1, updated_at: 2 }
}

fn hot_paths(c: &mut Criterion) {
    let record = order();
    let bytes = codec::encode(&record).unwrap();
    c.bench_function("codec encode record", |b| b.iter(|| codec::encode(black_box(&record))));
    c.bench_function("codec decode record", |b| {
        b.iter(|| codec::decode::<Record>(black_box(&bytes)).unwrap())
    });

    let form: &[u8] = concat!(
        "id=10248&customer_id=VINET&amount=440.00&order_date=1996-07-04",
        "&ship_name=Vins+et+alcools+Chevalier&shipping[city]=Reims"
    )
    .as_bytes();
    c.bench_function("parse form body", |b| b.iter(|| input::parse_form(black_box(form)).unwrap()));

    let filter = r#"amount > 50 && (account.country = "Germany" || status ~ "paid")"#;
    c.bench_function("parse filter", |b| {
        b.iter(|| corral::query::parse_filter(black_box(filter)).unwrap())
    });
    c.bench_function("number key", |b| b.iter(|| keys::number_key(black_box("12345.67"))));
    c.bench_function("text-like key (date)", |b| {
        b.iter(|| keys::text_like_key(black_box("1996-07-04T10:00:00+02:00")))
    });

    let (_, fields) = schema::build();
    let model = Model {
        id: "orders".into(),
        name: "Orders".into(),
        kind: ModelKind::Custom,
        relations: vec![Relation {
            trait_name: "customer_id".into(),
            model: "account".into(),
            name: "account".into(),
        }],
        traits: Default::default(),
        created_at: 0,
        updated_at: 0,
    };
    let mut account = order();
    account.id = "VINET".into();
    c.bench_function("build index document", |b| {
        b.iter(|| {
            let related = [document::Related { name: "account", record: Some(account.clone()) }];
            document::build(&fields, &model, black_box(&record), &related)
        })
    });
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
