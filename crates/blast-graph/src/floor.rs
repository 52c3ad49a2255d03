//! The speed floor of extraction: tree-sitter parsing plus one run of each
//! language's `tags` query, with nothing built from the result. That is the
//! work any tree-sitter tagging tool does, so the floor's CPU time is the
//! yardstick that the speed benchmarks (`benches/speed.py`) divide blast's
//! times by.
//!
//! Everything here runs on the calling thread, one file after the other, with
//! the same grammars, compiled queries and per-thread parsers as extraction.
//! Extraction walks each tree once in place of the query (the walk captures
//! the same nodes, and tests check that it does), so blast's own cost does
//! not include the query's time.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Query, QueryCursor};

use crate::graph::{ExtractOptions, SourceFile};
use crate::lang::{java, python, rust};
use crate::model::Lang;

/// Totals for the files of one language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FloorCounts {
    /// Files parsed, including those whose tree has syntax errors.
    pub files: u64,
    pub bytes: u64,
    pub lines: u64,
    /// Matches of the `tags` query.
    pub matches: u64,
    /// Captures in those matches.
    pub captures: u64,
    /// Files that tree-sitter returned no tree for. Their bytes and lines are
    /// not counted.
    pub parse_failures: u64,
}

/// Counts from [`parse_and_query`], per language in [`Lang::ALL`] order.
#[derive(Clone, Debug, Default)]
pub struct FloorReport {
    pub per_lang: Vec<(Lang, FloorCounts)>,
    /// Files whose extension maps to no language.
    pub not_source: u64,
    /// Source files skipped by the same rules as extraction: larger than
    /// [`ExtractOptions::max_file_bytes`], binary, or not UTF-8.
    pub skipped: u64,
}

impl FloorReport {
    /// Sums the counts over all languages.
    pub fn total(&self) -> FloorCounts {
        let mut total = FloorCounts::default();
        for (_, counts) in &self.per_lang {
            total.files += counts.files;
            total.bytes += counts.bytes;
            total.lines += counts.lines;
            total.matches += counts.matches;
            total.captures += counts.captures;
            total.parse_failures += counts.parse_failures;
        }
        total
    }
}

/// Loads the grammar and compiles the queries of every language in
/// [`Lang::ALL`], so that a caller can time this once-per-process cost apart
/// from [`parse_and_query`].
pub fn load_languages() {
    for &lang in Lang::ALL {
        let _ = grammar_and_tags(lang);
    }
}

/// Parses every source file in `files` and runs its language's `tags` query
/// over the tree, counting matches and captures.
///
/// Files are skipped by the same rules as extraction (size limit from
/// `options`, a NUL byte in the first 8000 bytes, invalid UTF-8), so the floor
/// covers the files a full graph parses. The parse timeout of `options` is
/// not applied. Unlike extraction, a UTF-8 byte order mark is parsed as is.
pub fn parse_and_query(files: &[SourceFile], options: &ExtractOptions) -> FloorReport {
    let mut report = FloorReport {
        per_lang: Lang::ALL
            .iter()
            .map(|&lang| (lang, FloorCounts::default()))
            .collect(),
        ..FloorReport::default()
    };
    let mut cursor = QueryCursor::new();
    for file in files {
        let Some(lang) = Lang::from_path(&file.path) else {
            report.not_source += 1;
            continue;
        };
        if is_skipped(&file.bytes, options) {
            report.skipped += 1;
            continue;
        }
        let Some(slot) = report.per_lang.iter().position(|(l, _)| *l == lang) else {
            report.not_source += 1;
            continue;
        };
        let counts = &mut report.per_lang[slot].1;
        counts.files += 1;

        let (language, tags) = grammar_and_tags(lang);
        let Ok(tree) = crate::lang::parse(lang, language, &file.bytes) else {
            counts.parse_failures += 1;
            continue;
        };
        counts.bytes += file.bytes.len() as u64;
        counts.lines += count_lines(&file.bytes);
        let mut matches = cursor.matches(tags, tree.root_node(), file.bytes.as_slice());
        while let Some(found) = matches.next() {
            counts.matches += 1;
            counts.captures += found.captures.len() as u64;
        }
    }
    report
}

