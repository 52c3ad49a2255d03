//! Extraction of one Python file: definitions become symbols, and names in
//! load position, imports and simple assignments become facts for the
//! resolver. Syntax only: nothing here looks at other files.

use tree_sitter::{Node, Tree};

use super::collect::{NameSite, collect};
use super::kinds::{FieldName, Kind, child, field_is, kind};
use super::{Chain, ImportKind, PyBinding, PyFacts, PyImport, PyRef, PythonConfig, RefKind};
use crate::model::{FileSyntax, LocalSymbol, Span, SymbolKind};

/// A definition before parents and local names are known.
struct RawDef<'t> {
    name: String,
    kind: SymbolKind,
    span_node: Node<'t>,
    /// The class a function's return annotation names.
    returns: Option<Vec<String>>,
}

/// Extracts the symbols and facts of one parsed file. `_config` is unused
/// since extraction walks the tree instead of running the queries.
pub(crate) fn extract(_config: &PythonConfig, source: &[u8], tree: &Tree) -> (FileSyntax, PyFacts) {
    let root = tree.root_node();
    let line_count = count_lines(source);

    // Step 1: walk the tree once for the nodes that the tags and imports
    // patterns capture: definitions, references and import statements.
    let captures = collect(root, source);
    let mut defs: Vec<RawDef<'_>> = captures
        .defs
        .iter()
        .map(|def| RawDef {
            name: node_text(def.name, source).to_owned(),
            kind: def.kind,
            span_node: def.span_node,
            returns: def.return_type.and_then(|t| annotation_chain(t, source)),
        })
        .collect();

    // Step 2: order definitions by position and nest them by span, which
    // gives each its parent and its dotted local name.
    defs.sort_by_key(|d| {
        (
            d.span_node.start_byte(),
            std::cmp::Reverse(d.span_node.end_byte()),
        )
    });
    let mut symbols = vec![LocalSymbol {
        local_name: String::new(),
        kind: SymbolKind::Module,
        parent: None,
        span: Span {
            start_byte: 0,
            end_byte: to_u32(source.len()),
            start_line: 1,
            end_line: line_count.max(1),
        },
        public: true,
        test: false,
        test_only: false,
    }];
    let mut stack: Vec<u32> = Vec::new();
    let mut returns: Vec<(u32, Vec<String>)> = Vec::new();
    // (parent symbol, name) of every symbol so far: repeated assignments to
    // one name are one symbol.
    let mut names_in_parent: rustc_hash::FxHashSet<(u32, &str)> = rustc_hash::FxHashSet::default();
    for def in &defs {
        let span = span_of(def.span_node);
        while let Some(&top) = stack.last() {
            if symbols[top as usize].span.end_byte <= span.start_byte {
                stack.pop();
            } else {
                break;
            }
        }
        let parent = stack.last().copied().unwrap_or(0);
        let parent_sym = &symbols[parent as usize];
        // Repeated assignments to one name are one symbol, placed at the
        // first assignment; later ones count as module or class code.
        let is_assignment = matches!(def.kind, SymbolKind::Variable | SymbolKind::Field);
        // A set rather than a scan of `symbols`: a module of many
        // assignments (generated tables, minified code) made the scan quadratic.
        if is_assignment && names_in_parent.contains(&(parent, def.name.as_str())) {
            continue;
        }
        let kind = match def.kind {
            SymbolKind::Function if parent_sym.kind == SymbolKind::Class => SymbolKind::Method,
            SymbolKind::Variable if is_constant_name(&def.name) => SymbolKind::Constant,
            other => other,
        };
        if !crate::lang::take_name_bytes(parent_sym.local_name.len() + 1 + def.name.len()) {
            continue;
        }
        let local_name = if parent_sym.local_name.is_empty() {
            def.name.clone()
        } else {
            format!("{}.{}", parent_sym.local_name, def.name)
        };
        let public = parent_sym.public && is_public_name(&def.name);
        symbols.push(LocalSymbol {
            local_name,
            kind,
            parent: Some(parent),
            span,
            public,
            test: false,
            test_only: false,
        });
        names_in_parent.insert((parent, def.name.as_str()));
        if let Some(chain) = &def.returns {
            returns.push((to_u32(symbols.len() - 1), chain.clone()));
        }
        if !is_assignment {
            stack.push(to_u32(symbols.len() - 1));
        }
    }
    let scopes = ScopeIndex::new(&symbols);

    // Step 3: references, bindings and locals from names in load or store
    // position.
    let mut facts = PyFacts {
        returns,
        ..PyFacts::default()
    };
    for site in &captures.names {
        visit_name(site, source, &scopes, &symbols, &mut facts);
    }
    // Assignments to a name declared `global` do not make it local.
    if !facts.globals.is_empty() {
        let globals = std::mem::take(&mut facts.globals);
        facts.locals.retain(|local| !globals.contains(local));
        facts.globals = globals;
    }

    // Step 4: imports.
    for import in &captures.imports {
        let stmt = import.node;
        let scope = scopes.scope_at(stmt.start_byte());
        let type_checking = import.type_checking;
        let line = line_of(stmt);
        for kind in decompose_import(stmt, source) {
            facts.imports.push(PyImport {
                scope,
                line,
                type_checking,
                kind,
            });
        }
    }

    let syntax = FileSyntax {
        symbols,
        line_count,
        parse_errors: crate::lang::count_parse_errors(tree),
    };
    (syntax, facts)
}

