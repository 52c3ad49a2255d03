//! Parent lookups from one walk over a syntax tree.
//!
//! `Node::parent` searches down from the root on each call, scanning the
//! children of every ancestor on the way. Per reference in deeply nested or
//! very wide code (`f(a, f(a, ...))`, or an `ERROR` node with tens of
//! thousands of children) that made extraction quadratic. One cursor walk
//! records the parent of every named node instead.

use tree_sitter::Node;

/// The parent of every named node of a tree.
pub(crate) struct Parents<'t> {
    /// (child node id, parent), sorted by id.
    entries: Vec<(usize, Node<'t>)>,
}

impl<'t> Parents<'t> {
    /// Builds the table in one pre-order cursor walk from `root`.
    pub(crate) fn new(root: Node<'t>) -> Parents<'t> {
        let mut entries = Vec::new();
        let mut cursor = root.walk();
        // The ancestors of the cursor's node, nearest last.
        let mut stack: Vec<Node<'t>> = Vec::new();
        loop {
            let node = cursor.node();
            if let Some(parent) = stack.last().filter(|_| node.is_named()) {
                entries.push((node.id(), *parent));
            }
            if cursor.goto_first_child() {
                stack.push(node);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    entries.sort_unstable_by_key(|(id, _)| *id);
                    return Parents { entries };
                }
                stack.pop();
            }
        }
    }

    /// Returns the parent of a named node, or `None` for the root and for
    /// anonymous nodes.
    pub(crate) fn of(&self, node: Node<'_>) -> Option<Node<'t>> {
        let idx = self
            .entries
            .binary_search_by_key(&node.id(), |(id, _)| *id)
            .ok()?;
        Some(self.entries[idx].1)
    }

    /// Returns the parent of any node: from the table for a named node, and
    /// by `Node::parent` for an anonymous one, which the table leaves out.
    pub(crate) fn of_any(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.is_named() {
            self.of(node)
        } else {
            node.parent()
        }
    }
}
