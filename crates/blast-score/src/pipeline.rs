//! The analysis pipeline: diff, files of both sides, graphs, changed
//! symbols, reach and scores.

use std::sync::Arc;

use blast_diff::{ChangeSet, Comparison, DiffSpec, Repo, Side};
use blast_graph::{
    ExtractOptions, ExtractedFile, Graph, GraphOptions, Lang, SkipReason, SourceFile, extract_all,
};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::changes::{ChangedTexts, SymbolChange, changed_symbols};
use crate::reach::{Reach, reach};
use crate::report::{
    AnalysisStats, ChangeKind, ChangedSymbol, Dependent, FileSummary, Report, RevisionInfo,
};
use crate::score::{ScoreInput, compute};

/// Settings of an analysis. Every field has a default.
#[derive(Clone, Debug)]
pub struct Config {
    pub extract: ExtractOptions,
    pub graph: GraphOptions,
    /// The search for dependents of one changed symbol stops after this many
    /// (certain and possible each), and the report says so.
    pub max_dependents: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            extract: ExtractOptions::default(),
            graph: GraphOptions::default(),
            max_dependents: 50_000,
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
    // Step 1: the two sides and the files that differ.
    let comparison = repo.resolve(spec)?;
    let change_set = repo.changes(&comparison)?;
    log::debug!("{} files changed", change_set.files.len());

    // Step 2: extract the base side, then the head side's changed files;
    // unchanged files share their extraction between the two graphs.
    let base_sources = read_side(repo, &comparison.base)?;
    let base_extracted: Vec<Arc<ExtractedFile>> = extract_all(&base_sources, &config.extract)
        .into_iter()
        .map(Arc::new)
        .collect();
    let changed_paths: FxHashSet<&str> = change_set
        .files
        .iter()
        .flat_map(|f| f.old_path.iter().chain(f.new_path.iter()))
        .map(String::as_str)
        .collect();
    let head_entries = repo.list_files(&comparison.head)?;
    let head_paths: Vec<String> = head_entries
        .iter()
        .filter(|e| Lang::from_path(&e.path).is_some())
        .map(|e| e.path.clone())
        .collect();
    let base_by_path: FxHashMap<&str, &Arc<ExtractedFile>> = base_extracted
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let (reused, to_read): (Vec<&String>, Vec<&String>) = head_paths.iter().partition(|p| {
        !changed_paths.contains(p.as_str()) && base_by_path.contains_key(p.as_str())
    });
    let to_read: Vec<String> = to_read.into_iter().cloned().collect();
    let head_sources = read_paths(repo, &comparison.head, &to_read)?;
    let mut head_extracted: Vec<Arc<ExtractedFile>> = reused
        .iter()
        .map(|p| Arc::clone(base_by_path[p.as_str()]))
        .collect();
    head_extracted.extend(
        extract_all(&head_sources, &config.extract)
            .into_iter()
            .map(Arc::new),
    );

    // Step 3: both graphs.
    let base_graph = Graph::build(&base_extracted, &config.graph);
    let head_graph = Graph::build(&head_extracted, &config.graph);

    // Step 4: changed symbols.
    let mut texts = ChangedTexts::default();
    for source in &base_sources {
        if changed_paths.contains(source.path.as_str()) {
            texts.base.insert(source.path.clone(), source.bytes.clone());
        }
    }
    for source in head_sources {
        texts.head.insert(source.path, source.bytes);
    }
    let symbol_changes = changed_symbols(&change_set, &base_graph, &head_graph, &texts);

    // Step 5: reach of each changed symbol, in parallel.
    let reaches: Vec<Reach> = symbol_changes
        .par_iter()
        .map(|change| match change.kind {
            ChangeKind::Added => reach(
                &head_graph,
                change.head.unwrap_or_default(),
                config.max_dependents,
                &[],
            ),
            _ => reach(
                &base_graph,
                change.base.unwrap_or_default(),
                config.max_dependents,
                &change.base_lines,
            ),
        })
        .collect();

