//! Per-language configuration: grammars and compiled queries, built once per
//! language and shared by every thread, and one parser per worker thread.

pub mod java;
pub(crate) mod kinds;
pub mod python;
pub mod rust;

use std::cell::{Cell, RefCell};
use std::time::Instant;

use tree_sitter::{Language, Node, Parser, Query, Tree, TreeCursor};

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
    /// A tree walk on this thread stopped at the deadline since the
    /// deadline was last set, so the current file's extraction is
    /// incomplete.
    static WALK_STOPPED: Cell<bool> = const { Cell::new(false) };
    /// Bytes that the local names of the current file's symbols may still
    /// take, or `None` for no limit; see [`set_name_budget`].
    static NAME_BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    /// A symbol of the current file was left out because its name did not
    /// fit in the budget.
    static NAME_BUDGET_EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// The local names of one file's symbols may take this many bytes per byte
/// of source, plus [`NAME_BUDGET_BASE`]. Each local name repeats the names
/// of its enclosing symbols, so nesting or one long name over many
/// siblings makes the names grow with the square of the file's size. For
/// example, 50,000 nested Java classes (500 KB) have about 2.5 GB of names.
// NOTE: the factor is an estimate, not measured on a corpus: ordinary
// code's local names are rarely longer than the definitions they name.
pub(crate) const NAME_BYTES_PER_SOURCE_BYTE: usize = 32;
/// The part of the name budget that does not depend on the file's size.
pub(crate) const NAME_BUDGET_BASE: usize = 1024 * 1024;

/// Sets the budget for the local names of the next file's symbols on this
/// thread, from the file's size; `None` removes the limit. Either way,
/// [`name_budget_exceeded`] is cleared.
pub(crate) fn set_name_budget(source_len: Option<usize>) {
    let budget = source_len.map(|len| {
        len.saturating_mul(NAME_BYTES_PER_SOURCE_BYTE)
            .saturating_add(NAME_BUDGET_BASE)
    });
    NAME_BUDGET.with(|cell| cell.set(budget));
    NAME_BUDGET_EXCEEDED.with(|cell| cell.set(false));
}

/// Takes `bytes` for a symbol's local name from this thread's budget.
/// Returns false, and records it, when they do not fit: the extractor then
/// leaves the symbol out, and the caller skips the file.
pub(crate) fn take_name_bytes(bytes: usize) -> bool {
    let Some(remaining) = NAME_BUDGET.with(Cell::get) else {
        return true;
    };
    if bytes > remaining {
        NAME_BUDGET_EXCEEDED.with(|cell| cell.set(true));
        return false;
    }
    NAME_BUDGET.with(|cell| cell.set(Some(remaining - bytes)));
    true
}

/// True when a symbol was left out because of the name budget since the
/// budget was set.
pub(crate) fn name_budget_exceeded() -> bool {
    NAME_BUDGET_EXCEEDED.with(Cell::get)
}

/// Sets the deadline for parses and queries on this thread; `None` removes
/// it. Either way, [`walk_stopped`] is cleared.
pub(crate) fn set_parse_deadline(deadline: Option<Instant>) {
    PARSE_DEADLINE.with(|cell| cell.set(deadline));
    WALK_STOPPED.with(|cell| cell.set(false));
}

/// True when a walk stopped at this thread's deadline since the deadline
/// was set.
pub(crate) fn walk_stopped() -> bool {
    WALK_STOPPED.with(Cell::get)
}

/// Returns true when this thread's deadline has passed, and then makes
/// [`walk_stopped`] true, so that the caller reports the file as timed
/// out instead of using a partial walk. The extractors walk each tree with
/// a cursor and call this every few hundred nodes: a walk over a very deep
/// tree can take far longer than its parse.
pub(crate) fn walk_past_deadline() -> bool {
    let past = PARSE_DEADLINE
        .with(Cell::get)
        .is_some_and(|deadline| Instant::now() >= deadline);
    if past {
        WALK_STOPPED.with(|cell| cell.set(true));
    }
    past
}

/// How many nodes a walk visits between two checks of the deadline.
pub(crate) const DEADLINE_CHECK_INTERVAL: usize = 256;

