//! Recursive-descent parsers for filters and sorts.
//!
//! Filter grammar, `&&` binding tighter than `||`:
//!
//! ```text
//! or_expr    := and_expr ( ("||" | "or") and_expr )*
//! and_expr   := primary ( ("&&" | "and") primary )*
//! primary    := "(" or_expr ")" | comparison
//! comparison := path op literal
//! ```
//!
//! Sort grammar: `item ("," item)*` with `item := ["-" | "+"] path ["asc" | "desc"]`.

use super::lexer::{self, is_plain, starts_path, Cursor};
use super::{Filter, ParseError, Path, SortKey};

/// How deep parentheses may nest. Each level costs a few stack frames, so without a limit a
/// long run of `(` would overflow the stack instead of returning an error.
const MAX_DEPTH: usize = 64;

const CONDITION_EXAMPLE: &str = "add a condition such as amount > 50";

pub(super) fn filter(input: &str) -> Result<Option<Filter>, ParseError> {
    let mut parser = FilterParser { cur: Cursor::new(input), depth: 0 };
    parser.cur.skip_whitespace();
    if parser.cur.peek().is_none() {
        return Ok(None);
    }
    let filter = parser.or_expr(None)?;
    parser.cur.skip_whitespace();
    match parser.cur.peek() {
        None => Ok(Some(filter)),
        Some(_) => Err(parser.unexpected(None)),
    }
}

/// Which list a run of conditions joined by one connector becomes.
#[derive(Clone, Copy)]
enum Join {
    And,
    Or,
}

impl Join {
    /// Builds the list, lifting the items of nested lists of the same kind so that
    /// `(a || b) || c` and `a || b || c` are the same filter. One item stands alone.
    fn build(self, items: Vec<Filter>) -> Filter {
        let mut flat = Vec::with_capacity(items.len());
        for item in items {
            match (self, item) {
                (Join::And, Filter::And(inner)) | (Join::Or, Filter::Or(inner)) => {
                    flat.extend(inner);
                }
                (_, other) => flat.push(other),
            }
        }
        if flat.len() == 1 {
            if let Some(only) = flat.pop() {
                return only;
            }
        }
        match self {
            Join::And => Filter::And(flat),
            Join::Or => Filter::Or(flat),
        }
    }
}

struct FilterParser {
    cur: Cursor,
    depth: usize,
}

impl FilterParser {
    /// `after` is the token just read (`(`, `||`, ...), named when the input stops short.
    fn or_expr(&mut self, after: Option<&str>) -> Result<Filter, ParseError> {
        let mut items = vec![self.and_expr(after)?];
        while let Some(connector) = self.connector("||", "or") {
            items.push(self.and_expr(Some(&connector))?);
        }
        Ok(Join::Or.build(items))
    }

    fn and_expr(&mut self, after: Option<&str>) -> Result<Filter, ParseError> {
        let mut items = vec![self.primary(after)?];
        while let Some(connector) = self.connector("&&", "and") {
            items.push(self.primary(Some(&connector))?);
        }
        Ok(Join::And.build(items))
    }

    /// Consumes `symbol`, or `word` standing alone in any case, and returns it as typed.
    fn connector(&mut self, symbol: &str, word: &str) -> Option<String> {
        self.cur.skip_whitespace();
        if self.cur.starts_with(symbol) {
            self.cur.advance(symbol.chars().count());
            return Some(symbol.to_string());
        }
        let run = self.cur.peek_run(is_plain);
        if run.eq_ignore_ascii_case(word) {
            self.cur.advance(run.chars().count());
            return Some(run);
        }
        None
    }

    fn primary(&mut self, after: Option<&str>) -> Result<Filter, ParseError> {
        self.cur.skip_whitespace();
        match self.cur.peek() {
            Some('(') => self.group(),
            Some(c) if starts_path(c) => self.comparison(),
            Some(_) => Err(self.not_a_condition(after)),
            None => {
                let after = after.unwrap_or_default();
                let message = format!("the filter ends after `{after}`; {CONDITION_EXAMPLE}");
                Err(ParseError::at(self.cur.pos(), message))
            }
        }
    }

