//! The outline of Java files that a text prefilter needs without parsing
//! them: the identifiers of a file, the type names it may declare, and the
//! type names that resolving the declarations of a parsed file looks up.
//!
//! The scan is a lexer, not a parser: it skips comments and string,
//! character and text block literals, and reads identifiers. Its results
//! are supersets of what the tree-sitter extraction finds, because a false
//! positive only makes a prefilter parse one more file.

use crate::graph::{ExtractedFile, LangFacts};

use super::{Decl, TypeName};

/// The facts that the lexer finds in one Java file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// The simple names of the top-level types the file may declare: every
    /// identifier after `class`, `interface`, `enum` or `record` outside
    /// braces. When the braces do not balance, as in a file that parses
    /// only with error recovery, the names inside braces count too.
    pub top_level_types: Vec<String>,
    /// Some `package` declaration has a segment that does not start with a
    /// lowercase ASCII letter. The resolver decides whether `a.B` is a
    /// package or a type by whether a parsed file declares such a package,
    /// so these files cannot be left out.
    pub unusual_package: bool,
}

/// Scans a Java file's text for the facts in [`Outline`].
// NOTE: a type that tree-sitter's error recovery declares without its
// keyword in the text would be missing here; no such case is known.
pub fn outline(bytes: &[u8]) -> Outline {
    let mut out = Outline::default();
    let mut nested_types: Vec<String> = Vec::new();
    let mut previous: Option<Token<'_>> = None;
    let mut in_package = false;
    let mut depth: i64 = 0;
    let mut unbalanced = false;
    for token in Lexer::new(bytes) {
        if in_package {
            match token {
                Token::Ident(segment) => {
                    if !segment.first().is_some_and(u8::is_ascii_lowercase) {
                        out.unusual_package = true;
                    }
                }
                Token::Punct(b'.') => {}
                Token::Punct(_) => in_package = false,
            }
        }
        match token {
            Token::Punct(b'{') => depth += 1,
            Token::Punct(b'}') => {
                depth -= 1;
                unbalanced |= depth < 0;
            }
            Token::Punct(_) => {}
            Token::Ident(word) => {
                if let Some(Token::Ident(b"class" | b"interface" | b"enum" | b"record")) = previous
                {
                    let name = String::from_utf8_lossy(word).into_owned();
                    if depth == 0 {
                        out.top_level_types.push(name);
                    } else {
                        nested_types.push(name);
                    }
                }
                if word == b"package" && previous != Some(Token::Punct(b'.')) {
                    in_package = true;
                }
            }
        }
        previous = Some(token);
    }
    if unbalanced || depth != 0 {
        out.top_level_types.extend(nested_types);
    }
    out.top_level_types.sort();
    out.top_level_types.dedup();
    out
}

/// Lists the identifiers of a Java file, outside comments and literals, in
/// order of appearance and with repeats.
pub fn identifiers(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    Lexer::new(bytes).filter_map(|token| match token {
        Token::Ident(word) => Some(word),
        Token::Punct(_) => None,
    })
}

