//! A small lexer that turns a definition's text into tokens without
//! whitespace and comments, split into header (name, parameters, bases,
//! return type, decorators) and body, so a change can be classified as a
//! signature change, a body change or a formatting-only change.
//!
//! It does not need a parse tree: both sides of a change go through the
//! same lexer, so an imperfect token boundary (a multi-character operator
//! split in two) affects both sides alike.

use blast_graph::Lang;

/// A definition's tokens.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DefinitionTokens<'s> {
    pub header: Vec<&'s str>,
    pub body: Vec<&'s str>,
}

impl DefinitionTokens<'_> {
    pub fn all(&self) -> impl Iterator<Item = &&str> {
        self.header.iter().chain(&self.body)
    }
}

/// Splits a definition's text into header and body tokens. For Python the
/// header ends at the `:` that opens the block; for brace languages at the
/// first `{` outside brackets. Text without such a delimiter (an assignment,
/// a module) is all body.
pub fn definition_tokens(lang: Lang, text: &str) -> DefinitionTokens<'_> {
    let tokens = lex(lang, text);
    let opener = if lang == Lang::Python { ":" } else { "{" };
    // In Python only a `def` or `class` (or its decorators) has a header;
    // a module or an assignment is all body.
    let header_keyword = if lang == Lang::Python {
        tokens
            .first()
            .is_some_and(|t| matches!(*t, "def" | "class" | "async" | "@"))
    } else {
        true
    };
    let mut depth = 0i32;
    let mut split = None;
    if header_keyword {
        for (idx, token) in tokens.iter().enumerate() {
            let python = lang == Lang::Python;
            match *token {
                "(" | "[" => depth += 1,
                ")" | "]" => depth -= 1,
                "{" if python => depth += 1,
                "}" if python => depth -= 1,
                "<" if !python => depth += 1,
                ">" if !python => depth -= 1,
                _ => {}
            }
            if *token == opener && depth <= 0 {
                split = Some(idx + 1);
                break;
            }
            // A Rust or Java declaration without a body (`fn f();`) is all header.
            if lang != Lang::Python && *token == ";" && depth <= 0 {
                split = Some(idx + 1);
                break;
            }
        }
    }
    let (header, mut body) = match split {
        Some(at) => {
            let mut tokens = tokens;
            let body = tokens.split_off(at);
            (tokens, body)
        }
        None => (Vec::new(), tokens),
    };
    // A docstring (a string literal opening the body) documents the code
    // like a comment: editing it is a formatting change.
    if lang == Lang::Python && body.first().is_some_and(|t| is_string_token(t)) {
        let ends_statement = body
            .get(1)
            .is_none_or(|t| !matches!(*t, "." | "[" | "(" | "+" | "%"));
        if ends_statement {
            body.remove(0);
        }
    }
    DefinitionTokens {
        header: without_trailing_commas(header),
        body: without_trailing_commas(body),
    }
}

/// Drops the commas that change nothing: a comma before a closing bracket
/// of an argument or parameter list (`f(a, b,)`), of a list, set, dict or
/// block, and of any bracket that holds another comma. A formatter adds
/// them, and a signature must not look changed for it. The comma of a
/// one-element tuple (`(a,)`) or tuple index (`x[a,]`) stays.
fn without_trailing_commas(tokens: Vec<&str>) -> Vec<&str> {
    struct Frame {
        opener: u8,
        after_name: bool,
        commas: u32,
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut significant = Vec::with_capacity(tokens.len());
    for (idx, &token) in tokens.iter().enumerate() {
        match token {
            "(" | "[" | "{" => {
                // A keyword before the bracket starts an expression, not a
                // call: `return (a,)` returns a tuple.
                const KEYWORDS: &[&str] = &[
                    "return", "yield", "in", "and", "or", "not", "is", "if", "elif", "else",
                    "while", "for", "await", "assert", "del", "lambda", "match", "case",
                ];
                let after_name = significant.last().is_some_and(|prev: &&str| {
                    matches!(*prev, ")" | "]")
                        || (prev
                            .chars()
                            .next()
                            .is_some_and(|c| c == '_' || c.is_alphanumeric())
                            && !KEYWORDS.contains(prev))
                });
                frames.push(Frame {
                    opener: token.as_bytes()[0],
                    after_name,
                    commas: 0,
                });
            }
            ")" | "]" | "}" => {
                frames.pop();
            }
            "," => {
                let closes = tokens
                    .get(idx + 1)
                    .is_some_and(|next| matches!(*next, ")" | "]" | "}"));
                if let Some(frame) = frames.last_mut() {
                    let pointless = frame.commas > 0
                        || match frame.opener {
                            b'(' => frame.after_name,
                            b'[' => !frame.after_name,
                            _ => true,
                        };
                    frame.commas += 1;
                    if closes && pointless {
                        continue;
                    }
                }
            }
            _ => {}
        }
        significant.push(token);
    }
    significant
}

/// True for a string literal token, with or without a prefix (`r"..."`).
fn is_string_token(token: &str) -> bool {
    let unprefixed = token.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    unprefixed.starts_with('"') || unprefixed.starts_with('\'')
}

/// Tokens of `text`: identifiers and numbers, string literals whole, and
/// single punctuation characters; whitespace and comments dropped.
pub fn lex(lang: Lang, text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let hash_comments = lang == Lang::Python;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if starts_line_comment(hash_comments, bytes, i) {
            i = skip_line(bytes, i);
        } else if !hash_comments && b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(bytes, i);
        } else if b == b'"' || (b == b'\'' && is_char_literal(lang, bytes, i)) {
            let end = skip_string(bytes, i);
            tokens.push(&text[i..end]);
            i = end;
        } else if b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80 {
            let start = i;
            while i < bytes.len()
                && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric() || bytes[i] >= 0x80)
            {
                i += 1;
            }
            // A Python string prefix (`r"..."`, `f'...'`) belongs to the string.
            let is_prefix = lang == Lang::Python
                && i - start <= 2
                && text[start..i].chars().all(|c| "rbfuRBFU".contains(c))
                && matches!(bytes.get(i), Some(b'"' | b'\''));
            if is_prefix {
                i = skip_string(bytes, i);
            }
            tokens.push(&text[start..i]);
        } else {
            // One punctuation character; `text` is valid UTF-8 and `b` is
            // ASCII here, so the slice boundary is a character boundary.
            tokens.push(&text[i..=i]);
            i += 1;
        }
    }
    tokens
}

