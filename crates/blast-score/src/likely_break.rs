//! Likely breaks: direct dependents of a deleted or moved symbol that still
//! name it at the head revision. Such a change is raised to at least
//! `high`, because the code that names it fails at import or call time
//! whatever its reach.
//!
//! The test is textual, on each dependent's own text (without the functions
//! and classes nested in it), the expressions in Python f-strings included.
//! For Python, a name the file now imports from
//! another module, and an attribute of a module or name imported from a
//! module outside the repository (`asyncio.run` after a deleted `run`), do
//! not count.
//!
//! A Python module whose `__all__` still lists a deleted or renamed
//! top-level name, and a module that star-imports it, fail at import too,
//! so they are listed with the dependents (see `stale_exports`).
// NOTE: in Rust and Java any token equal to the old name counts, so a local
// variable or a method of another type with that name is a false finding.

use blast_diff::{Repo, Side};
use blast_graph::{Graph, Lang, Resolution, SymbolId, SymbolKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::changes::{ChangedTexts, SymbolChange};
use crate::policy::Policy;
use crate::report::{ChangeKind, ChangedSymbol, Dependent};
use crate::score::apply_likely_break;
use crate::stale_exports;

/// The inputs of the checks for likely breaks: the repository, both
/// graphs, the symbol changes and their files' texts, and the policy.
/// `symbol_changes[i]` is the change that the report's `changes[i]` shows.
#[derive(Clone, Copy)]
pub(crate) struct BreakInputs<'a> {
    pub repo: &'a Repo,
    pub head_side: &'a Side,
    pub base: &'a Graph,
    pub head: &'a Graph,
    pub symbol_changes: &'a [SymbolChange],
    pub texts: &'a ChangedTexts,
    pub policy: &'a Policy,
}

