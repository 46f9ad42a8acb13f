//! Token scanning for filters and sorts, driven by the parser.
//!
//! The parser asks for the kind of token it expects next (a path, an operator, a value) rather
//! than taking a token stream, because the same characters mean different things in different
//! places: `-5` is a number after `=` but a plain name before it, and `1e3` is a path segment on
//! the left and a number on the right.

use super::{CompareOp, Literal, ParseError, Path};

/// Characters that make up operators; runs of them are read whole so `=>` is caught as one
/// mistake instead of `=` followed by a stray `>`.
const OP_CHARS: &str = "=!<>~";
/// Punctuation described as a run in error messages (`&&`, `=>`).
const SYMBOL_CHARS: &str = "=!<>~&|";
/// The longest excerpt of the input quoted in an error message, in characters.
const MAX_EXCERPT: usize = 20;

/// A character of a plain (unquoted) path segment.
pub(super) fn is_plain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@')
}

/// A character that can begin a path; a `.` is accepted so that `.a` reports the empty segment.
pub(super) fn starts_path(c: char) -> bool {
    is_plain(c) || c == '`' || c == '.'
}

/// A character of an unquoted value: keywords, numbers, and the bare words we refuse.
fn is_bare(c: char) -> bool {
    is_plain(c) || c == '.' || c == '+'
}

/// A position in the input, counted in characters so error positions are character offsets.
pub(super) struct Cursor {
    chars: Vec<char>,
    pos: usize,
}

impl Cursor {
    pub(super) fn new(input: &str) -> Self {
        Self { chars: input.chars().collect(), pos: 0 }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    pub(super) fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    pub(super) fn starts_with(&self, text: &str) -> bool {
        let mut chars = self.chars.get(self.pos..).unwrap_or_default().iter();
        text.chars().all(|c| chars.next() == Some(&c))
    }

    pub(super) fn advance(&mut self, count: usize) {
        self.pos = (self.pos + count).min(self.chars.len());
    }

    /// The run of characters matching `pred` from here, without consuming it.
    pub(super) fn peek_run(&self, pred: impl Fn(char) -> bool) -> String {
        let rest = self.chars.get(self.pos..).unwrap_or_default();
        rest.iter().copied().take_while(|&c| pred(c)).collect()
    }

    pub(super) fn take_run(&mut self, pred: impl Fn(char) -> bool) -> String {
        let run = self.peek_run(pred);
        self.pos += run.chars().count();
        run
    }

    /// What is at the cursor, quoted for an error message: a whole word or operator-like run
    /// rather than one character of it, so the message names `Germany` or `=>`, not `G` or `=`.
    pub(super) fn describe(&self) -> String {
        let run = match self.peek() {
            None => return "the end".to_string(),
            // A backtick cannot be quoted in backticks legibly.
            Some('`') => return "a backtick".to_string(),
            Some(c) if is_plain(c) => self.peek_run(is_plain),
            Some(c) if SYMBOL_CHARS.contains(c) => self.peek_run(|c| SYMBOL_CHARS.contains(c)),
            Some(c) => c.to_string(),
        };
        let excerpt: String = run.chars().take(MAX_EXCERPT).collect();
        if excerpt.len() < run.len() {
            format!("`{excerpt}…`")
        } else {
            format!("`{excerpt}`")
        }
    }
}

/// Reads `segment ("." segment)*`. The caller has checked that a path starts here.
pub(super) fn path(cur: &mut Cursor) -> Result<Path, ParseError> {
    let mut segments = vec![segment(cur)?];
    while cur.peek() == Some('.') {
        cur.bump();
        segments.push(segment(cur)?);
    }
    Ok(Path(segments))
}

fn segment(cur: &mut Cursor) -> Result<String, ParseError> {
    match cur.peek() {
        Some('`') => quoted_segment(cur),
        Some(c) if is_plain(c) => Ok(cur.take_run(is_plain)),
        _ => {
            let at = cur.pos();
            Err(ParseError::at(
                at,
                format!(
                    "the path has an empty part at position {at}; write a name between the \
                     dots, like account.country"
                ),
            ))
        }
    }
}

/// Reads a backtick-quoted segment; a doubled backtick stands for one backtick.
fn quoted_segment(cur: &mut Cursor) -> Result<String, ParseError> {
    let open = cur.pos();
    cur.bump();
    let mut name = String::new();
    loop {
        match cur.bump() {
            None => {
                let message = format!(
                    "the name quoted with a backtick at position {open} is never closed; add a \
                     closing backtick (`) after the name"
                );
                return Err(ParseError::at(open, message));
            }
            Some('`') if cur.peek() == Some('`') => {
                cur.bump();
                name.push('`');
            }
            Some('`') => break,
            Some(c) => name.push(c),
        }
    }
    if name.is_empty() {
        let message = format!(
            "the quoted name at position {open} is empty; put the trait name between the \
             backticks, like `Order Date`"
        );
        return Err(ParseError::at(open, message));
    }
    Ok(name)
}

/// Reads a comparison operator after `path`.
pub(super) fn operator(cur: &mut Cursor, path: &Path) -> Result<CompareOp, ParseError> {
    let start = cur.pos();
    let text = cur.take_run(|c| OP_CHARS.contains(c));
    let op = match text.as_str() {
        "=" | "==" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        "~" => CompareOp::Contains,
        "!~" => CompareOp::NotContains,
        "" => return Err(missing_operator(cur, path)),
        other => {
            let message =
                format!("`{other}` at position {start} is not an operator; {}", suggest_op(other));
            return Err(ParseError::at(start, message));
        }
    };
    Ok(op)
}

fn suggest_op(text: &str) -> &'static str {
    match text {
        "=>" => "use `>=` for greater than or equal",
        "=<" => "use `<=` for less than or equal",
        "<>" | "=!" | "!==" => "use `!=` for not equal",
        "!" => "use `!=` for not equal or `!~` for does not contain",
        "=~" | "~=" | "~~" => "use `~` for contains",
        "~!" => "use `!~` for does not contain",
        "===" => "use `=` for equal",
        _ => "use one of = != > >= < <= ~ !~",
    }
}

