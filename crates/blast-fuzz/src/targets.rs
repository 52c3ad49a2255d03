//! The fuzz targets: what each one feeds its input to, which documented
//! properties of the result it checks, and how it summarizes an outcome.
//!
//! A target panics when a property does not hold, so that a wrong result
//! is reported like a crash. Each target returns an outcome signature: a
//! hash of a coarse description of the result (error message without its
//! numbers, kinds of symbols found, kinds of edges). The fuzzer keeps an
//! input whose signature it has not seen before as a new seed, which steers
//! the search towards inputs that behave differently without any coverage
//! instrumentation.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use blast_diff::{ExitKind, FileChange, FileStatus, ParsedPatch};
use blast_graph::{
    ExtractOptions, ExtractedFile, Graph, GraphOptions, Lang, RustLayout, SkipReason, SourceFile,
    extract_file,
};

use crate::rng::fnv1a;

/// File extensions to try, in order, when looking for a file name of each
/// language: the first one that [`Lang::from_path`] maps to the language wins.
const EXTENSIONS: &[&str] = &[
    "py", "rs", "java", "pyi", "kt", "go", "ts", "js", "c", "cpp",
];

/// Returns a file extension that blast reads as `lang`.
pub fn extension_of(lang: Lang) -> Option<&'static str> {
    EXTENSIONS
        .iter()
        .find(|ext| Lang::from_path(&format!("fuzz.{ext}")) == Some(lang))
        .copied()
}

/// The path a single-language target gives its input.
pub fn fuzz_path(lang: Lang) -> String {
    let ext = extension_of(lang).unwrap_or("txt");
    match ext {
        "rs" => "src/lib.rs".to_owned(),
        "java" => "src/main/java/com/example/Fuzz.java".to_owned(),
        _ => format!("pkg/fuzz.{ext}"),
    }
}

/// File stems for the files of a graph input; `{}` is not used, the
/// extension is appended. They cover package markers, crate roots, source
/// roots and odd but valid repository paths.
pub const GRAPH_STEMS: &[&str] = &[
    "a",
    "b",
    "pkg/__init__",
    "pkg/a",
    "pkg/b",
    "pkg/sub/__init__",
    "pkg/sub/c",
    "src/lib",
    "src/main",
    "src/a",
    "src/a/mod",
    "src/a/b",
    "src/bin/tool",
    "tests/it",
    "build",
    "src/main/java/com/example/A",
    "src/main/java/com/example/B",
    "src/main/java/com/example/sub/C",
    "__init__",
    "setup",
    "a b/c d",
    "dir.with.dots/x",
    "\u{e4}/\u{f6}",
    "-/--",
    "x/",
];

/// Paths of the Cargo manifests a graph input may contain.
pub const MANIFEST_PATHS: &[&str] = &["Cargo.toml", "crates/x/Cargo.toml", "src/Cargo.toml"];

/// What a fuzz target exercises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// `blast_diff::parse_unified_diff`.
    Diff,
    /// `ParsedPatch::apply_to_work_tree` on a small work tree.
    Patch,
    /// `blast_graph::extract_file` for one language, then `Graph::build`
    /// on the one file.
    Extract(Lang),
    /// `extract_file` on a few files of any language, Cargo manifests
    /// through `RustLayout::from_manifests`, then `Graph::build` and
    /// queries on the graph.
    Graph,
    /// The configuration loaders: `Policy::parse` on the input as
    /// `blast.toml`, and `LinguistAttributes::from_files` on it as a
    /// `.gitattributes` file.
    Config,
}

impl Target {
    /// Every target, in the order `--target all` runs them.
    pub fn all() -> Vec<Target> {
        let mut targets = vec![Target::Diff, Target::Patch];
        targets.extend(Lang::ALL.iter().map(|&lang| Target::Extract(lang)));
        targets.push(Target::Graph);
        targets.push(Target::Config);
        targets
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Diff => "diff",
            Target::Patch => "patch",
            Target::Extract(lang) => lang.name(),
            Target::Graph => "graph",
            Target::Config => "config",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::all()
            .into_iter()
            .find(|target| target.name() == name)
    }

    /// The folders under the corpus folder whose files seed this target.
    pub fn seed_folders(self) -> Vec<String> {
        match self {
            Target::Graph => {
                let mut folders: Vec<String> = Lang::ALL
                    .iter()
                    .map(|lang| lang.name().to_owned())
                    .collect();
                folders.push("manifest".to_owned());
                folders
            }
            other => vec![other.name().to_owned()],
        }
    }

