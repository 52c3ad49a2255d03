//! One cursor walk over a syntax tree that collects the nodes the tags query
//! (`queries/rust/tags.scm`) captures, and the ancestors that the reference
//! visitor looks at.
//!
//! The walk takes the place of running the query and of a second walk that
//! built a table of parents. It visits the nodes in the order in which the
//! query reports its matches, pre-order, so each list of references keeps
//! the query's order. It skips the insides of token trees, string literals
//! and comments without syntax errors, where the query captures at most
//! identifiers that the reference visitor ignores (see [`descends_into`]).
//! `tags_query_and_walk_agree` in this file's tests checks the walk against
//! the query.
//!
//! The walk also records the attributes and comments directly above each
//! item, `use` and `mod`, which `Node::prev_sibling` would find in time
//! proportional to the depth of the tree.

use tree_sitter::{Node, TreeCursor};

use super::kinds::{FieldName, Kind, child, kind};
use crate::model::SymbolKind;

/// A definition before parents and local names are known.
pub(super) struct RawDef<'t> {
    pub name: String,
    pub kind: SymbolKind,
    /// The item node.
    pub node: Node<'t>,
    pub above: Above,
    /// The item node or the first attribute or doc comment before it.
    pub span_start: usize,
}

/// The siblings directly above a node that are attribute items or
/// comments, as a range of [`Captures::above_nodes`].
#[derive(Clone, Copy, Default)]
pub(super) struct Above {
    start: u32,
    end: u32,
}

impl Above {
    /// Returns the nodes of the range, in source order.
    pub(super) fn of<'a, 't>(self, above_nodes: &'a [Node<'t>]) -> &'a [Node<'t>] {
        &above_nodes[self.start as usize..self.end as usize]
    }
}

/// A `use`, `extern crate` or `mod` node with the attributes and comments
/// directly above it.
#[derive(Clone, Copy)]
pub(super) struct Attributed<'t> {
    pub node: Node<'t>,
    pub above: Above,
}

/// A node with the index of its parent in [`Ancestors`].
#[derive(Clone, Copy)]
pub(super) struct Located<'t> {
    pub node: Node<'t>,
    /// Index into [`Ancestors::nodes`], or [`NO_PARENT`] for the root.
    parent: u32,
}

const NO_PARENT: u32 = u32::MAX;

/// The ancestors of the collected nodes, each with the index of its own
/// parent, so that a chain of parents is followed without searching.
#[derive(Default)]
pub(super) struct Ancestors<'t> {
    nodes: Vec<Located<'t>>,
}

impl<'t> Ancestors<'t> {
    /// Returns the parent of a located node, or `None` for the root.
    pub(super) fn parent(&self, at: Located<'t>) -> Option<Located<'t>> {
        self.nodes.get(at.parent as usize).copied()
    }
}

/// The captures of one walk, by the capture name of the tags query.
#[derive(Default)]
pub(super) struct Captures<'t> {
    /// `@definition.*`, collected only for the file itself.
    pub defs: Vec<RawDef<'t>>,
    /// `@reference.name`.
    pub names: Vec<Located<'t>>,
    /// `@reference.type`.
    pub types: Vec<Located<'t>>,
    /// `@reference.field`.
    pub fields: Vec<Located<'t>>,
    /// `@reference.macro`.
    pub macros: Vec<Node<'t>>,
    /// `@reference.use`.
    pub uses: Vec<Attributed<'t>>,
    /// `@reference.module`: `mod name;` without a body.
    pub mods: Vec<Attributed<'t>>,
    pub ancestors: Ancestors<'t>,
    /// The nodes of every [`Above`] range.
    pub above_nodes: Vec<Node<'t>>,
}

