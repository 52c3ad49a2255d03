//! The text prefilter: a diff parses only the files that can depend on it.
//!
//! A definition can depend on a changed symbol only if its file names it
//! (or names a module or re-export that leads to it). So the search starts
//! from the names of the changed symbols, parses the files that contain one
//! of them as a whole word, and builds the graph of what is parsed. It then
//! finds the dependents and repeats with their names until nothing new
//! turns up. Every definition of a searched name is then parsed too, so the
//! weights of candidate edges (one over the number of same-named
//! definitions) come out as in the full graph.
//!
//! Python files with a star import are always parsed, because they bring in
//! names they do not spell. Files of other languages are always parsed: their
//! resolvers read the layout from the files they are given.
// NOTE: equality with the full graph is checked by tests on the fixtures and
// on real diffs; a resolution rule that links a definition to a name its
// file never spells would break it.

use std::sync::Arc;

use aho_corasick::AhoCorasick;
use blast_diff::{ChangeSet, FileStatus};
use blast_graph::{ExtractedFile, Graph, GraphOptions, Lang};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::reach::reach;
use crate::sources::{SideFile, SideReader};

/// Extracts the base files that the change can reach, with the graph
/// options set up for a partial set of files. The graph of exactly those
/// files comes back too when the search built it last.
///
/// # Errors
///
/// Fails when a file the cache no longer has cannot be read.
pub(crate) fn extract_reachable(
    sources: &[SideFile],
    reader: &SideReader<'_>,
    change_set: &ChangeSet,
    head_changed: &[Arc<ExtractedFile>],
    options: &mut GraphOptions,
    max_dependents: usize,
) -> Result<(Vec<Arc<ExtractedFile>>, Option<Graph>), blast_diff::Error> {
    options.python.all_paths = sources
        .iter()
        .filter(|s| s.lang == Lang::Python)
        .map(|s| s.path.clone())
        .collect();

    // Step 1: what is always parsed.
    let changed: FxHashSet<&str> = change_set
        .files
        .iter()
        .flat_map(|f| f.old_path.iter().chain(f.new_path.iter()))
        .map(String::as_str)
        .collect();
    let mut selected = vec![false; sources.len()];
    for (idx, source) in sources.iter().enumerate() {
        selected[idx] = source.lang != Lang::Python
            || changed.contains(source.path.as_str())
            || source.has_star_import();
    }
    let mut extracted: Vec<Arc<ExtractedFile>> = extract_selected(sources, &selected, reader)?;
    let mut done = selected.clone();

    // Step 2: the names the diff touches, on both sides.
    let base_by_path: FxHashMap<&str, &Arc<ExtractedFile>> =
        extracted.iter().map(|f| (f.path.as_str(), f)).collect();
    let head_by_path: FxHashMap<&str, &Arc<ExtractedFile>> =
        head_changed.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut names: FxHashSet<String> = FxHashSet::default();
    let mut seeds: Vec<(String, String)> = Vec::new();
    for file in &change_set.files {
        let whole = matches!(
            file.status,
            FileStatus::Deleted | FileStatus::Renamed | FileStatus::Added | FileStatus::Copied
        );
        if let Some(syntax) = file
            .old_path
            .as_deref()
            .and_then(|p| base_by_path.get(p))
            .and_then(|f| f.syntax())
        {
            let path = file.old_path.clone().unwrap_or_default();
            let lines = file
                .hunks
                .iter()
                .flat_map(|h| h.removed.iter().flat_map(|r| r.start..=r.end));
            for local in touched(syntax, whole, lines) {
                seeds.push((path.clone(), local));
            }
            names.extend(module_names(&path));
        }
        if let Some(syntax) = file
            .new_path
            .as_deref()
            .and_then(|p| head_by_path.get(p))
            .and_then(|f| f.syntax())
        {
            let lines = file
                .hunks
                .iter()
                .flat_map(|h| h.added.iter().flat_map(|r| r.start..=r.end));
            for local in touched(syntax, whole, lines) {
                names.extend(short_names(&local));
                // A symbol edited only by added lines is changed at the base
                // too, under the same name.
                if let Some(old_path) = &file.old_path {
                    seeds.push((old_path.clone(), local));
                }
            }
            names.extend(module_names(file.new_path.as_deref().unwrap_or_default()));
        }
    }
    for (_, local) in &seeds {
        names.extend(short_names(local));
    }
    let mut searched: FxHashSet<String> = FxHashSet::default();
    let mut last_graph: Option<Graph> = None;

    // Step 3: scan for the names, parse what matches, find dependents,
    // and repeat with their names until no new name turns up.
    loop {
        let new_names: Vec<String> = names.difference(&searched).cloned().collect();
        if new_names.is_empty() {
            break;
        }
        searched.extend(new_names.iter().cloned());
        log::debug!("prefilter: searching for {new_names:?}");
        let matcher =
            AhoCorasick::new(&new_names).unwrap_or_else(|err| panic!("name matcher: {err}"));
        let candidates: Vec<usize> = (0..sources.len())
            .filter(|&idx| !done[idx] && sources[idx].may_mention_any(&matcher, &new_names))
            .collect();
        let candidate_files: Vec<&SideFile> = candidates.iter().map(|&idx| &sources[idx]).collect();
        let confirmed = reader.confirm_mentions(&candidate_files, &matcher)?;
        let mut matched = vec![false; sources.len()];
        for (&idx, mentions) in candidates.iter().zip(confirmed) {
            if mentions {
                matched[idx] = true;
                done[idx] = true;
            }
        }
        // Once most files are in, one more round costs more than parsing
        // the rest: a graph build over what is parsed, and another scan.
        let parsed = done.iter().filter(|d| **d).count();
        if sources.len() >= WHOLE_REPOSITORY_MIN_FILES && parsed * 2 > sources.len() {
            log::debug!(
                "prefilter: {parsed} of {} files selected; parsing all of them",
                sources.len()
            );
            let rest: Vec<bool> = done.iter().map(|d| !d).collect();
            extracted.extend(extract_selected(sources, &matched, reader)?);
            extracted.extend(extract_selected(sources, &rest, reader)?);
            last_graph = None;
            break;
        }
        extracted.extend(extract_selected(sources, &matched, reader)?);

        let graph = Graph::build(&extracted, options);
        for (path, local) in &seeds {
            let Some(file) = graph.file_id(path) else {
                continue;
            };
            let Some(id) = graph.find_local(file, local) else {
                continue;
            };
            let reached = reach(&graph, id, max_dependents, &[]);
            for dependent in reached.certain.iter().chain(&reached.possible) {
                let symbol = &graph.symbols[dependent.symbol as usize];
                names.extend(short_names(&symbol.local_name));
                names.extend(module_names(&graph.file_of(dependent.symbol).path));
            }
        }
        last_graph = Some(graph);
    }
    log::debug!(
        "prefilter: parsed {} of {} files",
        extracted.len(),
        sources.len()
    );
    Ok((extracted, last_graph))
}