    fn group(&mut self) -> Result<Filter, ParseError> {
        let open = self.cur.pos();
        if self.depth >= MAX_DEPTH {
            let message = format!(
                "the parentheses at position {open} nest more than {MAX_DEPTH} deep; remove \
                 some of them"
            );
            return Err(ParseError::at(open, message));
        }
        self.cur.bump();
        self.depth += 1;
        let inner = self.or_expr(Some("("))?;
        self.cur.skip_whitespace();
        match self.cur.peek() {
            Some(')') => {
                self.cur.bump();
                self.depth -= 1;
                Ok(inner)
            }
            Some(_) => Err(self.unexpected(Some(open))),
            None => {
                let message = format!(
                    "the `(` at position {open} is never closed; add a `)` after its conditions"
                );
                Err(ParseError::at(open, message))
            }
        }
    }

    fn comparison(&mut self) -> Result<Filter, ParseError> {
        let path = lexer::path(&mut self.cur)?;
        self.cur.skip_whitespace();
        let op = lexer::operator(&mut self.cur, &path)?;
        self.cur.skip_whitespace();
        let value = lexer::literal(&mut self.cur, &path, op)?;
        Ok(Filter::Compare { path, op, value })
    }

    /// The error for something that cannot begin a condition.
    fn not_a_condition(&self, after: Option<&str>) -> ParseError {
        let at = self.cur.pos();
        let found = self.cur.describe();
        let message = match self.cur.peek() {
            Some('=' | '!' | '<' | '>' | '~') => format!(
                "expected a trait name before {found} at position {at}; write a condition like \
                 amount > 50"
            ),
            Some('"' | '\'') => format!(
                "expected a trait name at position {at}, found a quote; to name a trait with \
                 spaces, use backticks, like `Order Date` = \"2024-01-01\""
            ),
            _ => match after {
                Some(after) => format!(
                    "expected a condition after `{after}` at position {at}, found {found}; \
                     {CONDITION_EXAMPLE}"
                ),
                None => format!(
                    "expected a condition at position {at}, found {found}; {CONDITION_EXAMPLE}"
                ),
            },
        };
        ParseError::at(at, message)
    }

    /// The error for something after a complete condition that does not continue it. `open` is
    /// the position of the `(` still waiting for its `)`, if any.
    fn unexpected(&self, open: Option<usize>) -> ParseError {
        let at = self.cur.pos();
        let message = match (self.cur.peek(), open) {
            (Some(')'), None) => format!(
                "the `)` at position {at} has no matching `(`; remove it or add a `(` before \
                 the conditions it should close"
            ),
            (Some('&'), _) => format!(
                "`&` at position {at} is not a connector; use `&&` to require both conditions"
            ),
            (Some('|'), _) => format!(
                "`|` at position {at} is not a connector; use `||` to accept either condition"
            ),
            (_, None) => format!(
                "unexpected {} at position {at}; join conditions with && or ||",
                self.cur.describe()
            ),
            (_, Some(open)) => format!(
                "unexpected {} at position {at}; join conditions with && or ||, or close the \
                 `(` from position {open} with `)`",
                self.cur.describe()
            ),
        };
        ParseError::at(at, message)
    }
}

pub(super) fn sort(input: &str) -> Result<Vec<SortKey>, ParseError> {
    let mut cur = Cursor::new(input);
    let mut keys: Vec<SortKey> = Vec::new();
    cur.skip_whitespace();
    if cur.peek().is_none() {
        return Ok(keys);
    }
    loop {
        let start = cur.pos();
        let key = sort_item(&mut cur)?;
        if keys.iter().any(|k| k.path == key.path) {
            let message = format!(
                "`{}` is sorted twice (again at position {start}); keep only one of them",
                key.path
            );
            return Err(ParseError::at(start, message));
        }
        keys.push(key);
        cur.skip_whitespace();
        if !next_sort_item(&mut cur)? {
            return Ok(keys);
        }
    }
}

