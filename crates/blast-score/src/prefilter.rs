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
//! Python files with a star import bring in names they do not spell.
//! Through `from m import *`, a name can come only from a parsed module
//! `m`. That is a module that spells the name, a star-import file that is
//! parsed itself, or a package with a parsed submodule of that name. So a
//! star-import file is parsed once the module of some parsed file, or that
//! module's package, has the last segment of a module that the file
//! star-imports. A file whose star imports the text scan cannot read is
//! always parsed.
//!
//! No edge joins files of two languages, so the files of a language
//! without a changed file are left out: they are neither read nor parsed.
//!
//! A change to a module's own top-level lines, outside every definition,
//! is searched by the names on those lines, since the diff keeps only the
//! dependents of such a change that spell one of them.
//!
//! Rust files are parsed by whole Cargo packages. The module tree comes
//! from `mod` items and the Cargo layout of files that need not name
//! anything searched, and glob imports, re-exports and macros bring in
//! names a file does not spell. A package is parsed when it can name a
//! package that contains a changed file or a dependent, or when such a
//! package can name it (see `RustPackages`). The other packages cannot
//! reach the change. A Rust file's references are resolved only once the
//! file names a searched name, like any other file's: until then the graph
//! reads it for its declarations only. Resolving is most of the cost of a
//! Rust graph. A file can name a re-exported item by its `use .. as` alias
//! through `crate::` or `super::` paths, which spell no module, so once a
//! file depends on the change, its aliases are searched too. A glob import
//! lets a file name an enum's variant without naming the enum, so an
//! enum's variants are searched with it.
//!
//! Java files that name a searched name are resolved as in the full graph
//! only if the types their expressions pass through are known, even when
//! the file names none of them. Examples are the type of `a` in
//! `a.b().c()`, the type that `b` returns, and their supertypes. So each such file also brings in
//! the files that may declare a top-level type whose name it spells, found
//! by a lexer scan of every Java file (kept in the extraction cache, so a
//! warm run reads only the files it needs). Those files bring in, in turn, the
//! declarers of the types in their declarations: supertypes, bounds, and
//! static and on-demand imports. Of field, parameter and return types they
//! bring in only those of members whose name a searched file spells,
//! because only those can be on the path of a reference. This goes on
//! until the index is closed. The graph reads the files that only the
//! closure brought in for their declarations and leaves their references
//! unresolved: none of them spells a searched name, so none of their
//! references can lead to the change. Resolving them was most of the work
//! of a diff that reaches little.
//! Files whose package has a segment that does not start with a lowercase
//! letter are always parsed, because the resolver reads `a.B` as a package
//! only when a parsed file declares it. The search for Java starts from
//! the symbols that the changed symbols step reports (the innermost symbol
//! around a changed line, and the top-level symbols of an added or deleted
//! file), not from their enclosing symbols.
// NOTE: equality with the full graph is checked by tests on the fixtures and
// on real diffs; a resolution rule that links a definition to a name its
// file never spells, or reads a fact of a file that neither this search nor
// the Java index closure brings in, would break it.

use std::sync::Arc;

use aho_corasick::AhoCorasick;
use blast_diff::{ChangeSet, FileStatus};
use blast_graph::lang::java::outline::{Outline, declaration_type_names, identifiers};
use blast_graph::{
    ExtractedFile, Graph, GraphOptions, Lang, LangFacts, PackageReach, RustLayout, SourceFile,
    SymbolId,
};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::pipeline::HeadInputs;
use crate::reach::{Limits, reach_within};
use crate::sources::{SideFile, SideReader};

/// The base and the head graph.
pub(crate) type Graphs = (Graph, Graph);

