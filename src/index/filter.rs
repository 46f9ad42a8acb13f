//! Turning a parsed filter and a search text into a tantivy query.

use std::ops::Bound;

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::column_range::ColumnRange;
use super::document::MAX_TEXT;
use super::keys::{self, fold, loose};
use super::schema::{path_term, Fields, SEP};
use super::tokens::query_words;
use crate::query::{CompareOp, Filter, Literal};

/// Why a filter cannot be run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

fn not(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(AllQuery)), (Occur::MustNot, query)]))
}

fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Should, q)).collect()))
}

fn all(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(queries.into_iter().map(|q| (Occur::Must, q)).collect()))
}

/// Writes text as a regex that matches it literally.
fn regex_literal(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c.to_string() } else { format!("\\x{{{:x}}}", c as u32) })
        .collect()
}

/// The query of one filter over `fields`.
pub fn filter_query(fields: &Fields, filter: &Filter) -> Result<Box<dyn Query>, FilterError> {
    match filter {
        Filter::And(parts) => {
            Ok(all(parts.iter().map(|p| filter_query(fields, p)).collect::<Result<_, _>>()?))
        }
        Filter::Or(parts) => {
            Ok(any(parts.iter().map(|p| filter_query(fields, p)).collect::<Result<_, _>>()?))
        }
        Filter::Compare { path, op, value } => compare(fields, &path.0.join("."), *op, value),
    }
}

fn literal_text(value: &Literal) -> Option<String> {
    match value {
        Literal::Text(t) => Some(t.clone()),
        Literal::Number(n) => Some(n.clone()),
        Literal::Bool(b) => Some(b.to_string()),
        Literal::Null => None,
    }
}

fn equals(fields: &Fields, path: &str, value: &Literal) -> Box<dyn Query> {
    match value {
        Literal::Null => not(term(fields.paths, path)),
        Literal::Bool(b) => term(fields.vals, &path_term(path, &keys::bool_key(*b))),
        Literal::Number(n) => match keys::number_key(n) {
            Some(key) => term(fields.vals, &path_term(path, &key)),
            None => term(fields.texts, &path_term(path, &loose(n))),
        },
        Literal::Text(text) => {
            let key = keys::text_like_key(text);
            let folded = loose(text);
            let texts = term(fields.texts, &path_term(path, &folded));
            // A text key matches only text values equal to it once folded, and each of those
            // holds the `texts` term too: that term alone finds the same documents. One
            // term's postings skip ahead cheaply inside a conjunction; a union of two
            // refills a 4,096-document buffer at every jump.
            if key.starts_with(keys::text_prefix()) && folded.len() <= MAX_TEXT {
                texts
            } else {
                any(vec![term(fields.vals, &path_term(path, &key)), texts])
            }
        }
    }
}

fn compare(
    fields: &Fields,
    path: &str,
    op: CompareOp,
    value: &Literal,
) -> Result<Box<dyn Query>, FilterError> {
    Ok(match op {
        CompareOp::Eq => equals(fields, path, value),
        CompareOp::Ne => not(equals(fields, path, value)),
        CompareOp::Contains | CompareOp::NotContains => {
            let Some(text) = literal_text(value) else {
                return Err(FilterError(format!(
                    "`{path} ~ null` asks nothing; use `{path} = null`"
                )));
            };
            let pattern = format!(
                "{}.*{}.*",
                regex_literal(&format!("{path}{SEP}")),
                regex_literal(&loose(&text))
            );
            let regex = RegexQuery::from_pattern(&pattern, fields.texts)
                .map_err(|e| FilterError(format!("`~` could not be run on `{path}`: {e}")))?;
            let query: Box<dyn Query> = Box::new(regex);
            if op == CompareOp::Contains {
                query
            } else {
                not(query)
            }
        }
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le => range(path, op, value)?,
    })
}

fn range(path: &str, op: CompareOp, value: &Literal) -> Result<Box<dyn Query>, FilterError> {
    let key = match value {
        Literal::Number(n) => keys::number_key(n),
        Literal::Text(t) => Some(keys::text_like_key(t)),
        Literal::Null | Literal::Bool(_) => None,
    };
    let Some(key) = key else {
        return Err(FilterError(format!(
            "`{path} {op} {value}` compares with an order, but {value} has none; \
             compare with a number, a date or text"
        )));
    };
    // Compare only within the value's kind: numbers with numbers, instants with instants.
    // The range runs over the path's sort column (its first value), looked up document by
    // document, where the same range over terms would open every distinct value's postings.
    let kind = key[..1].to_string();
    let high_end = format!("{kind}\u{10FFFF}");
    let at = keys::sort_form(key);
    let (low, high) = match op {
        CompareOp::Gt => (Bound::Excluded(at), Bound::Excluded(high_end)),
        CompareOp::Ge => (Bound::Included(at), Bound::Excluded(high_end)),
        CompareOp::Lt => (Bound::Included(kind), Bound::Excluded(at)),
        _ => (Bound::Included(kind), Bound::Included(at)),
    };
    Ok(Box::new(ColumnRange { column: format!("sort.{path}"), low, high }))
}

/// The query of a search text: every word must match a word of the record or of its related
/// records, whole or (for the last word, as the user types) by its start. A whole value
/// equal to the text scores far higher, so an exact match ranks first. `extends` answers
/// whether the index holds a longer word that starts with the given one; when it holds
/// none, the last word is looked up whole, which finds the same records without scoring
/// each of them twice (a common word matches half a million).
pub fn search_query(
    fields: &Fields,
    text: &str,
    extends: &dyn Fn(&str) -> bool,
) -> Result<Option<Box<dyn Query>>, FilterError> {
    let words = query_words(text);
    let Some(last) = words.last().cloned() else { return Ok(None) };
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in &words {
        let whole: Box<dyn Query> = Box::new(BoostQuery::new(term(fields.words, word), 2.0));
        if *word == last && extends(word) {
            let prefix =
                RegexQuery::from_pattern(&format!("{}.*", regex_literal(word)), fields.words)
                    .map_err(|e| FilterError(format!("the search could not be run: {e}")))?;
            must.push((Occur::Must, any(vec![whole, Box::new(prefix)])));
        } else {
            must.push((Occur::Must, whole));
        }
    }
    let exact: Box<dyn Query> =
        Box::new(BoostQuery::new(term(fields.exact, &fold(text.trim())), 20.0));
    must.push((Occur::Should, exact));
    Ok(Some(Box::new(BooleanQuery::new(must))))
}
