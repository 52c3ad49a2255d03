//! Reverse reachability: everything that depends on a symbol, directly or
//! transitively, with its depth, split into certain dependents (reached
//! through exact edges only) and possible ones (some candidate edge on the
//! way, weighted by the product of candidate weights, down to a least
//! weight).

use std::collections::VecDeque;

use blast_graph::{Edge, EdgeKind, Graph, Resolution, SymbolId, SymbolKind};
use rustc_hash::FxHashMap;

/// A dependent found by [`reach`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reached {
    pub symbol: SymbolId,
    pub depth: u32,
    pub weight: f64,
    /// The symbol it was first reached from: the start for direct
    /// dependents, else a dependent one level nearer.
    pub via: SymbolId,
}

/// The dependents of one symbol.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reach {
    /// In breadth-first order: nearest first.
    pub certain: Vec<Reached>,
    pub possible: Vec<Reached>,
    /// The search stopped at `max_dependents` or `max_edges`.
    pub truncated: bool,
    /// The search stopped because it had examined `max_edges` edges.
    pub edge_limited: bool,
    /// Edges into visited symbols that the search examined, over both
    /// phases: the work it did.
    pub edges_examined: u64,
}

/// The bounds of one search for dependents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// The maximum number of certain dependents, and of possible ones. The
    /// result is marked truncated when the search reaches it.
    pub max_dependents: usize,
    /// The maximum number of edges to examine. The result is marked
    /// truncated and edge-limited when the search reaches it.
    pub max_edges: u64,
    /// A possible dependent whose path weight is below this is left out
    /// and not searched further. Weights multiply along a path, so after a
    /// few calls by name most of a large repository is reachable with a
    /// weight of a thousandth or less. Such dependents tell a reviewer
    /// nothing, and finding them cost a diff most of the repository.
    pub min_weight: f64,
}

impl Limits {
    /// At most `max_dependents` of each kind, with no other limit.
    pub fn dependents(max_dependents: usize) -> Limits {
        Limits {
            max_dependents,
            max_edges: u64::MAX,
            min_weight: 0.0,
        }
    }
}

/// Visit state per symbol. A dependent reached through an import is listed
/// but not searched further (see `EdgeKind::propagates`), unless another
/// edge reaches it too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unseen,
    Listed,
    Expanded,
}

/// Finds the dependents of `start`. Cycles are harmless: each symbol is
/// expanded at most once per phase. The work is proportional to the edges
/// into the symbols it visits, not to the size of the graph, because a diff
/// can change tens of thousands of symbols.
///
/// Scope edges (a definition using a name its module imports) are followed
/// only out of the start, and only when their import line is among
/// `start_lines`: a changed import reaches the users of what it binds.
/// Dependents reached through an edge into a module are listed but not
/// searched further, because depending on a module's top-level code does not
/// pass a change on to one's own dependents.
pub fn reach(
    graph: &Graph,
    start: SymbolId,
    max_dependents: usize,
    start_lines: &[(u32, u32)],
) -> Reach {
    reach_within(
        graph,
        start,
        &Limits::dependents(max_dependents),
        start_lines,
    )
}

