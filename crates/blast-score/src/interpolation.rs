//! Python f-strings and t-strings, whose replacement fields contain code:
//! `f"{foo(1)!r:>{width}}"` calls `foo` and reads `width`. The lexer in
//! [`crate::tokens`] keeps such a literal as one token, so checks that look
//! for calls and names in a caller's text use [`lex_with_interpolations`],
//! which also lexes the expressions of the replacement fields.
//!
//! The scanner follows the grammar of Python 3.12 (PEP 701): an expression
//! may contain strings in the same quotes as the literal around it, nested
//! f-strings and, inside brackets, line breaks. Older code is a subset of
//! that grammar, so it scans the same way.

use std::ops::Range;

use blast_graph::Lang;

use crate::tokens::lex;

/// Literals nested deeper than this (an f-string in a replacement field of
/// an f-string, and so on) are skipped like plain strings, so their fields
/// are not read, and a quote inside them may end the scan early. Real code
/// nests two or three levels. The limit keeps hostile input from
/// exhausting the stack.
const MAX_NESTING: u32 = 32;

/// Lexes like [`lex`]. For Python, each f-string or t-string token is also
/// followed by the tokens of the expressions in its replacement fields,
/// nested ones included, each expression in parentheses of its own. The
/// parentheses keep a field's tokens apart from the tokens around the
/// literal and from the next field. So `f"{foo}{(1)}"` does not read as a
/// call `foo(1)`, and a field `{a, b}` adds no argument to a call that the
/// literal is passed to.
pub(crate) fn lex_with_interpolations(lang: Lang, text: &str) -> Vec<&str> {
    if lang != Lang::Python {
        return lex(lang, text);
    }
    lex_python_fields(text, 0)
}

fn lex_python_fields(text: &str, nesting: u32) -> Vec<&str> {
    let tokens = lex(Lang::Python, text);
    if nesting >= MAX_NESTING {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len());
    for token in tokens {
        out.push(token);
        for field in interpolations(token) {
            out.push("(");
            out.extend(lex_python_fields(field, nesting + 1));
            out.push(")");
        }
    }
    out
}

/// Returns the expressions of the replacement fields of a Python f-string or
/// t-string literal, in the order their fields open, without the `=` of a
/// self-documenting field (`{x=}`), the conversion (`!r`) and the format
/// spec. The fields nested in a format spec (`{x:{width}}`) are included.
/// Any other token has none.
pub(crate) fn interpolations(token: &str) -> Vec<&str> {
    let Some(quote_at) = token.find(['"', '\'']) else {
        return Vec::new();
    };
    let prefix = &token[..quote_at];
    if !is_interpolated_prefix(prefix) {
        return Vec::new();
    }
    let mut scanner = Scanner {
        bytes: token.as_bytes(),
        fields: Vec::new(),
        record: true,
    };
    scanner.literal(quote_at, is_raw_prefix(prefix), 0);
    scanner
        .fields
        .into_iter()
        .map(|field| &token[field])
        .collect()
}

/// Returns the end of the f-string or t-string literal whose opening quote
/// is at `start`, like the lexer's scan of a plain string. A quote inside a
/// replacement field does not end the literal.
pub(crate) fn skip_interpolated_string(bytes: &[u8], start: usize, raw: bool) -> usize {
    let mut scanner = Scanner {
        bytes,
        fields: Vec::new(),
        record: false,
    };
    scanner.literal(start, raw, 0)
}

/// True for the prefix of a literal with replacement fields: it contains
/// `f` (an f-string) or `t` (a Python 3.14 template string).
pub(crate) fn is_interpolated_prefix(prefix: &str) -> bool {
    prefix.contains(['f', 'F', 't', 'T'])
}

/// True for the prefix of a raw literal, where a backslash escapes nothing.
pub(crate) fn is_raw_prefix(prefix: &str) -> bool {
    prefix.contains(['r', 'R'])
}

/// The state of one scan: the text, and the byte ranges of the field
/// expressions found so far when `record` is set.
struct Scanner<'b> {
    bytes: &'b [u8],
    fields: Vec<Range<usize>>,
    /// Only the fields of the outermost literal are recorded. The fields of
    /// a literal nested in one of its expressions are read again when that
    /// expression is lexed.
    record: bool,
}

