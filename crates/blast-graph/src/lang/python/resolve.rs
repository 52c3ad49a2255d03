//! Resolution of Python names across files: module names from paths and
//! source roots, imports (absolute, relative, star, re-exports through
//! `__init__.py`), attribute chains through modules, classes and instances,
//! `self`/`cls`/`super()` through the class hierarchy, and candidate edges
//! by name where the receiver's type is unknown.

use std::cell::{Cell, RefCell};

use rustc_hash::{FxHashMap, FxHashSet};

use super::extract::CALL_SEGMENT;
use super::{ImportKind, PyBinding, PyFacts, PyImport, RefKind};
use crate::model::{EdgeKind, FileSyntax, LocalEdge, Resolution, SymbolKind};

/// More same-named definitions than this and a call on an unknown receiver
/// yields no candidate edges: the name is too common to say anything, and the
/// reference is counted as unresolved instead.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// How module names are derived from paths.
#[derive(Clone, Debug, Default)]
pub struct ModuleLayout {
    /// Source roots relative to the repository root (`lib/python`), from
    /// configuration, in addition to the detected ones: the repository root,
    /// every `src` folder, and the folder above each top-level package.
    pub roots: Vec<String>,
    /// Every Python file of the revision, when only some of them are
    /// extracted (the diff's text prefilter). Module names, packages and
    /// roots then come from all files, and an import of a module that was
    /// not extracted resolves to a module without known members.
    pub all_paths: Vec<String>,
}

/// One extracted Python file, as the resolver sees it.
pub(crate) struct PyFile<'a> {
    pub path: &'a str,
    pub syntax: &'a FileSyntax,
    pub facts: &'a PyFacts,
}

/// Counts that tell how much of the code resolved.
#[derive(Clone, Debug, Default)]
pub struct PythonStats {
    pub imports: u64,
    /// Imports of modules that are not in the repository (standard library,
    /// third-party packages).
    pub imports_external: u64,
    /// Relative imports that point outside the package tree or to a missing
    /// module.
    pub imports_unresolved: u64,
    /// Calls on an unknown receiver whose method name has too many
    /// definitions to make candidate edges from.
    pub calls_too_ambiguous: u64,
    /// Imports that resolved to a module of the repository.
    pub imports_resolved: u64,
    /// Absolute imports that did not resolve although their first name is
    /// the name of a folder or file in the repository: a sign that the
    /// source roots are wrong.
    pub imports_unresolved_local: u64,
}

pub(crate) struct PyResolved {
    /// Dotted module name per file, in input order.
    pub modules: Vec<String>,
    pub edges: Vec<LocalEdge>,
    /// The classes whose `test*` methods pytest collects, as (file, local
    /// symbol); see [`Resolver::is_test_class`].
    pub test_classes: Vec<(u32, u32)>,
    pub stats: PythonStats,
}

/// What a name or chain prefix stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Target {
    /// A definition: (file, local symbol).
    Sym(u32, u32),
    /// An instance of the class (file, local symbol).
    Instance(u32, u32),
    Module(u32),
    /// A folder without `__init__.py`, by dotted name.
    Namespace(String),
    /// Outside the repository (standard library, installed packages, builtins).
    External,
    /// A local variable whose value is not known.
    Unknown,
    /// A module of the repository that was not extracted, by dotted name:
    /// only its submodules resolve through it.
    Unparsed(String),
}

struct ModuleEntry {
    files: Vec<u32>,
    namespace: bool,
    /// A module whose file exists but was not extracted.
    unparsed: bool,
}

/// Names a module binds at its top level, in source order.
#[derive(Default)]
struct ModuleScope {
    names: FxHashMap<String, Vec<Binding>>,
    stars: Vec<u32>,
}

#[derive(Clone, Copy)]
enum Binding {
    Def(u32),
    Import(u32),
}

struct Resolver<'a> {
    files: &'a [PyFile<'a>],
    modules: Vec<String>,
    is_package: Vec<bool>,
    index: FxHashMap<String, ModuleEntry>,
    scopes: Vec<ModuleScope>,
    /// Children of each symbol, per file.
    children: Vec<Vec<Vec<u32>>>,
    /// The first child of each symbol by its last name segment, per file.
    child_by_name: Vec<FxHashMap<(u32, &'a str), u32>>,
    /// Functions and methods by their last name segment, for candidates.
    by_name: FxHashMap<String, Vec<(u32, u32)>>,
    /// Folder names and file stems of the repository's Python files.
    local_names: FxHashSet<String>,
    member_memo: RefCell<FxHashMap<(u32, String), Vec<Target>>>,
    binding_memo: RefCell<FxHashMap<(u32, u32, String), Vec<Target>>>,
    binding_in_progress: RefCell<FxHashSet<(u32, u32, String)>>,
    in_progress: RefCell<FxHashSet<(u32, String)>>,
    /// Per-file lookups of facts by scope and name.
    facts_index: Vec<FactsIndex<'a>>,
    /// Nesting of chain resolutions. Values can refer to themselves
    /// (`x = x.copy()`), so resolution gives up past a fixed depth instead
    /// of recursing without bound.
    chain_depth: Cell<u32>,
}