/// [`reach`] within all of `limits`.
pub fn reach_within(
    graph: &Graph,
    start: SymbolId,
    limits: &Limits,
    start_lines: &[(u32, u32)],
) -> Reach {
    let &Limits {
        max_dependents,
        max_edges,
        min_weight,
    } = limits;
    let mut result = Reach::default();
    let follows = |node: SymbolId, edge: &Edge| {
        edge.kind != EdgeKind::Scope
            || (node == start
                && start_lines
                    .iter()
                    .any(|&(a, b)| a <= edge.line && edge.line <= b))
    };
    let expands = |node: SymbolId, edge: &Edge| {
        edge.kind.propagates() && graph.symbols[node as usize].kind != SymbolKind::Module
    };

    // Phase 1: exact edges only, breadth first, so depths are shortest.
    let mut state: FxHashMap<SymbolId, State> = FxHashMap::default();
    let mut depth: FxHashMap<SymbolId, u32> = FxHashMap::default();
    let state_of =
        |map: &FxHashMap<SymbolId, State>, id: SymbolId| *map.get(&id).unwrap_or(&State::Unseen);
    let depth_of = |map: &FxHashMap<SymbolId, u32>, id: SymbolId| *map.get(&id).unwrap_or(&0);
    state.insert(start, State::Expanded);
    let mut queue = VecDeque::from([start]);
    'exact: while let Some(node) = queue.pop_front() {
        for edge in dependent_edges(graph, node) {
            if result.edges_examined >= max_edges {
                result.truncated = true;
                result.edge_limited = true;
                break 'exact;
            }
            result.edges_examined += 1;
            let certain = edge.resolution == Resolution::Exact && edge_weight(graph, edge) >= 1.0;
            if !certain || !follows(node, edge) {
                continue;
            }
            let dependent = edge.source;
            let expand = expands(node, edge);
            match state_of(&state, dependent) {
                State::Expanded => continue,
                State::Listed if !expand => continue,
                State::Listed => {}
                State::Unseen => {
                    if result.certain.len() >= max_dependents {
                        result.truncated = true;
                        break 'exact;
                    }
                    let dependent_depth = depth_of(&depth, node) + 1;
                    depth.insert(dependent, dependent_depth);
                    result.certain.push(Reached {
                        symbol: dependent,
                        depth: dependent_depth,
                        weight: 1.0,
                        via: node,
                    });
                }
            }
            if expand {
                state.insert(dependent, State::Expanded);
                queue.push_back(dependent);
            } else {
                state.insert(dependent, State::Listed);
            }
        }
    }

    // Phase 2: from the start and every expanded certain dependent, follow
    // all edges; whatever is new is possible, with the product of weights,
    // unless that product is below the least weight.
    // The symbols expanded in phase 1 are the start and the certain
    // dependents marked expanded; they start phase 2 with weight 1.
    let mut weight: FxHashMap<SymbolId, f64> = FxHashMap::default();
    let mut possible_state: FxHashMap<SymbolId, State> = FxHashMap::default();
    let mut queue: VecDeque<SymbolId> = VecDeque::new();
    let expanded = std::iter::once(start).chain(
        result
            .certain
            .iter()
            .map(|reached| reached.symbol)
            .filter(|&id| state_of(&state, id) == State::Expanded),
    );
    for id in expanded {
        weight.insert(id, 1.0);
        possible_state.insert(id, State::Expanded);
        queue.push_back(id);
    }
    let weight_of = |map: &FxHashMap<SymbolId, f64>, id: SymbolId| *map.get(&id).unwrap_or(&0.0);
    'possible: while let Some(node) = queue.pop_front() {
        if result.edge_limited {
            break;
        }
        for edge in dependent_edges(graph, node) {
            if result.edges_examined >= max_edges {
                result.truncated = true;
                result.edge_limited = true;
                break 'possible;
            }
            result.edges_examined += 1;
            let dependent = edge.source;
            if state_of(&state, dependent) != State::Unseen || !follows(node, edge) {
                continue;
            }
            let new_weight = weight_of(&weight, node) * edge_weight(graph, edge);
            if new_weight < min_weight {
                continue;
            }
            let expand = expands(node, edge);
            match state_of(&possible_state, dependent) {
                State::Expanded => continue,
                State::Listed if !expand => {
                    let kept = weight_of(&weight, dependent).max(new_weight);
                    weight.insert(dependent, kept);
                    continue;
                }
                State::Listed => {}
                State::Unseen => {
                    if result.possible.len() >= max_dependents {
                        result.truncated = true;
                        break 'possible;
                    }
                    let dependent_depth = depth_of(&depth, node) + 1;
                    depth.insert(dependent, dependent_depth);
                    result.possible.push(Reached {
                        symbol: dependent,
                        depth: dependent_depth,
                        weight: 0.0,
                        via: node,
                    });
                }
            }
            let kept = weight_of(&weight, dependent).max(new_weight);
            weight.insert(dependent, kept);
            if expand {
                possible_state.insert(dependent, State::Expanded);
                queue.push_back(dependent);
            } else {
                possible_state.insert(dependent, State::Listed);
            }
        }
    }
    for reached in &mut result.possible {
        reached.weight = weight_of(&weight, reached.symbol);
    }
    result
}

