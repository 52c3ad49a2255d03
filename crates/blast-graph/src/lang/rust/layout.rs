//! Cargo packages and their crate targets, read from `Cargo.toml` files:
//! which file is the root of which crate, under which name, and which
//! extern crate names each target can use.

use rustc_hash::{FxHashMap, FxHashSet};

/// The Cargo manifests of a repository, parsed. Build it with
/// [`RustLayout::from_manifests`]; the default (no manifests) makes every
/// `src/lib.rs` and `src/main.rs` a crate root.
#[derive(Clone, Debug, Default)]
pub struct RustLayout {
    pub packages: Vec<Package>,
    /// `[workspace.dependencies]` entries that rename a package:
    /// dependency key to package name.
    pub workspace_renames: FxHashMap<String, String>,
    /// Manifests that could not be parsed: (path, error message).
    pub errors: Vec<(String, String)>,
}

/// One `[package]`.
#[derive(Clone, Debug, Default)]
pub struct Package {
    /// Directory of the manifest, repository-relative; empty for the root.
    pub dir: String,
    pub name: String,
    /// `2015` when the manifest names none, as Cargo does.
    pub edition: String,
    /// `[lib]`: (crate name, path relative to `dir`) when declared.
    pub lib: Option<(Option<String>, Option<String>)>,
    /// `[[bin]]`, `[[test]]`, `[[example]]`, `[[bench]]`: kind, name, path.
    pub targets: Vec<(TargetKind, Option<String>, Option<String>)>,
    /// Auto-discovery switches: `autobins`, `autotests`, `autoexamples`,
    /// `autobenches`.
    pub auto: [bool; 4],
    /// `build = "..."`, or `None` for the default `build.rs`; `Some("")`
    /// when `build = false`.
    pub build: Option<String>,
    /// Dependencies of every kind: (name used in code, package name,
    /// `path = ".."` relative to `dir`).
    pub dependencies: Vec<Dependency>,
}

#[derive(Clone, Debug, Default)]
pub struct Dependency {
    /// The key in `[dependencies]`; code names it with `-` replaced by `_`.
    pub key: String,
    /// `package = ".."`, when the key renames the package.
    pub package: Option<String>,
    pub path: Option<String>,
    /// `workspace = true`: the package may be renamed in the workspace.
    pub workspace: bool,
    /// From `[dependencies]`, which the package's library can use, rather
    /// than only from `[dev-dependencies]` or `[build-dependencies]`.
    pub normal: bool,
}

/// What kind of crate a target builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    Lib,
    Bin,
    Test,
    Example,
    Bench,
    Build,
}

/// A crate root found in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateTarget {
    /// The crate name as code spells it (`my_crate`).
    pub name: String,
    pub kind: TargetKind,
    /// Repository-relative path of the root file.
    pub root: String,
    /// Index into [`RustLayout::packages`]; `None` for a crate found
    /// without a manifest.
    pub package: Option<usize>,
    /// True for edition 2015, where `use` paths start at the crate root.
    pub edition_2015: bool,
    /// Extern crate names this target can use, with the index of the
    /// target they name in the list [`RustLayout::targets`] returns.
    pub externs: Vec<(String, usize)>,
    /// The targets among `externs` that the package's library can use:
    /// those of normal dependencies, and the package's own library.
    pub normal_externs: Vec<usize>,
}

impl RustLayout {
    /// Parses `Cargo.toml` manifests given as (repository-relative path,
    /// contents). A manifest that fails to parse is recorded in
    /// [`RustLayout::errors`] and skipped.
    pub fn from_manifests(manifests: Vec<(String, String)>) -> RustLayout {
        let mut layout = RustLayout::default();
        for (path, contents) in manifests {
            let table: toml::Table = match toml::from_str(&contents) {
                Ok(table) => table,
                Err(err) => {
                    layout.errors.push((path, err.to_string()));
                    continue;
                }
            };
            let dir = parent_dir(&path).to_owned();
            if let Some(workspace) = table.get("workspace").and_then(|w| w.as_table())
                && let Some(deps) = workspace.get("dependencies").and_then(|d| d.as_table())
            {
                for (key, value) in deps {
                    if let Some(package) = value.get("package").and_then(|p| p.as_str()) {
                        layout
                            .workspace_renames
                            .insert(key.clone(), package.to_owned());
                    }
                }
            }
            if let Some(package) = parse_package(&table, dir) {
                layout.packages.push(package);
            }
        }
        layout.packages.sort_by(|a, b| a.dir.cmp(&b.dir));
        layout
    }

