//! Reverse reachability: everything that depends on a symbol, directly or
//! transitively, with its depth, split into certain dependents (reached
//! through exact edges only) and possible ones (some candidate edge on the
//! way, weighted by the product of candidate weights).

use std::collections::VecDeque;

use blast_graph::{Edge, EdgeKind, Graph, Resolution, SymbolId, SymbolKind};

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
    /// The search stopped at `max_dependents`.
    pub truncated: bool,
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
/// expanded at most once per phase.
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
    let n = graph.symbols.len();
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
    let mut state = vec![State::Unseen; n];
    let mut depth = vec![0u32; n];
    state[start as usize] = State::Expanded;
    let mut queue = VecDeque::from([start]);
    'exact: while let Some(node) = queue.pop_front() {
        for edge in graph.dependents(node) {
            if edge.resolution != Resolution::Exact || !follows(node, edge) {
                continue;
            }
            let dependent = edge.source as usize;
            let expand = expands(node, edge);
            match state[dependent] {
                State::Expanded => continue,
                State::Listed if !expand => continue,
                State::Listed => {}
                State::Unseen => {
                    if result.certain.len() >= max_dependents {
                        result.truncated = true;
                        break 'exact;
                    }
                    depth[dependent] = depth[node as usize] + 1;
                    result.certain.push(Reached {
                        symbol: edge.source,
                        depth: depth[dependent],
                        weight: 1.0,
                        via: node,
                    });
                }
            }
            if expand {
                state[dependent] = State::Expanded;
                queue.push_back(edge.source);
            } else {
                state[dependent] = State::Listed;
            }
        }
    }

    // Phase 2: from the start and every expanded certain dependent, follow
    // all edges; whatever is new is possible, with the product of weights.
    let mut weight = vec![0f64; n];
    let mut possible_state = vec![State::Unseen; n];
    let mut queue: VecDeque<SymbolId> = VecDeque::new();
    for (idx, s) in state.iter().enumerate() {
        if *s == State::Expanded {
            weight[idx] = 1.0;
            possible_state[idx] = State::Expanded;
        }
    }
    queue.push_back(start);
    for reached in &result.certain {
        if state[reached.symbol as usize] == State::Expanded {
            queue.push_back(reached.symbol);
        }
    }
    'possible: while let Some(node) = queue.pop_front() {
        for edge in graph.dependents(node) {
            let dependent = edge.source as usize;
            if state[dependent] != State::Unseen || !follows(node, edge) {
                continue;
            }
            let edge_weight = if edge.resolution == Resolution::Exact {
                1.0
            } else {
                f64::from(edge.weight)
            };
            let new_weight = weight[node as usize] * edge_weight;
            let expand = expands(node, edge);
            match possible_state[dependent] {
                State::Expanded => continue,
                State::Listed if !expand => {
                    weight[dependent] = weight[dependent].max(new_weight);
                    continue;
                }
                State::Listed => {}
                State::Unseen => {
                    if result.possible.len() >= max_dependents {
                        result.truncated = true;
                        break 'possible;
                    }
                    depth[dependent] = depth[node as usize] + 1;
                    result.possible.push(Reached {
                        symbol: edge.source,
                        depth: depth[dependent],
                        weight: 0.0,
                        via: node,
                    });
                }
            }
            weight[dependent] = weight[dependent].max(new_weight);
            if expand {
                possible_state[dependent] = State::Expanded;
                queue.push_back(edge.source);
            } else {
                possible_state[dependent] = State::Listed;
            }
        }
    }
    for reached in &mut result.possible {
        reached.weight = weight[reached.symbol as usize];
    }
    result
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use blast_graph::{ExtractOptions, GraphOptions, SourceFile, extract_all};

    use super::*;

    fn graph(files: &[(&str, &str)]) -> Graph {
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
}
