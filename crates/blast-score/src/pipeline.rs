//! The analysis pipeline: diff, files of both sides, graphs, changed
//! symbols, reach and scores.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use blast_diff::{ChangeSet, Comparison, DiffSpec, FileStatus, Repo, Side, TreeEntry};
use blast_graph::cache::ExtractionCache;
use blast_graph::{
    ExtractOptions, ExtractedFile, FileId, Graph, GraphOptions, Lang, SkipReason, SourceFile,
    SymbolKind, extract_all_cached,
};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::attributes::{Exclusion, LinguistAttributes};
use crate::calls;
use crate::changes::{ChangedTexts, Modification, SymbolChange, changed_symbols};
use crate::implementations;
use crate::inherited_tests;
use crate::likely_break;
use crate::module_change;
use crate::module_mutation;
use crate::policy::Policy;
use crate::reach::{Limits, Reach, reach_within};
use crate::report::{
    AnalysisStats, ChangeKind, ChangedSymbol, CommitSummary, Dependent, FileSummary, Level,
    LimitReached, Report, RevisionInfo,
};
use crate::score::{DiffInput, ScoreInput, apply_floor, change_multiplier, compute, compute_total};
use crate::sources::{SideFile, SideReader};

/// Settings of an analysis. Every field has a default.
#[derive(Clone, Debug)]
pub struct Config {
    pub extract: ExtractOptions,
    pub graph: GraphOptions,
    /// The search for dependents of one changed symbol stops after this many
    /// (certain and possible each), and the report says so.
    pub max_dependents: usize,
    /// The searches for dependents of all changed symbols together examine
    /// at most this many edges. The symbols searched after the budget ran
    /// out are searched in part or not at all, and the report lists the
    /// limit.
    pub max_total_edges: u64,
    /// Possible dependents whose path weight (the product of the candidate
    /// weights along the path) is below this are left out; 0 keeps them
    /// all.
    pub min_weight: f64,
    /// The review policy, usually from `blast.toml`.
    pub policy: Policy,
    /// The level at which the diff fails; overrides the policy's.
    pub fail_on: Option<Level>,
    /// Parse only the files that can depend on the change (see the
    /// `prefilter` module); false parses every file.
    pub prefilter: bool,
    /// Leave out files that `.gitattributes` marks `linguist-vendored` or
    /// `linguist-generated`, and list the changed ones in the report.
    pub exclude_linguist: bool,
    /// Cache of extraction results kept between runs; `None` parses every
    /// file it needs.
    pub cache: Option<Arc<ExtractionCache>>,
    /// Only the changes to files at or under these paths (relative to the
    /// repository root) are reported, as `git diff REV -- PATH` shows
    /// them; empty reports every change. The graph covers the whole
    /// repository either way.
    pub paths: Vec<String>,
}

/// The default of [`Config::max_total_edges`].
// NOTE: an estimate, not a measurement: a few seconds of searching in a
// release build, far above what a review-sized diff needs.
pub const DEFAULT_MAX_TOTAL_EDGES: u64 = 20_000_000;

/// The default of [`Config::min_weight`]: a path as likely as one call
/// among a hundred same-named definitions. A name gets at most 32
/// candidates (8 in Java), so every direct candidate edge weighs more and
/// is kept. Longer chains of guesses fall below it.
pub const DEFAULT_MIN_WEIGHT: f64 = 0.01;

/// Changed symbols whose dependents are searched in parallel at once. The
/// edge budget is settled after each chunk, in the order of the changes,
/// so which symbols it cuts short does not depend on thread timing.
const REACH_CHUNK: usize = 256;

impl Default for Config {
    fn default() -> Config {
        Config {
            extract: ExtractOptions::default(),
            graph: GraphOptions::default(),
            max_dependents: 50_000,
            max_total_edges: DEFAULT_MAX_TOTAL_EDGES,
            min_weight: DEFAULT_MIN_WEIGHT,
            policy: Policy::default(),
            fail_on: None,
            prefilter: true,
            exclude_linguist: true,
            paths: Vec::new(),
            cache: None,
        }
    }
}

impl Config {
    /// Returns the limits of one search for dependents that may examine
    /// `max_edges` edges.
    fn reach_limits(&self, max_edges: u64) -> Limits {
        Limits {
            max_dependents: self.max_dependents,
            max_edges,
            min_weight: self.min_weight,
        }
    }
}

/// Why an analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Diff(#[from] blast_diff::Error),
}

