//! Extraction of one Rust file: items become symbols, and paths, method
//! calls, field reads, bindings, `use` and `mod` declarations and impl
//! headers become facts for the resolver. Syntax only: nothing here looks at
//! other files.
//!
//! Macro arguments are token trees that tree-sitter does not parse. Each one
//! is parsed again as an expression (or a block, for `{..}` arguments) in a
//! small wrapper, and the references found there are mapped back to the
//! byte offsets of the original file. Items that a macro would define are not
//! invented.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, QueryCursorOptions, Tree};

use super::{
    Binding, FieldDecl, FieldRead, GenericParam, ImplHeader, MethodCall, ModDecl, PathRef, RefKind,
    RustConfig, RustFacts, Step, Ty, UseEntry, Value, ValueBase,
};
use crate::lang::parents::Parents as ParentTable;
use crate::model::{FileSyntax, Lang, LocalSymbol, Span, SymbolKind};

/// Nesting depth beyond which types and value chains are cut short, so
/// that pathological input cannot exhaust the stack or the time budget.
const MAX_TYPE_DEPTH: usize = 8;
const MAX_VALUE_STEPS: usize = 16;
/// Macro arguments nested deeper than this are not parsed again.
const MAX_MACRO_DEPTH: u32 = 6;

/// How many times its own size a file's macro arguments may add up to when
/// they are parsed again.
const MACRO_TEXT_FACTOR: usize = 4;

/// A definition before parents and local names are known.
struct RawDef<'t> {
    name: String,
    kind: SymbolKind,
    /// The item node.
    node: Node<'t>,
    /// The item node or the first attribute or doc comment before it.
    span_start: usize,
}

/// The reference captures of one query run.
#[derive(Default)]
struct RefNodes<'t> {
    names: Vec<Node<'t>>,
    types: Vec<Node<'t>>,
    fields: Vec<Node<'t>>,
    macros: Vec<Node<'t>>,
    uses: Vec<Node<'t>>,
    mods: Vec<Node<'t>>,
}

/// The text a node was parsed from and how its byte offsets map onto the
/// file: `file_byte = node_byte + delta`. For the file itself `delta` is 0;
/// for re-parsed macro arguments it shifts the wrapper away.
#[derive(Clone, Copy)]
struct Origin<'s> {
    source: &'s [u8],
    delta: i64,
    /// File byte range that references must fall into (the token tree,
    /// without the wrapper).
    range: (usize, usize),
    /// True for the file itself, false for re-parsed macro arguments.
    is_file: bool,
    parents: &'s Parents<'s>,
}

impl<'s> Origin<'s> {
    fn file_byte(&self, node: Node<'_>) -> Option<u32> {
        let byte = i64::try_from(node.start_byte()).ok()? + self.delta;
        let byte = usize::try_from(byte).ok()?;
        (self.range.0 <= byte && byte < self.range.1).then(|| to_u32(byte))
    }