/// Extracts the base files that the change can reach, with the graph
/// options set up for a partial set of files. The base and head graphs of
/// exactly those files come back too when the search built them last.
///
/// # Errors
///
/// Fails when a file the cache no longer has cannot be read.
pub(crate) fn extract_reachable(
    sources: &[SideFile],
    reader: &SideReader<'_>,
    change_set: &ChangeSet,
    head: &HeadInputs<'_>,
    head_sources: &[SourceFile],
    options: &mut GraphOptions,
    limits: &Limits,
) -> Result<(Vec<Arc<ExtractedFile>>, Option<Graphs>), blast_diff::Error> {
    let head_changed = head.changed;
    options.python.all_paths = sources
        .iter()
        .filter(|s| s.lang == Lang::Python)
        .map(|s| s.path.clone())
        .collect();

    // Step 1: what is always parsed, and what is left out.
    let changed: FxHashSet<&str> = change_set
        .files
        .iter()
        .flat_map(|f| f.old_path.iter().chain(f.new_path.iter()))
        .map(String::as_str)
        .collect();
    // No edge joins two languages, so a language without a changed file
    // has no dependent of the change.
    let changed_langs: FxHashSet<Lang> =
        changed.iter().filter_map(|p| Lang::from_path(p)).collect();
    let mut java = JavaIndex::new(sources, changed_langs.contains(&Lang::Java));
    let mut packages = RustPackages::new(sources, &options.rust, &changed);
    let outside: Vec<bool> = sources
        .iter()
        .enumerate()
        .map(|(idx, source)| !changed_langs.contains(&source.lang) || packages.leaves_out(idx))
        .collect();
    let mut left_out = outside.iter().filter(|o| **o).count();
    let other_languages = sources
        .iter()
        .filter(|source| !changed_langs.contains(&source.lang))
        .count();
    let mut selected = vec![false; sources.len()];
    let mut stars = StarImports::new(changed.iter().copied());
    for (idx, source) in sources.iter().enumerate() {
        if outside[idx] {
            continue;
        }
        selected[idx] = match source.lang {
            Lang::Python => {
                changed.contains(source.path.as_str())
                    || (source.has_star_import() && !stars.wait(idx, source))
            }
            Lang::Java => changed.contains(source.path.as_str()) || java.always_parsed[idx],
            Lang::Rust => true,
        };
    }
    // Files parsed, and among them the files whose every reference counts.
    // They differ for Java files that the index closure brought in, and for
    // Rust files, which are all parsed but resolved only once they name a
    // searched name.
    // Files left out count as done and resolved, so that no search takes
    // them, and are never read.
    let mut done: Vec<bool> = selected
        .iter()
        .zip(&outside)
        .map(|(s, o)| *s || *o)
        .collect();
    let mut resolved: Vec<bool> = sources
        .iter()
        .zip(selected.iter().zip(&outside))
        .map(|(source, (selected, outside))| match source.lang {
            Lang::Rust => *outside || changed.contains(source.path.as_str()),
            Lang::Python | Lang::Java => *selected,
        })
        .collect();
    let star_selected = stars.select(sources, &mut done, &mut resolved);
    for (selected, star) in selected.iter_mut().zip(star_selected) {
        *selected |= star;
    }
    // Rust files that are parsed but not resolved are read from the cache
    // without their references, which `complete_references` reads once a
    // file is resolved.
    let declarations_first: Vec<bool> = sources
        .iter()
        .zip(selected.iter().zip(&resolved))
        .map(|(source, (selected, resolved))| *selected && source.lang == Lang::Rust && !resolved)
        .collect();
    let whole: Vec<bool> = selected
        .iter()
        .zip(&declarations_first)
        .map(|(selected, first)| *selected && !first)
        .collect();
    let mut extracted: Vec<Arc<ExtractedFile>> = extract_selected(sources, &whole, reader)?;
    let chosen: Vec<&SideFile> = sources
        .iter()
        .zip(&declarations_first)
        .filter(|(_, first)| **first)
        .map(|(source, _)| source)
        .collect();
    extracted.extend(
        reader
            .extract_declarations(&chosen)?
            .into_iter()
            .map(Arc::new),
    );
    let selected_java: Vec<&SideFile> = sources
        .iter()
        .zip(&selected)
        .filter(|(source, selected)| **selected && source.lang == Lang::Java)
        .map(|(source, _)| source)
        .collect();
    for text in reader.texts(&selected_java)? {
        java.demand_spelled(text.as_deref().unwrap_or_default());
    }
    for source in head_sources {
        if Lang::from_path(&source.path) == Some(Lang::Java) {
            java.demand_spelled(&source.bytes);
        }
    }
    java.close(sources, reader, &mut done, &mut extracted)?;
    let mut rust_names = RustNames::default();
    rust_names.add(&extracted);
    // The head side's changed files may bind other aliases and variants.
    // Their names add to those of the base file at the same path, which
    // can only widen the search.
    let mut head_rust_names = RustNames::default();
    head_rust_names.add(head_changed);

    // Step 2: the names the diff touches, on both sides.
    let base_by_path: FxHashMap<&str, &Arc<ExtractedFile>> =
        extracted.iter().map(|f| (f.path.as_str(), f)).collect();
    let head_by_path: FxHashMap<&str, &Arc<ExtractedFile>> =
        head_changed.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut names: FxHashSet<String> = FxHashSet::default();
    let mut seeds: Vec<(String, String)> = Vec::new();
    // The same for the head side. An added symbol has dependents only in
    // the head graph, where a glob import or a re-export of its module can
    // bring it to files that spell none of its names.
    let mut head_seeds: Vec<(String, String)> = Vec::new();
    for file in &change_set.files {
        if let Some((syntax, lang)) = file
            .old_path
            .as_deref()
            .and_then(|p| base_by_path.get(p))
            .and_then(|f| Some((f.syntax()?, f.lang)))
        {
            let path = file.old_path.clone().unwrap_or_default();
            let lines = file
                .hunks
                .iter()
                .flat_map(|h| h.removed.iter().flat_map(|r| r.start..=r.end));
            let Touched {
                locals,
                module_lines,
            } = touched(syntax, lang, file.status, lines);
            if locals.iter().any(String::is_empty) {
                let source = sources.iter().find(|s| s.path == path);
                for text in reader.texts(&source.into_iter().collect::<Vec<_>>())? {
                    let text = text.as_deref().unwrap_or_default();
                    names.extend(crate::module_change::line_names(lang, text, &module_lines));
                }
            }
            // The module itself is no seed: the diff keeps only those of its
            // dependents that spell a name from a changed line (see
            // `module_change`), and the names above find each of them.
            for local in locals.into_iter().filter(|local| !local.is_empty()) {
                seeds.push((path.clone(), local));
            }
            names.extend(module_names(&path));
        }
        if let Some((syntax, lang)) = file
            .new_path
            .as_deref()
            .and_then(|p| head_by_path.get(p))
            .and_then(|f| Some((f.syntax()?, f.lang)))
        {
            let lines = file
                .hunks
                .iter()
                .flat_map(|h| h.added.iter().flat_map(|r| r.start..=r.end));
            let Touched {
                locals,
                module_lines,
            } = touched(syntax, lang, file.status, lines);
            if locals.iter().any(String::is_empty)
                && let Some(source) = head_sources
                    .iter()
                    .find(|s| Some(&s.path) == file.new_path.as_ref())
            {
                names.extend(crate::module_change::line_names(
                    lang,
                    &source.bytes,
                    &module_lines,
                ));
            }
            for local in locals.into_iter().filter(|local| !local.is_empty()) {
                names.extend(short_names(&local));
                // A symbol edited only by added lines is changed at the base
                // too, under the same name.
                if let Some(old_path) = &file.old_path {
                    seeds.push((old_path.clone(), local.clone()));
                }
                if let Some(new_path) = &file.new_path {
                    head_seeds.push((new_path.clone(), local));
                }
            }
            names.extend(module_names(file.new_path.as_deref().unwrap_or_default()));
        }
    }
    for (_, local) in &seeds {
        names.extend(short_names(local));
    }
    let mut searched: FxHashSet<String> = FxHashSet::default();
    let mut last_graph: Option<Graphs> = None;
    // Set when Rust packages that were left out are parsed now, because a
    // dependent turned up in a package they can name: the graph is built
    // again with them even when no new name turns up.
    let mut admitted = false;
    // The full graph takes the files in listing order, and so must every
    // partial one: where several files declare the same Java type, the
    // resolver breaks ties by that order.
    let order: FxHashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(idx, s)| (s.path.as_str(), idx))
        .collect();

    // Set once the search takes every file that is not left out: from then
    // on only a newly admitted Rust package brings another round.
    let mut taking_all = false;

    // Step 3: scan for the names, parse what matches, find dependents,
    // and repeat with their names until no new name turns up.
    loop {
        let new_names: Vec<String> = names.difference(&searched).cloned().collect();
        if (taking_all || new_names.is_empty()) && !admitted {
            break;
        }
        admitted = false;
        'search: {
            if taking_all {
                break 'search;
            }
            searched.extend(new_names.iter().cloned());
            log::debug!("prefilter: searching for {new_names:?}");
            let matcher =
                AhoCorasick::new(&new_names).unwrap_or_else(|err| panic!("name matcher: {err}"));
            let candidates: Vec<usize> = (0..sources.len())
                .filter(|&idx| !resolved[idx] && sources[idx].may_mention_any(&matcher, &new_names))
                .collect();
            // When the files that may name a searched name already make up
            // most of the repository, confirming each one by its text (read
            // from git on a warm run) costs more than taking them all.
            let total = sources.len() - left_out;
            let projected = counted(sources, &done, &resolved) - left_out
                + candidates
                    .iter()
                    .filter(|&&idx| sources[idx].lang == Lang::Rust || !done[idx])
                    .count();
            if is_most_of(projected, total) {
                log::debug!(
                    "prefilter: {projected} of {total} files may name a searched name; parsing all of them"
                );
                take_all(sources, &done, &mut resolved, reader, &mut extracted)?;
                taking_all = true;
                break 'search;
            }
            let candidate_files: Vec<&SideFile> =
                candidates.iter().map(|&idx| &sources[idx]).collect();
            let confirmed = reader.confirm_mentions(&candidate_files, &matcher)?;
            let mut matched = vec![false; sources.len()];
            for (&idx, text) in candidates.iter().zip(confirmed) {
                let Some(text) = text else {
                    continue;
                };
                // A file the Java index brought in is parsed already; from now
                // on its references count too.
                if !done[idx] {
                    matched[idx] = true;
                    done[idx] = true;
                }
                resolved[idx] = true;
                if sources[idx].lang == Lang::Java {
                    java.demand_spelled(&text);
                }
            }
            extracted.extend(extract_selected(sources, &matched, reader)?);
            let star_selected = stars.select(sources, &mut done, &mut resolved);
            extracted.extend(extract_selected(sources, &star_selected, reader)?);
            java.close(sources, reader, &mut done, &mut extracted)?;
            log::debug!(
                "prefilter: {} files parsed, {} of them for their references",
                done.iter().filter(|d| **d).count() - left_out,
                resolved.iter().filter(|r| **r).count() - left_out
            );

            // Once most files are in, one more round costs more than parsing
            // the rest: a graph build over what is parsed, and another scan.
            let parsed = counted(sources, &done, &resolved) - left_out;
            if is_most_of(parsed, total) {
                log::debug!("prefilter: {parsed} of {total} files selected; parsing all of them");
                take_all(sources, &done, &mut resolved, reader, &mut extracted)?;
                taking_all = true;
            }
        }

        complete_references(sources, &resolved, &order, reader, &mut extracted)?;
        extracted.sort_by_key(|f| order.get(f.path.as_str()).copied());
        options.declarations_only = declarations_only(sources, &done, &resolved);
        // The head graph is built beside the base one, on the other cores:
        // when this round turns out to be the last, the diff needs it.
        let (graph, head_graph) = rayon::join(
            || Graph::build(&extracted, options),
            || head.graph(&extracted, options),
        );
        // Once the search takes every file, the names of the dependents
        // are not searched any more, and only a Rust package bound can
        // still bring in more files.
        let search_names = !taking_all;
        let sides = if search_names || packages.bounded {
            vec![(&graph, &seeds), (&head_graph, &head_seeds)]
        } else {
            Vec::new()
        };
        let mut reached_files: FxHashSet<&str> = FxHashSet::default();
        for (side_graph, side_seeds) in sides {
            for (path, local) in side_seeds {
                let Some(file) = side_graph.file_id(path) else {
                    continue;
                };
                let Some(id) = side_graph.find_local(file, local) else {
                    continue;
                };
                if search_names {
                    names.extend(rust_names.of(side_graph, id));
                    names.extend(head_rust_names.of(side_graph, id));
                }
                let reached = reach_within(side_graph, id, limits, &[]);
                for dependent in reached.certain.iter().chain(&reached.possible) {
                    let path = side_graph.file_of(dependent.symbol).path.as_str();
                    reached_files.insert(path);
                    if !search_names {
                        continue;
                    }
                    let symbol = &side_graph.symbols[dependent.symbol as usize];
                    names.extend(short_names(&symbol.local_name));
                    names.extend(module_names(path));
                    names.extend(rust_names.of(side_graph, dependent.symbol));
                    names.extend(head_rust_names.of(side_graph, dependent.symbol));
                }
            }
        }
        let mut newly = packages.admit(
            reached_files
                .iter()
                .filter_map(|path| order.get(path).copied()),
        );
        // Once the packages parsed make up most of the files, the rest are
        // cheaper to parse now than to admit round by round, each round a
        // graph build.
        let total = sources.len() - other_languages;
        let parsed_after = sources.len() + newly.len() - left_out;
        if taking_all && !newly.is_empty() && is_most_of(parsed_after, total) {
            newly.extend(packages.admit_all());
            newly.sort_unstable();
        }
        if !newly.is_empty() {
            admitted = true;
            left_out -= newly.len();
            log::debug!(
                "prefilter: a dependent is in a Rust package that others name; parsing {} more Rust files",
                newly.len()
            );
            let chosen: Vec<&SideFile> = newly.iter().map(|&idx| &sources[idx]).collect();
            for &idx in &newly {
                done[idx] = true;
            }
            if taking_all {
                // Every file that is not left out is resolved already.
                extracted.extend(reader.extract(&chosen)?.into_iter().map(Arc::new));
            } else {
                let read: Vec<Arc<ExtractedFile>> = reader
                    .extract_declarations(&chosen)?
                    .into_iter()
                    .map(Arc::new)
                    .collect();
                rust_names.add(&read);
                extracted.extend(read);
                // They missed the searches so far: each one that names a name
                // searched before is resolved, the others are read for their
                // declarations only.
                for &idx in &newly {
                    resolved[idx] = false;
                }
                let all: Vec<String> = searched.iter().cloned().collect();
                let matcher =
                    AhoCorasick::new(&all).unwrap_or_else(|err| panic!("name matcher: {err}"));
                let spelling: Vec<&SideFile> = chosen
                    .iter()
                    .copied()
                    .filter(|source| source.may_mention_any(&matcher, &all))
                    .collect();
                for (source, text) in spelling
                    .iter()
                    .zip(reader.confirm_mentions(&spelling, &matcher)?)
                {
                    if text.is_some() {
                        resolved[order[source.path.as_str()]] = true;
                    }
                }
            }
        }
        last_graph = Some((graph, head_graph));
    }
    complete_references(sources, &resolved, &order, reader, &mut extracted)?;
    extracted.sort_by_key(|f| order.get(f.path.as_str()).copied());
    options.declarations_only = declarations_only(sources, &done, &resolved);
    log::debug!(
        "prefilter: {} Python files with star imports left out",
        stars.waiting.len()
    );
    log::debug!(
        "prefilter: parsed {} of {} files ({} for their declarations only); left out {} files of languages without a changed file and of Rust packages that cannot reach the change",
        extracted.len(),
        sources.len(),
        done.iter()
            .zip(&resolved)
            .filter(|(done, resolved)| **done && !**resolved)
            .count(),
        left_out
    );
    Ok((extracted, last_graph))
}