/// Analyses one diff of a repository: the library's entry point.
///
/// # Errors
///
/// Fails when the repository, a revision or the patch cannot be read; files
/// that cannot be parsed do not fail the analysis but are counted in
/// [`Report::stats`].
pub fn analyze(repo: &Repo, spec: &DiffSpec, config: &Config) -> Result<Report, AnalyzeError> {
    let mut clock = Stopwatch::start();
    // Step 1: the two sides and the files that differ.
    let comparison = repo.resolve(spec)?;
    let change_set = repo.changes(&comparison)?;
    clock.lap(format_args!(
        "diff: {} files changed",
        change_set.files.len()
    ));

    // Step 2: extract the base side, then the head side's changed files;
    // unchanged files share their extraction between the two graphs.
    let base_entries = repo.list_files(&comparison.base)?;
    let mut graph_options = graph_options(repo, &comparison.base, &base_entries, config);
    let base_attributes = linguist_attributes(repo, &comparison.base, &base_entries, config);
    let head_entries = repo.list_files(&comparison.head)?;
    let head_attributes = linguist_attributes(repo, &comparison.head, &head_entries, config);
    // A file marked vendored or generated on either side is left out of
    // both, so a change to the marking does not look like a deletion.
    let attributes = [&base_attributes, &head_attributes];
    let base_paths = source_paths(&base_entries, &config.policy, &attributes);
    let changed_paths: FxHashSet<&str> = change_set
        .files
        .iter()
        .flat_map(|f| f.old_path.iter().chain(f.new_path.iter()))
        .map(String::as_str)
        .collect();
    let base_reader = SideReader {
        repo,
        side: &comparison.base,
        extract: &config.extract,
        cache: config.cache.as_deref(),
    };
    let base_sources = base_reader.load(&base_entries, &base_paths, &changed_paths)?;
    let head_paths = source_paths(&head_entries, &config.policy, &attributes);
    let mut excluded: Vec<(String, Exclusion)> = changed_paths
        .iter()
        .filter(|path| Lang::from_path(path).is_some())
        .filter_map(|path| {
            head_attributes
                .exclusion(path)
                .or_else(|| base_attributes.exclusion(path))
                .map(|exclusion| ((*path).to_owned(), exclusion))
        })
        .collect();
    excluded.sort();
    let to_read: Vec<String> = head_paths
        .iter()
        .filter(|p| changed_paths.contains(p.as_str()))
        .cloned()
        .collect();
    let head_sources = read_paths(repo, &comparison.head, &to_read)?;
    clock.lap(format_args!(
        "listed {} base files ({} read, the rest known to the cache) and read {} head files",
        base_sources.len(),
        base_sources.iter().filter(|s| s.bytes().is_some()).count(),
        head_sources.len(),
    ));
    let head_changed: Vec<Arc<ExtractedFile>> =
        extract_all_cached(&head_sources, &config.extract, config.cache.as_deref())
            .into_iter()
            .map(Arc::new)
            .collect();
    let head = HeadInputs {
        paths: &head_paths,
        changed_paths: &changed_paths,
        changed: &head_changed,
        prefilter: config.prefilter,
    };
    let (base_extracted, prefilter_graphs) = if config.prefilter {
        crate::prefilter::extract_reachable(
            &base_sources,
            &base_reader,
            &change_set,
            &head,
            &head_sources,
            &mut graph_options,
            &config.reach_limits(u64::MAX),
        )?
    } else {
        let all: Vec<&SideFile> = base_sources.iter().collect();
        let extracted: Vec<Arc<ExtractedFile>> = base_reader
            .extract(&all)?
            .into_iter()
            .map(Arc::new)
            .collect();
        (extracted, None)
    };

    base_reader.remember_unparsed(&base_sources, &base_extracted);
    clock.lap(format_args!(
        "extracted {} base and {} head files",
        base_extracted.len(),
        head_changed.len()
    ));
    finish_cache(config);

    // Step 3: both graphs, at once, since much of resolution runs on one
    // thread per language. The prefilter builds them itself when it ends
    // with a partial set of files.
    let (base_graph, head_graph) = prefilter_graphs.unwrap_or_else(|| {
        rayon::join(
            || Graph::build(&base_extracted, &graph_options),
            || head.graph(&base_extracted, &graph_options),
        )
    });
    clock.lap(format_args!(
        "built graphs: base {} symbols, head {} symbols",
        base_graph.symbols.len(),
        head_graph.symbols.len()
    ));

    // Step 4: changed symbols.
    let mut texts = ChangedTexts::default();
    for source in &base_sources {
        if changed_paths.contains(source.path.as_str())
            && let Some(bytes) = source.bytes()
        {
            texts.base.insert(source.path.clone(), bytes.to_vec());
        }
    }
    for source in head_sources {
        texts.head.insert(source.path, source.bytes);
    }
    // The graphs above see every change; only the reported ones are scoped.
    let reported = scoped_changes(&change_set, &config.paths);
    let mut symbol_changes = changed_symbols(&reported, &base_graph, &head_graph, &texts);
    drop_formatted_containers(&mut symbol_changes, &base_graph, &head_graph);
    module_mutation::add_mutated_definitions(&mut symbol_changes, &base_graph, &head_graph, &texts);

    // Step 5: reach of each changed symbol, in parallel.
    let mut reaches = search_dependents(&symbol_changes, &base_graph, &head_graph, config);
    narrow_module_changes(
        &symbol_changes,
        &mut reaches,
        &base_graph,
        &head_graph,
        &texts,
        &base_sources,
        &base_reader,
    )?;

    clock.lap(format_args!(
        "reach of {} changed symbols",
        symbol_changes.len()
    ));

    // Step 6: scores and the report.
    let head_lines = HeadLines::new(&base_graph, &head_graph, &change_set);
    let mut changes: Vec<ChangedSymbol> = symbol_changes
        .par_iter()
        .zip(&reaches)
        .map(|(change, reach)| {
            changed_symbol(
                change,
                reach,
                &base_graph,
                &head_graph,
                &head_lines,
                &change_set,
                &config.policy,
            )
        })
        .collect();
    let inputs = likely_break::BreakInputs {
        repo,
        head_side: &comparison.head,
        base: &base_graph,
        head: &head_graph,
        symbol_changes: &symbol_changes,
        texts: &texts,
        policy: &config.policy,
    };
    likely_break::find_still_referenced(inputs, &mut changes);
    calls::find_mismatched_calls(inputs, &mut changes);
    implementations::find_broken_implementations(inputs, &mut changes);
    // Inherited copies are added after scoring, so the tests factor counts
    // a test method once however many classes inherit it.
    inherited_tests::add_inherited_tests(&head_graph, &config.policy, &mut changes);
    // Same-named definitions in one file (`@overload` stubs, conditional
    // definitions) are one symbol to a reader: keep the highest-scored, and
    // among equal scores the one whose change weighs most, so that a real
    // edit is not hidden behind a reformatted stub. Among equals the last
    // one stays, because an overloaded function's implementation follows
    // its stubs.
    changes.sort_by(|a, b| {
        b.score
            .value
            .cmp(&a.score.value)
            .then_with(|| b.score.raw.total_cmp(&a.score.raw))
            .then_with(|| multiplier_of(b).total_cmp(&multiplier_of(a)))
            .then_with(|| b.start_line.cmp(&a.start_line))
    });
    let mut seen_names: FxHashSet<(String, String, ChangeKind)> = FxHashSet::default();
    changes.retain(|c| seen_names.insert((c.file.clone(), c.name.clone(), c.kind)));
    for change in &mut changes {
        dedupe_dependents(&mut change.certain);
        dedupe_dependents(&mut change.possible);
        dedupe_dependents(&mut change.tests);
    }
    changes.sort_by(|a, b| {
        b.score
            .value
            .cmp(&a.score.value)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.start_line.cmp(&b.start_line))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    // The total is scored over the listed changes. The diff as a whole is
    // never rated below its riskiest part: the union is scored on a larger
    // scale and leaves the changed files out of its breadth.
    let mut total = total_score(&changes, &config.policy);
    if let Some(top) = changes.first() {
        apply_floor(&mut total, &top.score, &top.name);
    }

    // Step 7: provenance of the range's commits.
    let mut commits = Vec::new();
    if matches!(comparison.base, Side::Commit(_)) {
        for commit in repo.commits(&comparison)? {
            let tool_trailers: Vec<String> = commit
                .trailers
                .iter()
                .filter(|(key, value)| config.policy.is_tool_trailer(key, value))
                .map(|(key, value)| format!("{key}: {value}"))
                .collect();
            commits.push(CommitSummary {
                id: commit.id,
                summary: commit.summary,
                tool_trailers,
            });
        }
    }
    clock.lap(format_args!(
        "scores and {} commits' trailers",
        commits.len()
    ));
    let tool_assisted = commits.iter().any(|c| !c.tool_trailers.is_empty());
    // `--fail-on none` never fails. A level of none in the policy only
    // leaves out that threshold, so the provenance one can still apply.
    let fail_on = if config.fail_on == Some(Level::None) {
        None
    } else {
        let base_level = config
            .fail_on
            .or(config.policy.fail_on)
            .filter(|level| *level != Level::None);
        let strict = config
            .policy
            .provenance_fail_on
            .filter(|level| *level != Level::None);
        match (base_level, strict) {
            (base_level, Some(strict)) if tool_assisted => {
                Some(base_level.map_or(strict, |l| l.min(strict)))
            }
            (base_level, _) => base_level,
        }
    };

    let mut stats = analysis_stats(
        &base_graph,
        &head_graph,
        base_extracted.len(),
        head.files(&base_extracted).len(),
        &to_read,
    );
    stats.excluded = excluded;
    let (limits_reached, mut warnings) = limits_reached(&stats, &reaches, config);
    let skipped_changes: Vec<String> = stats
        .skipped
        .iter()
        .filter(|(path, reason)| {
            *reason != SkipReason::Binary && changed_paths.contains(path.as_str())
        })
        .map(|(path, reason)| format!("{path} ({})", reason.name()))
        .collect();
    if !skipped_changes.is_empty() {
        warnings.push(format!(
            "changed files were not analysed, so their changes are missing from this report: {}",
            skipped_changes.join(", ")
        ));
    }
    let unreadable: Vec<&(String, SkipReason)> = stats
        .skipped
        .iter()
        .filter(|(_, reason)| *reason != SkipReason::Binary)
        .collect();
    // Files skipped by a limit have a warning of their own.
    let failed: Vec<&&(String, SkipReason)> = unreadable
        .iter()
        .filter(|(_, reason)| !matches!(reason, SkipReason::TooLarge | SkipReason::TimedOut))
        .collect();
    if !failed.is_empty() {
        warnings.push(format!(
            "{} source files were skipped (not UTF-8, unparsable, symbol names too long, or extraction failed), so dependents in them are missing: {}",
            failed.len(),
            failed.iter().take(5).map(|(path, reason)| format!("{path} ({})", reason.name())).collect::<Vec<_>>().join(", ")
        ));
    }
    if !stats.files_with_parse_errors.is_empty() {
        let count = stats.files_with_parse_errors.len();
        let mut names: Vec<&str> = stats
            .files_with_parse_errors
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        if count > names.len() {
            names.push("…");
        }
        let names = names.join(", ");
        // Valid code can fail too, when the grammar predates its syntax.
        warnings.push(if count == 1 {
            format!("1 file has syntax errors that tree-sitter recovered from, so some of its references may be missing (valid code that the grammar does not cover, such as some macros, shows up here too): {names}")
        } else {
            format!("{count} files have syntax errors that tree-sitter recovered from, so some of their references may be missing (valid code that the grammar does not cover, such as some macros, shows up here too): {names}")
        });
    }
    warnings.extend(policy_warnings(&config.policy, &head_paths));
    if reported.files.is_empty() && !change_set.files.is_empty() {
        warnings.push(format!(
            "no changed file is at or under the paths given after -- (from the repository root: {}), although {} files changed in all",
            config.paths.join(", "),
            change_set.files.len()
        ));
    }
    let truncated = changes.iter().any(|c| c.truncated);
    let python = &base_graph.stats.python;
    let local_imports = python.imports_resolved + python.imports_unresolved_local;
    if python.imports_unresolved_local * 2 > local_imports && python.imports_unresolved_local >= 3 {
        warnings.push(format!(
            "{} of {local_imports} Python imports of the repository's own modules did not resolve: \
             the source roots may be wrong; list them under [python] roots in blast.toml",
            python.imports_unresolved_local
        ));
    }
    let report = Report {
        base: revision_info(
            &comparison.base,
            &match &comparison.merge_base {
                Some(_) => format!(
                    "merge base of {} and {}",
                    comparison.base_label, comparison.head_label
                ),
                None => comparison.base_label.clone(),
            },
        ),
        head: revision_info(&comparison.head, &comparison.head_label),
        merge_base: comparison.merge_base.clone(),
        files: file_summaries(&reported, &config.policy),
        changes,
        total,
        complete: unreadable.is_empty() && !truncated,
        limits_reached,
        stats,
        warnings,
        commits,
        tool_assisted,
        fail_on,
    };
    drop_in_background((base_graph, head_graph, base_extracted));
    Ok(report)
}

/// Frees `value` on a thread of its own. The graphs and extracted files of
/// a large repository hold millions of small allocations, and freeing them
/// took a tenth of a warm diff's time on the crates corpus.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here instead.
    let _ = std::thread::Builder::new()
        .name("blast-drop".to_owned())
        .spawn(move || drop(value));
}

