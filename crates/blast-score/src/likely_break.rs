//! Likely breaks: direct dependents of a deleted or moved symbol that still
//! name it at the head revision.

use blast_diff::{Repo, Side};
use blast_graph::Graph;
use rustc_hash::FxHashMap;

use crate::report::{ChangeKind, ChangedSymbol};

/// Marks the direct dependents of deleted and moved symbols that still name
/// the old symbol at the head revision: they likely break.
pub(crate) fn find_still_referenced(
    repo: &Repo,
    head_side: &Side,
    head: &Graph,
    changes: &mut [ChangedSymbol],
) {
    let mut paths: Vec<String> = changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::Deleted | ChangeKind::Moved))
        .flat_map(|c| {
            c.certain
                .iter()
                .filter(|d| d.depth == 1 && d.exists_at_head)
                .map(|d| d.file.clone())
        })
        .collect();
    if paths.is_empty() {
        return;
    }
    paths.sort();
    paths.dedup();
    let contents = match repo.read_files(head_side, &paths) {
        Ok(contents) => contents,
        Err(err) => {
            log::warn!("could not read dependents at the head revision: {err}");
            return;
        }
    };
    let texts: FxHashMap<&str, Vec<u8>> = paths
        .iter()
        .zip(contents)
        .filter_map(|(p, c)| c.map(|c| (p.as_str(), c)))
        .collect();
    for change in changes
        .iter_mut()
        .filter(|c| matches!(c.kind, ChangeKind::Deleted | ChangeKind::Moved))
    {
        let old_name = change.old_name.as_deref().unwrap_or(&change.name);
        let short = old_name.rsplit(['.', ':']).next().unwrap_or(old_name);
        let mut still = Vec::new();
        for dep in change
            .certain
            .iter()
            .filter(|d| d.depth == 1 && d.exists_at_head)
        {
            let Some(file) = head.file_id(&dep.file) else {
                continue;
            };
            let Some(id) = head.find_local(file, &dep.local_name) else {
                continue;
            };
            let span = head.symbols[id as usize].span;
            let Some(text) = texts.get(dep.file.as_str()) else {
                continue;
            };
            let Some(body) = text.get(span.start_byte as usize..span.end_byte as usize) else {
                continue;
            };
            let body = String::from_utf8_lossy(body);
            let lang = head.files[file as usize].lang;
            let names_it = crate::tokens::lex(lang, &body).contains(&short);
            // A reference that now resolves to a symbol of that name (the
            // moved one, or a replacement) is not broken.
            let resolves = head.dependencies(id).iter().any(|e| {
                let target = &head.symbols[e.target as usize].local_name;
                target.rsplit(['.', ':']).next() == Some(short)
            });
            if names_it && !resolves {
                still.push(dep.clone());
            }
        }
        change.still_referenced = still;
    }
}
