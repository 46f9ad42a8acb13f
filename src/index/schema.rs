//! The tantivy schema: one document per record, holding its own traits and those of the
//! records it relates to (an order carries its account's traits under `account.`).

use tantivy::schema::{
    Field, IndexRecordOption, JsonObjectOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    STRING,
};

/// Bump when the schema or the way documents are built changes: an index of another
/// version is rebuilt from sled at start-up.
pub const SCHEMA_VERSION: u32 = 3;

/// Separates a path from a value inside one term, and a model from a record id.
pub const SEP: char = '\u{1}';

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `model SEP id`: the term that deletes a record's document. Also a fast column, so
    /// a dependent document can be told apart when it must be rebuilt.
    pub key: Field,
    /// The model id.
    pub model: Field,
    /// The record id, as a fast column: the last key of every sort.
    pub id: Field,
    /// The record id as a number, when it is a plain decimal integer (most are): a number
    /// column reads back in nanoseconds, where a text column decompresses a block.
    pub id_number: Field,
    /// `model SEP id` of every record this one relates to.
    pub links: Field,
    /// Search tokens of every value, joined by spaces.
    pub words: Field,
    /// Whole folded values, so an exact match can rank first.
    pub exact: Field,
    /// `path SEP key`: typed, order-preserving keys for comparisons.
    pub vals: Field,
    /// `path SEP folded text`: every value as text, for `~` (contains).
    pub texts: Field,
    /// Paths that hold a non-null value, for `= null`.
    pub paths: Field,
    /// A JSON object of sort keys by path, as fast columns.
    pub sort: Field,
}

/// Builds the schema and answers its fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let key_options = STRING.set_fast(Some("raw"));
    let key = builder.add_text_field("key", key_options);
    let model = builder.add_text_field("model", STRING);
    let id = builder.add_text_field("id", TextOptions::default().set_fast(Some("raw")));
    let id_number = builder.add_u64_field("id_number", FAST);
    let links = builder.add_text_field("links", STRING);
    let words_indexing = TextFieldIndexing::default()
        .set_tokenizer("whitespace")
        .set_index_option(IndexRecordOption::WithFreqs);
    let words = builder
        .add_text_field("words", TextOptions::default().set_indexing_options(words_indexing));
    let exact = builder.add_text_field("exact", STRING);
    let vals = builder.add_text_field("vals", STRING);
    let texts = builder.add_text_field("texts", STRING);
    let paths = builder.add_text_field("paths", STRING);
    let sort_options = JsonObjectOptions::default().set_fast(Some("raw")).set_expand_dots_enabled();
    let sort = builder.add_json_field("sort", sort_options);
    let fields =
        Fields { key, model, id, id_number, links, words, exact, vals, texts, paths, sort };
    (builder.build(), fields)
}

/// The term text that names a record.
pub fn record_key(model: &str, id: &str) -> String {
    format!("{model}{SEP}{id}")
}

/// The term text of a path and a value.
pub fn path_term(path: &str, value: &str) -> String {
    format!("{path}{SEP}{value}")
}

/// The number a record id stands for, when the id is its plain decimal form (no sign, no
/// leading zero), so the number gives the id back exactly.
pub fn id_number(id: &str) -> Option<u64> {
    let canonical = !id.is_empty()
        && id.len() <= 19
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id == "0" || !id.starts_with('0'));
    canonical.then(|| id.parse().ok()).flatten()
}