    /// The mutation dictionary of the target.
    pub fn tokens(self) -> &'static [&'static [u8]] {
        match self {
            Target::Diff | Target::Patch => crate::mutate::DIFF_TOKENS,
            Target::Extract(_) | Target::Graph => crate::mutate::SOURCE_TOKENS,
            Target::Config => crate::mutate::CONFIG_TOKENS,
        }
    }
}

/// Shared state of the targets for one run: the work tree that the patch
/// target applies patches to.
pub struct Context {
    work_tree: tempfile::TempDir,
    /// The parse timeout of extraction: half the per-input limit. A parse
    /// that runs out of time makes the file skipped as `timed_out`, which is
    /// blast's designed behaviour for tree-sitter's slow error recovery on
    /// some garbage, so a timeout of the input means slowness after parsing.
    pub parse_timeout: std::time::Duration,
}

impl Context {
    /// Creates the work tree from the files under `work_tree_seed` (the
    /// files that the patch corpus was written against).
    ///
    /// # Errors
    ///
    /// Fails when the temporary folder cannot be created or filled.
    pub fn new(
        work_tree_seed: &Path,
        input_timeout: std::time::Duration,
    ) -> std::io::Result<Context> {
        let work_tree = tempfile::Builder::new()
            .prefix("blast-fuzz-tree-")
            .tempdir()?;
        if work_tree_seed.is_dir() {
            copy_tree(work_tree_seed, work_tree.path())?;
        }
        // A link out of the work tree: the patch target must not read through it.
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            "/nonexistent/outside.py",
            work_tree.path().join("outside.py"),
        )?;
        Ok(Context {
            work_tree,
            parse_timeout: input_timeout / 2,
        })
    }

    pub fn work_tree(&self) -> &Path {
        self.work_tree.path()
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Runs `target` on one input and returns its outcome signature. Panics
/// when the code under test panics or a checked property does not hold.
pub fn execute(target: Target, input: &Input, context: &Context) -> u64 {
    match target {
        Target::Diff => execute_diff(input.single()),
        Target::Patch => execute_patch(input.single(), context),
        Target::Extract(lang) => {
            execute_graph(&[(fuzz_path(lang), input.single().to_vec())], context)
        }
        Target::Graph => execute_graph(&input.files, context),
        Target::Config => execute_config(input.single()),
    }
}

/// Paths that the config target matches against a loaded policy and
/// `.gitattributes` rules.
const CONFIG_PATHS: &[&str] = &[
    "a.py",
    "vendor/x/lib.py",
    "gen/table.py",
    "tests/test_a.py",
    "src/main/java/A.java",
    "a b/\u{e4}.rs",
    "",
];

fn execute_config(bytes: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(bytes);
    let line_count = text.lines().count();
    let policy_signature = match blast_score::Policy::parse(&text, "blast.toml") {
        Ok(policy) => {
            let mut summary = format!("ok {} {}", policy.tiers.len(), policy.python_roots.len());
            for path in CONFIG_PATHS {
                summary.push_str(&format!(
                    " {}{}",
                    u8::from(policy.ignore.is_match(path)),
                    u8::from(policy.test_files.is_match(path))
                ));
            }
            fnv1a(summary.as_bytes())
        }
        Err(err) => {
            let message = err.to_string();
            assert!(
                message.contains("blast.toml"),
                "property: a policy error does not name the file: {message}"
            );
            assert!(
                err.line <= line_count + 1,
                "property: a policy error names line {} of a {line_count}-line file: {message}",
                err.line
            );
            fnv1a(error_signature(&message).as_bytes())
        }
    };
    let files = vec![(".gitattributes".to_owned(), text.into_owned())];
    let attributes = blast_score::attributes::LinguistAttributes::from_files(&files);
    let mut summary = String::new();
    for path in CONFIG_PATHS {
        let exclusion = attributes.exclusion(path);
        summary.push_str(exclusion.map_or("-", |e| e.name()));
    }
    policy_signature ^ fnv1a(summary.as_bytes()).rotate_left(1)
}

fn execute_diff(bytes: &[u8]) -> u64 {
    match blast_diff::parse_unified_diff(bytes) {
        Ok(files) => {
            check_file_changes(&files);
            change_signature(&files)
        }
        Err(err) => fnv1a(error_signature(&err.to_string()).as_bytes()),
    }
}

fn execute_patch(bytes: &[u8], context: &Context) -> u64 {
    match ParsedPatch::apply_to_work_tree(bytes, context.work_tree()) {
        Ok(patch) => {
            check_file_changes(patch.files());
            change_signature(patch.files()) ^ 1
        }
        Err(err) => {
            // A patch can only be wrong, never make git or the file system
            // fail: every error must map to exit code 2.
            assert!(
                err.exit_kind() == ExitKind::Usage,
                "property: applying a patch failed with a non-usage error (exit code 4 instead of 2): {err}"
            );
            fnv1a(error_signature(&err.to_string()).as_bytes())
        }
    }
}

/// Checks the documented properties of parsed file changes.
fn check_file_changes(files: &[FileChange]) {
    for file in files {
        match file.status {
            FileStatus::Added => {
                assert!(
                    file.old_path.is_none(),
                    "property: added file with an old path: {file:?}"
                );
                assert!(
                    file.new_path.is_some(),
                    "property: added file without a new path: {file:?}"
                );
            }
            FileStatus::Deleted => {
                assert!(
                    file.new_path.is_none(),
                    "property: deleted file with a new path: {file:?}"
                );
                assert!(
                    file.old_path.is_some(),
                    "property: deleted file without an old path: {file:?}"
                );
            }
            _ => {
                assert!(
                    file.old_path.is_some() && file.new_path.is_some(),
                    "property: {:?} file without both paths: {file:?}",
                    file.status
                );
            }
        }
        if file.binary {
            assert!(
                file.hunks.is_empty(),
                "property: binary file with hunks: {file:?}"
            );
        }
        for hunk in &file.hunks {
            check_ranges(
                &hunk.removed,
                hunk.old_start,
                hunk.old_lines,
                "removed",
                file,
            );
            check_ranges(&hunk.added, hunk.new_start, hunk.new_lines, "added", file);
        }
    }
}

/// Ranges of a hunk side are sorted, disjoint, not adjacent (merged), and
/// inside the lines that the hunk header gives that side.
fn check_ranges(
    ranges: &[blast_diff::LineRange],
    start: u32,
    count: u32,
    side: &str,
    file: &FileChange,
) {
    let first = u64::from(start);
    let last = first + u64::from(count);
    let mut previous_end: Option<u32> = None;
    let mut total: u64 = 0;
    for range in ranges {
        assert!(
            range.start <= range.end,
            "property: {side} range {range:?} is reversed in {file:?}"
        );
        assert!(
            u64::from(range.start) >= first && u64::from(range.end) < last,
            "property: {side} range {range:?} lies outside the hunk's lines {start},{count} in {}",
            file.path()
        );
        if let Some(end) = previous_end {
            assert!(
                u64::from(range.start) > u64::from(end) + 1,
                "property: {side} ranges are not sorted and merged in {}: {ranges:?}",
                file.path()
            );
        }
        previous_end = Some(range.end);
        total += u64::from(range.end - range.start) + 1;
    }
    assert!(
        total <= u64::from(count),
        "property: {total} {side} lines in a hunk whose header counts {count} in {}",
        file.path()
    );
}

fn change_signature(files: &[FileChange]) -> u64 {
    let mut summary = format!("ok {}", files.len().min(4));
    for file in files.iter().take(4) {
        summary.push_str(&format!(
            " {:?}{}{}{}{}",
            file.status,
            u8::from(file.binary),
            u8::from(file.lossy_path),
            file.hunks.len().min(3),
            u8::from(file.old_mode != file.new_mode),
        ));
    }
    fnv1a(summary.as_bytes())
}

/// Returns the start of an error message without digits: the kind of
/// error, without the line numbers, paths and excerpts that would make
/// every input's outcome new.
fn error_signature(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_ascii_digit())
        .take(48)
        .collect()
}

