//! A small lexer that turns a definition's text into tokens without
//! whitespace and comments, split into header (name, parameters, bases,
//! return type, decorators) and body, so a change can be classified as a
//! signature change, a body change or a formatting-only change.
//!
//! It does not need a parse tree: both sides of a change go through the
//! same lexer, so an imperfect token boundary (a multi-character operator
//! split in two) affects both sides alike.

use blast_graph::Lang;

use crate::interpolation;

/// A definition's tokens.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DefinitionTokens<'s> {
    pub header: Vec<&'s str>,
    /// Tokens written in the header that callers cannot observe, so that
    /// changing them is not a signature change: attributes, annotations and
    /// decorators such as `#[inline]`, `@Deprecated` or `@typing.final`, and
    /// Rust's `mut` on a parameter binding.
    pub caller_invisible: Vec<&'s str>,
    pub body: Vec<&'s str>,
}

impl DefinitionTokens<'_> {
    pub fn all(&self) -> impl Iterator<Item = &&str> {
        self.header
            .iter()
            .chain(&self.caller_invisible)
            .chain(&self.body)
    }
}

/// Splits a definition's text into header and body tokens. For Python the
/// header ends at the `:` that opens the block; for brace languages at the
/// first `{` outside brackets. Text without such a delimiter (an assignment,
/// a module) is all body.
pub fn definition_tokens(lang: Lang, text: &str) -> DefinitionTokens<'_> {
    let tokens = if lang == Lang::Python {
        // Grouping parentheses that a formatter adds or removes (black's
        // invisible parentheses) change no code. Finding them needs the
        // ends of logical lines, which `lex` drops.
        // NOTE: the line ends are dropped afterwards, as `lex` drops them,
        // so `x = a` and `(b)` on two lines still compare equal to
        // `x = a(b)`.
        let tokens = without_trailing_commas(lex_tokens(lang, text, true));
        crate::parentheses::without_redundant_parentheses(tokens)
            .into_iter()
            .filter(|token| *token != LINE_END)
            .collect()
    } else {
        lex(lang, text)
    };
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
    let (header, body) = match split {
        Some(at) => {
            let mut tokens = tokens;
            let body = tokens.split_off(at);
            (tokens, body)
        }
        None => (Vec::new(), tokens),
    };
    assemble(lang, header, body)
}

/// Splits the text of a Rust or Java constant, static or field with an
/// initialiser: the header is what comes before the `=` (attributes,
/// modifiers, name and type), the body is the `=` and the value, so that a
/// new value is a body change. Text without an initialiser at the top
/// level goes to [`definition_tokens`], and so does Python, whose
/// assignments are all body.
pub fn binding_tokens(lang: Lang, text: &str) -> DefinitionTokens<'_> {
    if lang == Lang::Python {
        return definition_tokens(lang, text);
    }
    let tokens = lex(lang, text);
    // Brackets and generic arguments hold the `=` of attribute arguments
    // (`#[cfg(feature = "std")]`, `@Size(max = 3)`) and of associated type
    // bindings (`Iterator<Item = u8>`). The `>` of `->` closes nothing.
    let mut depth = 0i32;
    let initialiser = tokens.iter().enumerate().position(|(idx, &token)| {
        let arrow = token == ">" && idx > 0 && tokens[idx - 1] == "-";
        match token {
            "(" | "[" | "{" | "<" => depth += 1,
            ")" | "]" | "}" | ">" if !arrow => depth -= 1,
            _ => {}
        }
        token == "=" && depth == 0
    });
    let Some(at) = initialiser else {
        return definition_tokens(lang, text);
    };
    let mut header = tokens;
    let body = header.split_off(at);
    assemble(lang, header, body)
}