    fn text(&self, node: Node<'_>) -> &'s str {
        node_text(node, self.source)
    }
}

/// Extracts the symbols and facts of one parsed file.
pub(crate) fn extract(config: &RustConfig, source: &[u8], tree: &Tree) -> (FileSyntax, RustFacts) {
    let root = tree.root_node();
    let line_count = count_lines(source);
    let lines = LineIndex::new(source);

    // Step 1: run the tags query once over the file.
    let mut defs: Vec<RawDef<'_>> = Vec::new();
    let mut refs = RefNodes::default();
    collect_captures(config, root, source, Some(&mut defs), &mut refs);

    // Step 2: order definitions by position and nest them by span.
    defs.sort_by_key(|d| (d.span_start, std::cmp::Reverse(d.node.end_byte())));
    let mut builder = SymbolBuilder::new(source, line_count, file_is_test_only(root, source));
    for def in &defs {
        builder.push(def);
    }
    let SymbolBuilder {
        symbols,
        mut facts,
        item_nodes,
        ..
    } = builder;
    let scopes = ScopeIndex::new(&symbols);

    // Step 3: facts that belong to the items themselves.
    for (idx, node) in item_nodes.iter().enumerate() {
        if let Some(node) = node {
            item_facts(to_u32(idx), *node, source, &mut facts);
        }
    }

    // Step 4: references in the file, then in macro arguments.
    let parents = Parents::new(root);
    let origin = Origin {
        source,
        delta: 0,
        range: (0, source.len()),
        is_file: true,
        parents: &parents,
    };
    let mut visitor = RefVisitor {
        scopes: &scopes,
        lines: &lines,
        facts: &mut facts,
        pending_macros: Vec::new(),
        record_bindings: true,
    };
    visitor.visit_all(&refs, origin);
    visitor.record_bindings = false;
    for node in item_nodes.iter().flatten() {
        if node.kind() == "macro_definition" {
            macro_rule_bodies(*node, source, &mut visitor.pending_macros);
        }
    }
    let mut pending = std::mem::take(&mut visitor.pending_macros);
    // Nested macro arguments are parsed again at each level, so the text
    // parsed again is capped at a few times the file's own size.
    let mut budget = source.len().saturating_mul(MACRO_TEXT_FACTOR);
    while let Some(job) = pending.pop() {
        let Some(left) = budget.checked_sub(job.text.len()) else {
            continue;
        };
        budget = left;
        visitor.facts.macro_invocations += 1;
        let Ok(snippet_tree) =
            crate::lang::parse(Lang::Rust, &config.language, job.text.as_bytes())
        else {
            continue;
        };
        let mut snippet_refs = RefNodes::default();
        collect_captures(
            config,
            snippet_tree.root_node(),
            job.text.as_bytes(),
            None,
            &mut snippet_refs,
        );
        let snippet_parents = Parents::new(snippet_tree.root_node());
        let origin = Origin {
            source: job.text.as_bytes(),
            delta: job.delta,
            range: job.range,
            is_file: false,
            parents: &snippet_parents,
        };
        visitor.visit_all(&snippet_refs, origin);
        for mut nested in visitor.pending_macros.drain(..) {
            nested.depth = job.depth + 1;
            if nested.depth <= MAX_MACRO_DEPTH {
                pending.push(nested);
            }
        }
    }

    let syntax = FileSyntax {
        symbols,
        line_count,
        parse_errors: crate::lang::count_parse_errors(tree),
    };
    (syntax, facts)
}

fn collect_captures<'t>(
    config: &RustConfig,
    root: Node<'t>,
    source: &[u8],
    mut defs: Option<&mut Vec<RawDef<'t>>>,
    refs: &mut RefNodes<'t>,
) {
    let caps = &config.captures;
    let mut past_deadline = crate::lang::query_deadline();
    let options = QueryCursorOptions::new().progress_callback(&mut past_deadline);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches_with_options(&config.tags, root, source, options);
    while let Some(m) = matches.next() {
        let mut name_node = None;
        let mut def: Option<(SymbolKind, Node<'t>)> = None;
        for capture in m.captures {
            let idx = capture.index;
            let node = capture.node;
            if idx == caps.name {
                name_node = Some(node);
            } else if idx == caps.definition_module {
                def = Some((SymbolKind::Module, node));
            } else if idx == caps.definition_function {
                def = Some((SymbolKind::Function, node));
            } else if idx == caps.definition_struct {
                def = Some((SymbolKind::Struct, node));
            } else if idx == caps.definition_enum {
                def = Some((SymbolKind::Enum, node));
            } else if idx == caps.definition_trait {
                def = Some((SymbolKind::Trait, node));
            } else if idx == caps.definition_impl {
                def = Some((SymbolKind::Impl, node));
            } else if idx == caps.definition_constant {
                def = Some((SymbolKind::Constant, node));
            } else if idx == caps.definition_static {
                def = Some((SymbolKind::Static, node));
            } else if idx == caps.definition_type {
                def = Some((SymbolKind::TypeAlias, node));
            } else if idx == caps.definition_macro {
                def = Some((SymbolKind::Macro, node));
            } else if idx == caps.reference_module {
                refs.mods.push(node);
            } else if idx == caps.reference_name {
                refs.names.push(node);
            } else if idx == caps.reference_type {
                refs.types.push(node);
            } else if idx == caps.reference_field {
                refs.fields.push(node);
            } else if idx == caps.reference_macro {
                refs.macros.push(node);
            } else if idx == caps.reference_use {
                refs.uses.push(node);
            }
        }
        let Some(defs) = defs.as_deref_mut() else {
            continue;
        };
        match (def, name_node) {
            (Some((SymbolKind::Impl, node)), _) => defs.push(RawDef {
                name: String::new(),
                kind: SymbolKind::Impl,
                node,
                span_start: span_start(node, source),
            }),
            (Some((kind, node)), Some(name)) => {
                let mut name = node_text(name, source).to_owned();
                if kind == SymbolKind::Macro {
                    name.push('!');
                }
                defs.push(RawDef {
                    name,
                    kind,
                    node,
                    span_start: span_start(node, source),
                });
            }
            _ => {}
        }
    }
}

/// Builds the symbol list from definitions sorted by position.
struct SymbolBuilder<'s, 't> {
    source: &'s [u8],
    symbols: Vec<LocalSymbol>,
    /// The item node of each symbol (none for the file module).
    item_nodes: Vec<Option<Node<'t>>>,
    /// Name prefix of each symbol's children: the local name, except that an
    /// inherent impl lends its type's name and a trait impl `<T as Trait>`.
    prefixes: Vec<String>,
    stack: Vec<u32>,
    facts: RustFacts,
}

impl<'s, 't> SymbolBuilder<'s, 't> {
    fn new(source: &'s [u8], line_count: u32, test_only: bool) -> SymbolBuilder<'s, 't> {
        let module = LocalSymbol {
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
            test_only,
        };
        SymbolBuilder {
            source,
            symbols: vec![module],
            item_nodes: vec![None],
            prefixes: vec![String::new()],
            stack: Vec::new(),
            facts: RustFacts::default(),
        }
    }

    fn push(&mut self, def: &RawDef<'t>) {
        let span = span_of(def.node, def.span_start);
        while let Some(&top) = self.stack.last() {
            if self.symbols[top as usize].span.end_byte <= span.start_byte {
                self.stack.pop();
            } else {
                break;
            }
        }
        let parent = self.stack.last().copied().unwrap_or(0);
        let parent_kind = self.symbols[parent as usize].kind;
        // The symbol's name and its children's prefix each repeat the
        // parent's prefix.
        let (own_name, prefix) = if def.kind == SymbolKind::Impl {
            let (display, prefix) = impl_names(def.node, self.source);
            (display, Some(prefix))
        } else {
            (def.name.clone(), None)
        };
        let parent_prefix_len = self.prefixes[parent as usize].len();
        let name_bytes = 2 * (parent_prefix_len + 2)
            + own_name.len()
            + prefix.as_ref().map_or(own_name.len(), String::len);
        if !crate::lang::take_name_bytes(name_bytes) {
            return;
        }
        let parent_prefix = self.prefixes[parent as usize].clone();
        let in_trait_impl =
            parent_kind == SymbolKind::Impl && def_is_trait_impl(self.item_nodes[parent as usize]);
        let in_trait = parent_kind == SymbolKind::Trait;

        let local_name = join_path(&parent_prefix, &own_name);
        let prefix = match prefix {
            Some(p) => join_path(&parent_prefix, &p),
            None => local_name.clone(),
        };

        let kind = match def.kind {
            SymbolKind::Function
                if matches!(parent_kind, SymbolKind::Impl | SymbolKind::Trait)
                    && has_self_parameter(def.node) =>
            {
                SymbolKind::Method
            }
            other => other,
        };
        let (public, restricted) = visibility(def.node, self.source);
        let public = match def.kind {
            SymbolKind::Impl => def.node.child_by_field_name("trait").is_some(),
            _ if in_trait_impl => true,
            _ if in_trait => self.symbols[parent as usize].public,
            _ => public,
        };
        let idx = to_u32(self.symbols.len());
        if restricted {
            self.facts.restricted.push(idx);
        }
        let test = def.kind == SymbolKind::Function && has_test_attribute(def.node, self.source);
        let enclosing = &self.symbols[parent as usize];
        let test_only =
            enclosing.test_only || enclosing.test || has_test_only_cfg(def.node, self.source);
        self.symbols.push(LocalSymbol {
            local_name,
            kind,
            parent: Some(parent),
            span,
            public,
            test,
            test_only,
        });
        self.item_nodes.push(Some(def.node));
        self.prefixes.push(prefix);
        self.stack.push(idx);
    }
}

fn def_is_trait_impl(node: Option<Node<'_>>) -> bool {
    node.is_some_and(|n| n.child_by_field_name("trait").is_some())
}

/// Builds the name of an impl symbol and the prefix of its members: `<Foo<T>>` and
/// `Foo` for `impl<T> Foo<T>`, and `<Foo<T> as Trait>` for both of a trait
/// impl. Lifetimes are dropped and whitespace is normalised.
fn impl_names(node: Node<'_>, source: &[u8]) -> (String, String) {
    let self_text = node
        .child_by_field_name("type")
        .map(|t| normalize_type_text(node_text(t, source)))
        .unwrap_or_default();
    match node.child_by_field_name("trait") {
        Some(trait_node) => {
            let trait_text = normalize_type_text(node_text(trait_node, source));
            let negative = node.children(&mut node.walk()).any(|c| c.kind() == "!");
            let bang = if negative { "!" } else { "" };
            let name = format!("<{self_text} as {bang}{trait_text}>");
            (name.clone(), name)
        }
        None => {
            let base = node
                .child_by_field_name("type")
                .map(|t| type_base_name(t, source))
                .unwrap_or_default();
            (format!("<{self_text}>"), base)
        }
    }
}

/// Returns the last path segment of a type without its generic arguments.
fn type_base_name(node: Node<'_>, source: &[u8]) -> String {
    match ty_of(node, source, 0) {
        Ty::Path { path, .. } => path.last().cloned().unwrap_or_default(),
        _ => normalize_type_text(node_text(node, source)),
    }
}

/// Drops lifetimes and collapses whitespace: `&'a Foo<'a, T>` becomes
/// `&Foo<T>`.
pub(crate) fn normalize_type_text(text: &str) -> String {
    let mut without_lifetimes = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            while chars
                .peek()
                .is_some_and(|&n| n == '_' || n.is_alphanumeric())
            {
                chars.next();
            }
            while chars.peek().is_some_and(|n| n.is_whitespace()) {
                chars.next();
            }
            if chars.peek() == Some(&',') {
                chars.next();
            }
            while chars.peek().is_some_and(|n| n.is_whitespace()) {
                chars.next();
            }
            continue;
        }
        without_lifetimes.push(c);
    }
    let mut out = String::with_capacity(without_lifetimes.len());
    let mut pending_space = false;
    for c in without_lifetimes.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            let last = out.chars().last();
            let glue = matches!(c, '>' | ',' | ')' | ']' | '<')
                || matches!(last, Some('<' | '(' | '[' | '&') | None);
            if !glue {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
        if c == ',' {
            pending_space = true;
        }
    }
    let out = out.replace("<>", "");
    out.trim_end_matches(',').to_owned()
}

fn join_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}::{name}")
    }
}

fn has_self_parameter(node: Node<'_>) -> bool {
    let Some(params) = node.child_by_field_name("parameters") else {
        return false;
    };
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .any(|c| c.kind() == "self_parameter")
}

/// Returns (plain `pub`, restricted `pub(..)`).
fn visibility(node: Node<'_>, source: &[u8]) -> (bool, bool) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.kind() == "visibility_modifier" {
            let text = node_text(child, source);
            return if text == "pub" {
                (true, false)
            } else {
                (false, text.starts_with("pub"))
            };
        }
    }
    (false, false)
}