/// Extracts the files (manifests go to [`RustLayout::from_manifests`]),
/// checks every extracted file, builds the graph, checks it and queries it.
#[expect(
    clippy::field_reassign_with_default,
    reason = "options that blast-graph adds later keep their defaults without a change here"
)]
fn execute_graph(files: &[(String, Vec<u8>)], context: &Context) -> u64 {
    let mut options = ExtractOptions::default();
    options.parse_timeout = context.parse_timeout;

    let mut manifests = Vec::new();
    let mut extracted = Vec::new();
    for (path, bytes) in files {
        if path.ends_with("Cargo.toml") {
            manifests.push((path.clone(), String::from_utf8_lossy(bytes).into_owned()));
            continue;
        }
        let source = SourceFile {
            path: path.clone(),
            bytes: bytes.clone(),
        };
        if let Some(file) = extract_file(&source, &options) {
            check_extracted(&file, bytes);
            extracted.push(Arc::new(file));
        }
    }

    let mut graph_options = GraphOptions::default();
    graph_options.rust = RustLayout::from_manifests(manifests);
    if files.len().is_multiple_of(2) {
        graph_options.python.roots = vec!["src".to_owned(), "pkg".to_owned()];
    }
    let graph = Graph::build(&extracted, &graph_options);
    check_graph(&graph);
    graph_signature(&graph, &extracted)
}