fn missing_operator(cur: &Cursor, path: &Path) -> ParseError {
    let at = cur.pos();
    let message = match cur.peek() {
        None => {
            format!("the filter ends after `{path}`; add an operator and a value, like {path} = 50")
        }
        Some(':') => format!("`:` at position {at} is not an operator; use `=` for equal"),
        Some(_) => format!(
            "expected an operator after `{path}` at position {at}, found {}; use one of \
             = != > >= < <= ~ !~",
            cur.describe()
        ),
    };
    ParseError::at(at, message)
}

/// Reads the value of a comparison `path op value`.
pub(super) fn literal(cur: &mut Cursor, path: &Path, op: CompareOp) -> Result<Literal, ParseError> {
    let at = cur.pos();
    match cur.peek() {
        Some(quote @ ('"' | '\'')) => string(cur, quote).map(Literal::Text),
        Some(c) if is_bare(c) => bare_value(cur, op),
        None => {
            let example = match op {
                CompareOp::Contains | CompareOp::NotContains => "\"gift\"",
                _ => "50",
            };
            let message =
                format!("the filter ends after `{op}`; add a value, like {path} {op} {example}");
            Err(ParseError::at(at, message))
        }
        Some(_) => {
            let message = format!(
                "expected a value after `{op}` at position {at}, found {}; values look like 50, \
                 \"Germany\", true or null",
                cur.describe()
            );
            Err(ParseError::at(at, message))
        }
    }
}

/// Reads an unquoted value: a keyword or a number. Anything else is text the user forgot to
/// quote, and the message shows the quoted form.
fn bare_value(cur: &mut Cursor, op: CompareOp) -> Result<Literal, ParseError> {
    let at = cur.pos();
    let word = cur.take_run(is_bare);
    let quoted = Literal::Text(word.clone());
    if word.eq_ignore_ascii_case("null") {
        return Ok(Literal::Null);
    }
    if word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false") {
        return Ok(Literal::Bool(word.eq_ignore_ascii_case("true")));
    }
    if !looks_numeric(&word) {
        let message = format!(
            "expected a value after `{op}` at position {at}; put text in double quotes, like \
             {quoted}"
        );
        return Err(ParseError::at(at, message));
    }
    match number_problem(&word) {
        None => Ok(Literal::Number(word)),
        Some(problem) => {
            let message = format!(
                "`{word}` at position {at} is not a valid number: {problem}; to match text, put \
                 it in double quotes, like {quoted}"
            );
            Err(ParseError::at(at, message))
        }
    }
}

