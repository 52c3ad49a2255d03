//! The dependency graph: files, symbols with stable qualified names, and
//! typed edges, built from per-file extraction results by per-language
//! resolution. Traversals run on a compact reversed adjacency (CSR) that is
//! frozen from the petgraph graph once it is built.

use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;

use crate::lang::java::{self as java_lang, JavaFacts, JavaStats};
use crate::lang::python::{self, ModuleLayout, PyFacts, PythonStats};
use crate::lang::rust::{self as rust_lang, RustFacts, RustLayout, RustStats};
use crate::model::{EdgeKind, FileSyntax, Lang, Resolution, Resolved, Span, SymbolKind};

/// Index of a symbol in [`Graph::symbols`].
pub type SymbolId = u32;
/// Index of a file in [`Graph::files`].
pub type FileId = u32;

/// A source file handed to extraction.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Limits and switches for extraction.
#[derive(Clone, Debug)]
pub struct ExtractOptions {
    /// Files larger than this are skipped and counted.
    pub max_file_bytes: usize,
    /// Parsing one file and running the language's queries over its tree
    /// stop after this long, and the file is skipped and counted, so one
    /// pathological file cannot stall a run.
    pub parse_timeout: std::time::Duration,
}

impl Default for ExtractOptions {
    fn default() -> ExtractOptions {
        ExtractOptions {
            max_file_bytes: 2 * 1024 * 1024,
            parse_timeout: std::time::Duration::from_secs(10),
        }
    }
}

/// Why a file was left out of the graph.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum SkipReason {
    Binary,
    NotUtf8,
    TooLarge,
    ParseFailed,
    /// Parsing or extraction took longer than [`ExtractOptions::parse_timeout`].
    TimedOut,
    /// Extraction panicked: a bug in blast, contained to this file.
    Panicked,
    /// The local names of the file's symbols would take far more memory than
    /// the file itself, because each repeats the names around it. Generated
    /// nesting thousands of levels deep, or one very long name around many
    /// symbols, does this.
    NamesTooLong,
}

impl SkipReason {
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::NotUtf8 => "not_utf8",
            SkipReason::TooLarge => "too_large",
            SkipReason::ParseFailed => "parse_failed",
            SkipReason::TimedOut => "timed_out",
            SkipReason::Panicked => "panicked",
            SkipReason::NamesTooLong => "names_too_long",
        }
    }
}

/// Language-specific facts of one file.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum LangFacts {
    Python(PyFacts),
    Rust(RustFacts),
    Java(JavaFacts),
}

/// The result of extracting one file: what every language shares, plus the
/// language's own facts. Independent of every other file, so it can be
/// cached and reused between the base and head graphs.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ExtractedFile {
    pub path: String,
    pub lang: Lang,
    pub outcome: Result<(FileSyntax, LangFacts), SkipReason>,
}

impl ExtractedFile {
    pub fn syntax(&self) -> Option<&FileSyntax> {
        self.outcome.as_ref().ok().map(|(syntax, _)| syntax)
    }

    /// Returns whether the file was read from the cache without its
    /// references (see [`ExtractionCache::load_declarations`]), so that a
    /// graph can read it for its declarations only.
    ///
    /// [`ExtractionCache::load_declarations`]: crate::cache::ExtractionCache::load_declarations
    pub fn references_skipped(&self) -> bool {
        matches!(&self.outcome, Ok((_, LangFacts::Rust(facts))) if facts.references_skipped)
    }
}

/// Extracts one file. Never fails: files that cannot be read as source are
/// returned with the reason they were skipped.
pub fn extract_file(file: &SourceFile, options: &ExtractOptions) -> Option<ExtractedFile> {
    let lang = Lang::from_path(&file.path)?;
    // A panic in extraction is a bug, but it costs one file, not the run.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let deadline = std::time::Instant::now() + options.parse_timeout;
        crate::lang::set_parse_deadline(Some(deadline));
        crate::lang::set_name_budget(Some(file.bytes.len()));
        let outcome = extract_bytes(lang, &file.bytes, options);
        let walk_stopped = crate::lang::walk_stopped();
        let names_too_long = crate::lang::name_budget_exceeded();
        crate::lang::set_parse_deadline(None);
        crate::lang::set_name_budget(None);
        match outcome {
            Err(SkipReason::ParseFailed) if std::time::Instant::now() >= deadline => {
                Err(SkipReason::TimedOut)
            }
            // A walk that stopped at the deadline left the file's symbols
            // and references incomplete.
            Ok(_) if walk_stopped => Err(SkipReason::TimedOut),
            Ok(_) if names_too_long => Err(SkipReason::NamesTooLong),
            other => other,
        }
    }))
    .unwrap_or_else(|_| {
        log::warn!("extraction panicked on {}; the file is skipped", file.path);
        crate::lang::set_parse_deadline(None);
        crate::lang::set_name_budget(None);
        Err(SkipReason::Panicked)
    });
    Some(ExtractedFile {
        path: file.path.clone(),
        lang,
        outcome,
    })
}

