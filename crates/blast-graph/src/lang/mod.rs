//! Per-language configuration: grammars and compiled queries, built once per
//! language and shared by every thread, and one parser per worker thread.

pub mod java;
pub mod python;
pub mod rust;

use std::cell::{Cell, RefCell};
use std::time::Instant;

use tree_sitter::{Language, Parser, Query, Tree};

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
    /// When the current file's parse must stop. Set by the caller of the
    /// extractors, so that every language's extractor gets the time limit
    /// without passing it through.
    static PARSE_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Sets the deadline for parses on this thread; `None` removes it.
pub(crate) fn set_parse_deadline(deadline: Option<Instant>) {
    PARSE_DEADLINE.with(|cell| cell.set(deadline));
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
