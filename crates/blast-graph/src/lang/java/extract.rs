//! Extraction of one Java file: declarations become symbols, and type uses,
//! locals, imports and the expressions around calls, field accesses and
//! names become facts for the resolver. Syntax only: nothing here looks at
//! other files. Every walk is iterative, so deeply nested input cannot
//! overflow the stack.

use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

use super::collect::{LocalSite, collect};
use super::kinds::{FieldName, Kind, child, kind};
use super::{
    BinaryOp, CtorTarget, Decl, Expr, ExprId, ExprNode, JavaFacts, JavaImport, Literal, Local,
    LocalType, MethodRefReceiver, TypeName, TypeParam, TypeUse, modifier,
};
use crate::model::{EdgeKind, FileSyntax, LocalSymbol, Span, SymbolKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DefKind {
    Class,
    Interface,
    Enum,
    Record,
    Annotation,
    Anonymous,
    Method,
    AnnotationElement,
    Constructor,
    CompactConstructor,
    Field,
    InterfaceConstant,
    EnumConstant,
    RecordComponent,
    Initializer,
}

/// A definition before parents and local names are known.
pub(super) struct RawDef<'t> {
    pub kind: DefKind,
    /// The declaration node (for a field, the whole `field_declaration`).
    pub node: Node<'t>,
    /// The identifier, or the instantiated type of an anonymous class.
    pub name: Option<Node<'t>>,
    pub span: Span,
    /// The `variable_declarator` of a field or interface constant.
    pub declarator: Option<Node<'t>>,
    /// The record header's `formal_parameters` of a compact constructor.
    pub record_params: Option<Node<'t>>,
}

/// Extracts the symbols and facts of one parsed file. Taking the config
/// ensures that [`super::config`] has built the kind table.
pub(crate) fn extract(source: &[u8], tree: &Tree) -> (FileSyntax, JavaFacts) {
    let root = tree.root_node();
    let line_count = count_lines(source);

    // Step 1: collect what the tags and locals queries capture, in one walk.
    let sites = collect(root);
    let mut defs = sites.defs;

    // Step 2: nest definitions by span, which gives each its parent, local
    // name, kind and visibility.
    defs.sort_by_key(|d| (d.span.start_byte, std::cmp::Reverse(d.span.end_byte)));
    let module_span = Span {
        start_byte: 0,
        end_byte: to_u32(source.len()),
        start_line: 1,
        end_line: line_count.max(1),
    };
    let (symbols, decls, anonymous_bodies) = build_symbols(&defs, source, module_span);
    let scopes = ScopeIndex::new(&symbols);

    let mut facts = JavaFacts {
        decls,
        ..JavaFacts::default()
    };
    if let Some(package) = sites.package {
        facts.package = dotted_text(package, source).join(".");
    }
    for import in &sites.imports {
        if let Some(import) = read_import(*import, source) {
            facts.imports.push(import);
        }
    }

    // Step 3: locals first, so that `var` initialisers get small expression
    // ids and are typed before the names that use them.
    let mut builder = ExprBuilder {
        source,
        scopes: &scopes,
        anonymous_bodies: &anonymous_bodies,
        case_labels: &sites.case_labels,
        exprs: Vec::new(),
        memo: FxHashMap::default(),
        qualified_supers: FxHashMap::default(),
    };
    read_locals(&sites.locals, source, &scopes, &mut builder, &mut facts);

    // Step 4: enum constants pass their arguments to a constructor.
    for def in &defs {
        if def.kind == DefKind::EnumConstant {
            builder.build(def.node);
        }
    }

    // Step 5: expressions around calls, constructions, method references,
    // field accesses and names.
    for node in &sites.expressions {
        builder.build(*node);
    }
    for name in &sites.names {
        let node = &name.node;
        let Some(parent) = name.parent else {
            continue;
        };
        if kind(parent) == Kind::RecordPattern {
            // `case Point(int x, int y)`: the record's name is an identifier.
            facts.type_uses.push(TypeUse {
                scope: scopes.symbol_at(node.start_byte()),
                name: TypeName {
                    segments: vec![node_text(*node, source).to_owned()],
                    dims: 0,
                },
                kind: EdgeKind::TypeRef,
                line: line_of(*node),
            });
        } else if is_expression_identifier(*node, parent) {
            builder.build(*node);
        }
    }
    facts.exprs = builder.exprs;

    // Step 6: written types, with `extends`/`implements` marked as
    // inheritance.
    let mut inherit_nodes: Vec<usize> = Vec::with_capacity(sites.implementations.len() * 2);
    for node in &sites.implementations {
        inherit_nodes.push(node.id());
        if node.kind() == "generic_type"
            && let Some(head) = node.named_child(0)
        {
            inherit_nodes.push(head.id());
        }
    }
    inherit_nodes.sort_unstable();
    for node in &sites.types {
        if node_text(*node, source) == "var" {
            continue;
        }
        let Some(name) = type_name(*node, source) else {
            continue;
        };
        let kind = if inherit_nodes.binary_search(&node.id()).is_ok() {
            EdgeKind::Inherit
        } else {
            EdgeKind::TypeRef
        };
        facts.type_uses.push(TypeUse {
            scope: scopes.symbol_at(node.start_byte()),
            name: TypeName { dims: 0, ..name },
            kind,
            line: line_of(*node),
        });
    }
    for name in &sites.annotations {
        facts.type_uses.push(TypeUse {
            scope: scopes.symbol_at(name.start_byte()),
            name: TypeName {
                segments: dotted_text(*name, source),
                dims: 0,
            },
            kind: EdgeKind::TypeRef,
            line: line_of(*name),
        });
    }

    let syntax = FileSyntax {
        symbols,
        line_count,
        parse_errors: crate::lang::count_parse_errors(tree),
    };
    (syntax, facts)
}