fn extract_bytes(
    lang: Lang,
    bytes: &[u8],
    options: &ExtractOptions,
) -> Result<(FileSyntax, LangFacts), SkipReason> {
    if bytes.len() > options.max_file_bytes {
        return Err(SkipReason::TooLarge);
    }
    // Git's rule for binary content: a NUL byte in the first 8000 bytes.
    if memchr_nul(&bytes[..bytes.len().min(8000)]) {
        return Err(SkipReason::Binary);
    }
    if std::str::from_utf8(bytes).is_err() {
        return Err(SkipReason::NotUtf8);
    }
    // A UTF-8 byte order mark is blanked to spaces rather than removed, so
    // byte offsets and columns still match the file on disk.
    let owned;
    let source: &[u8] = if bytes.starts_with(b"\xEF\xBB\xBF") {
        let mut copy = bytes.to_vec();
        copy[..3].copy_from_slice(b"   ");
        owned = copy;
        &owned
    } else {
        bytes
    };
    match lang {
        Lang::Python => {
            let config = python::config();
            let tree = crate::lang::parse(lang, &config.language, source)
                .map_err(|_| SkipReason::ParseFailed)?;
            let (mut syntax, mut facts) = python::extract(config, source, &tree);
            syntax.symbols.shrink_to_fit();
            facts.shrink_to_fit();
            Ok((syntax, LangFacts::Python(facts)))
        }
        Lang::Rust => {
            let config = rust_lang::config();
            let tree = crate::lang::parse(lang, &config.language, source)
                .map_err(|_| SkipReason::ParseFailed)?;
            let (mut syntax, mut facts) = rust_lang::extract(config, source, &tree);
            syntax.symbols.shrink_to_fit();
            facts.shrink_to_fit();
            Ok((syntax, LangFacts::Rust(facts)))
        }
        Lang::Java => {
            let config = java_lang::config();
            let tree = crate::lang::parse(lang, &config.language, source)
                .map_err(|_| SkipReason::ParseFailed)?;
            let (mut syntax, mut facts) = java_lang::extract(source, &tree);
            syntax.symbols.shrink_to_fit();
            facts.shrink_to_fit();
            Ok((syntax, LangFacts::Java(facts)))
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

/// Extracts many files in parallel, one parser per worker thread. The
/// result is in input order.
pub fn extract_all(files: &[SourceFile], options: &ExtractOptions) -> Vec<ExtractedFile> {
    files
        .par_iter()
        .filter_map(|file| extract_file(file, options))
        .collect()
}

/// Like [`extract_all`], but reads unchanged files' results from the cache
/// and writes the new ones to it.
pub fn extract_all_cached(
    files: &[SourceFile],
    options: &ExtractOptions,
    cache: Option<&crate::cache::ExtractionCache>,
) -> Vec<ExtractedFile> {
    let Some(cache) = cache else {
        return extract_all(files, options);
    };
    files
        .par_iter()
        .filter_map(|file| {
            let lang = Lang::from_path(&file.path)?;
            if file.bytes.len() > options.max_file_bytes {
                return extract_file(file, options);
            }
            let id = crate::cache::blob_id(&file.bytes);
            if let Some(outcome) = cache.load_extraction(&id, lang) {
                return Some(ExtractedFile {
                    path: file.path.clone(),
                    lang,
                    outcome,
                });
            }
            let extracted = extract_file(file, options)?;
            cache.store(
                &id,
                lang,
                &crate::cache::CachedFile::of(&extracted, &file.bytes),
            );
            Some(extracted)
        })
        .collect()
}

/// A file in the graph.
#[derive(Clone, Debug)]
pub struct FileNode {
    pub path: String,
    pub lang: Lang,
    /// The module the file defines (`pkg.mod` for Python).
    pub module: String,
    pub first_symbol: SymbolId,
    pub symbol_count: u32,
    pub line_count: u32,
    pub parse_errors: u32,
}

/// A definition in the graph.
#[derive(Clone, Debug)]
pub struct Symbol {
    /// Qualified name in the language's notation (`pkg.mod.Class.method`).
    pub name: String,
    /// The name inside its file (`Class.method`; empty for the module).
    pub local_name: String,
    pub kind: SymbolKind,
    pub file: FileId,
    pub parent: Option<SymbolId>,
    pub span: Span,
    pub public: bool,
    /// See [`LocalSymbol::test`](crate::model::LocalSymbol::test).
    pub test: bool,
    /// Compiled only for tests: see
    /// [`LocalSymbol::test_only`](crate::model::LocalSymbol::test_only) and
    /// [`Resolved::test_files`](crate::model::Resolved::test_files).
    pub test_only: bool,
    /// A Python class whose `test*` methods pytest collects; see
    /// [`Resolved::test_classes`](crate::model::Resolved::test_classes).
    pub test_class: bool,
}

/// `source` depends on `target`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub source: SymbolId,
    pub target: SymbolId,
    pub kind: EdgeKind,
    pub resolution: Resolution,
    /// 1 for exact edges; for candidates, 1 divided by the number of
    /// definitions the name could mean.
    pub weight: f32,
    /// Line in the source's file where the dependency is written; the first
    /// one when the source depends on the target in several places.
    pub line: u32,
}

/// Options for resolution.
#[derive(Clone, Debug, Default)]
pub struct GraphOptions {
    pub python: ModuleLayout,
    /// The repository's Cargo manifests, from
    /// [`RustLayout::from_manifests`].
    pub rust: RustLayout,
    /// Files read for their declarations only: their definitions are
    /// indexed, so other files resolve through them, but their own
    /// references give no edges. A Java file keeps its inherit and override
    /// edges. A diff's prefilter reads such files for the types that other
    /// files' expressions pass through (Java), or because every file of the
    /// crate graph is parsed anyway (Rust).
    pub declarations_only: rustc_hash::FxHashSet<String>,
}

/// Counts that say how complete the graph is.
#[derive(Clone, Debug, Default)]
pub struct GraphStats {
    pub files_parsed: u64,
    pub files_skipped: Vec<(String, SkipReason)>,
    pub files_with_parse_errors: u64,
    pub python: PythonStats,
    pub rust: RustStats,
    pub java: JavaStats,
}

/// The symbol dependency graph of one revision.
#[derive(Debug)]
pub struct Graph {
    pub files: Vec<FileNode>,
    pub symbols: Vec<Symbol>,
    /// Sorted by (source, target, kind), without duplicates.
    pub edges: Vec<Edge>,
    pub stats: GraphStats,
    /// The same edges as a petgraph graph, node index = symbol id, for
    /// analyses such as strongly connected components.
    pub petgraph: DiGraph<SymbolId, u32>,
    /// Reversed adjacency: for symbol `t`, `reverse_edges[reverse_offsets[t]..
    /// reverse_offsets[t + 1]]` are the indices of the edges into `t`.
    reverse_offsets: Vec<u32>,
    reverse_edges: Vec<u32>,
    by_path: rustc_hash::FxHashMap<String, FileId>,
}

impl Graph {
    /// Builds the graph of a set of extracted files. Files may come in any
    /// order: they are sorted by path, so ids and output do not depend on it.
    pub fn build(files: &[Arc<ExtractedFile>], options: &GraphOptions) -> Graph {
        let mut sorted: Vec<&Arc<ExtractedFile>> = files.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        sorted.dedup_by(|a, b| a.path == b.path);

        // Step 1: lay out files and symbols; skipped files have no symbols.
        let mut stats = GraphStats::default();
        let mut parsed: Vec<&ExtractedFile> = Vec::with_capacity(sorted.len());
        for file in sorted {
            match &file.outcome {
                Ok((syntax, _)) => {
                    stats.files_parsed += 1;
                    if syntax.parse_errors > 0 {
                        stats.files_with_parse_errors += 1;
                    }
                    parsed.push(file);
                }
                Err(reason) => stats.files_skipped.push((file.path.clone(), *reason)),
            }
        }

        // Symbols are numbered file by file in path order, so each file's
        // first symbol id is known before resolution and resolved edges
        // can take global ids at once.
        let mut first_symbols: Vec<SymbolId> = Vec::with_capacity(parsed.len());
        let mut symbol_count = 0usize;
        for file in &parsed {
            first_symbols.push(to_u32(symbol_count));
            symbol_count += file.syntax().map_or(0, |syntax| syntax.symbols.len());
        }

        // Step 2: resolve each language's files among themselves. The
        // languages are independent, so a repository of several languages
        // resolves them in parallel; results are merged in a fixed order.
        let mut module_names = vec![String::new(); parsed.len()];
        let mut edges: Vec<Edge> = Vec::new();
        let mut test_classes: rustc_hash::FxHashSet<(FileId, u32)> = Default::default();
        let mut test_files: rustc_hash::FxHashSet<FileId> = Default::default();
        let per_language: Vec<(Lang, Vec<FileId>, Resolved, GraphStats)> = Lang::ALL
            .par_iter()
            .filter_map(|&lang| {
                let ids: Vec<FileId> = (0..parsed.len())
                    .filter(|&idx| parsed[idx].lang == lang)
                    .map(to_u32)
                    .collect();
                if ids.is_empty() {
                    return None;
                }
                let files: Vec<&ExtractedFile> =
                    ids.iter().map(|&id| parsed[id as usize]).collect();
                let mut language_stats = GraphStats::default();
                let resolved = resolve_language(lang, &files, options, &mut language_stats);
                Some((lang, ids, resolved, language_stats))
            })
            .collect();
        for (lang, ids, resolved, language_stats) in per_language {
            // Each language's resolver sets only its own counters.
            match lang {
                Lang::Python => stats.python = language_stats.python,
                Lang::Rust => stats.rust = language_stats.rust,
                Lang::Java => stats.java = language_stats.java,
            }
            for (idx, module) in resolved.modules.into_iter().enumerate() {
                module_names[ids[idx] as usize] = module;
            }
            for (file, class) in resolved.test_classes {
                test_classes.insert((ids[file as usize], class));
            }
            for file in resolved.test_files {
                test_files.insert(ids[file as usize]);
            }
            edges.reserve_exact(resolved.edges.len());
            edges.extend(resolved.edges.iter().map(|e| Edge {
                source: first_symbols[ids[e.source.0 as usize] as usize] + e.source.1,
                target: first_symbols[ids[e.target.0 as usize] as usize] + e.target.1,
                kind: e.kind,
                resolution: e.resolution,
                weight: e.weight,
                line: e.line,
            }));
        }

        // Step 3: global symbols with qualified names.
        let mut file_nodes = Vec::with_capacity(parsed.len());
        let mut symbols = Vec::with_capacity(symbol_count);
        for (file_id, file) in parsed.iter().enumerate() {
            let Some(syntax) = file.syntax() else {
                continue;
            };
            let first = to_u32(symbols.len());
            debug_assert_eq!(first, first_symbols[file_id]);
            let module = std::mem::take(&mut module_names[file_id]);
            let private_module = file.lang == Lang::Python && python::is_private_path(&file.path);
            let test_file = test_files.contains(&to_u32(file_id));
            for (local_id, local) in syntax.symbols.iter().enumerate() {
                let name = qualified_name(file.lang, &module, &local.local_name, &file.path);
                symbols.push(Symbol {
                    name,
                    local_name: local.local_name.clone(),
                    kind: local.kind,
                    file: to_u32(file_id),
                    parent: local.parent.map(|p| first + p),
                    span: local.span,
                    public: local.public && !private_module,
                    test: local.test,
                    test_only: local.test_only || test_file,
                    test_class: test_classes.contains(&(to_u32(file_id), to_u32(local_id))),
                });
            }
            file_nodes.push(FileNode {
                path: file.path.clone(),
                lang: file.lang,
                module,
                first_symbol: first,
                symbol_count: to_u32(syntax.symbols.len()),
                line_count: syntax.line_count,
                parse_errors: syntax.parse_errors,
            });
        }

        // Step 4: edges sorted and deduplicated. An exact edge wins over a
        // candidate edge between the same symbols. The sort key is every
        // field of an edge, so edges that compare equal are the same and an
        // unstable sort gives the same order as a stable one.
        edges.sort_unstable_by(|a, b| {
            (a.source, a.target, a.resolution, a.kind, a.line)
                .cmp(&(b.source, b.target, b.resolution, b.kind, b.line))
                .then(b.weight.total_cmp(&a.weight))
        });
        // One edge per (source, target, kind), on its first line, except
        // that scope edges keep each import line (a change to one import
        // reaches only the users of what that line binds). An exact edge
        // makes a candidate edge between the same symbols redundant. The
        // kept edges are compacted to the front of `edges` in place.
        let mut kept = 0;
        for idx in 0..edges.len() {
            let edge = edges[idx];
            let duplicate = edges[..kept]
                .iter()
                .rev()
                .take_while(|k| k.source == edge.source && k.target == edge.target)
                .any(|k| {
                    (k.kind == edge.kind && (k.kind != EdgeKind::Scope || k.line == edge.line))
                        || (k.resolution == Resolution::Exact
                            && edge.resolution == Resolution::Candidate)
                });
            if !duplicate {
                edges[kept] = edge;
                kept += 1;
            }
        }
        edges.truncate(kept);
        edges.shrink_to_fit();

        Graph::from_parts(file_nodes, symbols, edges, stats)
    }

    fn from_parts(
        files: Vec<FileNode>,
        symbols: Vec<Symbol>,
        edges: Vec<Edge>,
        stats: GraphStats,
    ) -> Graph {
        let mut petgraph = DiGraph::with_capacity(symbols.len(), edges.len());
        for id in 0..symbols.len() {
            petgraph.add_node(to_u32(id));
        }
        for (idx, edge) in edges.iter().enumerate() {
            petgraph.add_edge(
                NodeIndex::new(edge.source as usize),
                NodeIndex::new(edge.target as usize),
                to_u32(idx),
            );
        }

        // Freeze the reversed adjacency for traversals.
        let mut reverse_offsets = vec![0u32; symbols.len() + 1];
        for edge in &edges {
            reverse_offsets[edge.target as usize + 1] += 1;
        }
        for idx in 1..reverse_offsets.len() {
            reverse_offsets[idx] += reverse_offsets[idx - 1];
        }
        let mut fill = reverse_offsets.clone();
        let mut reverse_edges = vec![0u32; edges.len()];
        for (idx, edge) in edges.iter().enumerate() {
            let slot = &mut fill[edge.target as usize];
            reverse_edges[*slot as usize] = to_u32(idx);
            *slot += 1;
        }
        let by_path = files
            .iter()
            .enumerate()
            .map(|(id, f)| (f.path.clone(), to_u32(id)))
            .collect();
        Graph {
            files,
            symbols,
            edges,
            stats,
            petgraph,
            reverse_offsets,
            reverse_edges,
            by_path,
        }
    }

    /// The edges into `symbol`: its direct dependents.
    pub fn dependents(&self, symbol: SymbolId) -> impl Iterator<Item = &Edge> + '_ {
        let start = self.reverse_offsets[symbol as usize] as usize;
        let end = self.reverse_offsets[symbol as usize + 1] as usize;
        self.reverse_edges[start..end]
            .iter()
            .map(|&idx| &self.edges[idx as usize])
    }

    /// The edges out of `symbol`: what it depends on.
    pub fn dependencies(&self, symbol: SymbolId) -> &[Edge] {
        let start = self.edges.partition_point(|e| e.source < symbol);
        let end = self.edges.partition_point(|e| e.source <= symbol);
        &self.edges[start..end]
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn file_of(&self, symbol: SymbolId) -> &FileNode {
        &self.files[self.symbols[symbol as usize].file as usize]
    }

    /// The symbols of one file, module symbol first.
    pub fn file_symbols(&self, file: FileId) -> std::ops::Range<SymbolId> {
        let node = &self.files[file as usize];
        node.first_symbol..node.first_symbol + node.symbol_count
    }

    /// Finds a symbol of a file by its name inside the file.
    pub fn find_local(&self, file: FileId, local_name: &str) -> Option<SymbolId> {
        self.file_symbols(file)
            .find(|&id| self.symbols[id as usize].local_name == local_name)
    }

    /// Finds a symbol of a file by its name inside the file and its first
    /// line. Of same-named definitions, such as two `#[cfg]` variants of a
    /// Rust item, it picks the one that starts at `line`, else the first.
    pub fn find_local_at(&self, file: FileId, local_name: &str, line: u32) -> Option<SymbolId> {
        let mut namesakes = self
            .file_symbols(file)
            .filter(|&id| self.symbols[id as usize].local_name == local_name);
        let first = namesakes.next()?;
        if self.symbols[first as usize].span.start_line == line {
            return Some(first);
        }
        Some(
            namesakes
                .find(|&id| self.symbols[id as usize].span.start_line == line)
                .unwrap_or(first),
        )
    }

    /// Returns the innermost symbol of `file` whose span contains `line`.
    pub fn symbol_at_line(&self, file: FileId, line: u32) -> SymbolId {
        let range = self.file_symbols(file);
        let mut best = range.start;
        let mut best_len = u32::MAX;
        for id in range {
            let span = self.symbols[id as usize].span;
            if span.contains_line(line) {
                let len = span.end_line - span.start_line;
                if len <= best_len {
                    best = id;
                    best_len = len;
                }
            }
        }
        best
    }
}

/// Resolves the files of one language among themselves. Edges name files by
/// their index in `files`.
fn resolve_language(
    lang: Lang,
    files: &[&ExtractedFile],
    options: &GraphOptions,
    stats: &mut GraphStats,
) -> Resolved {
    match lang {
        Lang::Python => {
            let py_files: Vec<python::PyFile<'_>> = files
                .iter()
                .filter_map(|file| match &file.outcome {
                    Ok((syntax, LangFacts::Python(facts))) => Some(python::PyFile {
                        path: &file.path,
                        syntax,
                        facts,
                    }),
                    _ => None,
                })
                .collect();
            let resolved = python::resolve(&py_files, &options.python);
            stats.python = resolved.stats;
            Resolved {
                modules: resolved.modules,
                edges: resolved.edges,
                test_classes: resolved.test_classes,
                test_files: Vec::new(),
            }
        }
        Lang::Rust => {
            // Every file is kept, so edge file indices match `files`.
            let empty = RustFacts::default();
            let empty_syntax = FileSyntax::default();
            let rust_files: Vec<rust_lang::RustFile<'_>> = files
                .iter()
                .map(|file| match &file.outcome {
                    Ok((syntax, LangFacts::Rust(facts))) => {
                        let references = !options.declarations_only.contains(&file.path);
                        debug_assert!(
                            !(references && facts.references_skipped),
                            "{} is resolved but was read without its references",
                            file.path
                        );
                        rust_lang::RustFile {
                            path: &file.path,
                            syntax,
                            facts,
                            references: references && !facts.references_skipped,
                        }
                    }
                    _ => rust_lang::RustFile {
                        path: &file.path,
                        syntax: &empty_syntax,
                        facts: &empty,
                        references: false,
                    },
                })
                .collect();
            let resolved = rust_lang::resolve(&rust_files, &options.rust);
            stats.rust = resolved.stats;
            Resolved {
                modules: resolved.modules,
                edges: resolved.edges,
                test_classes: Vec::new(),
                test_files: resolved.test_files,
            }
        }
        Lang::Java => {
            // Every file is kept, so edge file indices match `files`.
            let empty = JavaFacts::default();
            let empty_syntax = FileSyntax::default();
            let java_files: Vec<java_lang::JavaFile<'_>> = files
                .iter()
                .map(|file| match &file.outcome {
                    Ok((syntax, LangFacts::Java(facts))) => java_lang::JavaFile {
                        path: &file.path,
                        syntax,
                        facts,
                        references: !options.declarations_only.contains(&file.path),
                    },
                    _ => java_lang::JavaFile {
                        path: &file.path,
                        syntax: &empty_syntax,
                        facts: &empty,
                        references: false,
                    },
                })
                .collect();
            let resolved = java_lang::resolve(&java_files);
            stats.java = resolved.stats;
            Resolved {
                modules: resolved.modules,
                edges: resolved.edges,
                test_classes: Vec::new(),
                test_files: Vec::new(),
            }
        }
    }
}

fn qualified_name(lang: Lang, module: &str, local_name: &str, path: &str) -> String {
    match lang {
        Lang::Python => match (module.is_empty(), local_name.is_empty()) {
            (_, true) => module.to_owned(),
            (true, false) => local_name.to_owned(),
            (false, false) => joined(module, ".", local_name),
        },
        Lang::Rust => match (module.is_empty(), local_name.is_empty()) {
            (_, true) => module.to_owned(),
            (true, false) => local_name.to_owned(),
            (false, false) => joined(module, "::", local_name),
        },
        // A Java file's module is its package, which many files share, so
        // the module symbol is named after the file: `com.example.Foo.java`.
        Lang::Java => {
            let local = if local_name.is_empty() {
                path.rsplit('/').next().unwrap_or(path)
            } else {
                local_name
            };
            if module.is_empty() {
                local.to_owned()
            } else {
                joined(module, ".", local)
            }
        }
    }
}

/// Returns `first`, `separator` and `last` in one string. A graph names
/// every symbol this way, and `format!` took several times as long.
fn joined(first: &str, separator: &str, last: &str) -> String {
    let mut name = String::with_capacity(first.len() + separator.len() + last.len());
    name.push_str(first);
    name.push_str(separator);
    name.push_str(last);
    name
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