/// Searches the dependents of every changed symbol, in parallel, within
/// [`Config::max_total_edges`] edges over all of them. Each chunk of
/// changes is searched with the budget left before it. The results are
/// then taken in order: the first search that would overrun the budget is
/// run again with what is left, and the rest of the chunk and every later
/// chunk are not searched at all. The same input thus always cuts the
/// same symbols short.
fn search_dependents(
    changes: &[SymbolChange],
    base_graph: &Graph,
    head_graph: &Graph,
    config: &Config,
) -> Vec<Reach> {
    let search = |change: &SymbolChange, max_edges: u64| match change.kind {
        ChangeKind::Added => reach_within(
            head_graph,
            change.head.unwrap_or_default(),
            &config.reach_limits(max_edges),
            &[],
        ),
        _ => reach_within(
            base_graph,
            change.base.unwrap_or_default(),
            &config.reach_limits(max_edges),
            &change.base_lines,
        ),
    };
    let not_searched = || Reach {
        truncated: true,
        edge_limited: true,
        ..Reach::default()
    };
    let mut remaining = config.max_total_edges;
    let mut reaches = Vec::with_capacity(changes.len());
    for chunk in changes.chunks(REACH_CHUNK) {
        if remaining == 0 {
            reaches.extend(chunk.iter().map(|_| not_searched()));
            continue;
        }
        let budget = remaining;
        let found: Vec<Reach> = chunk
            .par_iter()
            .map(|change| search(change, budget))
            .collect();
        for (change, reach) in chunk.iter().zip(found) {
            if remaining == 0 {
                reaches.push(not_searched());
                continue;
            }
            let reach = if reach.edges_examined > remaining {
                search(change, remaining)
            } else {
                reach
            };
            remaining -= reach.edges_examined.min(remaining);
            if reach.edge_limited {
                remaining = 0;
            }
            reaches.push(reach);
        }
    }
    reaches
}

/// Lists the limits that the run reached, each with a warning that names
/// the limit, its value and what it cut short.
fn limits_reached(
    stats: &AnalysisStats,
    reaches: &[Reach],
    config: &Config,
) -> (Vec<LimitReached>, Vec<String>) {
    let mut limits = Vec::new();
    let mut warnings = Vec::new();
    let skipped_for = |wanted: SkipReason| -> Vec<&str> {
        stats
            .skipped
            .iter()
            .filter(|(_, reason)| *reason == wanted)
            .map(|(path, _)| path.as_str())
            .collect()
    };
    let examples = |paths: &[&str]| paths.iter().take(5).copied().collect::<Vec<_>>().join(", ");

    let too_large = skipped_for(SkipReason::TooLarge);
    if !too_large.is_empty() {
        let value = config.extract.max_file_bytes as f64;
        warnings.push(format!(
            "{} larger than --max-file-size ({value} bytes) and skipped, so dependents in {} missing: {}",
            if too_large.len() == 1 {
                "1 source file read is".to_owned()
            } else {
                format!("{} source files read are", too_large.len())
            },
            if too_large.len() == 1 { "it are" } else { "them are" },
            examples(&too_large)
        ));
        limits.push(LimitReached {
            name: "max_file_size",
            flag: "--max-file-size",
            value,
            unit: "bytes",
            count: too_large.len(),
        });
    }
    let timed_out = skipped_for(SkipReason::TimedOut);
    if !timed_out.is_empty() {
        let value = config.extract.parse_timeout.as_secs_f64();
        warnings.push(format!(
            "{} source files took longer than --parse-timeout ({value} s) to parse and query and were skipped, so dependents in them are missing: {}",
            timed_out.len(),
            examples(&timed_out)
        ));
        limits.push(LimitReached {
            name: "parse_timeout",
            flag: "--parse-timeout",
            value,
            unit: "seconds",
            count: timed_out.len(),
        });
    }
    let by_dependents = reaches
        .iter()
        .filter(|reach| reach.truncated && !reach.edge_limited)
        .count();
    if by_dependents > 0 {
        let value = config.max_dependents as f64;
        warnings.push(format!(
            "the search for dependents stopped at --max-dependents ({value}) for {by_dependents} symbols: their lists are a lower bound"
        ));
        limits.push(LimitReached {
            name: "max_dependents",
            flag: "--max-dependents",
            value,
            unit: "dependents",
            count: by_dependents,
        });
    }
    let by_edges = reaches.iter().filter(|reach| reach.edge_limited).count();
    if by_edges > 0 {
        let value = config.max_total_edges as f64;
        warnings.push(format!(
            "the searches for dependents examined --max-total-edges ({value}) edges over all changed symbols, so {by_edges} symbols were searched in part or not at all: their lists are a lower bound"
        ));
        limits.push(LimitReached {
            name: "max_total_edges",
            flag: "--max-total-edges",
            value,
            unit: "edges",
            count: by_edges,
        });
    }
    (limits, warnings)
}

/// Logs what the cache did and trims it to its size limit.
fn finish_cache(config: &Config) {
    if let Some(cache) = &config.cache {
        let stats = cache.stats();
        log::info!(
            "cache {}: {} hits, {} misses, {} written, {} corrupt entries removed",
            cache.root().display(),
            stats.hits,
            stats.misses,
            stats.writes,
            stats.corrupt
        );
        cache.trim();
    }
}

/// Logs the time each step of an analysis takes, at `-v`.
struct Stopwatch {
    last: std::time::Instant,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            last: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, what: std::fmt::Arguments<'_>) {
        let now = std::time::Instant::now();
        let memory = resident_memory()
            .map(|(now, peak)| format!(" (memory {} MiB, peak {} MiB)", now >> 10, peak >> 10))
            .unwrap_or_default();
        log::info!("{what} in {} ms{memory}", (now - self.last).as_millis());
        self.last = now;
    }
}

/// Returns the resident memory and its peak so far, in KiB, where the
/// system reports them (Linux's `/proc`).
fn resident_memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Builds the graph of one revision (`None`: the work tree), for `blast graph`.
///
/// # Errors
///
/// Fails when the repository or the revision cannot be read.
pub fn load_graph(repo: &Repo, rev: Option<&str>, config: &Config) -> Result<Graph, AnalyzeError> {
    let side = match rev {
        None => Side::WorkTree,
        Some(rev) => {
            let spec = DiffSpec::Range {
                base: rev.to_owned(),
                head: rev.to_owned(),
            };
            let comparison: Comparison = repo.resolve(&spec)?;
            comparison.base
        }
    };
    let mut clock = Stopwatch::start();
    let entries = repo.list_files(&side)?;
    let options = graph_options(repo, &side, &entries, config);
    let attributes = linguist_attributes(repo, &side, &entries, config);
    let reader = SideReader {
        repo,
        side: &side,
        extract: &config.extract,
        cache: config.cache.as_deref(),
    };
    let sources = reader.load(
        &entries,
        &source_paths(&entries, &config.policy, &[&attributes]),
        &FxHashSet::default(),
    )?;
    clock.lap(format_args!("listed {} files", sources.len()));
    let all: Vec<&SideFile> = sources.iter().collect();
    let extracted: Vec<Arc<ExtractedFile>> =
        reader.extract(&all)?.into_iter().map(Arc::new).collect();
    clock.lap(format_args!("extracted {} files", extracted.len()));
    finish_cache(config);
    // The text is not needed any more: free it before the graph's peak.
    drop(all);
    drop(sources);
    let graph = Graph::build(&extracted, &options);
    clock.lap(format_args!(
        "built the graph: {} symbols",
        graph.symbols.len()
    ));
    // Freed before returning, not in the background: the caller renders
    // the graph next, and that peak would otherwise include these files.
    drop(extracted);
    Ok(graph)
}