/// Symbols, their declarations, and the symbol of each anonymous class body
/// by node id.
fn build_symbols(
    defs: &[RawDef<'_>],
    source: &[u8],
    module_span: Span,
) -> (Vec<LocalSymbol>, Vec<Decl>, FxHashMap<usize, u32>) {
    let mut symbols = vec![LocalSymbol {
        local_name: String::new(),
        kind: SymbolKind::Module,
        parent: None,
        span: module_span,
        public: true,
        test: false,
        test_only: false,
    }];
    let mut decls = vec![Decl::Module];
    let mut anonymous_bodies: FxHashMap<usize, u32> = FxHashMap::default();
    let mut used_segments: FxHashMap<(u32, String), u32> = FxHashMap::default();
    let mut stack: Vec<u32> = Vec::new();
    for def in defs {
        let span = def.span;
        while let Some(&top) = stack.last() {
            let top_span = symbols[top as usize].span;
            // A sibling with the same span (another declarator of one
            // field) is not a parent.
            let same = top_span.start_byte == span.start_byte && top_span.end_byte == span.end_byte;
            if top_span.end_byte <= span.start_byte || same {
                stack.pop();
            } else {
                break;
            }
        }
        let parent = stack.last().copied().unwrap_or(0);
        let parent_sym = &symbols[parent as usize];
        let parent_kind = parent_sym.kind;
        let parent_is_interface = parent_kind == SymbolKind::Interface;
        let parent_is_type = matches!(decls[parent as usize], Decl::Type { .. });

        let segment = unique_segment(&mut used_segments, parent, segment_of(def, source));
        let name_bytes = parent_sym.local_name.len() + 1 + segment.len();
        if !crate::lang::take_name_bytes(name_bytes) {
            continue;
        }
        let decl = read_decl(def, source, parent_is_interface);
        let local_name = if parent_sym.local_name.is_empty() {
            segment
        } else {
            format!("{}.{}", parent_sym.local_name, segment)
        };
        let modifiers = match &decl {
            Decl::Method { modifiers, .. } | Decl::Field { modifiers, .. } => *modifiers,
            _ => modifiers_of(def.node),
        };
        let kind = symbol_kind(def.kind, modifiers);
        let exposed = modifiers & (modifier::PUBLIC | modifier::PROTECTED) != 0
            || (parent_is_interface && modifiers & modifier::PRIVATE == 0);
        let visible_from_parent = parent == 0 || parent_is_type;
        let public = parent_sym.public
            && visible_from_parent
            && match def.kind {
                DefKind::Anonymous | DefKind::Initializer => false,
                DefKind::EnumConstant | DefKind::RecordComponent => true,
                _ => exposed,
            };
        let test = matches!(def.kind, DefKind::Method) && has_test_annotation(def.node, source);
        symbols.push(LocalSymbol {
            local_name,
            kind,
            parent: Some(parent),
            span,
            public,
            test,
            test_only: false,
        });
        decls.push(decl);
        let idx = to_u32(symbols.len() - 1);
        if def.kind == DefKind::Anonymous {
            anonymous_bodies.insert(def.node.id(), idx);
        }
        stack.push(idx);
    }
    (symbols, decls, anonymous_bodies)
}

fn symbol_kind(kind: DefKind, modifiers: u8) -> SymbolKind {
    match kind {
        DefKind::Class | DefKind::Anonymous => SymbolKind::Class,
        DefKind::Interface | DefKind::Annotation => SymbolKind::Interface,
        DefKind::Enum => SymbolKind::Enum,
        DefKind::Record => SymbolKind::Record,
        DefKind::Method | DefKind::AnnotationElement | DefKind::Initializer => SymbolKind::Method,
        DefKind::Constructor | DefKind::CompactConstructor => SymbolKind::Constructor,
        DefKind::InterfaceConstant | DefKind::EnumConstant => SymbolKind::Constant,
        DefKind::Field => {
            let constant = modifier::STATIC | modifier::FINAL;
            if modifiers & constant == constant {
                SymbolKind::Constant
            } else {
                SymbolKind::Field
            }
        }
        DefKind::RecordComponent => SymbolKind::Field,
    }
}

/// Returns the last segment of a definition's local name.
fn segment_of(def: &RawDef<'_>, source: &[u8]) -> String {
    let name = def.name.map(|n| node_text(n, source)).unwrap_or_default();
    match def.kind {
        DefKind::Anonymous => {
            let ty = def
                .name
                .and_then(|n| type_name(n, source))
                .map(|t| display(&t))
                .unwrap_or_default();
            format!("<anonymous {ty}>")
        }
        DefKind::Method | DefKind::AnnotationElement | DefKind::Constructor => {
            let params = def.node.child_by_field_name("parameters");
            format!(
                "{name}({})",
                params.map(|p| param_display(p, source)).unwrap_or_default()
            )
        }
        DefKind::CompactConstructor => {
            let params = def.record_params;
            format!(
                "{name}({})",
                params.map(|p| param_display(p, source)).unwrap_or_default()
            )
        }
        DefKind::Initializer => "<clinit>".to_owned(),
        _ => name.to_owned(),
    }
}

/// Appends `#2`, `#3`, ... to a segment already used under the same
/// parent (several static initialisers, or invalid duplicate members).
fn unique_segment(
    used_segments: &mut FxHashMap<(u32, String), u32>,
    parent: u32,
    segment: String,
) -> String {
    let count = used_segments.entry((parent, segment.clone())).or_insert(0);
    *count += 1;
    if *count == 1 {
        segment
    } else {
        format!("{segment}#{count}")
    }
}

fn read_decl(def: &RawDef<'_>, source: &[u8], in_interface: bool) -> Decl {
    let node = def.node;
    let mut modifiers = modifiers_of(node);
    match def.kind {
        DefKind::Class
        | DefKind::Interface
        | DefKind::Enum
        | DefKind::Record
        | DefKind::Annotation => Decl::Type {
            supers: declared_supers(node, source),
            enum_constant_body: false,
        },
        DefKind::Anonymous => Decl::Type {
            supers: def
                .name
                .and_then(|n| type_name(n, source))
                .into_iter()
                .collect(),
            enum_constant_body: false,
        },
        DefKind::EnumConstant if node.child_by_field_name("body").is_some() => Decl::Type {
            supers: Vec::new(),
            enum_constant_body: true,
        },
        DefKind::Method
        | DefKind::AnnotationElement
        | DefKind::Constructor
        | DefKind::CompactConstructor => {
            let params_node = if def.kind == DefKind::CompactConstructor {
                def.record_params
            } else {
                node.child_by_field_name("parameters")
            };
            let (params, varargs) = params_node
                .map(|p| param_types(p, source))
                .unwrap_or_default();
            let returns = if matches!(def.kind, DefKind::Method | DefKind::AnnotationElement) {
                node.child_by_field_name("type")
                    .and_then(|t| type_name(t, source))
                    .map(|mut t| {
                        t.dims += count_dims(node.child_by_field_name("dimensions"));
                        t
                    })
            } else {
                None
            };
            if in_interface && modifiers & modifier::PRIVATE == 0 {
                modifiers |= modifier::PUBLIC;
            }
            Decl::Method {
                params,
                varargs,
                returns,
                modifiers,
            }
        }
        DefKind::Initializer => Decl::Method {
            params: Vec::new(),
            varargs: false,
            returns: None,
            modifiers: modifier::STATIC,
        },
        DefKind::Field | DefKind::InterfaceConstant => {
            let declarator = def.declarator;
            let ty = node
                .child_by_field_name("type")
                .and_then(|t| type_name(t, source))
                .map(|mut t| {
                    t.dims +=
                        count_dims(declarator.and_then(|d| d.child_by_field_name("dimensions")));
                    t
                });
            if def.kind == DefKind::InterfaceConstant || in_interface {
                modifiers |= modifier::STATIC | modifier::FINAL | modifier::PUBLIC;
            }
            Decl::Field { ty, modifiers }
        }
        DefKind::EnumConstant => Decl::Field {
            ty: None,
            modifiers: modifier::STATIC | modifier::FINAL | modifier::PUBLIC,
        },
        DefKind::RecordComponent => {
            let ty = if node.kind() == "spread_parameter" {
                first_type_child(node)
                    .and_then(|t| type_name(t, source))
                    .map(|mut t| {
                        t.dims += 1;
                        t
                    })
            } else {
                node.child_by_field_name("type")
                    .and_then(|t| type_name(t, source))
            };
            Decl::Field {
                ty,
                modifiers: modifier::PRIVATE | modifier::FINAL,
            }
        }
    }
}

/// Reads the written supertypes of a class, interface, enum or record, the
/// superclass first.
fn declared_supers(node: Node<'_>, source: &[u8]) -> Vec<TypeName> {
    let mut supers = Vec::new();
    if let Some(superclass) = node.child_by_field_name("superclass")
        && let Some(ty) = first_type_child(superclass).and_then(|t| type_name(t, source))
    {
        supers.push(ty);
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if matches!(child.kind(), "super_interfaces" | "extends_interfaces") {
            let mut inner = child.walk();
            for list in child.named_children(&mut inner) {
                if list.kind() == "type_list" {
                    let mut types = list.walk();
                    for ty in list.named_children(&mut types) {
                        if let Some(ty) = type_name(ty, source) {
                            supers.push(ty);
                        }
                    }
                }
            }
        }
    }
    supers
}

/// Parameter types of `formal_parameters`, and whether the last one is
/// varargs. Receiver parameters (`Foo this`) are not parameters.
fn param_types(params: Node<'_>, source: &[u8]) -> (Vec<TypeName>, bool) {
    let mut out = Vec::new();
    let mut varargs = false;
    let mut cursor = params.walk();
    for param in params.named_children(&mut cursor) {
        match param.kind() {
            "formal_parameter" => {
                let ty = param
                    .child_by_field_name("type")
                    .and_then(|t| type_name(t, source));
                let mut ty = ty.unwrap_or(TypeName {
                    segments: Vec::new(),
                    dims: 0,
                });
                ty.dims += count_dims(param.child_by_field_name("dimensions"));
                out.push(ty);
            }
            "spread_parameter" => {
                let mut ty = first_type_child(param)
                    .and_then(|t| type_name(t, source))
                    .unwrap_or(TypeName {
                        segments: Vec::new(),
                        dims: 0,
                    });
                ty.dims += 1;
                out.push(ty);
                varargs = true;
            }
            _ => {}
        }
    }
    (out, varargs)
}

/// `int,String...,Order.Line[]`: the parameter list of a method's local
/// name.
fn param_display(params: Node<'_>, source: &[u8]) -> String {
    let (types, varargs) = param_types(params, source);
    let count = types.len();
    let mut out = String::new();
    for (idx, ty) in types.iter().enumerate() {
        if idx > 0 {
            out.push(',');
        }
        if varargs && idx + 1 == count {
            let element = TypeName {
                segments: ty.segments.clone(),
                dims: ty.dims.saturating_sub(1),
            };
            out.push_str(&display(&element));
            out.push_str("...");
        } else {
            out.push_str(&display(ty));
        }
    }
    out
}

/// Formats a type name without its package prefix: `java.util.Map.Entry[]`
/// is `Map.Entry[]`. Leading segments that start with a lowercase letter
/// count as packages, following the Java naming convention.
pub(crate) fn display(ty: &TypeName) -> String {
    let keep_from = ty
        .segments
        .iter()
        .position(|s| !s.starts_with(|c: char| c.is_lowercase()))
        .unwrap_or(ty.segments.len().saturating_sub(1));
    let mut out = ty.segments[keep_from.min(ty.segments.len())..].join(".");
    for _ in 0..ty.dims {
        out.push_str("[]");
    }
    out
}

/// Returns the `modifiers` child of a declaration, which also contains its
/// annotations.
fn modifiers_node(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    node.children(&mut cursor).find(|c| c.kind() == "modifiers")
}

fn modifiers_of(node: Node<'_>) -> u8 {
    let Some(modifiers) = modifiers_node(node) else {
        return 0;
    };
    let mut flags = 0;
    let mut inner = modifiers.walk();
    for token in modifiers.children(&mut inner) {
        flags |= match token.kind() {
            "static" => modifier::STATIC,
            "private" => modifier::PRIVATE,
            "abstract" => modifier::ABSTRACT,
            "default" => modifier::DEFAULT,
            "final" => modifier::FINAL,
            "public" => modifier::PUBLIC,
            "protected" => modifier::PROTECTED,
            _ => 0,
        };
    }
    flags
}

/// Annotations that mark a method as a test for JUnit 4 and 5 and for
/// the frameworks built on them, by simple name.
const TEST_ANNOTATIONS: &[&str] = &[
    "ParameterizedTest",
    "Property",
    "RepeatedTest",
    "Test",
    "TestFactory",
    "TestTemplate",
    "Theory",
];

/// True when the declaration's modifiers carry a test annotation, simple
/// (`@Test`) or qualified (`@org.junit.Test`).
fn has_test_annotation(node: Node<'_>, source: &[u8]) -> bool {
    let Some(modifiers) = modifiers_node(node) else {
        return false;
    };
    let mut inner = modifiers.walk();
    modifiers.children(&mut inner).any(|child| {
        matches!(child.kind(), "marker_annotation" | "annotation")
            && child.child_by_field_name("name").is_some_and(|name| {
                let text = node_text(name, source);
                let simple = text.rsplit('.').next().unwrap_or(text).trim();
                TEST_ANNOTATIONS.contains(&simple)
            })
    })
}

fn read_import(node: Node<'_>, source: &[u8]) -> Option<JavaImport> {
    let mut cursor = node.walk();
    let mut path = None;
    let mut is_static = false;
    let mut on_demand = false;
    for child in node.children(&mut cursor) {
        match child.kind() {
            "static" => is_static = true,
            "asterisk" => on_demand = true,
            "identifier" | "scoped_identifier" => path = Some(dotted_text(child, source)),
            _ => {}
        }
    }
    Some(JavaImport {
        path: path?,
        is_static,
        on_demand,
        line: line_of(node),
    })
}

/// Reads every local variable, parameter and type parameter.
fn read_locals<'t>(
    sites: &[LocalSite<'t>],
    source: &[u8],
    scopes: &ScopeIndex,
    builder: &mut ExprBuilder<'_, 't>,
    facts: &mut JavaFacts,
) {
    for site in sites {
        match *site {
            LocalSite::TypeParameter(node) => read_type_parameter(node, source, scopes, facts),
            LocalSite::Definition { node, around } => {
                read_local(node, around, source, builder, &mut facts.locals);
            }
        }
    }
}

fn read_type_parameter(node: Node<'_>, source: &[u8], scopes: &ScopeIndex, facts: &mut JavaFacts) {
    let mut cursor = node.walk();
    let mut name = None;
    let mut bound = None;
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "type_identifier" if name.is_none() => name = Some(node_text(child, source).to_owned()),
            "type_bound" => bound = first_type_child(child).and_then(|t| type_name(t, source)),
            _ => {}
        }
    }
    if let Some(name) = name {
        facts.type_params.push(TypeParam {
            owner: scopes.symbol_at(node.start_byte()),
            name,
            bound,
        });
    }
}