fn check_extracted(file: &ExtractedFile, bytes: &[u8]) {
    let syntax = match &file.outcome {
        Ok((syntax, _)) => syntax,
        Err(SkipReason::Panicked) => {
            panic!("extraction panicked on {} (see the panic above)", file.path)
        }
        // Binary, not UTF-8, too large, or a parse past the parse timeout.
        Err(_) => return,
    };
    assert!(
        !syntax.symbols.is_empty() && syntax.symbols[0].local_name.is_empty(),
        "property: symbol 0 of {} is not the module symbol",
        file.path
    );
    for (index, symbol) in syntax.symbols.iter().enumerate() {
        let span = symbol.span;
        assert!(
            span.start_line <= span.end_line && span.start_byte <= span.end_byte,
            "property: reversed span {span:?} of {:?} in {}",
            symbol.local_name,
            file.path
        );
        assert!(
            span.end_byte as usize <= bytes.len(),
            "property: span {span:?} of {:?} ends after the file ({} bytes)",
            symbol.local_name,
            bytes.len()
        );
        if index > 0 {
            let parent = symbol.parent.unwrap_or(0) as usize;
            assert!(
                parent < index,
                "property: symbol {index} ({:?}) has parent {parent}, which does not come before it",
                symbol.local_name
            );
        }
    }
    for line in [
        0,
        1,
        syntax.line_count / 2,
        syntax.line_count,
        syntax.line_count.saturating_add(1),
    ] {
        let innermost = syntax.innermost_at_line(line) as usize;
        assert!(innermost < syntax.symbols.len());
    }
}

fn check_graph(graph: &Graph) {
    let symbol_count = graph.symbols.len();
    for edge in &graph.edges {
        assert!(
            (edge.source as usize) < symbol_count && (edge.target as usize) < symbol_count,
            "property: edge {edge:?} names a symbol out of range ({symbol_count} symbols)"
        );
        assert!(
            edge.weight > 0.0 && edge.weight <= 1.0,
            "property: edge weight {} outside (0, 1]: {edge:?}",
            edge.weight
        );
    }
    for (id, symbol) in graph.symbols.iter().enumerate() {
        assert!(
            (symbol.file as usize) < graph.files.len(),
            "property: symbol {} names file {} of {}",
            symbol.name,
            symbol.file,
            graph.files.len()
        );
        let _ = graph.dependents(id as u32).count();
    }
    for (file_id, file) in graph.files.iter().enumerate() {
        let file_id = file_id as u32;
        assert_eq!(
            graph.file_id(&file.path),
            Some(file_id),
            "property: file {} is not found by its path",
            file.path
        );
        for line in [
            0,
            1,
            file.line_count / 2,
            file.line_count,
            file.line_count.saturating_add(1),
        ] {
            if file.symbol_count > 0 {
                let symbol = graph.symbol_at_line(file_id, line);
                assert!(graph.file_symbols(file_id).contains(&symbol));
            }
        }
    }
}