    // Step 6: scores and the report.
    let mut changes: Vec<ChangedSymbol> = symbol_changes
        .iter()
        .zip(&reaches)
        .map(|(change, reach)| changed_symbol(change, reach, &base_graph, &head_graph))
        .collect();
    let total = total_score(&symbol_changes, &reaches, &base_graph, &changes);
    changes.sort_by(|a, b| {
        b.score
            .value
            .cmp(&a.score.value)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.start_line.cmp(&b.start_line))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.kind.cmp(&b.kind))
    });

    let stats = analysis_stats(
        &base_graph,
        &head_graph,
        base_extracted.len(),
        head_extracted.len(),
        &to_read,
    );
    let mut warnings = Vec::new();
    let unreadable: Vec<&(String, SkipReason)> = stats
        .skipped
        .iter()
        .filter(|(_, reason)| *reason != SkipReason::Binary)
        .collect();
    if !unreadable.is_empty() {
        warnings.push(format!(
            "{} source files were skipped (too large, not UTF-8 or unparsable): dependents in them are missing",
            unreadable.len()
        ));
    }
    if !stats.files_with_parse_errors.is_empty() {
        warnings.push(format!(
            "{} files have syntax errors; tree-sitter recovered, but some of their references may be missing",
            stats.files_with_parse_errors.len()
        ));
    }
    let truncated = changes.iter().any(|c| c.truncated);
    if truncated {
        warnings.push(format!(
            "the search for dependents stopped at {} for some symbols: their lists are a lower bound",
            config.max_dependents
        ));
    }
    Ok(Report {
        base: revision_info(&comparison.base, &comparison.base_label),
        head: revision_info(&comparison.head, &comparison.head_label),
        merge_base: comparison.merge_base.clone(),
        files: file_summaries(&change_set),
        changes,
        total,
        complete: unreadable.is_empty() && !truncated,
        stats,
        warnings,
    })
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
    let sources = read_side(repo, &side)?;
    let extracted: Vec<Arc<ExtractedFile>> = extract_all(&sources, &config.extract)
        .into_iter()
        .map(Arc::new)
        .collect();
    Ok(Graph::build(&extracted, &config.graph))
}