/// Returns the weight of following `edge` from its target to its source:
/// 1 for an exact edge, the edge's weight for a candidate. An override
/// edge from a method with several overrides weighs 1 over their number,
/// because a call of the overridden method runs a given override only
/// when the receiver has that type.
fn edge_weight(graph: &Graph, edge: &Edge) -> f64 {
    if edge.resolution != Resolution::Exact {
        return f64::from(edge.weight);
    }
    if edge.kind != EdgeKind::Override {
        return 1.0;
    }
    let overrides = graph
        .dependencies(edge.source)
        .iter()
        .filter(|e| e.kind == EdgeKind::Override)
        .count();
    1.0 / overrides.max(1) as f64
}

/// Returns the edges into `node`, with each constructor edge `C → node`
/// replaced by the call edges into class `C`. Calling a class runs its
/// constructor, so a change to the constructor reaches the class's callers.
/// The constructor edge itself is kept when `C` inherits `node` rather than
/// defining it, so that the subclass is listed as affected.
fn dependent_edges(graph: &Graph, node: SymbolId) -> impl Iterator<Item = &Edge> + '_ {
    graph.dependents(node).flat_map(move |edge| {
        let is_constructor = edge.kind == EdgeKind::Constructor;
        let own_class = is_constructor && graph.symbols[node as usize].parent == Some(edge.source);
        let calls = is_constructor.then(|| {
            graph
                .dependents(edge.source)
                .filter(|call| call.kind == EdgeKind::Call)
        });
        (!own_class)
            .then_some(edge)
            .into_iter()
            .chain(calls.into_iter().flatten())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use blast_graph::{ExtractOptions, GraphOptions, SourceFile, extract_all};

    use super::*;

    pub(crate) fn graph(files: &[(&str, &str)]) -> Graph {
        let sources: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile {
                path: (*path).to_owned(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        let extracted: Vec<_> = extract_all(&sources, &ExtractOptions::default())
            .into_iter()
            .map(Arc::new)
            .collect();
        Graph::build(&extracted, &GraphOptions::default())
    }

    fn id(graph: &Graph, name: &str) -> SymbolId {
        let idx = graph
            .symbols
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("no symbol {name}"));
        u32::try_from(idx).unwrap()
    }

    fn names(graph: &Graph, reached: &[Reached]) -> Vec<(String, u32)> {
        reached
            .iter()
            .map(|r| (graph.symbols[r.symbol as usize].name.clone(), r.depth))
            .collect()
    }

    #[test]
    fn transitive_calls_have_depths() {
        let g = graph(&[
            ("a.py", "def base():\n    pass\n"),
            (
                "b.py",
                "from a import base\n\ndef mid():\n    return base()\n",
            ),
            (
                "c.py",
                "from b import mid\n\ndef top():\n    return mid()\n",
            ),
            ("d.py", "import c\n"),
        ]);
        let result = reach(&g, id(&g, "a.base"), 1000, &[]);
        let certain = names(&g, &result.certain);
        assert!(certain.contains(&("b.mid".to_owned(), 1)), "{certain:?}");
        assert!(certain.contains(&("c.top".to_owned(), 2)), "{certain:?}");
        assert!(
            certain.contains(&("b".to_owned(), 1)),
            "the importing module is listed: {certain:?}"
        );
        assert!(
            certain.contains(&("c".to_owned(), 2)),
            "c imports mid: {certain:?}"
        );
        assert!(
            !certain.iter().any(|(n, _)| n == "d"),
            "imports do not propagate: {certain:?}"
        );
        assert!(result.possible.is_empty());
    }

    #[test]
    fn dependents_name_the_symbol_they_came_through() {
        let g = graph(&[
            ("a.py", "def base():\n    pass\n"),
            (
                "b.py",
                "from a import base\n\ndef mid():\n    return base()\n",
            ),
            (
                "c.py",
                "from b import mid\n\ndef top():\n    return mid()\n",
            ),
        ]);
        let result = reach(&g, id(&g, "a.base"), 1000, &[]);
        let via_of = |name: &str| {
            let reached = result
                .certain
                .iter()
                .find(|r| g.symbols[r.symbol as usize].name == name)
                .unwrap_or_else(|| panic!("{name} not reached"));
            g.symbols[reached.via as usize].name.as_str()
        };
        assert_eq!(via_of("b.mid"), "a.base");
        assert_eq!(via_of("c.top"), "b.mid");
    }

    #[test]
    fn cycles_terminate() {
        let g = graph(&[
            ("a.py", "import b\n\ndef ping():\n    return b.pong()\n"),
            ("b.py", "import a\n\ndef pong():\n    return a.ping()\n"),
        ]);
        let result = reach(&g, id(&g, "a.ping"), 1000, &[]);
        let certain = names(&g, &result.certain);
        assert!(certain.contains(&("b.pong".to_owned(), 1)), "{certain:?}");
        assert!(
            !certain.iter().any(|(n, _)| n == "a.ping"),
            "the start is not its own dependent"
        );
    }

    #[test]
    fn candidates_are_possible_with_weights() {
        let g = graph(&[
            ("a.py", "class A:\n    def close(self):\n        pass\n"),
            ("b.py", "class B:\n    def close(self):\n        pass\n"),
            (
                "c.py",
                "def shutdown(x):\n    x.close()\n\ndef main():\n    shutdown(1)\n",
            ),
        ]);
        let result = reach(&g, id(&g, "a.A.close"), 1000, &[]);
        assert!(result.certain.is_empty());
        let possible: Vec<(String, u32, f64)> = result
            .possible
            .iter()
            .map(|r| (g.symbols[r.symbol as usize].name.clone(), r.depth, r.weight))
            .collect();
        assert_eq!(
            possible,
            vec![
                ("c.shutdown".to_owned(), 1, 0.5),
                ("c.main".to_owned(), 2, 0.5)
            ]
        );
    }

    /// Two calls by name in a row, among two and then three definitions,
    /// weigh a sixth. A least weight above that stops the search after the
    /// first call, so the dependents beyond it are not searched.
    #[test]
    fn least_weight_leaves_out_unlikely_paths() {
        let g = graph(&[
            (
                "a.py",
                "class A:\n    def close(self):\n        pass\n\n    def stop(self):\n        pass\n",
            ),
            (
                "b.py",
                "class B:\n    def close(self):\n        pass\n\n    def stop(self):\n        pass\n",
            ),
            (
                "c.py",
                "class C:\n    def stop(self, x):\n        x.close()\n\ndef halt(y):\n    y.stop()\n\ndef main():\n    halt(1)\n",
            ),
        ]);
        let found = |min_weight: f64| -> Vec<(String, u32)> {
            let limits = Limits {
                min_weight,
                ..Limits::dependents(1000)
            };
            reach_within(&g, id(&g, "a.A.close"), &limits, &[])
                .possible
                .iter()
                .map(|r| {
                    let name = g.symbols[r.symbol as usize].name.clone();
                    (name, (r.weight * 1000.0).round() as u32)
                })
                .collect()
        };
        let all = found(0.0);
        let expected = [("c.C.stop", 500), ("c.halt", 167), ("c.main", 167)]
            .map(|(name, weight)| (name.to_owned(), weight));
        assert_eq!(all, expected, "weights in thousandths");
        assert_eq!(found(0.1), all);
        assert_eq!(found(0.3), expected[..1]);
    }

    #[test]
    fn constructor_change_reaches_callers_of_the_class() {
        let g = graph(&[
            (
                "a.py",
                "class Repo:\n    def __init__(self):\n        pass\n\nclass Cached(Repo):\n    pass\n",
            ),
            (
                "b.py",
                "from a import Repo, Cached\n\ndef make():\n    return Repo()\n\ndef make_cached():\n    return Cached()\n\ndef annotate(repo: Repo):\n    return repo\n",
            ),
            (
                "c.py",
                "from b import make\n\ndef top():\n    return make()\n",
            ),
        ]);
        let result = reach(&g, id(&g, "a.Repo.__init__"), 1000, &[]);
        let certain = names(&g, &result.certain);
        assert!(certain.contains(&("b.make".to_owned(), 1)), "{certain:?}");
        assert!(
            certain.contains(&("b.make_cached".to_owned(), 1)),
            "a subclass that inherits the constructor: {certain:?}"
        );
        assert!(
            certain.contains(&("a.Cached".to_owned(), 1)),
            "the subclass is listed: {certain:?}"
        );
        assert!(certain.contains(&("c.top".to_owned(), 2)), "{certain:?}");
        assert!(
            !certain.iter().any(|(n, _)| n == "a.Repo"),
            "the class that defines the constructor is not its dependent: {certain:?}"
        );
        assert!(
            !certain.iter().any(|(n, _)| n == "b.annotate"),
            "an annotation does not run the constructor: {certain:?}"
        );
    }

    #[test]
    fn limit_marks_truncation() {
        let g = graph(&[
            ("a.py", "def base():\n    pass\n"),
            (
                "b.py",
                "from a import base\n\ndef one():\n    base()\n\ndef two():\n    base()\n",
            ),
        ]);
        let result = reach(&g, id(&g, "a.base"), 1, &[]);
        assert_eq!(result.certain.len(), 1);
        assert!(result.truncated);
    }

    /// A chain of calls: each function calls the one before it.
    fn chain(length: usize) -> Graph {
        let mut text = String::from("def f0():\n    pass\n");
        for idx in 1..length {
            text.push_str(&format!("\ndef f{idx}():\n    f{}()\n", idx - 1));
        }
        graph(&[("a.py", &text)])
    }

    #[test]
    fn edge_limit_stops_the_search() {
        let g = chain(50);
        let whole = reach(&g, id(&g, "a.f0"), 1000, &[]);
        assert!(!whole.truncated);
        assert_eq!(whole.certain.len(), 49);

        let limits = Limits {
            max_edges: 10,
            ..Limits::dependents(1000)
        };
        let limited = reach_within(&g, id(&g, "a.f0"), &limits, &[]);
        assert!(limited.truncated);
        assert!(limited.edge_limited);
        assert_eq!(limited.edges_examined, 10);
        assert!(limited.certain.len() < whole.certain.len());
        // What was found is the nearest part of the full result.
        assert_eq!(limited.certain[..], whole.certain[..limited.certain.len()]);
    }

    /// The work is the edges into visited symbols, not the graph's size:
    /// a symbol without dependents costs no edge in a large graph.
    #[test]
    fn work_counts_visited_edges_only() {
        let g = chain(2_000);
        let last = id(&g, "a.f1999");
        let result = reach(&g, last, 1000, &[]);
        assert!(result.certain.is_empty());
        assert_eq!(result.edges_examined, 0);

        let first = reach(&g, id(&g, "a.f1998"), 1000, &[]);
        assert_eq!(first.certain.len(), 1);
        assert!(first.edges_examined <= 4, "{}", first.edges_examined);
    }

    #[test]
    fn one_of_several_overrides_is_possible() {
        let shape = "package demo;\n\npublic interface Shape {\n    double area();\n}\n";
        let circle = "package demo;\n\npublic class Circle implements Shape {\n    public double area() {\n        return 3.0;\n    }\n}\n";
        let square = "package demo;\n\npublic class Square implements Shape {\n    public double area() {\n        return 1.0;\n    }\n}\n";
        let caller = "package demo;\n\npublic class Report {\n    static double total(Shape s) {\n        return s.area();\n    }\n}\n";
        let files = [
            ("src/demo/Shape.java", shape),
            ("src/demo/Circle.java", circle),
            ("src/demo/Report.java", caller),
        ];

        // The only override: a call of the interface method runs it.
        let single = graph(&files);
        let only = reach(&single, id(&single, "demo.Circle.area()"), 100, &[]);
        let certain = names(&single, &only.certain);
        assert!(
            certain.contains(&("demo.Report.total(Shape)".to_owned(), 2)),
            "{certain:?}"
        );

        // One of two: the caller runs it only for a Circle.
        let mut files = files.to_vec();
        files.push(("src/demo/Square.java", square));
        let pair = graph(&files);
        let circle = reach(&pair, id(&pair, "demo.Circle.area()"), 100, &[]);
        assert!(
            circle.certain.is_empty(),
            "{:?}",
            names(&pair, &circle.certain)
        );
        let total = circle
            .possible
            .iter()
            .find(|r| pair.symbols[r.symbol as usize].name == "demo.Report.total(Shape)")
            .expect("the caller is a possible dependent");
        assert!((total.weight - 0.5).abs() < 1e-9, "{}", total.weight);
    }
}