/// Whether the user meant a number, so a malformed one gets a number-specific message.
fn looks_numeric(word: &str) -> bool {
    let unsigned = word.trim_start_matches(['-', '+']);
    let mut chars = unsigned.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Checks JSON number syntax, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, and says what
/// is wrong in words a user can act on.
fn number_problem(word: &str) -> Option<&'static str> {
    let bytes = word.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    match bytes.get(i) {
        Some(b'+') => return Some("numbers cannot start with `+`"),
        Some(b'0') if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
            return Some("it starts with a zero");
        }
        Some(b) if b.is_ascii_digit() => i += digits(bytes.get(i..).unwrap_or_default()),
        _ => return Some("it needs a digit before the `.`"),
    }
    if bytes.get(i) == Some(&b'.') {
        let count = digits(bytes.get(i + 1..).unwrap_or_default());
        if count == 0 {
            return Some("it needs digits after the `.`");
        }
        i += 1 + count;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
        let count = digits(bytes.get(i..).unwrap_or_default());
        if count == 0 {
            return Some("it needs digits after the exponent `e`");
        }
        i += count;
    }
    (i != bytes.len()).then_some("it has other characters after the digits")
}

fn digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Reads a string in `quote`s, resolving escapes.
fn string(cur: &mut Cursor, quote: char) -> Result<String, ParseError> {
    let open = cur.pos();
    cur.bump();
    let mut text = String::new();
    loop {
        match cur.bump() {
            None => return Err(unterminated(open, quote)),
            Some(c) if c == quote => return Ok(text),
            Some('\\') => text.push(escape(cur, open, quote)?),
            Some(c) => text.push(c),
        }
    }
}

fn unterminated(open: usize, quote: char) -> ParseError {
    let message = format!(
        "the text starting at position {open} is never closed; add a closing {quote} after it"
    );
    ParseError::at(open, message)
}

/// Resolves the escape whose backslash was just read.
fn escape(cur: &mut Cursor, open: usize, quote: char) -> Result<char, ParseError> {
    let backslash = cur.pos() - 1;
    let resolved = match cur.bump() {
        None => return Err(unterminated(open, quote)),
        Some(c @ ('"' | '\'' | '\\' | '/')) => c,
        Some('n') => '\n',
        Some('t') => '\t',
        Some('r') => '\r',
        Some('u') => return unicode_escape(cur, backslash),
        Some(c) => {
            let message = format!(
                "`\\{c}` at position {backslash} is not a valid escape; use \\\" \\' \\\\ \\n \
                 \\t \\r \\/ or \\uXXXX, and write \\\\ for a backslash"
            );
            return Err(ParseError::at(backslash, message));
        }
    };
    Ok(resolved)
}

/// Resolves `\uXXXX` (after the `u`), joining a UTF-16 surrogate pair written as two escapes.
fn unicode_escape(cur: &mut Cursor, backslash: usize) -> Result<char, ParseError> {
    let unit = hex4(cur, backslash)?;
    let code = match unit {
        0xD800..=0xDBFF => {
            let low_at = cur.pos();
            if !cur.starts_with("\\u") {
                return Err(lone_surrogate(backslash, unit));
            }
            cur.advance(2);
            let low = hex4(cur, low_at)?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(lone_surrogate(backslash, unit));
            }
            0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        }
        0xDC00..=0xDFFF => return Err(lone_surrogate(backslash, unit)),
        _ => unit,
    };
    char::from_u32(code).ok_or_else(|| lone_surrogate(backslash, unit))
}

fn hex4(cur: &mut Cursor, backslash: usize) -> Result<u32, ParseError> {
    let mut value = 0;
    for _ in 0..4 {
        let Some(digit) = cur.peek().and_then(|c| c.to_digit(16)) else {
            let message = format!(
                "`\\u` at position {backslash} needs exactly four hex digits, like \\u00e9"
            );
            return Err(ParseError::at(backslash, message));
        };
        value = value * 16 + digit;
        cur.bump();
    }
    Ok(value)
}

