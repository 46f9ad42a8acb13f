//! Building a record's document: its own traits and, under each relation's name, the traits
//! of the record it points at.

use std::collections::BTreeMap;

use tantivy::schema::OwnedValue;
use tantivy::TantivyDocument;

use super::keys::{self, fold, loose};
use super::schema::{path_term, record_key, Fields};
use super::tokens::tokens;
use crate::models::Model;
use crate::records::{Record, Value};

/// The longest value kept whole for `~` and exact matches, in bytes.
pub(super) const MAX_TEXT: usize = 512;

/// A related record as found when the document is built; None when it does not exist (yet).
pub struct Related<'a> {
    pub name: &'a str,
    pub record: Option<Record>,
}

/// The id a trait value names, if it can name a record.
pub fn linked_id(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) => crate::records::id::normalize(text).ok(),
        Value::Number(text) => Some(text.clone()),
        _ => None,
    }
}

/// What one document accumulates before it is written.
struct Builder<'f> {
    fields: &'f Fields,
    doc: TantivyDocument,
    words: Vec<String>,
    sort: BTreeMap<String, OwnedValue>,
}

impl Builder<'_> {
    fn scalar(&mut self, path: &str, value: &Value) {
        let text = match value {
            Value::Text(s) => s.clone(),
            Value::Number(n) => n.clone(),
            Value::Bool(b) => b.to_string(),
            _ => return,
        };
        let Some(key) = keys::value_key(value) else { return };
        self.keyed(path, &text, key);
    }

    fn keyed(&mut self, path: &str, text: &str, key: String) {
        let folded = truncate(fold(text), MAX_TEXT);
        self.doc.add_text(self.fields.vals, path_term(path, &key));
        self.doc.add_text(self.fields.texts, path_term(path, &truncate(loose(text), MAX_TEXT)));
        self.doc.add_text(self.fields.paths, path);
        self.doc.add_text(self.fields.exact, &folded);
        self.words.extend(tokens(text));
        self.sort.entry(path.to_string()).or_insert_with(|| OwnedValue::Str(keys::sort_form(key)));
    }

    fn value(&mut self, path: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                for (name, inner) in map {
                    self.value(&format!("{path}.{name}"), inner);
                }
            }
            Value::List(items) => items.iter().for_each(|item| self.value(path, item)),
            scalar => self.scalar(path, scalar),
        }
    }

    fn record(&mut self, prefix: &str, record: &Record) {
        self.keyed(&format!("{prefix}id"), &record.id, keys::text_like_key(&record.id));
        for (name, value) in &record.traits {
            self.value(&format!("{prefix}{name}"), value);
        }
        for (name, micros) in [("created_at", record.created_at), ("updated_at", record.updated_at)]
        {
            if !record.traits.contains_key(name) {
                let key = keys::micros_key(micros);
                self.sort.entry(format!("{prefix}{name}")).or_insert(OwnedValue::Str(key.clone()));
                self.doc.add_text(self.fields.vals, path_term(&format!("{prefix}{name}"), &key));
            }
        }
    }
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

/// Builds the document of `record` of `model`, with its related records.
pub fn build(
    fields: &Fields,
    model: &Model,
    record: &Record,
    related: &[Related],
) -> TantivyDocument {
    let mut builder =
        Builder { fields, doc: TantivyDocument::new(), words: Vec::new(), sort: BTreeMap::new() };
    builder.doc.add_text(fields.key, record_key(&model.id, &record.id));
    builder.doc.add_text(fields.model, &model.id);
    builder.doc.add_text(fields.id, &record.id);
    if let Some(number) = super::schema::id_number(&record.id) {
        builder.doc.add_u64(fields.id_number, number);
    }
    for relation in &model.relations {
        if let Some(target) = record.traits.get(&relation.trait_name).and_then(linked_id) {
            builder.doc.add_text(fields.links, record_key(&relation.model, &target));
        }
    }

    builder.record("", record);
    for related in related {
        if let Some(other) = &related.record {
            builder.record(&format!("{}.", related.name), other);
        }
    }

    let Builder { mut doc, words, sort, .. } = builder;
    let mut seen = std::collections::HashSet::with_capacity(words.len());
    let unique: Vec<&str> = words.iter().map(String::as_str).filter(|w| seen.insert(*w)).collect();
    doc.add_text(fields.words, unique.join(" "));
    doc.add_object(fields.sort, sort);
    doc
}