/// Names that a Rust file's dependents can spell without spelling the
/// names of its symbols.
#[derive(Default)]
struct RustNames {
    /// By path, the names that the file's `use .. as name` and `extern
    /// crate .. as name` bind. Another file can reach what such a file
    /// re-exports by the new name alone, through `crate::name` or
    /// `super::name`, so the search adds a file's new names once the file
    /// depends on the change.
    aliases: FxHashMap<String, Vec<String>>,
    /// By path, then by local symbol index, the variants of each enum. A
    /// glob import (`use Color::*`, or `use crate::*` of a re-export) lets
    /// a file name a variant without naming its enum.
    variants: FxHashMap<String, FxHashMap<u32, Vec<String>>>,
}

impl RustNames {
    /// Adds the names of more files.
    fn add(&mut self, extracted: &[Arc<ExtractedFile>]) {
        let names = self;
        for file in extracted {
            let Ok((_, LangFacts::Rust(facts))) = &file.outcome else {
                continue;
            };
            let aliases: Vec<String> = facts
                .uses
                .iter()
                .filter_map(|entry| entry.alias.clone())
                .filter(|alias| alias != "_")
                .collect();
            if !aliases.is_empty() {
                names.aliases.insert(file.path.clone(), aliases);
            }
            if !facts.variants.is_empty() {
                let by_owner = names.variants.entry(file.path.clone()).or_default();
                for (owner, variant) in &facts.variants {
                    by_owner.entry(*owner).or_default().push(variant.clone());
                }
            }
        }
    }