fn lone_surrogate(backslash: usize, unit: u32) -> ParseError {
    let message = format!(
        "`\\u{unit:04X}` at position {backslash} is half of a surrogate pair; write both halves, \
         like \\ud83d\\ude00, or type the character itself"
    );
    ParseError::at(backslash, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(input: &str) -> Result<Literal, ParseError> {
        let mut cur = Cursor::new(input);
        literal(&mut cur, &Path(vec!["a".into()]), CompareOp::Eq)
    }

    fn number(text: &str) -> Literal {
        Literal::Number(text.to_string())
    }

    fn text(s: &str) -> Literal {
        Literal::Text(s.to_string())
    }

    #[test]
    fn numbers_keep_their_text() {
        for n in ["0", "-0", "0.30", "-5", "1e3", "1E+3", "-1.5e3", "2.5e-10", "9007199254740993"] {
            assert_eq!(value(n), Ok(number(n)), "{n}");
        }
    }

    #[test]
    fn malformed_numbers_are_refused_with_a_reason() {
        let cases = [
            ("007", "starts with a zero"),
            ("-01", "starts with a zero"),
            ("+5", "cannot start with `+`"),
            (".5", "digit before the `.`"),
            ("1.", "digits after the `.`"),
            ("1e", "digits after the exponent"),
            ("1e+", "digits after the exponent"),
            ("12abc", "other characters"),
            ("2024-01-01", "other characters"),
            ("1.2.3", "other characters"),
        ];
        for (input, reason) in cases {
            let err = value(input).unwrap_err();
            assert_eq!(err.position, 0, "{input}");
            assert!(err.message.contains(reason), "{input}: {}", err.message);
            assert!(err.message.contains(&format!("\"{input}\"")), "{}", err.message);
        }
    }

    #[test]
    fn keywords_ignore_case() {
        assert_eq!(value("null"), Ok(Literal::Null));
        assert_eq!(value("NULL"), Ok(Literal::Null));
        assert_eq!(value("True"), Ok(Literal::Bool(true)));
        assert_eq!(value("fALSE"), Ok(Literal::Bool(false)));
    }

    #[test]
    fn strings_resolve_escapes() {
        assert_eq!(value(r#""Germany""#), Ok(text("Germany")));
        assert_eq!(value("'it'"), Ok(text("it")));
        assert_eq!(value(r#""a\"b\'c\\d\/e""#), Ok(text("a\"b'c\\d/e")));
        assert_eq!(value(r"'don\'t'"), Ok(text("don't")));
        assert_eq!(value(r#""\n\t\r""#), Ok(text("\n\t\r")));
        assert_eq!(value(r#""caf\u00e9 \u00C9""#), Ok(text("café É")));
        assert_eq!(value(r#""\ud83d\ude00""#), Ok(text("😀")));
        assert_eq!(value(r#""""#), Ok(text("")));
        assert_eq!(value("\"two\nlines\""), Ok(text("two\nlines")));
    }

    #[test]
    fn string_errors_point_at_the_problem() {
        let cases = [
            (r#""open"#, 0, "never closed"),
            (r#""ends with \"#, 0, "never closed"),
            (r#""bad \x""#, 5, "not a valid escape"),
            (r#""\u12""#, 1, "four hex digits"),
            (r#""\uzzzz""#, 1, "four hex digits"),
            (r#""\ud83d""#, 1, "surrogate pair"),
            (r#""\ud83d\u0041""#, 1, "surrogate pair"),
            (r#""\ud83d\u00""#, 7, "four hex digits"),
            (r#""\ude00""#, 1, "surrogate pair"),
        ];
        for (input, position, part) in cases {
            let err = value(input).unwrap_err();
            assert_eq!(err.position, position, "{input}: {}", err.message);
            assert!(err.message.contains(part), "{input}: {}", err.message);
        }
    }

    #[test]
    fn bare_words_suggest_quotes() {
        let err = value("Germany").unwrap_err();
        assert_eq!(
            err.message,
            "expected a value after `=` at position 0; put text in double quotes, like \"Germany\""
        );
    }

    #[test]
    fn paths_read_segments() {
        let read = |input: &str| path(&mut Cursor::new(input));
        let p = |segments: &[&str]| Path(segments.iter().map(|s| (*s).to_string()).collect());
        assert_eq!(read("account.country"), Ok(p(&["account", "country"])));
        assert_eq!(read("ship-via"), Ok(p(&["ship-via"])));
        assert_eq!(read("Straße.$ref.@id"), Ok(p(&["Straße", "$ref", "@id"])));
        assert_eq!(read("`Order Date`"), Ok(p(&["Order Date"])));
        assert_eq!(read("`a``b`.c"), Ok(p(&["a`b", "c"])));
        assert_eq!(read("````"), Ok(p(&["`"])));
        assert_eq!(read("a..b").unwrap_err().position, 2);
        assert_eq!(read("a.").unwrap_err().position, 2);
        assert_eq!(read("`open").unwrap_err().position, 0);
        assert_eq!(read("a.``").unwrap_err().position, 2);
    }

    #[test]
    fn describe_quotes_whole_runs() {
        assert_eq!(Cursor::new("Germany rest").describe(), "`Germany`");
        assert_eq!(Cursor::new("=> 5").describe(), "`=>`");
        assert_eq!(Cursor::new("(x").describe(), "`(`");
        assert_eq!(Cursor::new("").describe(), "the end");
        assert_eq!(Cursor::new("`x`").describe(), "a backtick");
        assert_eq!(Cursor::new(&"x".repeat(30)).describe(), format!("`{}…`", "x".repeat(20)));
    }
}
