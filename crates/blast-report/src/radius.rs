//! The blast radius as a picture: DOT for Graphviz, or a Mermaid flowchart
//! (which GitHub renders in Markdown). Each changed symbol that scores above
//! 0 is a bold node, and its nearest dependents point at the symbol through
//! which the search reached them, so the arrows follow the dependency paths.
//! An arrow `A -> B` means that A depends on B, as in `blast graph`. Possible
//! dependents have dashed arrows labelled with their weight.

use std::collections::BTreeMap;
use std::fmt::Write;

use blast_score::{ChangedSymbol, Dependent, Report};

/// Output format of the blast-radius picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RadiusFormat {
    Dot,
    Mermaid,
}

/// Changed symbols drawn at most, highest score first; the rest are counted
/// in a comment.
const MAX_CHANGES: usize = 20;

/// A node of the picture: its label lines and whether it is a changed symbol.
struct Node {
    id: usize,
    label: Vec<String>,
    changed: bool,
}

/// An arrow from a dependent to what it depends on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Arrow {
    from: usize,
    to: usize,
    /// For possible dependents: the weight, with two decimals.
    weight: Option<String>,
}

/// Renders the blast radius of the report's changed symbols, with up to
/// `max_dependents` certain and as many possible dependents per symbol.
pub fn render_radius(report: &Report, format: RadiusFormat, max_dependents: usize) -> String {
    let drawn: Vec<&ChangedSymbol> = report
        .changes
        .iter()
        .filter(|c| c.score.value > 0)
        .take(MAX_CHANGES)
        .collect();
    let omitted = report.changes.iter().filter(|c| c.score.value > 0).count() - drawn.len();

    // Nodes are keyed by qualified name; a changed symbol is keyed by its
    // base-side name, which its direct dependents name as `via`.
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for change in &drawn {
        let key = change.old_name.as_deref().unwrap_or(&change.name);
        let label = vec![
            change.name.clone(),
            format!(
                "{} {}, {}{}",
                change.score.value,
                change.score.level.name(),
                crate::change_word(change),
                crate::modification_mark(change)
            ),
        ];
        add_node(&mut nodes, key, label, true);
    }
    // Definitions that share a name (two `#[cfg]` variants of one item) are
    // drawn apart, keyed and labelled with their line.
    let mut lines_of: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for change in &drawn {
        for dep in change.certain.iter().chain(&change.possible) {
            lines_of.entry(&dep.name).or_default().push(dep.line);
        }
    }
    let key_of = |dep: &Dependent| {
        let lines = &lines_of[dep.name.as_str()];
        if lines.iter().any(|&line| line != dep.line) {
            format!("{} (line {})", dep.name, dep.line)
        } else {
            dep.name.clone()
        }
    };
    let mut arrows: Vec<Arrow> = Vec::new();
    for change in &drawn {
        let root = nodes[change.old_name.as_deref().unwrap_or(&change.name)].id;
        let listed = change
            .certain
            .iter()
            .take(max_dependents)
            .map(|d| (d, false))
            .chain(
                change
                    .possible
                    .iter()
                    .take(max_dependents)
                    .map(|d| (d, true)),
            );
        let listed: Vec<(&Dependent, bool)> = listed.collect();
        for (dep, _) in &listed {
            let key = key_of(dep);
            add_node(&mut nodes, &key, vec![key.clone()], false);
        }
        for (dep, possible) in listed {
            let from = nodes[&key_of(dep)].id;
            // A dependent whose `via` is not drawn points at the changed
            // symbol itself.
            let to = nodes.get(&dep.via).map_or(root, |n| n.id);
            if from != to {
                arrows.push(Arrow {
                    from,
                    to,
                    weight: possible.then(|| format!("{:.2}", dep.weight)),
                });
            }
        }
    }
    arrows.sort();
    arrows.dedup_by(|a, b| a.from == b.from && a.to == b.to);

    let mut ordered: Vec<&Node> = nodes.values().collect();
    ordered.sort_by_key(|n| n.id);
    match format {
        RadiusFormat::Dot => dot(&ordered, &arrows, omitted),
        RadiusFormat::Mermaid => mermaid(&ordered, &arrows, omitted),
    }
}

/// Adds a node unless its key is taken, and returns its id. Ids count up
/// in the order nodes are added, so the output follows the report's order.
fn add_node(
    nodes: &mut BTreeMap<String, Node>,
    key: &str,
    label: Vec<String>,
    changed: bool,
) -> usize {
    let next = nodes.len();
    nodes
        .entry(key.to_owned())
        .or_insert(Node {
            id: next,
            label,
            changed,
        })
        .id
}

fn dot(nodes: &[&Node], arrows: &[Arrow], omitted: usize) -> String {
    let mut out = String::from("digraph blast_radius {\n  rankdir=LR;\n  node [shape=box];\n");
    if omitted > 0 {
        let _ = writeln!(out, "  // {omitted} more changed symbols are not drawn");
    }
    for node in nodes {
        let label: Vec<String> = node.label.iter().map(|l| dot_escape(l)).collect();
        let style = if node.changed { ", style=bold" } else { "" };
        let _ = writeln!(
            out,
            "  n{} [label=\"{}\"{style}];",
            node.id,
            label.join("\\n")
        );
    }
    for arrow in arrows {
        match &arrow.weight {
            Some(weight) => {
                let _ = writeln!(
                    out,
                    "  n{} -> n{} [style=dashed, label=\"{weight}\"];",
                    arrow.from, arrow.to
                );
            }
            None => {
                let _ = writeln!(out, "  n{} -> n{};", arrow.from, arrow.to);
            }
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid(nodes: &[&Node], arrows: &[Arrow], omitted: usize) -> String {
    let mut out = String::from("flowchart LR\n");
    if omitted > 0 {
        let _ = writeln!(out, "  %% {omitted} more changed symbols are not drawn");
    }
    for node in nodes {
        let label: Vec<String> = node.label.iter().map(|l| mermaid_escape(l)).collect();
        let _ = writeln!(out, "  n{}[\"{}\"]", node.id, label.join("<br/>"));
    }
    for arrow in arrows {
        match &arrow.weight {
            Some(weight) => {
                let _ = writeln!(out, "  n{} -.->|{weight}| n{}", arrow.from, arrow.to);
            }
            None => {
                let _ = writeln!(out, "  n{} --> n{}", arrow.from, arrow.to);
            }
        }
    }
    let changed: Vec<String> = nodes
        .iter()
        .filter(|n| n.changed)
        .map(|n| format!("n{}", n.id))
        .collect();
    if !changed.is_empty() {
        out.push_str("  classDef changed stroke-width:3px\n");
        let _ = writeln!(out, "  class {} changed", changed.join(","));
    }
    out
}

/// Escapes a DOT string: quotes and backslashes, and line breaks as `\n`.
fn dot_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a quoted Mermaid label with its entity codes: the label is HTML,
/// and `#` starts an entity code.
fn mermaid_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(dot_escape("a\"b\\c\nd"), "a\\\"b\\\\c d");
        assert_eq!(
            mermaid_escape("m::<T as A>#\""),
            "m::#lt;T as A#gt;#35;#quot;"
        );
    }
}