    /// Returns the names to search once the Rust symbol `id` depends on the
    /// change: the aliases of its file, its module's name and, for an enum,
    /// its variants.
    fn of(&self, graph: &Graph, id: SymbolId) -> Vec<String> {
        let file = graph.file_of(id);
        if file.lang != Lang::Rust {
            return Vec::new();
        }
        let local = id - file.first_symbol;
        let aliases = self.aliases.get(file.path.as_str()).into_iter().flatten();
        let variants = self
            .variants
            .get(file.path.as_str())
            .and_then(|by_owner| by_owner.get(&local))
            .into_iter()
            .flatten();
        // The module's own name, which `#[path = "x.rs"] mod name;` sets
        // apart from the file's stem.
        let module = file.module.rsplit("::").next().filter(|m| !m.is_empty());
        aliases
            .chain(variants)
            .cloned()
            .chain(module.map(str::to_owned))
            .collect()
    }
}

/// The Rust packages whose files the search parses. A Rust file can name
/// only items of its own package and of the packages its package depends
/// on, directly or through others, and the resolver looks up impls and
/// candidate methods within those too (see `PackageReach`). So a file
/// depends on a symbol only if its package can name the symbol's package,
/// or the file contains an impl whose edges lead from the trait or the type
/// to it. The search parses the packages that can name a package with a
/// changed file or a dependent, and what those packages can name, which
/// their resolution reads. When a dependent turns up in another package,
/// the packages that name it are parsed too (see `RustPackages::admit`).
/// Every package is parsed when some Rust file, changed or not, is outside
/// every package folder, or when a target's root file is outside its
/// package's folder: the packages then do not bound what a file names.
// NOTE: equality with the full graph relies on each Rust edge leading to a
// package that its file's package can name, or coming from an impl's trait
// or self type. A resolution rule that links further breaks it.
struct RustPackages {
    reach: PackageReach,
    /// Per source file, its package; `None` for other languages.
    of_source: Vec<Option<u32>>,
    /// Packages with a changed file or a dependent.
    touched: Vec<u32>,
    /// Per package, whether its files are parsed.
    parsed: Vec<bool>,
    /// False when the packages do not bound what a file names.
    bounded: bool,
}