/// Reads the locals that `node` declares. `around` is the ancestor that
/// [`LocalSite::Definition`] describes.
fn read_local<'t>(
    node: Node<'t>,
    around: Option<Node<'t>>,
    source: &[u8],
    builder: &mut ExprBuilder<'_, 't>,
    locals: &mut Vec<Local>,
) {
    let declared = |ty: Option<Node<'_>>, extra_dims: u8| -> LocalType {
        match ty.and_then(|t| type_name(t, source)) {
            Some(mut ty) if !(ty.segments.len() == 1 && ty.segments[0] == "var") => {
                ty.dims += extra_dims;
                LocalType::Declared(ty)
            }
            _ => LocalType::Unknown,
        }
    };
    let is_var = |ty: Option<Node<'_>>| ty.is_some_and(|t| node_text(t, source) == "var");
    let range_end =
        |n: Option<Node<'_>>| n.map_or(to_u32(node.end_byte()), |n| to_u32(n.end_byte()));
    match node.kind() {
        "local_variable_declaration" => {
            let ty_node = node.child_by_field_name("type");
            let end = range_end(around);
            let mut cursor = node.walk();
            let declarators: Vec<Node<'_>> = node
                .children_by_field_name("declarator", &mut cursor)
                .collect();
            for declarator in declarators {
                let Some(name) = declarator.child_by_field_name("name") else {
                    continue;
                };
                let ty = if is_var(ty_node) {
                    declarator
                        .child_by_field_name("value")
                        .map_or(LocalType::Unknown, |value| {
                            LocalType::Inferred(builder.build(value))
                        })
                } else {
                    declared(
                        ty_node,
                        count_dims(declarator.child_by_field_name("dimensions")),
                    )
                };
                locals.push(Local {
                    name: node_text(name, source).to_owned(),
                    ty,
                    start: to_u32(declarator.start_byte()),
                    end,
                });
            }
        }
        "formal_parameter" | "spread_parameter" => {
            let owner = around;
            if owner.is_some_and(|o| o.kind() == "record_declaration") {
                return;
            }
            let (name, ty) = if node.kind() == "formal_parameter" {
                let ty_node = node.child_by_field_name("type");
                (
                    node.child_by_field_name("name"),
                    declared(ty_node, count_dims(node.child_by_field_name("dimensions"))),
                )
            } else {
                let mut cursor = node.walk();
                let declarator = node
                    .named_children(&mut cursor)
                    .find(|c| c.kind() == "variable_declarator");
                (
                    declarator.and_then(|d| d.child_by_field_name("name")),
                    declared(first_type_child(node), 1),
                )
            };
            let Some(name) = name else { return };
            let owner = owner.unwrap_or(node);
            locals.push(Local {
                name: node_text(name, source).to_owned(),
                ty,
                start: to_u32(owner.start_byte()),
                end: to_u32(owner.end_byte()),
            });
        }
        "catch_formal_parameter" => {
            let Some(name) = node.child_by_field_name("name") else {
                return;
            };
            let mut cursor = node.walk();
            let catch_type = node
                .named_children(&mut cursor)
                .find(|c| c.kind() == "catch_type");
            let ty = catch_type.map_or(LocalType::Unknown, |ct| {
                let mut inner = ct.walk();
                let types: Vec<Node<'_>> = ct.named_children(&mut inner).collect();
                if types.len() == 1 {
                    declared(Some(types[0]), 0)
                } else {
                    LocalType::OneOf(types.iter().filter_map(|t| type_name(*t, source)).collect())
                }
            });
            let clause = around.unwrap_or(node);
            locals.push(Local {
                name: node_text(name, source).to_owned(),
                ty,
                start: to_u32(clause.start_byte()),
                end: to_u32(clause.end_byte()),
            });
        }
        "enhanced_for_statement" => {
            let Some(name) = node.child_by_field_name("name") else {
                return;
            };
            let ty_node = node.child_by_field_name("type");
            let ty = if is_var(ty_node) {
                node.child_by_field_name("value")
                    .map_or(LocalType::Unknown, |value| {
                        LocalType::Element(builder.build(value))
                    })
            } else {
                declared(ty_node, count_dims(node.child_by_field_name("dimensions")))
            };
            locals.push(Local {
                name: node_text(name, source).to_owned(),
                ty,
                start: to_u32(node.start_byte()),
                end: to_u32(node.end_byte()),
            });
        }
        "resource" => {
            let Some(name) = node.child_by_field_name("name") else {
                return;
            };
            let ty_node = node.child_by_field_name("type");
            let ty = if is_var(ty_node) {
                node.child_by_field_name("value")
                    .map_or(LocalType::Unknown, |value| {
                        LocalType::Inferred(builder.build(value))
                    })
            } else {
                declared(ty_node, 0)
            };
            let statement = around.unwrap_or(node);
            locals.push(Local {
                name: node_text(name, source).to_owned(),
                ty,
                start: to_u32(node.start_byte()),
                end: to_u32(statement.end_byte()),
            });
        }
        "instanceof_expression" | "type_pattern" | "record_pattern_component" => {
            let (name, ty_node) = if node.kind() == "instanceof_expression" {
                (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("right"),
                )
            } else {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let name = children
                    .iter()
                    .rev()
                    .find(|c| c.kind() == "identifier")
                    .copied();
                (
                    name,
                    children
                        .first()
                        .copied()
                        .filter(|c| c.kind() != "identifier"),
                )
            };
            let Some(name) = name else { return };
            // Pattern variables stay in scope after the test (flow scoping),
            // so the visible range runs to the end of the enclosing block.
            locals.push(Local {
                name: node_text(name, source).to_owned(),
                ty: declared(ty_node, 0),
                start: to_u32(node.start_byte()),
                end: to_u32(around.unwrap_or(node).end_byte()),
            });
        }
        "lambda_expression" => {
            if let Some(name) = node.child_by_field_name("parameters") {
                locals.push(Local {
                    name: node_text(name, source).to_owned(),
                    ty: LocalType::Unknown,
                    start: to_u32(node.start_byte()),
                    end: to_u32(node.end_byte()),
                });
            }
        }
        "inferred_parameters" => {
            let lambda = around.unwrap_or(node);
            let mut cursor = node.walk();
            for name in node
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "identifier")
            {
                locals.push(Local {
                    name: node_text(name, source).to_owned(),
                    ty: LocalType::Unknown,
                    start: to_u32(lambda.start_byte()),
                    end: to_u32(lambda.end_byte()),
                });
            }
        }
        _ => {}
    }
}

