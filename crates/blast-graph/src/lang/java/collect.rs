//! One cursor walk over a syntax tree that collects the nodes the tags and
//! locals queries (`queries/java/tags.scm` and `queries/java/locals.scm`)
//! capture, with the ancestors that extraction looks at.
//!
//! The walk takes the place of running the two queries and of a second walk
//! that built a table of parents. It visits the nodes in pre-order, the
//! order in which the queries report their matches, so each list keeps the
//! queries' order. `queries_and_walk_agree` in this file's tests checks
//! the two against each other.
//!
//! Like the queries it replaces, the walk stops at the parse deadline: it
//! checks the deadline every few hundred nodes, and a file whose walk
//! stopped there is reported as timed out.

use std::num::NonZeroU16;

use rustc_hash::FxHashMap;
use tree_sitter::{Node, TreeCursor};

use super::extract::{DefKind, RawDef, span_of};
use super::kinds::{FieldName, Kind, child, field_id, kind};

/// An identifier with its parent, `None` for the root.
#[derive(Clone, Copy)]
pub(super) struct Name<'t> {
    pub node: Node<'t>,
    pub parent: Option<Node<'t>>,
}

/// A node that the `locals` patterns capture.
pub(super) enum LocalSite<'t> {
    /// A `@local.definition` node, which declares one or more local names.
    Definition {
        node: Node<'t>,
        /// The ancestor that bounds the visible range of the names. It is
        /// the parent of a local variable declaration, catch parameter or
        /// inferred lambda parameters, and the grandparent of a formal
        /// parameter or resource. For a pattern variable it is the
        /// enclosing block. `None` when there is no such ancestor.
        around: Option<Node<'t>>,
    },
    /// `@local.type_parameter`.
    TypeParameter(Node<'t>),
}

/// The captures of one walk, by the capture name of the queries.
#[derive(Default)]
pub(super) struct Captures<'t> {
    /// `@definition.*`, in pre-order of the definition nodes.
    pub defs: Vec<RawDef<'t>>,
    /// The `@name` of the first `@definition.package`.
    pub package: Option<Node<'t>>,
    /// `@reference.import`.
    pub imports: Vec<Node<'t>>,
    /// `@reference.call`, `@reference.constructor`, `@reference.method`
    /// and `@reference.field`.
    pub expressions: Vec<Node<'t>>,
    /// `@reference.name`.
    pub names: Vec<Name<'t>>,
    /// `@reference.type`, without the nodes that are part of a longer
    /// written type (see [`Walk::is_outermost_type`]).
    pub types: Vec<Node<'t>>,
    /// `@reference.implementation`.
    pub implementations: Vec<Node<'t>>,
    /// The `@name` of each `@reference.annotation`.
    pub annotations: Vec<Node<'t>>,
    /// `@local.definition` and `@local.type_parameter`, in match order.
    pub locals: Vec<LocalSite<'t>>,
    /// The identifiers whose parent is a `switch_label`, by node id, with
    /// the selector of their switch.
    pub case_labels: FxHashMap<usize, Option<Node<'t>>>,
}

/// Walks the tree under `root` once and returns its captures.
pub(super) fn collect(root: Node<'_>) -> Captures<'_> {
    let mut walk = Walk {
        captures: Captures::default(),
        stack: Vec::new(),
    };
    crate::lang::walk_tree(root, &mut walk);
    walk.captures
}

struct Walk<'t> {
    captures: Captures<'t>,
    /// The ancestors of the current node, outermost first.
    stack: Vec<Node<'t>>,
}

impl<'t> crate::lang::Visitor<'t> for Walk<'t> {
    fn visit(&mut self, node: Node<'t>, cursor: &TreeCursor<'t>) {
        self.visit_node(node, cursor);
    }

    fn enter(&mut self, node: Node<'t>) {
        self.stack.push(node);
    }

    fn leave(&mut self) {
        self.stack.pop();
    }
}

