//! The indexer thread: applies the queue of changes in batches, rebuilding each changed
//! record's document and the documents that link to it, then commits.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, Term};

use super::columns;
use super::document::{self, linked_id, Related};
use super::schema::{record_key, SEP};
use super::{lock, IndexError, Shared};
use crate::models::Model;
use crate::records::Record;
use crate::store::{codec, IndexChange};

/// How long the thread sleeps when the queue is empty.
const IDLE: Duration = Duration::from_millis(50);
/// The most queued changes applied in one commit.
const BATCH: usize = 20_000;

/// The least time between two commits while changes keep coming, and under heavy load
/// (the last batch held at least `BUSY` changes). Every commit writes a segment that
/// tantivy later merges: committing as fast as changes arrive spends more on merging than on
/// indexing. After a full batch there is no pause: the next batch is already waiting.
const COMMIT_GAP: Duration = Duration::from_millis(250);
const BUSY_COMMIT_GAP: Duration = Duration::from_secs(1);
const BUSY: usize = 1_000;

/// Runs until the index is closed, then applies what is left.
pub(super) fn run(shared: &Shared) {
    let mut gap = COMMIT_GAP;
    let mut last_commit = Instant::now();
    loop {
        let closing = shared.closing.load(Ordering::SeqCst);
        if !closing && !shared.queue.is_empty() {
            let since = last_commit.elapsed();
            if since < gap {
                std::thread::sleep(gap - since);
            }
        }
        match apply_queue(shared) {
            Ok(0) if closing => return,
            Ok(0) => std::thread::sleep(IDLE),
            Ok(applied) => {
                last_commit = Instant::now();
                gap = match applied {
                    // A full batch means more are waiting: a pause would only add to the lag
                    // (it held a million-record import back to 8,000 records a second).
                    BATCH.. => Duration::ZERO,
                    BUSY.. => BUSY_COMMIT_GAP,
                    _ => COMMIT_GAP,
                };
            }
            Err(error) => {
                tracing::error!(%error, "indexing failed; retrying");
                if closing {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// Reads the models and records a batch needs, once each.
struct Reader<'a> {
    shared: &'a Shared,
    models: HashMap<String, Option<Model>>,
    /// Models some relation points at; only their records can have dependents.
    targets: Option<HashSet<String>>,
}

impl Reader<'_> {
    fn new(shared: &Shared) -> Reader<'_> {
        Reader { shared, models: HashMap::new(), targets: None }
    }

    fn is_target(&mut self, model: &str) -> Result<bool, IndexError> {
        if self.targets.is_none() {
            let mut targets = HashSet::new();
            for entry in self.shared.models.iter() {
                let definition: Model = codec::decode(&entry?.1)?;
                targets.extend(definition.relations.into_iter().map(|r| r.model));
            }
            self.targets = Some(targets);
        }
        Ok(self.targets.as_ref().is_some_and(|t| t.contains(model)))
    }

    fn model(&mut self, id: &str) -> Result<Option<Model>, IndexError> {
        if let Some(model) = self.models.get(id) {
            return Ok(model.clone());
        }
        let model = match self.shared.models.get(id.as_bytes())? {
            Some(bytes) => Some(codec::decode::<Model>(&bytes)?),
            None => None,
        };
        self.models.insert(id.to_string(), model.clone());
        Ok(model)
    }

    fn record(&self, model: &str, id: &str) -> Result<Option<Record>, IndexError> {
        let mut key = model.as_bytes().to_vec();
        key.push(0);
        key.extend_from_slice(id.as_bytes());
        Ok(match self.shared.records.get(key)? {
            Some(bytes) => Some(codec::decode(&bytes)?),
            None => None,
        })
    }

    /// Replaces a record's document with one built from sled's current state.
    fn reindex(
        &mut self,
        writer: &IndexWriter,
        model_id: &str,
        id: &str,
    ) -> Result<(), IndexError> {
        let fields = &self.shared.fields;
        writer.delete_term(Term::from_field_text(fields.key, &record_key(model_id, id)));
        let Some(model) = self.model(model_id)? else { return Ok(()) };
        let Some(record) = self.record(model_id, id)? else { return Ok(()) };
        self.add(writer, &model, &record)
    }

    fn add(
        &mut self,
        writer: &IndexWriter,
        model: &Model,
        record: &Record,
    ) -> Result<(), IndexError> {
        let mut related = Vec::with_capacity(model.relations.len());
        for relation in &model.relations {
            let target = record.traits.get(&relation.trait_name).and_then(linked_id);
            let other = match target {
                Some(target) => self.record(&relation.model, &target)?,
                None => None,
            };
            related.push(Related { name: &relation.name, record: other });
        }
        writer.add_document(document::build(&self.shared.fields, model, record, &related))?;
        Ok(())
    }
}

/// The records whose documents link to `model`/`id`, as of the last commit.
fn dependents(shared: &Shared, model: &str, id: &str) -> Result<Vec<(String, String)>, IndexError> {
    let searcher = shared.reader.searcher();
    let term = Term::from_field_text(shared.fields.links, &record_key(model, id));
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let mut by_segment: HashMap<u32, Vec<u32>> = HashMap::new();
    for address in searcher.search(&query, &DocSetCollector)? {
        by_segment.entry(address.segment_ord).or_default().push(address.doc_id);
    }
    let mut found = Vec::new();
    for (segment, docs) in by_segment {
        let column = columns::str_column(searcher.segment_reader(segment), "key")?;
        for key in columns::texts(column.as_ref(), &docs).into_iter().flatten() {
            if let Some((m, i)) = key.split_once(SEP) {
                found.push((m.to_string(), i.to_string()));
            }
        }
    }
    Ok(found)
}

/// Applies up to one batch of queued changes; answers how many it applied.
fn apply_queue(shared: &Shared) -> Result<usize, IndexError> {
    let mut batch = Vec::new();
    for entry in shared.queue.iter().take(BATCH) {
        let (key, bytes) = entry?;
        batch.push((key, codec::decode::<IndexChange>(&bytes)?));
    }
    if batch.is_empty() {
        return Ok(0);
    }

    let mut writer = lock(&shared.writer);
    let mut reader = Reader::new(shared);
    let mut done: HashSet<(String, String)> = HashSet::new();
    for (_, change) in &batch {
        apply(shared, &writer, &mut reader, &mut done, change)?;
    }
    writer.commit()?;
    drop(writer);
    shared.reader.reload()?;
    columns::forget_gone_segments(&shared.reader.searcher());

    let mut removal = sled::Batch::default();
    batch.iter().for_each(|(key, _)| removal.remove(key.clone()));
    shared.queue.apply_batch(removal)?;
    Ok(batch.len())
}

fn apply(
    shared: &Shared,
    writer: &IndexWriter,
    reader: &mut Reader,
    done: &mut HashSet<(String, String)>,
    change: &IndexChange,
) -> Result<(), IndexError> {
    match change {
        IndexChange::Record { model, id } => {
            let mut pending = vec![(model.clone(), id.clone())];
            if reader.is_target(model)? {
                pending.extend(dependents(shared, model, id)?);
            }
            for (model, id) in pending {
                if done.insert((model.clone(), id.clone())) {
                    reader.reindex(writer, &model, &id)?;
                }
            }
        }
        IndexChange::Model { model } => {
            reader.models.remove(model);
            reader.targets = None;
            writer.delete_term(Term::from_field_text(shared.fields.model, model));
            let Some(definition) = reader.model(model)? else { return Ok(()) };
            let mut prefix = model.as_bytes().to_vec();
            prefix.push(0);
            for entry in shared.records.scan_prefix(prefix).values() {
                let record: Record = codec::decode(&entry?)?;
                done.insert((model.clone(), record.id.clone()));
                reader.add(writer, &definition, &record)?;
            }
        }
        IndexChange::DropModel { model } => {
            reader.models.remove(model);
            writer.delete_term(Term::from_field_text(shared.fields.model, model));
        }
    }
    Ok(())
}

/// Indexes every record in the store into an empty index, and empties the queue.
pub(super) fn rebuild(shared: &Shared, progress: &dyn Fn(u64, u64)) -> Result<(), IndexError> {
    let queued: Vec<_> = shared.queue.iter().keys().collect::<Result<_, _>>()?;
    let total = shared.records.len() as u64;
    let mut writer = lock(&shared.writer);
    writer.delete_all_documents()?;
    let mut reader = Reader::new(shared);
    let mut done = 0u64;
    progress(0, total);
    for entry in shared.records.iter() {
        let (key, bytes) = entry?;
        let model_id = key.split(|b| *b == 0).next().unwrap_or_default();
        let model_id = String::from_utf8_lossy(model_id).into_owned();
        let record: Record = codec::decode(&bytes)?;
        if let Some(model) = reader.model(&model_id)? {
            reader.add(&writer, &model, &record)?;
        }
        done += 1;
        if done.is_multiple_of(10_000) {
            progress(done, total);
        }
    }
    writer.commit()?;
    drop(writer);
    shared.reader.reload()?;
    columns::forget_gone_segments(&shared.reader.searcher());
    progress(total, total);

    let mut removal = sled::Batch::default();
    queued.into_iter().for_each(|key| removal.remove(key));
    shared.queue.apply_batch(removal)?;
    Ok(())
}
