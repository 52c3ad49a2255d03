//! Per-language configuration: grammars and compiled queries, built once per
//! language and shared by every thread, and one parser per worker thread.

pub mod java;
pub mod python;
pub mod rust;

use std::cell::{Cell, RefCell};
use std::time::Instant;

use tree_sitter::{Language, Parser, Query, QueryCursorState, Tree};

use crate::model::Lang;

/// Why a file's syntax could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("tree-sitter returned no tree (parse cancelled or timed out)")]
    NoTree,
    #[error("grammar for {lang} could not be loaded: {message}")]
    Grammar { lang: &'static str, message: String },
}

/// Compiles a query from a file under `queries/`, naming the file and the
/// position on failure. Query sources are part of the binary, so a failure
/// here is a bug in blast, caught by the test that loads every language.
pub(crate) fn compile_query(language: &Language, file: &str, source: &str) -> Query {
    match Query::new(language, source) {
        Ok(query) => query,
        Err(err) => panic!(
            "invalid query {file} at row {}, column {}: {}",
            err.row + 1,
            err.column + 1,
            err.message
        ),
    }
}

thread_local! {
    /// One parser per worker thread and language, reused across files.
    static PARSERS: RefCell<Vec<(Lang, Parser)>> = const { RefCell::new(Vec::new()) };
    /// When the current file's parse and queries must stop. Set by the
    /// caller of the extractors, so that every language's extractor gets
    /// the time limit without passing it through.
    static PARSE_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// A query on this thread stopped at the deadline since the deadline
    /// was last set, so the current file's extraction is incomplete.
    static QUERY_STOPPED: Cell<bool> = const { Cell::new(false) };
}

/// Sets the deadline for parses and queries on this thread; `None` removes
/// it. Either way, [`query_stopped`] is cleared.
pub(crate) fn set_parse_deadline(deadline: Option<Instant>) {
    PARSE_DEADLINE.with(|cell| cell.set(deadline));
    QUERY_STOPPED.with(|cell| cell.set(false));
}

/// True when a query stopped at this thread's deadline since the deadline
/// was set.
pub(crate) fn query_stopped() -> bool {
    QUERY_STOPPED.with(Cell::get)
}

/// Returns a progress callback for [`tree_sitter::QueryCursorOptions`] that stops a
/// query at this thread's deadline and records that it did, so that the
/// caller reports the file as timed out instead of using partial matches.
/// tree-sitter 0.25 calls it every 100 steps of the query, and a query
/// over a very deep tree can take far longer than its parse.
///
/// The callback must outlive the matches that use it, because tree-sitter
/// keeps a pointer to it that the borrow checker does not see.
pub(crate) fn query_deadline() -> impl FnMut(&QueryCursorState) -> bool {
    let deadline = PARSE_DEADLINE.with(Cell::get);
    move |_| {
        let past = deadline.is_some_and(|d| Instant::now() >= d);
        if past {
            QUERY_STOPPED.with(|cell| cell.set(true));
        }
        past
    }
}

/// Parses `source` with this thread's parser for `lang`.
pub(crate) fn parse(lang: Lang, language: &Language, source: &[u8]) -> Result<Tree, ParseError> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let idx = match parsers.iter().position(|(l, _)| *l == lang) {
            Some(idx) => idx,
            None => {
                let mut parser = Parser::new();
                parser
                    .set_language(language)
                    .map_err(|err| ParseError::Grammar {
                        lang: lang.name(),
                        message: err.to_string(),
                    })?;
                parsers.push((lang, parser));
                parsers.len() - 1
            }
        };
        let parser = &mut parsers[idx].1;
        parser.reset();
        let deadline = PARSE_DEADLINE.with(Cell::get);
        let mut past_deadline =
            |_: &tree_sitter::ParseState| deadline.is_some_and(|d| Instant::now() >= d);
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut past_deadline);
        let len = source.len();
        parser
            .parse_with_options(
                &mut |offset: usize, _| if offset < len { &source[offset..] } else { &[] },
                None,
                Some(options),
            )
            .ok_or(ParseError::NoTree)
    })
}

/// Counts `ERROR` and `MISSING` nodes without recursion, so deeply nested
/// input cannot overflow the stack.
pub(crate) fn count_parse_errors(tree: &Tree) -> u32 {
    let root = tree.root_node();
    if !root.has_error() {
        return 0;
    }
    let mut count = 0u32;
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        // Only descend into subtrees that contain an error.
        if node.has_error() && !node.is_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::model::Lang;

    /// Source nested `depth` levels deep in each language, with enough
    /// nodes that a query runs for many progress callbacks.
    fn deep_source(lang: Lang, depth: usize) -> String {
        let open = "(".repeat(depth);
        let close = ")".repeat(depth);
        match lang {
            Lang::Python => format!("def f():\n    return {open}1{close}\n"),
            Lang::Rust => format!("fn f() -> i32 {{ {open}1{close} }}\n"),
            Lang::Java => format!("class A {{ int f() {{ return {open}1{close}; }} }}\n"),
        }
    }

    /// With the deadline already past when extraction starts, each
    /// language's queries stop at their first progress callback and set the flag.
    #[test]
    fn queries_stop_at_the_deadline() {
        for &lang in Lang::ALL {
            let source = deep_source(lang, 20_000);
            let bytes = source.as_bytes();
            super::set_parse_deadline(None);
            let stopped = match lang {
                Lang::Python => {
                    let config = super::python::config();
                    let tree = super::parse(lang, &config.language, bytes).unwrap();
                    super::set_parse_deadline(Some(Instant::now()));
                    let _ = super::python::extract(config, bytes, &tree);
                    super::query_stopped()
                }
                Lang::Rust => {
                    let config = super::rust::config();
                    let tree = super::parse(lang, &config.language, bytes).unwrap();
                    super::set_parse_deadline(Some(Instant::now()));
                    let _ = super::rust::extract(config, bytes, &tree);
                    super::query_stopped()
                }
                Lang::Java => {
                    let config = super::java::config();
                    let tree = super::parse(lang, &config.language, bytes).unwrap();
                    super::set_parse_deadline(Some(Instant::now()));
                    let _ = super::java::extract(config, bytes, &tree);
                    super::query_stopped()
                }
            };
            super::set_parse_deadline(None);
            assert!(stopped, "{lang:?}: the query ran past the deadline");
            assert!(!super::query_stopped(), "{lang:?}: the flag is cleared");
        }
    }

    /// Without a deadline, the same files are extracted whole.
    #[test]
    fn queries_without_deadline_run_to_the_end() {
        for &lang in Lang::ALL {
            let file = crate::SourceFile {
                path: format!("src/deep.{}", lang_extension(lang)),
                bytes: deep_source(lang, 2_000).into_bytes(),
            };
            let extracted = crate::extract_file(&file, &crate::ExtractOptions::default()).unwrap();
            let syntax = extracted
                .syntax()
                .unwrap_or_else(|| panic!("{lang:?}: {:?}", extracted.outcome.as_ref().err()));
            assert!(
                syntax
                    .symbols
                    .iter()
                    .any(|symbol| symbol.local_name.ends_with('f')
                        || symbol.local_name.contains(".f(")),
                "{lang:?}: no symbol f"
            );
        }
    }

    fn lang_extension(lang: Lang) -> &'static str {
        match lang {
            Lang::Python => "py",
            Lang::Rust => "rs",
            Lang::Java => "java",
        }
    }
}
