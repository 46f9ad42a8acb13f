//! The filter and sort language of views: what users type, parsed into trees, and back to text.
//!
//! This module owns the syntax only: `amount > 50 && account.country = "FR"` becomes a
//! [`Filter`], `-amount,account.company_name` becomes a list of [`SortKey`]s, and both print back
//! as canonical text that parses to the same value. Whether a path names a real trait, or whether
//! `~` makes sense on a number, is decided by whoever evaluates the tree, not here.
//!
//! Numbers are kept as the text that was typed so `0.30` and `9007199254740993` survive
//! unchanged. Every error carries the character (not byte) offset of the problem, so a client can
//! underline it in the text the user typed.

mod lexer;
mod parser;

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

/// A dotted path into a record's traits, e.g. `["account", "country"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Path(pub Vec<String>);

/// How a trait's value is compared with a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareOp {
    /// `=` (also typed as `==`).
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `~`: the value contains the literal.
    Contains,
    /// `!~`: the value does not contain the literal.
    NotContains,
}

/// A value written in a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Literal {
    Null,
    Bool(bool),
    /// A number exactly as written, e.g. "0.30", "-5", "1e3", "9007199254740993". Never parsed
    /// into a float.
    Number(String),
    /// A quoted string with escapes resolved.
    Text(String),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Filter {
    /// Every condition holds. Flattened: never directly contains another `And`.
    And(Vec<Filter>),
    /// At least one condition holds. Flattened: never directly contains another `Or`.
    Or(Vec<Filter>),
    /// One condition, such as `amount > 50`.
    Compare { path: Path, op: CompareOp, value: Literal },
}

/// One column of a sort order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortKey {
    pub path: Path,
    pub descending: bool,
}

/// A parse failure: `position` is the 0-based CHARACTER (not byte) offset where the problem is,
/// `message` says what was expected and what to do, e.g.
/// "expected a value after `>` at position 9; put text in double quotes, like \"Germany\"".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

impl ParseError {
    fn at(position: usize, message: impl Into<String>) -> Self {
        Self { position, message: message.into() }
    }
}

/// Parses a filter. Empty or all-whitespace input is `Ok(None)`: no filter at all.
///
/// # Errors
///
/// A [`ParseError`] pointing at the first character that does not fit the grammar.
pub fn parse_filter(input: &str) -> Result<Option<Filter>, ParseError> {
    parser::filter(input)
}

/// Parses a sort order such as `-amount,account.company_name`. Empty input is `Ok(vec![])`.
///
/// # Errors
///
/// A [`ParseError`] for an empty item, a malformed path, or a path sorted twice.
pub fn parse_sort(input: &str) -> Result<Vec<SortKey>, ParseError> {
    parser::sort(input)
}

/// Writes a sort order as canonical text that [`parse_sort`] reads back: `-amount,name`.
pub fn format_sort(keys: &[SortKey]) -> String {
    keys.iter().map(SortKey::to_string).collect::<Vec<_>>().join(",")
}

/// Writes a segment as typed: bare when the lexer would read it back as the same single segment.
/// A leading `-` is quoted too, so that a sort key never reads as descending by accident.
fn write_segment(f: &mut fmt::Formatter<'_>, segment: &str) -> fmt::Result {
    let bare = segment.chars().all(lexer::is_plain) && !segment.is_empty();
    if bare && !segment.starts_with('-') {
        return f.write_str(segment);
    }
    write!(f, "`{}`", segment.replace('`', "``"))
}

/// Writes text in double quotes with the escapes the lexer understands.
fn write_quoted(f: &mut impl fmt::Write, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            // Control characters are all in the Basic Multilingual Plane, so four digits do.
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            write_segment(f, segment)?;
        }
        Ok(())
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Contains => "~",
            CompareOp::NotContains => "!~",
        })
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(text) => f.write_str(text),
            Literal::Text(text) => write_quoted(f, text),
        }
    }
}