/// Narrows the reach of changes to a module's top-level statements to the
/// dependents whose own text names something on a changed line (see
/// `module_change`). The texts of those dependents' files are read when the
/// cache stood in for them.
fn narrow_module_changes(
    changes: &[SymbolChange],
    reaches: &mut [Reach],
    base: &Graph,
    head: &Graph,
    texts: &ChangedTexts,
    base_sources: &[SideFile],
    reader: &SideReader<'_>,
) -> Result<(), AnalyzeError> {
    let module_changes: Vec<(usize, blast_graph::SymbolId)> = changes
        .iter()
        .enumerate()
        .filter(|(_, change)| change.kind == ChangeKind::Modified)
        .filter_map(|(idx, change)| Some((idx, change.base?)))
        .filter(|(_, start)| base.symbols[*start as usize].kind == SymbolKind::Module)
        .collect();
    if module_changes.is_empty() {
        return Ok(());
    }
    let mut file_texts: FxHashMap<&str, &[u8]> = base_sources
        .iter()
        .filter_map(|s| Some((s.path.as_str(), s.bytes()?)))
        .collect();
    let missing: Vec<String> = module_changes
        .iter()
        .flat_map(|(idx, _)| reaches[*idx].certain.iter().chain(&reaches[*idx].possible))
        .map(|reached| base.file_of(reached.symbol).path.as_str())
        .filter(|path| !file_texts.contains_key(path))
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let read = reader.repo.read_files(reader.side, &missing)?;
    for (path, bytes) in missing.iter().zip(&read) {
        if let Some(bytes) = bytes {
            file_texts.insert(path.as_str(), bytes.as_slice());
        }
    }
    for (idx, start) in module_changes {
        let (names, imports_only) = top_level_names(&changes[idx], base, head, texts);
        module_change::retain_users(
            &mut reaches[idx],
            base,
            start,
            &names,
            &file_texts,
            !imports_only,
        );
    }
    Ok(())
}

/// Collects the names on the changed top-level lines of a modified module,
/// on both sides of the diff. When those lines are Python import
/// statements on both sides, only the names whose binding was added, dropped
/// or changed count, and the second value is true.
fn top_level_names(
    change: &SymbolChange,
    base: &Graph,
    head: &Graph,
    texts: &ChangedTexts,
) -> (BTreeSet<String>, bool) {
    let mut names = BTreeSet::new();
    let mut bindings = Vec::new();
    for (graph, id, lines, side) in [
        (base, change.base, &change.base_lines, &texts.base),
        (head, change.head, &change.head_lines, &texts.head),
    ] {
        let Some(id) = id else { continue };
        let file = graph.file_of(id);
        if let Some(text) = side.get(&file.path) {
            names.extend(module_change::line_names(file.lang, text, lines));
            if file.lang == Lang::Python {
                bindings.push(module_change::python_import_bindings(text, lines));
            }
        }
    }
    match bindings.as_slice() {
        [Some(before), Some(after)] => (module_change::changed_bindings(before, after), true),
        _ => (names, false),
    }
}

/// Lists the source files of a side that the policy does not ignore and
/// no `.gitattributes` of `attributes` marks vendored or generated.
fn source_paths(
    entries: &[TreeEntry],
    policy: &Policy,
    attributes: &[&LinguistAttributes],
) -> Vec<String> {
    entries
        .iter()
        .filter(|e| Lang::from_path(&e.path).is_some() && !policy.ignore.is_match(&e.path))
        .filter(|e| attributes.iter().all(|a| a.exclusion(&e.path).is_none()))
        .map(|e| e.path.clone())
        .collect()
}

/// Reads the Linguist attributes of a side from its `.gitattributes`
/// files; none when the configuration turns the exclusion off.
fn linguist_attributes(
    repo: &Repo,
    side: &Side,
    entries: &[TreeEntry],
    config: &Config,
) -> LinguistAttributes {
    if !config.exclude_linguist {
        return LinguistAttributes::default();
    }
    let paths: Vec<String> = entries
        .iter()
        .filter(|e| e.path == ".gitattributes" || e.path.ends_with("/.gitattributes"))
        .map(|e| e.path.clone())
        .collect();
    if paths.is_empty() {
        return LinguistAttributes::default();
    }
    match repo.read_files(side, &paths) {
        Ok(contents) => {
            let files: Vec<(String, String)> = paths
                .into_iter()
                .zip(contents)
                .filter_map(|(path, bytes)| {
                    bytes.map(|b| (path, String::from_utf8_lossy(&b).into_owned()))
                })
                .collect();
            LinguistAttributes::from_files(&files)
        }
        Err(err) => {
            log::warn!(
                "failed to read .gitattributes, so vendored and generated files are analysed: {err}"
            );
            LinguistAttributes::default()
        }
    }
}

/// Returns warnings for policy entries that match nothing in the head
/// revision's source files, which are most likely typos: configured test
/// patterns that match no file (so no file counts as test code), and Python roots that
/// contain no file.
fn policy_warnings(policy: &Policy, head_paths: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    if policy.tests_configured && !head_paths.is_empty() {
        let mut matched = vec![false; policy.test_patterns.len()];
        for path in head_paths {
            for idx in policy.test_files.matches(path) {
                matched[idx] = true;
            }
        }
        if !matched.contains(&true) {
            warnings.push(
                "[tests] patterns of the policy file match no source file, so no file counts as test code (Java and Rust tests are still found by their annotations); check the patterns".to_owned(),
            );
        } else {
            for (pattern, _) in
                policy
                    .test_patterns
                    .iter()
                    .zip(&matched)
                    .filter(|(pattern, matched)| {
                        // A default pattern kept beside new ones is no typo.
                        !**matched
                            && !crate::policy::DEFAULT_TEST_PATTERNS.contains(&pattern.as_str())
                    })
            {
                warnings.push(format!(
                    "[tests] patterns entry {pattern:?} of the policy file matches no source file; check it for a typo"
                ));
            }
        }
    }
    for root in &policy.python_roots {
        if matches!(root.as_str(), "" | "." | "./") {
            continue;
        }
        let prefix = format!("{}/", root.trim_end_matches('/'));
        if !head_paths.iter().any(|p| p.starts_with(&prefix)) {
            warnings.push(format!(
                "[python] roots entry {root:?} of the policy file contains no source file; give it relative to the repository root"
            ));
        }
    }
    warnings
}

/// Graph options for one side: the configured ones, plus Python source roots
/// that `pyproject.toml` files declare and the crates that `Cargo.toml`
/// files declare.
fn graph_options(repo: &Repo, side: &Side, entries: &[TreeEntry], config: &Config) -> GraphOptions {
    let mut options = config.graph.clone();
    options
        .python
        .roots
        .extend(config.policy.python_roots.iter().cloned());
    let is_manifest = |path: &str, name: &str| path == name || path.ends_with(&format!("/{name}"));
    let manifests: Vec<String> = entries
        .iter()
        .filter(|e| is_manifest(&e.path, "pyproject.toml") || is_manifest(&e.path, "Cargo.toml"))
        .filter(|e| !config.policy.ignore.is_match(&e.path))
        .map(|e| e.path.clone())
        .collect();
    if manifests.is_empty() {
        return options;
    }
    let contents = match repo.read_files(side, &manifests) {
        Ok(contents) => contents,
        Err(err) => {
            log::warn!("could not read the project manifests: {err}");
            return options;
        }
    };
    let mut cargo_manifests = Vec::new();
    for (path, bytes) in manifests.iter().zip(contents) {
        let Some(text) = bytes.and_then(|b| String::from_utf8(b).ok()) else {
            continue;
        };
        if is_manifest(path, "Cargo.toml") {
            cargo_manifests.push((path.clone(), text));
            continue;
        }
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for root in crate::pyproject::source_roots(&text) {
            let joined = if dir.is_empty() {
                root
            } else {
                format!("{dir}/{root}")
            };
            if !options.python.roots.contains(&joined) {
                options.python.roots.push(joined);
            }
        }
    }
    options.python.roots.sort();
    if !cargo_manifests.is_empty() {
        options.rust = blast_graph::RustLayout::from_manifests(cargo_manifests);
        for (path, message) in &options.rust.errors {
            log::warn!("skipped the invalid manifest {path}: {message}");
        }
    }
    options
}

fn read_paths(repo: &Repo, side: &Side, paths: &[String]) -> Result<Vec<SourceFile>, AnalyzeError> {
    let contents = repo.read_files(side, paths)?;
    Ok(paths
        .iter()
        .zip(contents)
        .filter_map(|(path, bytes)| {
            bytes.map(|bytes| SourceFile {
                path: path.clone(),
                bytes,
            })
        })
        .collect())
}