/// Walks the tree under `root` once and returns its captures, with the
/// definitions only when `with_defs` is set. Stops early, and records it
/// like a query that stopped, when this thread's deadline passes.
pub(super) fn collect<'t>(root: Node<'t>, source: &[u8], with_defs: bool) -> Captures<'t> {
    let mut walk = Walk {
        captures: Captures::default(),
        stack: Vec::new(),
        run: Vec::new(),
        source,
        with_defs,
    };
    let mut cursor = root.walk();
    let mut visited = 0usize;
    loop {
        if visited.is_multiple_of(crate::lang::DEADLINE_CHECK_INTERVAL)
            && crate::lang::walk_past_deadline()
        {
            break;
        }
        visited += 1;
        let node = cursor.node();
        let node_kind = kind(node);
        walk.visit(node, node_kind);
        walk.extend_run(node_kind, node);
        let child_count = if descends_into(node, node_kind) {
            node.child_count()
        } else {
            0
        };
        if child_count > 0 && cursor.goto_first_child() {
            walk.stack.push(Ancestor {
                node,
                index: NO_PARENT,
                run_start: walk.run.len(),
                unvisited_children: child_count - 1,
            });
            continue;
        }
        if !walk.goto_next(&mut cursor) {
            break;
        }
    }
    walk.captures
}

/// False for a token tree, a string literal or a comment without syntax
/// errors, whose nodes the walk skips. By the grammar, strings and comments
/// hold no captured kinds. A token tree holds only tokens, nested token
/// trees and repetitions, literals and comments, so the only captures in it
/// are identifiers whose parent is a `token_tree` or a `token_repetition`,
/// and the reference visitor ignores those.
fn descends_into(node: Node<'_>, node_kind: Kind) -> bool {
    let skipped = matches!(
        node_kind,
        Kind::TokenTree
            | Kind::StringLiteral
            | Kind::RawStringLiteral
            | Kind::LineComment
            | Kind::BlockComment
    );
    !skipped || node.has_error()
}

/// An ancestor of the walk's current node.
struct Ancestor<'t> {
    node: Node<'t>,
    /// The index in [`Captures::ancestors`] once a collected node needed
    /// it, else [`NO_PARENT`].
    index: u32,
    /// The start of this node's children's run in [`Walk::run`].
    run_start: usize,
    /// The children after the one that the walk is in.
    unvisited_children: usize,
}

struct Walk<'t, 's> {
    captures: Captures<'t>,
    /// The ancestors of the current node, outermost first.
    stack: Vec<Ancestor<'t>>,
    /// For each level of the stack, the siblings before the current node
    /// that are attribute items or comments, up to the nearest other node.
    run: Vec<Node<'t>>,
    source: &'s [u8],
    with_defs: bool,
}

