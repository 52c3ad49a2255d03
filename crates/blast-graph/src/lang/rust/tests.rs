//! Rust extraction and resolution on small multi-file fixtures. A fixture
//! is one string with `// file: PATH` lines starting each file; files named
//! `Cargo.toml` become the layout's manifests.

use std::sync::Arc;

use super::{PackageReach, RustLayout};
use crate::{EdgeKind, ExtractOptions, Graph, GraphOptions, Resolution, SourceFile, extract_all};

fn build(fixture: &str) -> Graph {
    let mut files: Vec<SourceFile> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("// file: ") {
            files.push(SourceFile {
                path: path.trim().to_owned(),
                bytes: Vec::new(),
            });
        } else if let Some(file) = files.last_mut() {
            file.bytes.extend_from_slice(line.as_bytes());
            file.bytes.push(b'\n');
        }
    }
    let (manifests, sources): (Vec<SourceFile>, Vec<SourceFile>) = files
        .into_iter()
        .partition(|f| f.path.ends_with("Cargo.toml"));
    let manifests = manifests
        .into_iter()
        .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
        .collect();
    let extracted: Vec<_> = extract_all(&sources, &ExtractOptions::default())
        .into_iter()
        .map(Arc::new)
        .collect();
    let options = GraphOptions {
        rust: RustLayout::from_manifests(manifests),
        ..GraphOptions::default()
    };
    Graph::build(&extracted, &options)
}

/// Edges as `source -> target (kind)`, exact ones only.
fn exact_edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .filter(|e| e.resolution == Resolution::Exact)
        .map(|e| {
            format!(
                "{} -> {} ({})",
                graph.symbols[e.source as usize].name,
                graph.symbols[e.target as usize].name,
                e.kind
            )
        })
        .collect()
}

/// Candidate edges as `source -> target weight`.
fn candidate_edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .filter(|e| e.resolution == Resolution::Candidate)
        .map(|e| {
            format!(
                "{} -> {} {}",
                graph.symbols[e.source as usize].name,
                graph.symbols[e.target as usize].name,
                e.weight
            )
        })
        .collect()
}

/// Collects the names of every symbol that depends on `name`, transitively,
/// through edges that propagate.
fn dependents(graph: &Graph, name: &str) -> Vec<String> {
    let start: Vec<u32> = graph
        .symbols
        .iter()
        .enumerate()
        .filter(|(_, s)| s.name == name)
        .map(|(idx, _)| idx as u32)
        .collect();
    assert!(!start.is_empty(), "no symbol named {name}");
    let mut seen: Vec<u32> = start.clone();
    let mut queue = start;
    while let Some(symbol) = queue.pop() {
        for edge in graph.dependents(symbol) {
            if edge.kind.propagates() && !seen.contains(&edge.source) {
                seen.push(edge.source);
                queue.push(edge.source);
            }
        }
    }
    seen.iter()
        .map(|&id| graph.symbols[id as usize].name.clone())
        .collect()
}

fn symbol_names(graph: &Graph) -> Vec<String> {
    graph
        .symbols
        .iter()
        .map(|s| format!("{} ({})", s.name, s.kind))
        .collect()
}

#[track_caller]
fn assert_has(edges: &[String], expected: &str) {
    assert!(
        edges.iter().any(|e| e == expected),
        "missing `{expected}` in:\n{}",
        edges.join("\n")
    );
}

#[track_caller]
fn assert_lacks(edges: &[String], unexpected: &str) {
    assert!(
        !edges.iter().any(|e| e == unexpected),
        "unexpected `{unexpected}` in:\n{}",
        edges.join("\n")
    );
}

const CASE_016: &str = r#"
// file: Cargo.toml
[package]
name = "reexp"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
mod engine;
pub mod api;
pub use engine::core::Runner;
pub use engine::util::*;
use engine::core::Runner as Exec;

pub fn start() -> u32 {
    Exec::new().go()
}
// file: src/api.rs
use crate::helper;
use crate::Runner;

pub fn call_api() -> u32 {
    Runner::new().go() + helper()
}

pub fn via_self() -> u32 {
    self::inner::deep()
}

mod inner {
    pub fn deep() -> u32 {
        super::super::other()
    }
}
// file: src/engine/mod.rs
pub mod core;
pub mod util;
// file: src/engine/core.rs
pub struct Runner;

impl Runner {
    pub fn new() -> Self {
        Runner
    }

    pub fn go(&self) -> u32 {
        crate::engine::util::helper() + 1
    }
}
// file: src/engine/util.rs
pub fn helper() -> u32 {
    2
}

pub fn other() -> u32 {
    3
}

pub fn unused_util() -> u32 {
    4
}
"#;

#[test]
fn case_016_reexports_aliases_globs() {
    let graph = build(CASE_016);
    let edges = exact_edges(&graph);
    assert_has(&edges, "reexp -> reexp::engine::core::Runner (re_export)");
    assert_has(&edges, "reexp -> reexp::engine::util::helper (re_export)");
    assert_has(
        &edges,
        "reexp::start -> reexp::engine::core::Runner::go (call)",
    );
    assert_has(
        &edges,
        "reexp::start -> reexp::engine::core::Runner::new (call)",
    );
    assert_has(
        &edges,
        "reexp::api::call_api -> reexp::engine::util::helper (call)",
    );
    assert_has(
        &edges,
        "reexp::api::call_api -> reexp::engine::core::Runner::go (call)",
    );
    assert_has(
        &edges,
        "reexp::api::inner::deep -> reexp::engine::util::other (call)",
    );
    assert_has(
        &edges,
        "reexp::api::via_self -> reexp::api::inner::deep (call)",
    );
    assert_has(
        &edges,
        "reexp::engine::core::Runner::go -> reexp::engine::util::helper (call)",
    );

    let affected = dependents(&graph, "reexp::engine::util::helper");
    for name in [
        "reexp::engine::core::Runner::go",
        "reexp::start",
        "reexp::api::call_api",
    ] {
        assert!(
            affected.contains(&name.to_owned()),
            "{name} not affected: {affected:?}"
        );
    }
    let affected = dependents(&graph, "reexp::engine::util::other");
    assert!(
        affected.contains(&"reexp::api::inner::deep".to_owned()),
        "{affected:?}"
    );
    assert!(
        affected.contains(&"reexp::api::via_self".to_owned()),
        "{affected:?}"
    );
    let affected = dependents(&graph, "reexp::engine::util::unused_util");
    assert_eq!(
        affected,
        vec!["reexp::engine::util::unused_util".to_owned()]
    );
}

const CASE_017: &str = r#"
// file: Cargo.toml
[package]
name = "dispatch"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
pub mod ext;
pub mod model;
pub mod source;
pub mod users;
// file: src/ext.rs
use crate::model::Store;

impl Store {
    pub fn doubled(&self) -> usize {
        self.base() * 2
    }
}
// file: src/model.rs
pub struct Store {
    pub n: usize,
}

