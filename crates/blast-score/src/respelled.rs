//! Head-side names spelled as at the base, for the definitions of a changed
//! file whose name changed only because an enclosing scope's name did, and
//! for the scopes whose name changed only in spelling:
//!
//! - a Java method's name carries its parameter types, so adding a
//!   parameter renames every definition nested in it (the methods and
//!   fields of a local class) although none of them changed;
//! - a Rust impl's name carries its self type and trait as written, so
//!   `impl Entries for Map` becoming `impl crate::Entries for Map` renames
//!   the impl and its items although the trait is the same.
//!
//! Pairing base and head symbols by these names keeps such definitions
//! out of the report when they did not change, and reports them as
//! modified when they did.

use blast_graph::{FileId, Graph, Lang, SymbolId, SymbolKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::tokens::{lex, without_path_qualifiers};

/// Maps the head symbols of `head_file` whose base-side name differs from
/// their own to that base-side name. The other symbols keep their names.
///
/// A Java method or constructor is matched to the base one of the same
/// name and parent when it is the only one of that name without a
/// namesake on each side. The method keeps its own name, so that a changed
/// parameter list is still reported as before, and its members take the
/// base method's name as their prefix. A Rust impl is matched to the base
/// impl with the same name once path qualifiers are dropped (`Entries`
/// for `crate::Entries`, `Map<K, V>` for `crate::map::Map<K, V>`), under the
/// same condition, and takes the base impl's name together with its items.
// NOTE: dropping qualifiers also equates two different traits of one last
// name (`fmt::Write` and `io::Write`) when one replaces the other and
// neither is implemented on both sides.
pub(crate) fn base_spellings(
    base: &Graph,
    base_file: FileId,
    head: &Graph,
    head_file: FileId,
) -> FxHashMap<SymbolId, String> {
    let lang = head.files[head_file as usize].lang;
    let mut renamed: FxHashMap<SymbolId, String> = FxHashMap::default();
    if !matches!(lang, Lang::Java | Lang::Rust) {
        return renamed;
    }
    let base_by_name: FxHashMap<&str, SymbolId> = base
        .file_symbols(base_file)
        .rev()
        .map(|id| (base.symbols[id as usize].local_name.as_str(), id))
        .collect();
    let base_children = children(base, base_file);
    let head_children = children(head, head_file);

    // Each head scope with the base-side name its members' names start
    // with, and its base counterpart.
    let head_module = head.files[head_file as usize].first_symbol;
    let base_module = base.files[base_file as usize].first_symbol;
    let mut scopes: Vec<(SymbolId, Option<String>, Option<SymbolId>)> =
        vec![(head_module, None, Some(base_module))];
    while let Some((scope, scope_at_base, base_scope)) = scopes.pop() {
        let Some(members) = head_children.get(&scope) else {
            continue;
        };
        let scope_name = head.symbols[scope as usize].local_name.as_str();
        let translated: Vec<String> = members
            .iter()
            .map(|&id| {
                let name = head.symbols[id as usize].local_name.as_str();
                match (&scope_at_base, name.strip_prefix(scope_name)) {
                    (Some(prefix), Some(rest)) if !scope_name.is_empty() => {
                        format!("{prefix}{rest}")
                    }
                    _ => name.to_owned(),
                }
            })
            .collect();

        // Group the members without a base namesake, and the base members
        // without a head one, by kind and respelling key.
        type Groups = FxHashMap<(SymbolKind, String), Vec<usize>>;
        let mut head_groups: Groups = FxHashMap::default();
        for (idx, name) in translated.iter().enumerate() {
            let kind = head.symbols[members[idx] as usize].kind;
            if base_by_name.contains_key(name.as_str()) {
                continue;
            }
            if let Some(key) = respelling_key(lang, kind, name) {
                head_groups.entry((kind, key)).or_default().push(idx);
            }
        }
        let head_names: FxHashSet<&str> = translated.iter().map(String::as_str).collect();
        let base_members: &[SymbolId] = base_scope
            .and_then(|b| base_children.get(&b))
            .map_or(&[], Vec::as_slice);
        let mut base_groups: FxHashMap<(SymbolKind, String), Vec<SymbolId>> = FxHashMap::default();
        for &id in base_members {
            let symbol = &base.symbols[id as usize];
            if head_names.contains(symbol.local_name.as_str()) {
                continue;
            }
            if let Some(key) = respelling_key(lang, symbol.kind, &symbol.local_name) {
                base_groups.entry((symbol.kind, key)).or_default().push(id);
            }
        }
        // Only a group of one on each side is a match, so the order of the
        // groups does not matter.
        let matched: FxHashMap<usize, SymbolId> = head_groups
            .iter()
            .filter_map(
                |(key, group)| match (group.as_slice(), base_groups.get(key)?.as_slice()) {
                    ([idx], [base_id]) => Some((*idx, *base_id)),
                    _ => None,
                },
            )
            .collect();

        for (idx, (&id, name)) in members.iter().zip(translated).enumerate() {
            let own = head.symbols[id as usize].local_name.as_str();
            let (name_at_base, base_id) = match matched.get(&idx) {
                Some(&base_id) => {
                    let base_name = base.symbols[base_id as usize].local_name.clone();
                    // A Java method keeps its own name: its parameter list
                    // did change, so it is still reported as before.
                    if head.symbols[id as usize].kind == SymbolKind::Impl {
                        renamed.insert(id, base_name.clone());
                    }
                    (base_name, Some(base_id))
                }
                None => {
                    if name != own {
                        renamed.insert(id, name.clone());
                    }
                    let base_id = base_by_name.get(name.as_str()).copied();
                    (name, base_id)
                }
            };
            let scope_at_base = (name_at_base != own).then_some(name_at_base);
            scopes.push((id, scope_at_base, base_id));
        }
    }
    renamed
}

/// Groups the symbols of a file by their parent, in file order.
fn children(graph: &Graph, file: FileId) -> FxHashMap<SymbolId, Vec<SymbolId>> {
    let mut out: FxHashMap<SymbolId, Vec<SymbolId>> = FxHashMap::default();
    for id in graph.file_symbols(file) {
        if let Some(parent) = graph.symbols[id as usize].parent {
            out.entry(parent).or_default().push(id);
        }
    }
    out
}

/// Returns the part of a definition's name that stays when only its
/// spelling changes: a Java method's name without its parameter list, a Rust impl's
/// name without path qualifiers. `None` for the other definitions.
fn respelling_key(lang: Lang, kind: SymbolKind, name: &str) -> Option<String> {
    match (lang, kind) {
        (Lang::Java, SymbolKind::Method | SymbolKind::Constructor) => {
            name.rfind('(').map(|open| name[..open].to_owned())
        }
        (Lang::Rust, SymbolKind::Impl) => Some(without_path_qualifiers(&lex(lang, name)).join(" ")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach::tests::graph;

    /// Lists the renamed head symbols as (own name, base-side name), sorted.
    fn spellings(path: &str, base_text: &str, head_text: &str) -> Vec<(String, String)> {
        let base = graph(&[(path, base_text)]);
        let head = graph(&[(path, head_text)]);
        let mut out: Vec<(String, String)> = base_spellings(&base, 0, &head, 0)
            .into_iter()
            .map(|(id, name)| (head.symbols[id as usize].local_name.clone(), name))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn impl_key_drops_qualifiers() {
        let key = |name| respelling_key(Lang::Rust, SymbolKind::Impl, name);
        assert_eq!(
            key("<crate::map::Core<K, V> as ::std::fmt::Debug>"),
            key("<Core<K,V> as Debug>")
        );
        assert_ne!(key("<Core<K, V> as Debug>"), key("<Core<K> as Debug>"));
        assert_ne!(key("<A as B>"), key("<Aas B>"));
    }

    #[test]
    fn java_local_class_keeps_base_names() {
        let base = "class P {\n  static int find(int a) {\n    class Finder {\n      int seen;\n      int scan(int x) { return x; }\n    }\n    return new Finder().scan(a);\n  }\n  static int find(String s) { return 0; }\n}\n";
        let head = base.replace("find(int a)", "find(int a, boolean strict)");
        assert_eq!(
            spellings("P.java", base, &head),
            [
                (
                    "P.find(int,boolean).Finder".to_owned(),
                    "P.find(int).Finder".to_owned()
                ),
                (
                    "P.find(int,boolean).Finder.scan(int)".to_owned(),
                    "P.find(int).Finder.scan(int)".to_owned()
                ),
                (
                    "P.find(int,boolean).Finder.seen".to_owned(),
                    "P.find(int).Finder.seen".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn java_overloads_changed_together_are_not_matched() {
        let base =
            "class P {\n  void f(int a) { class L {} }\n  void f(long a) { class L {} }\n}\n";
        let head = "class P {\n  void f(int a, int b) { class L {} }\n  void f(long a, int b) { class L {} }\n}\n";
        assert_eq!(spellings("P.java", base, head), []);
    }

    #[test]
    fn rust_trait_path_respelling_keeps_base_names() {
        let base = "trait Entries { type Entry; fn n(&self) -> usize; }\nstruct Core<K>(K);\nimpl<K> Entries for Core<K> {\n    type Entry = K;\n    fn n(&self) -> usize { 1 }\n}\n";
        let head = base.replace("impl<K> Entries", "impl<K> crate::Entries");
        assert_eq!(
            spellings("src/lib.rs", base, &head),
            [
                (
                    "<Core<K> as crate::Entries>".to_owned(),
                    "<Core<K> as Entries>".to_owned()
                ),
                (
                    "<Core<K> as crate::Entries>::Entry".to_owned(),
                    "<Core<K> as Entries>::Entry".to_owned()
                ),
                (
                    "<Core<K> as crate::Entries>::n".to_owned(),
                    "<Core<K> as Entries>::n".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn rust_different_trait_is_not_respelling() {
        let base = "struct S;\nimpl Clone for S { fn clone(&self) -> S { S } }\n";
        let head = "struct S;\nimpl Default for S { fn default() -> S { S } }\n";
        assert_eq!(spellings("src/lib.rs", base, head), []);
    }
}