fn read_side(repo: &Repo, side: &Side) -> Result<Vec<SourceFile>, AnalyzeError> {
    let paths: Vec<String> = repo
        .list_files(side)?
        .into_iter()
        .filter(|e| Lang::from_path(&e.path).is_some())
        .map(|e| e.path)
        .collect();
    read_paths(repo, side, &paths)
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

fn changed_symbol(
    change: &SymbolChange,
    reach: &Reach,
    base: &Graph,
    head: &Graph,
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

    let to_dependent = |reached: &crate::reach::Reached| {
        let dep = &graph.symbols[reached.symbol as usize];
        Dependent {
            name: dep.name.clone(),
            local_name: dep.local_name.clone(),
            kind: dep.kind,
            file: graph.files[dep.file as usize].path.clone(),
            line: dep.span.start_line,
            depth: reached.depth,
            weight: reached.weight,
            exists_at_head: head.file_id(&graph.files[dep.file as usize].path).is_some(),
        }
    };
    let mut certain: Vec<Dependent> = reach.certain.iter().map(to_dependent).collect();
    let mut possible: Vec<Dependent> = reach.possible.iter().map(to_dependent).collect();
    certain.sort_by(|a, b| {
        (a.depth, &a.file, a.line, &a.name).cmp(&(b.depth, &b.file, b.line, &b.name))
    });
    possible.sort_by(|a, b| {
        b.weight.total_cmp(&a.weight).then_with(|| {
            (a.depth, &a.file, a.line, &a.name).cmp(&(b.depth, &b.file, b.line, &b.name))
        })
    });

    let own_file = graph.file_of(id).path.as_str();
    let input = ScoreInput {
        certain: certain.iter().map(|d| (d.depth, 1.0)).collect(),
        possible: possible.iter().map(|d| (d.depth, d.weight)).collect(),
        dependent_files: certain
            .iter()
            .chain(&possible)
            .map(|d| d.file.as_str())
            .collect(),
        own_files: vec![own_file],
        public: symbol.public,
        change: Some(change.kind),
        whitespace_only: change.whitespace_only,
    };
    let score = compute(&input);
    let head_location = match change.head {
        Some(head_id) => Some((
            head.file_of(head_id).path.clone(),
            head.symbols[head_id as usize].span.start_line,
        )),
        None => head.file_id(&file).map(|head_file| {
            let lines = head.files[head_file as usize].line_count.max(1);
            (file.clone(), start_line.clamp(1, lines))
        }),
    };
    ChangedSymbol {
        head_location,
        name,
        local_name: symbol.local_name.clone(),
        symbol_kind: symbol.kind,
        kind: change.kind,
        file,
        old_file,
        old_name,
        start_line,
        end_line,
        public: symbol.public,
        whitespace_only: change.whitespace_only,
        score,
        certain,
        possible,
        truncated: reach.truncated,
    }
}

/// Scores the diff as a whole over the union of the dependents of its
/// changed symbols, so a symbol reached from two changes counts once.
fn total_score(
    symbol_changes: &[SymbolChange],
    reaches: &[Reach],
    base: &Graph,
    changes: &[ChangedSymbol],
) -> crate::report::Score {
    let mut certain: FxHashMap<u32, u32> = FxHashMap::default();
    let mut possible: FxHashMap<u32, (u32, f64)> = FxHashMap::default();
    let mut own_files: Vec<&str> = Vec::new();
    let mut public = false;
    let mut kind: Option<ChangeKind> = None;
    for ((change, reach), changed) in symbol_changes.iter().zip(reaches).zip(changes) {
        if change.kind == ChangeKind::Added || change.whitespace_only {
            continue;
        }
        own_files.push(changed.old_file.as_deref().unwrap_or(&changed.file));
        public |= changed.public && (!reach.certain.is_empty() || !reach.possible.is_empty());
        kind = Some(match (kind, change.kind) {
            (Some(ChangeKind::Deleted | ChangeKind::Moved), _)
            | (_, ChangeKind::Deleted | ChangeKind::Moved) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        });
        for r in &reach.certain {
            let depth = certain.entry(r.symbol).or_insert(r.depth);
            *depth = (*depth).min(r.depth);
        }
        for r in &reach.possible {
            let entry = possible.entry(r.symbol).or_insert((r.depth, r.weight));
            entry.0 = entry.0.min(r.depth);
            entry.1 = entry.1.max(r.weight);
        }
    }
    possible.retain(|id, _| !certain.contains_key(id));
    let mut certain_list: Vec<(u32, u32)> = certain.into_iter().collect();
    certain_list.sort_unstable();
    let mut possible_list: Vec<(u32, (u32, f64))> = possible.into_iter().collect();
    possible_list.sort_unstable_by_key(|(id, _)| *id);
    let dependent_files: Vec<&str> = certain_list
        .iter()
        .map(|(id, _)| *id)
        .chain(possible_list.iter().map(|(id, _)| *id))
        .map(|id| base.file_of(id).path.as_str())
        .collect();
    let input = ScoreInput {
        certain: certain_list
            .iter()
            .map(|(_, depth)| (*depth, 1.0))
            .collect(),
        possible: possible_list
            .iter()
            .map(|(_, (depth, weight))| (*depth, *weight))
            .collect(),
        dependent_files,
        own_files,
        public,
        change: kind.or(Some(ChangeKind::Added)),
        whitespace_only: false,
    };
    let mut score = compute(&input);
    if kind.is_some()
        && let Some(change) = score.factors.iter_mut().find(|f| f.name == "change")
    {
        change.detail = format!("whole diff: x{}", change.points);
    }
    score
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
        imports_unresolved: base.stats.python.imports_unresolved,
        imports_external: base.stats.python.imports_external,
        calls_too_ambiguous: base.stats.python.calls_too_ambiguous,
    }
}

fn revision_info(side: &Side, label: &str) -> RevisionInfo {
    RevisionInfo {
        label: label.to_owned(),
        commit: match side {
            Side::Commit(id) => Some(id.clone()),
            _ => None,
        },
    }
}

fn file_summaries(change_set: &ChangeSet) -> Vec<FileSummary> {
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
        })
        .collect()
}
