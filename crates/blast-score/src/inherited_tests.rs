//! Test methods that pytest runs under every collected class that inherits
//! them. For `class Test04(Test02)` pytest collects each `test*` method of
//! `Test02` a second time, as `Test04::test_x`, so a change that reaches
//! `Test02.test_x` must list both ids. The same holds for the `test*`
//! methods of a base class that pytest does not collect itself (a mixin
//! such as `class Checks:` under `class TestApi(Checks)`).
//!
//! The classes come from the head graph's inheritance edges, which join a
//! class to the bases the resolver found in the same file or in an
//! imported module.
// NOTE: the order of the bases is not in the graph. So when two bases of a
// class both define `test_x`, the id `TestSub::test_x` is listed for a
// change to either method, although pytest runs only the one that comes
// first in the method resolution order. A test class that a test module
// imports is collected under that module too, and those ids are missing.

use blast_graph::{EdgeKind, FileId, Graph, Lang, SymbolId, SymbolKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::policy::Policy;
use crate::report::{ChangeKind, ChangedSymbol, Dependent};

/// Adds to each change's tests the ids under which pytest runs an
/// inherited copy of a test method that the change reaches or is. A
/// change that adds a test class also gets the methods the class inherits.
pub(crate) fn add_inherited_tests(head: &Graph, policy: &Policy, changes: &mut [ChangedSymbol]) {
    let mut classes = Classes::new(head, policy);
    for change in changes.iter_mut() {
        let mut added: Vec<Dependent> = Vec::new();
        for seed in seeds(&mut classes, change) {
            let Some(method) = classes.symbol(&seed.file, &seed.local_name) else {
                continue;
            };
            for class in classes.inheriting(method) {
                added.push(inherited_test(head, class, method, &seed));
            }
        }
        if change.kind == ChangeKind::Added
            && let Some(class) = classes.symbol(&change.file, &change.local_name)
            && classes.is_collected(class)
        {
            for method in classes.inherited_methods(class) {
                let seed = Dependent {
                    depth: 0,
                    ..crate::implementations::dependent(head, method, "", policy)
                };
                added.push(inherited_test(head, class, method, &seed));
            }
        }
        let mut seen: FxHashSet<(String, String)> = change
            .tests
            .iter()
            .map(|t| (t.file.clone(), t.name.clone()))
            .collect();
        added.retain(|t| seen.insert((t.file.clone(), t.name.clone())));
        change.tests.extend(added);
    }
}

/// Collects the test methods that a change reaches or is, as dependents at
/// the head: its listed tests, its dependents that are `test*` methods of a
/// class that pytest does not collect itself, and the changed method.
fn seeds(classes: &mut Classes<'_>, change: &ChangedSymbol) -> Vec<Dependent> {
    let mut seeds: Vec<Dependent> = change
        .tests
        .iter()
        .chain(
            change
                .certain
                .iter()
                .chain(&change.possible)
                .filter(|d| !d.is_test),
        )
        .filter(|d| d.exists_at_head && d.inherited_from.is_none() && is_test_method_name(d))
        .cloned()
        .collect();
    let changed_method = change.kind != ChangeKind::Deleted
        && change.symbol_kind == SymbolKind::Method
        && !change.is_test
        && change.file.ends_with(".py")
        && last_segment(&change.local_name).starts_with("test");
    if changed_method && let Some(id) = classes.symbol(&change.file, &change.local_name) {
        seeds.push(Dependent {
            depth: 0,
            ..crate::implementations::dependent(classes.head, id, "", classes.policy)
        });
    }
    seeds
}

fn is_test_method_name(dependent: &Dependent) -> bool {
    dependent.kind == SymbolKind::Method
        && dependent.file.ends_with(".py")
        && last_segment(&dependent.local_name).starts_with("test")
}

fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Builds the test that pytest collects as `class::method`, reached like
/// `seed`.
fn inherited_test(head: &Graph, class: SymbolId, method: SymbolId, seed: &Dependent) -> Dependent {
    let class_symbol = &head.symbols[class as usize];
    let method_symbol = &head.symbols[method as usize];
    let short = last_segment(&method_symbol.local_name);
    Dependent {
        name: format!("{}.{short}", class_symbol.name),
        local_name: format!("{}.{short}", class_symbol.local_name),
        kind: SymbolKind::Method,
        file: head.file_of(class).path.clone(),
        line: class_symbol.span.start_line,
        depth: seed.depth,
        weight: seed.weight,
        via: seed.via.clone(),
        exists_at_head: true,
        is_test: true,
        test_code: true,
        inherited_from: Some(method_symbol.name.clone()),
    }
}

/// The Python classes of the head graph, with the methods of each read
/// once.
struct Classes<'g> {
    head: &'g Graph,
    policy: &'g Policy,
    /// The short names of the methods each class defines.
    members: FxHashMap<SymbolId, FxHashMap<&'g str, SymbolId>>,
    /// The symbols of each file read so far by local name, the first of
    /// same-named ones as [`Graph::find_local`] finds it.
    locals: FxHashMap<FileId, FxHashMap<&'g str, SymbolId>>,
    /// The result of [`Classes::inheriting`] per method, computed once
    /// because every change that reaches a test method needs it again.
    inheriting: FxHashMap<SymbolId, Vec<SymbolId>>,
}

