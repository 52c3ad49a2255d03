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
// NOTE: unlike the queries it replaces, the walk does not stop at the parse
// deadline, because `crate::lang` offers the deadline only as a query
// progress callback. Its time is linear in the number of nodes, as the
// rest of extraction's is.

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
        /// The ancestor whose range the names' visible range comes from:
        /// the parent of a local variable declaration, catch parameter or
        /// inferred lambda parameters; the grandparent of a formal
        /// parameter or resource; the enclosing block of a pattern
        /// variable. `None` when there is no such ancestor.
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
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        walk.visit(node, &cursor);
        if cursor.goto_first_child() {
            walk.stack.push(node);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return walk.captures;
            }
            walk.stack.pop();
        }
    }
}

struct Walk<'t> {
    captures: Captures<'t>,
    /// The ancestors of the current node, outermost first.
    stack: Vec<Node<'t>>,
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

    fn visit(&mut self, node: Node<'t>, cursor: &TreeCursor<'t>) {
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
            Kind::LambdaExpression => {
                // `(lambda_expression parameters: (identifier))`.
                if child(node, FieldName::Parameters).is_some_and(|p| kind(p) == Kind::Identifier) {
                    self.local(node, None);
                }
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
