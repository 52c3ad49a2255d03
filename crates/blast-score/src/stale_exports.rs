//! Python modules that still export a deleted or renamed definition by name.
//!
//! A module's `__all__` lists names as strings, so the graph has no edge
//! from it to the definitions it lists. When a top-level definition is
//! deleted or renamed and `__all__` still lists the old name,
//! `from module import *` raises `AttributeError`, and so does importing a
//! package whose `__init__.py` star-imports that module. Both are reported
//! as still referencing the old definition.

use blast_graph::{Graph, Lang, SymbolId, SymbolKind};
use rustc_hash::FxHashMap;

use crate::changes::{ChangedTexts, SymbolChange};
use crate::module_change::{Bindings, bind_import, python_statements_on};
use crate::policy::Policy;
use crate::report::{ChangeKind, ChangedSymbol, Dependent};

/// Every line of a file, for [`python_statements_on`].
const WHOLE_FILE: &[(u32, u32)] = &[(1, u32::MAX)];

/// Returns the head modules that break on import because a top-level
/// Python definition was deleted or moved. Its old module is one when its
/// `__all__` still lists the old name and nothing there binds it, and then
/// so is every module that star-imports it. Other changes get none.
pub(crate) fn stale_exporters(
    symbol_change: &SymbolChange,
    change: &ChangedSymbol,
    base: &Graph,
    head: &Graph,
    texts: &ChangedTexts,
    head_files: &FxHashMap<String, Vec<u8>>,
    policy: &Policy,
) -> Vec<Dependent> {
    if !matches!(change.kind, ChangeKind::Deleted | ChangeKind::Moved) {
        return Vec::new();
    }
    let Some(base_id) = symbol_change.base else {
        return Vec::new();
    };
    let symbol = &base.symbols[base_id as usize];
    let file = base.file_of(base_id);
    let top_level = symbol
        .parent
        .is_some_and(|parent| base.symbols[parent as usize].kind == SymbolKind::Module);
    if file.lang != Lang::Python || !top_level {
        return Vec::new();
    }
    let old_name = symbol.local_name.as_str();
    let Some(head_file) = head.file_id(&file.path) else {
        return Vec::new();
    };
    let Some(text) = texts
        .head
        .get(&file.path)
        .or_else(|| head_files.get(&file.path))
    else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(text);
    let module = head.files[head_file as usize].first_symbol;
    if !all_names(&text).iter().any(|name| name == old_name) || binds(head, module, &text, old_name)
    {
        return Vec::new();
    }

    let mut found = vec![crate::implementations::dependent(
        head,
        module,
        &change.name,
        policy,
    )];
    for importer in star_importers(head, module, head_files) {
        found.push(crate::implementations::dependent(
            head,
            importer,
            &head.symbols[module as usize].name,
            policy,
        ));
    }
    found
}

/// Lists the paths of the files that [`stale_exporters`] may need at the
/// head revision: those of the modules that import the old module of each
/// deleted or moved top-level Python definition.
pub(crate) fn importer_paths(
    symbol_changes: &[SymbolChange],
    changes: &[ChangedSymbol],
    base: &Graph,
    head: &Graph,
) -> Vec<String> {
    let mut paths = Vec::new();
    for (symbol_change, change) in symbol_changes.iter().zip(changes) {
        if !matches!(change.kind, ChangeKind::Deleted | ChangeKind::Moved) {
            continue;
        }
        let Some(base_id) = symbol_change.base else {
            continue;
        };
        let file = base.file_of(base_id);
        let Some(head_file) = head.file_id(&file.path) else {
            continue;
        };
        if file.lang != Lang::Python {
            continue;
        }
        let module = head.files[head_file as usize].first_symbol;
        paths.push(file.path.clone());
        paths.extend(
            module_importers(head, module).map(|importer| head.file_of(importer).path.clone()),
        );
    }
    paths.sort();
    paths.dedup();
    paths
}

/// Yields the modules with an edge into `module`, each once.
fn module_importers(head: &Graph, module: SymbolId) -> impl Iterator<Item = SymbolId> + '_ {
    let mut seen = Vec::new();
    head.dependents(module)
        .map(|edge| edge.source)
        .filter(move |&source| {
            let fresh =
                head.symbols[source as usize].kind == SymbolKind::Module && !seen.contains(&source);
            if fresh {
                seen.push(source);
            }
            fresh
        })
}

