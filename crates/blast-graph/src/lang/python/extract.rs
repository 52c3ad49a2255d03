//! Extraction of one Python file: definitions become symbols, and names in
//! load position, imports and simple assignments become facts for the
//! resolver. Syntax only: nothing here looks at other files.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, QueryCursorOptions, Tree};

use super::{Chain, ImportKind, PyBinding, PyFacts, PyImport, PyRef, PythonConfig, RefKind};
use crate::lang::parents::Parents;
use crate::model::{FileSyntax, LocalSymbol, Span, SymbolKind};

/// A definition before parents and local names are known.
struct RawDef<'t> {
    name: String,
    kind: SymbolKind,
    span_node: Node<'t>,
    /// The class a function's return annotation names.
    returns: Option<Vec<String>>,
}

/// Extracts the symbols and facts of one parsed file.
pub(crate) fn extract(config: &PythonConfig, source: &[u8], tree: &Tree) -> (FileSyntax, PyFacts) {
    let root = tree.root_node();
    let line_count = count_lines(source);
    let caps = &config.captures;
    let parents = Parents::new(root);

    // Step 1: run the tags and imports patterns once, splitting definitions
    // from references and import statements.
    let mut defs: Vec<RawDef<'_>> = Vec::new();
    let mut refs: Vec<Node<'_>> = Vec::new();
    let mut import_statements: Vec<Node<'_>> = Vec::new();
    let mut past_deadline = crate::lang::query_deadline();
    let options = QueryCursorOptions::new().progress_callback(&mut past_deadline);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches_with_options(&config.tags_and_imports, root, source, options);
    while let Some(m) = matches.next() {
        let mut name_node = None;
        let mut def: Option<(SymbolKind, Node<'_>)> = None;
        for capture in m.captures {
            let idx = capture.index;
            if idx == caps.name {
                name_node = Some(capture.node);
            } else if idx == caps.definition_class {
                def = Some((SymbolKind::Class, decorated_span(capture.node, &parents)));
            } else if idx == caps.definition_function {
                def = Some((SymbolKind::Function, decorated_span(capture.node, &parents)));
            } else if idx == caps.definition_constant {
                let stmt = parents.of_any(capture.node).unwrap_or(capture.node);
                if let Some(kind) = assignment_owner(stmt, &parents) {
                    def = Some((kind, stmt));
                }
            } else if idx == caps.reference_name || idx == caps.reference_attribute {
                refs.push(capture.node);
            } else if idx == caps.import || idx == caps.import_from {
                import_statements.push(capture.node);
            }
        }
        if let (Some((kind, span_node)), Some(name_node)) = (def, name_node) {
            let returns = parents
                .of(name_node)
                .filter(|f| f.kind() == "function_definition")
                .and_then(|f| f.child_by_field_name("return_type"))
                .and_then(|t| annotation_chain(t, source));
            defs.push(RawDef {
                name: node_text(name_node, source).to_owned(),
                kind,
                span_node,
                returns,
            });
        }
    }

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
    let mut seen_ref_nodes: Vec<usize> = Vec::with_capacity(refs.len());
    for node in refs {
        if seen_ref_nodes.last() == Some(&node.id()) {
            continue;
        }
        seen_ref_nodes.push(node.id());
        visit_name(node, source, &scopes, &symbols, &parents, &mut facts);
    }
    // Assignments to a name declared `global` do not make it local.
    if !facts.globals.is_empty() {
        let globals = std::mem::take(&mut facts.globals);
        facts.locals.retain(|local| !globals.contains(local));
        facts.globals = globals;
    }

    // Step 4: imports.
    for &stmt in &import_statements {
        let scope = scopes.scope_at(stmt.start_byte());
        let type_checking = under_type_checking(stmt, source, &parents);
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
    node: Node<'_>,
    source: &[u8],
    scopes: &ScopeIndex,
    symbols: &[LocalSymbol],
    parents: &Parents<'_>,
    facts: &mut PyFacts,
) {
    let Some(parent) = parents.of(node) else {
        return;
    };
    let parent_kind = parent.kind();

    // Inner parts of an attribute chain are handled with its outermost node.
    if parent_kind == "attribute" {
        return;
    }
    if node.kind() == "identifier" && parent_kind == "global_statement" {
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
    if node.kind() == "identifier" && is_non_reference_position(node, parent) {
        record_parameter(node, parent, source, scopes, parents, facts);
        return;
    }
    let Some(chain) = chain_of(node, source) else {
        return;
    };

    // Names in store position bind rather than reference.
    if is_store_target(node, parent) {
        if parent_kind == "as_pattern_target" {
            let scope = scopes.scope_at(node.start_byte());
            record_with_target(parent, chain.clone(), scope, source, parents, facts);
        }
        record_store(node, parent, chain, source, scopes, symbols, facts);
        return;
    }
    if parent_kind == "augmented_assignment" && field_is(parent, "left", node) {
        if chain.len() == 1
            && chain[0] == "__all__"
            && scopes.scope_at(node.start_byte()) == 0
            && let Some(right) = parent.child_by_field_name("right")
        {
            collect_all_names(right, source, facts);
        }
        return;
    }

    if parent_kind == "return_statement" && chain.len() == 1 {
        let function = scopes.scope_at(node.start_byte());
        facts.returned_names.push((function, chain[0].clone()));
    }
    let kind = reference_kind(node, parent, parents);
    let scope = scopes.symbol_at(node.start_byte());
    let scope = if kind == RefKind::Inherit {
        // Bases belong to the class whose header names them.
        scopes.scope_at(node.start_byte())
    } else {
        scope
    };
    if kind == RefKind::Inherit
        && symbols[scope as usize].kind == SymbolKind::Class
        && !chain[0].is_empty()
    {
        facts.bases.push((scope, chain.clone()));
    }
    facts.refs.push(PyRef {
        scope,
        chain: Chain::new(&chain),
        kind,
        line: line_of(node),
    });
}

/// True for identifiers that name something being defined or imported:
/// definition names, parameters, keyword argument names, import parts.
fn is_non_reference_position(node: Node<'_>, parent: Node<'_>) -> bool {
    match parent.kind() {
        "function_definition" | "class_definition" => field_is(parent, "name", node),
        "parameters" | "lambda_parameters" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            true
        }
        "typed_parameter" => !within_field(parent, "type", node),
        "default_parameter" | "typed_default_parameter" => field_is(parent, "name", node),
        "keyword_argument" => field_is(parent, "name", node),
        "dotted_name"
        | "aliased_import"
        | "import_from_statement"
        | "import_statement"
        | "relative_import"
        | "global_statement"
        | "nonlocal_statement"
        | "keyword_pattern"
        | "type_parameter" => true,
        _ => false,
    }
}

fn record_parameter(
    node: Node<'_>,
    parent: Node<'_>,
    source: &[u8],
    scopes: &ScopeIndex,
    parents: &Parents<'_>,
    facts: &mut PyFacts,
) {
    let is_parameter = match parent.kind() {
        "parameters"
        | "lambda_parameters"
        | "list_splat_pattern"
        | "dictionary_splat_pattern"
        | "typed_parameter" => true,
        "default_parameter" | "typed_default_parameter" => field_is(parent, "name", node),
        _ => false,
    };
    if !is_parameter {
        return;
    }
    let scope = scopes.scope_at(node.start_byte());
    let name = node_text(node, source).to_owned();
    // The first parameter of a method is its receiver, whatever its name.
    let declaration = if parent.kind() == "parameters" {
        node
    } else {
        parent
    };
    let is_first = parents.of(declaration).is_some_and(|list| {
        list.kind() == "parameters"
            && list
                .named_child(0)
                .is_some_and(|first| first.id() == declaration.id())
    });
    if is_first {
        facts.first_params.push((scope, name.clone()));
    }
    // `def f(repo: Repo)` types `repo` for calls like `repo.save()`.
    let typed = match parent.kind() {
        "typed_parameter" | "typed_default_parameter" => parent.child_by_field_name("type"),
        "list_splat_pattern" | "dictionary_splat_pattern" => None,
        _ => None,
    };
    if let Some(type_chain) = typed.and_then(|t| annotation_chain(t, source)) {
        facts.bindings.push(PyBinding {
            scope,
            target: vec![name.clone()],
            value: type_chain,
            alias: false,
        });
    } else if parent.kind() == "default_parameter"
        && let Some(default) = parent
            .child_by_field_name("value")
            .and_then(|value| alias_chain(value, source))
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
    match parent.kind() {
        "assignment" => field_is(parent, "left", node),
        "for_statement" | "for_in_clause" => field_is(parent, "left", node),
        "named_expression" => field_is(parent, "name", node),
        "as_pattern_target" | "pattern_list" | "tuple_pattern" | "list_pattern" => true,
        "except_clause" => {
            node.kind() == "identifier" && node.prev_sibling().is_some_and(|s| s.kind() == "as")
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
    if parent.kind() != "assignment" {
        return;
    }
    if scope == 0 && chain.len() == 1 && chain[0] == "__all__" {
        if let Some(right) = parent.child_by_field_name("right") {
            collect_all_names(right, source, facts);
        }
        return;
    }
    // `x = Foo(...)`, `self.repo = Repo(...)` and `x: Foo = ...` give the
    // target a known class when the callee or annotation resolves to one.
    let annotated = parent
        .child_by_field_name("type")
        .and_then(|t| annotation_chain(t, source));
    let right = parent.child_by_field_name("right");
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
    target_node: Node<'_>,
    chain: Vec<String>,
    scope: u32,
    source: &[u8],
    parents: &Parents<'_>,
    facts: &mut PyFacts,
) {
    let Some(pattern) = parents.of(target_node).filter(|p| p.kind() == "as_pattern") else {
        return;
    };
    if parents
        .of(pattern)
        .is_none_or(|item| item.kind() != "with_item")
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

fn reference_kind(node: Node<'_>, parent: Node<'_>, parents: &Parents<'_>) -> RefKind {
    match parent.kind() {
        "call" if field_is(parent, "function", node) => {
            if parents.of(parent).is_some_and(|g| g.kind() == "decorator") {
                RefKind::Decorator
            } else {
                RefKind::Call
            }
        }
        "decorator" => RefKind::Decorator,
        "argument_list"
            if parents
                .of(parent)
                .is_some_and(|g| g.kind() == "class_definition") =>
        {
            RefKind::Inherit
        }
        _ => {
            // Annotations: the name sits a few levels under a `type` node.
            let mut ancestor = Some(parent);
            for _ in 0..6 {
                match ancestor {
                    Some(a) if a.kind() == "type" => return RefKind::Type,
                    Some(a) if a.kind().ends_with("statement") || a.kind() == "block" => break,
                    Some(a) => ancestor = parents.of(a),
                    None => break,
                }
            }
            RefKind::Read
        }
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
        match current.kind() {
            "identifier" => {
                segments.push(node_text(current, source).to_owned());
                break;
            }
            "attribute" => {
                let attr = current.child_by_field_name("attribute")?;
                segments.push(node_text(attr, source).to_owned());
                current = current.child_by_field_name("object")?;
            }
            "call" => {
                let Some(callee) = current.child_by_field_name("function") else {
                    segments.push(String::new());
                    break;
                };
                if callee.kind() == "identifier" && node_text(callee, source) == "super" {
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

/// True when the statement sits in the body of `if TYPE_CHECKING:` (or
/// `if typing.TYPE_CHECKING:`), not in its `else`.
fn under_type_checking(stmt: Node<'_>, source: &[u8], parents: &Parents<'_>) -> bool {
    let mut child = stmt;
    let mut ancestor = parents.of(stmt);
    while let Some(node) = ancestor {
        match node.kind() {
            "if_statement" => {
                let in_consequence = node
                    .child_by_field_name("consequence")
                    .is_some_and(|c| c.id() == child.id());
                let condition = node
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
        child = node;
        ancestor = parents.of(node);
    }
    false
}

fn dotted(node: Node<'_>, source: &[u8]) -> Vec<String> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() == "identifier")
        .map(|c| node_text(c, source).to_owned())
        .collect()
}

/// Whether an assignment statement defines a module variable or a class
/// attribute: it sits in the module or a class body, possibly inside `if`,
/// `try`, `with` or loop blocks, but not in a function.
fn assignment_owner<'t>(stmt: Node<'t>, parents: &Parents<'t>) -> Option<SymbolKind> {
    let mut node = parents.of_any(stmt)?;
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
            | "except_group_clause" => node = parents.of_any(node)?,
            _ => return None,
        }
    }
}

/// Definitions under decorators span the decorators too, so a changed
/// decorator line maps to the decorated definition.
fn decorated_span<'t>(node: Node<'t>, parents: &Parents<'t>) -> Node<'t> {
    match parents.of(node) {
        Some(parent) if parent.kind() == "decorated_definition" => parent,
        _ => node,
    }
}

fn field_is(parent: Node<'_>, field: &str, node: Node<'_>) -> bool {
    parent
        .child_by_field_name(field)
        .is_some_and(|c| c.id() == node.id())
}

fn within_field(parent: Node<'_>, field: &str, node: Node<'_>) -> bool {
    parent
        .child_by_field_name(field)
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