impl Store {
    pub fn base(&self) -> usize {
        self.n
    }
}
// file: src/source.rs
pub trait Feed {
    fn pull(&mut self) -> usize;
}

pub struct DiskFeed {
    pub n: usize,
}

impl Feed for DiskFeed {
    fn pull(&mut self) -> usize {
        self.n
    }
}

pub struct ChunkFeed<T> {
    pub inner: T,
}

impl<T> Feed for ChunkFeed<T> {
    fn pull(&mut self) -> usize {
        0
    }
}

impl<'a> Feed for &'a [u8] {
    fn pull(&mut self) -> usize {
        self.len()
    }
}
// file: src/users.rs
use crate::model::Store;
use crate::source::{ChunkFeed, DiskFeed, Feed};

pub fn use_disk(s: &mut DiskFeed) -> usize {
    s.pull()
}

pub fn use_chunk(s: &mut ChunkFeed<u8>) -> usize {
    s.pull()
}

pub fn use_dyn(s: &mut dyn Feed) -> usize {
    s.pull()
}

pub fn use_impl(s: &mut impl Feed) -> usize {
    s.pull()
}

pub fn use_boxed(mut s: Box<dyn Feed>) -> usize {
    s.pull()
}

pub fn use_store(st: &Store) -> usize {
    st.doubled()
}
"#;

#[test]
fn case_017_impls_and_trait_dispatch() {
    let graph = build(CASE_017);
    let names = symbol_names(&graph);
    for expected in [
        "dispatch::source::<ChunkFeed<T> as Feed>::pull (method)",
        "dispatch::source::<DiskFeed as Feed>::pull (method)",
        "dispatch::source::<&[u8] as Feed>::pull (method)",
        "dispatch::source::Feed::pull (method)",
        "dispatch::ext::Store::doubled (method)",
        "dispatch::model::Store::base (method)",
    ] {
        assert!(
            names.contains(&expected.to_owned()),
            "missing {expected} in {names:?}"
        );
    }

    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "dispatch::ext::Store::doubled -> dispatch::model::Store::base (call)",
    );
    assert_has(
        &edges,
        "dispatch::users::use_chunk -> dispatch::source::<ChunkFeed<T> as Feed>::pull (call)",
    );
    assert_has(
        &edges,
        "dispatch::users::use_disk -> dispatch::source::<DiskFeed as Feed>::pull (call)",
    );
    assert_has(
        &edges,
        "dispatch::users::use_dyn -> dispatch::source::Feed::pull (call)",
    );
    assert_has(
        &edges,
        "dispatch::users::use_impl -> dispatch::source::Feed::pull (call)",
    );
    assert_has(
        &edges,
        "dispatch::users::use_boxed -> dispatch::source::Feed::pull (call)",
    );
    assert_has(
        &edges,
        "dispatch::users::use_store -> dispatch::ext::Store::doubled (call)",
    );
    assert_has(
        &edges,
        "dispatch::source::Feed::pull -> dispatch::source::<ChunkFeed<T> as Feed>::pull (override)",
    );
    assert_has(
        &edges,
        "dispatch::source::ChunkFeed -> dispatch::source::Feed (inherit)",
    );
    assert_has(
        &edges,
        "dispatch::source::<ChunkFeed<T> as Feed> -> dispatch::source::Feed (inherit)",
    );
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:?}",
        candidate_edges(&graph)
    );

    let affected = dependents(&graph, "dispatch::source::<ChunkFeed<T> as Feed>::pull");
    for name in ["use_chunk", "use_dyn", "use_impl", "use_boxed"] {
        let name = format!("dispatch::users::{name}");
        assert!(
            affected.contains(&name),
            "{name} not affected: {affected:?}"
        );
    }
    assert!(
        !affected.contains(&"dispatch::users::use_disk".to_owned()),
        "{affected:?}"
    );
    let affected = dependents(&graph, "dispatch::model::Store::base");
    assert!(
        affected.contains(&"dispatch::users::use_store".to_owned()),
        "{affected:?}"
    );
}

const CASE_018: &str = r#"
// file: Cargo.toml
[package]
name = "modpaths"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
#[path = "platform/unix_impl.rs"]
mod os_impl;

#[cfg_attr(windows, path = "sys/windows.rs")]
#[cfg_attr(not(windows), path = "sys/unix.rs")]
mod sys;

pub mod engine;

pub fn platform_name() -> &'static str {
    os_impl::name()
}

pub fn sys_id() -> u32 {
    sys::id()
}

pub fn base_value() -> u32 {
    1
}
// file: src/engine/mod.rs
pub mod widget;

pub fn base_value() -> u32 {
    10
}
// file: src/engine/widget.rs
pub fn base_value() -> u32 {
    100
}

pub struct Assembler;

impl Assembler {
    pub fn assemble(&self) -> u32 {
        super::base_value()
    }
}

#[cfg(test)]
#[path = "widget_tests.rs"]
mod tests;
// file: src/engine/widget_tests.rs
use super::*;

#[test]
fn assemble_uses_parent_value_and_glob_sees_own_value() {
    assert_eq!(Assembler.assemble(), 10);
    assert_eq!(base_value(), 100);
}
// file: src/platform/unix_impl.rs
mod detail;

pub fn name() -> &'static str {
    detail::label()
}
// file: src/platform/detail.rs
pub fn label() -> &'static str {
    "unix"
}
// file: src/sys/unix.rs
pub fn id() -> u32 {
    1
}
// file: src/sys/windows.rs
pub fn id() -> u32 {
    2
}
"#;

#[test]
fn case_018_path_attributes_and_super() {
    let graph = build(CASE_018);
    for (path, module) in [
        ("src/platform/unix_impl.rs", "modpaths::os_impl"),
        ("src/platform/detail.rs", "modpaths::os_impl::detail"),
        ("src/sys/unix.rs", "modpaths::sys"),
        ("src/sys/windows.rs", "modpaths::sys"),
        (
            "src/engine/widget_tests.rs",
            "modpaths::engine::widget::tests",
        ),
    ] {
        let file = graph
            .file_id(path)
            .unwrap_or_else(|| panic!("{path} not in the graph"));
        assert_eq!(
            graph.files[file as usize].module, module,
            "module of {path}"
        );
    }

    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "modpaths::engine::widget::Assembler::assemble -> modpaths::engine::base_value (call)",
    );
    assert_lacks(
        &edges,
        "modpaths::engine::widget::Assembler::assemble -> modpaths::engine::widget::base_value (call)",
    );
    assert_lacks(
        &edges,
        "modpaths::engine::widget::Assembler::assemble -> modpaths::base_value (call)",
    );
    assert_has(
        &edges,
        "modpaths::os_impl::name -> modpaths::os_impl::detail::label (call)",
    );
    assert_has(
        &edges,
        "modpaths::platform_name -> modpaths::os_impl::name (call)",
    );
    let test_fn =
        "modpaths::engine::widget::tests::assemble_uses_parent_value_and_glob_sees_own_value";
    assert_has(
        &edges,
        &format!("{test_fn} -> modpaths::engine::widget::base_value (call)"),
    );
    assert_has(
        &edges,
        &format!("{test_fn} -> modpaths::engine::widget::Assembler::assemble (call)"),
    );

    let windows_id = graph
        .symbols
        .iter()
        .position(|s| {
            s.name == "modpaths::sys::id"
                && graph.files[s.file as usize].path == "src/sys/windows.rs"
        })
        .expect("the windows variant of sys::id") as u32;
    let callers: Vec<&str> = graph
        .dependents(windows_id)
        .map(|e| graph.symbols[e.source as usize].name.as_str())
        .collect();
    assert!(callers.contains(&"modpaths::sys_id"), "{callers:?}");

    let affected = dependents(&graph, "modpaths::engine::widget::base_value");
    assert!(affected.contains(&test_fn.to_owned()), "{affected:?}");
    assert!(
        !affected.contains(&"modpaths::engine::widget::Assembler::assemble".to_owned()),
        "{affected:?}"
    );
    assert!(
        !affected.contains(&"modpaths::platform_name".to_owned()),
        "{affected:?}"
    );
}