/// Marks the direct dependents of deleted and moved symbols that still name
/// the old symbol at the head revision: they likely break.
pub(crate) fn find_still_referenced(inputs: BreakInputs<'_>, changes: &mut [ChangedSymbol]) {
    let BreakInputs {
        repo,
        head_side,
        base,
        head,
        symbol_changes,
        texts: changed_texts,
        policy,
    } = inputs;
    // Modules whose `__all__` still lists a deleted or renamed name, and
    // the modules that star-import them.
    let export_files = read_head_paths(
        repo,
        head_side,
        stale_exports::importer_paths(symbol_changes, changes, base, head),
    );
    let exporters: Vec<Vec<Dependent>> = symbol_changes
        .iter()
        .zip(changes.iter())
        .map(|(symbol_change, change)| {
            stale_exports::stale_exporters(
                symbol_change,
                change,
                base,
                head,
                changed_texts,
                &export_files,
                policy,
            )
        })
        .collect();
    // Certain dependents further away that also call the symbol directly
    // on a value of unknown type: their call is checked like a possible
    // dependent's.
    let indirect: Vec<Vec<Dependent>> = symbol_changes
        .iter()
        .zip(changes.iter())
        .map(|(symbol_change, change)| {
            let removed = matches!(change.kind, ChangeKind::Deleted | ChangeKind::Moved);
            let Some(base_id) = symbol_change.base.filter(|_| removed) else {
                return Vec::new();
            };
            let callers: FxHashSet<(&str, &str)> = base
                .dependents(base_id)
                .filter(|e| e.resolution == Resolution::Candidate)
                .map(|e| {
                    let source = &base.symbols[e.source as usize];
                    (
                        base.file_of(e.source).path.as_str(),
                        source.local_name.as_str(),
                    )
                })
                .collect();
            change
                .certain
                .iter()
                .filter(|d| d.depth > 1 && d.exists_at_head)
                .filter(|d| callers.contains(&(d.file.as_str(), d.local_name.as_str())))
                .cloned()
                .collect()
        })
        .collect();
    let texts = read_head_files(
        repo,
        head_side,
        changes
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Deleted | ChangeKind::Moved))
            .flat_map(|c| {
                c.certain
                    .iter()
                    .chain(&c.possible)
                    .filter(|d| d.depth == 1 && d.exists_at_head)
            })
            .chain(indirect.iter().flatten()),
    );
    if texts.is_empty() && exporters.iter().all(Vec::is_empty) {
        return;
    }
    let first_party: FxHashSet<&str> = head
        .files
        .iter()
        .filter(|file| file.lang == Lang::Python)
        .map(|file| {
            let module = &head.symbols[file.first_symbol as usize].name;
            module.rsplit('.').next().unwrap_or(module)
        })
        .collect();
    for ((change, indirect), exporters) in changes
        .iter_mut()
        .zip(&indirect)
        .zip(exporters)
        .filter(|((c, _), _)| matches!(c.kind, ChangeKind::Deleted | ChangeKind::Moved))
    {
        let old_name = change.old_name.as_deref().unwrap_or(&change.name);
        // The name inside its file; a moved symbol's old one, and a module's
        // own name, are the last segment of the qualified name.
        let old_local = if change.old_name.is_some() || change.local_name.is_empty() {
            old_name.rsplit(['.', ':']).next().unwrap_or(old_name)
        } else {
            change.local_name.as_str()
        };
        let short = old_local.split('(').next().unwrap_or(old_local);
        let short = short.rsplit(['.', ':']).next().unwrap_or(short);
        // The last segment of the old symbol's module (`_compat` for
        // `attr._compat.Protocol`), as an import from it would spell it.
        let module = old_name
            .strip_suffix(old_local)
            .map_or(old_name, |m| m.trim_end_matches(['.', ':']));
        let module_last = module.rsplit(['.', ':']).next().unwrap_or(module);
        // For a possible dependent, whose call is on a value of unknown
        // type, any edge to a definition of that name is enough.
        let names_old = |dep: &Dependent, possible: bool| -> bool {
            let Some((id, text, body)) = own_text_at_head(head, dep, &texts) else {
                return false;
            };
            let lang = head.file_of(id).lang;
            // A name in an f-string's replacement field names it too.
            let tokens = crate::interpolation::lex_with_interpolations(lang, &body);
            let names_it = if lang == Lang::Python {
                let imports = python_imports(&String::from_utf8_lossy(text));
                !imports.rebinds(short, module_last, &first_party)
                    && stale_occurrences(&tokens, short, module_last, &imports, &first_party)
            } else {
                tokens.contains(&short)
            };
            // A reference that now resolves to a symbol of that name (the
            // moved one, or a replacement) is not broken. In Java and Rust a
            // field named like a deleted method lives in another namespace
            // and does not replace it, so there the two must both be
            // callables or both not.
            let resolves = head.dependencies(id).iter().any(|e| {
                let target = &head.symbols[e.target as usize];
                // A module has no name inside its file, so its qualified name
                // counts: `from ._common import x` still resolves when the
                // importer moved along with `_common`.
                let named = if target.kind == SymbolKind::Module {
                    &target.name
                } else {
                    &target.local_name
                };
                let last = named.split('(').next().unwrap_or_default();
                // A Java method's name carries its parameter types:
                // `pow2Size(long)` replaces a deleted `pow2Size(int)`, and
                // `size(String)` does not replace `size(int)`.
                last.rsplit(['.', ':']).next() == Some(short)
                    && (lang == Lang::Python
                        || is_callable(target.kind) == is_callable(change.symbol_kind))
                    && (lang != Lang::Java
                        || possible
                        || (e.resolution == Resolution::Exact
                            && accepts_old_arguments(old_local, &target.local_name)))
            });
            names_it && !resolves
        };
        let direct = |list: &[Dependent], possible: bool| -> Vec<Dependent> {
            list.iter()
                .filter(|d| d.depth == 1 && d.exists_at_head && names_old(d, possible))
                .cloned()
                .collect()
        };
        let mut still = direct(&change.certain, false);
        for exporter in exporters {
            let listed = still
                .iter()
                .any(|d| d.file == exporter.file && d.local_name == exporter.local_name);
            if !listed {
                still.push(exporter);
            }
        }
        let mut possibly = direct(&change.possible, true);
        possibly.extend(indirect.iter().filter(|d| names_old(d, true)).cloned());
        if !still.is_empty() {
            let detail = if still.len() == 1 {
                "a direct dependent still names it: raised to high".to_owned()
            } else {
                format!(
                    "{} direct dependents still name it: raised to high",
                    still.len()
                )
            };
            apply_likely_break(&mut change.score, detail);
        }
        change.still_referenced = still;
        change.possibly_still_referenced = possibly;
    }
    discount_cleared_deletions(changes);
}