/// The innermost definition around a byte offset, by binary search over the
/// definitions sorted by start and a walk up the (shallow) parent chain.
struct ScopeIndex {
    starts: Vec<u32>,
    ends: Vec<u32>,
    parents: Vec<Option<u32>>,
    /// Assignments are symbols but not scopes for the names inside them,
    /// except that their value's references belong to them.
    is_scope: Vec<bool>,
}

impl ScopeIndex {
    fn new(symbols: &[LocalSymbol]) -> ScopeIndex {
        ScopeIndex {
            starts: symbols.iter().map(|s| s.span.start_byte).collect(),
            ends: symbols.iter().map(|s| s.span.end_byte).collect(),
            parents: symbols.iter().map(|s| s.parent).collect(),
            is_scope: symbols
                .iter()
                .map(|s| {
                    !matches!(
                        s.kind,
                        SymbolKind::Variable | SymbolKind::Constant | SymbolKind::Field
                    )
                })
                .collect(),
        }
    }

    /// Returns the innermost symbol (assignments included) containing `byte`.
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

    /// Returns the innermost function, class or module containing `byte`.
    fn scope_at(&self, byte: usize) -> u32 {
        let mut idx = self.symbol_at(byte) as usize;
        while !self.is_scope[idx] {
            idx = self.parents[idx].map_or(0, |p| p as usize);
        }
        to_u32(idx)
    }
}

/// Records what one captured identifier or attribute contributes.
fn visit_name(
    site: &NameSite<'_>,
    source: &[u8],
    scopes: &ScopeIndex,
    symbols: &[LocalSymbol],
    facts: &mut PyFacts,
) {
    let node = site.node;
    let parent = site.parent;
    let parent_kind = kind(parent);
    let is_identifier = kind(node) == Kind::Identifier;

    if is_identifier && parent_kind == Kind::GlobalStatement {
        // `global name` reads and rebinds the module's `name`.
        let scope = scopes.scope_at(node.start_byte());
        let name = node_text(node, source).to_owned();
        facts.globals.push((scope, name.clone()));
        facts.refs.push(PyRef {
            scope,
            chain: Chain::new(&[name]),
            kind: RefKind::Read,
            line: line_of(node),
        });
        return;
    }
    if is_identifier && is_non_reference_position(node, parent) {
        record_parameter(site, source, scopes, facts);
        return;
    }
    let Some(chain) = chain_of(node, source) else {
        return;
    };

    // Names in store position bind rather than reference.
    if is_store_target(node, parent) {
        if parent_kind == Kind::AsPatternTarget {
            let scope = scopes.scope_at(node.start_byte());
            record_with_target(site, chain.clone(), scope, source, facts);
        }
        record_store(node, parent, chain, source, scopes, symbols, facts);
        return;
    }
    if parent_kind == Kind::AugmentedAssignment && field_is(parent, FieldName::Left, node) {
        if chain.len() == 1
            && chain[0] == "__all__"
            && scopes.scope_at(node.start_byte()) == 0
            && let Some(right) = child(parent, FieldName::Right)
        {
            collect_all_names(right, source, facts);
        }
        return;
    }

    if parent_kind == Kind::ReturnStatement && chain.len() == 1 {
        let function = scopes.scope_at(node.start_byte());
        facts.returned_names.push((function, chain[0].clone()));
    }
    let ref_kind = reference_kind(site);
    let scope = scopes.symbol_at(node.start_byte());
    let scope = if ref_kind == RefKind::Inherit {
        // Bases belong to the class whose header names them.
        scopes.scope_at(node.start_byte())
    } else {
        scope
    };
    if ref_kind == RefKind::Inherit
        && symbols[scope as usize].kind == SymbolKind::Class
        && !chain[0].is_empty()
    {
        facts.bases.push((scope, chain.clone()));
    }
    facts.refs.push(PyRef {
        scope,
        chain: Chain::new(&chain),
        kind: ref_kind,
        line: line_of(node),
    });
}