/// Lists the simple type names that resolving the declarations of a parsed
/// file looks up, as far as other files can see them. These are the
/// supertypes and type parameter bounds of its types, and the types of the
/// members whose simple name `member_used` accepts (field types, parameter
/// and return types, method type parameter bounds). Every segment of those
/// names counts, and so do the segments of the imports that can bind one
/// of them. Declarations inside methods and field initialisers (local and
/// anonymous classes) are left out, because no other file names them.
/// Empty for a file that is not Java or was skipped.
pub fn declaration_type_names(
    file: &ExtractedFile,
    member_used: impl Fn(&str) -> bool,
) -> Vec<String> {
    let Ok((syntax, LangFacts::Java(facts))) = &file.outcome else {
        return Vec::new();
    };
    let symbols = &syntax.symbols;
    // A symbol is visible from other files when every enclosing symbol is
    // a type or the module. Parents come before their children.
    let mut visible = vec![false; symbols.len()];
    for (idx, symbol) in symbols.iter().enumerate() {
        visible[idx] = match symbol.parent {
            None | Some(0) => true,
            Some(parent) => {
                let parent = parent as usize;
                visible.get(parent).copied().unwrap_or(false)
                    && matches!(facts.decls.get(parent), Some(Decl::Type { .. }))
            }
        };
    }
    let used = |idx: usize| {
        visible.get(idx).copied().unwrap_or(false)
            && symbols
                .get(idx)
                .is_some_and(|s| member_used(simple_name(&s.local_name)))
    };

    let mut names: Vec<&TypeName> = Vec::new();
    for (idx, decl) in facts.decls.iter().enumerate() {
        match decl {
            Decl::Module => {}
            Decl::Type { supers, .. } if visible.get(idx).copied().unwrap_or(false) => {
                names.extend(supers);
            }
            Decl::Type { .. } => {}
            Decl::Method {
                params, returns, ..
            } if used(idx) => {
                names.extend(params);
                names.extend(returns);
            }
            Decl::Field { ty, .. } if used(idx) => names.extend(ty),
            Decl::Method { .. } | Decl::Field { .. } => {}
        }
    }
    for param in &facts.type_params {
        let owner = param.owner as usize;
        let owner_is_type = matches!(facts.decls.get(owner), Some(Decl::Type { .. }));
        let needed = if owner_is_type {
            visible.get(owner).copied().unwrap_or(false)
        } else {
            used(owner)
        };
        if needed {
            names.extend(&param.bound);
        }
    }

    let mut out: Vec<String> = names
        .iter()
        .flat_map(|name| name.segments.iter().cloned())
        .collect();
    // A single import binds its last segment, and `import a.Outer.Inner`
    // finds `Inner` in the file of `Outer`. On-demand imports can bind any
    // name, through a package or through the member types of a type.
    for import in &facts.imports {
        let binds_needed = import.path.last().is_some_and(|last| out.contains(last));
        if import.on_demand || binds_needed {
            out.extend(import.path.iter().cloned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Returns the last segment of a local name without its parameter list:
/// `m` for `Outer.Inner.m(Order.Line)`.
fn simple_name(local_name: &str) -> &str {
    let without_params = local_name.split('(').next().unwrap_or(local_name);
    without_params.rsplit('.').next().unwrap_or(without_params)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Ident(&'a [u8]),
    /// Any other byte outside comments, literals and white space.
    Punct(u8),
}

/// A lexer that handles just enough Java to find identifiers outside
/// comments and literals. A literal left open at the end of a line ends
/// there (a text block runs on to its closing `"""`), so one broken
/// literal does not hide the rest of the file.
struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(bytes: &'a [u8]) -> Lexer<'a> {
        Lexer { bytes, pos: 0 }
    }

    fn skip_past(&mut self, end: &[u8]) {
        match find(&self.bytes[self.pos..], end) {
            Some(at) => self.pos += at + end.len(),
            None => self.pos = self.bytes.len(),
        }
    }

    /// Skips a quoted literal whose opening quote is at `pos`, up to the
    /// closing `quote` or the end of the line.
    fn skip_quoted(&mut self, quote: u8) {
        self.pos += 1;
        while let Some(&b) = self.bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'\n' => return,
                _ if b == quote => return,
                _ => {}
            }
        }
    }

    fn skip_text_block(&mut self) {
        self.pos += 3;
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b'\\' {
                self.pos += 2;
            } else if self.bytes[self.pos..].starts_with(b"\"\"\"") {
                self.pos += 3;
                return;
            } else {
                self.pos += 1;
            }
        }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let bytes = self.bytes;
            let b = *bytes.get(self.pos)?;
            let rest = &bytes[self.pos..];
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if rest.starts_with(b"//") {
                self.skip_past(b"\n");
            } else if rest.starts_with(b"/*") {
                self.pos += 2;
                self.skip_past(b"*/");
            } else if rest.starts_with(b"\"\"\"") {
                self.skip_text_block();
            } else if b == b'"' || b == b'\'' {
                self.skip_quoted(b);
            } else if is_identifier_byte(b) {
                let start = self.pos;
                while bytes.get(self.pos).copied().is_some_and(is_identifier_byte) {
                    self.pos += 1;
                }
                return Some(Token::Ident(&bytes[start..self.pos]));
            } else {
                self.pos += 1;
                return Some(Token::Punct(b));
            }
        }
    }
}

/// Letters, digits, `_`, `$` and every byte of a non-ASCII character.
/// Digits start no identifier in Java, but a number read as an identifier
/// names no type, so the lexer need not tell them apart.
fn is_identifier_byte(b: u8) -> bool {
    b == b'_' || b == b'$' || b.is_ascii_alphanumeric() || b >= 0x80
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_types_only() {
        let text = b"package a.b;\nclass Outer<T> {\n  interface Inner {}\n  enum E { X }\n  void m() { class Local {} Object o = Outer.class; }\n}\nrecord R(int x) {}\n@interface Ann {}\n";
        let found = outline(text);
        assert_eq!(found.top_level_types, vec!["Ann", "Outer", "R"]);
        assert!(!found.unusual_package);
    }

    #[test]
    fn unbalanced_braces_count_nested_types() {
        let text = b"class Outer {\n  class Inner {\n}\n";
        assert_eq!(outline(text).top_level_types, vec!["Inner", "Outer"]);
    }

    #[test]
    fn comments_and_literals_are_skipped() {
        let text = b"// class InComment\n/* class Block */\nclass Real {\n  String s = \"class InString \\\" class Escaped\";\n  char c = '\"';\n  String t = \"\"\"\n    class InTextBlock\n    \"\"\";\n}\n";
        assert_eq!(outline(text).top_level_types, vec!["Real"]);
        let words: Vec<&[u8]> = identifiers(text).collect();
        assert_eq!(
            words,
            vec![
                &b"class"[..],
                b"Real",
                b"String",
                b"s",
                b"char",
                b"c",
                b"String",
                b"t"
            ]
        );
    }

    #[test]
    fn unusual_package_names() {
        assert!(outline(b"package com.Example;\nclass A {}\n").unusual_package);
        assert!(outline(b"@Deprecated package Top;\n").unusual_package);
        assert!(!outline(b"package com.example.util;\nclass A {}\n").unusual_package);
        assert!(!outline(b"class A { int package_size; }\n").unusual_package);
    }
}