/// The callbacks of an extractor's walk over a tree.
pub(crate) trait Visitor<'t> {
    /// Visits a node, in pre-order, with the cursor on it.
    fn visit(&mut self, node: Node<'t>, cursor: &TreeCursor<'t>);

    /// Steps into the children of a node that was just visited.
    fn enter(&mut self, node: Node<'t>);

    /// Steps out of the children of the node last entered.
    fn leave(&mut self);
}

/// Walks every node under `root` in pre-order with one cursor, and stops
/// early when this thread's deadline passes (see [`walk_past_deadline`]).
pub(crate) fn walk_tree<'t>(root: Node<'t>, visitor: &mut impl Visitor<'t>) {
    let mut cursor = root.walk();
    let mut visited = 0usize;
    loop {
        if visited.is_multiple_of(DEADLINE_CHECK_INTERVAL) && walk_past_deadline() {
            return;
        }
        visited += 1;
        let node = cursor.node();
        visitor.visit(node, &cursor);
        if cursor.goto_first_child() {
            visitor.enter(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            visitor.leave();
        }
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
    /// nodes that a walk checks the deadline many times.
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
    /// language's walk stops at its first deadline check and sets the flag.
    #[test]
    fn walks_stop_at_the_deadline() {
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
                    super::walk_stopped()
                }
                Lang::Rust => {
                    let config = super::rust::config();
                    let tree = super::parse(lang, &config.language, bytes).unwrap();
                    super::set_parse_deadline(Some(Instant::now()));
                    let _ = super::rust::extract(config, bytes, &tree);
                    super::walk_stopped()
                }
                Lang::Java => {
                    let config = super::java::config();
                    let tree = super::parse(lang, &config.language, bytes).unwrap();
                    super::set_parse_deadline(Some(Instant::now()));
                    let _ = super::java::extract(bytes, &tree);
                    super::walk_stopped()
                }
            };
            super::set_parse_deadline(None);
            assert!(stopped, "{lang:?}: the walk ran past the deadline");
            assert!(!super::walk_stopped(), "{lang:?}: the flag is cleared");
        }
    }

    /// Without a deadline, the same files are extracted whole.
    #[test]
    fn walks_without_deadline_run_to_the_end() {
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

    /// Symbols whose local names grow with the square of the file are
    /// skipped as `names_too_long`. The cases are 5,000 nested Java classes
    /// and Rust modules (25 MB of names for 50 KB of source), and a Python
    /// class with a 500 KB name around 20,000 methods (10 GB of names).
    #[test]
    fn name_budget_skips_quadratic_names() {
        let depth = 5_000;
        let long_name = "C".repeat(500_000);
        let mut python = format!("class {long_name}:\n");
        for idx in 0..20_000 {
            python.push_str(&format!("    def m{idx}(self): pass\n"));
        }
        let files = [
            (
                "src/A.java",
                format!("{}{}", "class A { ".repeat(depth), "}".repeat(depth)),
            ),
            (
                "src/lib.rs",
                format!("{}{}", "mod m { ".repeat(depth), "}".repeat(depth)),
            ),
            ("pkg/wide.py", python),
        ];
        for (path, text) in files {
            let file = crate::SourceFile {
                path: path.to_owned(),
                bytes: text.into_bytes(),
            };
            let extracted = crate::extract_file(&file, &crate::ExtractOptions::default()).unwrap();
            assert_eq!(
                extracted.outcome.as_ref().err(),
                Some(&crate::SkipReason::NamesTooLong),
                "{path}"
            );
        }
    }

    /// Nesting as deep as real code gets, with long names, fits the budget.
    #[test]
    fn name_budget_keeps_ordinary_nesting() {
        let depth = 40;
        let name = "LongEnoughClassName";
        let java = format!(
            "{}void f() {{}}{}",
            format!("class {name} {{ ").repeat(depth),
            "}".repeat(depth)
        );
        let file = crate::SourceFile {
            path: "src/A.java".to_owned(),
            bytes: java.into_bytes(),
        };
        let extracted = crate::extract_file(&file, &crate::ExtractOptions::default()).unwrap();
        let syntax = extracted.syntax().expect("extracted");
        assert_eq!(syntax.symbols.len(), depth + 2, "module, classes and f");
    }

    fn lang_extension(lang: Lang) -> &'static str {
        match lang {
            Lang::Python => "py",
            Lang::Rust => "rs",
            Lang::Java => "java",
        }
    }
}