/// Drops the path qualifiers from Rust tokens: `crate :: Entries` becomes
/// `Entries`, and `:: std :: fmt :: Debug` becomes `Debug`. A single `:`
/// (a bound or a field's type) stays.
pub fn without_path_qualifiers<'s>(tokens: &[&'s str]) -> Vec<&'s str> {
    let mut unqualified: Vec<&'s str> = Vec::with_capacity(tokens.len());
    let mut idx = 0;
    while idx < tokens.len() {
        let path_separator = tokens.get(idx + 1..idx + 3) == Some(&[":", ":"][..])
            && tokens.get(idx + 3).is_some_and(|t| is_identifier(t));
        if path_separator && is_path_segment(tokens[idx]) {
            idx += 3;
            continue;
        }
        // A leading `::`: the tokens from `idx` are `: : name`.
        let leading = tokens.get(idx..idx + 2) == Some(&[":", ":"][..])
            && tokens.get(idx + 2).is_some_and(|t| is_identifier(t))
            && unqualified
                .last()
                .is_none_or(|t| !is_path_segment(t) && *t != ">");
        if leading {
            idx += 2;
            continue;
        }
        unqualified.push(tokens[idx]);
        idx += 1;
    }
    unqualified
}

/// True for an identifier that can name a path segment, unlike the
/// keywords that come before a path in a header (`impl ::std::fmt::Debug`).
fn is_path_segment(token: &str) -> bool {
    is_identifier(token)
        && !matches!(
            token,
            "impl" | "for" | "as" | "dyn" | "where" | "mut" | "const" | "unsafe" | "pub" | "fn"
        )
}

/// Finishes splitting a definition's tokens: drops a Python docstring,
/// moves what callers cannot observe out of the header and drops trailing
/// commas.
fn assemble<'s>(lang: Lang, header: Vec<&'s str>, mut body: Vec<&'s str>) -> DefinitionTokens<'s> {
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
    let (header, caller_invisible) = split_caller_invisible(lang, header);
    DefinitionTokens {
        header: without_trailing_commas(header),
        caller_invisible,
        body: without_trailing_commas(body),
    }
}

/// The effect on callers of an attribute, annotation or decorator in a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum AttributeEffect {
    /// Documentation or lint settings, which change no compiled code, like
    /// a doc comment or a `# noqa` comment: dropped.
    Comment,
    /// Changes the compiled code or the warnings at call sites, but every
    /// call that compiled before still compiles and means the same.
    CallerInvisible,
    /// May change what callers can write or see (`#[cfg]`, `#[derive]`,
    /// `#[repr]`, a Python decorator that wraps the function, or one not
    /// listed here): part of the signature.
    Signature,
}

/// Moves the attributes, annotations and decorators that cannot affect
/// callers out of a header, and for Rust the `mut` of by-value parameter
/// bindings. Documentation and lint attributes are dropped altogether.
fn split_caller_invisible(lang: Lang, header: Vec<&str>) -> (Vec<&str>, Vec<&str>) {
    let mut kept = Vec::with_capacity(header.len());
    let mut invisible = Vec::new();
    let mut idx = 0;
    while idx < header.len() {
        let attribute = match lang {
            Lang::Rust => rust_attribute(&header, idx),
            Lang::Java | Lang::Python => at_sign_attribute(lang, &header, idx),
        };
        if let Some((end, effect)) = attribute {
            match effect {
                AttributeEffect::Comment => {}
                AttributeEffect::CallerInvisible => invisible.extend_from_slice(&header[idx..end]),
                AttributeEffect::Signature => kept.extend_from_slice(&header[idx..end]),
            }
            idx = end;
            continue;
        }
        // `(mut src: T)` and `(src: T)` accept the same arguments, but
        // `&mut T` and `*mut T` are types and keep their `mut`.
        let is_binding_mode = lang == Lang::Rust
            && header[idx] == "mut"
            && idx > 0
            && matches!(header[idx - 1], "(" | ",")
            && header.get(idx + 1).is_some_and(|next| is_identifier(next));
        if is_binding_mode {
            invisible.push(header[idx]);
        } else {
            kept.push(header[idx]);
        }
        idx += 1;
    }
    (kept, invisible)
}

/// Reads a Rust outer attribute (`#[...]`) that starts at `start`: returns
/// the index after its `]` and its effect.
fn rust_attribute(tokens: &[&str], start: usize) -> Option<(usize, AttributeEffect)> {
    if tokens[start] != "#" || tokens.get(start + 1) != Some(&"[") {
        return None;
    }
    let close = matching_close(tokens, start + 1)?;
    Some((close + 1, rust_attribute_effect(&tokens[start + 2..close])))
}