/// Lists the modules that run `from <module> import *`, by the last
/// segment of the module's name, among those with an edge into it.
fn star_importers(
    head: &Graph,
    module: SymbolId,
    head_files: &FxHashMap<String, Vec<u8>>,
) -> Vec<SymbolId> {
    let name = &head.symbols[module as usize].name;
    let last = name.rsplit('.').next().unwrap_or(name);
    module_importers(head, module)
        .filter(|&importer| importer != module)
        .filter(|&importer| {
            head_files
                .get(&head.file_of(importer).path)
                .is_some_and(|text| star_imports_from(&String::from_utf8_lossy(text), last))
        })
        .collect()
}

/// True when `text` has a `from ... import *` whose module's last segment
/// is `last` (`from .itertoolz import *`, `from toolz.itertoolz import *`).
fn star_imports_from(text: &str, last: &str) -> bool {
    python_statements_on(text, WHOLE_FILE)
        .iter()
        .any(|statement| match statement.tokens.as_slice() {
            ["from", module @ .., "import", "*"] => module.last() == Some(&last),
            _ => false,
        })
}

/// True when the module still binds `name` at the head: a definition of
/// that name, or an import that binds it.
fn binds(head: &Graph, module: SymbolId, text: &str, name: &str) -> bool {
    let file = head.symbols[module as usize].file;
    let defined = head.file_symbols(file).any(|id| {
        let symbol = &head.symbols[id as usize];
        symbol.parent == Some(module) && symbol.local_name == name
    });
    if defined {
        return true;
    }
    let mut bindings = Bindings::new();
    for statement in python_statements_on(text, WHOLE_FILE) {
        if matches!(statement.tokens.first(), Some(&("import" | "from"))) {
            // A statement that fails to parse as an import binds nothing.
            let _ = bind_import(&statement.tokens, &mut bindings);
        }
    }
    bindings.iter().any(|(bound, _)| bound == name)
}

/// Collects the names that a module's `__all__` lists: the string literals
/// of `__all__ = [...]` or `(...)`, `__all__ += [...]`, and
/// `__all__.append(...)` or `.extend(...)` statements.
// NOTE: a name added by other means (`__all__ = other.__all__ + [...]`,
// a comprehension) is read only where it is a string literal.
pub(crate) fn all_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for statement in python_statements_on(text, WHOLE_FILE) {
        let literals = match statement.tokens.as_slice() {
            ["__all__", "=", rest @ ..] if rest.first() != Some(&"=") => rest,
            ["__all__", "+", "=", rest @ ..] => rest,
            ["__all__", ".", "append" | "extend", rest @ ..] => rest,
            _ => continue,
        };
        names.extend(literals.iter().filter_map(|token| string_value(token)));
    }
    names
}

/// Returns the text of a plain (not byte, not f-) string literal token when
/// that text is an identifier.
fn string_value(token: &str) -> Option<String> {
    let prefix_len = token.find(['"', '\''])?;
    let prefix = &token[..prefix_len];
    if !prefix.chars().all(|c| matches!(c, 'r' | 'R' | 'u' | 'U')) {
        return None;
    }
    let quoted = &token[prefix_len..];
    let quote = quoted.chars().next()?;
    let inner = quoted.trim_start_matches(quote).trim_end_matches(quote);
    let is_identifier = inner
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
        && inner.chars().all(|c| c == '_' || c.is_alphanumeric());
    is_identifier.then(|| inner.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_names_read_lists_tuples_and_additions() {
        let text = "__all__ = ('remove', 'concat',\n           \"first\")\n\
                    __all__ += ['extra']\n__all__.append('one')\n\
                    __all__.extend([r'two'])\nOTHER = ['not_exported']\n";
        assert_eq!(
            all_names(text),
            vec!["remove", "concat", "first", "extra", "one", "two"]
        );
    }

    #[test]
    fn all_names_skip_non_literals() {
        let text = "__all__ = [f'{x}', b'raw', 'has space', name]\n__all__ == ['compare']\n";
        assert!(all_names(text).is_empty());
    }

    #[test]
    fn star_imports_match_last_segment() {
        let text = "from .itertoolz import *\nfrom toolz.dicttoolz import *\n";
        assert!(star_imports_from(text, "itertoolz"));
        assert!(star_imports_from(text, "dicttoolz"));
        assert!(!star_imports_from(text, "toolz"));
        assert!(!star_imports_from(
            "from .itertoolz import concat\n",
            "itertoolz"
        ));
    }
}