    /// Lists the crate targets that exist among `files` (repository-relative
    /// `.rs` paths): declared and auto-discovered targets of every package,
    /// then, for files outside every package, `src/lib.rs` and `src/main.rs`
    /// of any folder. Libraries come first.
    pub fn targets(&self, files: &[&str]) -> Vec<CrateTarget> {
        let existing: FxHashSet<&str> = files.iter().copied().collect();
        let mut targets: Vec<CrateTarget> = Vec::new();
        for (idx, package) in self.packages.iter().enumerate() {
            package_targets(idx, package, files, &existing, &mut targets);
        }

        // Crates without a manifest: `src/lib.rs` and `src/main.rs` outside
        // every package folder, named after the folder above `src`.
        for &file in files {
            let Some(dir) = file
                .strip_suffix("src/lib.rs")
                .or_else(|| file.strip_suffix("src/main.rs"))
            else {
                continue;
            };
            if !dir.is_empty() && !dir.ends_with('/') {
                continue;
            }
            if self.packages.iter().any(|p| is_within(file, &p.dir)) {
                continue;
            }
            let folder = dir.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            let name = if folder.is_empty() {
                "crate".to_owned()
            } else {
                crate_name(folder)
            };
            let kind = if file.ends_with("lib.rs") {
                TargetKind::Lib
            } else {
                TargetKind::Bin
            };
            targets.push(CrateTarget {
                name,
                kind,
                root: file.to_owned(),
                package: None,
                edition_2015: false,
                externs: Vec::new(),
                normal_externs: Vec::new(),
            });
        }
        targets.sort_by(|a, b| {
            (a.kind != TargetKind::Lib, &a.root).cmp(&(b.kind != TargetKind::Lib, &b.root))
        });
        targets.dedup_by(|a, b| a.root == b.root && a.name == b.name);
        self.link_externs(&mut targets);
        targets
    }

    /// Fills each target's extern crate names: the dependencies that are
    /// packages in the repository, and the package's own library for its
    /// other targets.
    fn link_externs(&self, targets: &mut [CrateTarget]) {
        let mut lib_of_package: FxHashMap<usize, usize> = FxHashMap::default();
        let mut lib_of_folder: FxHashMap<String, usize> = FxHashMap::default();
        for (idx, target) in targets.iter().enumerate() {
            if target.kind != TargetKind::Lib {
                continue;
            }
            match target.package {
                Some(p) => {
                    lib_of_package.insert(p, idx);
                }
                None => {
                    let folder = target
                        .root
                        .strip_suffix("src/lib.rs")
                        .unwrap_or("")
                        .to_owned();
                    lib_of_folder.insert(folder, idx);
                }
            }
        }
        let package_by_name: FxHashMap<&str, usize> = self
            .packages
            .iter()
            .enumerate()
            .map(|(idx, p)| (p.name.as_str(), idx))
            .collect();
        let package_by_dir: FxHashMap<&str, usize> = self
            .packages
            .iter()
            .enumerate()
            .map(|(idx, p)| (p.dir.as_str(), idx))
            .collect();

        for idx in 0..targets.len() {
            let mut externs: Vec<(String, usize)> = Vec::new();
            let mut normal_externs: Vec<usize> = Vec::new();
            match targets[idx].package {
                Some(p) => {
                    let package = &self.packages[p];
                    if targets[idx].kind != TargetKind::Lib
                        && let Some(&lib) = lib_of_package.get(&p)
                    {
                        externs.push((targets[lib].name.clone(), lib));
                        normal_externs.push(lib);
                    }
                    for dep in &package.dependencies {
                        let by_path = dep.path.as_ref().and_then(|path| {
                            package_by_dir.get(normalize_path(&join(&package.dir, path)).as_str())
                        });
                        let package_name = dep
                            .package
                            .clone()
                            .or_else(|| {
                                dep.workspace
                                    .then(|| self.workspace_renames.get(&dep.key).cloned())
                                    .flatten()
                            })
                            .unwrap_or_else(|| dep.key.clone());
                        let Some(&dep_package) =
                            by_path.or_else(|| package_by_name.get(package_name.as_str()))
                        else {
                            continue;
                        };
                        if let Some(&lib) = lib_of_package.get(&dep_package) {
                            externs.push((crate_name(&dep.key), lib));
                            if dep.normal {
                                normal_externs.push(lib);
                            }
                        }
                    }
                }
                None if targets[idx].kind != TargetKind::Lib => {
                    let folder = targets[idx].root.strip_suffix("src/main.rs").unwrap_or("");
                    if let Some(&lib) = lib_of_folder.get(folder) {
                        externs.push((targets[lib].name.clone(), lib));
                        normal_externs.push(lib);
                    }
                }
                None => {}
            }
            externs.sort();
            externs.dedup();
            normal_externs.sort_unstable();
            normal_externs.dedup();
            targets[idx].externs = externs;
            targets[idx].normal_externs = normal_externs;
        }
    }
}