/// After an item: consumes the comma before the next one and says whether there is one.
fn next_sort_item(cur: &mut Cursor) -> Result<bool, ParseError> {
    let at = cur.pos();
    match cur.peek() {
        None => return Ok(false),
        Some(',') => {}
        Some(_) => {
            let message = format!(
                "unexpected {} at position {at}; separate sort fields with commas, like \
                 -amount,account.company_name",
                cur.describe()
            );
            return Err(ParseError::at(at, message));
        }
    }
    cur.bump();
    cur.skip_whitespace();
    if cur.peek().is_none() {
        let message = format!(
            "the sort ends with a comma at position {at}; remove it or add a field after it"
        );
        return Err(ParseError::at(at, message));
    }
    Ok(true)
}

fn sort_item(cur: &mut Cursor) -> Result<SortKey, ParseError> {
    let sign = match cur.peek() {
        Some(c @ ('-' | '+')) => {
            cur.bump();
            cur.skip_whitespace();
            Some(c)
        }
        _ => None,
    };
    let path = sort_path(cur, sign)?;
    let word = direction_word(cur)?;
    match (sign, word) {
        (Some(sign), Some((at, word))) => {
            let message = format!(
                "`{word}` at position {at} repeats the direction already given by `{sign}`; \
                 write -{path} or {path} desc, not both"
            );
            Err(ParseError::at(at, message))
        }
        (Some(sign), None) => Ok(SortKey { path, descending: sign == '-' }),
        (None, Some((_, word))) => {
            Ok(SortKey { path, descending: word.eq_ignore_ascii_case("desc") })
        }
        (None, None) => Ok(SortKey { path, descending: false }),
    }
}

fn sort_path(cur: &mut Cursor, sign: Option<char>) -> Result<Path, ParseError> {
    let at = cur.pos();
    let message = match (cur.peek(), sign) {
        (Some(c), _) if starts_path(c) => return lexer::path(cur),
        (Some(','), None) => {
            format!("empty sort field at position {at}; remove the extra comma")
        }
        (None, Some(sign)) => {
            format!("the sort ends after `{sign}`; add a field name, like {sign}amount")
        }
        _ => format!(
            "expected a field name at position {at}, found {}; sort fields look like \
             -amount,account.company_name",
            cur.describe()
        ),
    };
    Err(ParseError::at(at, message))
}

