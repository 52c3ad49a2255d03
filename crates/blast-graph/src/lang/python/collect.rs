//! One cursor walk over a syntax tree that collects the nodes the tags and
//! imports queries (`queries/python/tags.scm` and
//! `queries/python/imports.scm`) capture, with the ancestors that
//! extraction looks at.
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

use tree_sitter::{Node, TreeCursor};

use super::extract::node_text;
use super::kinds::{FieldName, Kind, child, field_id, is_statement, kind};
use crate::model::SymbolKind;

/// A definition that the `@definition.*` patterns capture.
pub(super) struct DefSite<'t> {
    /// The `@name` identifier.
    pub name: Node<'t>,
    /// `Class` or `Function` for a definition, and `Variable` or `Field`
    /// for an assignment in a module or a class body.
    pub kind: SymbolKind,
    /// The node whose range the symbol spans: the definition with its
    /// decorators, or the whole assignment statement.
    pub span_node: Node<'t>,
    /// The `return_type` of a function definition.
    pub return_type: Option<Node<'t>>,
}

/// An identifier or attribute that the `@reference.*` patterns capture,
/// with the ancestors that extraction looks at.
///
/// Each ancestor past the parent is `None` when the one below it is
/// anonymous, because the table of parents that extraction read before
/// this walk had entries for named nodes only.
pub(super) struct NameSite<'t> {
    pub node: Node<'t>,
    pub parent: Node<'t>,
    pub grandparent: Option<Node<'t>>,
    pub great_grandparent: Option<Node<'t>>,
    /// A `type` node is among the six nearest ancestors, below the nearest
    /// statement or block: the name is part of an annotation.
    pub in_type: bool,
}

/// An import statement that the `@import` and `@import.from` patterns
/// capture.
pub(super) struct ImportSite<'t> {
    pub node: Node<'t>,
    /// The statement sits in the body of `if TYPE_CHECKING:` (or
    /// `if typing.TYPE_CHECKING:`), not in its `else`.
    pub type_checking: bool,
}

/// The captures of one walk.
#[derive(Default)]
pub(super) struct Captures<'t> {
    /// `@definition.*`, in pre-order of their `@name` identifiers.
    pub defs: Vec<DefSite<'t>>,
    /// `@reference.name` and `@reference.attribute`, in pre-order, without
    /// the inner parts of attribute chains (nodes whose parent is an
    /// `attribute`), which extraction skips.
    pub names: Vec<NameSite<'t>>,
    /// `@import` and `@import.from`, in pre-order.
    pub imports: Vec<ImportSite<'t>>,
}

/// Walks the tree under `root` once and returns its captures. Reads
/// `source` for the conditions of `if` statements around imports.
pub(super) fn collect<'t>(root: Node<'t>, source: &[u8]) -> Captures<'t> {
    let mut walk = Walk {
        captures: Captures::default(),
        stack: Vec::new(),
        source,
    };
    crate::lang::walk_tree(root, &mut walk);
    walk.captures
}

struct Walk<'t, 's> {
    captures: Captures<'t>,
    /// The ancestors of the current node, outermost first.
    stack: Vec<Node<'t>>,
    source: &'s [u8],
}