impl RustPackages {
    fn new(sources: &[SideFile], layout: &RustLayout, changed: &FxHashSet<&str>) -> RustPackages {
        let mut packages = RustPackages {
            reach: PackageReach::default(),
            of_source: vec![None; sources.len()],
            touched: Vec::new(),
            parsed: Vec::new(),
            bounded: false,
        };
        let rust: Vec<usize> = (0..sources.len())
            .filter(|&idx| sources[idx].lang == Lang::Rust)
            .collect();
        if rust.is_empty() || layout.packages.is_empty() {
            return packages;
        }
        let mut paths: Vec<&str> = rust.iter().map(|&idx| sources[idx].path.as_str()).collect();
        let listed: FxHashSet<&str> = paths.iter().copied().collect();
        let mut added: Vec<&str> = changed
            .iter()
            .copied()
            .filter(|path| Lang::from_path(path) == Some(Lang::Rust) && !listed.contains(path))
            .collect();
        added.sort_unstable();
        paths.extend(added);
        let targets = layout.targets(&paths);
        let reach = PackageReach::new(layout, &paths, &targets);

        if let Some(path) = paths
            .iter()
            .zip(&reach.of_file)
            .find_map(|(path, package)| package.is_none().then_some(path))
        {
            log::debug!("prefilter: every Rust package is parsed: {path} is outside every package");
            return packages;
        }
        if reach.roots_elsewhere > 0 {
            log::debug!(
                "prefilter: every Rust package is parsed: {} crate roots are outside their package's folder",
                reach.roots_elsewhere
            );
            return packages;
        }

        for (&idx, package) in rust.iter().zip(&reach.of_file) {
            packages.of_source[idx] = *package;
        }
        let mut touched: Vec<u32> = paths
            .iter()
            .zip(&reach.of_file)
            .filter(|(path, _)| changed.contains(*path))
            .filter_map(|(_, package)| *package)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        packages.parsed = reach.named_by(&reach.naming(&touched));
        packages.touched = touched;
        packages.reach = reach;
        packages.bounded = true;
        packages
    }

    /// True for a Rust file of a package that the search does not parse.
    fn leaves_out(&self, idx: usize) -> bool {
        self.bounded && self.of_source[idx].is_some_and(|p| !self.parsed[p as usize])
    }

    /// Marks the packages of the dependents in the given files as touched,
    /// and returns the files of the packages that are parsed from now on.
    fn admit(&mut self, files: impl Iterator<Item = usize>) -> Vec<usize> {
        if !self.bounded {
            return Vec::new();
        }
        let before = self.touched.len();
        for idx in files {
            if let Some(package) = self.of_source[idx]
                && !self.touched.contains(&package)
            {
                self.touched.push(package);
            }
        }
        if self.touched.len() == before {
            return Vec::new();
        }
        self.touched.sort_unstable();
        let parsed = self.reach.named_by(&self.reach.naming(&self.touched));
        let newly: Vec<usize> = (0..self.of_source.len())
            .filter(|&idx| {
                self.of_source[idx].is_some_and(|p| parsed[p as usize] && !self.parsed[p as usize])
            })
            .collect();
        self.parsed = parsed;
        newly
    }

    /// Marks every package parsed, and returns the files of those that
    /// were not.
    fn admit_all(&mut self) -> Vec<usize> {
        let newly: Vec<usize> = (0..self.of_source.len())
            .filter(|&idx| self.leaves_out(idx))
            .collect();
        self.parsed.fill(true);
        newly
    }
}

/// True when `count` files are most of a repository of `total` files that
/// is large enough to stop searching round by round.
fn is_most_of(count: usize, total: usize) -> bool {
    total >= WHOLE_REPOSITORY_MIN_FILES && count * 2 > total
}

/// Parses the files not parsed yet and marks every file resolved, which
/// gives the full graph of the files that are not left out.
fn take_all(
    sources: &[SideFile],
    done: &[bool],
    resolved: &mut [bool],
    reader: &SideReader<'_>,
    extracted: &mut Vec<Arc<ExtractedFile>>,
) -> Result<(), blast_diff::Error> {
    let rest: Vec<bool> = done.iter().map(|d| !d).collect();
    extracted.extend(extract_selected(sources, &rest, reader)?);
    resolved.fill(true);
    Ok(())
}