/// Classifies the content of a Rust attribute, `#[` and `]` excluded.
fn rust_attribute_effect(content: &[&str]) -> AttributeEffect {
    let path_end = content
        .iter()
        .position(|t| *t != ":" && !is_identifier(t))
        .unwrap_or(content.len());
    let path = content[..path_end].concat();
    match path.as_str() {
        "doc" | "allow" | "warn" | "deny" | "forbid" | "expect" => AttributeEffect::Comment,
        _ if path.starts_with("rustfmt::") || path.starts_with("clippy::") => {
            AttributeEffect::Comment
        }
        // `should_panic` and `ignore` tell the test harness how to run a
        // test, which nothing calls.
        "inline" | "must_use" | "track_caller" | "cold" | "deprecated" | "should_panic"
        | "ignore" => AttributeEffect::CallerInvisible,
        // `cfg_attr(predicate, a, b)` applies `a` and `b` only where the
        // predicate holds, so it weighs as much as the weightiest of them.
        "cfg_attr" if content.get(path_end) == Some(&"(") => {
            let Some(close) = matching_close(content, path_end) else {
                return AttributeEffect::Signature;
            };
            top_level_items(&content[path_end + 1..close])
                .skip(1)
                .map(rust_attribute_effect)
                .max()
                .unwrap_or(AttributeEffect::Comment)
        }
        _ => AttributeEffect::Signature,
    }
}

/// Reads a Java annotation or Python decorator (`@name.name(...)`) that
/// starts at `start`: returns the index after it and its effect.
fn at_sign_attribute(
    lang: Lang,
    tokens: &[&str],
    start: usize,
) -> Option<(usize, AttributeEffect)> {
    if tokens[start] != "@" {
        return None;
    }
    let mut end = start + 1;
    let mut path = String::new();
    while let Some(&token) = tokens.get(end) {
        let expects_name = path.is_empty() || path.ends_with('.');
        if expects_name && is_identifier(token) {
            path.push_str(token);
        } else if !expects_name && token == "." {
            path.push('.');
        } else {
            break;
        }
        end += 1;
    }
    // `@interface` declares an annotation type.
    if path.is_empty() || path == "interface" {
        return None;
    }
    if tokens.get(end) == Some(&"(") {
        end = matching_close(tokens, end)? + 1;
    }
    let effect = match lang {
        // `@Override` and `@SuppressWarnings` have source retention: they
        // reach no class file.
        Lang::Java => match path.as_str() {
            "Override"
            | "java.lang.Override"
            | "SuppressWarnings"
            | "java.lang.SuppressWarnings" => AttributeEffect::Comment,
            "Deprecated" | "java.lang.Deprecated" | "SafeVarargs" | "java.lang.SafeVarargs" => {
                AttributeEffect::CallerInvisible
            }
            _ => AttributeEffect::Signature,
        },
        // A decorator replaces the function with what it returns, so only
        // those known to return the function itself (marked for type
        // checkers) or a wrapper with the same parameters stay out.
        _ => match path.as_str() {
            "override"
            | "typing.override"
            | "typing_extensions.override"
            | "final"
            | "typing.final"
            | "typing_extensions.final"
            | "deprecated"
            | "warnings.deprecated"
            | "typing_extensions.deprecated" => AttributeEffect::CallerInvisible,
            _ => AttributeEffect::Signature,
        },
    };
    Some((end, effect))
}

/// Returns the index of the bracket that closes the one at `open`.
fn matching_close(tokens: &[&str], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (idx, token) in tokens.iter().enumerate().skip(open) {
        match *token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some(idx);
        }
    }
    None
}

/// Splits tokens at the commas outside brackets.
fn top_level_items<'t, 's>(tokens: &'t [&'s str]) -> impl Iterator<Item = &'t [&'s str]> {
    let mut depth = 0i32;
    tokens
        .split(move |token| {
            match *token {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ => {}
            }
            depth == 0 && *token == ","
        })
        .filter(|item| !item.is_empty())
}