impl<'t> crate::lang::Visitor<'t> for Walk<'t, '_> {
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

impl<'t> Walk<'t, '_> {
    /// Returns the ancestor `up` levels above the current node: the parent
    /// for 0.
    fn ancestor(&self, up: usize) -> Option<Node<'t>> {
        let idx = self.stack.len().checked_sub(up + 1)?;
        Some(self.stack[idx])
    }

    fn visit_node(&mut self, node: Node<'t>, cursor: &TreeCursor<'t>) {
        match kind(node) {
            Kind::Identifier if node.is_named() => {
                self.definition(node, cursor);
                self.name(node);
            }
            Kind::Attribute if node.is_named() => self.name(node),
            Kind::ImportStatement | Kind::ImportFromStatement if node.is_named() => {
                let type_checking = self.under_type_checking(node);
                self.captures.imports.push(ImportSite {
                    node,
                    type_checking,
                });
            }
            _ => {}
        }
    }

    /// Records the definition that `name` is the `@name` of, if any.
    fn definition(&mut self, name: Node<'t>, cursor: &TreeCursor<'t>) {
        let Some(parent) = self.ancestor(0) else {
            return;
        };
        let parent_kind = kind(parent);
        let field = || cursor.field_id().map(|id| id.get());
        match parent_kind {
            // `(class_definition name: (identifier) @name)` and the same for
            // `function_definition`.
            Kind::ClassDefinition | Kind::FunctionDefinition
                if field() == Some(field_id(FieldName::Name)) =>
            {
                // Definitions under decorators span the decorators too, so
                // a changed decorator line maps to the decorated definition.
                let span_node = self
                    .ancestor(1)
                    .filter(|g| parent.is_named() && kind(*g) == Kind::DecoratedDefinition)
                    .unwrap_or(parent);
                let (symbol_kind, return_type) = if parent_kind == Kind::ClassDefinition {
                    (SymbolKind::Class, None)
                } else {
                    (SymbolKind::Function, child(parent, FieldName::ReturnType))
                };
                self.captures.defs.push(DefSite {
                    name,
                    kind: symbol_kind,
                    span_node,
                    return_type,
                });
            }
            // `(expression_statement (assignment left: (identifier) @name))`.
            Kind::Assignment if field() == Some(field_id(FieldName::Left)) => {
                let Some(statement) = self
                    .ancestor(1)
                    .filter(|s| kind(*s) == Kind::ExpressionStatement)
                else {
                    return;
                };
                if let Some(symbol_kind) = self.assignment_owner() {
                    self.captures.defs.push(DefSite {
                        name,
                        kind: symbol_kind,
                        span_node: statement,
                        return_type: None,
                    });
                }
            }
            _ => {}
        }
    }

    /// Returns whether the assignment statement two levels above the
    /// current node defines a module variable or a class attribute. Either
    /// sits in the module or a class body, possibly inside `if`, `try`,
    /// `with` or loop blocks, but not in a function.
    fn assignment_owner(&self) -> Option<SymbolKind> {
        let above_statement = self.stack.len().checked_sub(2)?;
        for &node in self.stack[..above_statement].iter().rev() {
            match kind(node) {
                Kind::Module => return Some(SymbolKind::Variable),
                Kind::ClassDefinition => return Some(SymbolKind::Field),
                Kind::Block
                | Kind::IfStatement
                | Kind::ElifClause
                | Kind::ElseClause
                | Kind::TryStatement
                | Kind::ExceptClause
                | Kind::FinallyClause
                | Kind::WithStatement
                | Kind::ForStatement
                | Kind::WhileStatement
                | Kind::MatchStatement
                | Kind::CaseClause
                | Kind::ExceptGroupClause => {}
                _ => return None,
            }
        }
        None
    }

    /// Records an identifier or attribute, unless it is the inner part of
    /// an attribute chain.
    fn name(&mut self, node: Node<'t>) {
        let Some(parent) = self.ancestor(0) else {
            return;
        };
        if kind(parent) == Kind::Attribute {
            return;
        }
        let grandparent = self.ancestor(1).filter(|_| parent.is_named());
        let great_grandparent = grandparent
            .filter(|g| g.is_named())
            .and_then(|_| self.ancestor(2));
        let in_type = self.in_type();
        self.captures.names.push(NameSite {
            node,
            parent,
            grandparent,
            great_grandparent,
            in_type,
        });
    }

    /// True when a `type` node is among the six nearest ancestors of the
    /// current node, with no statement or block between them.
    fn in_type(&self) -> bool {
        for (up, &ancestor) in self.stack.iter().rev().take(6).enumerate() {
            if kind(ancestor) == Kind::Type {
                return true;
            }
            if is_statement(ancestor) || kind(ancestor) == Kind::Block {
                return false;
            }
            // The table of parents that extraction read before this walk
            // had no entry for an anonymous node, so the search ended there.
            if up < 5 && !ancestor.is_named() {
                return false;
            }
        }
        false
    }

    /// True when the import statement `node`, the current node, sits in
    /// the body of `if TYPE_CHECKING:` (or `if typing.TYPE_CHECKING:`), not
    /// in its `else`, within its function, class or module.
    fn under_type_checking(&self, node: Node<'t>) -> bool {
        let mut below = node;
        for &ancestor in self.stack.iter().rev() {
            match kind(ancestor) {
                Kind::IfStatement => {
                    let in_consequence = child(ancestor, FieldName::Consequence)
                        .is_some_and(|c| c.id() == below.id());
                    let condition =
                        child(ancestor, FieldName::Condition).map(|c| node_text(c, self.source));
                    if in_consequence
                        && condition
                            .is_some_and(|c| c == "TYPE_CHECKING" || c.ends_with(".TYPE_CHECKING"))
                    {
                        return true;
                    }
                }
                Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Module => return false,
                _ => {}
            }
            if !ancestor.is_named() {
                return false;
            }
            below = ancestor;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use streaming_iterator::StreamingIterator;
    use tree_sitter::{Query, QueryCursor, Tree};

    use super::*;

    /// Python with every construct that `tags.scm` and `imports.scm`
    /// capture, assignments in every kind of block, imports under
    /// `if TYPE_CHECKING:`, annotations, and a syntax error.
    const FIXTURE: &str = r#"
import os
import os.path as osp, sys
from . import sibling
from ..pkg.mod import name as alias, other
from pkg import *
from typing import TYPE_CHECKING, Optional
import typing

if TYPE_CHECKING:
    from models import Model
elif typing.TYPE_CHECKING:
    import elif_only
else:
    import runtime_only

if typing.TYPE_CHECKING:
    import typed_only
    if os.name:
        import nested_typed

__all__ = ["Repo", "helper"] + sibling.__all__
__all__ += ["more"]
CONSTANT = 1
first = second = 2
annotated: int = 3
counter: int
obj.attr = 4
items[0] = 5
x, y = 6, 7

if os.name:
    IN_IF = 1
elif sys.platform:
    IN_ELIF = 2
else:
    IN_ELSE = 3
try:
    IN_TRY = 4
except ValueError as error:
    IN_EXCEPT = 5
except* TypeError:
    IN_EXCEPT_GROUP = 6
finally:
    IN_FINALLY = 7
with open("f") as handle, osp.open() as (a, b):
    IN_WITH = 8
for index in range(3):
    IN_FOR = 9
while False:
    IN_WHILE = 10
match CONSTANT:
    case 1:
        IN_CASE = 11
    case Point(x=px):
        pass

type Alias[T] = list[T]


@decorator
@module.decorator(arg)
class Repo(Base, mod.Mixin, metaclass=Meta):
    """A class."""

    field = Factory()
    typed_field: "Model" = None

    if TYPE_CHECKING:
        import in_class

    def __init__(self, path: str, *args, flag=False, mode: int = 0, **kwargs) -> None:
        self.path = path
        self.store = Store(path)
        local = path.upper()
        walrus = (n := len(local))
        global CONSTANT
        CONSTANT = walrus
        nonlocal_name = [i for i in args if i]
        return self

    @property
    def name(self) -> Optional["Repo"]:
        return self.path.name

    async def fetch(self, *, timeout: float | None = None) -> mod.Result:
        import inner_import
        async with session() as s:
            await s.get(f"{self.path}/{timeout!r}")
        callback = lambda value, *rest: value.strip()
        return super().fetch().result[0].value


def helper(repo: Repo, opts: dict[str, Optional[Repo]] = {}) -> "models.Model":
    return repo.name.strip().lower()


class Broken(:
    def f(self
        return g(
"#;

    fn sources() -> Vec<String> {
        // 300 unclosed calls, which the parser recovers from with `ERROR`
        // nodes.
        let wide = format!("x = {}\n", "f(a, ".repeat(300));
        vec![FIXTURE.to_owned(), wide]
    }

    fn parse(source: &str) -> Tree {
        let config = super::super::config();
        crate::lang::parse(crate::Lang::Python, &config.language, source.as_bytes()).unwrap()
    }

    fn tags_and_imports() -> Query {
        let config = super::super::config();
        crate::lang::compile_query(
            &config.language,
            "queries/python/tags.scm followed by queries/python/imports.scm",
            concat!(
                include_str!("../../../../../queries/python/tags.scm"),
                "\n",
                include_str!("../../../../../queries/python/imports.scm"),
            ),
        )
    }

    /// The node ids that the queries capture, by list of [`Captures`].
    #[derive(Default)]
    struct Expected {
        /// (`@name`, definition node) of each definition that extraction
        /// keeps.
        defs: Vec<(usize, usize)>,
        names: Vec<usize>,
        imports: Vec<usize>,
    }

    /// Returns whether the assignment statement `statement` sits in the
    /// module or a class body, by `Node::parent`.
    fn assignment_owner(statement: Node<'_>) -> Option<SymbolKind> {
        let mut node = statement.parent()?;
        loop {
            match node.kind() {
                "module" => return Some(SymbolKind::Variable),
                "class_definition" => return Some(SymbolKind::Field),
                "block"
                | "if_statement"
                | "elif_clause"
                | "else_clause"
                | "try_statement"
                | "except_clause"
                | "finally_clause"
                | "with_statement"
                | "for_statement"
                | "while_statement"
                | "match_statement"
                | "case_clause"
                | "except_group_clause" => node = node.parent()?,
                _ => return None,
            }
        }
    }

    fn run_query(query: &Query, tree: &Tree, source: &str) -> Expected {
        let capture_names = query.capture_names();
        let mut expected = Expected::default();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(query, tree.root_node(), source.as_bytes());
        while let Some(found) = matches.next() {
            let name_node = found
                .captures
                .iter()
                .find(|c| capture_names[c.index as usize] == "name")
                .map(|c| c.node);
            for capture in found.captures {
                let node = capture.node;
                match capture_names[capture.index as usize] {
                    "definition.class" | "definition.function" => {
                        expected.defs.push((name_node.unwrap().id(), node.id()));
                    }
                    "definition.constant" => {
                        let statement = node.parent().unwrap();
                        if assignment_owner(statement).is_some() {
                            expected.defs.push((name_node.unwrap().id(), node.id()));
                        }
                    }
                    "reference.name" | "reference.attribute" => {
                        let parent = node.parent().unwrap();
                        if parent.kind() != "attribute" {
                            expected.names.push(node.id());
                        }
                    }
                    "import" | "import.from" => expected.imports.push(node.id()),
                    _ => {}
                }
            }
        }
        expected
    }

    /// The walk captures the same nodes as the tags and imports queries,
    /// each list in the queries' order.
    #[test]
    fn queries_and_walk_agree() {
        let query = tags_and_imports();
        for source in sources() {
            let tree = parse(&source);
            let expected = run_query(&query, &tree, &source);
            let captures = collect(tree.root_node(), source.as_bytes());

            // The walk records the span node, which for a constant is the
            // assignment's statement and for a decorated definition is the
            // `decorated_definition`. The queries capture the assignment
            // and the definition.
            let defs: Vec<(usize, usize)> = captures
                .defs
                .iter()
                .map(|def| (def.name.id(), def.name.parent().unwrap().id()))
                .collect();
            assert_eq!(defs, expected.defs, "@definition.*");

            let names: Vec<usize> = captures.names.iter().map(|n| n.node.id()).collect();
            assert_eq!(names, expected.names, "@reference.*");
            let imports: Vec<usize> = captures.imports.iter().map(|i| i.node.id()).collect();
            assert_eq!(imports, expected.imports, "@import and @import.from");
        }
    }

    /// The fixture reaches every kind of definition and import.
    #[test]
    fn fixture_covers_every_capture() {
        let tree = parse(FIXTURE);
        let captures = collect(tree.root_node(), FIXTURE.as_bytes());

        let def_kinds: Vec<SymbolKind> = captures.defs.iter().map(|d| d.kind).collect();
        for expected in [
            SymbolKind::Class,
            SymbolKind::Function,
            SymbolKind::Variable,
            SymbolKind::Field,
        ] {
            assert!(def_kinds.contains(&expected), "no {expected:?} definition");
        }

        let import_kinds: Vec<&str> = captures.imports.iter().map(|i| i.node.kind()).collect();
        assert!(import_kinds.contains(&"import_statement"), "no import");
        assert!(
            import_kinds.contains(&"import_from_statement"),
            "no from import"
        );

        let name_kinds: Vec<&str> = captures.names.iter().map(|n| n.node.kind()).collect();
        assert!(name_kinds.contains(&"identifier"), "no identifier");
        assert!(name_kinds.contains(&"attribute"), "no attribute");

        assert!(
            captures.defs.iter().any(|d| d.return_type.is_some()),
            "no return type"
        );
        assert!(
            captures
                .defs
                .iter()
                .any(|d| d.span_node.kind() == "decorated_definition"),
            "no decorated definition"
        );
        assert!(captures.names.iter().any(|n| n.in_type), "no annotation");
        assert!(tree.root_node().has_error(), "no syntax error");
    }

    /// True when `node` sits in the body of `if TYPE_CHECKING:`, by
    /// `Node::parent`.
    fn under_type_checking(node: Node<'_>, source: &[u8]) -> bool {
        let mut below = node;
        let mut ancestor = node.parent();
        while let Some(current) = ancestor {
            match current.kind() {
                "if_statement" => {
                    let in_consequence = current
                        .child_by_field_name("consequence")
                        .is_some_and(|c| c.id() == below.id());
                    let condition = current
                        .child_by_field_name("condition")
                        .map(|c| node_text(c, source));
                    if in_consequence
                        && condition
                            .is_some_and(|c| c == "TYPE_CHECKING" || c.ends_with(".TYPE_CHECKING"))
                    {
                        return true;
                    }
                }
                "function_definition" | "class_definition" | "module" => return false,
                _ => {}
            }
            below = current;
            ancestor = current.parent();
        }
        false
    }

    /// True when a `type` node is among the six nearest ancestors, with
    /// no statement or block between, by `Node::parent`.
    fn in_type(node: Node<'_>) -> bool {
        let ancestors = std::iter::successors(node.parent(), |n| n.parent()).take(6);
        for ancestor in ancestors {
            if ancestor.kind() == "type" {
                return true;
            }
            if ancestor.kind().ends_with("statement") || ancestor.kind() == "block" {
                return false;
            }
        }
        false
    }

    /// The ancestors and flags that the walk records agree with the ones
    /// found by `Node::parent`.
    #[test]
    fn recorded_ancestors_match_node_parent() {
        for source in sources() {
            let bytes = source.as_bytes();
            let tree = parse(&source);
            let captures = collect(tree.root_node(), bytes);
            for name in &captures.names {
                let node = name.node;
                let parent = node.parent();
                let grandparent = parent.and_then(|p| p.parent());
                let great_grandparent = grandparent.and_then(|g| g.parent());
                assert_eq!(Some(name.parent), parent, "parent of {node:?}");
                assert_eq!(name.grandparent, grandparent, "grandparent of {node:?}");
                assert_eq!(
                    name.great_grandparent, great_grandparent,
                    "great-grandparent of {node:?}"
                );
                assert_eq!(name.in_type, in_type(node), "annotation at {node:?}");
            }
            for def in &captures.defs {
                let definition = def.name.parent().unwrap();
                let expected = match definition.kind() {
                    "assignment" => definition.parent(),
                    _ => definition
                        .parent()
                        .filter(|p| p.kind() == "decorated_definition")
                        .or(Some(definition)),
                };
                assert_eq!(Some(def.span_node), expected, "span of {:?}", def.name);
                let kind = match definition.kind() {
                    "class_definition" => Some(SymbolKind::Class),
                    "function_definition" => Some(SymbolKind::Function),
                    _ => assignment_owner(definition.parent().unwrap()),
                };
                assert_eq!(Some(def.kind), kind, "kind of {:?}", def.name);
            }
            for import in &captures.imports {
                let expected = under_type_checking(import.node, bytes);
                assert_eq!(import.type_checking, expected, "{:?}", import.node);
            }
        }
    }

    /// Imports under `if TYPE_CHECKING:` and `if typing.TYPE_CHECKING:`
    /// are marked, and those in `elif`, `else` and functions are not.
    #[test]
    fn type_checking_imports_are_marked() {
        let tree = parse(FIXTURE);
        let captures = collect(tree.root_node(), FIXTURE.as_bytes());
        let marked: Vec<&str> = captures
            .imports
            .iter()
            .filter(|i| i.type_checking)
            .map(|i| node_text(i.node, FIXTURE.as_bytes()))
            .collect();
        assert_eq!(
            marked,
            [
                "from models import Model",
                "import typed_only",
                "import nested_typed",
                "import in_class",
            ]
        );
    }
}