/// The inputs of the head graph, besides the base side's extracted files.
pub(crate) struct HeadInputs<'a> {
    /// The head revision's source paths.
    pub paths: &'a [String],
    /// Paths the diff changes, on either side.
    pub changed_paths: &'a FxHashSet<&'a str>,
    /// The head side's changed files, extracted.
    pub changed: &'a [Arc<ExtractedFile>],
    pub prefilter: bool,
}

impl HeadInputs<'_> {
    /// Returns the head graph's files. Unchanged files share their
    /// extraction with `base_extracted`, and with the prefilter, files the
    /// base side did not parse stay out of the head graph too.
    fn files(&self, base_extracted: &[Arc<ExtractedFile>]) -> Vec<Arc<ExtractedFile>> {
        let base_by_path: FxHashMap<&str, &Arc<ExtractedFile>> = base_extracted
            .iter()
            .map(|f| (f.path.as_str(), f))
            .collect();
        let mut files: Vec<Arc<ExtractedFile>> = self
            .paths
            .iter()
            .filter(|p| !self.changed_paths.contains(p.as_str()))
            .filter_map(|p| base_by_path.get(p.as_str()).map(|f| Arc::clone(f)))
            .collect();
        files.extend(self.changed.iter().cloned());
        files
    }

    /// Builds the head graph from [`HeadInputs::files`].
    pub(crate) fn graph(
        &self,
        base_extracted: &[Arc<ExtractedFile>],
        options: &GraphOptions,
    ) -> Graph {
        let files = self.files(base_extracted);
        let mut options = options.clone();
        if self.prefilter {
            options.python.all_paths = self
                .paths
                .iter()
                .filter(|p| Lang::from_path(p) == Some(Lang::Python))
                .cloned()
                .collect();
        }
        Graph::build(&files, &options)
    }
}

/// The start line and qualified name of each symbol of a file, by local
/// name, in the order of the file.
type LinesByName<'g> = FxHashMap<&'g str, Vec<(u32, &'g str)>>;

/// Start lines of the symbols of the head graph, by file and name in the
/// file, so that dependents found at the base are shown where they are at
/// the head. Same-named definitions of one file, such as two `#[cfg]`
/// variants of a Rust item, are matched by their order in the file. Each
/// file's table is built when a dependent first needs it: most diffs reach
/// few of the files.
struct HeadLines<'g> {
    base: &'g Graph,
    head: &'g Graph,
    /// Per head file, the line and qualified name of each symbol by local
    /// name, in the order of the file.
    lines: Vec<OnceLock<LinesByName<'g>>>,
    /// Base path to head path, for the files the diff renames.
    renames: FxHashMap<&'g str, &'g str>,
    /// Base paths of the files the diff deletes: code there cannot break.
    deleted: FxHashSet<&'g str>,
    /// Per file of the base and of the head graph, [`namesake_ordinals`].
    base_ordinals: Vec<OnceLock<Vec<u32>>>,
    head_ordinals: Vec<OnceLock<Vec<u32>>>,
}

impl<'g> HeadLines<'g> {
    fn new(base: &'g Graph, head: &'g Graph, change_set: &'g ChangeSet) -> HeadLines<'g> {
        let renames = change_set
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Renamed)
            .filter_map(|f| Some((f.old_path.as_deref()?, f.new_path.as_deref()?)))
            .collect();
        let deleted = change_set
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Deleted)
            .filter_map(|f| f.old_path.as_deref())
            .collect();
        HeadLines {
            base,
            head,
            lines: unset_per_file(head),
            renames,
            deleted,
            base_ordinals: unset_per_file(base),
            head_ordinals: unset_per_file(head),
        }
    }

    /// Returns the place of symbol `id` of `graph` (the base or the head
    /// graph) among the same-named symbols of its file.
    fn ordinal(&self, graph: &Graph, id: blast_graph::SymbolId) -> u32 {
        let memo = if std::ptr::eq(graph, self.head) {
            &self.head_ordinals
        } else {
            debug_assert!(std::ptr::eq(graph, self.base));
            &self.base_ordinals
        };
        let file = graph.symbols[id as usize].file;
        let first = graph.files[file as usize].first_symbol;
        let ordinals = memo[file as usize].get_or_init(|| namesake_ordinals(graph, file));
        ordinals[(id - first) as usize]
    }

    /// Returns the symbols of a head file by local name.
    fn file_lines(&self, path: &str) -> Option<&LinesByName<'g>> {
        let head = self.head;
        let file = head.file_id(path)?;
        Some(self.lines[file as usize].get_or_init(|| {
            let mut lines = LinesByName::default();
            for id in head.file_symbols(file) {
                let symbol = &head.symbols[id as usize];
                lines
                    .entry(symbol.local_name.as_str())
                    .or_default()
                    .push((symbol.span.start_line, symbol.name.as_str()));
            }
            lines
        }))
    }

    /// Finds a symbol of `path` at the head revision: in the same file, or
    /// in the file it was renamed to. `ordinal` is its place among the
    /// same-named definitions of its file (see [`namesake_ordinals`]), and
    /// the first one is used when the head has fewer of them. Returns the
    /// head path, line and qualified name, which changes with the module
    /// path of a moved file.
    fn locate<'p>(
        &'p self,
        path: &'p str,
        local_name: &str,
        ordinal: u32,
    ) -> Option<(&'p str, u32, &'p str)> {
        let pick = |namesakes: &Vec<(u32, &'p str)>| {
            namesakes
                .get(ordinal as usize)
                .or_else(|| namesakes.first())
                .copied()
        };
        let found = |path: &str| {
            self.file_lines(path)
                .and_then(|lines| lines.get(local_name))
                .and_then(pick)
        };
        if let Some((line, name)) = found(path) {
            return Some((path, line, name));
        }
        let renamed = *self.renames.get(path)?;
        let (line, name) = found(renamed)?;
        Some((renamed, line, name))
    }
}

/// Returns one unset cell per file of `graph`, for tables built on first use.
fn unset_per_file<T>(graph: &Graph) -> Vec<OnceLock<T>> {
    std::iter::repeat_with(OnceLock::new)
        .take(graph.files.len())
        .collect()
}

/// Returns, for each symbol of a file of `graph`, how many symbols of the
/// file with the same local name come before it: 0 for most, 1 for the
/// second of two `#[cfg]` variants of a Rust item.
fn namesake_ordinals(graph: &Graph, file: FileId) -> Vec<u32> {
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    graph
        .file_symbols(file)
        .map(|id| {
            let count = seen
                .entry(graph.symbols[id as usize].local_name.as_str())
                .or_insert(0);
            let ordinal = *count;
            *count += 1;
            ordinal
        })
        .collect()
}

/// Returns the order of dependents by nearness: depth, production code
/// before test code, then place and name.
fn nearest_first(d: &Dependent) -> (u32, bool, &str, u32, &str) {
    (d.depth, d.test_code, &d.file, d.line, &d.name)
}