/// A file's facts indexed by scope and name, so that resolving each
/// reference does not scan every fact of its file.
struct FactsIndex<'a> {
    /// Bindings of a plain name (`x = ...`), by scope and name.
    names: FxHashMap<(u32, &'a str), Vec<u32>>,
    /// Bindings of `self.name`, by name.
    self_attributes: FxHashMap<&'a str, Vec<u32>>,
    locals: FxHashSet<(u32, &'a str)>,
    globals: FxHashSet<(u32, &'a str)>,
    first_params: FxHashMap<u32, &'a str>,
    /// Import indices by scope, in source order.
    imports: FxHashMap<u32, Vec<u32>>,
}

impl<'a> FactsIndex<'a> {
    fn new(facts: &'a PyFacts) -> FactsIndex<'a> {
        let mut names: FxHashMap<(u32, &'a str), Vec<u32>> = FxHashMap::default();
        let mut self_attributes: FxHashMap<&'a str, Vec<u32>> = FxHashMap::default();
        for (idx, binding) in facts.bindings.iter().enumerate() {
            match binding.target.as_slice() {
                [name] => names
                    .entry((binding.scope, name))
                    .or_default()
                    .push(to_u32(idx)),
                [receiver, name] if receiver == "self" => {
                    self_attributes.entry(name).or_default().push(to_u32(idx));
                }
                _ => {}
            }
        }
        let mut imports: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (idx, import) in facts.imports.iter().enumerate() {
            imports.entry(import.scope).or_default().push(to_u32(idx));
        }
        FactsIndex {
            names,
            self_attributes,
            locals: facts.locals.iter().map(|(s, n)| (*s, n.as_str())).collect(),
            globals: facts
                .globals
                .iter()
                .map(|(s, n)| (*s, n.as_str()))
                .collect(),
            // The first entry per function wins, as a scan in order would.
            first_params: facts
                .first_params
                .iter()
                .rev()
                .map(|(s, n)| (*s, n.as_str()))
                .collect(),
            imports,
        }
    }

    fn imports_in(&self, scope: u32) -> impl Iterator<Item = u32> + '_ {
        self.imports.get(&scope).into_iter().flatten().copied()
    }
}

/// Chain resolutions nested deeper than this resolve to nothing.
const MAX_CHAIN_DEPTH: u32 = 12;

/// Resolves every reference and import of the given files.
pub(crate) fn resolve(files: &[PyFile<'_>], layout: &ModuleLayout) -> PyResolved {
    let resolver = Resolver::new(files, layout);
    let mut edges = Vec::new();
    let mut stats = PythonStats::default();
    let mut test_classes = Vec::new();
    for file_idx in 0..files.len() {
        let file_idx = to_u32(file_idx);
        resolver.resolve_file(file_idx, &mut edges, &mut stats);
        test_classes.extend(
            resolver
                .test_method_classes(file_idx)
                .filter(|&class| resolver.is_test_class(file_idx, class))
                .map(|class| (file_idx, class)),
        );
    }
    PyResolved {
        modules: resolver.modules,
        edges,
        test_classes,
        stats,
    }
}

impl<'a> Resolver<'a> {
    fn new(files: &'a [PyFile<'a>], layout: &ModuleLayout) -> Resolver<'a> {
        // Step 1: module names from paths and source roots.
        let all_paths: Vec<&str> = if layout.all_paths.is_empty() {
            files.iter().map(|f| f.path).collect()
        } else {
            layout.all_paths.iter().map(String::as_str).collect()
        };
        let package_dirs: FxHashSet<&str> = all_paths
            .iter()
            .filter_map(|path| {
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
                (name == "__init__.py" || name == "__init__.pyi").then_some(dir)
            })
            .collect();
        let roots = detect_roots(&all_paths, &package_dirs, layout);
        let mut modules = Vec::with_capacity(files.len());
        let mut is_package = Vec::with_capacity(files.len());
        let mut index: FxHashMap<String, ModuleEntry> = FxHashMap::default();
        for (file_idx, file) in files.iter().enumerate() {
            let (name, package) = module_name(file.path, &roots);
            // Folders between the root and the file are packages or
            // namespace packages; index them so `from ns import mod` works.
            let segments: Vec<&str> = name.split('.').collect();
            for depth in 1..segments.len() {
                let dotted = segments[..depth].join(".");
                index.entry(dotted).or_insert_with(|| ModuleEntry {
                    files: Vec::new(),
                    namespace: true,
                    unparsed: false,
                });
            }
            let entry = index.entry(name.clone()).or_insert_with(|| ModuleEntry {
                files: Vec::new(),
                namespace: false,
                unparsed: false,
            });
            entry.namespace = false;
            entry.unparsed = false;
            entry.files.push(to_u32(file_idx));
            modules.push(name);
            is_package.push(package);
        }
        // Files that exist but were not extracted still make packages and
        // modules exist.
        if !layout.all_paths.is_empty() {
            for path in &all_paths {
                let (name, _) = module_name(path, &roots);
                let segments: Vec<&str> = name.split('.').collect();
                for depth in 1..segments.len() {
                    index
                        .entry(segments[..depth].join("."))
                        .or_insert_with(|| ModuleEntry {
                            files: Vec::new(),
                            namespace: true,
                            unparsed: false,
                        });
                }
                let entry = index.entry(name).or_insert_with(|| ModuleEntry {
                    files: Vec::new(),
                    namespace: false,
                    unparsed: true,
                });
                if entry.namespace {
                    entry.namespace = false;
                    entry.unparsed = true;
                }
            }
        }

        // Step 2: each module's top-level bindings and each symbol's children.
        let mut scopes = Vec::with_capacity(files.len());
        let mut children = Vec::with_capacity(files.len());
        let mut child_by_name = Vec::with_capacity(files.len());
        let mut by_name: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        for (file_idx, file) in files.iter().enumerate() {
            let mut scope = ModuleScope::default();
            let mut kids = vec![Vec::new(); file.syntax.symbols.len()];
            let mut kid_by_name: FxHashMap<(u32, &str), u32> = FxHashMap::default();
            for (local, sym) in file.syntax.symbols.iter().enumerate().skip(1) {
                let parent = sym.parent.unwrap_or(0);
                kids[parent as usize].push(to_u32(local));
                let short = last_segment(&sym.local_name);
                kid_by_name.entry((parent, short)).or_insert(to_u32(local));
                if parent == 0 {
                    scope
                        .names
                        .entry(short.to_owned())
                        .or_default()
                        .push(Binding::Def(to_u32(local)));
                }
                if matches!(sym.kind, SymbolKind::Method | SymbolKind::Function) {
                    by_name
                        .entry(short.to_owned())
                        .or_default()
                        .push((to_u32(file_idx), to_u32(local)));
                }
            }
            for (import_idx, import) in file.facts.imports.iter().enumerate() {
                if import.scope != 0 {
                    continue;
                }
                match bound_name(import) {
                    Some(name) => scope
                        .names
                        .entry(name)
                        .or_default()
                        .push(Binding::Import(to_u32(import_idx))),
                    None => scope.stars.push(to_u32(import_idx)),
                }
            }
            scopes.push(scope);
            children.push(kids);
            child_by_name.push(kid_by_name);
        }

        let mut local_names = FxHashSet::default();
        for file in files {
            for component in file.path.split('/') {
                let stem = component
                    .strip_suffix(".py")
                    .or_else(|| component.strip_suffix(".pyi"))
                    .unwrap_or(component);
                local_names.insert(stem.to_owned());
            }
        }
        Resolver {
            files,
            modules,
            local_names,
            is_package,
            index,
            scopes,
            children,
            child_by_name,
            by_name,
            member_memo: RefCell::new(FxHashMap::default()),
            binding_memo: RefCell::new(FxHashMap::default()),
            binding_in_progress: RefCell::new(FxHashSet::default()),
            in_progress: RefCell::new(FxHashSet::default()),
            facts_index: files.iter().map(|f| FactsIndex::new(f.facts)).collect(),
            chain_depth: Cell::new(0),
        }
    }

    fn resolve_file(&self, file_idx: u32, edges: &mut Vec<LocalEdge>, stats: &mut PythonStats) {
        let file = &self.files[file_idx as usize];

        // Imports: an edge to the imported module, and for `from m import n`
        // also to what `n` is.
        let is_package = self.is_package[file_idx as usize];
        for import in &file.facts.imports {
            stats.imports += 1;
            // A package's top-level imports are its public face: what
            // `from pkg import name` finds.
            let kind = if import.type_checking {
                EdgeKind::TypeRef
            } else if is_package && import.scope == 0 {
                EdgeKind::ReExport
            } else {
                EdgeKind::Import
            };
            let source = (file_idx, import.scope);
            let (module, member) = self.import_targets(file_idx, import);
            // `from pkg import submodule` depends on the submodule, not on
            // the package that merely contains it.
            let only_submodules =
                !member.is_empty() && member.iter().all(|t| matches!(t, Target::Module(_)));
            if matches!(
                module,
                Some(Target::Module(_) | Target::Namespace(_) | Target::Unparsed(_))
            ) {
                stats.imports_resolved += 1;
            }
            match &module {
                Some(Target::Module(m)) if !only_submodules => {
                    push_exact(edges, source, (*m, 0), kind, import.line)
                }
                Some(Target::Module(_)) => {}
                Some(Target::Namespace(_)) => {}
                Some(_) => {}
                None => {
                    if import_level(import) > 0 {
                        stats.imports_unresolved += 1;
                    } else {
                        stats.imports_external += 1;
                        if self.local_names.contains(import_head(import)) {
                            stats.imports_unresolved_local += 1;
                        }
                    }
                }
            }
            for target in member {
                if let Some(target) = symbol_of(&target) {
                    push_exact(edges, source, target, kind, import.line);
                }
            }
            // `from m import *` names none of what it brings in. The names
            // this module lists in its own `__all__` are re-exported through
            // it, and the others get edges where the code uses them.
            if let (ImportKind::Star { .. }, Some(Target::Module(star_source))) =
                (&import.kind, &module)
                && let Some(listed) = &file.facts.all_names
            {
                for target in self.star_names(*star_source, listed) {
                    if let Some(target) = symbol_of(&target) {
                        push_exact(edges, source, target, kind, import.line);
                    }
                }
            }
        }

        // References: resolve each chain and link the symbols it names.
        for reference in &file.facts.refs {
            let source = (file_idx, reference.scope);
            // A decorator runs in the scope around the definition it decorates.
            let lookup_scope = if reference.kind == RefKind::Decorator {
                self.enclosing_scope(file_idx, reference.scope)
            } else {
                reference.scope
            };
            let chain: Vec<&str> = reference.chain.segments().collect();
            let steps = self.resolve_chain(file_idx, lookup_scope, &chain);
            if reference.scope != 0 {
                for line in self.module_import_lines(file_idx, reference.scope, chain[0]) {
                    push_exact(edges, source, (file_idx, 0), EdgeKind::Scope, line);
                }
            }
            let last_step = chain.len();
            // `cls` in `cls.x` is the method's own class, which jedi and
            // scip-python treat as a parameter rather than a reference.
            let receiver_head = self
                .receiver_class(file_idx, lookup_scope, chain[0])
                .is_some();
            let mut resolved_last = false;
            for (seg, targets) in &steps {
                if *seg == 0 && receiver_head {
                    continue;
                }
                let is_last = *seg + 1 == last_step;
                // Every name in `@property_name.setter` is part of the
                // decorator, which the decorated definition depends on.
                let kind = if is_last || reference.kind == RefKind::Decorator {
                    edge_kind(reference.kind)
                } else {
                    EdgeKind::Reference
                };
                for target in targets {
                    let Some(target_sym) = symbol_of(target) else {
                        continue;
                    };
                    if is_last {
                        resolved_last = true;
                    }
                    push_exact(edges, source, target_sym, kind, reference.line);
                }
            }
            // Calls whose method did not resolve: candidates by name, unless
            // the receiver is outside the repository (`os.path.join()`).
            let receiver_external = steps.is_empty() && !chain[0].is_empty();
            if reference.kind == RefKind::Call
                && !resolved_last
                && last_step >= 2
                && !receiver_external
            {
                let name = chain[last_step - 1];
                self.push_candidates(edges, stats, source, name, reference.line);
            }
        }

        // Classes depend on their bases.
        for (class, chain) in &file.facts.bases {
            let scope = file.syntax.symbols[*class as usize].parent.unwrap_or(0);
            let line = file.syntax.symbols[*class as usize].span.start_line;
            if let Some((_, targets)) = self.resolve_chain(file_idx, scope, chain).last() {
                for target in targets {
                    if let Some(base) = symbol_of(target) {
                        push_exact(edges, (file_idx, *class), base, EdgeKind::Inherit, line);
                    }
                }
            }
        }

        // Calling a class runs the `__new__` and `__init__` it defines or
        // inherits. A call site depends on the class only, as in jedi and
        // scip-python, and reachability follows this edge to the callers.
        for (class, symbol) in file.syntax.symbols.iter().enumerate() {
            if symbol.kind != SymbolKind::Class {
                continue;
            }
            let class = to_u32(class);
            for name in ["__new__", "__init__"] {
                for target in self.class_member(file_idx, class, name, 0).0 {
                    if let Some(constructor) = symbol_of(&target) {
                        push_exact(
                            edges,
                            (file_idx, class),
                            constructor,
                            EdgeKind::Constructor,
                            symbol.span.start_line,
                        );
                    }
                }
            }
        }
    }

    fn push_candidates(
        &self,
        edges: &mut Vec<LocalEdge>,
        stats: &mut PythonStats,
        source: (u32, u32),
        name: &str,
        line: u32,
    ) {
        let Some(defs) = self.by_name.get(name) else {
            return;
        };
        let methods: Vec<(u32, u32)> = defs
            .iter()
            .copied()
            .filter(|&(f, s)| self.kind_of(f, s) == SymbolKind::Method)
            .collect();
        if methods.is_empty() {
            return;
        }
        if methods.len() > MAX_CANDIDATES {
            stats.calls_too_ambiguous += 1;
            return;
        }
        #[expect(clippy::cast_precision_loss, reason = "at most MAX_CANDIDATES")]
        let weight = 1.0 / methods.len() as f32;
        for target in methods {
            if target != source {
                edges.push(LocalEdge {
                    source,
                    target,
                    kind: EdgeKind::Call,
                    resolution: Resolution::Candidate,
                    weight,
                    line,
                });
            }
        }
    }

    /// Resolves a chain step by step. Returns, per segment index that
    /// resolved, the targets it stands for; stops at the first segment that
    /// does not resolve.
    fn resolve_chain<S: AsRef<str>>(
        &self,
        file_idx: u32,
        scope: u32,
        chain: &[S],
    ) -> Vec<(usize, Vec<Target>)> {
        let depth = self.chain_depth.get();
        if depth >= MAX_CHAIN_DEPTH {
            return Vec::new();
        }
        self.chain_depth.set(depth + 1);
        let steps = self.resolve_chain_inner(file_idx, scope, chain);
        self.chain_depth.set(depth);
        steps
    }

    fn resolve_chain_inner<S: AsRef<str>>(
        &self,
        file_idx: u32,
        scope: u32,
        chain: &[S],
    ) -> Vec<(usize, Vec<Target>)> {
        let mut steps = Vec::new();
        let Some(head) = chain.first() else {
            return steps;
        };
        let mut current = match head.as_ref() {
            "" => return steps,
            name if self.receiver_class(file_idx, scope, name).is_some() => {
                let (class, is_class) = self
                    .receiver_class(file_idx, scope, name)
                    .unwrap_or_default();
                // A bare `self` or `cls` names the method's own class: no
                // dependency worth an edge.
                if chain.len() == 1 {
                    return steps;
                }
                if is_class {
                    vec![Target::Sym(file_idx, class)]
                } else {
                    vec![Target::Instance(file_idx, class)]
                }
            }
            "super()" => {
                let Some(class) = self.enclosing_class(file_idx, scope) else {
                    return steps;
                };
                let Some(name) = chain.get(1) else {
                    return steps;
                };
                let found = self.base_member(file_idx, class, name.as_ref());
                if !found.is_empty() {
                    steps.push((1, found.clone()));
                    return self.continue_chain(steps, found, chain, 2);
                }
                return steps;
            }
            name => self.lookup_name(file_idx, scope, name, 0),
        };
        current.retain(|t| *t != Target::External);
        if current.is_empty() {
            return steps;
        }
        steps.push((0, current.clone()));
        self.continue_chain(steps, current, chain, 1)
    }

    fn continue_chain<S: AsRef<str>>(
        &self,
        mut steps: Vec<(usize, Vec<Target>)>,
        mut current: Vec<Target>,
        chain: &[S],
        start: usize,
    ) -> Vec<(usize, Vec<Target>)> {
        for (seg_idx, segment) in chain.iter().enumerate().skip(start) {
            let mut next = Vec::new();
            for target in &current {
                for found in self.member_of(target, segment.as_ref()) {
                    if !next.contains(&found) {
                        next.push(found);
                    }
                }
            }
            next.retain(|t| *t != Target::External);
            if next.is_empty() {
                break;
            }
            steps.push((seg_idx, next.clone()));
            current = next;
        }
        steps
    }

    /// What `target.name` stands for; `name` may be the call segment.
    fn member_of(&self, target: &Target, name: &str) -> Vec<Target> {
        if name == CALL_SEGMENT {
            return self.call_result(target);
        }
        match target {
            Target::Module(m) => self.module_member(*m, name, 0),
            Target::Namespace(ns) => self
                .lookup_module(&format!("{ns}.{name}"), None)
                .into_iter()
                .collect(),
            Target::Sym(f, s) => match self.kind_of(*f, *s) {
                SymbolKind::Class => self.class_member(*f, *s, name, 0).0,
                SymbolKind::Variable | SymbolKind::Constant | SymbolKind::Field => {
                    let mut out = Vec::new();
                    for value in self.value_of(*f, *s) {
                        out.extend(self.member_of(&value, name));
                    }
                    out
                }
                _ => Vec::new(),
            },
            Target::Instance(f, s) => {
                let (found, _) = self.class_member(*f, *s, name, 0);
                if !found.is_empty() {
                    return found;
                }
                // `self.repo = Repo()` in a method types the attribute.
                self.instance_attribute(*f, *s, name, 0)
            }
            Target::Unparsed(dotted) => self
                .lookup_module(&format!("{dotted}.{name}"), None)
                .into_iter()
                .collect(),
            Target::External | Target::Unknown => Vec::new(),
        }
    }

    /// What calling a target gives: an instance for a class, the annotated
    /// return class for a function, else an unknown value.
    fn call_result(&self, target: &Target) -> Vec<Target> {
        let Target::Sym(f, s) = target else {
            return vec![Target::Unknown];
        };
        match self.kind_of(*f, *s) {
            SymbolKind::Class => vec![Target::Instance(*f, *s)],
            SymbolKind::Variable | SymbolKind::Constant | SymbolKind::Field => {
                // Calling a name bound to a class, such as the class
                // attribute `response_class = HTTPResponse`, makes an
                // instance of that class.
                let found: Vec<Target> = self
                    .value_of(*f, *s)
                    .into_iter()
                    .filter_map(|value| match value {
                        Target::Sym(cf, cs) if self.kind_of(cf, cs) == SymbolKind::Class => {
                            Some(Target::Instance(cf, cs))
                        }
                        _ => None,
                    })
                    .collect();
                if found.is_empty() {
                    vec![Target::Unknown]
                } else {
                    found
                }
            }
            SymbolKind::Function | SymbolKind::Method => {
                let file = &self.files[*f as usize];
                let scope = file.syntax.symbols[*s as usize].parent.unwrap_or(0);
                let found: Vec<Target> = file
                    .facts
                    .returns
                    .iter()
                    .filter(|(sym, _)| sym == s)
                    .flat_map(|(_, chain)| self.instances_of(*f, scope, chain))
                    .collect();
                if !found.is_empty() {
                    return found;
                }
                // A method without a return annotation that returns its
                // receiver (`return self`, as `__enter__` often does) returns
                // an instance of its class.
                let receiver = self.facts_index[*f as usize].first_params.get(s);
                let returns_receiver = receiver.is_some_and(|name| {
                    file.facts
                        .returned_names
                        .iter()
                        .any(|(m, returned)| m == s && returned == name)
                });
                if returns_receiver && self.kind_of(*f, *s) == SymbolKind::Method {
                    vec![Target::Instance(*f, scope)]
                } else {
                    vec![Target::Unknown]
                }
            }
            _ => vec![Target::Unknown],
        }
    }

    /// The class instance a module or class variable holds, from
    /// `x = Foo()` or `x: Foo`.
    fn value_of(&self, file_idx: u32, sym: u32) -> Vec<Target> {
        let file = &self.files[file_idx as usize];
        let symbol = &file.syntax.symbols[sym as usize];
        let scope = symbol.parent.unwrap_or(0);
        self.binding_instances(file_idx, scope, last_segment(&symbol.local_name))
    }

    /// The instances a name holds in one scope, from all its assignments and
    /// annotations there. Memoised, and empty while the same name is being
    /// resolved: `s = s.encode()` repeated would otherwise cost time
    /// exponential in the number of assignments.
    fn binding_instances(&self, file_idx: u32, scope: u32, name: &str) -> Vec<Target> {
        let key = (file_idx, scope, name.to_owned());
        if let Some(found) = self.binding_memo.borrow().get(&key) {
            return found.clone();
        }
        if !self.binding_in_progress.borrow_mut().insert(key.clone()) {
            return Vec::new();
        }
        let file = &self.files[file_idx as usize];
        let mut out = Vec::new();
        let found = self.facts_index[file_idx as usize]
            .names
            .get(&(scope, name));
        for &binding_idx in found.into_iter().flatten() {
            for target in self.binding_values(file_idx, &file.facts.bindings[binding_idx as usize])
            {
                if !out.contains(&target) {
                    out.push(target);
                }
            }
        }
        self.binding_in_progress.borrow_mut().remove(&key);
        self.binding_memo.borrow_mut().insert(key, out.clone());
        out
    }

    /// Resolves a value chain (`Repo()`, `make_repo()`) or an annotation
    /// (`Repo`) to the instances it stands for.
    fn instances_of(&self, file_idx: u32, scope: u32, value: &[String]) -> Vec<Target> {
        let mut out = Vec::new();
        if let Some((seg, targets)) = self.resolve_chain(file_idx, scope, value).last()
            && seg + 1 == value.len()
        {
            for target in targets {
                match target {
                    Target::Instance(..) => out.push(target.clone()),
                    Target::Sym(f, s) if self.kind_of(*f, *s) == SymbolKind::Class => {
                        out.push(Target::Instance(*f, *s));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// Resolves the values that a binding gives its target. A call or an
    /// annotation gives instances, and an alias gives the instance, class or
    /// module that the aliased name refers to.
    fn binding_values(&self, file_idx: u32, binding: &PyBinding) -> Vec<Target> {
        if !binding.alias {
            return self.instances_of(file_idx, binding.scope, &binding.value);
        }
        let mut out = Vec::new();
        let steps = self.resolve_chain(file_idx, binding.scope, &binding.value);
        let Some((seg, targets)) = steps.last() else {
            return out;
        };
        if seg + 1 != binding.value.len() {
            return out;
        }
        for target in targets {
            let values = match target {
                Target::Instance(..) | Target::Module(_) => vec![target.clone()],
                Target::Sym(f, s) => match self.kind_of(*f, *s) {
                    SymbolKind::Class => vec![target.clone()],
                    SymbolKind::Variable | SymbolKind::Constant | SymbolKind::Field => {
                        self.value_of(*f, *s)
                    }
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            for value in values {
                if !out.contains(&value) {
                    out.push(value);
                }
            }
        }
        out
    }

    /// Returns the values of `self.name` that the methods of `class`, or
    /// else of its bases, assign.
    fn instance_attribute(&self, file_idx: u32, class: u32, name: &str, depth: u32) -> Vec<Target> {
        let file = &self.files[file_idx as usize];
        let mut out = Vec::new();
        let found = self.facts_index[file_idx as usize]
            .self_attributes
            .get(name);
        for &binding_idx in found.into_iter().flatten() {
            let binding = &file.facts.bindings[binding_idx as usize];
            if file.syntax.symbols[binding.scope as usize].parent == Some(class) {
                out.extend(self.binding_values(file_idx, binding));
            }
        }
        if !out.is_empty() || depth > 16 {
            return out;
        }
        for (base_file, base_class) in self.bases(file_idx, class) {
            if let (Some(bf), Some(bc)) = (base_file, base_class) {
                out.extend(self.instance_attribute(bf, bc, name, depth + 1));
                if !out.is_empty() {
                    break;
                }
            }
        }
        out
    }

    /// Finds a name as Python would from inside `scope`: the function's own
    /// and enclosing functions' bindings, then the module's.
    fn lookup_name(&self, file_idx: u32, scope: u32, name: &str, depth: u32) -> Vec<Target> {
        let file = &self.files[file_idx as usize];
        let mut current = scope;
        // Code directly in a class body can use the names that the body has
        // bound so far. Functions and classes nested in it cannot.
        let mut in_class_body = true;
        while current != 0 {
            let sym = &file.syntax.symbols[current as usize];
            if sym.kind == SymbolKind::Class
                && in_class_body
                && let Some(member) = self.class_body_name(file_idx, current, name, scope)
            {
                return vec![Target::Sym(file_idx, member)];
            }
            if matches!(
                sym.kind,
                SymbolKind::Function | SymbolKind::Method | SymbolKind::Class
            ) {
                in_class_body = false;
            }
            let declared_global = self.facts_index[file_idx as usize]
                .globals
                .contains(&(current, name));
            if declared_global {
                break;
            }
            if matches!(sym.kind, SymbolKind::Function | SymbolKind::Method) {
                let mut found = Vec::new();
                for import_idx in self.facts_index[file_idx as usize].imports_in(current) {
                    let import = &file.facts.imports[import_idx as usize];
                    if bound_name(import).as_deref() == Some(name) {
                        found.extend(self.import_binding(file_idx, import));
                    }
                }
                if !found.is_empty() {
                    return found;
                }
                if depth < 4 {
                    found.extend(self.binding_instances(file_idx, current, name));
                }
                if !found.is_empty() {
                    return found;
                }
                if self.facts_index[file_idx as usize]
                    .locals
                    .contains(&(current, name))
                {
                    return vec![Target::Unknown];
                }
                // A nested definition with this name, local to the function.
                if let Some(&child) = self.child_by_name[file_idx as usize].get(&(current, name)) {
                    return vec![Target::Sym(file_idx, child)];
                }
            }
            current = sym.parent.unwrap_or(0);
        }
        let found = self.module_member(file_idx, name, depth);
        if found.is_empty() {
            vec![Target::External]
        } else {
            found
        }
    }

    /// Finds the definition that `name` refers to in the body of `class`,
    /// looked up from `scope`. An assignment in that body gets the latest
    /// definition before it, and a decorator of a member (`scope` is the
    /// class) the first one, which is what `@name.setter` needs.
    fn class_body_name(&self, file_idx: u32, class: u32, name: &str, scope: u32) -> Option<u32> {
        let symbols = &self.files[file_idx as usize].syntax.symbols;
        let mut members = self.children[file_idx as usize][class as usize]
            .iter()
            .copied()
            .filter(|&c| c != scope && last_segment(&symbols[c as usize].local_name) == name);
        if scope == class {
            return members.next();
        }
        let before = symbols[scope as usize].span.start_byte;
        members.rfind(|&c| symbols[c as usize].span.start_byte < before)
    }

    /// What `module.name` is: a top-level definition, an imported name, a
    /// name from a star import, or a submodule.
    fn module_member(&self, file_idx: u32, name: &str, depth: u32) -> Vec<Target> {
        let key = (file_idx, name.to_owned());
        if let Some(found) = self.member_memo.borrow().get(&key) {
            return found.clone();
        }
        if depth > 24 || !self.in_progress.borrow_mut().insert(key.clone()) {
            return Vec::new();
        }
        let found = self.module_member_uncached(file_idx, name, depth);
        self.in_progress.borrow_mut().remove(&key);
        self.member_memo.borrow_mut().insert(key, found.clone());
        found
    }

    fn module_member_uncached(&self, file_idx: u32, name: &str, depth: u32) -> Vec<Target> {
        let file = &self.files[file_idx as usize];
        let scope = &self.scopes[file_idx as usize];
        let mut found = Vec::new();
        if let Some(bindings) = scope.names.get(name) {
            for binding in bindings {
                match *binding {
                    Binding::Def(local) => found.push(Target::Sym(file_idx, local)),
                    Binding::Import(import_idx) => {
                        let import = &file.facts.imports[import_idx as usize];
                        for target in self.import_binding(file_idx, import) {
                            if !found.contains(&target) {
                                found.push(target);
                            }
                        }
                    }
                }
            }
        }
        if !found.is_empty() {
            return found;
        }
        for &star in &scope.stars {
            let import = &file.facts.imports[star as usize];
            let ImportKind::Star { level, module } = &import.kind else {
                continue;
            };
            if let Some(Target::Module(source)) =
                self.resolve_import_module(file_idx, *level, module)
                && self.exports(source, name, depth + 1)
            {
                found.extend(self.module_member(source, name, depth + 1));
            }
        }
        if !found.is_empty() {
            return found;
        }
        if self.is_package[file_idx as usize] {
            let dotted = format!("{}.{name}", self.modules[file_idx as usize]);
            if let Some(target) = self.lookup_module(&dotted, Some(file_idx)) {
                found.push(target);
            }
        }
        found
    }

    /// True when `from module import *` brings `name` in: listed in
    /// `__all__` when the module defines one, else any public top-level name.
    fn exports(&self, file_idx: u32, name: &str, depth: u32) -> bool {
        if depth > 24 {
            return false;
        }
        let facts = self.files[file_idx as usize].facts;
        if facts.all_names.is_some() || !facts.all_extends.is_empty() {
            if facts
                .all_names
                .as_ref()
                .is_some_and(|names| names.iter().any(|n| n == name))
            {
                return true;
            }
            return facts.all_extends.iter().any(|chain| {
                self.resolve_chain(file_idx, 0, chain)
                    .last()
                    .is_some_and(|(seg, targets)| {
                        *seg + 1 == chain.len()
                            && targets.iter().any(|t| match t {
                                Target::Module(m) => self.exports(*m, name, depth + 1),
                                _ => false,
                            })
                    })
            });
        }
        if name.starts_with('_') {
            return false;
        }
        let scope = &self.scopes[file_idx as usize];
        if scope.names.contains_key(name) {
            return true;
        }
        scope.stars.iter().any(|&star| {
            let import = &facts.imports[star as usize];
            let ImportKind::Star { level, module } = &import.kind else {
                return false;
            };
            matches!(self.resolve_import_module(file_idx, *level, module),
                Some(Target::Module(source)) if self.exports(source, name, depth + 1))
        })
    }

    /// The target a name bound by an import stands for.
    fn import_binding(&self, file_idx: u32, import: &PyImport) -> Vec<Target> {
        match &import.kind {
            ImportKind::Module {
                path,
                alias: Some(_),
            } => self
                .lookup_module(&path.join("."), Some(file_idx))
                .into_iter()
                .collect(),
            ImportKind::Module { path, alias: None } => {
                let head = path.first().map(String::as_str).unwrap_or_default();
                vec![
                    self.lookup_module(head, Some(file_idx))
                        .unwrap_or(Target::External),
                ]
            }
            ImportKind::From {
                level,
                module,
                name,
                ..
            } => match self.resolve_import_module(file_idx, *level, module) {
                Some(Target::Module(source)) => {
                    // Python looks the name up in the module first, then
                    // tries to import it as a submodule.
                    let found = self.module_member(source, name, 1);
                    if !found.is_empty() {
                        return found;
                    }
                    let dotted = format!("{}.{name}", self.modules[source as usize]);
                    vec![
                        self.lookup_module(&dotted, Some(file_idx))
                            .unwrap_or(Target::Module(source)),
                    ]
                }
                Some(Target::Namespace(ns)) => {
                    let dotted = format!("{ns}.{name}");
                    self.lookup_module(&dotted, Some(file_idx))
                        .into_iter()
                        .collect()
                }
                Some(Target::Unparsed(dotted)) => {
                    let submodule = format!("{dotted}.{name}");
                    vec![
                        self.lookup_module(&submodule, Some(file_idx))
                            .unwrap_or(Target::Unparsed(dotted)),
                    ]
                }
                _ => vec![Target::External],
            },
            ImportKind::Star { .. } => Vec::new(),
        }
    }

    /// The module an import statement names, and the members it imports.
    fn import_targets(&self, file_idx: u32, import: &PyImport) -> (Option<Target>, Vec<Target>) {
        match &import.kind {
            ImportKind::Module { path, .. } => (
                self.lookup_module(&path.join("."), Some(file_idx)),
                Vec::new(),
            ),
            ImportKind::From { level, module, .. } => {
                let source = self.resolve_import_module(file_idx, *level, module);
                let members = if source.is_some() {
                    self.import_binding(file_idx, import)
                } else {
                    Vec::new()
                };
                let members = members
                    .into_iter()
                    .filter(|t| Some(t) != source.as_ref())
                    .collect();
                (source, members)
            }
            ImportKind::Star { level, module } => (
                self.resolve_import_module(file_idx, *level, module),
                Vec::new(),
            ),
        }
    }

    /// Resolves `from <level dots><module>` to a module or namespace.
    fn resolve_import_module(
        &self,
        file_idx: u32,
        level: u32,
        module: &[String],
    ) -> Option<Target> {
        if level == 0 {
            return self.lookup_module(&module.join("."), Some(file_idx));
        }
        let own = &self.modules[file_idx as usize];
        let mut package: Vec<&str> = own.split('.').collect();
        if !self.is_package[file_idx as usize] {
            package.pop();
        }
        // `from . import x` is the package itself; each further dot goes up
        // one level, and going above the top-level package is an error.
        for _ in 1..level {
            package.pop()?;
        }
        let mut dotted: Vec<&str> = package.into_iter().filter(|s| !s.is_empty()).collect();
        dotted.extend(module.iter().map(String::as_str));
        if dotted.is_empty() {
            return None;
        }
        self.lookup_module(&dotted.join("."), Some(file_idx))
    }

    /// Finds a module by dotted name. When several files share the name
    /// (different source roots), the one closest to `from_file` wins.
    fn lookup_module(&self, dotted: &str, from_file: Option<u32>) -> Option<Target> {
        let entry = self.index.get(dotted)?;
        if entry.namespace {
            return Some(Target::Namespace(dotted.to_owned()));
        }
        if entry.files.is_empty() {
            return entry.unparsed.then(|| Target::Unparsed(dotted.to_owned()));
        }
        let best = match from_file {
            Some(from) if entry.files.len() > 1 => {
                let from_path = self.files[from as usize].path;
                *entry.files.iter().max_by_key(|&&f| {
                    (
                        common_prefix(from_path, self.files[f as usize].path),
                        std::cmp::Reverse(f),
                    )
                })?
            }
            _ => *entry.files.first()?,
        };
        Some(Target::Module(best))
    }

    /// Looks a member up in a class and then in its bases, depth first in
    /// declaration order (a simplification of the C3 order). The flag is
    /// true when some base is outside the repository.
    fn class_member(
        &self,
        file_idx: u32,
        class: u32,
        name: &str,
        depth: u32,
    ) -> (Vec<Target>, bool) {
        if depth > 16 {
            return (Vec::new(), true);
        }
        if let Some(&child) = self.child_by_name[file_idx as usize].get(&(class, name)) {
            return (vec![Target::Sym(file_idx, child)], false);
        }
        let mut incomplete = false;
        for (base_file, base_class) in self.bases(file_idx, class) {
            match (base_file, base_class) {
                (Some(bf), Some(bc)) => {
                    let (found, inc) = self.class_member(bf, bc, name, depth + 1);
                    incomplete |= inc;
                    if !found.is_empty() {
                        return (found, incomplete);
                    }
                }
                _ => incomplete = true,
            }
        }
        (Vec::new(), incomplete)
    }

    /// A member found in the bases only, for `super().name`.
    fn base_member(&self, file_idx: u32, class: u32, name: &str) -> Vec<Target> {
        for (base_file, base_class) in self.bases(file_idx, class) {
            if let (Some(bf), Some(bc)) = (base_file, base_class) {
                let (found, _) = self.class_member(bf, bc, name, 1);
                if !found.is_empty() {
                    return found;
                }
            }
        }
        Vec::new()
    }

    /// The resolved bases of a class; `(None, None)` for a base outside the
    /// repository.
    fn bases(&self, file_idx: u32, class: u32) -> Vec<(Option<u32>, Option<u32>)> {
        let file = &self.files[file_idx as usize];
        let scope = file.syntax.symbols[class as usize].parent.unwrap_or(0);
        let mut out = Vec::new();
        for (c, chain) in &file.facts.bases {
            if *c != class {
                continue;
            }
            let steps = self.resolve_chain(file_idx, scope, chain);
            let classes = self.base_classes(file_idx, class, chain, &steps);
            if classes.is_empty() {
                out.push((None, None));
            }
            out.extend(classes.into_iter().map(|(f, s)| (Some(f), Some(s))));
        }
        out
    }

    /// Returns the repository classes that one base chain of `class` names,
    /// given the chain's resolution `steps`. A base outside the repository
    /// gives none.
    fn base_classes(
        &self,
        file_idx: u32,
        class: u32,
        chain: &[String],
        steps: &[(usize, Vec<Target>)],
    ) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let Some((seg, targets)) = steps.last() else {
            return out;
        };
        if seg + 1 != chain.len() {
            return out;
        }
        for target in targets {
            // A base may be written through an alias such as
            // `_PyFuture = Future`.
            let classes = match target {
                Target::Sym(f, s)
                    if matches!(
                        self.kind_of(*f, *s),
                        SymbolKind::Variable | SymbolKind::Constant
                    ) =>
                {
                    self.value_of(*f, *s)
                }
                _ => vec![target.clone()],
            };
            for class_target in classes {
                if let Target::Sym(f, s) = class_target
                    && self.kind_of(f, s) == SymbolKind::Class
                    && (f, s) != (file_idx, class)
                {
                    out.push((f, s));
                }
            }
        }
        out
    }

    /// The classes of a file that define a `test*` method directly or have
    /// a base class, from which they may inherit `test*` methods: the only
    /// ones whose collection by pytest matters.
    fn test_method_classes(&self, file_idx: u32) -> impl Iterator<Item = u32> + '_ {
        let file = &self.files[file_idx as usize];
        let symbols = &file.syntax.symbols;
        let mut classes: Vec<u32> = symbols
            .iter()
            .filter(|symbol| {
                matches!(symbol.kind, SymbolKind::Function | SymbolKind::Method)
                    && last_segment(&symbol.local_name).starts_with("test")
            })
            .filter_map(|symbol| symbol.parent)
            .filter(|&parent| symbols[parent as usize].kind == SymbolKind::Class)
            .chain(file.facts.bases.iter().map(|(class, _)| *class))
            .collect();
        classes.sort_unstable();
        classes.dedup();
        classes.into_iter()
    }

    /// Returns true when pytest, with its default `python_classes = Test*`,
    /// collects the `test*` methods of `class`: its name starts with `Test`,
    /// or it subclasses `unittest.TestCase`.
    fn is_test_class(&self, file_idx: u32, class: u32) -> bool {
        let name = &self.files[file_idx as usize].syntax.symbols[class as usize].local_name;
        last_segment(name).starts_with("Test") || self.subclasses_test_case(file_idx, class, 0)
    }

    /// Returns true when `class` subclasses `TestCase`, directly or through
    /// repository classes. A base counts when its name ends in `TestCase`:
    /// `unittest.TestCase`, `unittest.IsolatedAsyncioTestCase`, Django's
    /// `TestCase` and `SimpleTestCase` all subclass `unittest.TestCase`.
    /// This holds for a base in the repository too, as in CPython, whose
    /// `Lib/unittest` defines `TestCase` itself.
    fn subclasses_test_case(&self, file_idx: u32, class: u32, depth: u32) -> bool {
        if depth >= MAX_CHAIN_DEPTH {
            return false;
        }
        let file = &self.files[file_idx as usize];
        let scope = file.syntax.symbols[class as usize].parent.unwrap_or(0);
        for (c, chain) in &file.facts.bases {
            if *c != class {
                continue;
            }
            let steps = self.resolve_chain(file_idx, scope, chain);
            // NOTE: a base from a repository module that this run did not
            // parse (the prefilter leaves out files that cannot depend on
            // the change) is unknown, and counts as a `TestCase` so that
            // its tests are listed rather than missed.
            let unparsed = steps
                .iter()
                .flat_map(|(_, targets)| targets)
                .any(|target| matches!(target, Target::Unparsed(_)));
            if unparsed {
                return true;
            }
            let classes = self.base_classes(file_idx, class, chain, &steps);
            let found = if classes.is_empty() {
                chain.last().is_some_and(|name| name.ends_with("TestCase"))
            } else {
                classes.iter().any(|&(f, s)| {
                    let base = &self.files[f as usize].syntax.symbols[s as usize].local_name;
                    last_segment(base).ends_with("TestCase")
                        || self.subclasses_test_case(f, s, depth + 1)
                })
            };
            if found {
                return true;
            }
        }
        false
    }

    /// The lines of the top-level imports that bind `name` as used inside
    /// `scope`; empty when something local binds it or no import does.
    fn module_import_lines(&self, file_idx: u32, scope: u32, name: &str) -> Vec<u32> {
        let file = &self.files[file_idx as usize];
        let Some(bindings) = self.scopes[file_idx as usize].names.get(name) else {
            return Vec::new();
        };
        let lines: Vec<u32> = bindings
            .iter()
            .filter_map(|b| match b {
                Binding::Import(idx) => Some(file.facts.imports[*idx as usize].line),
                Binding::Def(_) => None,
            })
            .collect();
        if lines.is_empty() {
            return lines;
        }
        let mut current = scope;
        while current != 0 {
            let shadowed = file
                .facts
                .locals
                .iter()
                .any(|(s, n)| *s == current && n == name)
                || file
                    .facts
                    .imports
                    .iter()
                    .any(|i| i.scope == current && bound_name(i).as_deref() == Some(name));
            if shadowed {
                return Vec::new();
            }
            current = file.syntax.symbols[current as usize].parent.unwrap_or(0);
        }
        lines
    }

    /// Returns the definitions that `from module import *` brings in under
    /// the given names.
    fn star_names(&self, file_idx: u32, names: &[String]) -> Vec<Target> {
        let mut names: Vec<&String> = names.iter().collect();
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            if self.exports(file_idx, name, 0) {
                out.extend(self.module_member(file_idx, name, 0));
            }
        }
        out
    }

    /// When `name` is the receiver (first parameter) of the method that
    /// contains `scope`, returns the method's class and whether the receiver
    /// is the class itself (`cls` of a class method) rather than an instance.
    fn receiver_class(&self, file_idx: u32, scope: u32, name: &str) -> Option<(u32, bool)> {
        let file = &self.files[file_idx as usize];
        let index = &self.facts_index[file_idx as usize];
        let symbols = &file.syntax.symbols;
        let mut current = scope;
        let method = loop {
            let sym = &symbols[current as usize];
            if sym.kind == SymbolKind::Method {
                break current;
            }
            // A name bound in a nested function shadows the receiver.
            if index.locals.contains(&(current, name)) {
                return None;
            }
            current = sym.parent?;
        };
        if index.first_params.get(&method).copied() != Some(name) {
            return None;
        }
        let local_rebinding = index.names.contains_key(&(method, name))
            || index
                .imports_in(method)
                .any(|i| bound_name(&file.facts.imports[i as usize]).as_deref() == Some(name));
        if local_rebinding {
            return None;
        }
        let class = symbols[method as usize].parent?;
        let method_name = last_segment(&symbols[method as usize].local_name);
        let is_class =
            matches!(name, "cls" | "mcs" | "metacls" | "klass") || method_name == "__new__";
        Some((class, is_class))
    }

    /// Returns the scope around a function or class definition, where its
    /// decorators run. Any other symbol is returned unchanged.
    fn enclosing_scope(&self, file_idx: u32, scope: u32) -> u32 {
        let symbol = &self.files[file_idx as usize].syntax.symbols[scope as usize];
        match symbol.kind {
            SymbolKind::Function | SymbolKind::Method | SymbolKind::Class => {
                symbol.parent.unwrap_or(0)
            }
            _ => scope,
        }
    }

    /// The class whose method (or a function nested in it) contains `scope`.
    fn enclosing_class(&self, file_idx: u32, scope: u32) -> Option<u32> {
        let symbols = &self.files[file_idx as usize].syntax.symbols;
        let mut current = scope;
        loop {
            let sym = &symbols[current as usize];
            if sym.kind == SymbolKind::Method {
                return sym.parent;
            }
            current = sym.parent?;
        }
    }

    fn kind_of(&self, file_idx: u32, sym: u32) -> SymbolKind {
        self.files[file_idx as usize].syntax.symbols[sym as usize].kind
    }
}

/// Source roots: the repository root, every `src` folder, the folder above
/// each top-level package, and the configured ones.
fn detect_roots(
    paths: &[&str],
    package_dirs: &FxHashSet<&str>,
    layout: &ModuleLayout,
) -> Vec<String> {
    let mut roots: FxHashSet<String> = FxHashSet::default();
    roots.insert(String::new());
    for path in paths {
        let mut dir = parent_dir(path);
        while !dir.is_empty() {
            if dir == "src" || dir.ends_with("/src") {
                roots.insert(dir.to_owned());
            }
            dir = parent_dir(dir);
        }
    }
    // The roots end up sorted below, so the set's order does not matter.
    #[expect(clippy::iter_over_hash_type, reason = "the result is sorted")]
    for dir in package_dirs {
        let parent = parent_dir(dir);
        if !package_dirs.contains(parent) && !dir.is_empty() {
            roots.insert(parent.to_owned());
        }
    }
    for root in &layout.roots {
        roots.insert(root.trim_matches('/').to_owned());
    }
    let mut roots: Vec<String> = roots.into_iter().collect();
    // Deepest first, so the first root that contains a file is its root.
    roots.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    roots
}

/// The dotted module name of a file under its deepest source root, and
/// whether the file is a package (`__init__.py`).
fn module_name(path: &str, roots: &[String]) -> (String, bool) {
    let relative = roots
        .iter()
        .find_map(|root| {
            if root.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(root.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
            }
        })
        .unwrap_or(path);
    let stem = relative
        .strip_suffix(".py")
        .or_else(|| relative.strip_suffix(".pyi"))
        .unwrap_or(relative);
    let (stem, package) = match stem.strip_suffix("/__init__") {
        Some(package) => (package, true),
        None if stem == "__init__" => ("", true),
        None => (stem, false),
    };
    (stem.replace('/', "."), package)
}

fn bound_name(import: &PyImport) -> Option<String> {
    match &import.kind {
        ImportKind::Module {
            alias: Some(alias), ..
        }
        | ImportKind::From {
            alias: Some(alias), ..
        } => Some(alias.clone()),
        ImportKind::Module { path, alias: None } => path.first().cloned(),
        ImportKind::From {
            name, alias: None, ..
        } => Some(name.clone()),
        ImportKind::Star { .. } => None,
    }
}

/// The first name of an absolute import's module path.
fn import_head(import: &PyImport) -> &str {
    let path = match &import.kind {
        ImportKind::Module { path, .. } => path,
        ImportKind::From { module, .. } | ImportKind::Star { module, .. } => module,
    };
    path.first().map_or("", String::as_str)
}

fn import_level(import: &PyImport) -> u32 {
    match &import.kind {
        ImportKind::From { level, .. } | ImportKind::Star { level, .. } => *level,
        ImportKind::Module { .. } => 0,
    }
}

fn edge_kind(kind: RefKind) -> EdgeKind {
    match kind {
        RefKind::Call => EdgeKind::Call,
        RefKind::Read => EdgeKind::Reference,
        RefKind::Inherit => EdgeKind::Inherit,
        RefKind::Decorator => EdgeKind::Decorator,
        RefKind::Type => EdgeKind::TypeRef,
    }
}

fn symbol_of(target: &Target) -> Option<(u32, u32)> {
    match target {
        Target::Sym(f, s) => Some((*f, *s)),
        Target::Module(f) => Some((*f, 0)),
        _ => None,
    }
}

fn push_exact(
    edges: &mut Vec<LocalEdge>,
    source: (u32, u32),
    target: (u32, u32),
    kind: EdgeKind,
    line: u32,
) {
    if source != target {
        edges.push(LocalEdge {
            source,
            target,
            kind,
            resolution: Resolution::Exact,
            weight: 1.0,
            line,
        });
    }
}

fn last_segment(local_name: &str) -> &str {
    local_name.rsplit('.').next().unwrap_or(local_name)
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