/// Reads again, whole, each Rust file that was read without its references
/// and is resolved now.
///
/// # Errors
///
/// Fails when a file the cache no longer has cannot be read.
fn complete_references(
    sources: &[SideFile],
    resolved: &[bool],
    order: &FxHashMap<&str, usize>,
    reader: &SideReader<'_>,
    extracted: &mut [Arc<ExtractedFile>],
) -> Result<(), blast_diff::Error> {
    let partial: Vec<&SideFile> = extracted
        .iter()
        .filter(|file| file.references_skipped())
        .filter_map(|file| order.get(file.path.as_str()).copied())
        .filter(|&idx| resolved[idx])
        .map(|idx| &sources[idx])
        .collect();
    if partial.is_empty() {
        return Ok(());
    }
    let mut whole: FxHashMap<String, Arc<ExtractedFile>> = reader
        .extract(&partial)?
        .into_iter()
        .map(|file| (file.path.clone(), Arc::new(file)))
        .collect();
    for file in extracted.iter_mut() {
        if let Some(read) = whole.remove(file.path.as_str()) {
            *file = read;
        }
    }
    Ok(())
}

/// Counts the files taken in so far: those parsed, and among Rust files,
/// which are all parsed, those resolved.
fn counted(sources: &[SideFile], done: &[bool], resolved: &[bool]) -> usize {
    sources
        .iter()
        .zip(done.iter().zip(resolved))
        .filter(|(source, (done, resolved))| **done && (source.lang != Lang::Rust || **resolved))
        .count()
}

/// Lists the files parsed but not resolved: Java files parsed only for the
/// type index, and Rust files that name no searched name. The graph leaves their references
/// unresolved: none of them spells a searched name, so none of their
/// references can lead to the change.
fn declarations_only(sources: &[SideFile], done: &[bool], resolved: &[bool]) -> FxHashSet<String> {
    sources
        .iter()
        .zip(done.iter().zip(resolved))
        .filter(|(_, (done, resolved))| **done && !**resolved)
        .map(|(source, _)| source.path.clone())
        .collect()
}

/// The Python files with star imports that wait for a module their star
/// imports may name, and the modules of the parsed Python files.
struct StarImports {
    /// Per waiting file: its source index and the last segments of the
    /// modules its star imports name.
    waiting: Vec<(usize, Vec<String>)>,
    /// The last segment of each parsed file's module and of its package.
    parsed_modules: FxHashSet<String>,
    /// Per source: its modules are in `parsed_modules`.
    noted: Vec<bool>,
}

impl StarImports {
    /// Starts with the modules of the changed files, which are parsed on
    /// one side or the other.
    fn new<'p>(changed_paths: impl Iterator<Item = &'p str>) -> StarImports {
        let mut parsed_modules = FxHashSet::default();
        for path in changed_paths.filter(|p| Lang::from_path(p) == Some(Lang::Python)) {
            parsed_modules.extend(module_segments(path).map(str::to_owned));
        }
        StarImports {
            waiting: Vec::new(),
            parsed_modules,
            noted: Vec::new(),
        }
    }

    /// Queues a file with a star import. Returns false when the modules its
    /// star imports name are not known, so it must be parsed now.
    fn wait(&mut self, idx: usize, source: &SideFile) -> bool {
        match source.star_modules() {
            Some(modules) => {
                self.waiting.push((idx, modules));
                true
            }
            None => false,
        }
    }

    /// Selects the waiting files whose star imports may name the module of
    /// a parsed file, repeating because a selected file is such a module
    /// too. Marks them parsed and resolved, and returns them.
    fn select(
        &mut self,
        sources: &[SideFile],
        done: &mut [bool],
        resolved: &mut [bool],
    ) -> Vec<bool> {
        self.noted.resize(sources.len(), false);
        let mut selected = vec![false; sources.len()];
        loop {
            for (idx, source) in sources.iter().enumerate() {
                if done[idx] && source.lang == Lang::Python && !self.noted[idx] {
                    self.noted[idx] = true;
                    self.parsed_modules
                        .extend(module_segments(&source.path).map(str::to_owned));
                }
            }
            let parsed_modules = &self.parsed_modules;
            let before = self.waiting.len();
            self.waiting.retain(|(idx, modules)| {
                if done[*idx] || modules.iter().any(|m| parsed_modules.contains(m)) {
                    selected[*idx] = !done[*idx];
                    done[*idx] = true;
                    resolved[*idx] = true;
                    false
                } else {
                    true
                }
            });
            if self.waiting.len() == before {
                return selected;
            }
        }
    }
}

/// Returns the last segment of the module name that Python resolution gives
/// a file, and the one before it: `c` and `b` for `a/b/c.py` and
/// `a/b/c/__init__.py`. A star import names a module by the first, and
/// reaches a submodule of a package through the second.
fn module_segments(path: &str) -> impl Iterator<Item = &str> {
    let stem = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyi"))
        .unwrap_or(path);
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    stem.rsplit(['/', '.']).filter(|s| !s.is_empty()).take(2)
}

/// Repositories smaller than this are always searched round by round, so
/// the tests' small fixtures exercise the search itself.
const WHOLE_REPOSITORY_MIN_FILES: usize = 64;