/// Repositories smaller than this are always searched round by round, so
/// the tests' small fixtures exercise the search itself.
const WHOLE_REPOSITORY_MIN_FILES: usize = 64;

fn extract_selected(
    sources: &[SideFile],
    selected: &[bool],
    reader: &SideReader<'_>,
) -> Result<Vec<Arc<ExtractedFile>>, blast_diff::Error> {
    let chosen: Vec<&SideFile> = sources
        .iter()
        .zip(selected)
        .filter(|(_, keep)| **keep)
        .map(|(s, _)| s)
        .collect();
    Ok(reader.extract(&chosen)?.into_iter().map(Arc::new).collect())
}

/// Returns the local names of the symbols whose lines a hunk touches, with their
/// enclosing symbols; every symbol when the whole file changed.
fn touched(
    syntax: &blast_graph::model::FileSyntax,
    whole: bool,
    lines: impl Iterator<Item = u32>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if whole {
        out.extend(syntax.symbols.iter().skip(1).map(|s| s.local_name.clone()));
        return out;
    }
    for line in lines {
        let mut idx = Some(syntax.innermost_at_line(line));
        while let Some(current) = idx {
            let symbol = &syntax.symbols[current as usize];
            if current != 0 && !out.contains(&symbol.local_name) {
                out.push(symbol.local_name.clone());
            }
            idx = symbol.parent;
        }
    }
    out
}

/// Returns the names a reference to a symbol can spell: its own name and those of
/// its enclosing definitions (a call to `Repo()` reaches `Repo.__init__`).
fn short_names(local_name: &str) -> Vec<String> {
    let without_params = local_name.split('(').next().unwrap_or(local_name);
    without_params
        .split(['.', ':', '<', '>', ' ', '#'])
        .filter(|s| !s.is_empty() && s.chars().all(|c| c == '_' || c.is_alphanumeric()))
        .map(str::to_owned)
        .collect()
}

/// Returns the names an import of a file's module can spell: the file's stem, or
/// its folder's name for a package's `__init__.py`.
fn module_names(path: &str) -> Vec<String> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let Some(file) = parts.pop() else {
        return Vec::new();
    };
    let stem = file.split('.').next().unwrap_or(file);
    let mut out = Vec::new();
    if stem == "__init__" || stem == "mod" || stem == "lib" {
        if let Some(dir) = parts.last() {
            out.push((*dir).to_owned());
        }
    } else {
        out.push(stem.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::mentions_any;

    #[test]
    fn whole_words_only() {
        let matcher = AhoCorasick::new(["connect"]).unwrap();
        assert!(mentions_any(&matcher, b"x = connect()"));
        assert!(mentions_any(&matcher, b"from db import connect"));
        assert!(!mentions_any(&matcher, b"reconnect()"));
        assert!(!mentions_any(&matcher, b"connection = 1"));
    }

    #[test]
    fn names_of_symbols_and_modules() {
        assert_eq!(short_names("Repo.save"), vec!["Repo", "save"]);
        assert_eq!(short_names("Outer.m(int,String)"), vec!["Outer", "m"]);
        assert_eq!(module_names("pkg/db.py"), vec!["db"]);
        assert_eq!(module_names("pkg/__init__.py"), vec!["pkg"]);
    }
}