/// The package folder that contains each file, and the packages whose items
/// each package can name: itself, the dependencies of its targets, and the
/// normal dependencies of those, transitively. A file is in the package with the
/// deepest folder above it, whichever crate loads it.
///
/// The resolver looks up impls and candidate methods only in the packages
/// a file's package can name, as rustc does, and the diff's prefilter
/// leaves out the packages that cannot name a changed one.
#[derive(Clone, Debug, Default)]
pub struct PackageReach {
    /// Per file, in the order given, the index of its package.
    pub of_file: Vec<Option<u32>>,
    /// Per package, the packages it can name, as a bit set.
    reach: Vec<Vec<u64>>,
    /// Targets whose root file is outside their own package's folder.
    pub roots_elsewhere: usize,
}

impl PackageReach {
    /// Finds the package of each of `files` and follows the extern crates
    /// of `targets` (from [`RustLayout::targets`] on the same files).
    pub fn new(layout: &RustLayout, files: &[&str], targets: &[CrateTarget]) -> PackageReach {
        let count = layout.packages.len();
        let by_dir: FxHashMap<&str, u32> = layout
            .packages
            .iter()
            .enumerate()
            .map(|(idx, p)| (p.dir.as_str(), u32::try_from(idx).unwrap_or(u32::MAX)))
            .collect();
        let package_of = |path: &str| -> Option<u32> {
            let mut dir = parent_dir(path);
            loop {
                if let Some(&idx) = by_dir.get(dir) {
                    return Some(idx);
                }
                if dir.is_empty() {
                    return None;
                }
                dir = parent_dir(dir);
            }
        };

        let of_file: Vec<Option<u32>> = files.iter().map(|f| package_of(f)).collect();
        let of_target: Vec<Option<u32>> = targets.iter().map(|t| package_of(&t.root)).collect();
        let roots_elsewhere = targets
            .iter()
            .zip(&of_target)
            .filter(|(t, of)| t.package != of.and_then(|o| usize::try_from(o).ok()))
            .count();

        // The packages each package names directly, and those its library
        // names directly. A dev- or build-dependency is usable only by the
        // package's tests, examples, benches or build script, so past the
        // package that declares it, only normal dependencies are followed.
        // That is what Cargo builds, and it keeps a dev-dependency that
        // depends back on its user from joining the two.
        let mut names: Vec<Vec<u32>> = vec![Vec::new(); count];
        let mut library_names: Vec<Vec<u32>> = vec![Vec::new(); count];
        for (target, from) in targets.iter().zip(&of_target) {
            let Some(from) = *from else { continue };
            for &(_, dep) in &target.externs {
                if let Some(to) = of_target[dep] {
                    names[from as usize].push(to);
                }
            }
            for &dep in &target.normal_externs {
                if let Some(to) = of_target[dep] {
                    library_names[from as usize].push(to);
                }
            }
        }
        let words = count.div_ceil(64);
        let mut reach = vec![vec![0u64; words]; count];
        for (start, row) in reach.iter_mut().enumerate() {
            row[start / 64] |= 1u64 << (start % 64);
            let mut stack = names[start].clone();
            while let Some(p) = stack.pop() {
                let (word, bit) = (p as usize / 64, 1u64 << (p % 64));
                if row[word] & bit != 0 {
                    continue;
                }
                row[word] |= bit;
                stack.extend(library_names[p as usize].iter().copied());
            }
        }
        PackageReach {
            of_file,
            reach,
            roots_elsewhere,
        }
    }

