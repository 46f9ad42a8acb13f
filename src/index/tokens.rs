//! Search tokens: how trait values and queries are cut into the words that `q` matches.
//!
//! A value yields its identifier-like runs whole (`ch_4567`, `ana@example.com`,
//! `inv/2024/01`) and the alphanumeric words inside them (`ch`, `4567`, `ana`, `example`,
//! `com`), all folded (lower case in every script, composed accents). So a record is found
//! by a whole identifier, by an e-mail address whole or by its parts, and, through prefix
//! matching at query time, by the start of any word.

use super::keys::loose;

/// The longest token kept, in bytes; longer runs are still found by their words.
const MAX_TOKEN: usize = 64;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Characters that join words into one identifier-like run.
fn is_joiner(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | '@' | '/' | '+' | ':' | '#')
}

/// Every token of a piece of text, each once, in order of first appearance.
pub fn tokens(text: &str) -> Vec<String> {
    let folded = loose(text);
    let mut out: Vec<String> = Vec::new();
    let mut push = |token: &str| {
        let token = token.trim_matches(|c: char| !is_word_char(c));
        if !token.is_empty() && token.len() <= MAX_TOKEN && !out.iter().any(|t| t == token) {
            out.push(token.to_string());
        }
    };
    for run in folded.split(|c: char| !is_word_char(c) && !is_joiner(c)) {
        push(run);
        for word in run.split(|c: char| !is_word_char(c)) {
            push(word);
        }
    }
    out
}

/// The words of a search query: whole runs only, so `ch_4567` asks for that identifier.
pub fn query_words(query: &str) -> Vec<String> {
    let folded = loose(query);
    let mut words: Vec<String> = Vec::new();
    for run in folded.split(|c: char| !is_word_char(c) && !is_joiner(c)) {
        let run = run.trim_matches(|c: char| !is_word_char(c));
        if !run.is_empty() && !words.iter().any(|w| w == run) {
            words.push(run.chars().take(MAX_TOKEN).collect());
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_kept_whole_and_split() {
        assert_eq!(tokens("paid by ch_4567."), ["paid", "by", "ch_4567", "ch", "4567"]);
        assert_eq!(tokens("Ana@Example.com"), ["ana@example.com", "ana", "example", "com"]);
    }

    #[test]
    fn folding_covers_every_script() {
        assert_eq!(tokens("ИВАН Petrov"), ["иван", "petrov"]);
        assert_eq!(tokens("Cafe\u{301}"), tokens("café"));
        assert_eq!(tokens("Bólido"), tokens("bolido"));
    }

    #[test]
    fn query_words_keep_identifiers_whole() {
        assert_eq!(query_words("  CH_4567 ana@"), ["ch_4567", "ana"]);
        assert!(query_words(" -- ").is_empty());
    }
}