/// The Java files that may declare each top-level type name, from a lexer
/// scan, and the type names whose declarers are parsed or queued. A nested
/// type is found only through another type: its outer type or a supertype
/// of it, a qualifier (`Outer.Inner`), or the owner in an import. Those are
/// spelled where the nested type is named, and so demanded too.
struct JavaIndex {
    /// Per source: a Java file that is parsed whatever the change, because
    /// its text was not read or its package name is unusual.
    always_parsed: Vec<bool>,
    declarers: FxHashMap<String, Vec<usize>>,
    demanded: FxHashSet<String>,
    /// Demanded names whose declarers are not parsed yet.
    pending: Vec<String>,
    /// Every identifier of the files whose references count. Only members
    /// of these names can be on the path of a reference, so only their
    /// declared types need to resolve as in the full graph.
    spelled: FxHashSet<String>,
    /// `spelled` grew since the declarations of the parsed files were last
    /// read.
    spelled_grew: bool,
}

impl JavaIndex {
    /// Reads the outline of every Java file, unless `needed` is false: no
    /// Java file changed, so none is parsed.
    fn new(sources: &[SideFile], needed: bool) -> JavaIndex {
        let mut always_parsed = vec![false; sources.len()];
        let mut declarers: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let java = |s: &SideFile| needed && s.lang == Lang::Java;
        let outlines: Vec<Option<Outline>> = sources
            .par_iter()
            .map(|s| if java(s) { s.java_outline() } else { None })
            .collect();
        // Without the outline of every Java file, the declarers of a name
        // are not known: parse them all.
        if sources
            .iter()
            .zip(&outlines)
            .any(|(s, found)| java(s) && found.is_none())
        {
            for (idx, source) in sources.iter().enumerate() {
                always_parsed[idx] = java(source);
            }
        }
        for (idx, (source, found)) in sources.iter().zip(outlines).enumerate() {
            if !java(source) || always_parsed[idx] {
                continue;
            }
            let Some(found) = found else {
                continue;
            };
            always_parsed[idx] = found.unusual_package;
            for name in found.top_level_types {
                declarers.entry(name).or_default().push(idx);
            }
        }
        JavaIndex {
            always_parsed,
            declarers,
            demanded: FxHashSet::default(),
            pending: Vec::new(),
            spelled: FxHashSet::default(),
            spelled_grew: false,
        }
    }

    /// Records the identifiers of a file whose references count, and
    /// demands the declarers of every type name among them: any of them
    /// may be the type of one of its expressions.
    fn demand_spelled(&mut self, bytes: &[u8]) {
        for word in identifiers(bytes) {
            let Ok(word) = std::str::from_utf8(word) else {
                continue;
            };
            if self.spelled.contains(word) {
                continue;
            }
            self.spelled.insert(word.to_owned());
            self.spelled_grew = true;
            self.demand(word);
        }
    }

    fn demand(&mut self, name: &str) {
        if self.declarers.contains_key(name) && !self.demanded.contains(name) {
            self.demanded.insert(name.to_owned());
            self.pending.push(name.to_owned());
        }
    }

    fn demand_declared(&mut self, file: &ExtractedFile) {
        if file.lang != Lang::Java {
            return;
        }
        let spelled = &self.spelled;
        for name in declaration_type_names(file, |member| spelled.contains(member)) {
            self.demand(&name);
        }
    }

    /// Parses the declarers of the pending names, then of the type names in
    /// their declarations, until no name is pending.
    fn close(
        &mut self,
        sources: &[SideFile],
        reader: &SideReader<'_>,
        done: &mut [bool],
        extracted: &mut Vec<Arc<ExtractedFile>>,
    ) -> Result<(), blast_diff::Error> {
        if std::mem::take(&mut self.spelled_grew) {
            for file in extracted.iter() {
                self.demand_declared(file);
            }
        }
        while !self.pending.is_empty() {
            let mut selected = vec![false; sources.len()];
            for name in std::mem::take(&mut self.pending) {
                for &idx in self.declarers.get(&name).into_iter().flatten() {
                    if !done[idx] {
                        selected[idx] = true;
                        done[idx] = true;
                    }
                }
            }
            let added = extract_selected(sources, &selected, reader)?;
            for file in &added {
                self.demand_declared(file);
            }
            extracted.extend(added);
        }
        Ok(())
    }
}

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

/// The symbols and the module-level lines that a file's changed lines
/// touch on one side of the diff.
struct Touched {
    /// The local names of the symbols around the changed lines, with their
    /// enclosing symbols, and an empty name when a line is outside every
    /// definition (see `touched`).
    locals: Vec<String>,
    /// The changed lines that the diff reports under the module itself, as
    /// ranges: those outside every definition, and in Python those on a
    /// module-level variable (see `changes::reported_symbol`). Only the
    /// names on these lines narrow a module change.
    module_lines: Vec<(u32, u32)>,
}