/// Facts that come from an item's own node: impl headers, fields, enum
/// variants, return types, generic parameters, supertraits, aliases.
fn item_facts(idx: u32, node: Node<'_>, source: &[u8], facts: &mut RustFacts) {
    match node.kind() {
        "impl_item" => {
            let self_ty = node
                .child_by_field_name("type")
                .map_or(Ty::Unknown, |t| ty_of(t, source, 0));
            let trait_path = node
                .child_by_field_name("trait")
                .and_then(|t| trait_path_of(t, source, 0));
            facts.impls.push(ImplHeader {
                symbol: idx,
                self_ty,
                trait_path,
            });
            generics_of(idx, node, source, facts);
        }
        "struct_item" | "union_item" => {
            if let Some(body) = node.child_by_field_name("body") {
                fields_of(idx, "", body, source, facts);
            }
            generics_of(idx, node, source, facts);
        }
        "enum_item" => {
            if let Some(body) = node.child_by_field_name("body") {
                let mut cursor = body.walk();
                for variant in body.named_children(&mut cursor) {
                    if variant.kind() != "enum_variant" {
                        continue;
                    }
                    let Some(name) = variant.child_by_field_name("name") else {
                        continue;
                    };
                    let name = node_text(name, source).to_owned();
                    if let Some(fields) = variant.child_by_field_name("body") {
                        fields_of(idx, &format!("{name}::"), fields, source, facts);
                    }
                    facts.variants.push((idx, name));
                }
            }
            generics_of(idx, node, source, facts);
        }
        "function_item" | "function_signature_item" => {
            if let Some(ret) = node.child_by_field_name("return_type") {
                facts.returns.push((idx, ty_of(ret, source, 0)));
            }
            generics_of(idx, node, source, facts);
        }
        "trait_item" => {
            if let Some(bounds) = node.child_by_field_name("bounds") {
                facts.supertraits.push((idx, bound_paths(bounds, source)));
            }
            generics_of(idx, node, source, facts);
        }
        "type_item" => {
            if let Some(ty) = node.child_by_field_name("type") {
                facts.aliases.push((idx, ty_of(ty, source, 0)));
            }
            generics_of(idx, node, source, facts);
        }
        "const_item" | "static_item" => {
            if let Some(ty) = node.child_by_field_name("type") {
                facts.returns.push((idx, ty_of(ty, source, 0)));
            }
        }
        "macro_definition" if has_attribute(node, source, "macro_export") => {
            facts.macro_exports.push(idx)
        }
        "mod_item" if has_attribute(node, source, "macro_use") => facts.macro_exports.push(idx),
        _ => {}
    }
}

/// Records the fields of a struct, union or enum variant; a variant's
/// fields are named `Variant::field` (or `Variant::0`) after `prefix`.
fn fields_of(owner: u32, prefix: &str, body: Node<'_>, source: &[u8], facts: &mut RustFacts) {
    let mut cursor = body.walk();
    let mut position = 0u32;
    for child in body.named_children(&mut cursor) {
        match (body.kind(), child.kind()) {
            ("field_declaration_list", "field_declaration") => {
                let name = child
                    .child_by_field_name("name")
                    .map(|n| node_text(n, source).to_owned());
                let ty = child
                    .child_by_field_name("type")
                    .map_or(Ty::Unknown, |t| ty_of(t, source, 0));
                if let Some(name) = name {
                    facts.fields.push(FieldDecl {
                        owner,
                        name: format!("{prefix}{name}"),
                        ty,
                    });
                }
            }
            ("ordered_field_declaration_list", kind)
                if kind != "visibility_modifier" && kind != "attribute_item" =>
            {
                facts.fields.push(FieldDecl {
                    owner,
                    name: format!("{prefix}{position}"),
                    ty: ty_of(child, source, 0),
                });
                position += 1;
            }
            _ => {}
        }
    }
}

fn generics_of(owner: u32, node: Node<'_>, source: &[u8], facts: &mut RustFacts) {
    let mut params: Vec<GenericParam> = Vec::new();
    if let Some(list) = node.child_by_field_name("type_parameters") {
        let mut cursor = list.walk();
        for child in list.named_children(&mut cursor) {
            if child.kind() != "type_parameter" {
                continue;
            }
            let Some(name) = child.child_by_field_name("name") else {
                continue;
            };
            let bounds = child
                .child_by_field_name("bounds")
                .map(|b| bound_paths(b, source))
                .unwrap_or_default();
            params.push(GenericParam {
                owner,
                name: node_text(name, source).to_owned(),
                bounds,
            });
        }
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.kind() != "where_clause" {
            continue;
        }
        let mut inner = child.walk();
        for predicate in child.named_children(&mut inner) {
            let left = predicate.child_by_field_name("left");
            let bounds = predicate.child_by_field_name("bounds");
            let (Some(left), Some(bounds)) = (left, bounds) else {
                continue;
            };
            if left.kind() != "type_identifier" {
                continue;
            }
            let name = node_text(left, source);
            let paths = bound_paths(bounds, source);
            match params.iter_mut().find(|p| p.name == name) {
                Some(param) => param.bounds.extend(paths),
                None => params.push(GenericParam {
                    owner,
                    name: name.to_owned(),
                    bounds: paths,
                }),
            }
        }
    }
    facts.generics.extend(params);
}

/// Returns the trait paths of a `trait_bounds` node, without `?Sized` and lifetimes.
fn bound_paths(bounds: Node<'_>, source: &[u8]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cursor = bounds.walk();
    for child in bounds.named_children(&mut cursor) {
        if let Some(path) = trait_path_of(child, source, 0) {
            out.push(path);
        }
    }
    out
}

/// Returns the path of a trait as written in a bound or an impl header.
fn trait_path_of(node: Node<'_>, source: &[u8], depth: usize) -> Option<Vec<String>> {
    if depth > MAX_TYPE_DEPTH {
        return None;
    }
    match node.kind() {
        "type_identifier" | "scoped_type_identifier" => Some(path_at_depth(node, source, depth).0),
        "generic_type" => node
            .child_by_field_name("type")
            .and_then(|t| trait_path_of(t, source, depth + 1)),
        "higher_ranked_trait_bound" => node
            .child_by_field_name("type")
            .and_then(|t| trait_path_of(t, source, depth + 1)),
        "function_type" => node
            .child_by_field_name("trait")
            .and_then(|t| trait_path_of(t, source, depth + 1)),
        _ => None,
    }
}

/// Converts a type node. Depth-limited: types nest only a few levels in
/// real code.
fn ty_of(node: Node<'_>, source: &[u8], depth: usize) -> Ty {
    if depth > MAX_TYPE_DEPTH {
        return Ty::Unknown;
    }
    match node.kind() {
        "type_identifier"
        | "scoped_type_identifier"
        | "primitive_type"
        | "identifier"
        | "scoped_identifier" => Ty::Path {
            path: path_at_depth(node, source, depth).0,
            args: Vec::new(),
        },
        "generic_type" => {
            let Some(head) = node.child_by_field_name("type") else {
                return Ty::Unknown;
            };
            let mut args = Vec::new();
            if let Some(list) = node.child_by_field_name("type_arguments") {
                let mut cursor = list.walk();
                for arg in list.named_children(&mut cursor) {
                    if !matches!(arg.kind(), "lifetime" | "type_binding" | "block")
                        && !arg.kind().ends_with("literal")
                    {
                        args.push(ty_of(arg, source, depth + 1));
                    }
                }
            }
            match ty_of(head, source, depth + 1) {
                Ty::Path { path, .. } => Ty::Path { path, args },
                other => other,
            }
        }
        "reference_type" | "pointer_type" => node
            .child_by_field_name("type")
            .map_or(Ty::Unknown, |t| ty_of(t, source, depth + 1)),
        "array_type" => {
            let element = node
                .child_by_field_name("element")
                .map_or(Ty::Unknown, |t| ty_of(t, source, depth + 1));
            Ty::Path {
                path: vec!["[]".to_owned()],
                args: vec![element],
            }
        }
        "dynamic_type" | "abstract_type" => {
            let Some(inner) = node.child_by_field_name("trait") else {
                return Ty::Unknown;
            };
            let mut paths = Vec::new();
            if inner.kind() == "bounded_type" {
                let mut cursor = inner.walk();
                for part in inner.named_children(&mut cursor) {
                    paths.extend(trait_path_of(part, source, depth + 1));
                }
            } else {
                paths.extend(trait_path_of(inner, source, depth + 1));
            }
            Ty::Bounds(paths)
        }
        "bounded_type" => {
            let mut cursor = node.walk();
            let paths = node
                .named_children(&mut cursor)
                .filter_map(|part| trait_path_of(part, source, depth + 1))
                .collect();
            Ty::Bounds(paths)
        }
        _ => Ty::Unknown,
    }
}