#[test]
fn edge_kinds_propagate_as_declared() {
    assert!(EdgeKind::Override.propagates());
    assert!(EdgeKind::Inherit.propagates());
}

#[test]
fn items_get_rust_names_and_kinds() {
    let graph = build(
        r#"
// file: src/lib.rs
pub mod shapes {
    pub struct Point(pub i32, pub i32);
    pub union Bits { pub i: u32, pub f: f32 }
    pub enum Shape { Dot(Point), Line { from: Point, to: Point } }
    pub type Pair = (Point, Point);
    pub const ORIGIN: Point = Point(0, 0);
    pub static COUNT: u32 = 0;

    pub trait Area {
        type Unit;
        const SIDES: u32;
        fn area(&self) -> f64;
        fn describe() -> &'static str { "shape" }
    }

    impl<'a, T: Clone> Area for &'a [T] {
        type Unit = u8;
        const SIDES: u32 = 0;
        fn area(&self) -> f64 { 0.0 }
    }

    impl Point {
        pub fn new(x: i32, y: i32) -> Self {
            const SCALE: i32 = 1;
            fn helper() {}
            helper();
            Point(x * SCALE, y)
        }
    }
}

#[derive(Debug)]
pub(crate) fn internal() {}

macro_rules! square {
    ($x:expr) => { $x * $x };
}
"#,
    );
    let names = symbol_names(&graph);
    for expected in [
        "crate (module)",
        "crate::shapes (module)",
        "crate::shapes::Point (struct)",
        "crate::shapes::Bits (struct)",
        "crate::shapes::Shape (enum)",
        "crate::shapes::Pair (type_alias)",
        "crate::shapes::ORIGIN (constant)",
        "crate::shapes::COUNT (static)",
        "crate::shapes::Area (trait)",
        "crate::shapes::Area::Unit (type_alias)",
        "crate::shapes::Area::SIDES (constant)",
        "crate::shapes::Area::area (method)",
        "crate::shapes::Area::describe (function)",
        "crate::shapes::<&[T] as Area> (impl)",
        "crate::shapes::<&[T] as Area>::Unit (type_alias)",
        "crate::shapes::<&[T] as Area>::area (method)",
        "crate::shapes::<Point> (impl)",
        "crate::shapes::Point::new (function)",
        "crate::shapes::Point::new::SCALE (constant)",
        "crate::shapes::Point::new::helper (function)",
        "crate::internal (function)",
        "crate::square! (macro)",
    ] {
        assert!(
            names.contains(&expected.to_owned()),
            "missing {expected} in {names:#?}"
        );
    }
    let internal = graph
        .symbols
        .iter()
        .find(|s| s.name == "crate::internal")
        .unwrap();
    assert_eq!(
        internal.span.start_line, 32,
        "the span starts at the attribute"
    );
    assert!(!internal.public, "pub(crate) is not public API");
    let point = graph
        .symbols
        .iter()
        .find(|s| s.name == "crate::shapes::Point")
        .unwrap();
    assert!(point.public);

    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "crate::shapes::Point::new -> crate::shapes::Point::new::helper (call)",
    );
    assert_has(
        &edges,
        "crate::shapes::Point::new -> crate::shapes::Point::new::SCALE (reference)",
    );
    assert_has(
        &edges,
        "crate::shapes::Shape -> crate::shapes::Point (type_ref)",
    );
    assert_has(
        &edges,
        "crate::shapes::Area::area -> crate::shapes::<&[T] as Area>::area (override)",
    );
    assert_has(
        &edges,
        "crate::shapes::Area::Unit -> crate::shapes::<&[T] as Area>::Unit (override)",
    );
}

#[test]
fn module_files_nest_by_directory() {
    let graph = build(
        r#"
// file: Cargo.toml
[package]
name = "tree"
edition = "2021"
// file: src/lib.rs
pub mod a;
pub mod b;
mod inline {
    pub mod deep;
}
pub fn root() {
    a::nested::leaf();
    b::from_mod_rs();
    inline::deep::bottom();
}
// file: src/a.rs
pub mod nested;
// file: src/a/nested.rs
pub fn leaf() {
    super::super::b::from_mod_rs();
    crate::root();
}
// file: src/b/mod.rs
pub fn from_mod_rs() {}
// file: src/inline/deep.rs
pub fn bottom() {}
// file: src/stray.rs
pub fn never_declared() {}
"#,
    );
    for (path, module) in [
        ("src/lib.rs", "tree"),
        ("src/a.rs", "tree::a"),
        ("src/a/nested.rs", "tree::a::nested"),
        ("src/b/mod.rs", "tree::b"),
        ("src/inline/deep.rs", "tree::inline::deep"),
        ("src/stray.rs", "tree::stray"),
    ] {
        let file = graph.file_id(path).unwrap();
        assert_eq!(
            graph.files[file as usize].module, module,
            "module of {path}"
        );
    }
    let edges = exact_edges(&graph);
    assert_has(&edges, "tree::root -> tree::a::nested::leaf (call)");
    assert_has(&edges, "tree::root -> tree::a::nested (reference)");
    assert_has(&edges, "tree::root -> tree::b::from_mod_rs (call)");
    assert_has(&edges, "tree::root -> tree::inline::deep::bottom (call)");
    assert_has(
        &edges,
        "tree::a::nested::leaf -> tree::b::from_mod_rs (call)",
    );
    assert_has(&edges, "tree::a::nested::leaf -> tree::root (call)");
    assert_has(&edges, "tree -> tree::a (import)");
    assert_has(&edges, "tree::inline -> tree::inline::deep (import)");
    assert_lacks(&edges, "tree::a::nested::leaf -> tree (reference)");
    assert_eq!(
        graph.stats.rust.files_unreached, 1,
        "src/stray.rs is counted"
    );
}