impl<'g> Classes<'g> {
    fn new(head: &'g Graph, policy: &'g Policy) -> Self {
        Classes {
            head,
            policy,
            members: FxHashMap::default(),
            locals: FxHashMap::default(),
            inheriting: FxHashMap::default(),
        }
    }

    /// Finds a symbol of the head graph by its file and its name in the file.
    fn symbol(&mut self, file: &str, local_name: &str) -> Option<SymbolId> {
        let head = self.head;
        let file = head.file_id(file)?;
        let locals = self.locals.entry(file).or_insert_with(|| {
            let mut locals = FxHashMap::default();
            for id in head.file_symbols(file) {
                locals
                    .entry(head.symbols[id as usize].local_name.as_str())
                    .or_insert(id);
            }
            locals
        });
        locals.get(local_name).copied()
    }

    /// Returns the methods of `class` by short name.
    fn members(&mut self, class: SymbolId) -> &FxHashMap<&'g str, SymbolId> {
        let head = self.head;
        self.members.entry(class).or_insert_with(|| {
            let file = head.symbols[class as usize].file;
            head.file_symbols(file)
                .filter(|&id| {
                    let symbol = &head.symbols[id as usize];
                    symbol.parent == Some(class)
                        && matches!(symbol.kind, SymbolKind::Method | SymbolKind::Function)
                })
                .map(|id| (last_segment(&head.symbols[id as usize].local_name), id))
                .collect()
        })
    }

    /// True when pytest collects the `test*` methods of `class`, its own
    /// and inherited ones: it is a test class in a test file, at the top
    /// level of its module or nested in such classes only.
    fn is_collected(&self, class: SymbolId) -> bool {
        let head = self.head;
        let file = head.file_of(class);
        if file.lang != Lang::Python || !self.policy.test_files.is_match(&file.path) {
            return false;
        }
        let mut current = Some(class);
        while let Some(id) = current {
            let symbol = &head.symbols[id as usize];
            match symbol.kind {
                SymbolKind::Module => return true,
                SymbolKind::Class if symbol.test_class => current = symbol.parent,
                _ => return false,
            }
        }
        true
    }

    /// Returns the direct subclasses of `class`.
    fn subclasses(&self, class: SymbolId) -> impl Iterator<Item = SymbolId> + 'g {
        let head = self.head;
        head.dependents(class)
            .filter(|e| e.kind == EdgeKind::Inherit)
            .map(|e| e.source)
            .filter(move |&source| head.symbols[source as usize].kind == SymbolKind::Class)
    }

    /// Returns the direct bases of `class` that are classes of the graph.
    fn bases(&self, class: SymbolId) -> impl Iterator<Item = SymbolId> + 'g {
        let head = self.head;
        head.dependencies(class)
            .iter()
            .filter(|e| e.kind == EdgeKind::Inherit)
            .map(|e| e.target)
            .filter(move |&target| head.symbols[target as usize].kind == SymbolKind::Class)
    }

    /// Returns the collected classes, other than its own, that inherit
    /// `method`: the subclasses of its class, at any depth, that neither
    /// define a method of that name nor inherit it from a class between.
    fn inheriting(&mut self, method: SymbolId) -> Vec<SymbolId> {
        if let Some(found) = self.inheriting.get(&method) {
            return found.clone();
        }
        let found = self.find_inheriting(method);
        self.inheriting.insert(method, found.clone());
        found
    }

    fn find_inheriting(&mut self, method: SymbolId) -> Vec<SymbolId> {
        let head = self.head;
        let symbol = &head.symbols[method as usize];
        let Some(owner) = symbol.parent else {
            return Vec::new();
        };
        if head.symbols[owner as usize].kind != SymbolKind::Class {
            return Vec::new();
        }
        let short = last_segment(&symbol.local_name);
        let mut found = Vec::new();
        let mut visited: FxHashSet<SymbolId> = FxHashSet::default();
        visited.insert(owner);
        let mut pending: Vec<SymbolId> = self.subclasses(owner).collect();
        while let Some(class) = pending.pop() {
            if !visited.insert(class) {
                continue;
            }
            // A subclass that defines the method again hides this one from
            // its own subclasses too.
            if self.members(class).contains_key(short) {
                continue;
            }
            if self.is_collected(class) {
                found.push(class);
            }
            pending.extend(self.subclasses(class));
        }
        found.sort_unstable();
        found
    }

    /// Returns the `test*` methods that `class` inherits and does not
    /// define itself, each name once, from the nearest base that defines it.
    fn inherited_methods(&mut self, class: SymbolId) -> Vec<SymbolId> {
        let mut names: FxHashSet<&'g str> = self.members(class).keys().copied().collect();
        let mut methods = Vec::new();
        let mut visited: FxHashSet<SymbolId> = FxHashSet::default();
        visited.insert(class);
        // Breadth first, so a nearer base's method wins.
        let mut level: Vec<SymbolId> = self.bases(class).collect();
        while !level.is_empty() {
            let mut next = Vec::new();
            for base in level {
                if !visited.insert(base) {
                    continue;
                }
                let mut own: Vec<(&'g str, SymbolId)> = self
                    .members(base)
                    .iter()
                    .filter(|(name, _)| name.starts_with("test"))
                    .map(|(name, id)| (*name, *id))
                    .collect();
                own.sort_unstable_by_key(|(_, id)| *id);
                for (name, id) in own {
                    if names.insert(name) {
                        methods.push(id);
                    }
                }
                next.extend(self.bases(base));
            }
            level = next;
        }
        methods
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use blast_graph::{ExtractOptions, GraphOptions, SourceFile, extract_all};

    use super::*;

    const UNIT: &str = "import unittest\n\n\nclass Checks:\n    def test_mixin(self):\n        pass\n\n\nclass Test02(unittest.TestCase):\n    def test_parse(self):\n        pass\n\n    def test_other(self):\n        pass\n\n\nclass Test04(Test02):\n    pass\n\n\nclass Test05(Test02):\n    def test_parse(self):\n        pass\n\n\nclass Test06(Test05):\n    pass\n\n\nclass TestMixed(Checks):\n    pass\n\n\nclass Helper(Test02):\n    pass\n";
    const OTHER: &str =
        "from tests import test_unit\n\n\nclass TestImported(test_unit.Test02):\n    pass\n";

    fn graph() -> Graph {
        let sources = [
            ("tests/__init__.py", ""),
            ("tests/test_unit.py", UNIT),
            ("tests/test_other.py", OTHER),
        ]
        .map(|(path, text)| SourceFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        });
        let extracted: Vec<_> = extract_all(&sources, &ExtractOptions::default())
            .into_iter()
            .map(Arc::new)
            .collect();
        Graph::build(&extracted, &GraphOptions::default())
    }

    fn symbol(graph: &Graph, file: &str, local_name: &str) -> SymbolId {
        graph
            .file_id(file)
            .and_then(|file| graph.find_local(file, local_name))
            .unwrap_or_else(|| panic!("no {file}::{local_name}"))
    }

    fn names(graph: &Graph, ids: &[SymbolId]) -> Vec<String> {
        let mut names: Vec<String> = ids
            .iter()
            .map(|&id| {
                let symbol = &graph.symbols[id as usize];
                format!("{}::{}", graph.file_of(id).path, symbol.local_name)
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn inheriting_lists_collected_subclasses() {
        let graph = graph();
        let policy = Policy::default();
        let mut classes = Classes::new(&graph, &policy);
        let parse = symbol(&graph, "tests/test_unit.py", "Test02.test_parse");
        // `Helper` subclasses a `TestCase`, so pytest collects it whatever
        // its name. `Test05` defines `test_parse` again, and `Test06`
        // inherits that one.
        assert_eq!(
            names(&graph, &classes.inheriting(parse)),
            [
                "tests/test_other.py::TestImported",
                "tests/test_unit.py::Helper",
                "tests/test_unit.py::Test04",
            ]
        );
        let overriding = symbol(&graph, "tests/test_unit.py", "Test05.test_parse");
        assert_eq!(
            names(&graph, &classes.inheriting(overriding)),
            ["tests/test_unit.py::Test06"]
        );
    }

    #[test]
    fn inheriting_includes_subclasses_of_mixins() {
        let graph = graph();
        let policy = Policy::default();
        let mut classes = Classes::new(&graph, &policy);
        let mixin = symbol(&graph, "tests/test_unit.py", "Checks.test_mixin");
        assert_eq!(
            names(&graph, &classes.inheriting(mixin)),
            ["tests/test_unit.py::TestMixed"]
        );
    }

    #[test]
    fn inheriting_needs_a_test_file() {
        let graph = graph();
        let policy = Policy {
            test_files: globset::GlobSet::empty(),
            ..Policy::default()
        };
        let mut classes = Classes::new(&graph, &policy);
        let parse = symbol(&graph, "tests/test_unit.py", "Test02.test_parse");
        assert!(classes.inheriting(parse).is_empty());
    }

    #[test]
    fn inherited_methods_skip_overrides() {
        let graph = graph();
        let policy = Policy::default();
        let mut classes = Classes::new(&graph, &policy);
        let deeper = symbol(&graph, "tests/test_unit.py", "Test06");
        assert_eq!(
            names(&graph, &classes.inherited_methods(deeper)),
            [
                "tests/test_unit.py::Test02.test_other",
                "tests/test_unit.py::Test05.test_parse",
            ]
        );
        let imported = symbol(&graph, "tests/test_other.py", "TestImported");
        assert!(classes.is_collected(imported));
        assert_eq!(
            names(&graph, &classes.inherited_methods(imported)),
            [
                "tests/test_unit.py::Test02.test_other",
                "tests/test_unit.py::Test02.test_parse",
            ]
        );
    }
}