impl<'t> Walk<'t, '_> {
    /// Moves the cursor to the next sibling of its node or of the nearest
    /// ancestor that has one, popping the ancestors it leaves. Returns false
    /// when the walk is done. Counting the children spares the cursor the
    /// failed `goto_next_sibling` after each last child, which climbs up
    /// through the hidden nodes above the child before it fails.
    fn goto_next(&mut self, cursor: &mut TreeCursor<'t>) -> bool {
        while let Some(parent) = self.stack.last_mut() {
            if parent.unvisited_children > 0 {
                parent.unvisited_children -= 1;
                if cursor.goto_next_sibling() {
                    return true;
                }
            }
            // NOTE: the count comes from `Node::child_count`, which counts
            // the children that the cursor visits, so the sibling above is
            // always found. A miss ends the parent's children rather than
            // loop.
            if let Some(ancestor) = self.stack.pop() {
                self.run.truncate(ancestor.run_start);
            }
            cursor.goto_parent();
        }
        false
    }

    fn visit(&mut self, node: Node<'t>, node_kind: Kind) {
        match node_kind {
            Kind::Identifier | Kind::ScopedIdentifier | Kind::ShorthandFieldIdentifier => {
                let located = self.locate(node);
                self.captures.names.push(located);
            }
            Kind::TypeIdentifier | Kind::ScopedTypeIdentifier => {
                let located = self.locate(node);
                self.captures.types.push(located);
            }
            Kind::FieldExpression => {
                let located = self.locate(node);
                self.captures.fields.push(located);
            }
            Kind::MacroInvocation => self.captures.macros.push(node),
            Kind::UseDeclaration | Kind::ExternCrateDeclaration => {
                let above = self.above();
                self.captures.uses.push(Attributed { node, above });
            }
            Kind::ModItem => {
                // `(mod_item name: (identifier) body: (declaration_list))`
                // defines a module, and `(mod_item name: (identifier)
                // !body)` declares one in another file.
                if !child(node, FieldName::Name).is_some_and(|n| kind(n) == Kind::Identifier) {
                    return;
                }
                match child(node, FieldName::Body) {
                    None => {
                        let above = self.above();
                        self.captures.mods.push(Attributed { node, above });
                    }
                    Some(body) if kind(body) == Kind::DeclarationList => {
                        self.named_def(node, SymbolKind::Module, Kind::Identifier);
                    }
                    Some(_) => {}
                }
            }
            Kind::FunctionItem | Kind::FunctionSignatureItem => {
                self.named_def(node, SymbolKind::Function, Kind::Identifier);
            }
            Kind::StructItem | Kind::UnionItem => {
                self.named_def(node, SymbolKind::Struct, Kind::TypeIdentifier);
            }
            Kind::EnumItem => self.named_def(node, SymbolKind::Enum, Kind::TypeIdentifier),
            Kind::TraitItem => self.named_def(node, SymbolKind::Trait, Kind::TypeIdentifier),
            Kind::ImplItem if self.with_defs => {
                self.push_def(node, SymbolKind::Impl, String::new())
            }
            Kind::ConstItem => self.named_def(node, SymbolKind::Constant, Kind::Identifier),
            Kind::StaticItem => self.named_def(node, SymbolKind::Static, Kind::Identifier),
            Kind::TypeItem | Kind::AssociatedType => {
                self.named_def(node, SymbolKind::TypeAlias, Kind::TypeIdentifier);
            }
            Kind::MacroDefinition => self.named_def(node, SymbolKind::Macro, Kind::Identifier),
            _ => {}
        }
    }

    /// Records a definition whose `name` field must be of `name_kind`, as in
    /// `(function_item name: (identifier) @name) @definition.function`.
    fn named_def(&mut self, node: Node<'t>, symbol_kind: SymbolKind, name_kind: Kind) {
        if !self.with_defs {
            return;
        }
        let Some(name) = child(node, FieldName::Name).filter(|n| kind(*n) == name_kind) else {
            return;
        };
        let mut name = super::extract::node_text(name, self.source).to_owned();
        if symbol_kind == SymbolKind::Macro {
            name.push('!');
        }
        self.push_def(node, symbol_kind, name);
    }

    fn push_def(&mut self, node: Node<'t>, kind: SymbolKind, name: String) {
        let above = self.above();
        let span_start =
            super::extract::span_start(node, above.of(&self.captures.above_nodes), self.source);
        self.captures.defs.push(RawDef {
            name,
            kind,
            node,
            above,
            span_start,
        });
    }

    /// Copies the current node's run to [`Captures::above_nodes`].
    fn above(&mut self) -> Above {
        let start = super::extract::to_u32(self.captures.above_nodes.len());
        let run_start = self.stack.last().map_or(0, |ancestor| ancestor.run_start);
        self.captures
            .above_nodes
            .extend_from_slice(&self.run[run_start..]);
        let end = super::extract::to_u32(self.captures.above_nodes.len());
        Above { start, end }
    }

    /// Adds a visited node to its level's run, or empties the run when
    /// the node is neither an attribute item nor a comment.
    fn extend_run(&mut self, node_kind: Kind, node: Node<'t>) {
        match node_kind {
            Kind::AttributeItem | Kind::LineComment | Kind::BlockComment => self.run.push(node),
            _ => {
                let start = self.stack.last().map_or(0, |ancestor| ancestor.run_start);
                self.run.truncate(start);
            }
        }
    }

    /// Returns `node` with the index of its parent, adding the ancestors
    /// on the stack that no collected node has needed yet.
    fn locate(&mut self, node: Node<'t>) -> Located<'t> {
        let ancestors = &mut self.captures.ancestors.nodes;
        let first_missing = self
            .stack
            .iter()
            .rposition(|ancestor| ancestor.index != NO_PARENT)
            .map_or(0, |last_known| last_known + 1);
        for depth in first_missing..self.stack.len() {
            let parent = match depth {
                0 => NO_PARENT,
                _ => self.stack[depth - 1].index,
            };
            ancestors.push(Located {
                node: self.stack[depth].node,
                parent,
            });
            self.stack[depth].index = super::extract::to_u32(ancestors.len() - 1);
        }
        Located {
            node,
            parent: self
                .stack
                .last()
                .map_or(NO_PARENT, |ancestor| ancestor.index),
        }
    }
}