/// Scores a deleted symbol like an added one when the diff also changed
/// every direct dependent that remains and none of them still names it:
/// its users were updated, and their own changes carry the risk.
fn discount_cleared_deletions(changes: &mut [ChangedSymbol]) {
    let cleared: Vec<usize> = {
        let changed: FxHashSet<(&str, &str)> = changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Deleted)
            .map(|c| (c.file.as_str(), c.local_name.as_str()))
            .collect();
        // A function nested in a changed one is reported with it.
        let updated = |d: &Dependent| {
            let mut name = d.local_name.as_str();
            loop {
                if changed.contains(&(d.file.as_str(), name)) {
                    return true;
                }
                match name.rfind(['.', ':']) {
                    Some(at) => name = name[..at].trim_end_matches(':'),
                    None => return false,
                }
            }
        };
        changes
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.kind == ChangeKind::Deleted
                    && c.still_referenced.is_empty()
                    && c.possibly_still_referenced.is_empty()
            })
            .filter(|(_, c)| {
                let mut direct = c
                    .certain
                    .iter()
                    .chain(&c.possible)
                    .filter(|d| d.depth == 1 && d.exists_at_head)
                    .peekable();
                direct.peek().is_some() && direct.all(&updated)
            })
            .map(|(idx, _)| idx)
            .collect()
    };
    for idx in cleared {
        crate::score::set_change_multiplier(
            &mut changes[idx].score,
            0.0,
            "deleted, and the diff updated every direct dependent: x0".to_owned(),
        );
    }
}

/// Reads the head text of the files of `dependents`, each file once, by
/// path. A file that cannot be read is left out with a warning, so its
/// dependents are not checked.
pub(crate) fn read_head_files<'d>(
    repo: &Repo,
    head_side: &Side,
    dependents: impl Iterator<Item = &'d Dependent>,
) -> FxHashMap<String, Vec<u8>> {
    let mut paths: Vec<String> = dependents.map(|d| d.file.clone()).collect();
    paths.sort();
    paths.dedup();
    read_head_paths(repo, head_side, paths)
}

/// Reads the head text of each of `paths`. A file that cannot be read is
/// left out with a warning.
fn read_head_paths(
    repo: &Repo,
    head_side: &Side,
    paths: Vec<String>,
) -> FxHashMap<String, Vec<u8>> {
    if paths.is_empty() {
        return FxHashMap::default();
    }
    match repo.read_files(head_side, &paths) {
        Ok(contents) => paths
            .into_iter()
            .zip(contents)
            .filter_map(|(path, bytes)| Some((path, bytes?)))
            .collect(),
        Err(err) => {
            log::warn!("could not read dependents at the head revision: {err}");
            FxHashMap::default()
        }
    }
}

/// Finds a dependent in the head graph and returns its symbol, its file's
/// text from `files`, and its own text without the definitions nested in it.
pub(crate) fn own_text_at_head<'f>(
    head: &Graph,
    dep: &Dependent,
    files: &'f FxHashMap<String, Vec<u8>>,
) -> Option<(SymbolId, &'f [u8], String)> {
    let file = head.file_id(&dep.file)?;
    let id = head.find_local_at(file, &dep.local_name, dep.line)?;
    let text = files.get(dep.file.as_str())?;
    Some((id, text, crate::module_change::own_text(head, id, text)))
}

/// The names a Python file binds with import statements.
#[derive(Debug, Default, PartialEq, Eq)]
struct PythonImports {
    /// `(bound name, last segment of the module it comes from)`: for
    /// `from a.b import c as d` that is `("d", "b")`, for `import a.b` it is
    /// `("a", "a")`, and for `import a.b as m` it is `("m", "b")`.
    bindings: Vec<(String, String)>,
}

impl PythonImports {
    /// True when the file imports `name` from a module other than the old
    /// symbol's, so the name now means something else (`from typing import
    /// Protocol` after `attr._compat.Protocol` was deleted).
    ///
    /// Imports from the repository's own modules (`first_party` lists the
    /// last segments of their names) do not count, so the graph decides
    /// whether the name still resolves: `from pkg import helper` names the
    /// deleted `pkg.core.helper` when `pkg/__init__.py` still imports it.
    fn rebinds(&self, name: &str, module_last: &str, first_party: &FxHashSet<&str>) -> bool {
        self.bindings.iter().any(|(bound, from)| {
            bound == name
                && from != module_last
                && !from.is_empty()
                && !first_party.contains(from.as_str())
        })
    }