fn changed_symbol(
    change: &SymbolChange,
    reach: &Reach,
    base: &Graph,
    head: &Graph,
    head_lines: &HeadLines<'_>,
    change_set: &ChangeSet,
    policy: &Policy,
) -> ChangedSymbol {
    // Added symbols live on the head side; everything else is described at
    // the base, where its dependents are, but named by its head file.
    let (graph, id) = match (change.kind, change.base, change.head) {
        (ChangeKind::Added, _, Some(head_id)) => (head, head_id),
        (_, Some(base_id), _) => (base, base_id),
        (_, None, Some(head_id)) => (head, head_id),
        (_, None, None) => unreachable!("a symbol change names at least one side"),
    };
    let symbol = &graph.symbols[id as usize];
    let head_symbol = change.head.map(|h| &head.symbols[h as usize]);
    let base_symbol = change.base.map(|b| &base.symbols[b as usize]);
    let (file, start_line, end_line) = match head_symbol {
        Some(h) => (
            head.file_of(change.head.unwrap_or_default()).path.clone(),
            h.span.start_line,
            h.span.end_line,
        ),
        None => (
            graph.file_of(id).path.clone(),
            symbol.span.start_line,
            symbol.span.end_line,
        ),
    };
    let old_file = base_symbol
        .map(|_| base.file_of(change.base.unwrap_or_default()).path.clone())
        .filter(|f| *f != file);
    let old_name = match (base_symbol, head_symbol) {
        (Some(b), Some(h)) if b.name != h.name => Some(b.name.clone()),
        _ => None,
    };
    let name = head_symbol.map_or_else(|| symbol.name.clone(), |h| h.name.clone());

    // Most dependents share a few files: match each file's path against
    // the test globs once.
    let test_files: std::cell::RefCell<FxHashMap<FileId, bool>> = Default::default();
    let in_test_file = |file: FileId, path: &str| {
        *test_files
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| policy.test_files.is_match(path))
    };
    let to_dependent = |reached: &crate::reach::Reached| {
        let dep = &graph.symbols[reached.symbol as usize];
        let path = &graph.files[dep.file as usize].path;
        // A dependent in a renamed file is shown where it is now.
        let ordinal = head_lines.ordinal(graph, reached.symbol);
        let at_head = head_lines.locate(path, &dep.local_name, ordinal);
        let mut dependent = Dependent {
            name: at_head.map_or_else(|| dep.name.clone(), |(_, _, name)| name.to_owned()),
            local_name: dep.local_name.clone(),
            kind: dep.kind,
            file: at_head.map_or_else(|| path.clone(), |(head_path, _, _)| head_path.to_owned()),
            line: at_head.map_or(dep.span.start_line, |(_, line, _)| line),
            depth: reached.depth,
            weight: reached.weight,
            exists_at_head: at_head.is_some(),
            is_test: is_test(graph, reached.symbol, policy),
            test_code: false,
            via: graph.symbols[reached.via as usize].name.clone(),
            inherited_from: None,
        };
        // A dependent in a renamed file is matched by its head path.
        let in_tests = if dependent.file == *path {
            in_test_file(dep.file, path)
        } else {
            policy.test_files.is_match(&dependent.file)
        };
        dependent.test_code = dependent.is_test
            || dep.test_only
            || in_tests
            || in_tests_module(&dependent.local_name);
        dependent
    };
    // A dependent in a file that the diff deletes is gone with it.
    let remains = |reached: &&crate::reach::Reached| {
        let file = graph.symbols[reached.symbol as usize].file;
        !head_lines
            .deleted
            .contains(graph.files[file as usize].path.as_str())
    };
    let mut certain: Vec<Dependent> = reach
        .certain
        .iter()
        .filter(remains)
        .map(to_dependent)
        .collect();
    let mut possible: Vec<Dependent> = reach
        .possible
        .iter()
        .filter(remains)
        .map(to_dependent)
        .collect();
    // Merge repeats before scoring, so the score counts what is listed.
    dedupe_dependents(&mut certain);
    dedupe_dependents(&mut possible);
    // Certain dependents nearest first, production code before test code
    // at each depth; possible ones with all production code first, highest
    // weight first. A reader looks for production code in the first lines.
    certain.sort_by(|a, b| nearest_first(a).cmp(&nearest_first(b)));
    possible.sort_by(|a, b| {
        a.test_code
            .cmp(&b.test_code)
            .then_with(|| b.weight.total_cmp(&a.weight))
            .then_with(|| nearest_first(a).cmp(&nearest_first(b)))
    });

    // Tests are listed apart and count for the safety net, not for reach.
    let tests: Vec<Dependent> = certain
        .iter()
        .chain(&possible)
        .filter(|d| d.is_test)
        .cloned()
        .collect();
    let symbol_is_test = is_test(graph, id, policy);
    let own_file = graph.file_of(id).path.as_str();
    // A test does not run in production, so its own path or name puts it
    // in no tier (`test_proxy_authorization` is not auth code).
    let own_is_test_code =
        symbol_is_test || symbol.test_only || is_test_code(own_file, &symbol.local_name, policy);
    let mut tiers: Vec<(&str, f64, bool)> = Vec::new();
    for tier in &policy.tiers {
        if !own_is_test_code && tier.matches(own_file, &symbol.name) {
            tiers.push((&tier.name, tier.weight, true));
        } else if certain
            .iter()
            .any(|d| !d.test_code && tier.matches(&d.file, &d.name))
        {
            tiers.push((&tier.name, tier.weight, false));
        }
    }
    let production = |d: &&Dependent| !d.test_code;
    let has_dependents = certain.iter().chain(&possible).any(|d| !d.is_test);
    let input = ScoreInput {
        certain: certain
            .iter()
            .filter(production)
            .map(|d| (d.depth, 1.0))
            .collect(),
        possible: possible
            .iter()
            .filter(production)
            .map(|d| (d.depth, d.weight))
            .collect(),
        // Breadth counts only files a certain dependent is in: a weak
        // candidate should not earn a whole file's points.
        dependent_files: certain
            .iter()
            .filter(production)
            .map(|d| d.file.as_str())
            .collect(),
        own_files: vec![own_file],
        // Test code is no API, and a change to it is checked by running
        // the tests that use it, so neither factor applies.
        public: symbol.public && !own_is_test_code,
        change: Some(change.kind),
        whitespace_only: change.whitespace_only,
        signature: change.modification == Some(Modification::Signature),
        tiers: tiers.clone(),
        tests: (!own_is_test_code && has_dependents).then_some(tests.len()),
        possible_tests: possible.iter().filter(|d| d.is_test).count(),
    };
    let score = compute(&input);
    let head_location = match change.head {
        Some(head_id) => Some((
            head.file_of(head_id).path.clone(),
            head.symbols[head_id as usize].span.start_line,
        )),
        // A deleted symbol of a file that remains: where its lines were.
        None => head.file_id(&file).map(|head_file| {
            let lines = head.files[head_file as usize].line_count.max(1);
            let line = head_line_of(change_set, &file, start_line);
            (file.clone(), line.clamp(1, lines))
        }),
    };
    ChangedSymbol {
        head_location,
        name,
        local_name: head_symbol.map_or_else(|| symbol.local_name.clone(), |h| h.local_name.clone()),
        symbol_kind: symbol.kind,
        kind: change.kind,
        file,
        old_file,
        old_name,
        start_line,
        end_line,
        public: symbol.public,
        whitespace_only: change.whitespace_only,
        modification: change.modification,
        still_referenced: Vec::new(),
        possibly_still_referenced: Vec::new(),
        mismatched_calls: Vec::new(),
        broken_implementations: Vec::new(),
        score,
        certain,
        possible,
        truncated: reach.truncated,
        tests: if symbol_is_test && change.kind != ChangeKind::Deleted {
            let mut own = tests;
            own.insert(0, changed_test(head, change.head, graph, id, policy));
            own
        } else if change.kind == ChangeKind::Added {
            // An added class (a new Java test class) brings its tests.
            let mut own: Vec<Dependent> = nested_tests(head, id, policy)
                .map(|test| changed_test(head, Some(test), head, test, policy))
                .collect();
            own.extend(tests);
            own
        } else {
            tests
        },
        is_test: symbol_is_test,
        test_code: own_is_test_code,
        tiers: tiers
            .iter()
            .map(|(name, _, _)| (*name).to_owned())
            .collect(),
    }
}

/// Drops repeated dependents with the same name in the same file at the
/// same line, keeping the first (nearest or heaviest) one. Same-named
/// definitions at other lines, such as two `#[cfg]` variants of a Rust
/// item, are separate symbols that each may break, so all of them stay.
fn dedupe_dependents(list: &mut Vec<Dependent>) {
    let keep: Vec<bool> = {
        let mut seen: FxHashSet<(&str, &str, u32)> = FxHashSet::default();
        list.iter()
            .map(|d| seen.insert((&d.file, &d.name, d.line)))
            .collect()
    };
    if keep.iter().all(|&k| k) {
        return;
    }
    let mut keep = keep.into_iter();
    list.retain(|_| keep.next().unwrap_or(true));
}

/// Returns the tests defined inside `id`, at any depth.
fn nested_tests<'g>(
    graph: &'g Graph,
    id: u32,
    policy: &'g Policy,
) -> impl Iterator<Item = u32> + 'g {
    let file = graph.symbols[id as usize].file;
    graph.file_symbols(file).filter(move |&inner| {
        let mut parent = graph.symbols[inner as usize].parent;
        while let Some(p) = parent {
            if p == id {
                return is_test(graph, inner, policy);
            }
            parent = graph.symbols[p as usize].parent;
        }
        false
    })
}