    /// True when code of package `from` can name items of package `to`.
    /// Code outside every package, and items outside every package, are
    /// not bounded.
    pub fn names(&self, from: Option<u32>, to: Option<u32>) -> bool {
        match (from, to) {
            (Some(from), Some(to)) => {
                self.reach[from as usize][to as usize / 64] & (1u64 << (to % 64)) != 0
            }
            _ => true,
        }
    }

    /// Lists the packages that can name one of `targets`.
    pub fn naming(&self, targets: &[u32]) -> Vec<u32> {
        (0..self.reach.len())
            .filter_map(|p| u32::try_from(p).ok())
            .filter(|&p| targets.iter().any(|&t| self.names(Some(p), Some(t))))
            .collect()
    }

    /// Returns, per package, whether one of `from` can name it.
    pub fn named_by(&self, from: &[u32]) -> Vec<bool> {
        let words = self.reach.len().div_ceil(64);
        let mut union = vec![0u64; words];
        for &p in from {
            for (word, row) in union.iter_mut().zip(&self.reach[p as usize]) {
                *word |= row;
            }
        }
        (0..self.reach.len())
            .map(|p| union[p / 64] & (1u64 << (p % 64)) != 0)
            .collect()
    }
}

fn parse_package(table: &toml::Table, dir: String) -> Option<Package> {
    let package_table = table.get("package")?.as_table()?;
    let name = package_table.get("name")?.as_str()?.to_owned();
    let edition = package_table
        .get("edition")
        .and_then(|e| e.as_str())
        .unwrap_or("2015")
        .to_owned();
    let flag = |key: &str| {
        package_table
            .get(key)
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
    };
    let auto = [
        flag("autobins"),
        flag("autotests"),
        flag("autoexamples"),
        flag("autobenches"),
    ];
    let build = match package_table.get("build") {
        Some(toml::Value::String(path)) => Some(path.clone()),
        Some(toml::Value::Boolean(false)) => Some(String::new()),
        _ => None,
    };

    let lib = table.get("lib").and_then(|l| l.as_table()).map(|lib| {
        (
            lib.get("name").and_then(|n| n.as_str()).map(str::to_owned),
            lib.get("path").and_then(|p| p.as_str()).map(str::to_owned),
        )
    });
    let mut targets = Vec::new();
    for (key, kind) in [
        ("bin", TargetKind::Bin),
        ("test", TargetKind::Test),
        ("example", TargetKind::Example),
        ("bench", TargetKind::Bench),
    ] {
        let Some(list) = table.get(key).and_then(|t| t.as_array()) else {
            continue;
        };
        for entry in list.iter().filter_map(|e| e.as_table()) {
            let name = entry
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned);
            let path = entry
                .get("path")
                .and_then(|p| p.as_str())
                .map(str::to_owned);
            targets.push((kind, name, path));
        }
    }

    let mut dependencies = Vec::new();
    // Each table, with true for normal dependencies.
    let mut dep_tables: Vec<(&toml::Table, bool)> = Vec::new();
    for (key, normal) in [
        ("dependencies", true),
        ("dev-dependencies", false),
        ("dev_dependencies", false),
        ("build-dependencies", false),
        ("build_dependencies", false),
    ] {
        dep_tables.extend(
            table
                .get(key)
                .and_then(|d| d.as_table())
                .map(|d| (d, normal)),
        );
    }
    if let Some(target_table) = table.get("target").and_then(|t| t.as_table()) {
        for cfg in target_table.values().filter_map(|v| v.as_table()) {
            for (key, normal) in [
                ("dependencies", true),
                ("dev-dependencies", false),
                ("build-dependencies", false),
            ] {
                dep_tables.extend(cfg.get(key).and_then(|d| d.as_table()).map(|d| (d, normal)));
            }
        }
    }
    for (deps, normal) in dep_tables {
        for (key, value) in deps {
            let detail = value.as_table();
            dependencies.push(Dependency {
                key: key.clone(),
                package: detail
                    .and_then(|d| d.get("package"))
                    .and_then(|p| p.as_str())
                    .map(str::to_owned),
                path: detail
                    .and_then(|d| d.get("path"))
                    .and_then(|p| p.as_str())
                    .map(str::to_owned),
                workspace: detail
                    .and_then(|d| d.get("workspace"))
                    .and_then(|w| w.as_bool())
                    .unwrap_or(false),
                normal,
            });
        }
    }

    Some(Package {
        dir,
        name,
        edition,
        lib,
        targets,
        auto,
        build,
        dependencies,
    })
}