/// Canonical text for a filter: `&&` and `||`, one space around operators, and parentheses only
/// where `&&` binding tighter than `||` requires them. For any filter returned by
/// [`parse_filter`], parsing this text gives an equal filter.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Filter::Or(items) => write_joined(f, items, " || ", false),
            Filter::And(items) => write_joined(f, items, " && ", true),
        }
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    items: &[Filter],
    separator: &str,
    inside_and: bool,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if inside_and && matches!(item, Filter::Or(_)) {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.descending {
            f.write_char('-')?;
        }
        write!(f, "{}", self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[&str]) -> Path {
        Path(segments.iter().map(|s| (*s).to_string()).collect())
    }

    fn round_trip(input: &str) -> String {
        let parsed = parse_filter(input).expect("valid filter").expect("not empty");
        let text = parsed.to_string();
        let again = parse_filter(&text).expect("display output parses").expect("not empty");
        assert_eq!(parsed, again, "{input:?} printed as {text:?}");
        text
    }

    #[test]
    fn display_round_trips() {
        let filters = [
            r#"amount > 50 && (account.country = "Germany" || account.country = "France")"#,
            r#"shipping.country = "FR""#,
            "stripe_charge.refunded = true",
            r#"note ~ "gift" && email !~ "@example.com""#,
            "shipped_date = null",
            r#"`Order Date` >= "2024-01-01 10:00""#,
            "a = 1 || b = 2 && c = 3",
            "(a = 1 || b = 2) && (c = 3 || d != 4) && e < -1.5e3",
            r#"x = "quote \" backslash \\ newline \n tab \t cr \r ctrl \u0001""#,
            "`we``ird`.`-dash`.`has space` <= 0.30",
            "Straße = 9007199254740993 or ship-via = 'UPS' AND $ref = FALSE",
            "((a = 1) && ((b = 2 || (c = 3 || d = 4))))",
            r#"emoji = "\ud83d\ude00 é""#,
        ];
        for input in filters {
            round_trip(input);
        }
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(
            round_trip("a=1 and (b==2 OR c = 'x') and d ~ NULL"),
            r#"a = 1 && (b = 2 || c = "x") && d ~ null"#
        );
        assert_eq!(round_trip("a = 1 || b = 2 && c = 3"), "a = 1 || b = 2 && c = 3");
        assert_eq!(round_trip("`plain` = True"), "plain = true");
    }

    #[test]
    fn path_display_quotes_what_is_not_plain() {
        assert_eq!(path(&["account", "country"]).to_string(), "account.country");
        assert_eq!(path(&["Order Date"]).to_string(), "`Order Date`");
        assert_eq!(path(&["a`b"]).to_string(), "`a``b`");
        assert_eq!(path(&["a.b"]).to_string(), "`a.b`");
        assert_eq!(path(&[""]).to_string(), "``");
        assert_eq!(path(&["-x", "ship-via"]).to_string(), "`-x`.ship-via");
    }

    #[test]
    fn literal_and_op_display() {
        assert_eq!(Literal::Null.to_string(), "null");
        assert_eq!(Literal::Bool(false).to_string(), "false");
        assert_eq!(Literal::Number("0.30".into()).to_string(), "0.30");
        assert_eq!(Literal::Text("say \"hi\"\n".into()).to_string(), r#""say \"hi\"\n""#);
        let ops = ["=", "!=", ">", ">=", "<", "<=", "~", "!~"];
        let all = [
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Gt,
            CompareOp::Ge,
            CompareOp::Lt,
            CompareOp::Le,
            CompareOp::Contains,
            CompareOp::NotContains,
        ];
        for (op, text) in all.iter().zip(ops) {
            assert_eq!(op.to_string(), text);
        }
    }

    #[test]
    fn sort_display_round_trips() {
        let keys = vec![
            SortKey { path: path(&["amount"]), descending: true },
            SortKey { path: path(&["account", "company_name"]), descending: false },
            SortKey { path: path(&["-odd"]), descending: false },
            SortKey { path: path(&["Order Date"]), descending: true },
        ];
        let text = format_sort(&keys);
        assert_eq!(text, "-amount,account.company_name,`-odd`,-`Order Date`");
        assert_eq!(parse_sort(&text), Ok(keys));
        assert_eq!(format_sort(&[]), "");
    }

    #[test]
    fn error_displays_its_message() {
        let err = parse_filter("amount > Germany").unwrap_err();
        assert_eq!(err.to_string(), err.message);
        assert_eq!(
            err.message,
            "expected a value after `>` at position 9; put text in double quotes, like \"Germany\""
        );
    }

    #[test]
    fn serde_shapes_are_stable() {
        let filter = parse_filter("a.b = 1").unwrap();
        let json = serde_json::to_string(&filter).unwrap();
        assert_eq!(json, r#"{"Compare":{"path":["a","b"],"op":"Eq","value":{"Number":"1"}}}"#);
        let back: Option<Filter> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, filter);
    }
}
