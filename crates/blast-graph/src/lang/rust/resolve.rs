//! Resolution of Rust paths across files. Crate targets come from the Cargo
//! layout, and the module tree from `mod` items and files (`foo.rs`,
//! `foo/mod.rs`, `#[path]`, inline modules). Each module has a name table
//! with its items and its `use` bindings, renames, globs and re-exports.
//! Impl blocks attach to their self type wherever they are. The result is
//! the edges of every path, method call, field read, `use`, `mod` and impl
//! header.
//!
//! Cargo packages bound what code can name, as they bound what rustc
//! compiles together. A crate loads only files of its own package folder. A file's
//! lookups of impls and of candidate methods by name find only those in
//! packages that its package can name (see `PackageReach`), so an impl in
//! a package that the caller does not depend on adds nothing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::layout::{self, CrateTarget, PackageReach, RustLayout, TargetKind};
use super::{RefKind, RustFacts, UseEntry};
use crate::model::{EdgeKind, FileSyntax, LocalEdge, LocalSymbol, Resolution, SymbolKind};

/// How many block-scoped `use` entries may wait on each other while one
/// of them is resolved.
const MAX_BLOCK_USE_CHAIN: usize = 32;

/// More same-named methods than this and a call on an unknown receiver
/// yields no candidate edges: the name is too common to say anything, and
/// the call is counted as too ambiguous instead.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// One extracted Rust file, as the resolver reads it.
pub(crate) struct RustFile<'a> {
    pub path: &'a str,
    pub syntax: &'a FileSyntax,
    pub facts: &'a RustFacts,
    /// False for a file read for its declarations only (see
    /// `GraphOptions::declarations_only`): its items, `mod`, `use` and impl
    /// headers are indexed, but none of its references gives an edge.
    pub references: bool,
}

/// Counts that tell how much of the code resolved.
#[derive(Clone, Debug, Default)]
pub struct RustStats {
    pub crates: u64,
    pub modules: u64,
    /// `mod name;` declarations whose file is not in the repository.
    pub mod_files_missing: u64,
    /// Files outside the module tree of every crate target. Each is resolved
    /// as a module named after its path, with the files its own `mod`
    /// declarations load, which are not counted.
    pub files_unreached: u64,
    pub method_calls: u64,
    /// Calls whose receiver type named the method exactly.
    pub method_calls_exact: u64,
    /// Calls on an unknown receiver, linked to every same-named method.
    pub method_calls_candidate: u64,
    /// Calls on a receiver whose type is outside the repository.
    pub method_calls_external: u64,
    /// Calls on an unknown receiver whose method name has no definition in
    /// the repository, or more than [`MAX_CANDIDATES`].
    pub method_calls_unresolved: u64,
}

pub(crate) struct RustResolved {
    /// `crate::path` module name per file, in input order.
    pub modules: Vec<String>,
    pub edges: Vec<LocalEdge>,
    /// Indices of the files built only for tests.
    pub test_files: Vec<u32>,
    pub stats: RustStats,
}

pub(super) type ModId = u32;

pub(super) struct Module {
    pub krate: u32,
    /// Qualified name: `my_crate::net::tcp`.
    pub name: String,
    pub parent: Option<ModId>,
    /// Places of the module's items: (file, symbol), the file module (symbol
    /// 0) or an inline `mod name { .. }` symbol. Several bodies when `cfg`
    /// alternatives load different files for one module.
    pub bodies: Vec<(u32, u32)>,
    /// Per body, the folder in which `mod x;` looks for `x.rs`.
    pub dirs: Vec<String>,
    pub children: FxHashMap<String, ModId>,
    /// Declared `#[macro_use]`: its macros stay visible in the parent.
    pub macro_use: bool,
    /// Compiled only in test builds: declared under a `#[cfg]` that
    /// requires `test`, or inside such a module.
    pub test_only: bool,
}

pub(super) struct Crate {
    pub root: ModId,
    pub edition_2015: bool,
    pub externs: FxHashMap<String, u32>,
    /// An integration test or a bench target, which only `cargo test` and
    /// `cargo bench` build.
    pub test: bool,
    /// The package that contains the root file.
    pub package: Option<u32>,
}

/// The item, module or parameter a path segment names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Target {
    /// An item: (file, local symbol).
    Sym(u32, u32),
    Module(ModId),
    /// A variant of the enum (file, local symbol).
    Variant(u32, u32),
    /// A generic type parameter: (file, index into the file's generics).
    Generic(u32, u32),
}

/// A name in a module's table, and whether a glob import from outside the
/// module can name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bound {
    pub target: Target,
    pub visible: bool,
}

/// The memoised table entry of one name in one module.
type Bindings = Rc<Vec<Bound>>;

/// The namespace a path's last segment is looked up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ns {
    Type,
    Value,
    Macro,
    /// `use` paths import from every namespace.
    Any,
}

/// The place a path is resolved from: a file, the module the file is
/// loaded as, and the innermost symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cx {
    pub file: u32,
    pub module: ModId,
    pub scope: u32,
}

/// Per-file indices over the extracted facts.
#[derive(Default)]
pub(super) struct FileIndex {
    /// Child symbols of each symbol.
    pub children: Vec<Vec<u32>>,
    /// Child symbols other than impls, by parent symbol and then by short
    /// name without a trailing `!`, in symbol order.
    pub children_by_name: FxHashMap<u32, FxHashMap<String, Vec<u32>>>,
    pub uses_by_scope: FxHashMap<u32, Vec<u32>>,
    pub mods_by_scope: FxHashMap<u32, Vec<u32>>,
    /// Bindings by name, ordered by byte offset.
    pub bindings_by_name: FxHashMap<String, Vec<u32>>,
    pub generics_by_owner: FxHashMap<u32, Vec<u32>>,
    pub fields_by_owner: FxHashMap<u32, Vec<u32>>,
    pub variants_by_owner: FxHashMap<u32, Vec<String>>,
    pub declared_type: FxHashMap<u32, u32>,
    pub alias_of: FxHashMap<u32, u32>,
    pub impl_header: FxHashMap<u32, u32>,
    pub supertraits: FxHashMap<u32, u32>,
    pub restricted: FxHashSet<u32>,
}

pub(super) struct Resolver<'a> {
    pub files: &'a [RustFile<'a>],
    pub index: Vec<&'a FileIndex>,
    pub crates: Vec<Crate>,
    pub modules: Vec<Module>,
    /// Modules each file is loaded as; the first names the file.
    pub file_contexts: Vec<Vec<ModId>>,
    /// Impl blocks by the definition of their self type.
    pub impls_of_type: FxHashMap<(u32, u32), Vec<(u32, u32)>>,
    /// The trait of each trait impl, when the trait is in the repository.
    pub impl_trait: FxHashMap<(u32, u32), (u32, u32)>,
    /// The self type definition of each impl, when it is in the repository.
    pub impl_self: FxHashMap<(u32, u32), (u32, u32)>,
    /// Functions inside impls and traits by name, for candidate edges.
    pub methods_by_name: FxHashMap<String, Vec<(u32, u32)>>,
    /// The same functions without those that only test code can name (see
    /// [`Resolver::is_test_method`]): the candidates of a call outside
    /// test code.
    pub non_test_methods_by_name: FxHashMap<String, Vec<(u32, u32)>>,
    /// Per file, whether every crate and module it is loaded as is built
    /// only for tests.
    pub test_files: Vec<bool>,
    /// Macros by name (without `!`).
    pub macros_by_name: FxHashMap<String, Vec<(u32, u32)>>,
    binding_memo: RefCell<FxHashMap<(ModId, String), Bindings>>,
    in_progress: RefCell<FxHashSet<(ModId, String)>>,
    /// Block-scope `use` entries (file, use index) being resolved, so that
    /// `fn f() { use std; }` cannot resolve its path through itself.
    block_uses_in_progress: RefCell<FxHashSet<(u32, u32)>>,
    /// The targets of each block-scoped `use` once resolved, so that uses
    /// that name each other are resolved once each, not once per path.
    block_use_memo: RefCell<FxHashMap<(u32, u32), Vec<Target>>>,
    /// Set while impl headers are resolved, when associated items cannot be
    /// looked up yet.
    pub building_impls: Cell<bool>,
    /// Recursion depth of type inference.
    pub depth: Cell<u32>,
    /// The package of each file and what each package can name.
    pub packages: PackageReach,
    /// The package whose view bounds the lookups of impls and candidate
    /// methods: that of the file being resolved, or of the module whose
    /// table is being filled. `None` bounds nothing.
    viewer: Cell<Option<u32>>,
}