fn grammar_and_tags(lang: Lang) -> (&'static Language, &'static Query) {
    match lang {
        Lang::Python => {
            let config = python::config();
            (&config.language, &config.tags)
        }
        Lang::Rust => {
            let config = rust::config();
            (&config.language, &config.tags)
        }
        Lang::Java => {
            let config = java::config();
            (&config.language, &config.tags)
        }
    }
}

/// Tells whether extraction skips these bytes, leaving the parse timeout aside.
fn is_skipped(bytes: &[u8], options: &ExtractOptions) -> bool {
    bytes.len() > options.max_file_bytes
        || bytes[..bytes.len().min(8000)].contains(&0)
        || std::str::from_utf8(bytes).is_err()
}

/// Counts lines the way `wc -l` does, plus one for a last line without a
/// newline.
fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    let unterminated = u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
    newlines + unterminated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn floor_counts_python_captures() {
        let files = [
            source("a.py", "def f():\n    return g()\n"),
            source("README.md", "# not source\n"),
        ];
        let report = parse_and_query(&files, &ExtractOptions::default());
        let python = report.per_lang[0];
        assert_eq!(python.0, Lang::Python);
        assert_eq!(python.1.files, 1);
        assert_eq!(python.1.lines, 2);
        assert_eq!(python.1.bytes, files[0].bytes.len() as u64);
        assert!(python.1.captures >= 2, "expected a definition and a call");
        assert_eq!(report.not_source, 1);
        assert_eq!(report.skipped, 0);
    }

    #[test]
    fn floor_skips_like_extraction() {
        let options = ExtractOptions {
            max_file_bytes: 8,
            ..ExtractOptions::default()
        };
        let files = [
            source("long.py", "x = 1\ny = 2\n"),
            SourceFile {
                path: "binary.py".to_owned(),
                bytes: b"a\0b".to_vec(),
            },
            SourceFile {
                path: "latin1.py".to_owned(),
                bytes: b"\xe9\n".to_vec(),
            },
        ];
        let report = parse_and_query(&files, &options);
        assert_eq!(report.skipped, 3);
        assert_eq!(report.total().files, 0);
    }

    #[test]
    fn floor_parses_what_extraction_parses() {
        let options = ExtractOptions {
            max_file_bytes: 64,
            ..ExtractOptions::default()
        };
        let files = [
            source("app/main.py", "import util\nutil.run()\n"),
            source("src/lib.rs", "pub fn run() { helper(); }\n"),
            source("src/A.java", "class A { void f() { g(); } }\n"),
            source("broken.py", "def f(:\n"),
            source("long.rs", &"// filler line\n".repeat(10)),
            SourceFile {
                path: "nul.java".to_owned(),
                bytes: b"class B {}\0".to_vec(),
            },
            source("notes.txt", "not source\n"),
        ];
        let extracted = crate::graph::extract_all(&files, &options);
        let parsed = extracted.iter().filter(|f| f.outcome.is_ok()).count() as u64;
        let skipped = extracted.iter().filter(|f| f.outcome.is_err()).count() as u64;
        assert_eq!((parsed, skipped), (4, 2), "extraction's own counts changed");

        let report = parse_and_query(&files, &options);
        assert_eq!(report.total().files, parsed);
        assert_eq!(report.skipped, skipped);
        assert_eq!(report.not_source, 1);
        assert_eq!(report.total().parse_failures, 0);
        for (lang, counts) in &report.per_lang {
            assert!(counts.matches > 0, "no tags matches for {}", lang.name());
        }
    }

    #[test]
    fn count_lines_without_final_newline() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b"a\nb"), 2);
    }
}