/// The end of a scan of literal text (a string body or a format spec).
enum TextEnd {
    /// At the string's closing quote, with the index after it.
    Closed(usize),
    /// At the `}` that ends a format spec, with the index of the `}`.
    SpecEnd(usize),
    /// At a line break that a single-quoted string cannot contain, or at
    /// the end of the text: the literal is unterminated.
    Open(usize),
}

impl Scanner<'_> {
    /// Scans the literal whose opening quote is at `start` and returns the
    /// index after its closing quote.
    fn literal(&mut self, start: usize, raw: bool, nesting: u32) -> usize {
        let quote = self.bytes[start];
        let triple =
            self.bytes.get(start + 1) == Some(&quote) && self.bytes.get(start + 2) == Some(&quote);
        let delimiter = Delimiter { quote, triple, raw };
        let body = start + if triple { 3 } else { 1 };
        match self.text(body, delimiter, false, nesting) {
            TextEnd::Closed(end) | TextEnd::SpecEnd(end) | TextEnd::Open(end) => end,
        }
    }

    /// Scans literal text from `i`: a string body, or with `in_spec` a
    /// format spec, which ends at the `}` of its field.
    fn text(&mut self, mut i: usize, delimiter: Delimiter, in_spec: bool, nesting: u32) -> TextEnd {
        let bytes = self.bytes;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\\' {
                i = delimiter.skip_escape(bytes, i);
                continue;
            }
            if let Some(end) = delimiter.closes_at(bytes, i) {
                return TextEnd::Closed(end);
            }
            if b == b'\n' && !delimiter.triple {
                return TextEnd::Open(i);
            }
            match b {
                // `{{` is an escaped brace.
                b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
                b'{' => i = self.field(i, delimiter, nesting),
                b'}' if in_spec => return TextEnd::SpecEnd(i),
                b'}' if bytes.get(i + 1) == Some(&b'}') => i += 2,
                _ => i += 1,
            }
        }
        TextEnd::Open(bytes.len())
    }

    /// Scans the replacement field whose `{` is at `open`, records its
    /// expression, and returns the index after its `}`.
    fn field(&mut self, open: usize, delimiter: Delimiter, nesting: u32) -> usize {
        let bytes = self.bytes;
        let start = open + 1;
        // Where the expression ends when something follows it: the `=` of
        // a self-documenting field, or a conversion.
        let mut expression_end: Option<usize> = None;
        let mut depth = 0u32;
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'"' | b'\'' => {
                    i = self.nested_string(i, i, nesting);
                    continue;
                }
                b'_' | b'a'..=b'z' | b'A'..=b'Z' | 0x80.. => {
                    let word_start = i;
                    while i < bytes.len()
                        && (bytes[i] == b'_'
                            || bytes[i].is_ascii_alphanumeric()
                            || bytes[i] >= 0x80)
                    {
                        i += 1;
                    }
                    let prefix_of_string = i - word_start <= 2
                        && bytes[word_start..i]
                            .iter()
                            .all(|c| b"rbfutRBFUT".contains(c))
                        && matches!(bytes.get(i), Some(b'"' | b'\''));
                    if prefix_of_string {
                        i = self.nested_string(word_start, i, nesting);
                    }
                    continue;
                }
                // A comment may end a line inside a multi-line field.
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\n' if depth == 0 && !delimiter.triple => {
                    // An unterminated field in a single-quoted string.
                    self.push(start..expression_end.unwrap_or(i));
                    return i;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b'}' if depth > 0 => depth -= 1,
                b'}' => {
                    self.push(start..expression_end.unwrap_or(i));
                    return i + 1;
                }
                // The operators `!=`, `==`, `<=` and `>=`.
                b'!' | b'=' | b'<' | b'>' if bytes.get(i + 1) == Some(&b'=') => {
                    i += 2;
                    continue;
                }
                b'!' | b'=' if depth == 0 => {
                    expression_end.get_or_insert(i);
                }
                b':' if depth == 0 => {
                    self.push(start..expression_end.unwrap_or(i));
                    return match self.text(i + 1, delimiter, true, nesting) {
                        TextEnd::SpecEnd(close) => close + 1,
                        TextEnd::Closed(end) => {
                            // The string closed inside the spec, so step
                            // back for the body's scan to find the quote.
                            end - if delimiter.triple { 3 } else { 1 }
                        }
                        TextEnd::Open(end) => end,
                    };
                }
                _ => {}
            }
            i += 1;
        }
        self.push(start..expression_end.unwrap_or(bytes.len()));
        bytes.len()
    }

    /// Skips a string literal inside a replacement field whose prefix starts
    /// at `prefix_start` and whose quote is at `quote_at`. Returns its end.
    fn nested_string(&mut self, prefix_start: usize, quote_at: usize, nesting: u32) -> usize {
        let prefix = &self.bytes[prefix_start..quote_at];
        let raw = prefix.iter().any(|c| matches!(c, b'r' | b'R'));
        let interpolated = prefix
            .iter()
            .any(|c| matches!(c, b'f' | b'F' | b't' | b'T'));
        if !interpolated || nesting >= MAX_NESTING {
            return crate::tokens::skip_string(self.bytes, quote_at);
        }
        let record = std::mem::replace(&mut self.record, false);
        let end = self.literal(quote_at, raw, nesting + 1);
        self.record = record;
        end
    }

    fn push(&mut self, field: Range<usize>) {
        // An empty field (`{}`, a syntax error) has no expression.
        if self.record && field.start < field.end {
            self.fields.push(field);
        }
    }
}

