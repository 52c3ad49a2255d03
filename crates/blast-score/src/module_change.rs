//! The dependents that a change to a module's own top-level statements reaches.
//!
//! Every importer of a module, and every definition that names it
//! (`pkg.attr`), has an edge into the module symbol. A diff can change a
//! top-level statement of the module that defines no symbol of its own: an
//! import, a tuple assignment, an `if` block. The graph does not record
//! which of the module's dependents use a name such a statement binds:
//! `A, B = 1, 2` gets no symbols, so `pkg.A` resolves to the module alone.
//! Counting them all made a one-line edit to a package's `__init__.py`
//! reach every user of the package. So a dependent of such a change is kept
//! only when its own text spells a name from a changed line.
// NOTE: this is a textual test. A name from a changed line that a dependent
// spells for another reason (a local variable `A`) keeps the dependent, and
// a name the changed line binds only indirectly (`globals()["A"] = 1`, or a
// changed `if` condition around unchanged definitions) is missed.

use std::collections::BTreeSet;

use blast_graph::{Graph, Lang, SymbolId, SymbolKind};
use rustc_hash::FxHashMap;

use crate::reach::{Reach, Reached};
use crate::tokens::lex;

/// Collects the identifiers that start on the given lines of a file,
/// without the language's keywords. The whole file is lexed, so the words
/// of a docstring or block comment that spans a changed line are not taken
/// for names.
pub(crate) fn line_names(lang: Lang, text: &[u8], lines: &[(u32, u32)]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if lines.is_empty() {
        return names;
    }
    let text = String::from_utf8_lossy(text);
    let mut line = 1u32;
    let mut counted = 0usize;
    for token in lex(lang, &text) {
        // Tokens are slices of `text`, in order.
        let Some(offset) = (token.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .filter(|&offset| (counted..=text.len()).contains(&offset))
        else {
            continue;
        };
        let breaks = count_line_breaks(&text.as_bytes()[counted..offset]);
        line = line.saturating_add(u32::try_from(breaks).unwrap_or(u32::MAX));
        counted = offset;
        if is_identifier(token)
            && !is_keyword(lang, token)
            && lines.iter().any(|&(a, b)| a <= line && line <= b)
        {
            names.insert(token.to_owned());
        }
    }
    names
}

/// Counts the line breaks in `bytes`.
fn count_line_breaks(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// The names that Python import statements bind, each with the dotted
/// name it stands for (`from .m import a as b` binds `b` to `.m.a`).
pub(crate) type Bindings = BTreeSet<(String, String)>;

/// Reads the import statements of a Python module that overlap `lines`.
/// Returns `None` when one of the statements there is not an import, and
/// the names they bind otherwise (none when the lines contain only comments
/// and blank lines). Comparing the bindings of both sides of a diff
/// separates a reformatted or reordered import, which changes nothing for
/// the module's users, from one that adds or drops a name.
pub(crate) fn python_import_bindings(text: &[u8], lines: &[(u32, u32)]) -> Option<Bindings> {
    let text = String::from_utf8_lossy(text);
    let mut bindings = Bindings::new();
    for statement in python_statements_on(&text, lines) {
        bind_import(&statement.tokens, &mut bindings)?;
    }
    Some(bindings)
}

/// Returns the logical statements of Python source that overlap `lines`.
pub(crate) fn python_statements_on<'s>(text: &'s str, lines: &[(u32, u32)]) -> Vec<Statement<'s>> {
    let mut line_starts = vec![0usize];
    line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
    let line_of = |offset: usize| -> u32 {
        let idx = line_starts.partition_point(|&start| start <= offset);
        u32::try_from(idx).unwrap_or(u32::MAX)
    };
    let touches = |first: u32, last: u32| lines.iter().any(|&(a, b)| a <= last && first <= b);
    python_statements(text, &line_of)
        .into_iter()
        .filter(|statement| touches(statement.first_line, statement.last_line))
        .collect()
}

pub(crate) struct Statement<'s> {
    pub(crate) tokens: Vec<&'s str>,
    first_line: u32,
    last_line: u32,
}