/// Returns the local names of the symbols whose lines a hunk touches, with their
/// enclosing symbols; every symbol when the whole file changed. Java files
/// follow the changed symbols more closely: a changed line changes only
/// the innermost symbol around it, and an added or deleted file changes
/// its top-level symbols. `lines` come in ascending order, hunk by hunk.
fn touched(
    syntax: &blast_graph::model::FileSyntax,
    lang: Lang,
    status: FileStatus,
    lines: impl Iterator<Item = u32>,
) -> Touched {
    let mut out = Touched {
        locals: Vec::new(),
        module_lines: Vec::new(),
    };
    let java = lang == Lang::Java;
    match status {
        FileStatus::Deleted | FileStatus::Added | FileStatus::Copied if java => {
            let top_level = syntax.symbols.iter().filter(|s| s.parent == Some(0));
            out.locals.extend(top_level.map(|s| s.local_name.clone()));
            return out;
        }
        FileStatus::Deleted | FileStatus::Renamed | FileStatus::Added | FileStatus::Copied => {
            out.locals
                .extend(syntax.symbols.iter().skip(1).map(|s| s.local_name.clone()));
            return out;
        }
        FileStatus::Modified | FileStatus::TypeChanged => {}
    }
    for line in lines {
        let innermost = syntax.innermost_at_line(line);
        let symbol = &syntax.symbols[innermost as usize];
        let at_module = innermost == 0
            || (lang == Lang::Python
                && symbol.kind == blast_graph::SymbolKind::Field
                && symbol.parent == Some(0));
        if at_module {
            match out.module_lines.last_mut() {
                Some(range) if range.1 + 1 == line => range.1 = line,
                _ => out.module_lines.push((line, line)),
            }
        }
        // A line outside every definition changes the module itself (its
        // local name is empty). A line inside one does not: the module is
        // only its ancestor.
        if innermost == 0 && !out.locals.iter().any(String::is_empty) {
            out.locals.push(String::new());
        }
        let mut idx = Some(innermost);
        while let Some(current) = idx {
            let symbol = &syntax.symbols[current as usize];
            if current != 0 && !out.locals.contains(&symbol.local_name) {
                out.locals.push(symbol.local_name.clone());
            }
            idx = if java { None } else { symbol.parent };
        }
    }
    out
}

/// Returns the names a reference to a symbol can spell: its own name and those of
/// its enclosing definitions (a call to `Repo()` reaches `Repo.__init__`).
fn short_names(local_name: &str) -> Vec<String> {
    // A Java method's name ends with its parameter types: `Outer.m(int)`.
    // A Rust name may start with a tuple type: `<(u8, u8) as Eq>::eq`.
    let without_params = if local_name.ends_with(')') {
        local_name.split('(').next().unwrap_or(local_name)
    } else {
        local_name
    };
    // Identifiers may contain non-ASCII characters, combining marks
    // included, so only ASCII punctuation and spaces separate names.
    without_params
        .split(|c: char| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|s| !s.is_empty() && !NOT_NAMES.contains(s))
        .map(str::to_owned)
        .collect()
}

/// Keywords in the local names of Rust impls (`<dyn T as U>`), which no
/// reference spells as a name.
const NOT_NAMES: &[&str] = &[
    "as", "dyn", "for", "impl", "mut", "const", "unsafe", "extern", "fn",
];

/// Returns the names an import of a file's module can spell: the file's
/// stem, or its folder's name for a Python package's `__init__.py` and a
/// Rust `mod.rs`. A Rust crate root (`src/lib.rs`, `src/main.rs`) is named
/// by its package folder, with `_` for `-` as in the crate name.
fn module_names(path: &str) -> Vec<String> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let Some(file) = parts.pop() else {
        return Vec::new();
    };
    let (stem, extension) = file.rsplit_once('.').unwrap_or((file, ""));
    let folder = parts.last().copied();
    match (extension, stem) {
        ("py", "__init__") | ("rs", "mod") => folder.map(str::to_owned).into_iter().collect(),
        ("rs", "lib" | "main") if folder == Some("src") => {
            let Some(package) = parts.len().checked_sub(2).map(|idx| parts[idx]) else {
                return vec![stem.to_owned()];
            };
            let mut names = vec![package.to_owned()];
            if package.contains('-') {
                names.push(package.replace('-', "_"));
            }
            names
        }
        _ => vec![stem.to_owned()],
    }
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
        // Rust's white space beyond ASCII ends a word; other letters do not.
        assert!(mentions_any(&matcher, "{\u{2028}connect()".as_bytes()));
        assert!(mentions_any(&matcher, "connect\u{85}()".as_bytes()));
        assert!(!mentions_any(&matcher, "éconnect()".as_bytes()));
    }

    #[test]
    fn names_of_symbols_and_modules() {
        assert_eq!(short_names("Repo.save"), vec!["Repo", "save"]);
        assert_eq!(short_names("Outer.m(int,String)"), vec!["Outer", "m"]);
        assert_eq!(short_names("mac::twice!"), vec!["mac", "twice"]);
        assert_eq!(
            short_names("<(u8, u8) as PartialEq<Mark>>::eq"),
            vec!["u8", "u8", "PartialEq", "Mark", "eq"]
        );
        assert_eq!(short_names("नमस्ते"), vec!["नमस्ते"]);
        assert_eq!(module_names("pkg/db.py"), vec!["db"]);
        assert_eq!(module_names("pkg/__init__.py"), vec!["pkg"]);
        assert_eq!(module_names("pkg/lib.py"), vec!["lib"]);
        assert_eq!(module_names("src/net/mod.rs"), vec!["net"]);
        assert_eq!(module_names("src/net/lib.rs"), vec!["lib"]);
        assert_eq!(
            module_names("crates/aho-corasick/src/lib.rs"),
            vec!["aho-corasick", "aho_corasick"]
        );
        assert_eq!(module_names("src/main.rs"), vec!["main"]);
    }

    #[test]
    fn module_segments_of_paths() {
        let segments = |path| module_segments(path).collect::<Vec<&str>>();
        assert_eq!(segments("a/b/c.py"), vec!["c", "b"]);
        assert_eq!(segments("a/b/c/__init__.py"), vec!["c", "b"]);
        assert_eq!(segments("top.py"), vec!["top"]);
        assert_eq!(segments("pkg/foo.bar.py"), vec!["bar", "foo"]);
    }
}