/// `#` in Python, `//` in the brace languages.
fn starts_line_comment(hash_comments: bool, bytes: &[u8], i: usize) -> bool {
    if hash_comments {
        bytes[i] == b'#'
    } else {
        bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/')
    }
}

fn skip_line(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 2;
    let mut depth = 1;
    while i < bytes.len() && depth > 0 {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    i.min(bytes.len())
}

/// True when `'` at `i` opens a character or string literal rather than a
/// Rust lifetime (`'a`).
fn is_char_literal(lang: Lang, bytes: &[u8], i: usize) -> bool {
    if lang == Lang::Python {
        return true;
    }
    // 'x' or '\n': the closing quote comes within a few bytes.
    bytes.get(i + 2) == Some(&b'\'') || (bytes.get(i + 1) == Some(&b'\\'))
}

/// Returns the end of the string literal starting at `start` (Python triple
/// quotes included); an unterminated string runs to the end of the line.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if triple {
            if b == quote && bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                return i + 3;
            }
        } else if b == quote {
            return i + 1;
        } else if b == b'\n' {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_comments_and_whitespace_are_dropped() {
        let a = lex(Lang::Python, "def f(x):  # note\n    return x+1\n");
        let b = lex(Lang::Python, "def f(x):\n\n    return x + 1  # other\n");
        assert_eq!(a, b);
        assert_eq!(
            lex(Lang::Python, "s = '# not a comment'"),
            vec!["s", "=", "'# not a comment'"]
        );
        assert_eq!(
            lex(Lang::Python, "d = \"\"\"a\n'b'\"\"\""),
            vec!["d", "=", "\"\"\"a\n'b'\"\"\""]
        );
    }

    #[test]
    fn python_header_ends_at_the_block_colon() {
        let tokens = definition_tokens(
            Lang::Python,
            "@cache\ndef f(x: int = {1: 2}) -> int:\n    return x\n",
        );
        assert_eq!(tokens.header.last(), Some(&":"));
        assert_eq!(tokens.body, vec!["return", "x"]);
        let assignment = definition_tokens(Lang::Python, "LIMIT = 3");
        assert!(assignment.header.is_empty());
    }

    #[test]
    fn trailing_commas_change_nothing_but_tuples() {
        let same = |a: &str, b: &str| {
            definition_tokens(Lang::Python, a) == definition_tokens(Lang::Python, b)
        };
        assert!(same(
            "def f(a: t.Optional[int], b=1,):\n    return g(a, [1, 2,], {3,})\n",
            "def f(a: t.Optional[int], b=1):\n    return g(a, [1, 2], {3})\n"
        ));
        assert!(same(
            "def f():\n    return (a, b,)\n",
            "def f():\n    return (a, b)\n"
        ));
        assert!(!same(
            "def f():\n    return (a,)\n",
            "def f():\n    return (a)\n"
        ));
        assert!(!same(
            "def f():\n    return x[a,]\n",
            "def f():\n    return x[a]\n"
        ));
    }

    #[test]
    fn python_docstrings_are_documentation() {
        let old = definition_tokens(
            Lang::Python,
            "def f():\n    \"\"\"Get it.\"\"\"\n    return 1\n",
        );
        let new = definition_tokens(
            Lang::Python,
            "def f():\n    r\"\"\"Return it.\"\"\"\n    return 1\n",
        );
        assert_eq!(old, new);
        let joined = definition_tokens(Lang::Python, "def f():\n    \"a\".join([])\n");
        assert_eq!(joined.body.first(), Some(&"\"a\""));
    }

    #[test]
    fn brace_languages_split_at_the_first_brace() {
        let tokens = definition_tokens(Lang::Python, "class A(B):\n    x = 1\n");
        assert_eq!(tokens.header, vec!["class", "A", "(", "B", ")", ":"]);
        assert_eq!(
            lex(Lang::Python, "x = 1 /* not a comment in Python */").len(),
            12
        );
    }
}
