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
fn cls_receiver_is_not_a_reference() {
    let graph = build(
        "# file: headers.py\n\
         class Other:\n    pass\n\
         class Header:\n    @classmethod\n    def parse(cls, value):\n        return cls.value_parser(value)\n\
         \x20   @staticmethod\n    def value_parser(value):\n        return value\n\
         \x20   def __init_subclass__(cls):\n        cls.parser = cls.value_parser\n\
         \x20   def client(self):\n        cls = Other\n        return cls()\n\
         \x20   def local(self):\n        from headers import Other as cls\n        return cls()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "headers.Header.parse -> headers.Header.value_parser (call)",
    );
    assert_lacks(&edges, "headers.Header.parse -> headers.Header (reference)");
    assert_has(
        &edges,
        "headers.Header.__init_subclass__ -> headers.Header.value_parser (reference)",
    );
    assert_lacks(
        &edges,
        "headers.Header.__init_subclass__ -> headers.Header (reference)",
    );
    assert_lacks(&edges, "headers.Header.client -> headers.Header (call)");
    assert_has(&edges, "headers.Header.local -> headers.Other (call)");
    assert_lacks(&edges, "headers.Header.local -> headers.Header (call)");
}

#[test]
fn constructor_calls_depend_on_the_class() {
    let graph = build(
        "# file: m.py\n\
         class Repo:\n    def __init__(self):\n        pass\n    def save(self):\n        pass\n\
         class Cached(Repo):\n    pass\n\
         class Plain:\n    pass\n\
         class Service:\n    def __init__(self):\n        self.repo = Repo()\n    def store(self):\n        self.repo.save()\n\
         def use():\n    r = Repo()\n    r.save()\n    return Cached()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "m.use -> m.Repo (call)");
    assert_has(&edges, "m.use -> m.Cached (call)");
    assert_has(&edges, "m.use -> m.Repo.save (call)");
    assert_has(&edges, "m.Service.store -> m.Repo.save (call)");
    assert_lacks(&edges, "m.use -> m.Repo.__init__ (call)");
    assert_has(&edges, "m.Repo -> m.Repo.__init__ (constructor)");
    assert_has(&edges, "m.Cached -> m.Repo.__init__ (constructor)");
    assert!(
        !edges.iter().any(|e| e.starts_with("m.Plain ->")),
        "a class without a constructor in the repository has no constructor edge:\n{}",
        edges.join("\n")
    );
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

#[test]
fn reexport_chains_reach_the_definition() {
    let graph = build(
        "# file: lib/__init__.py\n\
         from .api import Session as PublicSession\n\
         # file: lib/api.py\n\
         from .sessions import Session\n\
         # file: lib/sessions.py\n\
         class Session:\n    def send(self):\n        pass\n\
         # file: app.py\n\
         import lib\n\
         from lib import PublicSession\n\
         def a():\n    return PublicSession().send()\n\
         def b():\n    return lib.PublicSession()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "app.a -> lib.sessions.Session.send (call)");
    assert_has(&edges, "app.b -> lib.sessions.Session (call)");
    assert_has(&edges, "app -> lib.sessions.Session (import)");
    assert_has(&edges, "lib -> lib.api (re_export)");
}

#[test]
fn star_imports_honour_all() {
    let graph = build(
        "# file: leaf.py\n\
         __all__ = ['shown']\n\
         def shown():\n    pass\n\
         def hidden():\n    pass\n\
         # file: use.py\n\
         from leaf import *\n\
         def f():\n    return shown(), hidden()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "use.f -> leaf.shown (call)");
    assert_lacks(&edges, "use.f -> leaf.hidden (call)");
    assert_has(&edges, "use -> leaf (import)");
}

#[test]
fn star_reexports_only_names_in_all() {
    let graph = build(
        "# file: pkg/__init__.py\n\
         from .events import *\n\
         from .tasks import *\n\
         __all__ = ['run'] + tasks.__all__\n\
         # file: pkg/events.py\n\
         __all__ = ['run', 'stop']\n\
         def run():\n    pass\n\
         def stop():\n    pass\n\
         # file: pkg/tasks.py\n\
         __all__ = ['spawn']\n\
         def spawn():\n    pass\n\
         # file: app.py\n\
         import pkg\n\
         def main():\n    pkg.stop()\n    pkg.spawn()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "pkg -> pkg.events (re_export)");
    assert_has(&edges, "pkg -> pkg.tasks (re_export)");
    assert_has(&edges, "pkg -> pkg.events.run (re_export)");
    assert_lacks(&edges, "pkg -> pkg.events.stop (re_export)");
    assert_lacks(&edges, "pkg -> pkg.tasks.spawn (re_export)");
    assert_has(&edges, "app.main -> pkg.events.stop (call)");
    assert_has(&edges, "app.main -> pkg.tasks.spawn (call)");
}

#[test]
fn conditional_and_local_imports_create_edges() {
    let graph = build(
        "# file: app/__init__.py\n\
         # file: app/models.py\n\
         class Account:\n    pass\n\
         def make():\n    pass\n\
         # file: app/fast.py\n\
         def encode():\n    pass\n\
         # file: app/slow.py\n\
         def encode():\n    pass\n\
         # file: app/use.py\n\
         from typing import TYPE_CHECKING\n\
         if TYPE_CHECKING:\n    from app.models import Account\n\
         try:\n    from app.fast import encode\n\
         except ImportError:\n    from app.slow import encode\n\
         def describe(a: 'Account') -> str:\n    return encode(a)\n\
         def late():\n    from app.models import make\n    return make()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "app.use -> app.models.Account (type_ref)");
    assert_has(&edges, "app.use.describe -> app.fast.encode (call)");
    assert_has(&edges, "app.use.describe -> app.slow.encode (call)");
    assert_has(&edges, "app.use.late -> app.models.make (call)");
    assert_has(&edges, "app.use.late -> app.models.make (import)");
}

#[test]
fn src_layouts_drop_the_src_prefix() {
    let graph = build(
        "# file: src/acme/__init__.py\n\
         # file: src/acme/db.py\n\
         def fetch():\n    pass\n\
         # file: packages/tools/src/tools_pkg/__init__.py\n\
         def clean():\n    pass\n\
         # file: tests/test_db.py\n\
         from acme.db import fetch\n\
         from tools_pkg import clean\n\
         def test_fetch():\n    fetch()\n    clean()\n",
    );
    let modules: Vec<&str> = graph.files.iter().map(|f| f.module.as_str()).collect();
    assert!(modules.contains(&"acme.db"), "{modules:?}");
    assert!(modules.contains(&"tools_pkg"), "{modules:?}");
    let edges = exact_edges(&graph);
    assert_has(&edges, "tests.test_db.test_fetch -> acme.db.fetch (call)");
    assert_has(&edges, "tests.test_db.test_fetch -> tools_pkg.clean (call)");
}

#[test]
fn instance_attributes_and_annotations_type_receivers() {
    let graph = build(
        "# file: repo.py\n\
         class Repo:\n    def save(self):\n        pass\n\
         def make_repo() -> Repo:\n    return Repo()\n\
         # file: service.py\n\
         from repo import Repo, make_repo\n\
         class Service:\n    def __init__(self, repo: Repo):\n        self.repo = repo\n        self.other = Repo()\n    def store(self):\n        self.other.save()\n\
         def run(r: Repo):\n    r.save()\n\
         def build():\n    make_repo().save()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "service.Service.store -> repo.Repo.save (call)");
    assert_has(&edges, "service.run -> repo.Repo.save (call)");
    assert_has(&edges, "service.build -> repo.Repo.save (call)");
}

#[test]
fn aliases_and_parameters_type_receivers() {
    let graph = build(
        "# file: engine.py\n\
         class Engine:\n    size = 1\n    def start(self):\n        pass\n\
         class Garage:\n    def __init__(self, engine: Engine):\n        self.engine = engine\n\
         default_engine = Engine()\n\
         # file: use.py\n\
         from engine import Engine, Garage, default_engine\n\
         class Car:\n    def __init__(self, garage: Garage, spare=default_engine):\n        self.garage = garage\n        self.spare = spare\n\
         \x20   def drive(self):\n        self.garage.engine.start()\n        return self.garage.engine.size\n\
         \x20   def repair(self):\n        self.spare.start()\n\
         class SportsCar(Car):\n    def race(self):\n        self.garage.engine.start()\n\
         def local(garage: Garage):\n    e = garage.engine\n    e.start()\n\
         def class_alias():\n    kind = Engine\n    return kind.size\n\
         class Shop:\n    engine_class = Engine\n    def open(self):\n        engine = self.engine_class()\n        engine.start()\n",
    );
    let edges = exact_edges(&graph);
    // A field assigned from an annotated parameter.
    assert_has(&edges, "use.Car.drive -> engine.Engine.start (call)");
    assert_has(&edges, "use.Car.drive -> engine.Engine.size (reference)");
    // A parameter without an annotation has the type of its default.
    assert_has(&edges, "use.Car.repair -> engine.Engine.start (call)");
    // A field that a base class assigns.
    assert_has(&edges, "use.SportsCar.race -> engine.Engine.start (call)");
    // A local assigned from a field read.
    assert_has(&edges, "use.local -> engine.Engine.start (call)");
    // A local bound to the class itself.
    assert_has(&edges, "use.class_alias -> engine.Engine.size (reference)");
    // A class attribute bound to a class, called to make an instance.
    assert_has(&edges, "use.Shop.open -> engine.Engine.start (call)");
    assert!(
        candidate_edges(&graph).is_empty(),
        "every receiver is typed: {:?}",
        candidate_edges(&graph)
    );
}

#[test]
fn with_targets_and_aliased_bases_resolve() {
    let graph = build(
        "# file: runners.py\n\
         class Runner:\n    def __enter__(self):\n        return self\n    def run(self):\n        pass\n\
         class Lock:\n    def __enter__(self):\n        return None\n    def release(self):\n        pass\n\
         def main():\n    with Runner() as runner:\n        runner.run()\n    with Lock() as lock:\n        lock.release()\n\
         class Future:\n    def __init__(self):\n        pass\n\
         _PyFuture = Future\n\
         class Task(_PyFuture):\n    def __init__(self):\n        super().__init__()\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "runners.main -> runners.Runner.run (call)");
    assert_lacks(&edges, "runners.main -> runners.Lock.release (call)");
    assert_has(
        &edges,
        "runners.Task.__init__ -> runners.Future.__init__ (call)",
    );
}

#[test]
fn decorators_and_properties_are_dependencies() {
    let graph = build(
        "# file: deco.py\n\
         def retry(f):\n    return f\n\
         # file: jobs.py\n\
         from deco import retry\n\
         class Job:\n    @property\n    def size(self):\n        return 1\n    def report(self):\n        return self.size\n\
         @retry\n\
         def sync():\n    pass\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "jobs.sync -> deco.retry (decorator)");
    assert_has(&edges, "jobs.Job.report -> jobs.Job.size (reference)");
}

#[test]
fn class_body_names_resolve_in_the_class() {
    let graph = build(
        "# file: futures.py\n\
         def output():\n    pass\n\
         class Future:\n    def __await__(self):\n        pass\n    __iter__ = __await__\n\
         \x20   def output(self):\n        pass\n    __str__ = output\n\
         \x20   @property\n    def debug(self):\n        return 1\n\
         \x20   @debug.setter\n    def debug(self, value):\n        pass\n\
         \x20   def show(self):\n        return output()\n\
         def retry(f):\n    return f\n\
         class Job:\n    def retry(self):\n        pass\n    @retry\n    def sync(self):\n        pass\n",
    );
    let edges = exact_edges(&graph);
    assert_has(
        &edges,
        "futures.Future.__iter__ -> futures.Future.__await__ (reference)",
    );
    assert_has(
        &edges,
        "futures.Future.__str__ -> futures.Future.output (reference)",
    );
    assert_lacks(
        &edges,
        "futures.Future.__str__ -> futures.output (reference)",
    );
    // The setter's decorator names the getter, which is defined before it.
    let setter = graph
        .symbols
        .iter()
        .rposition(|s| s.name == "futures.Future.debug")
        .unwrap();
    let getter = graph
        .symbols
        .iter()
        .position(|s| s.name == "futures.Future.debug")
        .unwrap();
    assert_ne!(setter, getter, "the getter and the setter are two symbols");
    assert!(
        graph.edges.iter().any(|e| e.source as usize == setter
            && e.target as usize == getter
            && e.kind == crate::EdgeKind::Decorator),
        "the setter depends on the getter through its decorator:\n{}",
        edges.join("\n")
    );
    // A method cannot use the names of its class body.
    assert_has(&edges, "futures.Future.show -> futures.output (call)");
    assert_lacks(
        &edges,
        "futures.Future.show -> futures.Future.output (call)",
    );
    // A decorator in a class body gets the members defined before it.
    assert_has(&edges, "futures.Job.sync -> futures.Job.retry (decorator)");
    assert_lacks(&edges, "futures.Job.sync -> futures.retry (decorator)");
}

#[test]
fn global_declarations_bind_module_names() {
    let graph = build(
        "# file: events.py\n\
         _policy = None\n\
         counter = 0\n\
         def set_policy(policy):\n    global _policy\n    _policy = policy\n\
         def bump():\n    global counter\n    counter = 1\n    return counter\n\
         def shadow():\n    counter = 2\n    return counter\n",
    );
    let edges = exact_edges(&graph);
    assert_has(&edges, "events.set_policy -> events._policy (reference)");
    assert_has(&edges, "events.bump -> events.counter (reference)");
    assert_lacks(&edges, "events.shadow -> events.counter (reference)");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 5000;
    let mut source = String::from("def f():\n    return ");
    source.push_str(&"(".repeat(depth));
    source.push('1');
    source.push_str(&")".repeat(depth));
    source.push('\n');
    let graph = build(&format!("# file: deep.py\n{source}"));
    assert!(graph.symbols.iter().any(|s| s.name == "deep.f"));
}

#[test]
fn parse_timeout_skips_the_file() {
    let body: String = (0..20_000)
        .map(|i| format!("def f{i}(x):\n    return x + {i}\n"))
        .collect();
    let file = SourceFile {
        path: "big.py".to_owned(),
        bytes: body.into_bytes(),
    };
    let options = ExtractOptions {
        parse_timeout: std::time::Duration::ZERO,
        ..ExtractOptions::default()
    };
    let extracted = crate::extract_file(&file, &options).unwrap();
    assert_eq!(extracted.outcome.err(), Some(crate::SkipReason::TimedOut));
    let normal = crate::extract_file(&file, &ExtractOptions::default()).unwrap();
    assert!(normal.outcome.is_ok());
}

#[test]
fn self_referential_assignments_resolve_quickly() {
    // Each line rebinds `s` from itself; resolving it must not take time
    // exponential in the number of lines.
    let body: String = (0..40).map(|_| "    s = s.encode('a')\n").collect();
    let graph = build(&format!(
        "# file: m.py\ndef f(s):\n{body}    return s.decode()\n"
    ));
    assert!(graph.symbols.iter().any(|s| s.name == "m.f"));
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

/// Classes that inherit from themselves or from each other, imports that
/// rename names into each other, and a name assigned from itself:
/// resolution ends and links no symbol to itself.
#[test]
fn self_referential_names_terminate() {
    let graph = build_on_small_stack(
        "# file: pkg/__init__.py
# file: pkg/a.py
from pkg.b import y as x


class A(A):
    def f(self):
        return self.g()


class B(C):
    pass


class C(B):
    pass


def use():
    A().f()
    B().missing()
    x()
# file: pkg/b.py
from pkg.a import x as y

z = z
z.w()
"
        .to_owned(),
    );
    let names: Vec<&str> = graph.symbols.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"pkg.a.use"), "{names:?}");
    let self_edges: Vec<&crate::Edge> = graph
        .edges
        .iter()
        .filter(|edge| edge.source == edge.target)
        .collect();
    assert!(self_edges.is_empty(), "self edges: {self_edges:?}");
}

#[test]
fn private_module_paths() {
    assert!(super::is_private_path("src/click/_compat.py"));
    assert!(super::is_private_path("pkg/_impl/core.py"));
    assert!(!super::is_private_path("pkg/__init__.py"));
    assert!(!super::is_private_path("pkg/core.py"));
}

#[test]
fn test_case_from_repository_unittest() {
    // The repository defines `unittest` itself, as CPython's `Lib` does.
    let graph = build(
        "# file: unittest/__init__.py
from .case import TestCase
# file: unittest/case.py
class TestCase(object):
    def run(self):
        pass
# file: test_palette.py
import unittest

class PaletteTest(unittest.TestCase):
    def test_shade(self):
        pass

class Helper(object):
    def test_like(self):
        pass
",
    );
    let is_test_class = |name: &str| {
        graph
            .symbols
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} is missing from the graph"))
            .test_class
    };
    assert!(is_test_class("test_palette.PaletteTest"));
    assert!(!is_test_class("test_palette.Helper"));
}