/// Returns the segments of a path node and, for `<T as Trait>::f` and `<T>::f`, the
/// qualified self type. Iterative along the `path` fields.
fn path_of(node: Node<'_>, source: &[u8]) -> (Vec<String>, Option<Ty>) {
    path_at_depth(node, source, 0)
}

/// [`path_of`] for a path inside a type at nesting `depth`: the qualified
/// self type nests one level deeper, so `<<<T as A>::B as A>::B ...>`
/// stops at [`MAX_TYPE_DEPTH`] like every other type.
fn path_at_depth(node: Node<'_>, source: &[u8], depth: usize) -> (Vec<String>, Option<Ty>) {
    let mut segments: Vec<String> = Vec::new();
    let mut qself = None;
    let mut current = Some(node);
    while let Some(n) = current {
        current = None;
        match n.kind() {
            "scoped_identifier" | "scoped_type_identifier" => {
                if let Some(name) = n.child_by_field_name("name") {
                    segments.push(node_text(name, source).to_owned());
                }
                match n.child_by_field_name("path") {
                    Some(path) => current = Some(path),
                    // `::name`: a path from the extern prelude.
                    None => segments.push(String::new()),
                }
            }
            "generic_type" | "generic_type_with_turbofish" => {
                current = n.child_by_field_name("type")
            }
            "generic_function" => current = n.child_by_field_name("function"),
            "bracketed_type" => {
                let Some(inner) = n.named_child(0) else { break };
                if inner.kind() == "qualified_type" {
                    qself = inner
                        .child_by_field_name("type")
                        .map(|t| ty_of(t, source, depth + 1));
                    current = inner.child_by_field_name("alias");
                } else {
                    qself = Some(ty_of(inner, source, depth + 1));
                }
            }
            _ => segments.push(node_text(n, source).to_owned()),
        }
    }
    segments.reverse();
    (segments, qself)
}