    /// True when `name` is bound by an import from a module other than the
    /// old symbol's, outside the repository: its attributes belong to that
    /// module or class. A name imported from a first-party module
    /// (`import pkg as p` when `pkg/__init__.py` re-exports the old symbol)
    /// is left to the graph, as in [`PythonImports::rebinds`].
    fn is_other_module(
        &self,
        name: &str,
        module_last: &str,
        first_party: &FxHashSet<&str>,
    ) -> bool {
        name != module_last
            && self.bindings.iter().any(|(bound, from)| {
                bound == name && from != module_last && !first_party.contains(from.as_str())
            })
    }
}

/// Collects the bindings of a Python file's top-level and nested import
/// statements, including parenthesised ones over several lines. Relative
/// imports of a package (`from . import x`) record an empty module.
fn python_imports(text: &str) -> PythonImports {
    let mut imports = PythonImports::default();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if !(trimmed.starts_with("from ") || trimmed.starts_with("import ")) {
            continue;
        }
        let mut statement = trimmed.to_owned();
        while (statement.contains('(') && !statement.contains(')'))
            || statement.trim_end().ends_with('\\')
        {
            let Some(next) = lines.next() else { break };
            statement.push(' ');
            statement.push_str(next);
        }
        let tokens = crate::tokens::lex(Lang::Python, &statement);
        let is_name = |t: &&str| {
            t.chars()
                .next()
                .is_some_and(|c| c == '_' || c.is_alphabetic())
        };
        if tokens.first() == Some(&"from") {
            let Some(import_at) = tokens.iter().position(|t| *t == "import") else {
                continue;
            };
            let from = tokens[1..import_at]
                .iter()
                .rev()
                .find(|t| is_name(t))
                .map_or(String::new(), |t| (*t).to_owned());
            for item in tokens[import_at + 1..].split(|t| *t == ",") {
                let names: Vec<&str> = item.iter().copied().filter(|t| is_name(t)).collect();
                if let Some(bound) = names.last() {
                    imports.bindings.push(((*bound).to_owned(), from.clone()));
                }
            }
        } else {
            for item in tokens[1..].split(|t| *t == ",") {
                let names: Vec<&str> = item.iter().copied().filter(|t| is_name(t)).collect();
                let aliased = item.contains(&"as");
                let (Some(first), Some(last)) = (names.first(), names.last()) else {
                    continue;
                };
                if aliased {
                    // `import a.b as m`: names are a, b, as, m.
                    let module = names.get(names.len().saturating_sub(3)).unwrap_or(first);
                    imports
                        .bindings
                        .push(((*last).to_owned(), (*module).to_owned()));
                } else {
                    imports
                        .bindings
                        .push(((*first).to_owned(), (*first).to_owned()));
                }
            }
        }
    }
    imports
}

/// True when `tokens` spell `name` somewhere other than as an attribute of
/// a module or name imported from another module outside the repository
/// (`asyncio.run` does not name a deleted `test_async.run`).
fn stale_occurrences(
    tokens: &[&str],
    name: &str,
    module_last: &str,
    imports: &PythonImports,
    first_party: &FxHashSet<&str>,
) -> bool {
    tokens.iter().enumerate().any(|(idx, token)| {
        if *token != name {
            return false;
        }
        let qualifier = idx
            .checked_sub(2)
            .filter(|&before| tokens[before + 1] == ".")
            .map(|before| tokens[before]);
        !qualifier.is_some_and(|q| imports.is_other_module(q, module_last, first_party))
    })
}

/// True when an exact reference to the Java method `new` can stand in for
/// the deleted `old`. Exact resolution matches the number of arguments, so
/// a different parameter count means the call itself was updated. With the
/// same count, each parameter must be the same type, a primitive widening
/// of it (`int` to `long`), its boxed type or `Object`. A name without
/// parameters (a field, a class) accepts.
fn accepts_old_arguments(old: &str, new: &str) -> bool {
    let params = |name: &str| -> Option<Vec<String>> {
        let inner = name.split_once('(')?.1.strip_suffix(')')?;
        Some(if inner.is_empty() {
            Vec::new()
        } else {
            inner
                .split(',')
                .map(|p| p.rsplit('.').next().unwrap_or(p).to_owned())
                .collect()
        })
    };
    let (Some(old), Some(new)) = (params(old), params(new)) else {
        return true;
    };
    old.len() != new.len()
        || old
            .iter()
            .zip(&new)
            .all(|(from, to)| blast_graph::lang::java::converts_without_cast(from, to))
}