/// True for identifiers that are expressions: variables, fields, and type
/// or package names at the start of a chain. Declared names, labels,
/// method names, annotation names and import paths are not.
fn is_expression_identifier(node: Node<'_>, parent: Node<'_>) -> bool {
    let is_field = |field: FieldName| super::kinds::field_is(parent, field, node);
    match kind(parent) {
        Kind::MethodInvocation => !is_field(FieldName::Name),
        Kind::FieldAccess => !is_field(FieldName::Field),
        Kind::VariableDeclarator
        | Kind::EnhancedForStatement
        | Kind::Resource
        | Kind::InstanceofExpression => !is_field(FieldName::Name),
        Kind::ElementValuePair => !is_field(FieldName::Key),
        Kind::LambdaExpression => !is_field(FieldName::Parameters),
        Kind::ClassDeclaration
        | Kind::InterfaceDeclaration
        | Kind::EnumDeclaration
        | Kind::RecordDeclaration
        | Kind::AnnotationTypeDeclaration
        | Kind::MethodDeclaration
        | Kind::ConstructorDeclaration
        | Kind::CompactConstructorDeclaration
        | Kind::AnnotationTypeElementDeclaration
        | Kind::EnumConstant
        | Kind::FormalParameter
        | Kind::CatchFormalParameter
        | Kind::MarkerAnnotation
        | Kind::Annotation
        | Kind::ScopedIdentifier
        | Kind::PackageDeclaration
        | Kind::ImportDeclaration
        | Kind::LabeledStatement
        | Kind::BreakStatement
        | Kind::ContinueStatement
        | Kind::InferredParameters
        | Kind::TypePattern
        | Kind::RecordPattern
        | Kind::RecordPatternComponent
        | Kind::MethodReference
        | Kind::ReceiverParameter
        | Kind::ModuleDeclaration
        | Kind::RequiresModuleDirective
        | Kind::ExportsModuleDirective
        | Kind::OpensModuleDirective
        | Kind::UsesModuleDirective
        | Kind::ProvidesModuleDirective => false,
        _ => true,
    }
}