/// Queues the right-hand side of each rule of a `macro_rules!` definition
/// to be parsed as a function body, so that the calls it spells become
/// references of the macro.
// NOTE: the body's paths are resolved where the macro is defined, though
// `macro_rules!` resolves paths without `$crate` where it is invoked.
fn macro_rule_bodies(definition: Node<'_>, source: &[u8], jobs: &mut Vec<MacroJob>) {
    let mut cursor = definition.walk();
    for rule in definition.named_children(&mut cursor) {
        if rule.kind() != "macro_rule" {
            continue;
        }
        let Some(body) = rule.child_by_field_name("right") else {
            continue;
        };
        let text = node_text(body, source);
        if text.len() < 3 || !text.bytes().any(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let inner = without_metavariables(&text[1..text.len() - 1]);
        let prefix = "fn __blast_macro() {";
        let (Ok(inner_start), Ok(prefix_len)) = (
            i64::try_from(body.start_byte() + 1),
            i64::try_from(prefix.len()),
        ) else {
            continue;
        };
        let file_start = body.start_byte() + 1;
        jobs.push(MacroJob {
            range: (file_start, file_start + inner.len()),
            text: format!("{prefix}{inner}}}"),
            delta: inner_start - prefix_len,
            depth: 0,
        });
    }
}

/// Rewrites a macro body's metavariables without changing its length, so
/// that byte offsets still map to the file. `$crate` becomes `crate` and a
/// space, `$x` becomes `_x` (a name no path resolves to), and the `$` of a
/// repetition `$( .. )*` becomes a space.
pub(super) fn without_metavariables(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let crate_path = after
            .strip_prefix("crate")
            .filter(|tail| !tail.starts_with(|c: char| c == '_' || c.is_alphanumeric()));
        if let Some(tail) = crate_path {
            out.push_str("crate ");
            rest = tail;
        } else {
            out.push(if after.starts_with('(') { ' ' } else { '_' });
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A pending re-parse of one macro's arguments.
struct MacroJob {
    text: String,
    delta: i64,
    range: (usize, usize),
    depth: u32,
}

struct RefVisitor<'a> {
    scopes: &'a ScopeIndex,
    lines: &'a LineIndex,
    facts: &'a mut RustFacts,
    pending_macros: Vec<MacroJob>,
    /// Bindings come from the file only; in macro arguments they are skipped.
    record_bindings: bool,
}

impl RefVisitor<'_> {
    fn visit_all<'s>(&mut self, refs: &RefNodes<'s>, origin: Origin<'s>) {
        for &node in &refs.names {
            self.visit_name(node, origin);
        }
        for &node in &refs.types {
            self.visit_type(node, origin);
        }
        for &node in &refs.fields {
            self.visit_field(node, origin);
        }
        for &node in &refs.macros {
            self.visit_macro(node, origin);
        }
        if origin.is_file {
            for &node in &refs.uses {
                self.visit_use(node, origin);
            }
            for &node in &refs.mods {
                self.visit_mod(node, origin);
            }
        }
    }

    fn push_ref<'s>(&mut self, node: Node<'s>, origin: Origin<'s>, kind: RefKind) {
        let Some(byte) = origin.file_byte(node) else {
            return;
        };
        let (path, qself) = path_of(node, origin.source);
        if path.is_empty() || path.iter().any(|s| s.starts_with('$')) {
            return;
        }
        self.facts.refs.push(PathRef {
            scope: self.scopes.symbol_at(byte),
            path,
            qself: qself.map(Box::new),
            kind,
            byte,
            line: self.lines.line_of(byte),
        });
    }

    /// Identifiers and `a::b` paths in expressions, patterns and bindings.
    fn visit_name<'s>(&mut self, node: Node<'s>, origin: Origin<'s>) {
        let Some(parent) = origin.parents.of(node) else {
            return;
        };
        let parent_kind = parent.kind();
        if node.kind() == "scoped_identifier" {
            match parent_kind {
                "scoped_identifier" | "scoped_type_identifier"
                    if field_is(parent, "path", node) =>
                {
                    return;
                }
                "use_declaration"
                | "scoped_use_list"
                | "use_as_clause"
                | "use_wildcard"
                | "use_list"
                | "macro_invocation"
                | "visibility_modifier"
                | "token_tree"
                | "attribute" => return,
                _ => {}
            }
            let kind = if is_call_callee(node, parent, origin.parents) {
                RefKind::Call
            } else if is_pattern_path(node, parent) {
                RefKind::Pattern
            } else {
                RefKind::Value
            };
            self.push_ref(node, origin, kind);
            return;
        }

        // `Point { x, .. }` binds `x` to the field of that name.
        if node.kind() == "shorthand_field_identifier" {
            if parent_kind == "field_pattern" {
                let value = destructured_value(node, origin);
                self.binding(node, origin, None, value);
            }
            return;
        }

        // A single identifier.
        match parent_kind {
            "scoped_identifier"
            | "scoped_type_identifier"
            | "scoped_use_list"
            | "use_list"
            | "use_as_clause"
            | "use_wildcard"
            | "use_declaration"
            | "extern_crate_declaration"
            | "token_tree"
            | "attribute"
            | "lifetime"
            | "label"
            | "visibility_modifier"
            | "macro_invocation"
            | "macro_definition"
            | "mod_item"
            | "enum_variant"
            | "token_tree_pattern"
            | "token_repetition"
            | "token_binding_pattern"
            | "break_expression"
            | "continue_expression"
            | "field_pattern"
            | "meta_item" => {
                if parent_kind == "field_pattern" && field_is(parent, "pattern", node) {
                    let value = destructured_value(node, origin);
                    self.binding(node, origin, None, value);
                }
                return;
            }
            "function_item"
            | "function_signature_item"
            | "const_item"
            | "static_item"
            | "type_item"
                if field_is(parent, "name", node) =>
            {
                return;
            }
            _ => {}
        }
        if let Some(kind) = self.binding_position(node, parent, origin) {
            if kind == RefKind::Pattern {
                self.push_ref(node, origin, RefKind::Pattern);
            }
            return;
        }
        let kind = if is_call_callee(node, parent, origin.parents) {
            RefKind::Call
        } else {
            RefKind::Value
        };
        self.push_ref(node, origin, kind);
    }

    /// Records a binding when `node` is in a pattern that binds names.
    /// Returns `Some(Pattern)` for a capitalised name in a pattern, which
    /// names a unit struct, variant or constant rather than binding, and
    /// `Some(Value)` when the identifier was handled as a binding.
    fn binding_position<'s>(
        &mut self,
        node: Node<'s>,
        parent: Node<'s>,
        origin: Origin<'s>,
    ) -> Option<RefKind> {
        let parent_kind = parent.kind();
        let capitalised = origin
            .text(node)
            .starts_with(|c: char| c.is_ascii_uppercase());
        match parent_kind {
            "let_declaration" if field_is(parent, "pattern", node) => {
                let ty = parent
                    .child_by_field_name("type")
                    .map(|t| ty_of(t, origin.source, 0));
                let value = parent
                    .child_by_field_name("value")
                    .map_or_else(Value::unknown, |v| value_of(v, origin.source));
                self.binding_at(node, origin, ty, value, parent.end_byte());
                Some(RefKind::Value)
            }
            "parameter" if field_is(parent, "pattern", node) => {
                let ty = parent
                    .child_by_field_name("type")
                    .map(|t| ty_of(t, origin.source, 0));
                self.binding(node, origin, ty, Value::unknown());
                Some(RefKind::Value)
            }
            "closure_parameters" => {
                self.binding(node, origin, None, Value::unknown());
                Some(RefKind::Value)
            }
            "for_expression" if field_is(parent, "pattern", node) => {
                let mut value = parent
                    .child_by_field_name("value")
                    .map_or_else(Value::unknown, |v| value_of(v, origin.source));
                value.steps.push(Step::Element);
                self.binding(node, origin, None, value);
                Some(RefKind::Value)
            }
            "let_condition" if field_is(parent, "pattern", node) => {
                let value = parent
                    .child_by_field_name("value")
                    .map_or_else(Value::unknown, |v| value_of(v, origin.source));
                self.binding(node, origin, None, value);
                Some(RefKind::Value)
            }
            "tuple_struct_pattern" if !field_is(parent, "type", node) => {
                if capitalised {
                    return Some(RefKind::Pattern);
                }
                // `Some(x)` / `Ok(x)` in `if let` or `let .. else`: the
                // unwrapped value.
                let wrapper = parent.child_by_field_name("type").map(|t| origin.text(t));
                let holder = origin.parents.of(parent);
                let source_value = holder.and_then(|h| match h.kind() {
                    "let_condition" | "let_declaration" if field_is(h, "pattern", parent) => {
                        h.child_by_field_name("value")
                    }
                    _ => None,
                });
                let value = match (wrapper, source_value) {
                    (Some("Some" | "Ok"), Some(v)) => {
                        let mut value = value_of(v, origin.source);
                        value.steps.push(Step::Unwrap);
                        value
                    }
                    _ => destructured_value(node, origin),
                };
                self.binding(node, origin, None, value);
                Some(RefKind::Value)
            }
            "match_pattern" if field_is(parent, "condition", node) => None,
            "tuple_pattern" | "slice_pattern" | "or_pattern" | "ref_pattern" | "mut_pattern"
            | "reference_pattern" | "match_pattern" | "captured_pattern" | "range_pattern" => {
                if capitalised {
                    return Some(RefKind::Pattern);
                }
                let value = destructured_value(node, origin);
                self.binding(node, origin, None, value);
                Some(RefKind::Value)
            }
            _ => None,
        }
    }

    fn binding<'s>(&mut self, node: Node<'s>, origin: Origin<'s>, ty: Option<Ty>, value: Value) {
        let visible_from = binding_visible_from(node, origin.parents);
        self.binding_at(node, origin, ty, value, visible_from);
    }

    fn binding_at<'s>(
        &mut self,
        node: Node<'s>,
        origin: Origin<'s>,
        ty: Option<Ty>,
        value: Value,
        visible_from: usize,
    ) {
        if !self.record_bindings {
            return;
        }
        let Some(byte) = origin.file_byte(node) else {
            return;
        };
        self.facts.bindings.push(Binding {
            scope: self.scopes.symbol_at(byte),
            name: origin.text(node).to_owned(),
            byte: to_u32(visible_from),
            ty,
            value,
        });
    }

    /// Type identifiers and `a::B` type paths.
    fn visit_type<'s>(&mut self, node: Node<'s>, origin: Origin<'s>) {
        let Some(parent) = origin.parents.of(node) else {
            return;
        };
        match parent.kind() {
            "scoped_type_identifier" if node.kind() == "type_identifier" => return,
            "struct_item"
            | "enum_item"
            | "union_item"
            | "trait_item"
            | "type_item"
            | "associated_type"
            | "type_parameter"
            | "type_binding"
            | "constrained_type_parameter"
                if field_is(parent, "name", node) =>
            {
                return;
            }
            "token_tree" | "attribute" | "macro_definition" | "token_tree_pattern" => return,
            _ => {}
        }
        if is_impl_trait(node, origin.parents) {
            return;
        }
        let kind = match parent.kind() {
            "struct_expression" if field_is(parent, "name", node) => RefKind::StructLiteral,
            "struct_pattern" if field_is(parent, "type", node) => RefKind::Pattern,
            "tuple_struct_pattern" if field_is(parent, "type", node) => RefKind::Pattern,
            _ => RefKind::Type,
        };
        self.push_ref(node, origin, kind);
    }

    /// `x.f` and the callee of `x.m()`.
    fn visit_field<'s>(&mut self, node: Node<'s>, origin: Origin<'s>) {
        let Some(field) = node.child_by_field_name("field") else {
            return;
        };
        let Some(value) = node.child_by_field_name("value") else {
            return;
        };
        let Some(byte) = origin.file_byte(field) else {
            return;
        };
        let receiver = value_of(value, origin.source);
        let name = origin.text(field).to_owned();
        let scope = self.scopes.symbol_at(byte);
        let line = self.lines.line_of(byte);
        let parent = origin.parents.of(node);
        let is_call = parent.is_some_and(|p| {
            (p.kind() == "call_expression" && field_is(p, "function", node))
                || (p.kind() == "generic_function"
                    && field_is(p, "function", node)
                    && origin.parents.of(p).is_some_and(|g| {
                        g.kind() == "call_expression" && field_is(g, "function", p)
                    }))
        });
        if is_call {
            self.facts.method_calls.push(MethodCall {
                scope,
                receiver,
                name,
                byte,
                line,
            });
        } else {
            self.facts.field_reads.push(FieldRead {
                scope,
                receiver,
                field: name,
                byte,
                line,
            });
        }
    }

    /// `name!(..)`: a reference to the macro, and its arguments queued to be
    /// parsed again.
    fn visit_macro<'s>(&mut self, node: Node<'s>, origin: Origin<'s>) {
        let Some(name_node) = node.child_by_field_name("macro") else {
            return;
        };
        if let Some(byte) = origin.file_byte(name_node) {
            let (mut path, _) = path_of(name_node, origin.source);
            if let Some(last) = path.last_mut() {
                last.push('!');
            }
            if !path.is_empty() && !path.iter().any(|s| s.starts_with('$')) {
                self.facts.refs.push(PathRef {
                    scope: self.scopes.symbol_at(byte),
                    path,
                    qself: None,
                    kind: RefKind::Macro,
                    byte,
                    line: self.lines.line_of(byte),
                });
            }
        }
        let mut cursor = node.walk();
        let Some(tokens) = node
            .named_children(&mut cursor)
            .find(|c| c.kind() == "token_tree")
        else {
            return;
        };
        let text = origin.text(tokens);
        if text.len() < 3 || !text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return;
        }
        let inner = &text[1..text.len() - 1];
        let (prefix, suffix) = match text.as_bytes()[0] {
            b'[' => ("fn __blast_macro() { [", "]; }"),
            b'{' => ("fn __blast_macro() {", "}"),
            _ => ("fn __blast_macro() { __blast_args(", "); }"),
        };
        let Ok(inner_start) = i64::try_from(tokens.start_byte() + 1) else {
            return;
        };
        let Ok(prefix_len) = i64::try_from(prefix.len()) else {
            return;
        };
        let delta = origin.delta + inner_start - prefix_len;
        let Ok(file_start) = usize::try_from(origin.delta + inner_start) else {
            return;
        };
        self.pending_macros.push(MacroJob {
            text: format!("{prefix}{inner}{suffix}"),
            delta,
            range: (file_start, file_start + inner.len()),
            depth: 0,
        });
    }

    fn visit_use<'s>(&mut self, node: Node<'s>, origin: Origin<'s>) {
        let Some(byte) = origin.file_byte(node) else {
            return;
        };
        let scope = self.scopes.symbol_at(byte);
        let line = self.lines.line_of(byte);
        let (public, restricted) = visibility(node, origin.source);
        let visible = public || restricted;
        let source = origin.source;
        let conditional = has_attribute(node, source, "cfg");

        if node.kind() == "extern_crate_declaration" {
            let Some(name) = node.child_by_field_name("name") else {
                return;
            };
            let alias = node
                .child_by_field_name("alias")
                .map(|a| node_text(a, source).to_owned());
            self.facts.uses.push(UseEntry {
                scope,
                path: vec![String::new(), node_text(name, source).to_owned()],
                alias,
                glob: false,
                visible,
                public,
                conditional,
                byte,
                line,
            });
            return;
        }

        let Some(argument) = node.child_by_field_name("argument") else {
            return;
        };
        let mut stack: Vec<(Node<'s>, Vec<String>)> = vec![(argument, Vec::new())];
        while let Some((tree, prefix)) = stack.pop() {
            let mut entry = |path: Vec<String>, alias: Option<String>, glob: bool| {
                self.facts.uses.push(UseEntry {
                    scope,
                    path,
                    alias,
                    glob,
                    visible,
                    public,
                    conditional,
                    byte,
                    line,
                });
            };
            match tree.kind() {
                "use_as_clause" => {
                    let path = tree
                        .child_by_field_name("path")
                        .map(|p| path_of(p, source).0)
                        .unwrap_or_default();
                    let alias = tree
                        .child_by_field_name("alias")
                        .map(|a| node_text(a, source).to_owned());
                    entry(concat(&prefix, path), alias, false);
                }
                "use_wildcard" => {
                    let path = tree
                        .named_child(0)
                        .map(|p| path_of(p, source).0)
                        .unwrap_or_default();
                    entry(concat(&prefix, path), None, true);
                }
                "scoped_use_list" => {
                    let path = tree
                        .child_by_field_name("path")
                        .map(|p| path_of(p, source).0)
                        .unwrap_or_default();
                    let prefix = concat(&prefix, path);
                    if let Some(list) = tree.child_by_field_name("list") {
                        stack.push((list, prefix));
                    }
                }
                "use_list" => {
                    let mut cursor = tree.walk();
                    for child in tree.named_children(&mut cursor) {
                        stack.push((child, prefix.clone()));
                    }
                }
                "self" if !prefix.is_empty() => entry(prefix, None, false),
                "identifier" | "scoped_identifier" | "crate" | "super" | "self"
                | "metavariable" => {
                    entry(concat(&prefix, path_of(tree, source).0), None, false);
                }
                _ => {}
            }
        }
    }

    fn visit_mod<'s>(&mut self, node: Node<'s>, origin: Origin<'s>) {
        let Some(byte) = origin.file_byte(node) else {
            return;
        };
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let mut paths = Vec::new();
        for attr in attributes_above(node, origin.source) {
            paths.extend(path_attributes(attr, origin.source));
        }
        paths.reverse();
        self.facts.mods.push(ModDecl {
            scope: self.scopes.symbol_at(byte),
            name: origin.text(name).to_owned(),
            paths,
            macro_use: has_attribute(node, origin.source, "macro_use"),
            test_only: has_test_only_cfg(node, origin.source),
            byte,
            line: self.lines.line_of(byte),
        });
    }
}