/// Returns the head line where line `line` of the base file `path` sits
/// after the diff: shifted by the hunks above it, or where the hunk that
/// removed it now starts.
fn head_line_of(change_set: &ChangeSet, path: &str, line: u32) -> u32 {
    let Some(file) = change_set
        .files
        .iter()
        .find(|f| f.old_path.as_deref() == Some(path))
    else {
        return line;
    };
    let mut shift: i64 = 0;
    for hunk in &file.hunks {
        let old_end = hunk.old_start + hunk.old_lines;
        if hunk.old_lines > 0 && (hunk.old_start..old_end).contains(&line) {
            // A hunk that only deletes sits after its new_start line.
            return if hunk.new_lines == 0 {
                hunk.new_start + 1
            } else {
                hunk.new_start
            };
        }
        let above = if hunk.old_lines == 0 {
            hunk.old_start < line
        } else {
            old_end <= line
        };
        if !above {
            break;
        }
        shift += i64::from(hunk.new_lines) - i64::from(hunk.old_lines);
    }
    u32::try_from((i64::from(line) + shift).max(1)).unwrap_or(line)
}

/// Drops each modified class, module or other container whose own text
/// changed only in whitespace or comments while a definition inside it
/// changed too. Its changed lines sit between members, and a "formatting
/// only" entry next to an added interface method misleads.
fn drop_formatted_containers(changes: &mut Vec<SymbolChange>, base: &Graph, head: &Graph) {
    fn ancestors(graph: &Graph, ids: impl Iterator<Item = u32>) -> FxHashSet<u32> {
        ids.flat_map(|id| {
            std::iter::successors(graph.symbols[id as usize].parent, |&p| {
                graph.symbols[p as usize].parent
            })
        })
        .collect()
    }
    let in_base = ancestors(base, changes.iter().filter_map(|c| c.base));
    let in_head = ancestors(head, changes.iter().filter_map(|c| c.head));
    changes.retain(|c| {
        let formatted =
            c.kind == ChangeKind::Modified && c.modification == Some(Modification::Formatting);
        let holds_change = c.head.is_some_and(|id| {
            head.symbols[id as usize].kind.is_container() && in_head.contains(&id)
        }) || c.base.is_some_and(|id| {
            base.symbols[id as usize].kind.is_container() && in_base.contains(&id)
        });
        !(formatted && holds_change)
    });
}

/// A changed test, as an entry of the tests to run.
fn changed_test(
    head: &Graph,
    head_id: Option<u32>,
    graph: &Graph,
    id: u32,
    policy: &Policy,
) -> Dependent {
    let (graph, id) = match head_id {
        Some(head_id) => (head, head_id),
        None => (graph, id),
    };
    let symbol = &graph.symbols[id as usize];
    Dependent {
        name: symbol.name.clone(),
        local_name: symbol.local_name.clone(),
        kind: symbol.kind,
        file: graph.file_of(id).path.clone(),
        line: symbol.span.start_line,
        depth: 0,
        weight: 1.0,
        exists_at_head: true,
        is_test: is_test(graph, id, policy),
        test_code: true,
        via: String::new(),
        inherited_from: None,
    }
}

/// True for code in a test file or in a Rust `tests` module (only Rust
/// names hold `::`). Code that the graph marks `test_only` is test code
/// too; callers check that flag themselves.
pub(crate) fn is_test_code(file: &str, local_name: &str, policy: &Policy) -> bool {
    in_tests_module(local_name) || policy.test_files.is_match(file)
}

/// True for a name inside a Rust `tests` module.
fn in_tests_module(local_name: &str) -> bool {
    local_name.starts_with("tests::") || local_name.contains("::tests::")
}

/// Returns true for test functions and methods, by each language's
/// convention. In Python they are what pytest collects by default from test
/// files: module-level `test*` functions, and `test*` methods of classes
/// named `Test*` or subclassing `unittest.TestCase`. In Java
/// they carry a JUnit test annotation, or are JUnit 3's public `test*()`
/// methods in test files. In Rust they carry a `#[test]`-like attribute.
/// Helpers in test files are not tests, and are not production code either.
pub(crate) fn is_test(graph: &Graph, id: u32, policy: &Policy) -> bool {
    let symbol = &graph.symbols[id as usize];
    if !matches!(symbol.kind, SymbolKind::Function | SymbolKind::Method) {
        return false;
    }
    if symbol.test {
        return true;
    }
    let file = graph.file_of(id);
    let short = symbol
        .local_name
        .rsplit(['.', ':'])
        .next()
        .unwrap_or_default();
    match file.lang {
        // The name is checked before the path, whose globs cost more.
        Lang::Python => {
            short.starts_with("test")
                && policy.test_files.is_match(&file.path)
                && collected_by_pytest(graph, id)
        }
        Lang::Java => {
            symbol.public
                && short.starts_with("test")
                && short.ends_with("()")
                && policy.test_files.is_match(&file.path)
        }
        Lang::Rust => false,
    }
}

/// Returns true when pytest reaches a `test*` function through its
/// enclosing definitions. Each one up to the module must be a class whose
/// `test*` methods pytest collects, so a function nested in a function, or
/// a method of a helper class, is not a test.
fn collected_by_pytest(graph: &Graph, id: u32) -> bool {
    let mut parent = graph.symbols[id as usize].parent;
    while let Some(p) = parent {
        let symbol = &graph.symbols[p as usize];
        match symbol.kind {
            SymbolKind::Module => return true,
            SymbolKind::Class if symbol.test_class => parent = symbol.parent,
            _ => return false,
        }
    }
    true
}

/// Scores the diff as a whole over the union of the dependents of its
/// changed symbols, so a dependent reached from two changes counts once.
/// Dependents are merged by file, name and line, as in each symbol's list
/// (two `#[cfg]` variants of one item stay apart), and
/// each carries the largest change multiplier among the symbols reaching it.
fn total_score(changes: &[ChangedSymbol], policy: &Policy) -> crate::report::Score {
    // (file, name, line) -> (depth, multiplier), and for possible ones the
    // weight.
    let mut certain: BTreeMap<(&str, &str, u32), (u32, f64)> = BTreeMap::new();
    let mut possible: BTreeMap<(&str, &str, u32), (u32, f64, f64)> = BTreeMap::new();
    let mut own_files: Vec<&str> = Vec::new();
    let mut exposure: Option<f64> = None;
    let production = |d: &&Dependent| !d.test_code;
    for changed in changes {
        let multiplier = multiplier_of(changed);
        if multiplier == 0.0 {
            continue;
        }
        own_files.push(changed.old_file.as_deref().unwrap_or(&changed.file));
        let exposed = changed
            .score
            .factors
            .iter()
            .any(|f| f.name == "exposure" && f.points > 0.0);
        if exposed {
            exposure = Some(exposure.map_or(multiplier, |m| m.max(multiplier)));
        }
        for d in changed.certain.iter().filter(production) {
            let entry = certain
                .entry((d.file.as_str(), d.name.as_str(), d.line))
                .or_insert((d.depth, multiplier));
            *entry = (entry.0.min(d.depth), entry.1.max(multiplier));
        }
        for d in changed.possible.iter().filter(production) {
            let entry = possible
                .entry((d.file.as_str(), d.name.as_str(), d.line))
                .or_insert((d.depth, d.weight, multiplier));
            *entry = (
                entry.0.min(d.depth),
                entry.1.max(d.weight),
                entry.2.max(multiplier),
            );
        }
    }
    possible.retain(|key, _| !certain.contains_key(key));
    let input = DiffInput {
        certain: certain.values().copied().collect(),
        possible: possible.values().copied().collect(),
        dependent_files: certain
            .iter()
            .map(|(&(file, _, _), &(_, multiplier))| (file, multiplier))
            .collect(),
        own_files,
        exposure,
        tiers: total_tiers(policy, changes, &certain),
    };
    compute_total(&input)
}

/// Returns the change multiplier that the symbol's own score applied.
fn multiplier_of(changed: &ChangedSymbol) -> f64 {
    // The score's own change factor, which a later step may have lowered.
    if let Some(factor) = changed.score.factors.iter().find(|f| f.name == "change") {
        return factor.points;
    }
    change_multiplier(
        Some(changed.kind),
        changed.whitespace_only,
        changed.modification == Some(Modification::Signature),
    )
}

/// Returns the tiers of the whole diff, each with the largest multiplier among the
/// changed symbols in it, or else among the changes that reach a certain
/// dependent in it.
fn total_tiers<'p>(
    policy: &'p Policy,
    changes: &[ChangedSymbol],
    certain: &BTreeMap<(&str, &str, u32), (u32, f64)>,
) -> Vec<(&'p str, f64, bool, f64)> {
    let mut tiers = Vec::new();
    for tier in &policy.tiers {
        let own = changes
            .iter()
            .filter(|c| !c.test_code)
            .filter(|c| tier.matches(&c.file, &c.name))
            .map(multiplier_of)
            .fold(0.0, f64::max);
        let reached = certain
            .iter()
            .filter(|((file, name, _), _)| tier.matches(file, name))
            .map(|(_, &(_, multiplier))| multiplier)
            .fold(0.0, f64::max);
        if own > 0.0 {
            tiers.push((tier.name.as_str(), tier.weight, true, own));
        } else if reached > 0.0 {
            tiers.push((tier.name.as_str(), tier.weight, false, reached));
        }
    }
    tiers
}