/// True for identifiers that name something being defined or imported:
/// definition names, parameters, keyword argument names, import parts.
fn is_non_reference_position(node: Node<'_>, parent: Node<'_>) -> bool {
    match kind(parent) {
        Kind::FunctionDefinition | Kind::ClassDefinition => field_is(parent, FieldName::Name, node),
        Kind::Parameters
        | Kind::LambdaParameters
        | Kind::ListSplatPattern
        | Kind::DictionarySplatPattern => true,
        Kind::TypedParameter => !within_field(parent, FieldName::Type, node),
        Kind::DefaultParameter | Kind::TypedDefaultParameter => {
            field_is(parent, FieldName::Name, node)
        }
        Kind::KeywordArgument => field_is(parent, FieldName::Name, node),
        Kind::DottedName
        | Kind::AliasedImport
        | Kind::ImportFromStatement
        | Kind::ImportStatement
        | Kind::RelativeImport
        | Kind::GlobalStatement
        | Kind::NonlocalStatement
        | Kind::KeywordPattern
        | Kind::TypeParameter => true,
        _ => false,
    }
}

fn record_parameter(site: &NameSite<'_>, source: &[u8], scopes: &ScopeIndex, facts: &mut PyFacts) {
    let node = site.node;
    let parent = site.parent;
    let parent_kind = kind(parent);
    let is_parameter = match parent_kind {
        Kind::Parameters
        | Kind::LambdaParameters
        | Kind::ListSplatPattern
        | Kind::DictionarySplatPattern
        | Kind::TypedParameter => true,
        Kind::DefaultParameter | Kind::TypedDefaultParameter => {
            field_is(parent, FieldName::Name, node)
        }
        _ => false,
    };
    if !is_parameter {
        return;
    }
    let scope = scopes.scope_at(node.start_byte());
    let name = node_text(node, source).to_owned();
    // The first parameter of a method is its receiver, whatever its name.
    let (declaration, list) = if parent_kind == Kind::Parameters {
        (node, Some(parent))
    } else {
        (parent, site.grandparent)
    };
    let is_first = list.is_some_and(|list| {
        kind(list) == Kind::Parameters
            && list
                .named_child(0)
                .is_some_and(|first| first.id() == declaration.id())
    });
    if is_first {
        facts.first_params.push((scope, name.clone()));
    }
    // `def f(repo: Repo)` types `repo` for calls like `repo.save()`.
    let typed = match parent_kind {
        Kind::TypedParameter | Kind::TypedDefaultParameter => child(parent, FieldName::Type),
        Kind::ListSplatPattern | Kind::DictionarySplatPattern => None,
        _ => None,
    };
    if let Some(type_chain) = typed.and_then(|t| annotation_chain(t, source)) {
        facts.bindings.push(PyBinding {
            scope,
            target: vec![name.clone()],
            value: type_chain,
            alias: false,
        });
    } else if parent_kind == Kind::DefaultParameter
        && let Some(default) =
            child(parent, FieldName::Value).and_then(|value| alias_chain(value, source))
    {
        // Without an annotation, a parameter has the type of its default
        // (`def f(policy=compat32)`), which is how jedi and Pyright type it.
        facts.bindings.push(PyBinding {
            scope,
            target: vec![name.clone()],
            value: default,
            alias: true,
        });
    }
    facts.locals.push((scope, name));
}