/// Builds [`Expr`]s from syntax nodes, children before parents, with an
/// explicit stack and a memo by node id, so a chain `a.b().c().d()` is
/// built once however many of its parts are reference sites.
struct ExprBuilder<'a, 't> {
    source: &'a [u8],
    scopes: &'a ScopeIndex,
    anonymous_bodies: &'a FxHashMap<usize, u32>,
    /// See [`super::collect::Captures::case_labels`].
    case_labels: &'a FxHashMap<usize, Option<Node<'t>>>,
    exprs: Vec<ExprNode>,
    memo: FxHashMap<usize, ExprId>,
    /// The `Iface.super` receiver of each `Iface.super.m()`, by the
    /// invocation's node id.
    qualified_supers: FxHashMap<usize, ExprId>,
}

impl<'t> ExprBuilder<'_, 't> {
    fn build(&mut self, root: Node<'t>) -> ExprId {
        if let Some(&id) = self.memo.get(&root.id()) {
            return id;
        }
        let mut stack: Vec<(Node<'t>, bool)> = vec![(root, false)];
        while let Some((node, expanded)) = stack.pop() {
            if self.memo.contains_key(&node.id()) {
                continue;
            }
            if expanded {
                // Parentheses and unary `+`/`-` are transparent.
                if let Some(inner) = transparent_child(node, self.source) {
                    let id = self.memo[&inner.id()];
                    self.memo.insert(node.id(), id);
                    continue;
                }
                if kind(node) == Kind::MethodInvocation
                    && qualified_super(node)
                    && let Some(object) = child(node, FieldName::Object)
                {
                    let segments = dotted_text(object, self.source);
                    let id =
                        self.push(Expr::QualifiedSuper(TypeName { segments, dims: 0 }), object);
                    self.qualified_supers.insert(node.id(), id);
                }
                let expr = self.make(node);
                let id = self.push(expr, node);
                self.memo.insert(node.id(), id);
            } else {
                stack.push((node, true));
                for child in expr_children(node, self.source, self.case_labels) {
                    if !self.memo.contains_key(&child.id()) {
                        stack.push((child, false));
                    }
                }
            }
        }
        self.memo[&root.id()]
    }

    fn push(&mut self, expr: Expr, node: Node<'_>) -> ExprId {
        let id = to_u32(self.exprs.len());
        self.exprs.push(ExprNode {
            expr,
            scope: self.scopes.symbol_at(node.start_byte()),
            pos: to_u32(node.start_byte()),
            line: line_of(node),
        });
        id
    }

    fn id(&self, node: Node<'_>) -> ExprId {
        self.memo[&node.id()]
    }

    fn ids(&self, nodes: Option<Node<'_>>) -> Vec<ExprId> {
        nodes
            .map(|list| {
                expression_children(list)
                    .into_iter()
                    .map(|n| self.id(n))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes the expression of a node whose children are built.
    fn make(&self, node: Node<'_>) -> Expr {
        let source = self.source;
        match kind(node) {
            Kind::Identifier => {
                let name = node_text(node, source).to_owned();
                if let Some(selector) = self.case_labels.get(&node.id()) {
                    Expr::CaseLabel {
                        name,
                        selector: selector.map(|s| self.id(s)),
                    }
                } else {
                    Expr::Name(name)
                }
            }
            Kind::FieldAccess => {
                let object = child(node, FieldName::Object);
                let field = child(node, FieldName::Field);
                match (object, field) {
                    (Some(object), Some(field)) if kind(field) == Kind::This => {
                        Expr::QualifiedThis(TypeName {
                            segments: dotted_text(object, source),
                            dims: 0,
                        })
                    }
                    (Some(object), Some(field)) => Expr::Field {
                        object: self.id(object),
                        name: node_text(field, source).to_owned(),
                    },
                    _ => Expr::Unknown,
                }
            }
            Kind::MethodInvocation => {
                let name = child(node, FieldName::Name)
                    .map(|n| node_text(n, source).to_owned())
                    .unwrap_or_default();
                let args = self.ids(child(node, FieldName::Arguments));
                let object = match child(node, FieldName::Object) {
                    // `Iface.super.m()`: the receiver was pushed by `build`.
                    Some(_) if qualified_super(node) => {
                        self.qualified_supers.get(&node.id()).copied()
                    }
                    Some(object) => Some(self.id(object)),
                    None => None,
                };
                Expr::Call { object, name, args }
            }
            Kind::ObjectCreationExpression => {
                let Some(ty) = child(node, FieldName::Type).and_then(|t| type_name(t, source))
                else {
                    return Expr::Unknown;
                };
                let outer = outer_instance(node).map(|o| self.id(o));
                let args = self.ids(child(node, FieldName::Arguments));
                let mut cursor = node.walk();
                let body = node
                    .children(&mut cursor)
                    .find(|c| kind(*c) == Kind::ClassBody)
                    .and_then(|b| self.anonymous_bodies.get(&b.id()).copied());
                Expr::New {
                    ty,
                    outer,
                    args,
                    body,
                }
            }
            Kind::ExplicitConstructorInvocation => {
                let target = match child(node, FieldName::Constructor).map(kind) {
                    Some(Kind::Super) => CtorTarget::Super,
                    _ => CtorTarget::This,
                };
                Expr::CtorCall {
                    target,
                    args: self.ids(child(node, FieldName::Arguments)),
                }
            }
            Kind::EnumConstant => Expr::CtorCall {
                target: CtorTarget::EnumConstant,
                args: self.ids(child(node, FieldName::Arguments)),
            },
            Kind::MethodReference => {
                let Some(receiver) = node.named_child(0) else {
                    return Expr::Unknown;
                };
                let receiver = if is_type_node(receiver) {
                    match type_name(receiver, source) {
                        Some(ty) => MethodRefReceiver::Type(ty),
                        None => return Expr::Unknown,
                    }
                } else {
                    MethodRefReceiver::Expr(self.id(receiver))
                };
                let mut cursor = node.walk();
                let last = node.children(&mut cursor).last();
                let name = last.filter(|n| {
                    kind(*n) == Kind::Identifier
                        && n.id() != node.named_child(0).map_or(0, |r| r.id())
                });
                Expr::MethodRef {
                    receiver,
                    name: name.map(|n| node_text(n, source).to_owned()),
                }
            }
            Kind::This => Expr::This,
            Kind::Super => Expr::Super,
            Kind::DecimalIntegerLiteral
            | Kind::HexIntegerLiteral
            | Kind::OctalIntegerLiteral
            | Kind::BinaryIntegerLiteral => {
                if node_text(node, source).ends_with(['l', 'L']) {
                    Expr::Literal(Literal::Long)
                } else {
                    Expr::Literal(Literal::Int)
                }
            }
            Kind::DecimalFloatingPointLiteral | Kind::HexFloatingPointLiteral => {
                if node_text(node, source).ends_with(['f', 'F']) {
                    Expr::Literal(Literal::Float)
                } else {
                    Expr::Literal(Literal::Double)
                }
            }
            Kind::True | Kind::False | Kind::InstanceofExpression => {
                Expr::Literal(Literal::Boolean)
            }
            Kind::CharacterLiteral => Expr::Literal(Literal::Char),
            Kind::StringLiteral => Expr::Literal(Literal::String),
            Kind::NullLiteral => Expr::Literal(Literal::Null),
            Kind::ClassLiteral => Expr::Typed(TypeName {
                segments: vec!["Class".to_owned()],
                dims: 0,
            }),
            Kind::CastExpression => child(node, FieldName::Type)
                .and_then(|t| type_name(t, source))
                .map_or(Expr::Unknown, Expr::Typed),
            Kind::ArrayCreationExpression => {
                let Some(mut ty) = child(node, FieldName::Type).and_then(|t| type_name(t, source))
                else {
                    return Expr::Unknown;
                };
                let mut cursor = node.walk();
                for dims in node.children_by_field_name("dimensions", &mut cursor) {
                    ty.dims += if kind(dims) == Kind::DimensionsExpr {
                        1
                    } else {
                        count_dims(Some(dims))
                    };
                }
                Expr::Typed(ty)
            }
            Kind::ArrayAccess => child(node, FieldName::Array)
                .map_or(Expr::Unknown, |a| Expr::ArrayAccess(self.id(a))),
            Kind::TernaryExpression => match (
                child(node, FieldName::Consequence),
                child(node, FieldName::Alternative),
            ) {
                (Some(a), Some(b)) => Expr::Conditional(self.id(a), self.id(b)),
                _ => Expr::Unknown,
            },
            Kind::BinaryExpression => {
                let (Some(left), Some(right)) =
                    (child(node, FieldName::Left), child(node, FieldName::Right))
                else {
                    return Expr::Unknown;
                };
                let op = match child(node, FieldName::Operator).map(|o| o.kind()) {
                    Some("+") => BinaryOp::Plus,
                    Some("-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>" | ">>>") => {
                        BinaryOp::Arithmetic
                    }
                    _ => BinaryOp::Boolean,
                };
                Expr::Binary {
                    left: self.id(left),
                    right: self.id(right),
                    op,
                }
            }
            Kind::UnaryExpression => Expr::Literal(Literal::Boolean),
            _ => Expr::Unknown,
        }
    }
}

/// True for `X.super.m()`, where the grammar puts `super` beside the object.
fn qualified_super(invocation: Node<'_>) -> bool {
    let mut cursor = invocation.walk();
    let object = child(invocation, FieldName::Object).map(|o| o.id());
    invocation
        .children(&mut cursor)
        .any(|c| kind(c) == Kind::Super && Some(c.id()) != object)
}

/// Returns the child nodes that [`ExprBuilder::make`] reads for `node`.
fn expr_children<'t>(
    node: Node<'t>,
    source: &[u8],
    case_labels: &FxHashMap<usize, Option<Node<'t>>>,
) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    match kind(node) {
        Kind::ParenthesizedExpression => out.extend(expression_children(node).into_iter().take(1)),
        Kind::UnaryExpression => {
            if let Some(inner) = transparent_child(node, source) {
                out.push(inner);
            }
        }
        Kind::MethodInvocation => {
            if let Some(object) = child(node, FieldName::Object)
                && !qualified_super(node)
            {
                out.push(object);
            }
            out.extend(
                child(node, FieldName::Arguments)
                    .map(expression_children)
                    .unwrap_or_default(),
            );
        }
        Kind::FieldAccess => {
            let field_is_this =
                child(node, FieldName::Field).is_some_and(|f| kind(f) == Kind::This);
            if let Some(object) = child(node, FieldName::Object).filter(|_| !field_is_this) {
                out.push(object);
            }
        }
        Kind::ObjectCreationExpression => {
            out.extend(outer_instance(node));
            out.extend(
                child(node, FieldName::Arguments)
                    .map(expression_children)
                    .unwrap_or_default(),
            );
        }
        Kind::ExplicitConstructorInvocation | Kind::EnumConstant => {
            out.extend(
                child(node, FieldName::Arguments)
                    .map(expression_children)
                    .unwrap_or_default(),
            );
        }
        Kind::MethodReference => {
            if let Some(receiver) = node.named_child(0).filter(|r| !is_type_node(*r)) {
                out.push(receiver);
            }
        }
        Kind::ArrayAccess => out.extend(child(node, FieldName::Array)),
        Kind::TernaryExpression => {
            out.extend(child(node, FieldName::Consequence));
            out.extend(child(node, FieldName::Alternative));
        }
        Kind::BinaryExpression => {
            out.extend(child(node, FieldName::Left));
            out.extend(child(node, FieldName::Right));
        }
        Kind::Identifier => {
            if let Some(selector) = case_labels.get(&node.id()) {
                out.extend(*selector);
            }
        }
        _ => {}
    }
    out
}

/// Returns the operand of a parenthesised expression or of unary `+`/`-`,
/// whose type is the operand's type.
fn transparent_child<'t>(node: Node<'t>, source: &[u8]) -> Option<Node<'t>> {
    match kind(node) {
        Kind::ParenthesizedExpression => expression_children(node).into_iter().next(),
        Kind::UnaryExpression => {
            let operator = child(node, FieldName::Operator).map(|o| node_text(o, source));
            if matches!(operator, Some("+" | "-" | "~")) {
                child(node, FieldName::Operand)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Returns the named children of a node that are expressions (not comments).
pub(super) fn expression_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !matches!(kind(*c), Kind::LineComment | Kind::BlockComment))
        .collect()
}

/// `outer` in `outer.new Inner()`.
fn outer_instance(creation: Node<'_>) -> Option<Node<'_>> {
    let first = creation.named_child(0)?;
    let is_part = |field: &str| {
        creation
            .child_by_field_name(field)
            .is_some_and(|c| c.id() == first.id())
    };
    let is_annotation = matches!(
        kind(first),
        Kind::Annotation | Kind::MarkerAnnotation | Kind::TypeArguments | Kind::ClassBody
    );
    if is_part("type") || is_part("arguments") || is_annotation {
        return None;
    }
    Some(first)
}

fn is_type_node(node: Node<'_>) -> bool {
    matches!(
        kind(node),
        Kind::TypeIdentifier
            | Kind::ScopedTypeIdentifier
            | Kind::GenericType
            | Kind::ArrayType
            | Kind::IntegralType
            | Kind::FloatingPointType
            | Kind::BooleanType
            | Kind::VoidType
            | Kind::AnnotatedType
    )
}

fn first_type_child(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| is_type_node(*c))
}

/// Reads a written type, iteratively: arrays, annotations and type
/// arguments are peeled off, and the name's segments are collected.
pub(crate) fn type_name(node: Node<'_>, source: &[u8]) -> Option<TypeName> {
    let mut dims = 0u8;
    let mut current = node;
    loop {
        match kind(current) {
            Kind::ArrayType => {
                dims = dims.saturating_add(count_dims(child(current, FieldName::Dimensions)));
                current = child(current, FieldName::Element)?;
            }
            Kind::AnnotatedType => current = first_type_child(current)?,
            Kind::GenericType => current = current.named_child(0)?,
            Kind::TypeIdentifier
            | Kind::IntegralType
            | Kind::FloatingPointType
            | Kind::BooleanType
            | Kind::VoidType => {
                return Some(TypeName {
                    segments: vec![node_text(current, source).to_owned()],
                    dims,
                });
            }
            Kind::ScopedTypeIdentifier => {
                return Some(TypeName {
                    segments: scoped_segments(current, source),
                    dims,
                });
            }
            Kind::Identifier | Kind::ScopedIdentifier | Kind::FieldAccess => {
                return Some(TypeName {
                    segments: dotted_text(current, source),
                    dims,
                });
            }
            _ => return None,
        }
    }
}

/// `a.b.C<T>.D` as `["a", "b", "C", "D"]`, walking down the left spine.
fn scoped_segments(node: Node<'_>, source: &[u8]) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = node;
    loop {
        match kind(current) {
            Kind::ScopedTypeIdentifier => {
                let mut cursor = current.walk();
                let children: Vec<Node<'_>> = current
                    .named_children(&mut cursor)
                    .filter(|c| !matches!(kind(*c), Kind::Annotation | Kind::MarkerAnnotation))
                    .collect();
                if let Some(last) = children.last().filter(|_| children.len() > 1) {
                    segments.push(node_text(*last, source).to_owned());
                }
                match children.first() {
                    Some(first) => current = *first,
                    None => break,
                }
            }
            Kind::GenericType => match current.named_child(0) {
                Some(head) => current = head,
                None => break,
            },
            Kind::TypeIdentifier => {
                segments.push(node_text(current, source).to_owned());
                break;
            }
            _ => break,
        }
    }
    segments.reverse();
    segments
}

/// Splits a dotted name into its identifiers (`a.b.C`), with whitespace and
/// comments between the dots dropped.
fn dotted_text(node: Node<'_>, source: &[u8]) -> Vec<String> {
    node_text(node, source)
        .split('.')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn count_dims(node: Option<Node<'_>>) -> u8 {
    let Some(node) = node else { return 0 };
    let mut cursor = node.walk();
    let count = node
        .children(&mut cursor)
        .filter(|c| c.kind() == "[")
        .count();
    u8::try_from(count).unwrap_or(u8::MAX)
}

/// The innermost definition around a byte offset, by binary search over
/// the definitions sorted by start and a walk up the parent chain.
struct ScopeIndex {
    starts: Vec<u32>,
    ends: Vec<u32>,
    parents: Vec<Option<u32>>,
}

impl ScopeIndex {
    fn new(symbols: &[LocalSymbol]) -> ScopeIndex {
        ScopeIndex {
            starts: symbols.iter().map(|s| s.span.start_byte).collect(),
            ends: symbols.iter().map(|s| s.span.end_byte).collect(),
            parents: symbols.iter().map(|s| s.parent).collect(),
        }
    }

    fn symbol_at(&self, byte: usize) -> u32 {
        let byte = to_u32(byte);
        // The module (index 0) starts at 0, so the search never comes up empty.
        let mut idx = self
            .starts
            .partition_point(|&start| start <= byte)
            .saturating_sub(1);
        loop {
            if idx == 0 || (self.starts[idx] <= byte && byte < self.ends[idx]) {
                return to_u32(idx);
            }
            idx = self.parents[idx].map_or(0, |p| p as usize);
        }
    }
}

pub(super) fn span_of(node: Node<'_>) -> Span {
    let end = node.end_position();
    // A node that ends at column 0 ends on the line before.
    let end_line = if end.column == 0 && end.row > node.start_position().row {
        end.row
    } else {
        end.row + 1
    };
    Span {
        start_byte: to_u32(node.start_byte()),
        end_byte: to_u32(node.end_byte()),
        start_line: to_u32(node.start_position().row + 1),
        end_line: to_u32(end_line),
    }
}

fn line_of(node: Node<'_>) -> u32 {
    to_u32(node.start_position().row + 1)
}

fn node_text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

fn count_lines(source: &[u8]) -> u32 {
    let newlines = source.iter().filter(|&&b| b == b'\n').count();
    let trailing = source.last().is_some_and(|&b| b != b'\n');
    to_u32(newlines + usize::from(trailing))
}

/// Converts a size or offset to `u32`. Files are limited far below 4 GiB
/// before they reach the parser, so saturating never happens in practice.
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