/// Splits Python source into logical statements: a new one starts at a
/// token on a new line outside brackets (unless the line before ends with
/// a backslash) and after a `;`. Compound statements are split at their
/// lines, which is enough to tell imports from everything else.
fn python_statements<'s>(text: &'s str, line_of: &dyn Fn(usize) -> u32) -> Vec<Statement<'s>> {
    let base = text.as_ptr() as usize;
    let mut statements: Vec<Statement<'s>> = Vec::new();
    let mut depth = 0i32;
    let mut last_end_line = 0u32;
    let mut continued = false;
    let mut split = true;
    for token in lex(Lang::Python, text) {
        let start = token.as_ptr() as usize - base;
        let first = line_of(start);
        let last = line_of(start + token.len().saturating_sub(1));
        if token == "\\" {
            continued = true;
            continue;
        }
        let new_line = first > last_end_line;
        if split || (depth <= 0 && new_line && !continued) {
            statements.push(Statement {
                tokens: Vec::new(),
                first_line: first,
                last_line: last,
            });
            split = false;
        }
        continued = false;
        last_end_line = last;
        match token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            ";" if depth <= 0 => {
                split = true;
                continue;
            }
            _ => {}
        }
        if let Some(statement) = statements.last_mut() {
            statement.tokens.push(token);
            statement.last_line = last;
        }
    }
    statements
}

/// Adds what one `import` or `from ... import` statement binds, or returns
/// `None` when the statement is something else.
pub(crate) fn bind_import(tokens: &[&str], bindings: &mut Bindings) -> Option<()> {
    match tokens.first().copied() {
        Some("import") => {
            for item in tokens[1..].split(|t| *t == ",") {
                let (dotted, alias) = import_item(item)?;
                let bound =
                    alias.unwrap_or_else(|| dotted.split('.').next().unwrap_or("").to_owned());
                bindings.insert((bound, dotted));
            }
            Some(())
        }
        Some("from") => {
            let at = tokens.iter().position(|t| *t == "import")?;
            let module: String = tokens[1..at].concat();
            let names: Vec<&str> = tokens[at + 1..]
                .iter()
                .copied()
                .filter(|t| !matches!(*t, "(" | ")"))
                .collect();
            for item in names.split(|t| *t == ",").filter(|item| !item.is_empty()) {
                let (name, alias) = import_item(item)?;
                let bound = alias.unwrap_or_else(|| name.clone());
                let separator = if module.ends_with('.') { "" } else { "." };
                bindings.insert((bound, format!("{module}{separator}{name}")));
            }
            Some(())
        }
        _ => None,
    }
}

/// Reads `a.b.c` or `a.b.c as d` (or `*`).
fn import_item(item: &[&str]) -> Option<(String, Option<String>)> {
    match item {
        [] => None,
        [name @ .., "as", alias] => Some((name.concat(), Some((*alias).to_owned()))),
        name => Some((name.concat(), None)),
    }
}

/// Returns the names bound on one side and not the other.
pub(crate) fn changed_bindings(base: &Bindings, head: &Bindings) -> BTreeSet<String> {
    base.symmetric_difference(head)
        .map(|(bound, _)| bound.clone())
        .collect()
}

/// Drops the dependents of a module's top-level change whose own text names
/// none of `names`. With `keep_own_file`, dependents in the module's own
/// file stay: the reach search already keeps only those that use a changed
/// import line. Without it they too must name one of `names`, for a change
/// to import statements that keeps most of their bindings.
pub(crate) fn retain_users(
    reach: &mut Reach,
    graph: &Graph,
    module: SymbolId,
    names: &BTreeSet<String>,
    texts: &FxHashMap<&str, &[u8]>,
    keep_own_file: bool,
) {
    let module_file = graph.symbols[module as usize].file;
    let keep = |reached: &Reached| {
        let symbol = &graph.symbols[reached.symbol as usize];
        (keep_own_file && symbol.file == module_file)
            || names_any(graph, reached.symbol, names, texts)
    };
    reach.certain.retain(keep);
    reach.possible.retain(keep);
}

/// True when the text of a symbol, without the functions and classes nested
/// in it (they have edges of their own), contains one of `names` as an
/// identifier.
fn names_any(
    graph: &Graph,
    id: SymbolId,
    names: &BTreeSet<String>,
    texts: &FxHashMap<&str, &[u8]>,
) -> bool {
    if names.is_empty() {
        return false;
    }
    let file = graph.file_of(id);
    let Some(text) = texts.get(file.path.as_str()) else {
        // Without the text there is no telling: keep the dependent.
        return true;
    };
    spells_any(file.lang, &own_text(graph, id, text), names)
}

/// True when `text` has one of `names` as a token, or inside the
/// replacement fields of a Python f-string, which the lexer keeps whole.
fn spells_any(lang: Lang, text: &str, names: &BTreeSet<String>) -> bool {
    lex(lang, text).iter().any(|token| {
        names.contains(*token)
            || (lang == Lang::Python && is_f_string(token) && {
                let inner = token.trim_start_matches(|c: char| c.is_ascii_alphabetic());
                let inner = inner.trim_matches(|c| c == '"' || c == '\'');
                // The literal text around the fields counts too, which keeps a
                // dependent rather than drop it.
                spells_any(Lang::Python, &inner.replace(['{', '}'], " "), names)
            })
    })
}