fn analysis_stats(
    base: &Graph,
    head: &Graph,
    files_base: usize,
    files_head: usize,
    read_head: &[String],
) -> AnalysisStats {
    let mut skipped: Vec<(String, SkipReason)> = base.stats.files_skipped.clone();
    for entry in &head.stats.files_skipped {
        if !skipped.contains(entry) {
            skipped.push(entry.clone());
        }
    }
    skipped.sort();
    let mut with_errors: Vec<String> = base
        .files
        .iter()
        .chain(&head.files)
        .filter(|f| f.parse_errors > 0)
        .map(|f| f.path.clone())
        .collect();
    with_errors.sort();
    with_errors.dedup();
    AnalysisStats {
        files_base: files_base as u64,
        files_head: files_head as u64,
        files_parsed: (files_base + read_head.len()) as u64,
        skipped,
        files_with_parse_errors: with_errors,
        excluded: Vec::new(),
        imports_unresolved: base.stats.python.imports_unresolved,
        imports_external: base.stats.python.imports_external,
        calls_too_ambiguous: base.stats.python.calls_too_ambiguous,
    }
}

fn revision_info(side: &Side, label: &str) -> RevisionInfo {
    RevisionInfo {
        label: shorten_ids(label),
        commit: match side {
            Side::Commit(id) => Some(id.clone()),
            _ => None,
        },
    }
}

/// Shortens each full commit id in a label (CI passes them) to its first 12
/// hex digits, the length of git's short ids. `commit` keeps the full id.
fn shorten_ids(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.len() == 40 && word.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push_str(&word[..12]);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in label.chars() {
        if c.is_ascii_hexdigit() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Keeps the changed files at or under one of `paths`; all of them when
/// `paths` is empty. A renamed file counts under either of its paths.
fn scoped_changes<'c>(change_set: &'c ChangeSet, paths: &[String]) -> Cow<'c, ChangeSet> {
    let prefixes: Vec<&str> = paths
        .iter()
        .map(|p| p.trim_start_matches("./").trim_end_matches('/'))
        .collect();
    if prefixes.is_empty() || prefixes.iter().any(|p| p.is_empty() || *p == ".") {
        return Cow::Borrowed(change_set);
    }
    let under = |path: &str| {
        prefixes.iter().any(|prefix| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    };
    Cow::Owned(ChangeSet {
        files: change_set
            .files
            .iter()
            .filter(|f| {
                f.old_path.as_deref().is_some_and(under) || f.new_path.as_deref().is_some_and(under)
            })
            .cloned()
            .collect(),
    })
}

fn file_summaries(change_set: &ChangeSet, policy: &Policy) -> Vec<FileSummary> {
    change_set
        .files
        .iter()
        .map(|f| FileSummary {
            path: f.path().to_owned(),
            old_path: match (&f.old_path, &f.new_path) {
                (Some(old), Some(new)) if old != new => Some(old.clone()),
                _ => None,
            },
            status: f.status,
            binary: f.binary,
            lang: Lang::from_path(f.path()),
            ignored: policy.ignore.is_match(f.path()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use blast_diff::{FileChange, FileStatus, Hunk};

    use super::*;

    #[test]
    fn policy_warnings_name_each_unmatched_test_pattern() {
        let paths = ["pkg/a.py".to_owned(), "tests/test_a.py".to_owned()];
        let policy = Policy::parse(
            "[tests]\npatterns = [\"tests/**\", \"testz/**\"]\n",
            "blast.toml",
        )
        .unwrap();
        let warnings = policy_warnings(&policy, &paths);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("\"testz/**\""), "{warnings:?}");

        let policy = Policy::parse("[tests]\npatterns = [\"testz/**\"]\n", "blast.toml").unwrap();
        let warnings = policy_warnings(&policy, &paths);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("match no source file"), "{warnings:?}");
        // Default patterns copied beside a new one match nothing here
        // (no Java files) and are no typos.
        let policy = Policy::parse(
            "[tests]\npatterns = [\"tests/**\", \"examples/**\", \"**/*Test.java\"]\n",
            "blast.toml",
        )
        .unwrap();
        let warnings = policy_warnings(&policy, &paths);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("\"examples/**\""), "{warnings:?}");
    }

    fn drop_at(line: u32) -> Dependent {
        Dependent {
            name: "vecs::<Small as Drop>::drop".to_owned(),
            local_name: "<Small as Drop>::drop".to_owned(),
            kind: SymbolKind::Method,
            file: "src/lib.rs".to_owned(),
            line,
            depth: 1,
            weight: 1.0,
            via: "vecs::Small::spilled".to_owned(),
            exists_at_head: true,
            is_test: false,
            test_code: false,
            inherited_from: None,
        }
    }

    #[test]
    fn dedupe_keeps_cfg_variants() {
        let mut list = vec![drop_at(11), drop_at(18), drop_at(11)];
        dedupe_dependents(&mut list);
        let lines: Vec<u32> = list.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![11, 18]);
    }

    #[test]
    fn full_ids_in_labels_are_shortened() {
        let full = "ce19471f0a2b3c4d5e6f708192a3b4c5d6e7fbed";
        assert_eq!(
            shorten_ids(&format!("merge base of {full} and main")),
            "merge base of ce19471f0a2b and main"
        );
        assert_eq!(shorten_ids("HEAD~1"), "HEAD~1");
        assert_eq!(shorten_ids("feature/abc123"), "feature/abc123");
    }

    #[test]
    fn scoped_changes_keep_files_under_the_paths() {
        let file = |old: Option<&str>, new: Option<&str>| FileChange {
            status: FileStatus::Modified,
            old_path: old.map(str::to_owned),
            new_path: new.map(str::to_owned),
            similarity: None,
            binary: false,
            old_mode: None,
            new_mode: None,
            hunks: Vec::new(),
            lossy_path: false,
        };
        let change_set = ChangeSet {
            files: vec![
                file(Some("src/a.py"), Some("src/a.py")),
                file(Some("srcx/b.py"), Some("srcx/b.py")),
                file(Some("lib/c.py"), Some("src/c.py")),
                file(Some("docs/d.py"), None),
            ],
        };
        let scoped = |paths: &[&str]| -> Vec<String> {
            let paths: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
            scoped_changes(&change_set, &paths)
                .files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        };
        assert_eq!(scoped(&["src/"]), vec!["src/a.py", "src/c.py"]);
        assert_eq!(scoped(&["./docs/d.py"]), vec!["docs/d.py"]);
        assert_eq!(scoped(&["."]).len(), 4);
        assert_eq!(scoped(&[]).len(), 4);
    }

    fn hunk(old_start: u32, old_lines: u32, new_start: u32, new_lines: u32) -> Hunk {
        Hunk {
            old_start,
            old_lines,
            new_start,
            new_lines,
            removed: Vec::new(),
            added: Vec::new(),
        }
    }

    #[test]
    fn base_lines_map_to_head_lines() {
        let change_set = ChangeSet {
            files: vec![FileChange {
                status: FileStatus::Modified,
                old_path: Some("m.py".to_owned()),
                new_path: Some("m.py".to_owned()),
                similarity: None,
                binary: false,
                old_mode: None,
                new_mode: None,
                // Three lines inserted after line 2; lines 10 to 14 deleted;
                // line 20 replaced by two lines.
                hunks: vec![hunk(2, 0, 3, 3), hunk(10, 5, 12, 0), hunk(20, 1, 18, 2)],
                lossy_path: false,
            }],
        };
        let at_head = |line| head_line_of(&change_set, "m.py", line);
        assert_eq!(at_head(1), 1);
        assert_eq!(at_head(2), 2);
        assert_eq!(at_head(3), 6);
        assert_eq!(at_head(9), 12);
        assert_eq!(at_head(10), 13);
        assert_eq!(at_head(14), 13);
        assert_eq!(at_head(15), 13);
        assert_eq!(at_head(20), 18);
        assert_eq!(at_head(21), 20);
        assert_eq!(head_line_of(&change_set, "other.py", 7), 7);
    }
}