/// True when the node is written to: assignment targets, loop targets,
/// `as` targets, walrus names.
fn is_store_target(node: Node<'_>, parent: Node<'_>) -> bool {
    match kind(parent) {
        Kind::Assignment => field_is(parent, FieldName::Left, node),
        Kind::ForStatement | Kind::ForInClause => field_is(parent, FieldName::Left, node),
        Kind::NamedExpression => field_is(parent, FieldName::Name, node),
        Kind::AsPatternTarget | Kind::PatternList | Kind::TuplePattern | Kind::ListPattern => true,
        Kind::ExceptClause => {
            kind(node) == Kind::Identifier && node.prev_sibling().is_some_and(|s| s.kind() == "as")
        }
        _ => false,
    }
}

fn record_store(
    node: Node<'_>,
    parent: Node<'_>,
    chain: Vec<String>,
    source: &[u8],
    scopes: &ScopeIndex,
    symbols: &[LocalSymbol],
    facts: &mut PyFacts,
) {
    let scope = scopes.scope_at(node.start_byte());
    let scope_kind = symbols[scope as usize].kind;
    if chain.len() == 1 && matches!(scope_kind, SymbolKind::Function | SymbolKind::Method) {
        facts.locals.push((scope, chain[0].clone()));
    }
    if kind(parent) != Kind::Assignment {
        return;
    }
    if scope == 0 && chain.len() == 1 && chain[0] == "__all__" {
        if let Some(right) = child(parent, FieldName::Right) {
            collect_all_names(right, source, facts);
        }
        return;
    }
    // `x = Foo(...)`, `self.repo = Repo(...)` and `x: Foo = ...` give the
    // target a known class when the callee or annotation resolves to one.
    let annotated = child(parent, FieldName::Type).and_then(|t| annotation_chain(t, source));
    let right = child(parent, FieldName::Right);
    let called = right
        .filter(|right| right.kind() == "call")
        .and_then(|call| chain_of(call, source))
        .filter(|c| !c[0].is_empty());
    if let Some(value) = annotated.or(called) {
        facts.bindings.push(PyBinding {
            scope,
            target: chain,
            value,
            alias: false,
        });
        return;
    }
    // `self.app = app` and `req = ctx.request` bind the target to what the
    // right-hand side refers to.
    if let Some(value) = right.and_then(|right| alias_chain(right, source)) {
        facts.bindings.push(PyBinding {
            scope,
            target: chain,
            value,
            alias: true,
        });
    }
}

/// Records `with Runner() as runner`, which binds the target to what the
/// value's `__enter__` returns.
fn record_with_target(
    site: &NameSite<'_>,
    chain: Vec<String>,
    scope: u32,
    source: &[u8],
    facts: &mut PyFacts,
) {
    let Some(pattern) = site.grandparent.filter(|p| kind(*p) == Kind::AsPattern) else {
        return;
    };
    if site
        .great_grandparent
        .is_none_or(|item| kind(item) != Kind::WithItem)
    {
        return;
    }
    let Some(mut value) = pattern
        .named_child(0)
        .filter(|v| matches!(v.kind(), "call" | "identifier" | "attribute"))
        .and_then(|v| chain_of(v, source))
        .filter(|c| !c[0].is_empty())
    else {
        return;
    };
    value.push("__enter__".to_owned());
    value.push(CALL_SEGMENT.to_owned());
    facts.bindings.push(PyBinding {
        scope,
        target: chain,
        value,
        alias: false,
    });
}

/// Returns the chain of a plain name or attribute value (`other`,
/// `ctx.request`), the only values that an alias binding follows.
fn alias_chain(value: Node<'_>, source: &[u8]) -> Option<Vec<String>> {
    if !matches!(value.kind(), "identifier" | "attribute") {
        return None;
    }
    chain_of(value, source).filter(|c| !c[0].is_empty() && !c.iter().any(|s| s == CALL_SEGMENT))
}