/// Resolves the references of the given files, except those read for their
/// declarations only.
pub(crate) fn resolve(files: &[RustFile<'_>], layout: &RustLayout) -> RustResolved {
    let mut stats = RustStats::default();
    let resolver = Resolver::new(files, layout, &mut stats);
    let mut edges = Vec::new();
    for (file_idx, file) in files.iter().enumerate() {
        if file.references {
            resolver.resolve_file(to_u32(file_idx), &mut edges, &mut stats);
        }
    }
    let modules = (0..files.len())
        .map(|f| match resolver.file_contexts[f].first() {
            Some(&m) => resolver.modules[m as usize].name.clone(),
            None => String::new(),
        })
        .collect();
    let test_files = (0..files.len())
        .filter(|&file| resolver.test_files[file])
        .map(to_u32)
        .collect();
    RustResolved {
        modules,
        edges,
        test_files,
        stats,
    }
}

impl<'a> Resolver<'a> {
    fn new(files: &'a [RustFile<'a>], layout: &RustLayout, stats: &mut RustStats) -> Resolver<'a> {
        let index: Vec<&'a FileIndex> = files
            .par_iter()
            .map(|file| {
                &**file
                    .facts
                    .index
                    .0
                    .get_or_init(|| Box::new(index_file(file)))
            })
            .collect();
        let mut resolver = Resolver {
            files,
            index,
            crates: Vec::new(),
            modules: Vec::new(),
            file_contexts: vec![Vec::new(); files.len()],
            impls_of_type: FxHashMap::default(),
            impl_trait: FxHashMap::default(),
            impl_self: FxHashMap::default(),
            methods_by_name: FxHashMap::default(),
            non_test_methods_by_name: FxHashMap::default(),
            test_files: Vec::new(),
            macros_by_name: FxHashMap::default(),
            binding_memo: RefCell::new(FxHashMap::default()),
            in_progress: RefCell::new(FxHashSet::default()),
            block_uses_in_progress: RefCell::new(FxHashSet::default()),
            block_use_memo: RefCell::new(FxHashMap::default()),
            building_impls: Cell::new(false),
            depth: Cell::new(0),
            packages: PackageReach::default(),
            viewer: Cell::new(None),
        };
        let paths: Vec<&str> = files.iter().map(|f| f.path).collect();
        let targets = layout.targets(&paths);
        resolver.packages = PackageReach::new(layout, &paths, &targets);
        resolver.build_module_tree(&targets, stats);
        resolver.test_files = (0..files.len())
            .map(|file| resolver.file_is_test(to_u32(file)))
            .collect();
        resolver.index_items();
        resolver.index_impls();
        resolver.index_non_test_methods();
        stats.crates = resolver.crates.len() as u64;
        stats.modules = resolver.modules.len() as u64;
        resolver
    }

    // ----- The module tree -----

    fn build_module_tree(&mut self, targets: &[CrateTarget], stats: &mut RustStats) {
        let by_path: FxHashMap<&str, u32> = self
            .files
            .iter()
            .enumerate()
            .map(|(idx, f)| (f.path, to_u32(idx)))
            .collect();

        // Step 1: a root module per target whose root file exists.
        let mut crate_of_target: Vec<Option<u32>> = vec![None; targets.len()];
        for (t_idx, target) in targets.iter().enumerate() {
            let Some(&root_file) = by_path.get(target.root.as_str()) else {
                continue;
            };
            let krate = to_u32(self.crates.len());
            let root = self.new_module(krate, target.name.clone(), None);
            self.add_body(
                root,
                root_file,
                0,
                layout::parent_dir(&target.root).to_owned(),
            );
            self.crates.push(Crate {
                root,
                edition_2015: target.edition_2015,
                externs: FxHashMap::default(),
                test: matches!(target.kind, TargetKind::Test | TargetKind::Bench),
                package: self.packages.of_file[root_file as usize],
            });
            crate_of_target[t_idx] = Some(krate);
        }
        for (t_idx, target) in targets.iter().enumerate() {
            let Some(krate) = crate_of_target[t_idx] else {
                continue;
            };
            for (name, dep) in &target.externs {
                if let Some(dep_crate) = crate_of_target[*dep] {
                    self.crates[krate as usize]
                        .externs
                        .insert(name.clone(), dep_crate);
                }
            }
        }

        // Step 2: walk `mod` items breadth-first from every root. The queue
        // contains module bodies rather than modules, so each body is read
        // once. A module written twice at every level then costs twice the
        // work, not twice per level.
        let mut queue: Vec<(ModId, usize)> =
            (0..self.modules.len()).map(|m| (to_u32(m), 0)).collect();
        let mut loaded: FxHashSet<(u32, u32)> = FxHashSet::default();
        for &(m, _) in &queue {
            let module = &self.modules[m as usize];
            loaded.insert((module.krate, module.bodies[0].0));
        }
        let mut head = 0;
        // The files in the order that step 3 takes them. A file that has a
        // module stays in one, so a cursor that skips such files finds the
        // next unreached one without scanning every file each time.
        let mut unreached_order: Vec<usize> = (0..self.files.len()).collect();
        unreached_order.sort_by_cached_key(|&f| {
            let path = self.files[f].path;
            (path.ends_with("mod.rs"), path.matches('/').count(), path)
        });
        let mut unreached_at = 0;
        // The folder of each crate's root file, in crate order.
        let mut crate_dirs: Vec<&'a str> = self
            .crates
            .iter()
            .map(|krate| {
                let root_file = self.modules[krate.root as usize].bodies[0].0;
                layout::parent_dir(self.files[root_file as usize].path)
            })
            .collect();
        loop {
            while head < queue.len() {
                let (m, body) = queue[head];
                head += 1;
                let (file, sym) = self.modules[m as usize].bodies[body];
                let dir = self.modules[m as usize].dirs[body].clone();
                let facts = self.files[file as usize].facts;
                let symbols = &self.files[file as usize].syntax.symbols;

                // Inline modules.
                let inline_children = self.index[file as usize].children[sym as usize].clone();
                for child in inline_children {
                    let child_sym = &symbols[child as usize];
                    if child_sym.kind != SymbolKind::Module {
                        continue;
                    }
                    let name = short_name(child_sym).to_owned();
                    let child_mod = self.child_module(m, &name);
                    if facts.macro_exports.contains(&child) {
                        self.modules[child_mod as usize].macro_use = true;
                    }
                    if child_sym.test_only {
                        self.modules[child_mod as usize].test_only = true;
                    }
                    let child_dir = layout::join(&dir, &name);
                    if let Some(added) = self.add_body(child_mod, file, child, child_dir) {
                        queue.push((child_mod, added));
                    }
                }

                // `mod name;` declarations.
                let decls = self.index[file as usize]
                    .mods_by_scope
                    .get(&sym)
                    .cloned()
                    .unwrap_or_default();
                for decl_idx in decls {
                    let decl = &facts.mods[decl_idx as usize];
                    let path_dir = if sym == 0 {
                        layout::parent_dir(self.files[file as usize].path)
                    } else {
                        dir.as_str()
                    };
                    let (candidates, explicit) = if decl.paths.is_empty() {
                        let flat = layout::join(&dir, &format!("{}.rs", decl.name));
                        let nested = layout::join(&dir, &format!("{}/mod.rs", decl.name));
                        (vec![flat, nested], false)
                    } else {
                        let paths = decl
                            .paths
                            .iter()
                            .map(|p| layout::normalize_path(&layout::join(path_dir, p)))
                            .collect();
                        (paths, true)
                    };
                    let child_mod = self.child_module(m, &decl.name);
                    if decl.macro_use {
                        self.modules[child_mod as usize].macro_use = true;
                    }
                    if decl.test_only || symbols[decl.scope as usize].test_only {
                        self.modules[child_mod as usize].test_only = true;
                    }
                    let krate = self.modules[m as usize].krate;
                    let mut found_any = false;
                    for candidate in &candidates {
                        let Some(&child_file) = by_path.get(candidate.as_str()) else {
                            continue;
                        };
                        // A crate loads no file of another package, so that
                        // a package's modules come from its own files.
                        if self.packages.of_file[child_file as usize]
                            != self.crates[krate as usize].package
                        {
                            continue;
                        }
                        found_any = true;
                        if !loaded.insert((krate, child_file)) {
                            continue;
                        }
                        let child_path = self.files[child_file as usize].path;
                        let mod_rs =
                            explicit || child_path.ends_with("/mod.rs") || child_path == "mod.rs";
                        let child_dir = if mod_rs {
                            layout::parent_dir(child_path).to_owned()
                        } else {
                            layout::join(
                                layout::parent_dir(child_path),
                                layout::file_stem(child_path),
                            )
                        };
                        if let Some(added) = self.add_body(child_mod, child_file, 0, child_dir) {
                            queue.push((child_mod, added));
                        }
                        // Without `#[path]`, `x.rs` wins over `x/mod.rs`.
                        if !explicit {
                            break;
                        }
                    }
                    if !found_any {
                        stats.mod_files_missing += 1;
                    }
                }
            }

            // Step 3: a file that no `mod` reaches becomes a module named after
            // its path under the crate whose folder contains it, or a crate of its
            // own, and the walk goes on from it.
            // Shallow files first, `mod.rs` last: they are the likelier roots.
            while unreached_at < unreached_order.len()
                && !self.file_contexts[unreached_order[unreached_at]].is_empty()
            {
                unreached_at += 1;
            }
            let Some(&file) = unreached_order.get(unreached_at) else {
                break;
            };
            stats.files_unreached += 1;
            let path = self.files[file].path;
            let package = self.packages.of_file[file];
            let owner = crate_dirs
                .iter()
                .enumerate()
                .filter(|&(c, _)| self.crates[c].package == package)
                .filter_map(|(c, root_dir)| {
                    layout::is_within(path, root_dir).then_some((root_dir.len(), c))
                })
                .max();
            let (name, krate, parent) = match owner {
                Some((dir_len, c)) => {
                    let root = self.crates[c].root;
                    let relative = if dir_len == 0 {
                        path
                    } else {
                        &path[dir_len + 1..]
                    };
                    let relative = relative.strip_suffix(".rs").unwrap_or(relative);
                    let relative = relative.strip_suffix("/mod").unwrap_or(relative);
                    let name = format!(
                        "{}::{}",
                        self.modules[root as usize].name,
                        relative.replace('/', "::")
                    );
                    (name, to_u32(c), Some(root))
                }
                None => {
                    let krate = to_u32(self.crates.len());
                    let stem = match layout::file_stem(path) {
                        "mod" => layout::file_stem(layout::parent_dir(path)),
                        stem => stem,
                    };
                    (layout::crate_name(stem), krate, None)
                }
            };
            let module = self.new_module(krate, name, parent);
            let mod_rs = parent.is_none() || path.ends_with("/mod.rs") || path == "mod.rs";
            let dir = if mod_rs {
                layout::parent_dir(path).to_owned()
            } else {
                layout::join(layout::parent_dir(path), layout::file_stem(path))
            };
            let added = self.add_body(module, to_u32(file), 0, dir);
            queue.extend(added.map(|body| (module, body)));
            if parent.is_none() {
                crate_dirs.push(layout::parent_dir(path));
                self.crates.push(Crate {
                    root: module,
                    edition_2015: false,
                    externs: FxHashMap::default(),
                    test: false,
                    package,
                });
            }
            loaded.insert((krate, to_u32(file)));
        }
    }

    fn new_module(&mut self, krate: u32, name: String, parent: Option<ModId>) -> ModId {
        let id = to_u32(self.modules.len());
        self.modules.push(Module {
            krate,
            name,
            parent,
            bodies: Vec::new(),
            dirs: Vec::new(),
            children: FxHashMap::default(),
            macro_use: false,
            test_only: parent.is_some_and(|p| self.modules[p as usize].test_only),
        });
        id
    }

    fn child_module(&mut self, parent: ModId, name: &str) -> ModId {
        if let Some(&existing) = self.modules[parent as usize].children.get(name) {
            return existing;
        }
        let krate = self.modules[parent as usize].krate;
        let qualified = format!("{}::{name}", self.modules[parent as usize].name);
        let id = self.new_module(krate, qualified, Some(parent));
        self.modules[parent as usize]
            .children
            .insert(name.to_owned(), id);
        id
    }

    /// Adds a body to a module and returns its index, or `None` when the
    /// module already has it.
    fn add_body(&mut self, module: ModId, file: u32, sym: u32, dir: String) -> Option<usize> {
        let entry = &mut self.modules[module as usize];
        if entry.bodies.contains(&(file, sym)) {
            return None;
        }
        entry.bodies.push((file, sym));
        entry.dirs.push(dir);
        if sym == 0 {
            self.file_contexts[file as usize].push(module);
        }
        Some(entry.bodies.len() - 1)
    }

    /// Returns the module that `scope` in `file` sits in, when the file is loaded
    /// as `context`: inline `mod` symbols above the scope lead down from it.
    pub(super) fn module_of(&self, file: u32, context: ModId, scope: u32) -> ModId {
        let symbols = &self.files[file as usize].syntax.symbols;
        let mut chain: Vec<u32> = Vec::new();
        let mut current = scope;
        while current != 0 {
            let sym = &symbols[current as usize];
            if sym.kind == SymbolKind::Module {
                chain.push(current);
            }
            current = sym.parent.unwrap_or(0);
        }
        let mut module = context;
        for &inline in chain.iter().rev() {
            let name = short_name(&symbols[inline as usize]);
            match self.modules[module as usize].children.get(name) {
                Some(&child) => module = child,
                None => break,
            }
        }
        module
    }

    /// Returns the resolution place of a symbol, in its file's first context.
    pub(super) fn cx_of(&self, file: u32, scope: u32) -> Option<Cx> {
        let context = *self.file_contexts[file as usize].first()?;
        Some(Cx {
            file,
            module: self.module_of(file, context, scope),
            scope,
        })
    }

    pub(super) fn is_ancestor(&self, ancestor: ModId, module: ModId) -> bool {
        let mut current = Some(module);
        while let Some(m) = current {
            if m == ancestor {
                return true;
            }
            current = self.modules[m as usize].parent;
        }
        false
    }

    fn index_items(&mut self) {
        for (file_idx, file) in self.files.iter().enumerate() {
            for (local, sym) in file.syntax.symbols.iter().enumerate().skip(1) {
                let parent = sym.parent.unwrap_or(0) as usize;
                let parent_kind = file.syntax.symbols[parent].kind;
                let key = (to_u32(file_idx), to_u32(local));
                match sym.kind {
                    SymbolKind::Function | SymbolKind::Method
                        if matches!(parent_kind, SymbolKind::Impl | SymbolKind::Trait) =>
                    {
                        self.methods_by_name
                            .entry(short_name(sym).to_owned())
                            .or_default()
                            .push(key);
                    }
                    SymbolKind::Macro => {
                        let name = short_name(sym).trim_end_matches('!').to_owned();
                        self.macros_by_name.entry(name).or_default().push(key);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Attaches every impl block to the definition of its self type and to
    /// its trait. Impl headers name types through modules only, so this runs
    /// before associated items can be looked up.
    fn index_impls(&mut self) {
        self.building_impls.set(true);
        let mut impls_of_type: FxHashMap<(u32, u32), Vec<(u32, u32)>> = FxHashMap::default();
        let mut impl_trait = FxHashMap::default();
        let mut impl_self = FxHashMap::default();
        for (file_idx, file) in self.files.iter().enumerate() {
            let file_idx = to_u32(file_idx);
            for header in &file.facts.impls {
                let Some(cx) = self.cx_of(file_idx, header.symbol) else {
                    continue;
                };
                let key = (file_idx, header.symbol);
                if let super::types::TyRes::Def(f, s) = self.resolve_ty(cx, &header.self_ty) {
                    impls_of_type.entry((f, s)).or_default().push(key);
                    impl_self.insert(key, (f, s));
                }
                if let Some(path) = &header.trait_path
                    && let Some(trait_def) = self.resolve_trait_path(cx, path)
                {
                    impl_trait.insert(key, trait_def);
                }
            }
        }
        self.impls_of_type = impls_of_type;
        self.impl_trait = impl_trait;
        self.impl_self = impl_self;
        self.building_impls.set(false);
        self.binding_memo.borrow_mut().clear();
    }

    // ----- Test code -----

    /// True when the file is built only for tests: every module it is
    /// loaded as is test-only or belongs to a test or bench target. A file
    /// that no crate loads is not.
    fn file_is_test(&self, file: u32) -> bool {
        let contexts = &self.file_contexts[file as usize];
        !contexts.is_empty()
            && contexts.iter().all(|&m| {
                let module = &self.modules[m as usize];
                module.test_only || self.crates[module.krate as usize].test
            })
    }

    /// True when the symbol is test code: a test, an item compiled only for
    /// tests, or anything in a file built only for tests.
    pub(super) fn is_test_code(&self, (file, sym): (u32, u32)) -> bool {
        let symbol = &self.files[file as usize].syntax.symbols[sym as usize];
        symbol.test || symbol.test_only || self.test_files[file as usize]
    }

    /// True when only test code can name the method: it is test code
    /// itself, or its impl's self type is. Code outside tests reaches such
    /// a method only through a generic parameter or a trait object that a
    /// test passes in, so a change to it can break tests only.
    fn is_test_method(&self, (file, sym): (u32, u32)) -> bool {
        if self.is_test_code((file, sym)) {
            return true;
        }
        let parent = self.files[file as usize].syntax.symbols[sym as usize]
            .parent
            .unwrap_or(0);
        self.impl_self
            .get(&(file, parent))
            .is_some_and(|&self_def| self.is_test_code(self_def))
    }

    /// Fills [`Resolver::non_test_methods_by_name`] once impls know their
    /// self types.
    fn index_non_test_methods(&mut self) {
        let mut non_test: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        #[expect(
            clippy::iter_over_hash_type,
            reason = "each entry is filtered on its own into another map"
        )]
        for (name, defs) in &self.methods_by_name {
            let reachable: Vec<(u32, u32)> = defs
                .iter()
                .copied()
                .filter(|&def| !self.is_test_method(def))
                .collect();
            if !reachable.is_empty() {
                non_test.insert(name.clone(), reachable);
            }
        }
        self.non_test_methods_by_name = non_test;
    }

    // ----- Name tables -----

    /// The names a module binds: its items and `use` bindings, else what
    /// its glob imports bring in.
    pub(super) fn module_binding(&self, module: ModId, name: &str) -> Rc<Vec<Bound>> {
        let key = (module, name.to_owned());
        if let Some(hit) = self.binding_memo.borrow().get(&key) {
            return Rc::clone(hit);
        }
        if !self.in_progress.borrow_mut().insert(key.clone()) {
            return Rc::new(Vec::new());
        }
        // The table is the module's own, whichever file looks it up first.
        let viewer = self
            .viewer
            .replace(self.crates[self.modules[module as usize].krate as usize].package);
        let mut out: Vec<Bound> = Vec::new();
        let mut only_conditional = true;
        let entry = &self.modules[module as usize];
        if let Some(&child) = entry.children.get(name) {
            out.push(Bound {
                target: Target::Module(child),
                visible: true,
            });
        }
        for &(file, sym) in &entry.bodies {
            let symbols = &self.files[file as usize].syntax.symbols;
            let index = &self.index[file as usize];
            for &child in self.children_named(file, sym, name) {
                let child_sym = &symbols[child as usize];
                if child_sym.kind == SymbolKind::Module {
                    continue;
                }
                only_conditional = false;
                out.push(Bound {
                    target: Target::Sym(file, child),
                    visible: child_sym.public || index.restricted.contains(&child),
                });
            }
            let cx = Cx {
                file,
                module,
                scope: sym,
            };
            for &use_idx in index.uses_by_scope.get(&sym).map_or(&[][..], Vec::as_slice) {
                let use_entry = &self.files[file as usize].facts.uses[use_idx as usize];
                if use_entry.glob || bound_name(use_entry) != Some(name) {
                    continue;
                }
                only_conditional &= use_entry.conditional;
                for target in self.resolve_use(cx, use_entry) {
                    out.push(Bound {
                        target,
                        visible: use_entry.visible,
                    });
                }
            }
        }
        // A binding under `#[cfg]` may be the inactive alternative, so the
        // glob imports still count.
        if out.is_empty() || only_conditional {
            out.extend(self.glob_binding(module, name));
        }
        let mut unique: Vec<Bound> = Vec::with_capacity(out.len());
        for bound in out {
            if !unique.iter().any(|b| b.target == bound.target) {
                unique.push(bound);
            }
        }
        let result = Rc::new(unique);
        self.viewer.set(viewer);
        self.in_progress.borrow_mut().remove(&key);
        self.binding_memo
            .borrow_mut()
            .insert(key, Rc::clone(&result));
        result
    }

    fn glob_binding(&self, module: ModId, name: &str) -> Vec<Bound> {
        let mut out = Vec::new();
        let entry = &self.modules[module as usize];
        for &(file, sym) in &entry.bodies {
            let index = &self.index[file as usize];
            let cx = Cx {
                file,
                module,
                scope: sym,
            };
            for &use_idx in index.uses_by_scope.get(&sym).map_or(&[][..], Vec::as_slice) {
                let use_entry = &self.files[file as usize].facts.uses[use_idx as usize];
                if !use_entry.glob {
                    continue;
                }
                for target in self.resolve_use(cx, use_entry) {
                    match target {
                        Target::Module(source) => {
                            let sees_private = self.is_ancestor(source, module);
                            for bound in self.module_binding(source, name).iter() {
                                if sees_private || bound.visible {
                                    out.push(Bound {
                                        target: bound.target.clone(),
                                        visible: use_entry.visible,
                                    });
                                }
                            }
                        }
                        Target::Sym(f, s) if self.has_variant(f, s, name) => out.push(Bound {
                            target: Target::Variant(f, s),
                            visible: use_entry.visible,
                        }),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// What a `use` entry imports: the targets of its full path.
    pub(super) fn resolve_use(&self, cx: Cx, entry: &UseEntry) -> Vec<Target> {
        let steps = self.resolve_steps(cx, &entry.path, None, Ns::Any, true);
        match steps.last() {
            Some((seg, targets)) if seg + 1 == entry.path.len() => targets.clone(),
            _ => Vec::new(),
        }
    }

    /// [`Resolver::resolve_use`] for an entry of a block scope, which is
    /// looked up from inside that scope: an entry met again while its own
    /// path is resolved imports nothing.
    fn resolve_block_use(&self, cx: Cx, use_idx: u32, entry: &UseEntry) -> Vec<Target> {
        let key = (cx.file, use_idx);
        if let Some(targets) = self.block_use_memo.borrow().get(&key) {
            return targets.clone();
        }
        // A chain of uses that name each other deeper than real code does
        // stops here, so that the recursion cannot overflow the stack.
        let mut in_progress = self.block_uses_in_progress.borrow_mut();
        if in_progress.len() >= MAX_BLOCK_USE_CHAIN || !in_progress.insert(key) {
            return Vec::new();
        }
        drop(in_progress);
        let viewer = self.viewer.replace(self.packages.of_file[cx.file as usize]);
        let targets = self.resolve_use(cx, entry);
        self.viewer.set(viewer);
        self.block_uses_in_progress.borrow_mut().remove(&key);
        self.block_use_memo
            .borrow_mut()
            .insert(key, targets.clone());
        targets
    }

    pub(super) fn has_variant(&self, file: u32, sym: u32, name: &str) -> bool {
        self.index[file as usize]
            .variants_by_owner
            .get(&sym)
            .is_some_and(|variants| variants.iter().any(|v| v == name))
    }

    // ----- Paths -----

    /// Resolves a path segment by segment. Returns, per segment index that
    /// resolved, the targets it stands for; stops at the first segment that
    /// does not resolve. `use_path` selects the rules of `use` paths (in
    /// edition 2015 they start at the crate root).
    pub(super) fn resolve_steps(
        &self,
        cx: Cx,
        path: &[String],
        qself: Option<&super::Ty>,
        last_ns: Ns,
        use_path: bool,
    ) -> Vec<(usize, Vec<Target>)> {
        let mut steps: Vec<(usize, Vec<Target>)> = Vec::new();
        if path.is_empty() {
            return steps;
        }
        if let Some(qself) = qself {
            return self.resolve_qualified(cx, path, qself, last_ns);
        }
        let ns_at = |idx: usize| {
            if idx + 1 == path.len() {
                last_ns
            } else {
                Ns::Type
            }
        };
        let krate = &self.crates[self.modules[cx.module as usize].krate as usize];

        // The first segment.
        let mut start = 1;
        let head: Vec<Target> = match path[0].as_str() {
            "" => {
                let Some(name) = path.get(1) else {
                    return steps;
                };
                start = 2;
                let targets = if krate.edition_2015 {
                    self.module_binding(krate.root, name)
                        .iter()
                        .map(|b| b.target.clone())
                        .collect()
                } else {
                    self.extern_crate(krate, name)
                };
                let targets = filter_ns(self, targets, ns_at(1));
                if targets.is_empty() {
                    return steps;
                }
                steps.push((1, targets.clone()));
                targets
            }
            "crate" => vec![Target::Module(krate.root)],
            "$crate" => vec![Target::Module(krate.root)],
            "self" => vec![Target::Module(cx.module)],
            "super" => match self.modules[cx.module as usize].parent {
                Some(parent) => vec![Target::Module(parent)],
                None => return steps,
            },
            "Self" => self.self_targets(cx),
            name => {
                let targets = self.lookup_name(cx, name, ns_at(0), use_path);
                filter_ns(self, targets, ns_at(0))
            }
        };
        if start == 1 {
            if head.is_empty() {
                return steps;
            }
            steps.push((0, head.clone()));
        }

        // Later segments.
        let mut current = head;
        for (idx, segment) in path.iter().enumerate().skip(start) {
            let mut next: Vec<Target> = Vec::new();
            for target in &current {
                let found = if segment == "super" {
                    match target {
                        Target::Module(m) => self.modules[*m as usize]
                            .parent
                            .map(Target::Module)
                            .into_iter()
                            .collect(),
                        _ => Vec::new(),
                    }
                } else {
                    self.member(target, segment.trim_end_matches('!'))
                };
                for t in found {
                    if !next.contains(&t) {
                        next.push(t);
                    }
                }
            }
            let next = filter_ns(self, next, ns_at(idx));
            if next.is_empty() {
                break;
            }
            steps.push((idx, next.clone()));
            current = next;
        }
        steps
    }

    /// `<T as Trait>::name` (path `Trait::name`) and `<T>::name`.
    fn resolve_qualified(
        &self,
        cx: Cx,
        path: &[String],
        qself: &super::Ty,
        last_ns: Ns,
    ) -> Vec<(usize, Vec<Target>)> {
        let mut steps = Vec::new();
        let self_ty = self.resolve_ty(cx, qself);
        let name = path[path.len() - 1].as_str();
        if path.len() == 1 {
            let found = self.members_of_type(&self_ty, name);
            if !found.is_empty() {
                steps.push((0, found));
            }
            return steps;
        }
        let trait_steps = self.resolve_steps(cx, &path[..path.len() - 1], None, Ns::Type, false);
        let Some((seg, traits)) = trait_steps.last() else {
            return steps;
        };
        if seg + 2 != path.len() {
            return trait_steps;
        }
        let traits = traits.clone();
        steps.extend(trait_steps);
        let mut found: Vec<Target> = Vec::new();
        for target in &traits {
            let Target::Sym(tf, ts) = target else {
                continue;
            };
            let mut in_impl = false;
            if let super::types::TyRes::Def(df, ds) = self_ty {
                for &(impl_file, impl_sym) in self
                    .impls_of_type
                    .get(&(df, ds))
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .filter(|&&(impl_file, _)| self.sees(impl_file))
                {
                    if self.impl_trait.get(&(impl_file, impl_sym)) == Some(&(*tf, *ts)) {
                        for &child in self.children_named(impl_file, impl_sym, name) {
                            in_impl = true;
                            found.push(Target::Sym(impl_file, child));
                        }
                    }
                }
            }
            if !in_impl {
                found.extend(
                    self.trait_items(*tf, *ts, name)
                        .into_iter()
                        .map(|(f, s)| Target::Sym(f, s)),
                );
            }
        }
        let found = filter_ns(self, found, last_ns);
        if !found.is_empty() {
            steps.push((path.len() - 1, found));
        }
        steps
    }

    /// Looks a single name up from a place: generic parameters and items
    /// and `use`s of enclosing functions, then the module's table, then the
    /// extern prelude.
    fn lookup_name(&self, cx: Cx, name: &str, ns: Ns, use_path: bool) -> Vec<Target> {
        let file = &self.files[cx.file as usize];
        let index = &self.index[cx.file as usize];
        let krate = &self.crates[self.modules[cx.module as usize].krate as usize];

        if use_path && krate.edition_2015 {
            let in_root: Vec<Target> = self
                .module_binding(krate.root, name)
                .iter()
                .map(|b| b.target.clone())
                .collect();
            if !in_root.is_empty() {
                return in_root;
            }
            return self.extern_crate(krate, name);
        }

        // Scopes between the place and its module: functions, impls, traits.
        let mut scope = cx.scope;
        while file.syntax.symbols[scope as usize].kind != SymbolKind::Module {
            if matches!(ns, Ns::Type | Ns::Any) {
                for &g in index
                    .generics_by_owner
                    .get(&scope)
                    .map_or(&[][..], Vec::as_slice)
                {
                    if file.facts.generics[g as usize].name == name {
                        return vec![Target::Generic(cx.file, g)];
                    }
                }
            }
            let mut found = Vec::new();
            if is_block_scope(file.syntax.symbols[scope as usize].kind) {
                for &child in self.children_named(cx.file, scope, name) {
                    found.push(Target::Sym(cx.file, child));
                }
                let local_cx = Cx { scope, ..cx };
                for &use_idx in index
                    .uses_by_scope
                    .get(&scope)
                    .map_or(&[][..], Vec::as_slice)
                {
                    let entry = &file.facts.uses[use_idx as usize];
                    if entry.glob {
                        for target in self.resolve_block_use(local_cx, use_idx, entry) {
                            match target {
                                Target::Module(m) => {
                                    found.extend(
                                        self.module_binding(m, name)
                                            .iter()
                                            .map(|b| b.target.clone()),
                                    );
                                }
                                Target::Sym(f, s) if self.has_variant(f, s, name) => {
                                    found.push(Target::Variant(f, s))
                                }
                                _ => {}
                            }
                        }
                    } else if bound_name(entry) == Some(name) {
                        found.extend(self.resolve_block_use(local_cx, use_idx, entry));
                    }
                }
            }
            if !filter_ns(self, found.clone(), ns).is_empty() {
                return found;
            }
            scope = file.syntax.symbols[scope as usize].parent.unwrap_or(0);
        }

        let in_module: Vec<Target> = self
            .module_binding(cx.module, name)
            .iter()
            .map(|b| b.target.clone())
            .collect();
        if !filter_ns(self, in_module.clone(), ns).is_empty() {
            return in_module;
        }
        let externs = self.extern_crate(krate, name);
        if !externs.is_empty() {
            return externs;
        }
        in_module
    }

    fn extern_crate(&self, krate: &Crate, name: &str) -> Vec<Target> {
        match krate.externs.get(name) {
            Some(&dep) => vec![Target::Module(self.crates[dep as usize].root)],
            None => Vec::new(),
        }
    }

    /// What `target::name` stands for.
    pub(super) fn member(&self, target: &Target, name: &str) -> Vec<Target> {
        match target {
            Target::Module(m) => self
                .module_binding(*m, name)
                .iter()
                .map(|b| b.target.clone())
                .collect(),
            Target::Sym(f, s) => match self.kind_of(*f, *s) {
                SymbolKind::Enum if self.has_variant(*f, *s, name) => vec![Target::Variant(*f, *s)],
                SymbolKind::Enum | SymbolKind::Struct => self
                    .assoc_items(*f, *s, name)
                    .into_iter()
                    .map(|(f, s)| Target::Sym(f, s))
                    .collect(),
                SymbolKind::Trait => self
                    .trait_items(*f, *s, name)
                    .into_iter()
                    .map(|(f, s)| Target::Sym(f, s))
                    .collect(),
                SymbolKind::TypeAlias => {
                    let ty = self.resolve_alias(*f, *s);
                    self.members_of_type(&ty, name)
                }
                _ => Vec::new(),
            },
            Target::Generic(f, g) => {
                let mut out = Vec::new();
                for (tf, ts) in self.generic_bounds(*f, *g) {
                    out.extend(
                        self.trait_items(tf, ts, name)
                            .into_iter()
                            .map(|(f, s)| Target::Sym(f, s)),
                    );
                }
                out
            }
            Target::Variant(..) => Vec::new(),
        }
    }

    /// Associated items of a type definition: inherent impls first, then
    /// trait impls, then default items of the implemented traits.
    pub(super) fn assoc_items(&self, file: u32, sym: u32, name: &str) -> Vec<(u32, u32)> {
        if self.building_impls.get() {
            return Vec::new();
        }
        let impls: Vec<(u32, u32)> = self
            .impls_of_type
            .get(&(file, sym))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&(impl_file, _)| self.sees(impl_file))
            .collect();
        let mut inherent = Vec::new();
        let mut from_traits = Vec::new();
        for &(impl_file, impl_sym) in &impls {
            let is_trait_impl = self.index[impl_file as usize]
                .impl_header
                .get(&impl_sym)
                .is_some_and(|&h| {
                    self.files[impl_file as usize].facts.impls[h as usize]
                        .trait_path
                        .is_some()
                });
            for &child in self.children_named(impl_file, impl_sym, name) {
                if !is_trait_impl {
                    inherent.push((impl_file, child));
                } else if self.kind_of(impl_file, child) == SymbolKind::TypeAlias {
                    // `Self::Output` names the trait's associated type, as
                    // rustc resolves it; a trait outside the repository
                    // gives nothing.
                    if let Some(&(tf, ts)) = self.impl_trait.get(&(impl_file, impl_sym)) {
                        from_traits
                            .extend(self.children_named(tf, ts, name).iter().map(|&c| (tf, c)));
                    }
                } else {
                    from_traits.push((impl_file, child));
                }
            }
        }
        if !inherent.is_empty() {
            return inherent;
        }
        if !from_traits.is_empty() {
            return from_traits;
        }
        let mut defaults = Vec::new();
        for key in &impls {
            if let Some(&(tf, ts)) = self.impl_trait.get(key) {
                for item in self.trait_items(tf, ts, name) {
                    if !defaults.contains(&item) {
                        defaults.push(item);
                    }
                }
            }
        }
        defaults
    }

    /// Items of a trait named `name`, searching supertraits when the trait
    /// itself has none.
    pub(super) fn trait_items(&self, file: u32, sym: u32, name: &str) -> Vec<(u32, u32)> {
        let mut queue = vec![(file, sym)];
        let mut seen: FxHashSet<(u32, u32)> = FxHashSet::default();
        let mut out = Vec::new();
        while let Some((f, s)) = queue.pop() {
            if !seen.insert((f, s)) || seen.len() > 16 {
                continue;
            }
            let found: Vec<(u32, u32)> = self
                .children_named(f, s, name)
                .iter()
                .map(|&c| (f, c))
                .collect();
            if !found.is_empty() {
                out.extend(found);
                continue;
            }
            queue.extend(self.supertraits(f, s));
        }
        out
    }

    pub(super) fn supertraits(&self, file: u32, sym: u32) -> Vec<(u32, u32)> {
        let Some(&idx) = self.index[file as usize].supertraits.get(&sym) else {
            return Vec::new();
        };
        let Some(cx) = self.cx_of(file, sym) else {
            return Vec::new();
        };
        let parent_cx = Cx {
            scope: self.files[file as usize].syntax.symbols[sym as usize]
                .parent
                .unwrap_or(0),
            ..cx
        };
        self.files[file as usize].facts.supertraits[idx as usize]
            .1
            .iter()
            .filter_map(|path| self.resolve_trait_path(parent_cx, path))
            .collect()
    }

    /// The traits that bound a generic parameter.
    pub(super) fn generic_bounds(&self, file: u32, generic: u32) -> Vec<(u32, u32)> {
        let param = &self.files[file as usize].facts.generics[generic as usize];
        let Some(cx) = self.cx_of(file, param.owner) else {
            return Vec::new();
        };
        param
            .bounds
            .iter()
            .filter_map(|path| self.resolve_trait_path(cx, path))
            .collect()
    }

    pub(super) fn resolve_trait_path(&self, cx: Cx, path: &[String]) -> Option<(u32, u32)> {
        let steps = self.resolve_steps(cx, path, None, Ns::Type, false);
        let (seg, targets) = steps.last()?;
        if seg + 1 != path.len() {
            return None;
        }
        targets.iter().find_map(|t| match t {
            Target::Sym(f, s) if self.kind_of(*f, *s) == SymbolKind::Trait => Some((*f, *s)),
            _ => None,
        })
    }

    /// `Self` inside an impl (its self type) or a trait (the trait).
    fn self_targets(&self, cx: Cx) -> Vec<Target> {
        let symbols = &self.files[cx.file as usize].syntax.symbols;
        let mut scope = cx.scope;
        loop {
            match symbols[scope as usize].kind {
                SymbolKind::Impl => {
                    return self
                        .impl_self
                        .get(&(cx.file, scope))
                        .map(|&(f, s)| Target::Sym(f, s))
                        .into_iter()
                        .collect();
                }
                SymbolKind::Trait => return vec![Target::Sym(cx.file, scope)],
                SymbolKind::Module if scope == 0 || symbols[scope as usize].parent.is_none() => {
                    return Vec::new();
                }
                _ => {}
            }
            match symbols[scope as usize].parent {
                Some(parent) => scope = parent,
                None => return Vec::new(),
            }
        }
    }

    /// Returns the children of a symbol, impls left out, whose short name
    /// without a trailing `!` is `name`.
    pub(super) fn children_named(&self, file: u32, sym: u32, name: &str) -> &[u32] {
        self.index[file as usize]
            .children_by_name
            .get(&sym)
            .and_then(|by_name| by_name.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The first line of a symbol's span.
    fn line_of(&self, (file, sym): (u32, u32)) -> u32 {
        self.files[file as usize].syntax.symbols[sym as usize]
            .span
            .start_line
    }

    pub(super) fn kind_of(&self, file: u32, sym: u32) -> SymbolKind {
        self.files[file as usize].syntax.symbols[sym as usize].kind
    }

    /// Returns true when the viewer's package (see `Resolver::viewer`) can
    /// name the items of `file`.
    pub(super) fn sees(&self, file: u32) -> bool {
        self.packages
            .names(self.viewer.get(), self.packages.of_file[file as usize])
    }

    /// Returns the crate a file belongs to in its first context.
    fn crate_of_file(&self, file: u32) -> Option<u32> {
        let m = *self.file_contexts[file as usize].first()?;
        Some(self.modules[m as usize].krate)
    }

    // ----- Edges -----

    fn resolve_file(&self, file_idx: u32, edges: &mut Vec<LocalEdge>, stats: &mut RustStats) {
        let file = &self.files[file_idx as usize];
        self.viewer.set(self.packages.of_file[file_idx as usize]);
        let contexts = self.file_contexts[file_idx as usize].clone();
        for (ctx_idx, &context) in contexts.iter().enumerate() {
            let first = ctx_idx == 0;
            let cx_at = |scope: u32| Cx {
                file: file_idx,
                module: self.module_of(file_idx, context, scope),
                scope,
            };

            // `mod name;` loads the child module's files.
            for decl in &file.facts.mods {
                let module = self.module_of(file_idx, context, decl.scope);
                let Some(&child) = self.modules[module as usize].children.get(&decl.name) else {
                    continue;
                };
                for &(child_file, child_sym) in &self.modules[child as usize].bodies {
                    if child_sym == 0 {
                        push_exact(
                            edges,
                            (file_idx, decl.scope),
                            (child_file, 0),
                            EdgeKind::Import,
                            decl.line,
                        );
                    }
                }
            }

            // `use` declarations.
            for entry in &file.facts.uses {
                self.use_edges(cx_at(entry.scope), entry, edges);
            }

            // Paths.
            for reference in &file.facts.refs {
                let cx = cx_at(reference.scope);
                self.path_edges(cx, reference, edges);
            }

            // Method calls and field reads.
            for call in &file.facts.method_calls {
                let cx = cx_at(call.scope);
                self.method_call_edges(
                    cx,
                    call,
                    edges,
                    if first { Some(&mut *stats) } else { None },
                );
            }
            for read in &file.facts.field_reads {
                let cx = cx_at(read.scope);
                self.field_read_edges(cx, read, edges);
            }
        }

        // Impl headers: the type implements the trait, and the trait's items
        // dispatch to the impl's.
        for header in &file.facts.impls {
            let key = (file_idx, header.symbol);
            let Some(&(tf, ts)) = self.impl_trait.get(&key) else {
                continue;
            };
            let impl_line = file.syntax.symbols[header.symbol as usize].span.start_line;
            push_exact(edges, key, (tf, ts), EdgeKind::Inherit, impl_line);
            if let Some(&self_def) = self.impl_self.get(&key) {
                push_exact(
                    edges,
                    self_def,
                    (tf, ts),
                    EdgeKind::Inherit,
                    self.line_of(self_def),
                );
            }
            for &child in &self.index[file_idx as usize].children[header.symbol as usize] {
                let name = short_name(&file.syntax.symbols[child as usize]);
                for &declared in self.children_named(tf, ts, name) {
                    push_exact(
                        edges,
                        (tf, declared),
                        (file_idx, child),
                        EdgeKind::Override,
                        self.line_of((tf, declared)),
                    );
                }
            }
        }
    }

    fn use_edges(&self, cx: Cx, entry: &UseEntry, edges: &mut Vec<LocalEdge>) {
        let source = (cx.file, entry.scope);
        let line = entry.line;
        let kind = if entry.public {
            EdgeKind::ReExport
        } else {
            EdgeKind::Import
        };
        let steps = self.resolve_steps(cx, &entry.path, None, Ns::Any, true);
        let complete = steps
            .last()
            .is_some_and(|(seg, _)| seg + 1 == entry.path.len());
        for (seg, targets) in &steps {
            if is_path_keyword(&entry.path[*seg]) {
                continue;
            }
            for target in targets {
                if !self.is_crate_name_step(cx, &entry.path, *seg, target) {
                    self.push_target(edges, source, target, kind, line);
                }
            }
        }
        // A public glob re-exports every visible item of the module.
        if entry.glob
            && entry.public
            && complete
            && let Some((_, targets)) = steps.last()
        {
            for target in targets {
                let Target::Module(m) = target else { continue };
                for &(body_file, body_sym) in &self.modules[*m as usize].bodies {
                    let symbols = &self.files[body_file as usize].syntax.symbols;
                    for &child in &self.index[body_file as usize].children[body_sym as usize] {
                        let sym = &symbols[child as usize];
                        if sym.public && sym.kind != SymbolKind::Impl {
                            push_exact(
                                edges,
                                source,
                                (body_file, child),
                                EdgeKind::ReExport,
                                entry.line,
                            );
                        }
                    }
                }
            }
        }
    }

    fn path_edges(&self, cx: Cx, reference: &super::PathRef, edges: &mut Vec<LocalEdge>) {
        let path = &reference.path;
        // A local variable shadows every item of that name.
        if reference.qself.is_none()
            && path.len() == 1
            && matches!(reference.kind, RefKind::Value | RefKind::Call)
            && self.binding_for(cx, &path[0], reference.byte).is_some()
        {
            return;
        }
        let source = (cx.file, reference.scope);
        let line = reference.line;
        if reference.qself.is_none() {
            for (body, use_line) in self.import_lines(cx, &path[0]) {
                if body != reference.scope {
                    push_exact(edges, source, (cx.file, body), EdgeKind::Scope, use_line);
                }
            }
        }
        if reference.kind == RefKind::Macro {
            for target in self.resolve_macro(cx, path) {
                push_exact(edges, source, target, EdgeKind::Call, reference.line);
            }
            return;
        }
        let ns = match reference.kind {
            RefKind::Call | RefKind::Value => Ns::Value,
            RefKind::Type => Ns::Type,
            RefKind::Pattern | RefKind::StructLiteral | RefKind::Macro => Ns::Any,
        };
        let steps = self.resolve_steps(cx, path, reference.qself.as_deref(), ns, false);
        let last = path.len() - 1;
        for (seg, targets) in &steps {
            if is_path_keyword(&path[*seg]) {
                continue;
            }
            let kind = if *seg == last {
                match reference.kind {
                    RefKind::Call | RefKind::Macro => EdgeKind::Call,
                    RefKind::Type => EdgeKind::TypeRef,
                    RefKind::Value | RefKind::Pattern | RefKind::StructLiteral => {
                        EdgeKind::Reference
                    }
                }
            } else {
                EdgeKind::Reference
            };
            for target in targets {
                let self_in_trait = path[*seg] == "Self"
                    && matches!(target, Target::Sym(f, s) if self.kind_of(*f, *s) == SymbolKind::Trait);
                if !self_in_trait && !self.is_crate_name_step(cx, path, *seg, target) {
                    self.push_target(edges, source, target, kind, line);
                }
            }
        }
    }

    /// True for the crate name at the head of `other_crate::item`: the path
    /// depends on the item, not on the other crate's root module.
    fn is_crate_name_step(&self, cx: Cx, path: &[String], seg: usize, target: &Target) -> bool {
        let head = seg == 0 || (seg == 1 && path[0].is_empty());
        let Target::Module(m) = target else {
            return false;
        };
        head && self.modules[*m as usize].parent.is_none()
            && self.modules[*m as usize].krate != self.modules[cx.module as usize].krate
    }

    /// The lines of the module-level `use` declarations in this file that
    /// bind `name` for the place: explicit ones, else the globs it comes
    /// through. Returns (module body symbol, line).
    fn import_lines(&self, cx: Cx, name: &str) -> Vec<(u32, u32)> {
        let name = name.trim_end_matches('!');
        if matches!(name, "" | "crate" | "self" | "super" | "Self" | "$crate") {
            return Vec::new();
        }
        let mut out = Vec::new();
        let module = &self.modules[cx.module as usize];
        let facts = self.files[cx.file as usize].facts;
        let index = &self.index[cx.file as usize];
        let bodies: Vec<u32> = module
            .bodies
            .iter()
            .filter(|(f, _)| *f == cx.file)
            .map(|&(_, s)| s)
            .collect();
        for &body in &bodies {
            for &use_idx in index
                .uses_by_scope
                .get(&body)
                .map_or(&[][..], Vec::as_slice)
            {
                let entry = &facts.uses[use_idx as usize];
                if !entry.glob && bound_name(entry) == Some(name) {
                    out.push((body, entry.line));
                }
            }
        }
        let defined_here = bodies
            .iter()
            .any(|&body| !self.children_named(cx.file, body, name).is_empty());
        if !out.is_empty() || defined_here {
            return out;
        }
        for &body in &bodies {
            let body_cx = Cx { scope: body, ..cx };
            for &use_idx in index
                .uses_by_scope
                .get(&body)
                .map_or(&[][..], Vec::as_slice)
            {
                let entry = &facts.uses[use_idx as usize];
                if !entry.glob {
                    continue;
                }
                let brings = self
                    .resolve_use(body_cx, entry)
                    .iter()
                    .any(|target| match target {
                        Target::Module(m) => !self.module_binding(*m, name).is_empty(),
                        Target::Sym(f, s) => self.has_variant(*f, *s, name),
                        _ => false,
                    });
                if brings {
                    out.push((body, entry.line));
                }
            }
        }
        out
    }

    /// `name!` by textual scope: the enclosing modules, then the crate, then
    /// crates the file can name. `path::name!` through the module tree.
    fn resolve_macro(&self, cx: Cx, path: &[String]) -> Vec<(u32, u32)> {
        let name = path[path.len() - 1].trim_end_matches('!');
        if path.len() > 1 {
            let steps = self.resolve_steps(cx, path, None, Ns::Macro, false);
            if let Some((seg, targets)) = steps.last()
                && seg + 1 == path.len()
            {
                return targets
                    .iter()
                    .filter_map(|t| match t {
                        Target::Sym(f, s) => Some((*f, *s)),
                        _ => None,
                    })
                    .collect();
            }
        }
        let mut module = Some(cx.module);
        while let Some(m) = module {
            let found: Vec<(u32, u32)> = self
                .module_binding(m, name)
                .iter()
                .filter_map(|b| match b.target {
                    Target::Sym(f, s) if self.kind_of(f, s) == SymbolKind::Macro => Some((f, s)),
                    _ => None,
                })
                .collect();
            if !found.is_empty() {
                return found;
            }
            module = self.modules[m as usize].parent;
        }
        // Beyond textual scope: `#[macro_export]` macros and macros of
        // `#[macro_use]` modules.
        let Some(defs) = self.macros_by_name.get(name) else {
            return Vec::new();
        };
        let defs: Vec<(u32, u32)> = defs
            .iter()
            .copied()
            .filter(|&def| self.macro_visible_everywhere(def))
            .collect();
        let own_crate = self.modules[cx.module as usize].krate;
        let in_crate: Vec<(u32, u32)> = defs
            .iter()
            .copied()
            .filter(|&(f, _)| self.crate_of_file(f) == Some(own_crate))
            .collect();
        if !in_crate.is_empty() {
            return in_crate;
        }
        let externs: FxHashSet<u32> = self.crates[own_crate as usize]
            .externs
            .values()
            .copied()
            .collect();
        defs.iter()
            .copied()
            .filter(|&(f, _)| self.crate_of_file(f).is_some_and(|c| externs.contains(&c)))
            .collect()
    }

    /// True for a `#[macro_export]` macro, and for one whose modules up to
    /// the crate root are all declared `#[macro_use]`.
    fn macro_visible_everywhere(&self, (file, sym): (u32, u32)) -> bool {
        if self.files[file as usize].facts.macro_exports.contains(&sym) {
            return true;
        }
        let Some(cx) = self.cx_of(file, sym) else {
            return false;
        };
        let mut module = cx.module;
        while let Some(parent) = self.modules[module as usize].parent {
            if !self.modules[module as usize].macro_use {
                return false;
            }
            module = parent;
        }
        true
    }

    fn method_call_edges(
        &self,
        cx: Cx,
        call: &super::MethodCall,
        edges: &mut Vec<LocalEdge>,
        stats: Option<&mut RustStats>,
    ) {
        let source = (cx.file, call.scope);
        let receiver = self.type_of_value(cx, &call.receiver, call.byte);
        let lookup = self.find_method(&receiver, &call.name);
        let mut counts = RustStats {
            method_calls: 1,
            ..RustStats::default()
        };
        match lookup {
            super::types::MethodLookup::Found(targets) => {
                counts.method_calls_exact = 1;
                for target in targets {
                    push_exact(edges, source, target, EdgeKind::Call, call.line);
                }
            }
            super::types::MethodLookup::External => counts.method_calls_external = 1,
            super::types::MethodLookup::Unknown => {
                if self.push_candidates(edges, source, &call.name, call.line) {
                    counts.method_calls_candidate = 1;
                } else {
                    counts.method_calls_unresolved = 1;
                }
            }
        }
        if let Some(stats) = stats {
            stats.method_calls += counts.method_calls;
            stats.method_calls_exact += counts.method_calls_exact;
            stats.method_calls_external += counts.method_calls_external;
            stats.method_calls_candidate += counts.method_calls_candidate;
            stats.method_calls_unresolved += counts.method_calls_unresolved;
        }
    }

    /// Candidate edges to every method of that name in an impl or trait
    /// of a package the caller's package can name, weighted by their
    /// number. A call outside test code gets none to the methods that only
    /// test code can name, and its weights and the [`MAX_CANDIDATES`] limit
    /// count only the methods it can reach.
    /// Returns false when there are none or too many.
    fn push_candidates(
        &self,
        edges: &mut Vec<LocalEdge>,
        source: (u32, u32),
        name: &str,
        line: u32,
    ) -> bool {
        // NOTE: a test that reaches such a method only through library
        // generics (a test hasher passed to `HashMap`) no longer finds it
        // through this guess, so `blast tests` may not list that test.
        let by_name = if self.is_test_code(source) {
            &self.methods_by_name
        } else {
            &self.non_test_methods_by_name
        };
        let Some(defs) = by_name.get(name) else {
            return false;
        };
        let visible = defs.iter().filter(|&&(file, _)| self.sees(file)).count();
        if visible == 0 || visible > MAX_CANDIDATES {
            return false;
        }
        #[expect(clippy::cast_precision_loss, reason = "at most MAX_CANDIDATES")]
        let weight = 1.0 / visible as f32;
        for &target in defs.iter().filter(|&&(file, _)| self.sees(file)) {
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
        true
    }

    fn field_read_edges(&self, cx: Cx, read: &super::FieldRead, edges: &mut Vec<LocalEdge>) {
        let receiver = self.type_of_value(cx, &read.receiver, read.byte);
        if let super::types::TyRes::Def(f, s) = receiver
            && self.field_decl(f, s, &read.field).is_some()
        {
            push_exact(
                edges,
                (cx.file, read.scope),
                (f, s),
                EdgeKind::Reference,
                read.line,
            );
        }
    }

    fn push_target(
        &self,
        edges: &mut Vec<LocalEdge>,
        source: (u32, u32),
        target: &Target,
        kind: EdgeKind,
        line: u32,
    ) {
        match target {
            Target::Sym(f, s) | Target::Variant(f, s) => {
                push_exact(edges, source, (*f, *s), kind, line)
            }
            Target::Module(m) => {
                for &body in &self.modules[*m as usize].bodies {
                    push_exact(edges, source, body, kind, line);
                }
            }
            Target::Generic(..) => {}
        }
    }
}

/// Builds the per-file lookup tables.
fn index_file(file: &RustFile<'_>) -> FileIndex {
    let facts = file.facts;
    let symbols = &file.syntax.symbols;
    let mut index = FileIndex {
        children: vec![Vec::new(); symbols.len()],
        ..FileIndex::default()
    };
    for (local, sym) in symbols.iter().enumerate().skip(1) {
        let parent = sym.parent.unwrap_or(0);
        index.children[parent as usize].push(to_u32(local));
        if sym.kind != SymbolKind::Impl {
            let name = short_name(sym).trim_end_matches('!');
            index
                .children_by_name
                .entry(parent)
                .or_default()
                .entry(name.to_owned())
                .or_default()
                .push(to_u32(local));
        }
    }
    for (idx, entry) in facts.uses.iter().enumerate() {
        index
            .uses_by_scope
            .entry(entry.scope)
            .or_default()
            .push(to_u32(idx));
    }
    for (idx, decl) in facts.mods.iter().enumerate() {
        index
            .mods_by_scope
            .entry(decl.scope)
            .or_default()
            .push(to_u32(idx));
    }
    // A stable sort, so bindings at the same byte stay in fact order.
    let mut by_byte: Vec<usize> = (0..facts.bindings.len()).collect();
    by_byte.sort_by_key(|&idx| facts.bindings[idx].byte);
    for idx in by_byte {
        index
            .bindings_by_name
            .entry(facts.bindings[idx].name.clone())
            .or_default()
            .push(to_u32(idx));
    }
    for (idx, param) in facts.generics.iter().enumerate() {
        index
            .generics_by_owner
            .entry(param.owner)
            .or_default()
            .push(to_u32(idx));
    }
    for (idx, field) in facts.fields.iter().enumerate() {
        index
            .fields_by_owner
            .entry(field.owner)
            .or_default()
            .push(to_u32(idx));
    }
    for (owner, name) in &facts.variants {
        index
            .variants_by_owner
            .entry(*owner)
            .or_default()
            .push(name.clone());
    }
    for (idx, (sym, _)) in facts.returns.iter().enumerate() {
        index.declared_type.insert(*sym, to_u32(idx));
    }
    for (idx, (sym, _)) in facts.aliases.iter().enumerate() {
        index.alias_of.insert(*sym, to_u32(idx));
    }
    for (idx, header) in facts.impls.iter().enumerate() {
        index.impl_header.insert(header.symbol, to_u32(idx));
    }
    for (idx, (sym, _)) in facts.supertraits.iter().enumerate() {
        index.supertraits.insert(*sym, to_u32(idx));
    }
    index.restricted = facts.restricted.iter().copied().collect();
    index
}

/// Keeps the targets that live in the namespace; a path whose segment
/// matches nothing there resolves to nothing.
fn filter_ns(resolver: &Resolver<'_>, targets: Vec<Target>, ns: Ns) -> Vec<Target> {
    if ns == Ns::Any {
        return targets;
    }
    targets
        .into_iter()
        .filter(|target| match target {
            Target::Module(_) | Target::Generic(..) => ns == Ns::Type,
            Target::Variant(..) => ns != Ns::Macro,
            Target::Sym(f, s) => {
                let kind = resolver.kind_of(*f, *s);
                match ns {
                    Ns::Type => matches!(
                        kind,
                        SymbolKind::Struct
                            | SymbolKind::Enum
                            | SymbolKind::Trait
                            | SymbolKind::TypeAlias
                    ),
                    Ns::Value => matches!(
                        kind,
                        SymbolKind::Function
                            | SymbolKind::Method
                            | SymbolKind::Constant
                            | SymbolKind::Static
                            | SymbolKind::Struct
                    ),
                    Ns::Macro => kind == SymbolKind::Macro,
                    Ns::Any => true,
                }
            }
        })
        .collect()
}

/// Symbols whose bodies can hold items and `use` declarations visible
/// only inside them.
fn is_block_scope(kind: SymbolKind) -> bool {
    matches!(
        kind,
        SymbolKind::Function | SymbolKind::Method | SymbolKind::Constant | SymbolKind::Static
    )
}

/// `crate`, `self` and `super` name modules by position; the module they
/// name is no dependency of its own.
fn is_path_keyword(segment: &str) -> bool {
    matches!(segment, "crate" | "self" | "super" | "$crate")
}

/// The name a `use` entry binds, if any.
fn bound_name(entry: &UseEntry) -> Option<&str> {
    match entry.alias.as_deref() {
        Some("_") => None,
        Some(alias) => Some(alias),
        None => {
            let last = entry.path.last()?;
            match last.as_str() {
                "self" => entry.path.iter().rev().nth(1).map(String::as_str),
                "" => None,
                other => Some(other),
            }
        }
    }
}

/// The last `::` segment of a symbol's local name, outside `<..>`.
pub(super) fn short_name(sym: &LocalSymbol) -> &str {
    let name = sym.local_name.as_str();
    let bytes = name.as_bytes();
    let mut depth = 0i32;
    let mut start = 0;
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'<' => depth += 1,
            b'>' => depth -= 1,
            b':' if depth == 0 && bytes.get(idx + 1) == Some(&b':') => {
                start = idx + 2;
                idx += 1;
            }
            _ => {}
        }
        idx += 1;
    }
    &name[start..]
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

pub(super) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