fn is_f_string(token: &str) -> bool {
    let prefix: &str = token.split(['"', '\'']).next().unwrap_or_default();
    prefix.len() < token.len() && prefix.chars().any(|c| c == 'f' || c == 'F')
}

/// Returns the text of a symbol without the functions, methods and classes
/// nested in it, which have edges of their own. The parts are joined by
/// line breaks so that no two tokens merge. `text` is the symbol's file.
pub(crate) fn own_text(graph: &Graph, id: SymbolId, text: &[u8]) -> String {
    let span = graph.symbols[id as usize].span;
    let mut pieces: Vec<(usize, usize)> = vec![(span.start_byte as usize, span.end_byte as usize)];
    for child in graph.file_symbols(graph.symbols[id as usize].file) {
        let child_symbol = &graph.symbols[child as usize];
        let has_own_body = child_symbol.kind.is_container()
            || matches!(
                child_symbol.kind,
                SymbolKind::Function | SymbolKind::Method | SymbolKind::Constructor
            );
        if child_symbol.parent != Some(id) || !has_own_body {
            continue;
        }
        let (start, end) = (
            child_symbol.span.start_byte as usize,
            child_symbol.span.end_byte as usize,
        );
        pieces = pieces
            .into_iter()
            .flat_map(|(a, b)| {
                if end <= a || start >= b {
                    vec![(a, b)]
                } else {
                    vec![(a, start.max(a)), (end.min(b), b)]
                }
            })
            .filter(|(a, b)| a < b)
            .collect();
    }
    let parts: Vec<String> = pieces
        .iter()
        .filter_map(|&(a, b)| text.get(a..b))
        .map(|piece| String::from_utf8_lossy(piece).into_owned())
        .collect();
    parts.join("\n")
}

fn is_identifier(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
        && token.chars().all(|c| c == '_' || c.is_alphanumeric())
}

