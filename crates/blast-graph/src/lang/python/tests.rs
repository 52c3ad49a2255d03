//! Python extraction and resolution on small multi-file fixtures. A fixture
//! is one string with `# file: PATH` lines starting each file.

use std::sync::Arc;

use crate::{ExtractOptions, Graph, GraphOptions, Resolution, SourceFile, extract_all};

fn build(fixture: &str) -> Graph {
    let mut files: Vec<SourceFile> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.strip_prefix("# file: ") {
            files.push(SourceFile {
                path: path.trim().to_owned(),
                bytes: Vec::new(),
            });
        } else if let Some(file) = files.last_mut() {
            file.bytes.extend_from_slice(line.as_bytes());
            file.bytes.push(b'\n');
        }
    }
    let extracted: Vec<_> = extract_all(&files, &ExtractOptions::default())
        .into_iter()
        .map(Arc::new)
        .collect();
    Graph::build(&extracted, &GraphOptions::default())
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

fn candidate_edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .filter(|e| e.resolution == Resolution::Candidate)
        .map(|e| {
            format!(
                "{} -> {}",
                graph.symbols[e.source as usize].name, graph.symbols[e.target as usize].name
            )
        })
        .collect()
}

#[track_caller]
fn assert_has(edges: &[String], expected: &str) {
    assert!(
        edges.iter().any(|e| e == expected),
        "missing edge `{expected}` in:\n{}",
        edges.join("\n")
    );
}

#[track_caller]
fn assert_lacks(edges: &[String], unexpected: &str) {
    assert!(
        !edges.iter().any(|e| e == unexpected),
        "unexpected edge `{unexpected}` in:\n{}",
        edges.join("\n")
    );
}

fn names(graph: &Graph) -> Vec<(String, String)> {
    graph
        .symbols
        .iter()
        .map(|s| (s.name.clone(), s.kind.name().to_owned()))
        .collect()
}

#[test]
fn symbols_nest_with_dotted_names() {
    let graph = build(
        "# file: pkg/__init__.py\n\
         # file: pkg/mod.py\n\
         LIMIT = 3\n\
         class Repo:\n    kind = 'x'\n    def save(self):\n        def inner():\n            pass\n        return inner\n\
         @decorate\n\
         def helper():\n    pass\n",
    );
    let names = names(&graph);
    for (name, kind) in [
        ("pkg", "module"),
        ("pkg.mod", "module"),
        ("pkg.mod.LIMIT", "constant"),
        ("pkg.mod.Repo", "class"),
        ("pkg.mod.Repo.kind", "field"),
        ("pkg.mod.Repo.save", "method"),
        ("pkg.mod.Repo.save.inner", "function"),
        ("pkg.mod.helper", "function"),
    ] {
        assert!(
            names.contains(&(name.to_owned(), kind.to_owned())),
            "missing {name} ({kind}) in {names:?}"
        );
    }
    let helper = graph
        .symbols
        .iter()
        .find(|s| s.name == "pkg.mod.helper")
        .unwrap();
    assert_eq!(
        helper.span.start_line, 8,
        "a decorated function starts at its decorator"
    );
}

#[test]
fn absolute_imports_and_calls() {
    let graph = build(
        "# file: app/__init__.py\n\
         # file: app/db.py\n\
         def connect():\n    pass\n\
         # file: app/api.py\n\
         import app.db\n\
         import app.db as database\n\
         from app.db import connect\n\
         from app import db\n\
         def a():\n    return app.db.connect()\n\
         def b():\n    return database.connect()\n\
         def c():\n    return connect()\n\
         def d():\n    return db.connect()\n",
    );
    let edges = exact_edges(&graph);
    for caller in ["a", "b", "c", "d"] {
        assert_has(
            &edges,
            &format!("app.api.{caller} -> app.db.connect (call)"),
        );
    }
    assert_has(&edges, "app.api -> app.db (import)");
    assert_has(&edges, "app.api -> app.db.connect (import)");
}

