//! Decoding of git's C-style quoted paths and lossy conversion of path bytes.
//!
//! Git quotes a path in diff headers when it contains a double quote, a
//! backslash, a control character, or (with `core.quotepath=on`) any byte
//! of 0x80 or above: `"a/t\303\244st"` is `a/täst`.

/// A path decoded from git output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodedPath {
    pub(crate) path: String,
    /// Whether the bytes were not valid UTF-8 and were decoded with
    /// replacement characters.
    pub(crate) lossy: bool,
}

impl DecodedPath {
    pub(crate) fn from_bytes(bytes: &[u8]) -> DecodedPath {
        match std::str::from_utf8(bytes) {
            Ok(text) => DecodedPath {
                path: text.to_owned(),
                lossy: false,
            },
            Err(_) => DecodedPath {
                path: String::from_utf8_lossy(bytes).into_owned(),
                lossy: true,
            },
        }
    }
}

/// Decodes the C-quoted string at the start of `text`, which must begin
/// with `"`. Returns the decoded bytes and the number of input bytes used
/// (closing quote included), or `None` when the quoting is invalid or unclosed.
pub(crate) fn unquote_c_prefix(text: &[u8]) -> Option<(Vec<u8>, usize)> {
    if text.first() != Some(&b'"') {
        return None;
    }

    let mut out = Vec::with_capacity(text.len());
    let mut i = 1;
    while i < text.len() {
        match text[i] {
            b'"' => return Some((out, i + 1)),
            b'\\' => {
                let escape = *text.get(i + 1)?;
                i += 2;
                let byte = match escape {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'v' => 0x0b,
                    b'f' => 0x0c,
                    b'r' => b'\r',
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'0'..=b'3' => {
                        // Three octal digits; the first is at most 3 so the value fits a byte.
                        let digits = text.get(i - 1..i + 2)?;
                        let mut value: u8 = 0;
                        for &digit in digits {
                            if !(b'0'..=b'7').contains(&digit) {
                                return None;
                            }
                            value = value * 8 + (digit - b'0');
                        }
                        i += 2;
                        value
                    }
                    _ => return None,
                };
                out.push(byte);
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_octal_utf8() {
        let (bytes, used) = unquote_c_prefix(br#""a/t\303\244st" rest"#).unwrap();
        assert_eq!(bytes, "a/täst".as_bytes());
        assert_eq!(used, 15);
    }

    #[test]
    fn unquote_named_escapes() {
        let (bytes, _) = unquote_c_prefix(br#""tab\there\nnl \"q\" back\\slash""#).unwrap();
        assert_eq!(bytes, b"tab\there\nnl \"q\" back\\slash");
    }

    #[test]
    fn unquote_rejects_unclosed_and_bad_escapes() {
        assert_eq!(unquote_c_prefix(br#""open"#), None);
        assert_eq!(unquote_c_prefix(br#""bad\q""#), None);
        assert_eq!(unquote_c_prefix(br#""short\30""#), None);
        assert_eq!(unquote_c_prefix(b"noquote"), None);
    }

    #[test]
    fn decoded_path_marks_invalid_utf8() {
        let decoded = DecodedPath::from_bytes(b"caf\xe9.py");
        assert!(decoded.lossy);
        assert_eq!(decoded.path, "caf\u{fffd}.py");
        assert!(!DecodedPath::from_bytes("café.py".as_bytes()).lossy);
    }
}