#[cfg(test)]
mod tests {
    use streaming_iterator::StreamingIterator;
    use tree_sitter::{QueryCursor, Tree};

    use super::*;

    /// Sources with every captured kind, syntax errors, and a wide `ERROR`
    /// node (300 unclosed calls become one `ERROR` node with a child per
    /// call), next to real files of this crate.
    fn sources() -> Vec<String> {
        let small = r#"
            //! Module docs.
            #![cfg(test)]
            extern crate alloc as a;
            use std::{fmt::{self, Display as D}, io::*};
            mod outer;
            #[path = "x.rs"]
            pub(crate) mod inner {
                /// Doc.
                #[derive(Debug)]
                pub struct S<T: Clone> where T: Copy { pub f: Vec<T>, g: (u8, S) }
                union U { a: u32 }
                enum E { A(u8), B { x: i32 }, C }
                pub trait Tr: Clone { type Out; fn m(&self) -> Self::Out; }
                impl<T> Tr for S<T> { type Out = u8; fn m(&self) -> u8 { self.f.len() as u8 } }
                const C: usize = 1;
                static ST: &str = "s";
                type Alias = std::collections::HashMap<String, u8>;
                macro_rules! mac { ($x:expr) => { $crate::f($x) }; }
                fn f<'a>(p: &'a S<u8>, E::B { x }: E) -> Option<u8> {
                    let Point { y, .. } = make();
                    if let Some(v) = p.f.first() { mac!(v); }
                    for (i, j) in p.f.iter().enumerate() { g::<u8>(i, j); }
                    match e { E::A(n) | E::C => n, _ => 0 };
                    let c = |a, b| a.b.c();
                    Some(<S<u8> as Tr>::m(p))
                }
            }
            fn broken( { let x = ; }
        "#;
        let wide = format!("fn f() {{ {} }}\n", "f(".repeat(300));
        vec![
            small.to_owned(),
            wide,
            include_str!("extract.rs").to_owned(),
            include_str!("resolve.rs").to_owned(),
            include_str!("tests.rs").to_owned(),
        ]
    }

    fn parse(source: &str) -> Tree {
        let config = super::super::config();
        crate::lang::parse(crate::Lang::Rust, &config.language, source.as_bytes()).unwrap()
    }

    /// True when an ancestor of `node` is a token tree that the walk skips.
    fn in_skipped_token_tree(node: Node<'_>) -> bool {
        let mut current = node.parent();
        while let Some(ancestor) = current {
            if !descends_into(ancestor, kind(ancestor)) {
                return true;
            }
            current = ancestor.parent();
        }
        false
    }