/// True for the kinds of symbol that code calls.
fn is_callable(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Function | SymbolKind::Method | SymbolKind::Constructor
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(text: &str) -> Vec<(String, String)> {
        let mut out = python_imports(text).bindings;
        out.sort();
        out
    }

    #[test]
    fn java_replacements_must_take_the_old_arguments() {
        assert!(accepts_old_arguments(
            "Util.pow2Size(int)",
            "Util.pow2Size(long)"
        ));
        assert!(accepts_old_arguments(
            "Util.put(int,String)",
            "Util.put(Integer,Object)"
        ));
        assert!(!accepts_old_arguments(
            "Util.size(int)",
            "Util.size(String)"
        ));
        assert!(!accepts_old_arguments("Util.size(long)", "Util.size(int)"));
        assert!(
            accepts_old_arguments("Util.size(int)", "Util.size(int,int)"),
            "an exact call with two arguments was updated"
        );
        assert!(accepts_old_arguments("Util.LIMIT", "Util.LIMIT"));
    }

    #[test]
    fn python_imports_record_bound_names_and_modules() {
        let text = "import asyncio\nimport os.path\nimport a.b as m\nfrom typing import Protocol, Any as A\nfrom .._compat import (\n    iscoroutine,\n    other,\n)\nfrom . import sibling\n";
        let expected: Vec<(String, String)> = [
            ("A", "typing"),
            ("Protocol", "typing"),
            ("asyncio", "asyncio"),
            ("iscoroutine", "_compat"),
            ("m", "b"),
            ("os", "os"),
            ("other", "_compat"),
            ("sibling", ""),
        ]
        .iter()
        .map(|(bound, from)| ((*bound).to_owned(), (*from).to_owned()))
        .collect();
        assert_eq!(bindings(text), expected);
    }

    #[test]
    fn imports_from_elsewhere_rebind_the_name() {
        let imports = python_imports("from typing import Protocol\nfrom ._compat import gone\n");
        let first_party: FxHashSet<&str> = ["_compat", "pkg"].into_iter().collect();
        assert!(imports.rebinds("Protocol", "_compat", &first_party));
        assert!(
            !imports.rebinds("gone", "_compat", &first_party),
            "the stale import itself"
        );
        assert!(!imports.rebinds("missing", "_compat", &first_party));
        let from_package = python_imports("from pkg import helper\n");
        assert!(
            !from_package.rebinds("helper", "core", &first_party),
            "an import from the repository's own package is left to the graph"
        );
    }

    #[test]
    fn attributes_of_other_modules_are_not_stale() {
        let imports = python_imports("import asyncio\nfrom pkg import _compat\n");
        let first_party: FxHashSet<&str> = ["pkg", "_compat"].into_iter().collect();
        let lex = |text| crate::tokens::lex(Lang::Python, text);
        let stale = |text, module_last| {
            stale_occurrences(&lex(text), "run", module_last, &imports, &first_party)
        };
        assert!(!stale("asyncio.run(f())", "test_async"));
        assert!(stale("run(f())", "test_async"));
        assert!(stale("self.run()", "test_async"));
        assert!(stale("_compat.run()", "_compat"));
    }

    #[test]
    fn names_in_f_strings_are_stale() {
        let imports = python_imports("import asyncio\n");
        let first_party: FxHashSet<&str> = ["pkg"].into_iter().collect();
        let lex = |text| crate::interpolation::lex_with_interpolations(Lang::Python, text);
        let stale = |text| stale_occurrences(&lex(text), "run", "a", &imports, &first_party);
        assert!(stale("return f\"{run(1)}\""));
        assert!(stale("return f\"{run=}\""));
        assert!(stale("return f\"{x:>{run()}}\""));
        assert!(stale("return f'{f\"{run}\"}'"));
        assert!(!stale("return f\"{asyncio.run(f())}\""));
        assert!(!stale("return f\"run {{run}}\""), "literal text only");
    }

    #[test]
    fn attributes_of_first_party_aliases_are_stale() {
        let imports = python_imports("import more_itertools as mi\nimport itertools as it\n");
        let first_party: FxHashSet<&str> = ["more_itertools", "recipes"].into_iter().collect();
        let lex = |text| crate::tokens::lex(Lang::Python, text);
        assert!(
            stale_occurrences(
                &lex("mi.take(5, x)"),
                "take",
                "recipes",
                &imports,
                &first_party
            ),
            "the package re-exports the old symbol"
        );
        assert!(!stale_occurrences(
            &lex("it.take(5, x)"),
            "take",
            "recipes",
            &imports,
            &first_party
        ));
    }
}