/// Returns where a name bound by a pattern becomes visible: after the whole `let`
/// or `if let` condition (its value may use an outer binding of the same
/// name), at the body of a `for`, else right after the name.
fn binding_visible_from<'t>(node: Node<'t>, parents: &Parents<'t>) -> usize {
    let mut current = node;
    while let Some(parent) = parents.of(current) {
        match parent.kind() {
            "tuple_pattern"
            | "slice_pattern"
            | "or_pattern"
            | "ref_pattern"
            | "mut_pattern"
            | "reference_pattern"
            | "captured_pattern"
            | "tuple_struct_pattern"
            | "struct_pattern"
            | "field_pattern" => current = parent,
            "let_declaration" | "let_condition" => return parent.end_byte(),
            "for_expression" => {
                return parent
                    .child_by_field_name("body")
                    .map_or(node.end_byte(), |b| b.start_byte());
            }
            _ => return node.end_byte(),
        }
    }
    node.end_byte()
}

/// Returns the value of a name bound inside `Path(.., name, ..)` or
/// `Path { field: name }` / `Path { name }`: that field of what the path
/// names. Unknown for other patterns.
fn destructured_value<'s>(node: Node<'s>, origin: Origin<'s>) -> Value {
    let source = origin.source;
    let mut child = node;
    let Some(mut parent) = origin.parents.of(node) else {
        return Value::unknown();
    };
    while matches!(
        parent.kind(),
        "ref_pattern" | "mut_pattern" | "reference_pattern" | "captured_pattern"
    ) {
        child = parent;
        let Some(next) = origin.parents.of(parent) else {
            return Value::unknown();
        };
        parent = next;
    }
    let destructure = |type_node: Option<Node<'s>>, field: String| match type_node {
        Some(type_node) => Value {
            base: ValueBase::Destructure {
                path: path_of(type_node, source).0,
                field,
            },
            steps: Vec::new(),
        },
        None => Value::unknown(),
    };
    match parent.kind() {
        "tuple_struct_pattern" => {
            let type_node = parent.child_by_field_name("type");
            let mut position = 0usize;
            let mut cursor = parent.walk();
            for sub in parent.named_children(&mut cursor) {
                if type_node.is_some_and(|t| t.id() == sub.id()) || sub.kind().ends_with("comment")
                {
                    continue;
                }
                if sub.id() == child.id() {
                    return destructure(type_node, position.to_string());
                }
                if sub.kind() == "remaining_field_pattern" {
                    return Value::unknown();
                }
                position += 1;
            }
            Value::unknown()
        }
        "field_pattern" => {
            let field = parent
                .child_by_field_name("name")
                .map(|n| node_text(n, source).to_owned());
            let type_node = origin
                .parents
                .of(parent)
                .and_then(|p| p.child_by_field_name("type"));
            match field {
                Some(field) => destructure(type_node, field),
                None => Value::unknown(),
            }
        }
        _ => Value::unknown(),
    }
}

fn concat(prefix: &[String], path: Vec<String>) -> Vec<String> {
    let mut out = prefix.to_vec();
    out.extend(path);
    out
}

/// Returns the attribute items directly above an item, nearest first.
fn attributes_above<'t>(node: Node<'t>, source: &[u8]) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    // `prev_sibling` costs time in proportion to the tree's depth.
    if !may_follow_attribute_or_comment(&source[..node.start_byte().min(source.len())]) {
        return out;
    }
    let mut sibling = node.prev_sibling();
    while let Some(attr) = sibling {
        match attr.kind() {
            "attribute_item" => out.push(attr),
            "line_comment" | "block_comment" => {}
            _ => break,
        }
        sibling = attr.prev_sibling();
    }
    out
}