fn reference_kind(site: &NameSite<'_>) -> RefKind {
    let parent = site.parent;
    match kind(parent) {
        Kind::Call if field_is(parent, FieldName::Function, site.node) => {
            if site.grandparent.is_some_and(|g| kind(g) == Kind::Decorator) {
                RefKind::Decorator
            } else {
                RefKind::Call
            }
        }
        Kind::Decorator => RefKind::Decorator,
        Kind::ArgumentList
            if site
                .grandparent
                .is_some_and(|g| kind(g) == Kind::ClassDefinition) =>
        {
            RefKind::Inherit
        }
        // Annotations: the name sits a few levels under a `type` node.
        _ if site.in_type => RefKind::Type,
        _ => RefKind::Read,
    }
}

/// The chain segment that stands for calling what the chain names so far.
pub(crate) const CALL_SEGMENT: &str = "()";

/// Returns the dotted chain of an identifier or attribute node. Calls on the
/// way are `()` segments (`Repo().save`). A chain whose root is not a name
/// (`x[0].h`, `"s".join`) starts with an empty segment, meaning an unknown
/// receiver; `super().m` starts with `super()`.
fn chain_of(node: Node<'_>, source: &[u8]) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    let mut current = node;
    // Iterative: attribute chains can be long in generated code.
    loop {
        match kind(current) {
            Kind::Identifier => {
                segments.push(node_text(current, source).to_owned());
                break;
            }
            Kind::Attribute => {
                let attr = child(current, FieldName::Attribute)?;
                segments.push(node_text(attr, source).to_owned());
                current = child(current, FieldName::Object)?;
            }
            Kind::Call => {
                let Some(callee) = child(current, FieldName::Function) else {
                    segments.push(String::new());
                    break;
                };
                if kind(callee) == Kind::Identifier && node_text(callee, source) == "super" {
                    segments.push("super()".to_owned());
                    break;
                }
                // `Repo().save` is the chain `Repo`, `()`, `save`: the
                // resolver turns a called class into an instance.
                segments.push(CALL_SEGMENT.to_owned());
                current = callee;
            }
            _ => {
                segments.push(String::new());
                break;
            }
        }
    }
    if segments.len() == 1 && segments[0].is_empty() {
        return None;
    }
    segments.reverse();
    Some(segments)
}

/// The class named by an annotation: `Foo`, `mod.Foo`, `"Foo"`, and the
/// first argument of `Optional[Foo]`.
fn annotation_chain(type_node: Node<'_>, source: &[u8]) -> Option<Vec<String>> {
    let mut node = type_node;
    for _ in 0..4 {
        match node.kind() {
            "type" => node = node.named_child(0)?,
            "identifier" | "attribute" => {
                return chain_of(node, source).filter(|c| !c[0].is_empty());
            }
            "string" => {
                let text = string_value(node, source)?;
                let chain: Vec<String> = text.split('.').map(str::to_owned).collect();
                return chain.iter().all(|s| is_identifier(s)).then_some(chain);
            }
            "generic_type" | "subscript" => {
                let head = node.named_child(0)?;
                let head_text = node_text(head, source);
                if head_text == "Optional" || head_text.ends_with(".Optional") {
                    let args = node.named_child(1)?;
                    node = args.named_child(0)?;
                } else {
                    return None;
                }
            }
            _ => return None,
        }
    }
    None
}

/// Reads the string items of an `__all__` value: a list or tuple of
/// strings, or a sum of such lists and `mod.__all__` references.
fn collect_all_names(value: Node<'_>, source: &[u8], facts: &mut PyFacts) {
    let names = facts.all_names.get_or_insert_with(Vec::new);
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "list"
            | "tuple"
            | "parenthesized_expression"
            | "binary_operator"
            | "expression_list" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
            "string" => {
                if let Some(text) = string_value(node, source) {
                    names.push(text);
                }
            }
            "attribute" => {
                if let Some(chain) = chain_of(node, source)
                    && chain.last().is_some_and(|s| s == "__all__")
                    && chain.len() > 1
                {
                    facts.all_extends.push(chain[..chain.len() - 1].to_vec());
                }
            }
            _ => {}
        }
    }
}