fn graph_signature(graph: &Graph, extracted: &[Arc<ExtractedFile>]) -> u64 {
    let mut kinds: BTreeSet<String> = BTreeSet::new();
    for edge in &graph.edges {
        kinds.insert(format!("{}:{}", edge.kind.name(), edge.resolution.name()));
    }
    for symbol in &graph.symbols {
        kinds.insert(symbol.kind.name().to_owned());
    }
    for file in extracted {
        match &file.outcome {
            Ok((syntax, _)) => {
                kinds.insert(format!("errors:{}", syntax.parse_errors.min(1)));
            }
            Err(reason) => {
                kinds.insert(reason.name().to_owned());
            }
        }
    }
    let edges = graph.edges.len();
    let bucket = usize::BITS - edges.leading_zeros();
    let summary = format!("{kinds:?} {bucket}");
    fnv1a(summary.as_bytes())
}

/// One fuzz input: a single file for every target but the graph target,
/// which takes several files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub files: Vec<(String, Vec<u8>)>,
}

/// The first line of an encoded graph input.
const BUNDLE_MAGIC: &[u8] = b"blast-fuzz files v1\n";

impl Input {
    pub fn single_file(bytes: Vec<u8>) -> Input {
        Input {
            files: vec![(String::new(), bytes)],
        }
    }

    /// The bytes of a single-file input.
    pub fn single(&self) -> &[u8] {
        self.files
            .first()
            .map_or(&[], |(_, bytes)| bytes.as_slice())
    }

    /// Encodes the input as a crash or regression file: the bytes as they
    /// are for single-file targets, and for the graph target a header line
    /// followed by, per file, `PATH_LEN BYTE_LEN PATH\n` and the bytes.
    pub fn encode(&self, target: Target) -> Vec<u8> {
        if target != Target::Graph {
            return self.single().to_vec();
        }
        let mut out = BUNDLE_MAGIC.to_vec();
        for (path, bytes) in &self.files {
            out.extend_from_slice(format!("{} {} {path}\n", path.len(), bytes.len()).as_bytes());
            out.extend_from_slice(bytes);
            out.push(b'\n');
        }
        out
    }

    /// Decodes what [`Input::encode`] wrote.
    ///
    /// # Errors
    ///
    /// Returns a message when a graph input is not in the encoded form.
    pub fn decode(target: Target, bytes: &[u8]) -> Result<Input, String> {
        if target != Target::Graph {
            return Ok(Input::single_file(bytes.to_vec()));
        }
        let mut rest = bytes
            .strip_prefix(BUNDLE_MAGIC)
            .ok_or("a graph input must start with the line `blast-fuzz files v1`")?;
        let mut files = Vec::new();
        while !rest.is_empty() {
            let newline = rest
                .iter()
                .position(|byte| *byte == b'\n')
                .ok_or("a file header line has no line break")?;
            let header = std::str::from_utf8(&rest[..newline])
                .map_err(|_| "a file header line is not UTF-8")?;
            let mut parts = header.splitn(3, ' ');
            let path_len: usize = parse_field(parts.next())?;
            let byte_len: usize = parse_field(parts.next())?;
            let path = parts.next().unwrap_or_default();
            if path.len() != path_len {
                return Err(format!("the path {path:?} is not {path_len} bytes long"));
            }
            let body = &rest[newline + 1..];
            if body.len() < byte_len + 1 {
                return Err(format!(
                    "the file {path:?} is shorter than {byte_len} bytes"
                ));
            }
            files.push((path.to_owned(), body[..byte_len].to_vec()));
            rest = &body[byte_len + 1..];
        }
        Ok(Input { files })
    }
}

fn parse_field(field: Option<&str>) -> Result<usize, String> {
    field
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| "a file header line must be `PATH_LEN BYTE_LEN PATH`".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_an_extension() {
        for &lang in Lang::ALL {
            let ext = extension_of(lang);
            assert!(ext.is_some(), "no extension in EXTENSIONS maps to {lang:?}");
            assert_eq!(Lang::from_path(&fuzz_path(lang)), Some(lang));
        }
    }

    #[test]
    fn target_names_round_trip() {
        for target in Target::all() {
            assert_eq!(Target::from_name(target.name()), Some(target));
        }
        assert_eq!(Target::from_name("nope"), None);
    }

    #[test]
    fn graph_input_round_trips() {
        let input = Input {
            files: vec![
                ("a b/c.py".to_owned(), b"x\n\0y".to_vec()),
                ("Cargo.toml".to_owned(), Vec::new()),
            ],
        };
        let encoded = input.encode(Target::Graph);
        assert_eq!(Input::decode(Target::Graph, &encoded), Ok(input));
        assert!(Input::decode(Target::Graph, b"garbage").is_err());
    }
}