/// True when an attribute above the item starts with `name`
/// (`macro_export`, `cfg`).
fn has_attribute(node: Node<'_>, source: &[u8], name: &str) -> bool {
    attributes_above(node, source).into_iter().any(|attr| {
        let text = node_text(attr, source);
        let inner = text.trim_start_matches("#[").trim_start();
        inner.starts_with(name)
            && !inner[name.len()..].starts_with(|c: char| c == '_' || c.is_alphanumeric())
    })
}

/// Attributes that make a function a test, by the last segment of their
/// path: `#[test]`, `#[tokio::test]`, `#[rstest]`, `#[test_case(..)]`.
const TEST_ATTRIBUTES: &[&str] = &[
    "quickcheck",
    "rstest",
    "test",
    "test_case",
    "wasm_bindgen_test",
];

/// True when an attribute above the function marks it as a test.
fn has_test_attribute(node: Node<'_>, source: &[u8]) -> bool {
    attributes_above(node, source).into_iter().any(|attr| {
        let text = node_text(attr, source);
        let inner = text.trim_start_matches("#[").trim_start();
        let path_end = inner
            .find(|c: char| !(c == '_' || c == ':' || c.is_alphanumeric()))
            .unwrap_or(inner.len());
        let last = inner[..path_end].rsplit("::").next().unwrap_or_default();
        TEST_ATTRIBUTES.contains(&last)
    })
}

/// True when a `#[cfg(..)]` above the item is true only in test builds.
fn has_test_only_cfg(node: Node<'_>, source: &[u8]) -> bool {
    attributes_above(node, source)
        .into_iter()
        .any(|attr| cfg_requires_test(node_text(attr, source)))
}

/// True when a `#![cfg(..)]` at the top of the file is true only in test
/// builds.
fn file_is_test_only(root: Node<'_>, source: &[u8]) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|child| child.kind() == "inner_attribute_item")
        .any(|attr| cfg_requires_test(node_text(attr, source)))
}

/// True when the attribute text `#[cfg(predicate)]` or `#![cfg(predicate)]`
/// is true only when `test` is set: `test`, `all(test, ..)`, or `any(..)`
/// of such predicates. `not(..)` never requires `test`.
pub(super) fn cfg_requires_test(attribute: &str) -> bool {
    let inner = attribute
        .trim_start_matches('#')
        .trim_start_matches('!')
        .trim_start()
        .trim_start_matches('[')
        .trim_end()
        .trim_end_matches(']')
        .trim();
    let Some(rest) = inner.strip_prefix("cfg") else {
        return false;
    };
    match call_arguments(rest) {
        Some(arguments) => predicate_requires_test(arguments),
        None => false,
    }
}

/// Returns whether one `cfg` predicate is true only when `test` is set.
fn predicate_requires_test(predicate: &str) -> bool {
    let predicate = predicate.trim();
    if predicate == "test" {
        return true;
    }
    if let Some(arguments) = predicate.strip_prefix("all").and_then(call_arguments) {
        return split_predicates(arguments)
            .into_iter()
            .any(predicate_requires_test);
    }
    if let Some(arguments) = predicate.strip_prefix("any").and_then(call_arguments) {
        let alternatives = split_predicates(arguments);
        return !alternatives.is_empty() && alternatives.into_iter().all(predicate_requires_test);
    }
    false
}

/// Returns the text between the parentheses of `(..)`, which must be all of
/// `text` but for white space.
fn call_arguments(text: &str) -> Option<&str> {
    text.trim()
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
}

/// Splits a predicate list at its top-level commas, skipping commas inside
/// parentheses and string literals. Empty entries (a trailing comma) are
/// dropped.
fn split_predicates(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (idx, ch) in list.char_indices() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&list[start..idx]);
                start = idx + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.retain(|part| !part.trim().is_empty());
    parts
}

/// Returns the file paths of `#[path = "p"]` and `#[cfg_attr(cond, path = "p")]`.
fn path_attributes(attr_item: Node<'_>, source: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = attr_item.walk();
    let Some(attr) = attr_item
        .named_children(&mut cursor)
        .find(|c| c.kind() == "attribute")
    else {
        return out;
    };
    let Some(head) = attr.named_child(0) else {
        return out;
    };
    match node_text(head, source) {
        "path" => {
            if let Some(value) = attr.child_by_field_name("value") {
                out.extend(string_literal_value(value, source));
            }
        }
        "cfg_attr" => {
            let Some(tokens) = attr.child_by_field_name("arguments") else {
                return out;
            };
            let mut inner = tokens.walk();
            let children: Vec<Node<'_>> = tokens.children(&mut inner).collect();
            for window in children.windows(3) {
                if node_text(window[0], source) == "path" && node_text(window[1], source) == "=" {
                    out.extend(string_literal_value(window[2], source));
                }
            }
        }
        _ => {}
    }
    out
}

fn string_literal_value(node: Node<'_>, source: &[u8]) -> Option<String> {
    if node.kind() != "string_literal" && node.kind() != "raw_string_literal" {
        return None;
    }
    let mut cursor = node.walk();
    let content = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "string_content");
    Some(
        content
            .map(|c| node_text(c, source).to_owned())
            .unwrap_or_default(),
    )
}