fn string_value(node: Node<'_>, source: &[u8]) -> Option<String> {
    let mut cursor = node.walk();
    let mut out = String::new();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" => out.push_str(node_text(child, source)),
            "string_start" | "string_end" => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Splits one import statement into the names it binds.
fn decompose_import(stmt: Node<'_>, source: &[u8]) -> Vec<ImportKind> {
    let mut out = Vec::new();
    let mut cursor = stmt.walk();
    if stmt.kind() == "import_statement" {
        for name in stmt.children_by_field_name("name", &mut cursor) {
            match name.kind() {
                "dotted_name" => out.push(ImportKind::Module {
                    path: dotted(name, source),
                    alias: None,
                }),
                "aliased_import" => {
                    let path = name
                        .child_by_field_name("name")
                        .map(|n| dotted(n, source))
                        .unwrap_or_default();
                    let alias = name
                        .child_by_field_name("alias")
                        .map(|a| node_text(a, source).to_owned());
                    if !path.is_empty() {
                        out.push(ImportKind::Module { path, alias });
                    }
                }
                _ => {}
            }
        }
        return out;
    }

    let Some(module_node) = stmt.child_by_field_name("module_name") else {
        return out;
    };
    let (level, module) = if module_node.kind() == "relative_import" {
        let mut level = 0u32;
        let mut module = Vec::new();
        let mut inner = module_node.walk();
        for child in module_node.children(&mut inner) {
            match child.kind() {
                "import_prefix" => {
                    level = to_u32(
                        node_text(child, source)
                            .chars()
                            .filter(|&c| c == '.')
                            .count(),
                    )
                }
                "dotted_name" => module = dotted(child, source),
                _ => {}
            }
        }
        (level, module)
    } else {
        (0, dotted(module_node, source))
    };

    let mut has_names = false;
    for name in stmt.children_by_field_name("name", &mut cursor) {
        has_names = true;
        let (name_text, alias) = match name.kind() {
            "dotted_name" => (dotted(name, source).join("."), None),
            "aliased_import" => (
                name.child_by_field_name("name")
                    .map(|n| dotted(n, source).join("."))
                    .unwrap_or_default(),
                name.child_by_field_name("alias")
                    .map(|a| node_text(a, source).to_owned()),
            ),
            _ => continue,
        };
        if !name_text.is_empty() {
            out.push(ImportKind::From {
                level,
                module: module.clone(),
                name: name_text,
                alias,
            });
        }
    }
    if !has_names {
        let mut inner = stmt.walk();
        if stmt
            .children(&mut inner)
            .any(|c| c.kind() == "wildcard_import")
        {
            out.push(ImportKind::Star { level, module });
        }
    }
    out
}

fn dotted(node: Node<'_>, source: &[u8]) -> Vec<String> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() == "identifier")
        .map(|c| node_text(c, source).to_owned())
        .collect()
}

/// True when `node` lies within the first child of `parent` in `field`.
fn within_field(parent: Node<'_>, field: FieldName, node: Node<'_>) -> bool {
    child(parent, field)
        .is_some_and(|c| c.start_byte() <= node.start_byte() && node.end_byte() <= c.end_byte())
}

fn span_of(node: Node<'_>) -> Span {
    let end = node.end_position();
    // A node that ends at column 0 ends on the line before (its trailing
    // newline belongs to it).
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

pub(crate) fn node_text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

fn count_lines(source: &[u8]) -> u32 {
    let newlines = memchr_count(source);
    let trailing = source.last().is_some_and(|&b| b != b'\n');
    to_u32(newlines + usize::from(trailing))
}

fn memchr_count(source: &[u8]) -> usize {
    source.iter().filter(|&&b| b == b'\n').count()
}

fn is_public_name(name: &str) -> bool {
    !name.starts_with('_') || (name.starts_with("__") && name.ends_with("__"))
}

fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_lowercase())
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Converts a size or offset to `u32`. Files are limited far below 4 GiB
/// before they reach the parser, so saturating never happens in practice.
pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