/// Reserved words, which name nothing a module could bind.
fn is_keyword(lang: Lang, token: &str) -> bool {
    const PYTHON: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    const RUST: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while",
    ];
    const JAVA: &[&str] = &[
        "abstract",
        "assert",
        "boolean",
        "break",
        "byte",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extends",
        "false",
        "final",
        "finally",
        "float",
        "for",
        "goto",
        "if",
        "implements",
        "import",
        "instanceof",
        "int",
        "interface",
        "long",
        "native",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "short",
        "static",
        "strictfp",
        "super",
        "switch",
        "synchronized",
        "this",
        "throw",
        "throws",
        "transient",
        "true",
        "try",
        "void",
        "volatile",
        "while",
    ];
    let keywords = match lang {
        Lang::Python => PYTHON,
        Lang::Rust => RUST,
        Lang::Java => JAVA,
    };
    keywords.contains(&token)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use blast_graph::{ExtractOptions, GraphOptions, SourceFile, extract_all};

    use super::*;
    use crate::reach::reach;

    const PKG: &str = "import os\nA, B = 1, 2\n";
    const USERS: &str = "import pkg\n\n\ndef use_a():\n    return pkg.A\n\n\ndef use_b():\n    return pkg.B\n\n\nclass Holder:\n    def get(self):\n        return pkg.A\n";

    #[test]
    fn retain_users_keeps_those_naming_a_changed_name() {
        let sources =
            [("pkg/__init__.py", PKG), ("users.py", USERS)].map(|(path, text)| SourceFile {
                path: path.to_owned(),
                bytes: text.as_bytes().to_vec(),
            });
        let extracted: Vec<_> = extract_all(&sources, &ExtractOptions::default())
            .into_iter()
            .map(Arc::new)
            .collect();
        let graph = Graph::build(&extracted, &GraphOptions::default());
        let module = graph.files[graph.file_id("pkg/__init__.py").unwrap() as usize].first_symbol;
        let names_of = |found: &Reach| -> Vec<&str> {
            found
                .certain
                .iter()
                .map(|r| graph.symbols[r.symbol as usize].name.as_str())
                .collect()
        };
        let mut found = reach(&graph, module, 1000, &[(2, 2)]);
        assert_eq!(
            names_of(&found),
            vec!["users", "users.use_a", "users.use_b", "users.Holder.get"],
            "every user of the module before filtering"
        );

        let texts: FxHashMap<&str, &[u8]> = sources
            .iter()
            .map(|s| (s.path.as_str(), s.bytes.as_slice()))
            .collect();
        let names: BTreeSet<String> = ["A".to_owned()].into();
        retain_users(&mut found, &graph, module, &names, &texts, true);
        assert_eq!(names_of(&found), vec!["users.use_a", "users.Holder.get"]);
    }

    #[test]
    fn reformatted_imports_bind_the_same_names() {
        let before =
            b"import abc\nfrom typing import (\n    Callable,\n    List,\n    Set,\n)\n\nX = 1\n";
        let after = b"import abc\nfrom typing import Callable, List  # sorted\n\nX = 1\n";
        let base = python_import_bindings(before, &[(2, 6)]).expect("imports only");
        let head = python_import_bindings(after, &[(2, 2)]).expect("imports only");
        assert_eq!(
            base.iter()
                .map(|(bound, _)| bound.as_str())
                .collect::<Vec<_>>(),
            vec!["Callable", "List", "Set"]
        );
        assert_eq!(
            changed_bindings(&base, &head),
            BTreeSet::from(["Set".to_owned()])
        );
        // A line inside the parenthesised import belongs to that statement.
        assert!(python_import_bindings(before, &[(5, 5)]).is_some());
        // An assignment among the changed lines is not an import.
        assert!(python_import_bindings(before, &[(6, 8)]).is_none());
    }

    #[test]
    fn import_bindings_keep_aliases_sources_and_statements_apart() {
        let before = b"import os.path, json as j\nfrom .m import a as b; import sys\nfrom . import \\\n    c\n";
        let bindings = python_import_bindings(before, &[(1, 4)]).expect("imports only");
        let pairs: Vec<(&str, &str)> = bindings
            .iter()
            .map(|(bound, source)| (bound.as_str(), source.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("b", ".m.a"),
                ("c", ".c"),
                ("j", "json"),
                ("os", "os.path"),
                ("sys", "sys")
            ]
        );
        // The same name bound to another source is a changed binding.
        let after = b"import os.path, json as j\nfrom .n import a as b; import sys\nfrom . import \\\n    c\n";
        let head = python_import_bindings(after, &[(1, 4)]).expect("imports only");
        assert_eq!(
            changed_bindings(&bindings, &head),
            BTreeSet::from(["b".to_owned()])
        );
        // Comment-only lines hold no statement.
        assert_eq!(
            python_import_bindings(b"# note\nimport os\n", &[(1, 1)]),
            Some(Bindings::new())
        );
        assert!(python_import_bindings(b"x = f(\n  1)\n", &[(2, 2)]).is_none());
    }

    #[test]
    fn names_in_f_string_fields_are_spelled() {
        let names: BTreeSet<String> = ["area".to_owned()].into();
        assert!(spells_any(Lang::Python, "return f\"a={area(w)}\"", &names));
        assert!(spells_any(Lang::Python, "return rf'{area}'", &names));
        assert!(!spells_any(Lang::Python, "return \"{area}\"", &names));
        assert!(!spells_any(Lang::Python, "return f\"{areas}\"", &names));
    }

    #[test]
    fn line_names_skip_keywords_strings_and_other_lines() {
        let text = b"import os\nA, B = 1, \"C\"\nif os.name == 'nt':\n    D = 2\n";
        let names = line_names(Lang::Python, text, &[(2, 3)]);
        let expected: BTreeSet<String> = ["A", "B", "os", "name"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(names, expected);
        assert!(line_names(Lang::Python, text, &[]).is_empty());
    }

    #[test]
    fn line_names_skip_multiline_strings() {
        let text = b"\"\"\"The module.\n\nIt will update the user.\n\"\"\"\nX = 1  # set\n";
        let names = line_names(Lang::Python, text, &[(3, 5)]);
        let expected: BTreeSet<String> = ["X".to_owned()].into();
        assert_eq!(names, expected);
        let java = b"/* A note\n * that spans lines */\nint y;\n";
        let names = line_names(Lang::Java, java, &[(2, 3)]);
        let expected: BTreeSet<String> = ["y".to_owned()].into();
        assert_eq!(names, expected);
    }

    #[test]
    fn identifiers_and_keywords() {
        assert!(is_identifier("_private"));
        assert!(is_identifier("A1"));
        assert!(!is_identifier("1a"));
        assert!(!is_identifier("f\"x\""));
        assert!(is_keyword(Lang::Python, "import"));
        assert!(!is_keyword(Lang::Python, "use"));
        assert!(is_keyword(Lang::Rust, "use"));
        assert!(is_keyword(Lang::Java, "package"));
    }
}