/// Reads an optional ` asc` / ` desc` after a sort path, with its position.
fn direction_word(cur: &mut Cursor) -> Result<Option<(usize, String)>, ParseError> {
    let before = cur.pos();
    cur.skip_whitespace();
    let at = cur.pos();
    let word = cur.peek_run(is_plain);
    let is_direction = word.eq_ignore_ascii_case("asc") || word.eq_ignore_ascii_case("desc");
    if at > before && is_direction {
        cur.advance(word.chars().count());
        return Ok(Some((at, word)));
    }
    if !word.is_empty() {
        let message = format!(
            "unexpected `{word}` at position {at}; separate sort fields with commas, like \
             -amount,account.company_name, and write asc or desc for a direction"
        );
        return Err(ParseError::at(at, message));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_filter, parse_sort, CompareOp, Literal};
    use super::*;

    fn path(dotted: &str) -> Path {
        Path(dotted.split('.').map(str::to_string).collect())
    }

    fn cmp(dotted: &str, op: CompareOp, value: Literal) -> Filter {
        Filter::Compare { path: path(dotted), op, value }
    }

    fn num(dotted: &str, n: &str) -> Filter {
        cmp(dotted, CompareOp::Eq, Literal::Number(n.to_string()))
    }

    fn parse(input: &str) -> Filter {
        match parse_filter(input) {
            Ok(Some(filter)) => filter,
            other => panic!("{input:?} gave {other:?}"),
        }
    }

    fn error(input: &str) -> ParseError {
        match parse_filter(input) {
            Err(err) => err,
            Ok(other) => panic!("{input:?} parsed as {other:?}"),
        }
    }

    fn sort_error(input: &str) -> ParseError {
        match parse_sort(input) {
            Err(err) => err,
            Ok(other) => panic!("{input:?} parsed as {other:?}"),
        }
    }

    fn key(dotted: &str, descending: bool) -> SortKey {
        SortKey { path: path(dotted), descending }
    }

    #[test]
    fn empty_input_is_no_filter() {
        assert_eq!(parse_filter(""), Ok(None));
        assert_eq!(parse_filter(" \t\n\u{3000}"), Ok(None));
    }

    #[test]
    fn every_operator() {
        let ops = [
            ("=", CompareOp::Eq),
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            (">", CompareOp::Gt),
            (">=", CompareOp::Ge),
            ("<", CompareOp::Lt),
            ("<=", CompareOp::Le),
            ("~", CompareOp::Contains),
            ("!~", CompareOp::NotContains),
        ];
        for (text, op) in ops {
            let expected = cmp("a", op, Literal::Number("5".into()));
            assert_eq!(parse(&format!("a {text} 5")), expected, "{text}");
            assert_eq!(parse(&format!("a{text}5")), expected, "{text} without spaces");
        }
        assert_eq!(parse("a=-5"), cmp("a", CompareOp::Eq, Literal::Number("-5".into())));
        assert_eq!(parse("a<=-5"), cmp("a", CompareOp::Le, Literal::Number("-5".into())));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let expected =
            Filter::Or(vec![num("a", "1"), Filter::And(vec![num("b", "2"), num("c", "3")])]);
        assert_eq!(parse("a = 1 || b = 2 && c = 3"), expected);
        let expected =
            Filter::Or(vec![Filter::And(vec![num("a", "1"), num("b", "2")]), num("c", "3")]);
        assert_eq!(parse("a = 1 && b = 2 || c = 3"), expected);
    }

    #[test]
    fn parentheses_group() {
        let expected =
            Filter::And(vec![Filter::Or(vec![num("a", "1"), num("b", "2")]), num("c", "3")]);
        assert_eq!(parse("(a = 1 || b = 2) && c = 3"), expected);
        assert_eq!(parse("((a = 1))"), num("a", "1"));
        assert_eq!(parse(" ( a=1||b=2 )&&c=3 "), expected);
    }

    #[test]
    fn nested_lists_are_flattened() {
        let ands = Filter::And(vec![num("a", "1"), num("b", "2"), num("c", "3"), num("d", "4")]);
        assert_eq!(parse("a = 1 && (b = 2 && (c = 3)) && d = 4"), ands);
        let ors = Filter::Or(vec![num("a", "1"), num("b", "2"), num("c", "3")]);
        assert_eq!(parse("(a = 1 || b = 2) || (c = 3)"), ors);
        assert_eq!(parse("a = 1 || (b = 2 || c = 3)"), ors);
    }

    #[test]
    fn word_aliases_for_connectors() {
        let expected =
            Filter::Or(vec![num("a", "1"), Filter::And(vec![num("b", "2"), num("c", "3")])]);
        assert_eq!(parse("a = 1 or b = 2 and c = 3"), expected);
        assert_eq!(parse("a = 1 OR b = 2 And c = 3"), expected);
        assert_eq!(parse("a = 1 or(b = 2 and c = 3)"), expected);
        // Only the whole word is a connector; in a path's place it is a name.
        assert_eq!(parse("and = 1"), num("and", "1"));
        assert_eq!(parse("a = 1 && or = 2"), Filter::And(vec![num("a", "1"), num("or", "2")]));
        assert_eq!(error("a = 1 android = 2").position, 6);
    }

    #[test]
    fn paths_of_every_shape() {
        assert_eq!(parse("account.country = 1"), num("account.country", "1"));
        assert_eq!(parse("a.b.c.d = 1"), num("a.b.c.d", "1"));
        assert_eq!(parse("stripe_charge_id = 1"), num("stripe_charge_id", "1"));
        assert_eq!(parse("ship-via = 1"), num("ship-via", "1"));
        assert_eq!(parse("Straße.東京 = 1"), num("Straße.東京", "1"));
        assert_eq!(parse("$ref.@id = 1"), num("$ref.@id", "1"));
        let quoted = Filter::Compare {
            path: Path(vec!["Order Date".into(), "a`b".into(), "x".into()]),
            op: CompareOp::Ge,
            value: Literal::Text("2024-01-01 10:00".into()),
        };
        assert_eq!(parse(r#"`Order Date`.`a``b`.x >= "2024-01-01 10:00""#), quoted);
    }

    #[test]
    fn every_literal_kind() {
        assert_eq!(parse("a = null"), cmp("a", CompareOp::Eq, Literal::Null));
        assert_eq!(parse("a = TRUE"), cmp("a", CompareOp::Eq, Literal::Bool(true)));
        assert_eq!(parse("a != false"), cmp("a", CompareOp::Ne, Literal::Bool(false)));
        for n in ["0.30", "9007199254740993", "-1.5e3", "1e3", "0"] {
            assert_eq!(parse(&format!("a = {n}")), num("a", n));
        }
        let text = |s: &str| cmp("a", CompareOp::Eq, Literal::Text(s.into()));
        assert_eq!(parse(r#"a = "caf\u00e9""#), text("café"));
        assert_eq!(parse(r#"a = "\ud83d\ude00!""#), text("😀!"));
        assert_eq!(parse(r#"a = 'it\'s "fine"'"#), text("it's \"fine\""));
        assert_eq!(parse(r#"a = "tab\there""#), text("tab\there"));
    }

    #[test]
    fn examples_from_the_docs() {
        let inputs = [
            r#"amount > 50 && (account.country = "Germany" || account.country = "France")"#,
            r#"shipping.country = "FR""#,
            "stripe_charge.refunded = true",
            r#"note ~ "gift" && email !~ "@example.com""#,
            "shipped_date = null",
            r#"`Order Date` >= "2024-01-01 10:00""#,
        ];
        for input in inputs {
            parse(input);
        }
    }

    #[test]
    fn error_positions() {
        let cases: &[(&str, usize, &str)] = &[
            ("amount > 50 &&", 14, "the filter ends after `&&`; add a condition such as"),
            ("a = 1 or ", 9, "the filter ends after `or`"),
            ("(", 1, "the filter ends after `(`"),
            ("amount", 6, "the filter ends after `amount`; add an operator"),
            ("amount >", 8, "the filter ends after `>`; add a value"),
            ("(a = 1 && (b = 2)", 0, "the `(` at position 0 is never closed"),
            ("a = 1)", 5, "the `)` at position 5 has no matching `(`"),
            ("(a = 1))", 7, "no matching `(`"),
            ("()", 1, "expected a condition after `(`"),
            ("(a = 1 b = 2)", 7, "or close the `(` from position 0"),
            ("a => 5", 2, "use `>=`"),
            ("a =< 5", 2, "use `<=`"),
            ("a <> 5", 2, "use `!=`"),
            ("a ! 5", 2, "use `!=` for not equal or `!~`"),
            ("a =~ 'x'", 2, "use `~`"),
            ("a: 5", 1, "use `=`"),
            ("a 5", 2, "expected an operator after `a` at position 2, found `5`"),
            ("a = \"open", 4, "never closed"),
            ("a = 'x\\q'", 6, "not a valid escape"),
            ("a..b = 1", 2, "empty part"),
            ("a. = 1", 2, "empty part"),
            (".a = 1", 0, "empty part"),
            ("a = 1 b = 2", 6, "unexpected `b` at position 6; join conditions"),
            ("a = 1 & b = 2", 6, "use `&&`"),
            ("a = 1 | b = 2", 6, "use `||`"),
            ("= 5", 0, "expected a trait name before `=`"),
            ("a = 1 && > 5", 9, "expected a trait name before `>`"),
            ("\"a\" = 5", 0, "use backticks"),
            ("a = 1 && ,", 9, "expected a condition after `&&` at position 9, found `,`"),
            ("a = 007", 4, "put it in double quotes, like \"007\""),
            ("a = )", 4, "expected a value after `=` at position 4, found `)`"),
            ("country = Germany", 10, "put text in double quotes, like \"Germany\""),
            ("Straße = 1 x", 11, "unexpected `x` at position 11"),
        ];
        for &(input, position, part) in cases {
            let err = error(input);
            assert_eq!(err.position, position, "{input:?}: {}", err.message);
            assert!(err.message.contains(part), "{input:?}: {}", err.message);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let ok = format!("{}a = 1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&ok), num("a", "1"));
        let err = error(&"(".repeat(100_000));
        assert_eq!(err.position, MAX_DEPTH);
        let long = vec!["a = 1"; 10_000].join(" && ");
        assert!(matches!(parse(&long), Filter::And(items) if items.len() == 10_000));
    }

    #[test]
    fn sorts_parse() {
        assert_eq!(parse_sort(""), Ok(vec![]));
        assert_eq!(parse_sort("  "), Ok(vec![]));
        assert_eq!(
            parse_sort("-amount,account.company_name"),
            Ok(vec![key("amount", true), key("account.company_name", false)])
        );
        assert_eq!(
            parse_sort(" +a , - b ,c DESC, d asc ,ship-via"),
            Ok(vec![
                key("a", false),
                key("b", true),
                key("c", true),
                key("d", false),
                key("ship-via", false),
            ])
        );
        let quoted = SortKey { path: Path(vec!["Order Date".into()]), descending: true };
        assert_eq!(parse_sort("-`Order Date`"), Ok(vec![quoted]));
        assert_eq!(parse_sort("desc desc"), Ok(vec![key("desc", true)]));
    }

    #[test]
    fn sort_errors() {
        let cases: &[(&str, usize, &str)] = &[
            ("a,,b", 2, "empty sort field at position 2"),
            (",a", 0, "empty sort field"),
            ("a,", 1, "ends with a comma at position 1"),
            ("a , ", 2, "ends with a comma"),
            ("amount,-amount", 7, "`amount` is sorted twice"),
            ("-", 1, "the sort ends after `-`"),
            ("a b", 2, "unexpected `b`"),
            ("a;b", 1, "unexpected `;`"),
            ("-a desc", 3, "`desc` at position 3 repeats the direction"),
            ("a..b", 2, "empty part"),
            ("`a", 0, "never closed"),
            ("-(", 1, "expected a field name"),
        ];
        for &(input, position, part) in cases {
            let err = sort_error(input);
            assert_eq!(err.position, position, "{input:?}: {}", err.message);
            assert!(err.message.contains(part), "{input:?}: {}", err.message);
        }
    }

    /// A small deterministic generator, so failures reproduce without a seed file.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 33) as usize
        }
    }

    #[test]
    fn no_input_panics() {
        let valid = [
            r#"amount > 50 && (account.country = "Germany" || account.country = "France")"#,
            r#"`Order ``Date` >= "2024-01-01 10:00" or x !~ 'a\'b\u00e9\ud83d\ude00'"#,
            "Straße.東京 = -1.5e+3 AND (b = null || c == TRUE) && d <= 0.30",
            "-amount , account.company_name desc, `x y` ASC",
        ];
        let pieces = [
            "a", "é", "😀", " ", "\t", "(", ")", "\"", "'", "\\", "\\u", "\\ud83d", "`", ".", "=",
            "!", "<", ">", "~", "&", "|", "&&", "||", "and", "or", "-", "+", "0", "07", "1e", "9",
            "null", "true", ",", "desc", "D800", "\u{0}", ":",
        ];
        let mut inputs: Vec<String> = Vec::new();
        for text in valid {
            let chars: Vec<char> = text.chars().collect();
            for end in 0..=chars.len() {
                inputs.push(chars[..end].iter().collect());
                inputs.push(chars[end..].iter().collect());
            }
        }
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        for _ in 0..5_000 {
            let len = noise.next() % 12;
            inputs.push((0..len).map(|_| pieces[noise.next() % pieces.len()]).collect());
        }
        for input in &inputs {
            // Either result is fine; reaching the next line means nothing panicked.
            if let Err(err) = parse_filter(input) {
                assert!(err.position <= input.chars().count(), "{input:?}");
            }
            if let Err(err) = parse_sort(input) {
                assert!(err.position <= input.chars().count(), "{input:?}");
            }
        }
    }
}