/// The quotes that end a literal and whether a backslash escapes in it.
#[derive(Clone, Copy)]
struct Delimiter {
    quote: u8,
    triple: bool,
    raw: bool,
}

impl Delimiter {
    /// Returns the index after the closing quote when one starts at `i`.
    fn closes_at(self, bytes: &[u8], i: usize) -> Option<usize> {
        if bytes[i] != self.quote {
            return None;
        }
        if !self.triple {
            return Some(i + 1);
        }
        let closes = bytes.get(i + 1) == Some(&self.quote) && bytes.get(i + 2) == Some(&self.quote);
        closes.then_some(i + 3)
    }

    /// Returns the index after the escape sequence whose backslash is at
    /// `i`. A backslash keeps a quote from ending the literal even in a
    /// raw literal, but it does not escape a brace: `f"\{x}"` has the field
    /// `x`. A named escape (`\N{EM DASH}`) is skipped whole, unless the
    /// literal is raw.
    fn skip_escape(self, bytes: &[u8], i: usize) -> usize {
        match bytes.get(i + 1) {
            Some(b'{' | b'}') => i + 1,
            Some(b'N') if !self.raw && bytes.get(i + 2) == Some(&b'{') => {
                let close = bytes[i + 3..]
                    .iter()
                    .position(|&c| c == b'}' || c == self.quote || c == b'\n');
                match close {
                    Some(offset) if bytes[i + 3 + offset] == b'}' => i + 3 + offset + 1,
                    Some(offset) => i + 3 + offset,
                    None => bytes.len(),
                }
            }
            Some(_) => i + 2,
            None => bytes.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(token: &str) -> Vec<&str> {
        interpolations(token)
    }

    #[test]
    fn interpolations_of_plain_fields() {
        assert_eq!(fields("f\"{foo(1)}\""), ["foo(1)"]);
        assert_eq!(fields("F'a {x} b {y.z}'"), ["x", "y.z"]);
        assert_eq!(fields("rf\"{a}\\d\""), ["a"]);
        assert_eq!(fields("t\"{name}\""), ["name"], "a template string");
        assert!(fields("\"{foo(1)}\"").is_empty(), "not an f-string");
        assert!(fields("b\"{x}\"").is_empty());
        assert!(fields("foo").is_empty());
    }

    #[test]
    fn interpolations_skip_escaped_braces() {
        assert_eq!(fields("f\"{{literal}} {value}\""), ["value"]);
        assert_eq!(fields("f\"}}{{\""), Vec::<&str>::new());
        assert_eq!(fields("f\"\\N{EM DASH} {x}\""), ["x"]);
        assert_eq!(
            fields("rf\"\\N{x}\""),
            ["x"],
            "a raw literal has no named escapes"
        );
        assert_eq!(fields("f\"\\{x}\""), ["x"], "a backslash escapes no brace");
    }

    #[test]
    fn interpolations_drop_conversion_spec_and_equals() {
        assert_eq!(fields("f\"{col(loc, s)!r}\""), ["col(loc, s)"]);
        assert_eq!(fields("f\"{foo(1)=}\""), ["foo(1)"]);
        assert_eq!(fields("f\"{foo(1) = !r:>10}\""), ["foo(1) "]);
        assert_eq!(fields("f\"{a != b}\""), ["a != b"]);
        assert_eq!(fields("f\"{a == b}\""), ["a == b"]);
        assert_eq!(fields("f\"{a <= b}\""), ["a <= b"]);
        assert_eq!(fields("f\"{d['k']:>10}\""), ["d['k']"]);
        assert_eq!(fields("f\"{f(x=1)}\""), ["f(x=1)"], "a keyword argument");
        assert_eq!(fields("f\"{x[1:2]}\""), ["x[1:2]"], "a slice");
        assert_eq!(fields("f\"{(lambda y: y)(1)}\""), ["(lambda y: y)(1)"]);
    }

    #[test]
    fn interpolations_in_format_specs() {
        assert_eq!(
            fields("f\"{value:{width}.{precision(2)}}\""),
            ["value", "width", "precision(2)"]
        );
        assert_eq!(fields("f\"{x:%Y-%m-%d}\""), ["x"]);
    }

    #[test]
    fn interpolations_of_nested_literals() {
        assert_eq!(
            fields("f\"{f'{inner(1)}' + outer()}\""),
            ["f'{inner(1)}' + outer()"]
        );
        assert_eq!(
            fields("f\"{\", \".join(f\"{g(x)}\" for x in xs)}\""),
            ["\", \".join(f\"{g(x)}\" for x in xs)"],
            "Python 3.12 allows the same quotes inside a field"
        );
        assert_eq!(
            fields("f\"\"\"{\n    call(\n        1,\n    )\n}\"\"\""),
            ["\n    call(\n        1,\n    )\n"]
        );
        assert_eq!(fields("f\"{x!r:'>10}\""), ["x"], "a quote in a spec");
    }

    #[test]
    fn lexer_keeps_same_quote_nesting_whole() {
        let tokens = lex(Lang::Python, "s = f\"{\"a\"}\" + b");
        assert_eq!(tokens, ["s", "=", "f\"{\"a\"}\"", "+", "b"]);
        let open = lex(Lang::Python, "s = f\"{x\ny = 1");
        assert_eq!(open[..2], ["s", "="]);
        assert_eq!(
            open.last(),
            Some(&"1"),
            "an unterminated field ends at the line"
        );
    }

    #[test]
    fn lex_with_interpolations_adds_field_tokens() {
        let tokens = lex_with_interpolations(Lang::Python, "return f\"{foo(1)}\"");
        assert_eq!(
            tokens,
            ["return", "f\"{foo(1)}\"", "(", "foo", "(", "1", ")", ")"]
        );
        let nested = lex_with_interpolations(Lang::Python, "f\"{f'{foo(1)=}'}\"");
        assert!(
            nested.windows(3).any(|w| w == ["foo", "(", "1"]),
            "{nested:?}"
        );
        let apart = lex_with_interpolations(Lang::Python, "f\"{foo}{(1)}\"");
        assert!(
            !apart.windows(2).any(|w| w == ["foo", "("]),
            "two fields are no call: {apart:?}"
        );
        let rust = lex_with_interpolations(Lang::Rust, "format!(\"{foo}\")");
        assert_eq!(rust, lex(Lang::Rust, "format!(\"{foo}\")"));
    }

    #[test]
    fn deep_nesting_stops_at_the_limit() {
        let mut text = String::from("x");
        for _ in 0..200 {
            text = format!("f\"{{{text}}}\"");
        }
        // Past the limit the scan may end a literal early, but it returns.
        let tokens = lex_with_interpolations(Lang::Python, &text);
        assert!(!tokens.is_empty());
    }
}