    /// The walk captures the same nodes as the tags query, but for the
    /// identifiers in token trees that it skips: each list of references in
    /// the query's order, and the definitions as a set.
    #[test]
    fn tags_query_and_walk_agree() {
        let config = super::super::config();
        let query = &config.tags;
        let names = query.capture_names();
        for source in sources() {
            let tree = parse(&source);
            let root = tree.root_node();
            let mut expected: Vec<(String, Vec<usize>)> = Vec::new();
            let mut expected_defs = Vec::new();
            let mut cursor = QueryCursor::new();
            let mut matches = cursor.matches(query, root, source.as_bytes());
            while let Some(found) = matches.next() {
                for capture in found.captures {
                    let name = names[capture.index as usize];
                    let id = capture.node.id();
                    if in_skipped_token_tree(capture.node) {
                        assert_eq!(name, "reference.name", "{:?}", capture.node);
                        let parent = capture.node.parent().map(kind);
                        assert!(
                            matches!(parent, Some(Kind::TokenTree | Kind::TokenRepetition)),
                            "parent {parent:?} of {:?}",
                            capture.node
                        );
                        continue;
                    }
                    if name.starts_with("definition.") {
                        expected_defs.push(id);
                    } else if let Some(list) = expected.iter_mut().find(|(n, _)| n == name) {
                        list.1.push(id);
                    } else if name != "name" {
                        expected.push((name.to_owned(), vec![id]));
                    }
                }
            }

            let captures = collect(root, source.as_bytes(), true);
            let ids = |nodes: &[Node<'_>]| nodes.iter().map(Node::id).collect::<Vec<_>>();
            let located_ids = |nodes: &[Located<'_>]| nodes.iter().map(|l| l.node.id()).collect();
            let attributed_ids =
                |nodes: &[Attributed<'_>]| nodes.iter().map(|a| a.node.id()).collect();
            let walked: Vec<(&str, Vec<usize>)> = vec![
                ("reference.name", located_ids(&captures.names)),
                ("reference.type", located_ids(&captures.types)),
                ("reference.field", located_ids(&captures.fields)),
                ("reference.macro", ids(&captures.macros)),
                ("reference.use", attributed_ids(&captures.uses)),
                ("reference.module", attributed_ids(&captures.mods)),
            ];
            for (name, walked_ids) in &walked {
                let query_ids = expected
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, ids)| ids.clone())
                    .unwrap_or_default();
                assert_eq!(walked_ids, &query_ids, "@{name}");
            }
            let mut walked_defs: Vec<usize> = captures.defs.iter().map(|d| d.node.id()).collect();
            walked_defs.sort_unstable();
            expected_defs.sort_unstable();
            assert_eq!(walked_defs, expected_defs, "@definition.*");
        }
    }

    /// The parents that the walk records agree with `Node::parent`, up to
    /// the root, for every collected reference.
    #[test]
    fn ancestors_match_node_parent() {
        for source in sources() {
            let tree = parse(&source);
            let captures = collect(tree.root_node(), source.as_bytes(), true);
            let located = captures
                .names
                .iter()
                .chain(&captures.types)
                .chain(&captures.fields);
            let mut checked = 0;
            for &start in located {
                let mut current = start;
                loop {
                    let parent = captures.ancestors.parent(current);
                    assert_eq!(
                        parent.map(|p| p.node),
                        current.node.parent(),
                        "parent of {:?}",
                        current.node
                    );
                    checked += 1;
                    match parent {
                        Some(parent) => current = parent,
                        None => break,
                    }
                }
            }
            assert!(checked > 10, "checked {checked} parents");
        }
    }

    /// The attributes and comments recorded above each definition, `use`
    /// and `mod` are the siblings that `Node::prev_sibling` finds.
    #[test]
    fn above_matches_prev_siblings() {
        for source in sources() {
            let tree = parse(&source);
            let captures = collect(tree.root_node(), source.as_bytes(), true);
            let items = captures
                .defs
                .iter()
                .map(|def| (def.node, def.above))
                .chain(captures.uses.iter().map(|item| (item.node, item.above)))
                .chain(captures.mods.iter().map(|item| (item.node, item.above)));
            let mut with_attributes = 0;
            for (node, above) in items {
                let mut expected = Vec::new();
                let mut sibling = node.prev_sibling();
                while let Some(prev) = sibling {
                    if !matches!(
                        kind(prev),
                        Kind::AttributeItem | Kind::LineComment | Kind::BlockComment
                    ) {
                        break;
                    }
                    expected.push(prev);
                    sibling = prev.prev_sibling();
                }
                expected.reverse();
                let recorded = above.of(&captures.above_nodes);
                assert_eq!(recorded, expected.as_slice(), "above {node:?}");
                with_attributes += usize::from(!recorded.is_empty());
            }
            if source.contains("#[derive(Debug)]") {
                assert!(with_attributes > 0, "no item with attributes");
            }
        }
    }
}