/// Reduces a value expression to a base and steps, walking down the
/// receiver chain without recursion.
fn value_of(node: Node<'_>, source: &[u8]) -> Value {
    let mut steps = Vec::new();
    let mut current = node;
    let base = loop {
        if steps.len() > MAX_VALUE_STEPS {
            break ValueBase::Unknown;
        }
        match current.kind() {
            "field_expression" => {
                let (Some(field), Some(value)) = (
                    current.child_by_field_name("field"),
                    current.child_by_field_name("value"),
                ) else {
                    break ValueBase::Unknown;
                };
                steps.push(Step::Field(node_text(field, source).to_owned()));
                current = value;
            }
            "call_expression" => {
                let Some(mut function) = current.child_by_field_name("function") else {
                    break ValueBase::Unknown;
                };
                if function.kind() == "generic_function" {
                    match function.child_by_field_name("function") {
                        Some(inner) if inner.kind() == "field_expression" => function = inner,
                        _ => {}
                    }
                }
                match function.kind() {
                    "field_expression" => {
                        let (Some(field), Some(value)) = (
                            function.child_by_field_name("field"),
                            function.child_by_field_name("value"),
                        ) else {
                            break ValueBase::Unknown;
                        };
                        steps.push(Step::Method(node_text(field, source).to_owned()));
                        current = value;
                    }
                    "identifier" | "scoped_identifier" | "generic_function" => {
                        break ValueBase::Call(path_of(function, source).0);
                    }
                    _ => break ValueBase::Unknown,
                }
            }
            "try_expression" => {
                steps.push(Step::Unwrap);
                let Some(inner) = current.named_child(0) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            "index_expression" => {
                steps.push(Step::Element);
                let Some(inner) = current.named_child(0) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            "await_expression" | "parenthesized_expression" | "unary_expression" => {
                let Some(inner) = current.named_child(0) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            "reference_expression" => {
                let Some(inner) = current.child_by_field_name("value") else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            "identifier" => break ValueBase::Name(node_text(current, source).to_owned()),
            "self" => break ValueBase::Name("self".to_owned()),
            "scoped_identifier" => break ValueBase::Path(path_of(current, source).0),
            "struct_expression" => {
                let Some(name) = current.child_by_field_name("name") else {
                    break ValueBase::Unknown;
                };
                break ValueBase::Struct(path_of(name, source).0);
            }
            "type_cast_expression" => {
                let ty = current
                    .child_by_field_name("type")
                    .map_or(Ty::Unknown, |t| ty_of(t, source, 0));
                break ValueBase::Typed(ty);
            }
            _ => break ValueBase::Unknown,
        }
    };
    steps.reverse();
    Value { base, steps }
}

/// True when the node is the callee of a call, directly or with a turbofish.
fn is_call_callee<'t>(node: Node<'t>, parent: Node<'t>, parents: &Parents<'t>) -> bool {
    match parent.kind() {
        "call_expression" => field_is(parent, "function", node),
        "generic_function" => {
            field_is(parent, "function", node)
                && parents.of(parent).is_some_and(|g| {
                    g.kind() == "call_expression" && field_is(g, "function", parent)
                })
        }
        _ => false,
    }
}

fn is_pattern_path(node: Node<'_>, parent: Node<'_>) -> bool {
    match parent.kind() {
        "tuple_struct_pattern" | "struct_pattern" => field_is(parent, "type", node),
        "match_pattern" => !field_is(parent, "condition", node),
        "or_pattern" | "tuple_pattern" | "slice_pattern" | "ref_pattern" | "reference_pattern"
        | "captured_pattern" | "range_pattern" | "field_pattern" => true,
        _ => false,
    }
}

/// True for the trait of an impl header (`impl Trait for T`), which the
/// resolver links through the impl header instead.
fn is_impl_trait<'t>(node: Node<'t>, parents: &Parents<'t>) -> bool {
    let mut current = node;
    for _ in 0..3 {
        let Some(parent) = parents.of(current) else {
            return false;
        };
        match parent.kind() {
            "impl_item" => return field_is(parent, "trait", current),
            "generic_type" if field_is(parent, "type", current) => current = parent,
            _ => return false,
        }
    }
    false
}

/// Returns the start of the first attribute or doc comment directly above an item, so that a
/// changed `#[derive]` or `#[cfg]` line maps to the item.
fn span_start(node: Node<'_>, source: &[u8]) -> usize {
    let mut start = node.start_byte();
    // `prev_sibling` searches down from the root, in time proportional to
    // the depth, so it runs only when the text above can be an attribute
    // or a doc comment: per item of deeply nested code it was quadratic.
    if !may_follow_attribute_or_comment(&source[..start.min(source.len())]) {
        return start;
    }
    let mut sibling = node.prev_sibling();
    while let Some(prev) = sibling {
        let is_attribute = prev.kind() == "attribute_item";
        let is_doc = matches!(prev.kind(), "line_comment" | "block_comment")
            && prev.child_by_field_name("doc").is_some()
            && prev.child_by_field_name("outer").is_some();
        if !is_attribute && !is_doc {
            break;
        }
        start = prev.start_byte();
        sibling = prev.prev_sibling();
    }
    start
}

/// Returns whether the text before an item can end with an attribute
/// (`]`), a block comment (`*/`) or a line comment. A line comment needs
/// the item on a later line, and only the last [`LINE_COMMENT_SCAN`] bytes
/// of the line above are searched for `//`, so that the cost per item stays
/// bounded in minified one-line files.
fn may_follow_attribute_or_comment(before: &[u8]) -> bool {
    let trimmed = before.trim_ascii_end();
    if trimmed.ends_with(b"]") || trimmed.ends_with(b"*/") {
        return true;
    }
    if !before[trimmed.len()..].contains(&b'\n') {
        return false;
    }
    let scan_start = trimmed.len().saturating_sub(LINE_COMMENT_SCAN);
    let tail = &trimmed[scan_start..];
    let last_line = match tail.iter().rposition(|&byte| byte == b'\n') {
        Some(newline) => &tail[newline + 1..],
        None => tail,
    };
    last_line.windows(2).any(|pair| pair == b"//")
}

/// Bytes of the line above an item searched for a line comment's `//`; a
/// doc comment longer than this (without attributes) is not found.
const LINE_COMMENT_SCAN: usize = 4096;

/// The innermost symbol around a byte offset, by binary search over the
/// symbols sorted by start and a walk up the parent chain.
pub(crate) struct ScopeIndex {
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

    fn symbol_at(&self, byte: u32) -> u32 {
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

/// Parent lookups for the reference visitor, of anonymous nodes too.
struct Parents<'t>(ParentTable<'t>);

impl<'t> Parents<'t> {
    fn new(root: Node<'t>) -> Parents<'t> {
        Parents(ParentTable::new(root))
    }

    fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.0.of_any(node)
    }
}

/// Byte offsets of line starts, for 1-based line numbers of any offset.
struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    fn new(source: &[u8]) -> LineIndex {
        let mut starts = vec![0u32];
        for (idx, &b) in source.iter().enumerate() {
            if b == b'\n' {
                starts.push(to_u32(idx + 1));
            }
        }
        LineIndex { starts }
    }

    fn line_of(&self, byte: u32) -> u32 {
        to_u32(self.starts.partition_point(|&s| s <= byte))
    }
}

fn field_is(parent: Node<'_>, field: &str, node: Node<'_>) -> bool {
    parent
        .child_by_field_name(field)
        .is_some_and(|c| c.id() == node.id())
}

fn span_of(node: Node<'_>, start_byte: usize) -> Span {
    let end = node.end_position();
    let end_line = if end.column == 0 && end.row > node.start_position().row {
        end.row
    } else {
        end.row + 1
    };
    Span {
        start_byte: to_u32(start_byte),
        end_byte: to_u32(node.end_byte()),
        start_line: 0,
        end_line: to_u32(end_line),
    }
    .with_start_line(node, start_byte)
}

trait WithStartLine {
    fn with_start_line(self, node: Node<'_>, start_byte: usize) -> Self;
}

impl WithStartLine for Span {
    /// Sets the start line from the start byte, which may lie on an
    /// attribute line above the item node.
    fn with_start_line(mut self, node: Node<'_>, start_byte: usize) -> Span {
        let mut line = node.start_position().row;
        // Without attributes there is no sibling to look at, and
        // `prev_sibling` costs time in proportion to the tree's depth.
        if start_byte >= node.start_byte() {
            self.start_line = to_u32(line + 1);
            return self;
        }
        let mut sibling = node.prev_sibling();
        while let Some(prev) = sibling {
            if prev.start_byte() < start_byte {
                break;
            }
            line = prev.start_position().row;
            sibling = prev.prev_sibling();
        }
        self.start_line = to_u32(line + 1);
        self
    }
}

pub(crate) fn node_text<'s>(node: Node<'_>, source: &'s [u8]) -> &'s str {
    std::str::from_utf8(&source[node.byte_range()]).unwrap_or("")
}

fn count_lines(source: &[u8]) -> u32 {
    let newlines = source.iter().filter(|&&b| b == b'\n').count();
    let trailing = source.last().is_some_and(|&b| b != b'\n');
    to_u32(newlines + usize::from(trailing))
}

/// Converts a size or offset to `u32`. Files are limited far below 4 GiB
/// before they reach the parser, so saturating never happens in practice.
pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Tree {
        let config = super::super::config();
        crate::lang::parse(crate::Lang::Rust, &config.language, source.as_bytes()).unwrap()
    }

    /// Parent lookups agree with `Node::parent` on every node, in a wide
    /// tree too: 300 unclosed calls become one `ERROR` node with a child
    /// per call.
    #[test]
    fn cfg_requires_test_by_predicate() {
        let cases = [
            ("#[cfg(test)]", true),
            ("#![cfg(test)]", true),
            ("#[cfg( all( feature = \"a,b)\", test ) )]", true),
            ("#[cfg(any(test, all(test, unix)))]", true),
            ("#[cfg(any(test, feature = \"testing\"))]", false),
            ("#[cfg(not(test))]", false),
            ("#[cfg(feature = \"test\")]", false),
            ("#[cfg(tests)]", false),
            ("#[cfg_attr(test, derive(Debug))]", false),
            ("#[cfg(any())]", false),
        ];
        for (attribute, expected) in cases {
            assert_eq!(cfg_requires_test(attribute), expected, "{attribute}");
        }
    }

    #[test]
    fn parents_match_node_parent() {
        let wide = format!("fn f() {{ {} }}\n", "f(".repeat(300));
        for source in ["fn f() { g(h(1)); let (a, b) = x; }\n", wide.as_str()] {
            let tree = parse(source);
            let parents = Parents::new(tree.root_node());
            let mut cursor = tree.walk();
            let mut count = 0;
            loop {
                let node = cursor.node();
                assert_eq!(parents.of(node), node.parent(), "parent of {node:?}");
                count += 1;
                if cursor.goto_first_child() || cursor.goto_next_sibling() {
                    continue;
                }
                while cursor.goto_parent() && !cursor.goto_next_sibling() {}
                if cursor.node() == tree.root_node() {
                    break;
                }
            }
            assert!(count > 10, "walked {count} nodes");
        }
    }
}