/// Adds the declared and auto-discovered targets of one package whose
/// root files exist.
fn package_targets(
    idx: usize,
    package: &Package,
    files: &[&str],
    existing: &FxHashSet<&str>,
    out: &mut Vec<CrateTarget>,
) {
    let edition_2015 = package.edition == "2015";
    let push = |kind: TargetKind, name: String, root: String, out: &mut Vec<CrateTarget>| {
        if existing.contains(root.as_str()) && !out.iter().any(|t| t.root == root && t.kind == kind)
        {
            out.push(CrateTarget {
                name,
                kind,
                root,
                package: Some(idx),
                edition_2015,
                externs: Vec::new(),
                normal_externs: Vec::new(),
            });
        }
    };
    let in_dir = |relative: &str| normalize_path(&join(&package.dir, relative));
    let default_name = crate_name(&package.name);

    // The library.
    let (lib_name, lib_path) = package.lib.clone().unwrap_or((None, None));
    let lib_root = in_dir(lib_path.as_deref().unwrap_or("src/lib.rs"));
    push(
        TargetKind::Lib,
        lib_name.map_or_else(|| default_name.clone(), |n| crate_name(&n)),
        lib_root,
        out,
    );

    // Declared binaries, tests, examples and benches.
    for (kind, name, path) in &package.targets {
        let folder = match kind {
            TargetKind::Bin => "src/bin",
            TargetKind::Test => "tests",
            TargetKind::Example => "examples",
            TargetKind::Bench => "benches",
            TargetKind::Lib | TargetKind::Build => continue,
        };
        let root = match (path, name) {
            (Some(path), _) => in_dir(path),
            (None, Some(name)) if *kind == TargetKind::Bin && name == &package.name => {
                in_dir("src/main.rs")
            }
            (None, Some(name)) => {
                let flat = in_dir(&format!("{folder}/{name}.rs"));
                if existing.contains(flat.as_str()) {
                    flat
                } else {
                    in_dir(&format!("{folder}/{name}/main.rs"))
                }
            }
            (None, None) => continue,
        };
        let name = name.clone().unwrap_or_else(|| file_stem(&root).to_owned());
        push(*kind, crate_name(&name), root, out);
    }

    // Auto-discovered targets: `src/main.rs`, then `<folder>/*.rs` and
    // `<folder>/*/main.rs`.
    if package.auto[0] {
        push(
            TargetKind::Bin,
            default_name.clone(),
            in_dir("src/main.rs"),
            out,
        );
    }
    for (folder, kind, enabled) in [
        ("src/bin", TargetKind::Bin, package.auto[0]),
        ("tests", TargetKind::Test, package.auto[1]),
        ("examples", TargetKind::Example, package.auto[2]),
        ("benches", TargetKind::Bench, package.auto[3]),
    ] {
        if !enabled {
            continue;
        }
        let base = in_dir(folder);
        for &file in files {
            let Some(rest) = file
                .strip_prefix(base.as_str())
                .and_then(|r| r.strip_prefix('/'))
            else {
                continue;
            };
            let name = match rest.split('/').collect::<Vec<_>>().as_slice() {
                [single] => single.strip_suffix(".rs"),
                [folder_name, "main.rs"] => Some(*folder_name),
                _ => None,
            };
            if let Some(name) = name {
                push(kind, crate_name(name), file.to_owned(), out);
            }
        }
    }

    // The build script.
    match package.build.as_deref() {
        Some("") => {}
        Some(path) => push(
            TargetKind::Build,
            "build_script_build".to_owned(),
            in_dir(path),
            out,
        ),
        None => push(
            TargetKind::Build,
            "build_script_build".to_owned(),
            in_dir("build.rs"),
            out,
        ),
    }
}

/// The name code uses for a crate: `-` becomes `_`.
pub(crate) fn crate_name(name: &str) -> String {
    name.replace('-', "_")
}

/// True when `path` lies inside `dir` (the empty `dir` is the root).
pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

pub(crate) fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

pub(crate) fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".rs").unwrap_or(name)
}

pub(crate) fn join(dir: &str, relative: &str) -> String {
    if dir.is_empty() {
        relative.to_owned()
    } else {
        format!("{dir}/{relative}")
    }
}

/// Resolves `.` and `..` segments; a `..` above the root is kept, so the
/// path matches no repository file.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}