#[test]
fn relative_imports_resolve_within_package() {
    let graph = build(
        "# file: shop/__init__.py\n\
         # file: shop/topology/__init__.py\n\
         def layout_nodes():\n    pass\n\
         # file: shop/api/__init__.py\n\
         # file: shop/api/routes/__init__.py\n\
         # file: shop/api/routes/status.py\n\
         from ...topology import layout_nodes\n\
         def status_report():\n    return layout_nodes()\n\
         # file: shop/api/routes/siblings.py\n\
         from . import status\n\
         def summary():\n    return status.status_report()\n\
         # file: shop/legacy/too_deep.py\n\
         from ................ import x\n\
         def legacy_entry():\n    return x()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "shop.api.routes.status.status_report -> shop.topology.layout_nodes (call)",
    );
    assert_has(
        &edges,
        "shop.api.routes.siblings -> shop.api.routes.status (import)",
    );
    assert_has(
        &edges,
        "shop.api.routes.siblings.summary -> shop.api.routes.status.status_report (call)",
    );
    assert_eq!(
        graph.stats.python.imports_unresolved, 1,
        "the over-deep import is counted"
    );
}

#[test]
fn self_cls_and_base_methods() {
    let graph = build(
        "# file: base.py\n\
         class Base:\n    def load(self):\n        pass\n    @classmethod\n    def make(cls):\n        return cls.load\n\
         # file: child.py\n\
         from base import Base\n\
         class Child(Base):\n    def run(self):\n        self.load()\n        self.own()\n        super().load()\n    def own(self):\n        pass\n    @classmethod\n    def build(cls):\n        return cls.make()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "child.Child -> base.Base (inherit)");
    assert_has(&edges, "child.Child.run -> base.Base.load (call)");
    assert_has(&edges, "child.Child.run -> child.Child.own (call)");
    assert_has(&edges, "child.Child.build -> base.Base.make (call)");
}

#[test]
fn constructor_calls_reach_init() {
    let graph = build(
        "# file: m.py\n\
         class Repo:\n    def __init__(self):\n        pass\n    def save(self):\n        pass\n\
         class Service:\n    def __init__(self):\n        self.repo = Repo()\n    def store(self):\n        self.repo.save()\n\
         def use():\n    r = Repo()\n    r.save()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "m.use -> m.Repo (call)");
    assert_has(&edges, "m.use -> m.Repo.__init__ (call)");
    assert_has(&edges, "m.use -> m.Repo.save (call)");
    assert_has(&edges, "m.Service.store -> m.Repo.save (call)");
}

#[test]
fn unknown_receivers_become_weighted_candidates() {
    let graph = build(
        "# file: a.py\n\
         class A:\n    def close(self):\n        pass\n\
         # file: b.py\n\
         class B:\n    def close(self):\n        pass\n\
         # file: c.py\n\
         def shutdown(thing):\n    thing.close()\n",
    );
    let candidates = candidate_edges(&graph);
    assert_has(&candidates, "c.shutdown -> a.A.close");
    assert_has(&candidates, "c.shutdown -> b.B.close");
    let weights: Vec<f32> = graph
        .edges
        .iter()
        .filter(|e| e.resolution == Resolution::Candidate)
        .map(|e| e.weight)
        .collect();
    assert_eq!(weights, vec![0.5, 0.5]);
}

#[test]
fn nested_helper_is_not_a_top_level_function() {
    let graph = build(
        "# file: nodes.py\n\
         def visit():\n    pass\n\
         # file: summarise.py\n\
         def summarise():\n    def visit():\n        pass\n    return visit()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "summarise.summarise -> summarise.summarise.visit (call)",
    );
    assert_lacks(&edges, "summarise.summarise -> nodes.visit (call)");
}

#[test]
fn standard_library_names_stay_external() {
    let graph = build(
        "# file: app/__init__.py\n\
         # file: app/json.py\n\
         def dumps():\n    pass\n\
         # file: app/main.py\n\
         import json\n\
         def run():\n    return json.dumps({})\n",
    );
    let edges = exact_edges(&graph);
    assert_lacks(&edges, "app.main.run -> app.json.dumps (call)");
    assert_lacks(&edges, "app.main -> app.json (import)");
}