impl<'t> Walk<'t> {
    /// Returns the ancestor `up` levels above the current node: the parent
    /// for 0.
    fn ancestor(&self, up: usize) -> Option<Node<'t>> {
        let idx = self.stack.len().checked_sub(up + 1)?;
        Some(self.stack[idx])
    }

    fn ancestor_kind(&self, up: usize) -> Option<Kind> {
        self.ancestor(up).map(kind)
    }

    fn visit_node(&mut self, node: Node<'t>, cursor: &TreeCursor<'t>) {
        match kind(node) {
            Kind::Identifier => {
                let parent = self.ancestor(0);
                self.captures.names.push(Name { node, parent });
                if parent.is_some_and(|p| kind(p) == Kind::SwitchLabel) {
                    let selector = self.switch_selector();
                    self.captures.case_labels.insert(node.id(), selector);
                }
                // `(resource name: (_)) @local.definition` matches when
                // the walk reaches the name.
                if parent.is_some_and(|p| kind(p) == Kind::Resource)
                    && cursor.field_id().map(|id| id.get()) == Some(field_id(FieldName::Name))
                {
                    self.resource_name();
                }
            }
            Kind::TypeIdentifier | Kind::ScopedTypeIdentifier => {
                if self.is_outermost_type() {
                    self.captures.types.push(node);
                }
                self.implementation(node);
            }
            Kind::GenericType => self.implementation(node),
            Kind::MethodInvocation
            | Kind::ObjectCreationExpression
            | Kind::ExplicitConstructorInvocation
            | Kind::MethodReference
            | Kind::FieldAccess => self.captures.expressions.push(node),
            Kind::ImportDeclaration => self.captures.imports.push(node),
            Kind::PackageDeclaration if self.captures.package.is_none() => {
                let mut children = node.walk();
                self.captures.package = node
                    .named_children(&mut children)
                    .find(|c| matches!(kind(*c), Kind::Identifier | Kind::ScopedIdentifier));
            }
            Kind::ClassDeclaration => self.named_def(node, DefKind::Class),
            Kind::InterfaceDeclaration => self.named_def(node, DefKind::Interface),
            Kind::EnumDeclaration => self.named_def(node, DefKind::Enum),
            Kind::RecordDeclaration => self.named_def(node, DefKind::Record),
            Kind::AnnotationTypeDeclaration => self.named_def(node, DefKind::Annotation),
            Kind::ClassBody => self.anonymous_class(node),
            Kind::MethodDeclaration => self.named_def(node, DefKind::Method),
            Kind::AnnotationTypeElementDeclaration => {
                self.named_def(node, DefKind::AnnotationElement);
            }
            Kind::ConstructorDeclaration => self.named_def(node, DefKind::Constructor),
            Kind::CompactConstructorDeclaration => {
                self.named_def(node, DefKind::CompactConstructor);
            }
            Kind::FieldDeclaration => self.declarator_defs(node, DefKind::Field),
            Kind::ConstantDeclaration => self.declarator_defs(node, DefKind::InterfaceConstant),
            Kind::EnumConstant => self.named_def(node, DefKind::EnumConstant),
            Kind::FormalParameter | Kind::SpreadParameter => {
                self.record_component(node);
                let around = self.ancestor(1);
                self.local(node, around);
            }
            Kind::StaticInitializer => self.push_def(node, DefKind::Initializer, None, None),
            Kind::MarkerAnnotation | Kind::Annotation => {
                if let Some(name) = child(node, FieldName::Name) {
                    self.captures.annotations.push(name);
                }
            }
            Kind::LocalVariableDeclaration
            | Kind::CatchFormalParameter
            | Kind::InferredParameters => {
                let around = self.ancestor(0);
                self.local(node, around);
            }
            Kind::EnhancedForStatement => self.local(node, None),
            Kind::InstanceofExpression | Kind::TypePattern | Kind::RecordPatternComponent => {
                let around = self.enclosing_block();
                self.local(node, around);
            }
            // `(lambda_expression parameters: (identifier))`.
            Kind::LambdaExpression
                if child(node, FieldName::Parameters)
                    .is_some_and(|p| kind(p) == Kind::Identifier) =>
            {
                self.local(node, None);
            }
            Kind::TypeParameter => self.captures.locals.push(LocalSite::TypeParameter(node)),
            _ => {}
        }
    }

    fn local(&mut self, node: Node<'t>, around: Option<Node<'t>>) {
        self.captures
            .locals
            .push(LocalSite::Definition { node, around });
    }

    /// Records the resource whose name the walk has reached.
    fn resource_name(&mut self) {
        let Some(resource) = self.ancestor(0) else {
            return;
        };
        // The resource's statement is above its `resource_specification`.
        let around = self.ancestor(2);
        self.local(resource, around);
    }

    /// Records a definition whose `name` field is an identifier, as in
    /// `(class_declaration name: (identifier) @name) @definition.class`.
    fn named_def(&mut self, node: Node<'t>, def_kind: DefKind) {
        let Some(name) = child(node, FieldName::Name).filter(|n| kind(*n) == Kind::Identifier)
        else {
            return;
        };
        let record_params = if def_kind == DefKind::CompactConstructor {
            // The record declaration is above the record's body.
            self.ancestor(1)
                .and_then(|record| child(record, FieldName::Parameters))
        } else {
            None
        };
        self.push_def(node, def_kind, Some(name), record_params);
    }

    fn push_def(
        &mut self,
        node: Node<'t>,
        kind: DefKind,
        name: Option<Node<'t>>,
        record_params: Option<Node<'t>>,
    ) {
        self.captures.defs.push(RawDef {
            kind,
            node,
            name,
            span: span_of(node),
            declarator: None,
            record_params,
        });
    }

    /// Records one definition per `variable_declarator` with an identifier
    /// name. A declaration with several declarators gives each its own
    /// span, and the first one starts at the declaration's modifiers, so
    /// `int a = f(), b = g();` maps `g()` to `b`.
    fn declarator_defs(&mut self, node: Node<'t>, def_kind: DefKind) {
        let Some(declarator_field) = NonZeroU16::new(field_id(FieldName::Declarator)) else {
            return;
        };
        let mut children = node.walk();
        let declarators: Vec<Node<'t>> = node
            .children_by_field_id(declarator_field, &mut children)
            .collect();
        for (idx, &declarator) in declarators.iter().enumerate() {
            if kind(declarator) != Kind::VariableDeclarator {
                continue;
            }
            let Some(name) =
                child(declarator, FieldName::Name).filter(|n| kind(*n) == Kind::Identifier)
            else {
                continue;
            };
            let span = if declarators.len() > 1 {
                let mut span = span_of(declarator);
                if idx == 0 {
                    let whole = span_of(node);
                    span.start_byte = whole.start_byte;
                    span.start_line = whole.start_line;
                }
                span
            } else {
                span_of(node)
            };
            self.captures.defs.push(RawDef {
                kind: def_kind,
                node,
                name: Some(name),
                span,
                declarator: Some(declarator),
                record_params: None,
            });
        }
    }

    /// Records a class body whose parent is an `object_creation_expression`
    /// as an anonymous class named by the expression's type. Bodies of
    /// named classes are not anonymous classes.
    fn anonymous_class(&mut self, body: Node<'t>) {
        let Some(creation) = self
            .ancestor(0)
            .filter(|p| kind(*p) == Kind::ObjectCreationExpression)
        else {
            return;
        };
        let name = child(creation, FieldName::Type);
        self.push_def(body, DefKind::Anonymous, name, None);
    }

    /// Records the components of a record header, which are the record's
    /// fields: `(record_declaration parameters: (formal_parameters
    /// (formal_parameter name: (identifier))))`, and the same with a
    /// `spread_parameter` whose `variable_declarator` has the name.
    fn record_component(&mut self, node: Node<'t>) {
        let (Some(params), Some(record)) = (self.ancestor(0), self.ancestor(1)) else {
            return;
        };
        if kind(params) != Kind::FormalParameters
            || kind(record) != Kind::RecordDeclaration
            || !super::kinds::field_is(record, FieldName::Parameters, params)
        {
            return;
        }
        if kind(node) == Kind::FormalParameter {
            if let Some(name) =
                child(node, FieldName::Name).filter(|n| kind(*n) == Kind::Identifier)
            {
                self.push_def(node, DefKind::RecordComponent, Some(name), None);
            }
            return;
        }
        let mut children = node.walk();
        let declarators: Vec<Node<'t>> = node
            .named_children(&mut children)
            .filter(|c| kind(*c) == Kind::VariableDeclarator)
            .collect();
        for declarator in declarators {
            if let Some(name) =
                child(declarator, FieldName::Name).filter(|n| kind(*n) == Kind::Identifier)
            {
                self.push_def(node, DefKind::RecordComponent, Some(name), None);
            }
        }
    }

    /// Records a supertype in `extends` or `implements`: a direct child of
    /// a `superclass`, or of the `type_list` of `super_interfaces` or
    /// `extends_interfaces`.
    fn implementation(&mut self, node: Node<'t>) {
        let is_implementation = match self.ancestor_kind(0) {
            Some(Kind::Superclass) => true,
            Some(Kind::TypeList) => matches!(
                self.ancestor_kind(1),
                Some(Kind::SuperInterfaces | Kind::ExtendsInterfaces)
            ),
            _ => false,
        };
        if is_implementation {
            self.captures.implementations.push(node);
        }
    }

    /// True unless the current type node is part of a longer written type:
    /// the `a` and `b` of `a.b.C`, or the head of `Outer<T>.Inner`. A type
    /// parameter's own name is a declaration, not a use.
    fn is_outermost_type(&self) -> bool {
        match self.ancestor_kind(0) {
            None => true,
            Some(Kind::ScopedTypeIdentifier | Kind::TypeParameter) => false,
            Some(Kind::GenericType) => self.ancestor_kind(1) != Some(Kind::ScopedTypeIdentifier),
            Some(_) => true,
        }
    }

    /// Returns the innermost ancestor that bounds the scope of a pattern
    /// variable. Pattern variables stay in scope after their test (flow
    /// scoping), so the scope is the enclosing block, not the test.
    fn enclosing_block(&self) -> Option<Node<'t>> {
        self.stack.iter().rev().copied().find(|n| {
            matches!(
                kind(*n),
                Kind::Block
                    | Kind::ConstructorBody
                    | Kind::SwitchRule
                    | Kind::SwitchBlockStatementGroup
                    | Kind::LambdaExpression
                    | Kind::ClassBody
                    | Kind::Program
            )
        })
    }

    /// Returns the first expression in the condition of the switch that
    /// the current `case` label identifier belongs to, looking at most five
    /// levels up.
    fn switch_selector(&self) -> Option<Node<'t>> {
        for up in 0..5 {
            let node = self.ancestor(up)?;
            if kind(node) == Kind::SwitchExpression {
                let condition = child(node, FieldName::Condition)?;
                return super::extract::expression_children(condition)
                    .into_iter()
                    .next();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use streaming_iterator::StreamingIterator;
    use tree_sitter::{Query, QueryCursor, Tree};

    use super::*;

    /// Java with every construct that `tags.scm` and `locals.scm` capture,
    /// and a syntax error.
    const FIXTURE: &str = r#"
@Deprecated
package com.example.app;

import java.util.*;
import java.util.function.Function;
import static java.lang.Math.max;

/** A class with a superclass and interfaces. */
public class Outer<T extends Comparable<T>> extends java.util.AbstractList<T>
        implements Runnable, java.io.Serializable, Iterable<T> {
    static int counter;
    private int a = f(), b = g(1), c;
    java.util.Map.Entry<String, int[]>[] entries;
    Outer<String>.Inner inner;

    static {
        counter = max(1, 2);
    }

    public Outer(int x) {
        this(x, 0);
    }

    Outer(int x, int y) {
        super();
    }

    @Override
    @SuppressWarnings(value = "unchecked")
    public <R> R apply(Function<? super T, R> fn, String... rest) throws Exception {
        final int[] local = new int[3], other[] = {};
        var inferred = new Outer<String>(1);
        for (String s : rest) {
            System.out.println(s.length() + local[0]);
        }
        for (var e : entries) { e.getKey(); }
        try (var in = new java.io.FileInputStream("x"); java.io.Reader r = open()) {
            in.read();
        } catch (java.io.IOException | RuntimeException ex) {
            throw ex;
        }
        if (fn instanceof Function<?, ?> g && g != null) {
            g.apply(null);
        }
        Object o = switch (kind) {
            case RED -> 1;
            case Point(int px, var py) -> px;
            case String str when str.isEmpty() -> 2;
            default -> { yield this.counter; }
        };
        switch (kind) {
            case GREEN:
                break;
            default:
        }
        Runnable run = new Runnable() {
            public void run() { Outer.this.run(); }
        };
        Function<String, Integer> len = String::length;
        Function<Integer, int[]> make = int[]::new;
        Function<Integer, Outer<?>> ctor = Outer::new;
        Function<String, String> id = x -> x;
        java.util.function.BiFunction<Integer, Integer, Integer> add = (p, q) -> p + q;
        label: while (true) { break label; }
        Object cast = (Comparable<T>) (Object) inner;
        Class<?> k = String[].class;
        return fn.apply(java.util.Objects.requireNonNull(null)).hashCode() > 0 ? null : null;
    }

    class Inner {}
    public void run() { Iface.super.toString(); }
    public int size() { return 0; }
    public T get(int i) { return null; }
}

interface Iface extends Runnable, Comparable<Iface> {
    int CONSTANT = 1, OTHER = 2;
    default void m() {}
}

enum Color implements Runnable {
    RED, GREEN(1) {
        public void run() {}
    };
    Color() {}
    Color(int v) {}
    public void run() {}
}

record Point(int x, @Deprecated int y, String... tags) implements Comparable<Point> {
    Point {
        java.util.Objects.requireNonNull(tags);
    }
    public int compareTo(Point other) { return 0; }
}

@interface Marker {
    String value() default "";
    int[] numbers();
}

class Broken {
    void f( { int x = ; }
}
"#;

    fn sources() -> Vec<String> {
        // 300 unclosed calls become one `ERROR` node with a child per call.
        let wide = format!("class W {{ void f() {{ {} }} }}\n", "f(".repeat(300));
        vec![FIXTURE.to_owned(), wide]
    }

    fn parse(source: &str) -> Tree {
        let config = super::super::config();
        crate::lang::parse(crate::Lang::Java, &config.language, source.as_bytes()).unwrap()
    }

    fn tags_and_locals() -> Query {
        let config = super::super::config();
        crate::lang::compile_query(
            &config.language,
            "queries/java/tags.scm followed by queries/java/locals.scm",
            concat!(
                include_str!("../../../../../queries/java/tags.scm"),
                "\n",
                include_str!("../../../../../queries/java/locals.scm"),
            ),
        )
    }

    /// The node ids that the queries capture, by list of [`Captures`].
    #[derive(Default)]
    struct Expected {
        /// (definition node, `@name`) of each definition match.
        defs: Vec<(usize, Option<usize>)>,
        package: Option<usize>,
        imports: Vec<usize>,
        expressions: Vec<usize>,
        names: Vec<usize>,
        types: Vec<usize>,
        implementations: Vec<usize>,
        annotations: Vec<usize>,
        locals: Vec<usize>,
    }

    /// True unless the type node is part of a longer written type, by
    /// `Node::parent`, for the walk's filter of `@reference.type`.
    fn is_outermost_type(node: Node<'_>) -> bool {
        let Some(parent) = node.parent() else {
            return true;
        };
        match parent.kind() {
            "scoped_type_identifier" | "type_parameter" => false,
            "generic_type" => parent
                .parent()
                .is_none_or(|g| g.kind() != "scoped_type_identifier"),
            _ => true,
        }
    }

    fn run_query(query: &Query, tree: &Tree, source: &str) -> Expected {
        let names = query.capture_names();
        let mut expected = Expected::default();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
        while let Some(found) = matches.next() {
            let name_node = found
                .captures
                .iter()
                .find(|c| names[c.index as usize] == "name")
                .map(|c| c.node);
            for capture in found.captures {
                let node = capture.node;
                let id = node.id();
                match names[capture.index as usize] {
                    "definition.package" => {
                        expected.package = expected.package.or(name_node.map(|n| n.id()));
                    }
                    "definition.anonymous_class" => {
                        let creation = node
                            .parent()
                            .filter(|p| p.kind() == "object_creation_expression");
                        if let Some(creation) = creation {
                            let ty = creation.child_by_field_name("type").map(|t| t.id());
                            expected.defs.push((id, ty));
                        }
                    }
                    name if name.starts_with("definition.") => {
                        expected.defs.push((id, name_node.map(|n| n.id())));
                    }
                    "reference.import" => expected.imports.push(id),
                    "reference.call"
                    | "reference.constructor"
                    | "reference.method"
                    | "reference.field" => expected.expressions.push(id),
                    "reference.name" => expected.names.push(id),
                    "reference.type" if is_outermost_type(node) => expected.types.push(id),
                    "reference.implementation" => expected.implementations.push(id),
                    "reference.annotation" => {
                        expected.annotations.extend(name_node.map(|n| n.id()));
                    }
                    "local.definition" | "local.type_parameter" => expected.locals.push(id),
                    _ => {}
                }
            }
        }
        expected
    }

    /// The walk captures the same nodes as the tags and locals queries:
    /// each list in the queries' order, and the definitions and supertypes
    /// as sets.
    #[test]
    fn queries_and_walk_agree() {
        let query = tags_and_locals();
        for source in sources() {
            let tree = parse(&source);
            let mut expected = run_query(&query, &tree, &source);
            let captures = collect(tree.root_node());

            let ids = |nodes: &[Node<'_>]| nodes.iter().map(Node::id).collect::<Vec<_>>();
            let mut defs: Vec<(usize, Option<usize>)> = captures
                .defs
                .iter()
                .map(|d| (d.node.id(), d.name.map(|n| n.id())))
                .collect();
            defs.sort_unstable();
            expected.defs.sort_unstable();
            assert_eq!(defs, expected.defs, "@definition.*");

            assert_eq!(
                captures.package.map(|n| n.id()),
                expected.package,
                "package"
            );
            assert_eq!(
                ids(&captures.imports),
                expected.imports,
                "@reference.import"
            );
            assert_eq!(
                ids(&captures.expressions),
                expected.expressions,
                "@reference.call, constructor, method and field"
            );
            let names: Vec<usize> = captures.names.iter().map(|n| n.node.id()).collect();
            assert_eq!(names, expected.names, "@reference.name");
            assert_eq!(ids(&captures.types), expected.types, "@reference.type");
            let mut implementations = ids(&captures.implementations);
            implementations.sort_unstable();
            expected.implementations.sort_unstable();
            assert_eq!(
                implementations, expected.implementations,
                "@reference.implementation"
            );
            assert_eq!(
                ids(&captures.annotations),
                expected.annotations,
                "@reference.annotation"
            );
            let locals: Vec<usize> = captures
                .locals
                .iter()
                .map(|site| match site {
                    LocalSite::Definition { node, .. } | LocalSite::TypeParameter(node) => {
                        node.id()
                    }
                })
                .collect();
            assert_eq!(locals, expected.locals, "@local.*");
        }
    }

    /// The fixture reaches every kind of definition and local site.
    #[test]
    fn fixture_covers_every_capture() {
        let tree = parse(FIXTURE);
        let captures = collect(tree.root_node());
        let def_kinds: Vec<DefKind> = captures.defs.iter().map(|d| d.kind).collect();
        for expected in [
            DefKind::Class,
            DefKind::Interface,
            DefKind::Enum,
            DefKind::Record,
            DefKind::Annotation,
            DefKind::Anonymous,
            DefKind::Method,
            DefKind::AnnotationElement,
            DefKind::Constructor,
            DefKind::CompactConstructor,
            DefKind::Field,
            DefKind::InterfaceConstant,
            DefKind::EnumConstant,
            DefKind::RecordComponent,
            DefKind::Initializer,
        ] {
            assert!(def_kinds.contains(&expected), "no {expected:?} definition");
        }
        let local_kinds: Vec<&str> = captures
            .locals
            .iter()
            .map(|site| match site {
                LocalSite::Definition { node, .. } | LocalSite::TypeParameter(node) => node.kind(),
            })
            .collect();
        for expected in [
            "local_variable_declaration",
            "formal_parameter",
            "spread_parameter",
            "catch_formal_parameter",
            "enhanced_for_statement",
            "resource",
            "instanceof_expression",
            "type_pattern",
            "record_pattern_component",
            "lambda_expression",
            "inferred_parameters",
            "type_parameter",
        ] {
            assert!(local_kinds.contains(&expected), "no {expected} local");
        }
        assert!(captures.package.is_some(), "no package");
        assert!(!captures.implementations.is_empty(), "no supertypes");
        assert!(captures.annotations.len() >= 4, "too few annotations");
        assert!(!captures.case_labels.is_empty(), "no case labels");
    }

    /// The ancestors that the walk records agree with `Node::parent`.
    #[test]
    fn recorded_ancestors_match_node_parent() {
        for source in sources() {
            let tree = parse(&source);
            let captures = collect(tree.root_node());
            for name in &captures.names {
                assert_eq!(name.parent, name.node.parent(), "parent of {:?}", name.node);
            }
            for site in &captures.locals {
                let LocalSite::Definition { node, around } = *site else {
                    continue;
                };
                let parent = node.parent();
                let expected = match node.kind() {
                    "local_variable_declaration"
                    | "catch_formal_parameter"
                    | "inferred_parameters" => parent,
                    "formal_parameter" | "spread_parameter" | "resource" => {
                        parent.and_then(|p| p.parent())
                    }
                    "instanceof_expression" | "type_pattern" | "record_pattern_component" => {
                        let mut current = parent;
                        while let Some(n) = current {
                            if matches!(
                                n.kind(),
                                "block"
                                    | "constructor_body"
                                    | "switch_rule"
                                    | "switch_block_statement_group"
                                    | "lambda_expression"
                                    | "class_body"
                                    | "program"
                            ) {
                                break;
                            }
                            current = n.parent();
                        }
                        current
                    }
                    _ => None,
                };
                assert_eq!(around, expected, "ancestor of {node:?}");
            }
            for label in &captures.names {
                let is_label = label.parent.is_some_and(|p| p.kind() == "switch_label");
                let selector = captures.case_labels.get(&label.node.id());
                assert_eq!(selector.is_some(), is_label, "case label {:?}", label.node);
                let Some(&selector) = selector else {
                    continue;
                };
                let switch = std::iter::successors(label.node.parent(), |n| n.parent())
                    .take(5)
                    .find(|n| n.kind() == "switch_expression");
                let expected = switch
                    .and_then(|s| s.child_by_field_name("condition"))
                    .and_then(|c| c.named_child(0));
                assert_eq!(selector, expected, "selector of {:?}", label.node);
                assert!(selector.is_some(), "no selector for {:?}", label.node);
            }
        }
    }
}