#[test]
fn use_trees_renames_and_reexport_chains() {
    let graph = build(
        r#"
// file: src/lib.rs
pub mod inner;
pub mod facade;
mod cycle_a { pub use crate::cycle_b::*; pub fn in_a() {} }
mod cycle_b { pub use crate::cycle_a::*; }
use inner::{deep::{self, Thing as Renamed}, tools::*};
use facade::top_level as top;

pub fn user() {
    deep::make();
    Renamed::build();
    tool();
    top();
    cycle_b::in_a();
}
// file: src/inner/mod.rs
pub mod deep;
pub mod tools;
// file: src/inner/deep.rs
pub struct Thing;
impl Thing {
    pub fn build() -> Thing { Thing }
}
pub fn make() {}
// file: src/inner/tools.rs
pub fn tool() {}
fn hidden() {}
// file: src/facade.rs
pub use self::level_one::*;
mod level_one {
    pub use super::level_two::top_level;
}
mod level_two {
    pub fn top_level() {}
}
"#,
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::user -> crate::inner::deep::make (call)");
    assert_has(
        &edges,
        "crate::user -> crate::inner::deep::Thing::build (call)",
    );
    assert_has(
        &edges,
        "crate::user -> crate::inner::deep::Thing (reference)",
    );
    assert_has(&edges, "crate::user -> crate::inner::tools::tool (call)");
    assert_has(
        &edges,
        "crate::user -> crate::facade::level_two::top_level (call)",
    );
    assert_has(&edges, "crate::user -> crate::cycle_a::in_a (call)");
    assert_has(&edges, "crate -> crate::inner::deep::Thing (import)");
    assert_has(&edges, "crate -> crate::inner::tools (import)");
    assert_has(
        &edges,
        "crate::facade::level_one -> crate::facade::level_two::top_level (re_export)",
    );
    assert_lacks(&edges, "crate -> crate::inner::tools::hidden (import)");
    // The definition depends on the module-level `use` lines it goes through.
    assert_has(&edges, "crate::user -> crate (scope)");
}

#[test]
fn workspace_members_and_renamed_dependencies() {
    let graph = build(
        r#"
// file: Cargo.toml
[workspace]
members = ["crates/*"]

[workspace.dependencies]
shared = { package = "shared-utils", path = "crates/shared" }
// file: crates/shared/Cargo.toml
[package]
name = "shared-utils"
edition = "2021"
// file: crates/shared/src/lib.rs
pub fn helper() {}
#[macro_export]
macro_rules! shout { () => {} }
// file: crates/core/Cargo.toml
[package]
name = "my-core"
edition = "2021"
[lib]
path = "lib/core.rs"
[dependencies]
shared.workspace = true
// file: crates/core/lib/core.rs
pub fn core_fn() {
    shared::helper();
    shared::shout!();
}
// file: crates/app/Cargo.toml
[package]
name = "app"
edition = "2021"
[dependencies]
engine = { package = "my-core", path = "../core" }
[dev-dependencies]
shared-utils = { path = "../shared" }
// file: crates/app/src/main.rs
fn main() {
    engine::core_fn();
    ::engine::core_fn();
    shared_utils::helper();
}
// file: crates/app/tests/smoke.rs
mod common;
#[test]
fn smoke() {
    common::setup();
    engine::core_fn();
}
// file: crates/app/tests/common/mod.rs
pub fn setup() {}
"#,
    );
    for (path, module) in [
        ("crates/shared/src/lib.rs", "shared_utils"),
        ("crates/core/lib/core.rs", "my_core"),
        ("crates/app/src/main.rs", "app"),
        ("crates/app/tests/smoke.rs", "smoke"),
        ("crates/app/tests/common/mod.rs", "smoke::common"),
    ] {
        let file = graph.file_id(path).unwrap();
        assert_eq!(
            graph.files[file as usize].module, module,
            "module of {path}"
        );
    }
    let edges = exact_edges(&graph);
    assert_has(&edges, "my_core::core_fn -> shared_utils::helper (call)");
    assert_has(&edges, "my_core::core_fn -> shared_utils::shout! (call)");
    assert_has(&edges, "app::main -> my_core::core_fn (call)");
    assert_has(&edges, "app::main -> shared_utils::helper (call)");
    assert_has(&edges, "smoke::smoke -> smoke::common::setup (call)");
    assert_has(&edges, "smoke::smoke -> my_core::core_fn (call)");
    assert_lacks(&edges, "app::main -> my_core (reference)");
}

#[test]
fn layout_lists_declared_and_discovered_targets() {
    let layout = RustLayout::from_manifests(vec![
        (
            "Cargo.toml".to_owned(),
            "[package]\nname = \"multi-tool\"\n[[bin]]\nname = \"extra\"\npath = \"tools/extra.rs\"\n".to_owned(),
        ),
        ("broken/Cargo.toml".to_owned(), "[package\nname =".to_owned()),
    ]);
    assert_eq!(layout.errors.len(), 1, "the broken manifest is reported");
    let files = [
        "src/lib.rs",
        "src/main.rs",
        "src/bin/other.rs",
        "src/bin/multi/main.rs",
        "tools/extra.rs",
        "tests/it.rs",
        "examples/demo.rs",
        "benches/speed.rs",
        "build.rs",
    ];
    let targets = layout.targets(&files);
    let listed: Vec<(String, String, String)> = targets
        .iter()
        .map(|t| (format!("{:?}", t.kind), t.name.clone(), t.root.clone()))
        .collect();
    for (kind, name, root) in [
        ("Lib", "multi_tool", "src/lib.rs"),
        ("Bin", "multi_tool", "src/main.rs"),
        ("Bin", "other", "src/bin/other.rs"),
        ("Bin", "multi", "src/bin/multi/main.rs"),
        ("Bin", "extra", "tools/extra.rs"),
        ("Test", "it", "tests/it.rs"),
        ("Example", "demo", "examples/demo.rs"),
        ("Bench", "speed", "benches/speed.rs"),
        ("Build", "build_script_build", "build.rs"),
    ] {
        let expected = (kind.to_owned(), name.to_owned(), root.to_owned());
        assert!(
            listed.contains(&expected),
            "missing {expected:?} in {listed:?}"
        );
    }
    let lib = targets.iter().position(|t| t.root == "src/lib.rs").unwrap();
    let test = targets.iter().find(|t| t.root == "tests/it.rs").unwrap();
    assert_eq!(test.externs, vec![("multi_tool".to_owned(), lib)]);
    assert!(
        targets.iter().all(|t| t.edition_2015),
        "no edition means 2015"
    );
}

const RECEIVERS: &str = r#"
// file: src/lib.rs
use std::rc::Rc;
use std::sync::Arc;

pub struct Conn;
impl Conn {
    pub fn open() -> Conn { Conn }
    pub fn send(&self) {}
    pub fn try_clone(&self) -> Result<Conn, ()> { Ok(Conn) }
}

pub struct Pool {
    conn: Conn,
    shared: Arc<Conn>,
    spare: Option<Conn>,
}

impl Pool {
    pub fn get(&self) -> &Conn { &self.conn }

    pub fn run(&self) {
        self.conn.send();
        self.shared.send();
        self.get().send();
        if let Some(c) = &self.spare { c.send(); }
    }
}

pub fn from_let() {
    let typed: Conn = make();
    typed.send();
    let built = Conn::open();
    built.send();
    let literal = Pool { conn: Conn, shared: Arc::new(Conn), spare: None };
    literal.run();
}

pub fn from_params(a: &mut Conn, b: Box<Conn>, c: Rc<Conn>) {
    a.send();
    b.send();
    c.send();
}

pub fn from_try() -> Result<(), ()> {
    let c = Conn::open().try_clone()?;
    c.send();
    Ok(())
}

pub fn make() -> Conn { Conn }
"#;

#[test]
fn receiver_types_resolve_method_calls() {
    let graph = build(RECEIVERS);
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::Pool::run -> crate::Conn::send (call)");
    assert_has(&edges, "crate::Pool::run -> crate::Pool::get (call)");
    assert_has(&edges, "crate::Pool::run -> crate::Pool (reference)");
    assert_has(&edges, "crate::from_let -> crate::Conn::send (call)");
    assert_has(&edges, "crate::from_let -> crate::Conn::open (call)");
    assert_has(&edges, "crate::from_let -> crate::Pool::run (call)");
    assert_has(&edges, "crate::from_let -> crate::Pool (reference)");
    assert_has(&edges, "crate::from_params -> crate::Conn::send (call)");
    assert_has(&edges, "crate::from_try -> crate::Conn::try_clone (call)");
    assert_has(&edges, "crate::from_try -> crate::Conn::send (call)");
    assert!(
        candidate_edges(&graph).is_empty(),
        "{:#?}",
        candidate_edges(&graph)
    );
    assert_eq!(graph.stats.rust.method_calls_candidate, 0);
}

#[test]
fn unknown_receivers_become_weighted_candidates() {
    let graph = build(
        r#"
// file: src/lib.rs
pub struct File;
impl File { pub fn close(&self) {} }
pub struct Socket;
impl Socket { pub fn close(&self) {} }

pub fn shutdown<I: Iterator>(things: I) {
    for thing in things {
        thing.close();
    }
    let names: Vec<String> = Vec::new();
    names.len();
}
"#,
    );
    let candidates = candidate_edges(&graph);
    assert_has(&candidates, "crate::shutdown -> crate::File::close 0.5");
    assert_has(&candidates, "crate::shutdown -> crate::Socket::close 0.5");
    assert_eq!(
        candidates.len(),
        2,
        "a known standard type gives no candidates: {candidates:?}"
    );
    assert_eq!(graph.stats.rust.method_calls_candidate, 1);
    assert_eq!(graph.stats.rust.method_calls_external, 1);
}

#[test]
fn macro_arguments_and_macro_rules() {
    let graph = build(
        r#"
// file: src/lib.rs
#[macro_use]
mod macros {
    macro_rules! twice { ($e:expr) => { $e; $e } }
}
mod tests {
    macro_rules! local_only { () => {} }
    fn uses_local() { local_only!(); }
}

pub struct Item;
impl Item { pub fn name(&self) -> String { String::new() } }
impl Item { pub fn default_name() -> String { String::new() } }

pub fn compute() -> u32 { 1 }
pub fn check() -> bool { true }
pub fn build() -> u32 { 2 }

pub fn report(item: &Item) {
    let text = format!("{} {}", compute(), item.name());
    assert_eq!(check(), true, "{}", text);
    let list = vec![build(); 3];
    twice!(compute());
    local_only!();
    assert!(check(), "a \" quote");
    println!("{}", '"', Item::default_name());
}
"#,
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::report -> crate::compute (call)");
    assert_has(&edges, "crate::report -> crate::Item::name (call)");
    assert_has(&edges, "crate::report -> crate::check (call)");
    assert_has(&edges, "crate::report -> crate::build (call)");
    assert_has(&edges, "crate::report -> crate::macros::twice! (call)");
    assert_has(&edges, "crate::report -> crate::Item::default_name (call)");
    assert_has(
        &edges,
        "crate::tests::uses_local -> crate::tests::local_only! (call)",
    );
    assert_lacks(&edges, "crate::report -> crate::tests::local_only! (call)");
    let report = graph
        .symbols
        .iter()
        .find(|s| s.name == "crate::report")
        .unwrap();
    let call_line = graph
        .edges
        .iter()
        .find(|e| {
            graph.symbols[e.source as usize].name == "crate::report"
                && graph.symbols[e.target as usize].name == "crate::check"
        })
        .map(|e| e.line)
        .unwrap();
    assert_eq!(
        call_line,
        report.span.start_line + 2,
        "lines inside macro arguments map back"
    );
}

#[test]
fn macro_rules_bodies_call_functions() {
    let graph = build(
        r#"
// file: src/lib.rs
pub const _: () = ();

pub fn helper(x: u32) -> u32 { x + 1 }
pub fn other() -> u32 { 0 }

macro_rules! twice {
    ($e:expr) => { helper(helper($e)) };
    ($($e:expr),*) => { $( $crate::other(); $e; )* };
}

pub fn via_macro() -> u32 { twice!(1) }
"#,
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::twice! -> crate::helper (call)");
    assert_has(&edges, "crate::twice! -> crate::other (call)");
    assert_has(&edges, "crate::via_macro -> crate::twice! (call)");
    let to_underscore = edges.iter().any(|e| e.contains("-> crate::_ "));
    assert!(!to_underscore, "a repetition is no call: {edges:?}");
    let call_line = graph
        .edges
        .iter()
        .find(|e| graph.symbols[e.target as usize].name == "crate::other")
        .map(|e| e.line);
    assert_eq!(call_line, Some(8), "lines inside macro bodies map back");
}

#[test]
fn macro_metavariables_keep_their_length() {
    for body in ["$crate::f($x)", "$($e),*", "$crates", "a $ b"] {
        let rewritten = super::extract::without_metavariables(body);
        assert_eq!(rewritten.len(), body.len(), "{body}");
        assert!(!rewritten.contains('$'), "{rewritten}");
    }
    assert_eq!(
        super::extract::without_metavariables("$crate::f($x)"),
        "crate ::f(_x)"
    );
    assert_eq!(super::extract::without_metavariables("$crates"), "_crates");
}

#[test]
fn cfg_alternatives_are_all_kept() {
    let graph = build(
        r#"
// file: src/lib.rs
#[cfg(unix)]
pub fn platform() -> u32 { 1 }
#[cfg(windows)]
pub fn platform() -> u32 { 2 }

#[cfg(unix)]
mod imp { pub fn id() {} }
#[cfg(not(unix))]
mod imp { pub fn id() {} }

pub fn caller() {
    platform();
    imp::id();
}
"#,
    );
    let platform: Vec<u32> = graph
        .symbols
        .iter()
        .enumerate()
        .filter(|(_, s)| s.name == "crate::platform")
        .map(|(id, _)| id as u32)
        .collect();
    assert_eq!(platform.len(), 2);
    for id in platform {
        let callers: Vec<&str> = graph
            .dependents(id)
            .map(|e| graph.symbols[e.source as usize].name.as_str())
            .collect();
        assert!(callers.contains(&"crate::caller"), "{callers:?}");
    }
    let ids = graph
        .symbols
        .iter()
        .filter(|s| s.name == "crate::imp::id")
        .count();
    assert_eq!(ids, 2);
    let edges = exact_edges(&graph);
    assert_eq!(
        edges
            .iter()
            .filter(|e| *e == "crate::caller -> crate::imp::id (call)")
            .count(),
        2
    );
}

#[test]
fn generic_bounds_and_qualified_paths() {
    let graph = build(
        r#"
// file: src/lib.rs
pub trait Feed: Source {
    fn pull(&mut self) -> usize;
}
pub trait Source {
    fn origin(&self) -> &str;
}
pub struct Disk;
impl Feed for Disk { fn pull(&mut self) -> usize { 0 } }
impl Source for Disk { fn origin(&self) -> &str { "disk" } }

pub fn bounded<T: Feed>(mut feed: T) -> usize {
    feed.origin();
    feed.pull()
}

pub fn where_clause<T>(feed: &mut T) -> usize where T: Feed {
    feed.pull()
}

pub fn qualified(disk: &mut Disk) -> usize {
    <Disk as Feed>::pull(disk);
    Feed::pull(disk)
}

pub fn generic_qualified<T: Feed>(feed: &mut T) -> usize {
    <T as Feed>::pull(feed)
}
"#,
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::bounded -> crate::Feed::pull (call)");
    assert_has(&edges, "crate::bounded -> crate::Source::origin (call)");
    assert_has(&edges, "crate::where_clause -> crate::Feed::pull (call)");
    assert_has(
        &edges,
        "crate::qualified -> crate::<Disk as Feed>::pull (call)",
    );
    assert_has(&edges, "crate::qualified -> crate::Feed::pull (call)");
    assert_has(
        &edges,
        "crate::generic_qualified -> crate::Feed::pull (call)",
    );
    assert_has(&edges, "crate::Disk -> crate::Feed (inherit)");
    assert_has(&edges, "crate::Disk -> crate::Source (inherit)");
    assert_has(&edges, "crate::Feed -> crate::Source (type_ref)");
}

#[test]
fn variants_fold_into_their_enum_and_type_patterns() {
    let graph = build(
        r#"
// file: src/lib.rs
pub struct Span;
impl Span { pub fn len(&self) -> usize { 0 } }
pub struct Literal { pub span: Span }
pub enum Ast {
    Empty,
    Lit(Box<Literal>),
    Group { inner: Literal },
}
impl Ast {
    pub fn span_len(&self) -> usize {
        match *self {
            Ast::Empty => 0,
            Ast::Lit(ref lit) => lit.span.len(),
            Ast::Group { ref inner } => inner.span.len(),
        }
    }
}
pub fn make() -> Ast {
    Ast::Lit(Box::new(Literal { span: Span }))
}
"#,
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::Ast::span_len -> crate::Ast (reference)");
    assert_has(&edges, "crate::Ast::span_len -> crate::Span::len (call)");
    assert_has(&edges, "crate::Ast::span_len -> crate::Literal (reference)");
    assert_has(&edges, "crate::make -> crate::Ast (call)");
    assert_has(&edges, "crate::make -> crate::Literal (reference)");
    assert_has(&edges, "crate::Ast -> crate::Literal (type_ref)");
}

#[test]
fn edition_2015_use_paths_start_at_the_root() {
    let graph = build(
        r#"
// file: Cargo.toml
[package]
name = "old"
// file: src/lib.rs
pub mod util;
pub mod api;
// file: src/util.rs
pub fn helper() {}
// file: src/api.rs
use util::helper;
pub fn call() { helper(); }
"#,
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "old::api::call -> old::util::helper (call)");
    assert_has(&edges, "old::api -> old::util::helper (import)");
}

#[test]
fn deeply_nested_expressions_still_resolve() {
    let depth = 5000;
    let body = format!("{}1{}", "(a + ".repeat(depth), ")".repeat(depth));
    let fixture = format!(
        "// file: src/lib.rs\npub fn leaf() -> u32 {{ 1 }}\npub fn deep(a: u32) -> u32 {{ leaf() + {body} }}\npub fn caller() -> u32 {{ deep(1) }}\n"
    );
    let graph = build(&fixture);
    let edges = exact_edges(&graph);
    assert_has(&edges, "crate::deep -> crate::leaf (call)");
    assert_has(&edges, "crate::caller -> crate::deep (call)");
}

#[test]
fn module_written_twice_reads_each_body_once() {
    // Each level's module has two bodies; reading a module once per body
    // that names it doubled the work at every level.
    let depth = 40;
    let open = "pub mod m { ".repeat(depth);
    let close = "}".repeat(depth);
    let path = vec!["m"; depth].join("::");
    let fixture = format!(
        "// file: src/lib.rs\n{open}pub fn first() {{}}{close}\n{open}pub fn second() {{}}{close}\npub fn caller() {{ {path}::first(); {path}::second(); }}\n"
    );
    let graph = build(&fixture);
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        &format!("crate::caller -> crate::{path}::first (call)"),
    );
    assert_has(
        &edges,
        &format!("crate::caller -> crate::{path}::second (call)"),
    );
}

#[test]
fn files_without_manifest_get_modules() {
    let graph = build(
        r#"
// file: src/lib.rs
pub fn api() {}
// file: tests/it.rs
mod common;
fn check() { common::setup(); }
// file: tests/common/mod.rs
pub fn setup() {}
"#,
    );
    for (path, module) in [
        ("src/lib.rs", "crate"),
        ("tests/it.rs", "it"),
        ("tests/common/mod.rs", "it::common"),
    ] {
        let file = graph.file_id(path).unwrap();
        assert_eq!(
            graph.files[file as usize].module, module,
            "module of {path}"
        );
    }
    let edges = exact_edges(&graph);
    assert_has(&edges, "it::check -> it::common::setup (call)");
    assert_eq!(
        graph.stats.rust.files_unreached, 1,
        "only tests/it.rs is outside every crate"
    );
}

/// Builds a fixture on a thread with a 256 KiB stack, so that unbounded
/// recursion on the calling thread fails the test with a stack overflow.
fn build_on_small_stack(fixture: String) -> Graph {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || build(&fixture))
        .unwrap()
        .join()
        .expect("graph building overflowed a 256 KiB stack")
}

/// Names defined in terms of themselves: type aliases, `use` renames that
/// point at each other, and traits bounded by themselves. Resolution ends
/// and links none of them to itself.
#[test]
fn self_referential_names_terminate() {
    let graph = build_on_small_stack(
        "// file: src/lib.rs
type T = T;
type U = V;
type V = U;
use self::a as b;
use self::b as a;
trait Selfish: Selfish { fn m(&self); }
trait Ping: Pong {}
trait Pong: Ping {}
pub fn f(t: T, u: U) { t.go(); u.go(); a(); b::c(); }
pub fn g<X: Selfish + Ping>(x: X) { x.m(); }
"
        .to_owned(),
    );
    let names = symbol_names(&graph);
    assert!(
        names.contains(&"crate::f (function)".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"crate::g (function)".to_owned()),
        "{names:?}"
    );
    let self_edges: Vec<&crate::Edge> = graph
        .edges
        .iter()
        .filter(|edge| edge.source == edge.target)
        .collect();
    assert!(self_edges.is_empty(), "self edges: {self_edges:?}");
}

/// Qualified paths nested thousands of levels deep (`<<T as A>::B as
/// A>::B`): the type converter recurses through the qualified self type
/// only to its fixed depth limit.
#[test]
fn nested_qualified_paths_are_depth_limited() {
    const DEPTH: usize = 20_000;
    let mut source = String::from("// file: src/lib.rs\npub type X = ");
    source.push_str(&"<".repeat(DEPTH));
    source.push('T');
    source.push_str(&" as A>::B".repeat(DEPTH));
    source.push_str(";\npub fn f() { ");
    source.push_str(&"<".repeat(DEPTH));
    source.push('T');
    source.push_str(&" as A>::b".repeat(DEPTH));
    source.push_str("(); }\n");
    let graph = build_on_small_stack(source);
    let names = symbol_names(&graph);
    assert!(
        names.contains(&"crate::X (type_alias)".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"crate::f (function)".to_owned()),
        "{names:?}"
    );
}

#[test]
fn generic_field_calls_become_candidates() {
    let graph = build(
        r#"// file: Cargo.toml
[package]
name = "bufs"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
pub trait Buf {
    fn advance(&mut self, count: usize);
}

pub struct Take<T> {
    inner: T,
}

impl<T: Buf> Buf for Take<T> {
    fn advance(&mut self, count: usize) {
        self.inner.advance(count);
    }
}
"#,
    );
    let candidates = candidate_edges(&graph);
    assert!(
        candidates
            .iter()
            .any(|e| e.starts_with("bufs::<Take<T> as Buf>::advance -> bufs::Buf::advance")),
        "the bound on the impl is not on the struct's field, so the call is a candidate: {candidates:#?}"
    );
}

/// Returns the `test_only` flag of each symbol whose name ends with `suffix`.
fn test_only_of(graph: &Graph, suffix: &str) -> Vec<bool> {
    graph
        .symbols
        .iter()
        .filter(|s| s.name.ends_with(suffix))
        .map(|s| s.test_only)
        .collect()
}

#[test]
fn cfg_test_items_are_test_only() {
    let graph = build(
        r#"// file: Cargo.toml
[package]
name = "probe"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
pub struct Table;

impl Table {
    pub fn len(&self) -> usize {
        0
    }
}

#[cfg(all(test, feature = "rayon"))]
mod test_par {
    struct Droppable;

    impl Clone for Droppable {
        fn clone(&self) -> Self {
            Droppable
        }
    }
}

#[cfg(test)]
mod helpers;

#[cfg(any(test, feature = "testing"))]
pub fn fixture() {}

#[test]
fn builds() {
    struct Local;
    impl Local {
        fn finish(&self) {}
    }
}
// file: src/helpers.rs
pub fn make() {}
"#,
    );
    for name in [
        "probe::test_par",
        "probe::test_par::Droppable",
        "probe::test_par::<Droppable as Clone>",
        "probe::test_par::<Droppable as Clone>::clone",
        "probe::helpers",
        "probe::helpers::make",
        "probe::builds::Local",
        "probe::builds::Local::finish",
    ] {
        assert_eq!(test_only_of(&graph, name), vec![true], "{name}");
    }
    for name in [
        "probe::Table",
        "probe::Table::len",
        "probe::fixture",
        "probe::builds",
    ] {
        assert_eq!(test_only_of(&graph, name), vec![false], "{name}");
    }
}

#[test]
fn candidates_skip_methods_only_tests_name() {
    let graph = build(
        r#"// file: Cargo.toml
[package]
name = "probe"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
pub struct Builder;

impl Builder {
    pub fn finish(&self) {}
}

pub fn render<W>(out: W) {
    out.finish();
}

#[cfg(test)]
mod tests {
    struct Probe;

    impl Probe {
        fn finish(&self) {}
    }

    fn check<W>(out: W) {
        out.finish();
    }
}
// file: tests/hasher.rs
struct MaxHasher;

impl MaxHasher {
    fn finish(&self) -> u64 {
        0
    }
}
"#,
    );
    let candidates = candidate_edges(&graph);
    let from_render: Vec<&String> = candidates
        .iter()
        .filter(|e| e.starts_with("probe::render -> "))
        .collect();
    assert_eq!(
        from_render,
        vec!["probe::render -> probe::Builder::finish 1"],
        "code outside tests guesses only methods it can name: {candidates:#?}"
    );
    let from_test: Vec<&String> = candidates
        .iter()
        .filter(|e| e.starts_with("probe::tests::check -> "))
        .collect();
    assert_eq!(
        from_test.len(),
        3,
        "test code may call every method of the name: {candidates:#?}"
    );
}

#[test]
fn cfg_variants_of_one_impl_stay_apart() {
    let graph = build(
        r#"// file: Cargo.toml
[package]
name = "probe"
version = "0.1.0"
edition = "2021"
// file: src/lib.rs
pub struct Table<T>(T);

trait TableClone {
    fn clone_from_spec(&mut self, source: &Self);
}

impl<T: Clone> TableClone for Table<T> {
    fn clone_from_spec(&mut self, source: &Self) {}
}

#[cfg(feature = "nightly")]
impl<T: Copy> TableClone for Table<T> {
    fn clone_from_spec(&mut self, source: &Self) {}
}
"#,
    );
    let impls: Vec<u32> = graph
        .symbols
        .iter()
        .filter(|s| s.name == "probe::<Table<T> as TableClone>")
        .map(|s| s.span.start_line)
        .collect();
    assert_eq!(impls, vec![7, 11], "each variant is a symbol of its own");
    let inherit_lines: Vec<u32> = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Inherit)
        .filter(|e| graph.symbols[e.source as usize].kind == crate::SymbolKind::Impl)
        .map(|e| graph.symbols[e.source as usize].span.start_line)
        .collect();
    assert_eq!(inherit_lines, vec![7, 11]);
}

#[test]
fn packages_see_only_what_they_can_name() {
    let graph = build(
        r#"
// file: core/Cargo.toml
[package]
name = "core-lib"
edition = "2021"
// file: core/src/lib.rs
pub struct Engine;
impl Engine {
    pub fn start(&self) {}
}
pub fn engine() -> Engine {
    Engine
}
// file: app/Cargo.toml
[package]
name = "app"
edition = "2021"
[dependencies]
core-lib = { path = "../core" }
// file: app/src/main.rs
trait Loud {
    fn shout(&self);
}
impl Loud for core_lib::Engine {
    fn shout(&self) {}
}
fn main<I: Iterator>(things: I) {
    for thing in things {
        thing.start();
    }
    core_lib::Engine::shout(&core_lib::engine());
}
// file: tool/Cargo.toml
[package]
name = "tool"
edition = "2021"
[dependencies]
core-lib = { path = "../core" }
// file: tool/src/main.rs
struct Motor;
impl Motor {
    fn start(&self) {}
}
fn main<I: Iterator>(things: I) {
    for thing in things {
        thing.start();
    }
    core_lib::Engine::shout(&core_lib::engine());
}
"#,
    );
    let candidates = candidate_edges(&graph);
    // `tool` does not depend on `app`, and `app` not on `tool`: each call
    // on an unknown receiver has one `start` it can name.
    assert_has(&candidates, "tool::main -> tool::Motor::start 0.5");
    assert_has(&candidates, "tool::main -> core_lib::Engine::start 0.5");
    assert_has(&candidates, "app::main -> core_lib::Engine::start 1");
    assert_lacks(&candidates, "app::main -> tool::Motor::start 0.5");
    assert_lacks(&candidates, "app::main -> tool::Motor::start 1");
    // The impl of `app`'s trait is for `app` alone.
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "app::main -> app::<core_lib::Engine as Loud>::shout (call)",
    );
    assert!(
        !edges.iter().any(|e| e.starts_with("tool::main -> app::")),
        "tool names nothing of app:\n{}",
        edges.join("\n")
    );
}

#[test]
fn package_reach_follows_dependencies() {
    let manifest = |name: &str, deps: &str| {
        format!("[package]\nname = \"{name}\"\nedition = \"2021\"\n[dependencies]\n{deps}")
    };
    let layout = RustLayout::from_manifests(vec![
        (
            "app/Cargo.toml".to_owned(),
            manifest("app", "mid = { path = \"../mid\" }\n"),
        ),
        ("base/Cargo.toml".to_owned(), manifest("base", "")),
        (
            "mid/Cargo.toml".to_owned(),
            manifest("mid", "base = \"1\"\n"),
        ),
        ("mid/nested/Cargo.toml".to_owned(), manifest("nested", "")),
        (
            "odd/Cargo.toml".to_owned(),
            "[package]\nname = \"odd\"\n[lib]\npath = \"../elsewhere/lib.rs\"\n".to_owned(),
        ),
    ]);
    let files = [
        "app/src/main.rs",
        "base/src/lib.rs",
        "mid/src/lib.rs",
        "mid/src/deep/x.rs",
        "mid/nested/src/lib.rs",
        "elsewhere/lib.rs",
        "loose.rs",
    ];
    let targets = layout.targets(&files);
    let reach = PackageReach::new(&layout, &files, &targets);

    // Packages are sorted by folder: app, base, mid, mid/nested, odd.
    assert_eq!(
        reach.of_file,
        [Some(0), Some(1), Some(2), Some(2), Some(3), None, None]
    );
    assert_eq!(reach.roots_elsewhere, 1, "odd's library is outside odd/");
    let (app, base, mid, nested) = (Some(0), Some(1), Some(2), Some(3));
    // A package names itself and its dependencies, directly or not.
    assert!(reach.names(app, mid));
    assert!(reach.names(app, base));
    assert!(reach.names(mid, base));
    assert!(reach.names(base, base));
    assert!(!reach.names(base, mid));
    assert!(!reach.names(mid, app));
    assert!(!reach.names(app, nested));
    // Code or items outside every package are not bounded.
    assert!(reach.names(None, mid));
    assert!(reach.names(base, None));

    assert_eq!(reach.naming(&[1]), [0, 1, 2]);
    assert_eq!(reach.named_by(&[2]), [false, true, true, false, false]);
}

#[test]
fn package_reach_stops_after_dev_dependencies() {
    let manifest = |name: &str, tables: &str| {
        format!("[package]\nname = \"{name}\"\nedition = \"2021\"\n{tables}")
    };
    // `core` tests itself with `testkit`, which depends on `core` and on
    // `extra`. `core` builds with `gen`, which depends on `extra`.
    let layout = RustLayout::from_manifests(vec![
        (
            "core/Cargo.toml".to_owned(),
            manifest(
                "core",
                "[dev-dependencies]\ntestkit = \"1\"\n[build-dependencies]\ngen = \"1\"\n",
            ),
        ),
        (
            "extra/Cargo.toml".to_owned(),
            manifest(
                "extra",
                "[target.'cfg(unix)'.dev-dependencies]\ntool = \"1\"\n",
            ),
        ),
        (
            "gen/Cargo.toml".to_owned(),
            manifest("gen", "[dependencies]\nextra = \"1\"\n"),
        ),
        (
            "testkit/Cargo.toml".to_owned(),
            manifest("testkit", "[dependencies]\ncore = \"1\"\nextra = \"1\"\n"),
        ),
        (
            "tool/Cargo.toml".to_owned(),
            manifest("tool", "[dependencies]\ncore = \"1\"\n"),
        ),
    ]);
    let files = [
        "core/src/lib.rs",
        "extra/src/lib.rs",
        "gen/src/lib.rs",
        "testkit/src/lib.rs",
        "tool/src/lib.rs",
    ];
    let targets = layout.targets(&files);
    let reach = PackageReach::new(&layout, &files, &targets);
    let (core, extra, generator, testkit, tool) = (Some(0), Some(1), Some(2), Some(3), Some(4));

    // A package names its dev- and build-dependencies and their normal
    // dependencies.
    assert!(reach.names(core, testkit));
    assert!(reach.names(core, generator));
    assert!(reach.names(core, extra));
    assert!(reach.names(extra, tool));
    // Its users do not: `tool` names `core` but none of what only `core`'s
    // tests and build script use.
    assert!(reach.names(tool, core));
    assert!(!reach.names(tool, testkit));
    assert!(!reach.names(tool, generator));
    assert!(!reach.names(tool, extra));
    // Nothing names its users: `testkit` depends on `core`, and `gen` on
    // `extra`, but neither names `tool`.
    assert!(reach.names(testkit, core));
    assert!(!reach.names(testkit, tool));
    assert!(!reach.names(generator, tool));
    assert_eq!(reach.naming(&[3]), [0, 3]);
}