fn is_identifier(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
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
    lex_tokens(lang, text, false)
}

/// The token that [`lex_tokens`] puts at the end of each logical line when
/// asked to: a line break outside brackets and not after a `\`.
pub(crate) const LINE_END: &str = "\n";

/// Lexes like [`lex`], and with `line_ends` also returns a [`LINE_END`]
/// token at the end of each logical line.
fn lex_tokens(lang: Lang, text: &str, line_ends: bool) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<&str> = Vec::new();
    let mut i = 0;
    let hash_comments = lang == Lang::Python;
    let mut depth = 0u32;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            let ends_line = line_ends
                && b == b'\n'
                && depth == 0
                && tokens
                    .last()
                    .is_some_and(|last| *last != "\\" && *last != LINE_END);
            if ends_line {
                tokens.push(LINE_END);
            }
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
            // A Python string prefix (`r"..."`, `f'...'`, `t"..."`) belongs
            // to the string.
            let prefix = &text[start..i];
            let is_prefix = lang == Lang::Python
                && i - start <= 2
                && prefix.chars().all(|c| "rbfutRBFUT".contains(c))
                && matches!(bytes.get(i), Some(b'"' | b'\''));
            if is_prefix && interpolation::is_interpolated_prefix(prefix) {
                let raw = interpolation::is_raw_prefix(prefix);
                i = interpolation::skip_interpolated_string(bytes, i, raw);
            } else if is_prefix {
                i = skip_string(bytes, i);
            }
            tokens.push(&text[start..i]);
        } else {
            // One punctuation character; `text` is valid UTF-8 and `b` is
            // ASCII here, so the slice boundary is a character boundary.
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
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
pub(crate) fn skip_string(bytes: &[u8], start: usize) -> usize {
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

    #[test]
    fn rust_attributes_callers_cannot_see() {
        let plain = definition_tokens(Lang::Rust, "fn put_u64(&mut self, n: u64) {\n    f(n)\n}\n");
        for attribute in [
            "#[inline]",
            "#[inline(always)]",
            "#[must_use]",
            "#[track_caller]",
            "#[cold]",
            "#[deprecated(since = \"1.0\")]",
            "#[cfg_attr(feature = \"std\", inline)]",
        ] {
            let text = format!("{attribute}\nfn put_u64(&mut self, n: u64) {{\n    f(n)\n}}\n");
            let tokens = definition_tokens(Lang::Rust, &text);
            assert_eq!(tokens.header, plain.header, "{attribute}");
            assert!(!tokens.caller_invisible.is_empty(), "{attribute}");
            assert_eq!(tokens.body, plain.body, "{attribute}");
        }
    }

    #[test]
    fn rust_doc_and_lint_attributes_are_dropped() {
        let plain = definition_tokens(Lang::Rust, "fn f() {}\n");
        for attribute in [
            "#[doc = \"Returns it.\"]",
            "#[allow(clippy::len_zero)]",
            "#[expect(dead_code)]",
            "#[rustfmt::skip]",
            "#[cfg_attr(docsrs, doc(cfg(feature = \"std\")))]",
        ] {
            let text = format!("{attribute}\nfn f() {{}}\n");
            assert_eq!(definition_tokens(Lang::Rust, &text), plain, "{attribute}");
        }
    }

    #[test]
    fn rust_attributes_callers_can_see() {
        let plain = definition_tokens(Lang::Rust, "struct S {}\n");
        for attribute in [
            "#[cfg(feature = \"std\")]",
            "#[derive(Clone)]",
            "#[repr(C)]",
            "#[cfg_attr(feature = \"serde\", derive(Serialize), inline)]",
            "#[non_exhaustive]",
        ] {
            let text = format!("{attribute}\nstruct S {{}}\n");
            let tokens = definition_tokens(Lang::Rust, &text);
            assert_ne!(tokens.header, plain.header, "{attribute}");
            assert!(tokens.caller_invisible.is_empty(), "{attribute}");
        }
    }

    #[test]
    fn rust_mut_binding_is_not_in_the_header() {
        let header = |text| definition_tokens(Lang::Rust, text).header;
        assert_eq!(
            header("fn put<T: Buf>(&mut self, mut src: T) {}"),
            header("fn put<T: Buf>(&mut self, src: T) {}")
        );
        assert_eq!(
            header("fn freeze(mut self) {}"),
            header("fn freeze(self) {}")
        );
        assert_ne!(
            header("fn f(src: &mut [u8]) {}"),
            header("fn f(src: &[u8]) {}"),
            "`&mut` is part of the type"
        );
        assert_ne!(
            header("fn f(src: *mut u8) {}"),
            header("fn f(src: *const u8) {}")
        );
    }

    #[test]
    fn java_and_python_annotations() {
        let java = |text| definition_tokens(Lang::Java, text);
        let plain = java("public String name() {\n    return n;\n}\n");
        assert_eq!(
            java("@Override\npublic String name() {\n    return n;\n}\n"),
            plain
        );
        assert_eq!(
            java("@SuppressWarnings(\"unchecked\")\npublic String name() {\n    return n;\n}\n"),
            plain
        );
        let deprecated = java("@Deprecated\npublic String name() {\n    return n;\n}\n");
        assert_eq!(deprecated.header, plain.header);
        assert_eq!(deprecated.caller_invisible, vec!["@", "Deprecated"]);
        assert_ne!(
            java("@Bean\npublic String name() {\n    return n;\n}\n").header,
            plain.header
        );

        let python = |text| definition_tokens(Lang::Python, text);
        let plain = python("def f(x):\n    return x\n");
        let final_method = python("@typing.final\ndef f(x):\n    return x\n");
        assert_eq!(final_method.header, plain.header);
        assert_eq!(
            final_method.caller_invisible,
            vec!["@", "typing", ".", "final"]
        );
        assert_ne!(
            python("@functools.cache\ndef f(x):\n    return x\n").header,
            plain.header,
            "a decorator may replace the function"
        );
    }

    #[test]
    fn bindings_split_at_initialiser() {
        let rust = binding_tokens(
            Lang::Rust,
            "#[cfg(feature = \"std\")]\npub const T: &[(char, char)] = &[('0', '9')];\n",
        );
        assert_eq!(
            rust.header,
            [
                "#", "[", "cfg", "(", "feature", "=", "\"std\"", ")", "]", "pub", "const", "T",
                ":", "&", "[", "(", "char", ",", "char", ")", "]"
            ]
        );
        assert_eq!(rust.body[..2], ["=", "&"]);

        let bound = binding_tokens(
            Lang::Rust,
            "static F: fn() -> Box<dyn Iterator<Item = u8>> = f;",
        );
        assert_eq!(bound.body, ["=", "f", ";"]);

        let java = binding_tokens(
            Lang::Java,
            "@Size(max = 3)\nprivate List<String> names = new ArrayList<>();",
        );
        assert_eq!(java.header.last(), Some(&"names"));
        assert_eq!(java.body.first(), Some(&"="));

        let declared = binding_tokens(Lang::Rust, "const N: usize;");
        assert_eq!(declared, definition_tokens(Lang::Rust, "const N: usize;"));

        let python = binding_tokens(Lang::Python, "LIMIT: int = 3\n");
        assert!(python.header.is_empty(), "a Python assignment is all body");
    }

    #[test]
    fn path_qualifiers_are_dropped() {
        let dropped = |text| without_path_qualifiers(&lex(Lang::Rust, text)).concat();
        assert_eq!(
            dropped("impl<K, V> crate::Entries for IndexMapCore<K, V>"),
            dropped("impl<K, V> Entries for IndexMapCore<K, V>")
        );
        assert_eq!(dropped("impl ::std::fmt::Debug for S"), "implDebugforS");
        assert_eq!(dropped("impl<T: Clone> Tr for T"), "impl<T:Clone>TrforT");
        assert_eq!(
            dropped("impl Tr for <T as Other>::Out"),
            "implTrfor<TasOther>::Out"
        );
    }
}
