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

use tree_sitter::{Node, Tree};

use super::collect::{Above, Ancestors, Attributed, Captures, Located, RawDef, collect};
use super::kinds::{FieldName, Kind, child, field_is, kind};
use super::{
    Binding, FieldDecl, FieldRead, GenericParam, ImplHeader, MethodCall, ModDecl, PathRef, RefKind,
    RustConfig, RustFacts, Step, Ty, UseEntry, Value, ValueBase,
};
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
    ancestors: &'s Ancestors<'s>,
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

    fn parent(&self, at: Located<'s>) -> Option<Located<'s>> {
        self.ancestors.parent(at)
    }
}

/// Extracts the symbols and facts of one parsed file.
pub(crate) fn extract(config: &RustConfig, source: &[u8], tree: &Tree) -> (FileSyntax, RustFacts) {
    let root = tree.root_node();
    let line_count = count_lines(source);
    let lines = LineIndex::new(source);

    // Step 1: collect what the tags query captures, in one walk.
    let mut captures = collect(root, source, true);
    let mut defs = std::mem::take(&mut captures.defs);

    // Step 2: order definitions by position and nest them by span.
    defs.sort_by_key(|d| (d.span_start, std::cmp::Reverse(d.node.end_byte())));
    let mut builder = SymbolBuilder::new(
        source,
        &captures.above_nodes,
        line_count,
        file_is_test_only(root, source),
    );
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
    for (idx, item) in item_nodes.iter().enumerate() {
        if let Some((node, above)) = item {
            let above = above.of(&captures.above_nodes);
            item_facts(to_u32(idx), *node, above, source, &mut facts);
        }
    }

    // Step 4: references in the file, then in macro arguments.
    let origin = Origin {
        source,
        delta: 0,
        range: (0, source.len()),
        is_file: true,
        ancestors: &captures.ancestors,
    };
    let mut visitor = RefVisitor {
        scopes: &scopes,
        lines: &lines,
        facts: &mut facts,
        pending_macros: Vec::new(),
        record_bindings: true,
    };
    visitor.visit_all(&captures, origin);
    visitor.record_bindings = false;
    for (node, _) in item_nodes.iter().flatten() {
        if kind(*node) == Kind::MacroDefinition {
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
        let snippet_captures = collect(snippet_tree.root_node(), job.text.as_bytes(), false);
        let origin = Origin {
            source: job.text.as_bytes(),
            delta: job.delta,
            range: job.range,
            is_file: false,
            ancestors: &snippet_captures.ancestors,
        };
        visitor.visit_all(&snippet_captures, origin);
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

/// Builds the symbol list from definitions sorted by position.
struct SymbolBuilder<'s, 't> {
    source: &'s [u8],
    /// The nodes of the definitions' [`Above`] ranges.
    above_nodes: &'s [Node<'t>],
    symbols: Vec<LocalSymbol>,
    /// The item node of each symbol and the attributes and comments above
    /// it (none for the file module).
    item_nodes: Vec<Option<(Node<'t>, Above)>>,
    /// Name prefix of each symbol's children: the local name, except that an
    /// inherent impl lends its type's name and a trait impl `<T as Trait>`.
    prefixes: Vec<String>,
    stack: Vec<u32>,
    facts: RustFacts,
}

impl<'s, 't> SymbolBuilder<'s, 't> {
    fn new(
        source: &'s [u8],
        above_nodes: &'s [Node<'t>],
        line_count: u32,
        test_only: bool,
    ) -> SymbolBuilder<'s, 't> {
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
            above_nodes,
            symbols: vec![module],
            item_nodes: vec![None],
            prefixes: vec![String::new()],
            stack: Vec::new(),
            facts: RustFacts::default(),
        }
    }

    fn push(&mut self, def: &RawDef<'t>) {
        let above = def.above.of(self.above_nodes);
        let span = span_of(def.node, above, def.span_start);
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
        let in_trait_impl = parent_kind == SymbolKind::Impl
            && def_is_trait_impl(self.item_nodes[parent as usize].map(|(node, _)| node));
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
            SymbolKind::Impl => child(def.node, FieldName::Trait).is_some(),
            _ if in_trait_impl => true,
            _ if in_trait => self.symbols[parent as usize].public,
            _ => public,
        };
        let idx = to_u32(self.symbols.len());
        if restricted {
            self.facts.restricted.push(idx);
        }
        let test =
            def.kind == SymbolKind::Function && has_test_attribute(def.node, above, self.source);
        let enclosing = &self.symbols[parent as usize];
        let test_only = enclosing.test_only
            || enclosing.test
            || has_test_only_cfg(def.node, above, self.source);
        self.symbols.push(LocalSymbol {
            local_name,
            kind,
            parent: Some(parent),
            span,
            public,
            test,
            test_only,
        });
        self.item_nodes.push(Some((def.node, def.above)));
        self.prefixes.push(prefix);
        self.stack.push(idx);
    }
}

fn def_is_trait_impl(node: Option<Node<'_>>) -> bool {
    node.is_some_and(|n| child(n, FieldName::Trait).is_some())
}

/// Builds the name of an impl symbol and the prefix of its members: `<Foo<T>>` and
/// `Foo` for `impl<T> Foo<T>`, and `<Foo<T> as Trait>` for both of a trait
/// impl. Lifetimes are dropped and whitespace is normalised.
fn impl_names(node: Node<'_>, source: &[u8]) -> (String, String) {
    let self_text = child(node, FieldName::Type)
        .map(|t| normalize_type_text(node_text(t, source)))
        .unwrap_or_default();
    match child(node, FieldName::Trait) {
        Some(trait_node) => {
            let trait_text = normalize_type_text(node_text(trait_node, source));
            let negative = node
                .children(&mut node.walk())
                .any(|c| kind(c) == Kind::Bang);
            let bang = if negative { "!" } else { "" };
            let name = format!("<{self_text} as {bang}{trait_text}>");
            (name.clone(), name)
        }
        None => {
            let base = child(node, FieldName::Type)
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
    let Some(params) = child(node, FieldName::Parameters) else {
        return false;
    };
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .any(|c| kind(c) == Kind::SelfParameter)
}

/// Returns (plain `pub`, restricted `pub(..)`).
fn visibility(node: Node<'_>, source: &[u8]) -> (bool, bool) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if kind(child) == Kind::VisibilityModifier {
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
fn item_facts(idx: u32, node: Node<'_>, above: &[Node<'_>], source: &[u8], facts: &mut RustFacts) {
    match kind(node) {
        Kind::ImplItem => {
            let self_ty = child(node, FieldName::Type).map_or(Ty::Unknown, |t| ty_of(t, source, 0));
            let trait_path =
                child(node, FieldName::Trait).and_then(|t| trait_path_of(t, source, 0));
            facts.impls.push(ImplHeader {
                symbol: idx,
                self_ty,
                trait_path,
            });
            generics_of(idx, node, source, facts);
        }
        Kind::StructItem | Kind::UnionItem => {
            if let Some(body) = child(node, FieldName::Body) {
                fields_of(idx, "", body, source, facts);
            }
            generics_of(idx, node, source, facts);
        }
        Kind::EnumItem => {
            if let Some(body) = child(node, FieldName::Body) {
                let mut cursor = body.walk();
                for variant in body.named_children(&mut cursor) {
                    if kind(variant) != Kind::EnumVariant {
                        continue;
                    }
                    let Some(name) = child(variant, FieldName::Name) else {
                        continue;
                    };
                    let name = node_text(name, source).to_owned();
                    if let Some(fields) = child(variant, FieldName::Body) {
                        fields_of(idx, &format!("{name}::"), fields, source, facts);
                    }
                    facts.variants.push((idx, name));
                }
            }
            generics_of(idx, node, source, facts);
        }
        Kind::FunctionItem | Kind::FunctionSignatureItem => {
            if let Some(ret) = child(node, FieldName::ReturnType) {
                facts.returns.push((idx, ty_of(ret, source, 0)));
            }
            generics_of(idx, node, source, facts);
        }
        Kind::TraitItem => {
            if let Some(bounds) = child(node, FieldName::Bounds) {
                facts.supertraits.push((idx, bound_paths(bounds, source)));
            }
            generics_of(idx, node, source, facts);
        }
        Kind::TypeItem => {
            if let Some(ty) = child(node, FieldName::Type) {
                facts.aliases.push((idx, ty_of(ty, source, 0)));
            }
            generics_of(idx, node, source, facts);
        }
        Kind::ConstItem | Kind::StaticItem => {
            if let Some(ty) = child(node, FieldName::Type) {
                facts.returns.push((idx, ty_of(ty, source, 0)));
            }
        }
        Kind::MacroDefinition if has_attribute(node, above, source, "macro_export") => {
            facts.macro_exports.push(idx)
        }
        Kind::ModItem if has_attribute(node, above, source, "macro_use") => {
            facts.macro_exports.push(idx)
        }
        _ => {}
    }
}

/// Records the fields of a struct, union or enum variant; a variant's
/// fields are named `Variant::field` (or `Variant::0`) after `prefix`.
fn fields_of(owner: u32, prefix: &str, body: Node<'_>, source: &[u8], facts: &mut RustFacts) {
    let mut cursor = body.walk();
    let mut position = 0u32;
    for member in body.named_children(&mut cursor) {
        match (kind(body), kind(member)) {
            (Kind::FieldDeclarationList, Kind::FieldDeclaration) => {
                let name = child(member, FieldName::Name).map(|n| node_text(n, source).to_owned());
                let ty =
                    child(member, FieldName::Type).map_or(Ty::Unknown, |t| ty_of(t, source, 0));
                if let Some(name) = name {
                    facts.fields.push(FieldDecl {
                        owner,
                        name: format!("{prefix}{name}"),
                        ty,
                    });
                }
            }
            (Kind::OrderedFieldDeclarationList, member_kind)
                if member_kind != Kind::VisibilityModifier
                    && member_kind != Kind::AttributeItem =>
            {
                facts.fields.push(FieldDecl {
                    owner,
                    name: format!("{prefix}{position}"),
                    ty: ty_of(member, source, 0),
                });
                position += 1;
            }
            _ => {}
        }
    }
}

fn generics_of(owner: u32, node: Node<'_>, source: &[u8], facts: &mut RustFacts) {
    let mut params: Vec<GenericParam> = Vec::new();
    if let Some(list) = child(node, FieldName::TypeParameters) {
        let mut cursor = list.walk();
        for param in list.named_children(&mut cursor) {
            if kind(param) != Kind::TypeParameter {
                continue;
            }
            let Some(name) = child(param, FieldName::Name) else {
                continue;
            };
            let bounds = child(param, FieldName::Bounds)
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
    for clause in node.named_children(&mut cursor) {
        if kind(clause) != Kind::WhereClause {
            continue;
        }
        let mut inner = clause.walk();
        for predicate in clause.named_children(&mut inner) {
            let left = child(predicate, FieldName::Left);
            let bounds = child(predicate, FieldName::Bounds);
            let (Some(left), Some(bounds)) = (left, bounds) else {
                continue;
            };
            if kind(left) != Kind::TypeIdentifier {
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
    match kind(node) {
        Kind::TypeIdentifier | Kind::ScopedTypeIdentifier => {
            Some(path_at_depth(node, source, depth).0)
        }
        Kind::GenericType => {
            child(node, FieldName::Type).and_then(|t| trait_path_of(t, source, depth + 1))
        }
        Kind::HigherRankedTraitBound => {
            child(node, FieldName::Type).and_then(|t| trait_path_of(t, source, depth + 1))
        }
        Kind::FunctionType => {
            child(node, FieldName::Trait).and_then(|t| trait_path_of(t, source, depth + 1))
        }
        _ => None,
    }
}

/// Converts a type node. Depth-limited: types nest only a few levels in
/// real code.
fn ty_of(node: Node<'_>, source: &[u8], depth: usize) -> Ty {
    if depth > MAX_TYPE_DEPTH {
        return Ty::Unknown;
    }
    match kind(node) {
        Kind::TypeIdentifier
        | Kind::ScopedTypeIdentifier
        | Kind::PrimitiveType
        | Kind::Identifier
        | Kind::ScopedIdentifier => Ty::Path {
            path: path_at_depth(node, source, depth).0,
            args: Vec::new(),
        },
        Kind::GenericType => {
            let Some(head) = child(node, FieldName::Type) else {
                return Ty::Unknown;
            };
            let mut args = Vec::new();
            if let Some(list) = child(node, FieldName::TypeArguments) {
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
        Kind::ReferenceType | Kind::PointerType => {
            child(node, FieldName::Type).map_or(Ty::Unknown, |t| ty_of(t, source, depth + 1))
        }
        Kind::ArrayType => {
            let element = child(node, FieldName::Element)
                .map_or(Ty::Unknown, |t| ty_of(t, source, depth + 1));
            Ty::Path {
                path: vec!["[]".to_owned()],
                args: vec![element],
            }
        }
        Kind::DynamicType | Kind::AbstractType => {
            let Some(inner) = child(node, FieldName::Trait) else {
                return Ty::Unknown;
            };
            let mut paths = Vec::new();
            if kind(inner) == Kind::BoundedType {
                let mut cursor = inner.walk();
                for part in inner.named_children(&mut cursor) {
                    paths.extend(trait_path_of(part, source, depth + 1));
                }
            } else {
                paths.extend(trait_path_of(inner, source, depth + 1));
            }
            Ty::Bounds(paths)
        }
        Kind::BoundedType => {
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
        match kind(n) {
            Kind::ScopedIdentifier | Kind::ScopedTypeIdentifier => {
                if let Some(name) = child(n, FieldName::Name) {
                    segments.push(node_text(name, source).to_owned());
                }
                match child(n, FieldName::Path) {
                    Some(path) => current = Some(path),
                    // `::name`: a path from the extern prelude.
                    None => segments.push(String::new()),
                }
            }
            Kind::GenericType | Kind::GenericTypeWithTurbofish => {
                current = child(n, FieldName::Type)
            }
            Kind::GenericFunction => current = child(n, FieldName::Function),
            Kind::BracketedType => {
                let Some(inner) = n.named_child(0) else { break };
                if kind(inner) == Kind::QualifiedType {
                    qself = child(inner, FieldName::Type).map(|t| ty_of(t, source, depth + 1));
                    current = child(inner, FieldName::Alias);
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
        if kind(rule) != Kind::MacroRule {
            continue;
        }
        let Some(body) = child(rule, FieldName::Right) else {
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

/// Returns whether macro arguments may contain a name, which parsing them
/// again could find as a reference. Letters inside plain string literals
/// name nothing, so `panic!("no value")` is not parsed again. A `'` or a
/// `/` could make a quote look like the start of a string (`'"'`, or a
/// quote in a comment), so text with either is always parsed again.
fn may_name_anything(text: &[u8]) -> bool {
    let mut bytes = text.iter();
    while let Some(&byte) = bytes.next() {
        match byte {
            b'"' => loop {
                match bytes.next() {
                    None => return true,
                    Some(b'\\') => {
                        bytes.next();
                    }
                    Some(b'"') => break,
                    Some(_) => {}
                }
            },
            b'\'' | b'/' | b'_' => return true,
            _ if byte.is_ascii_alphabetic() || !byte.is_ascii() => return true,
            _ => {}
        }
    }
    false
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
    fn visit_all<'s>(&mut self, captures: &Captures<'s>, origin: Origin<'s>) {
        for &located in &captures.names {
            self.visit_name(located, origin);
        }
        for &located in &captures.types {
            self.visit_type(located, origin);
        }
        for &located in &captures.fields {
            self.visit_field(located, origin);
        }
        for &node in &captures.macros {
            self.visit_macro(node, origin);
        }
        if origin.is_file {
            for &item in &captures.uses {
                self.visit_use(item, &captures.above_nodes, origin);
            }
            for &item in &captures.mods {
                self.visit_mod(item, &captures.above_nodes, origin);
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
    fn visit_name<'s>(&mut self, located: Located<'s>, origin: Origin<'s>) {
        let node = located.node;
        let Some(parent_at) = origin.parent(located) else {
            return;
        };
        let parent = parent_at.node;
        let parent_kind = kind(parent);
        let node_kind = kind(node);
        if node_kind == Kind::ScopedIdentifier {
            match parent_kind {
                Kind::ScopedIdentifier | Kind::ScopedTypeIdentifier
                    if field_is(parent, FieldName::Path, node) =>
                {
                    return;
                }
                Kind::UseDeclaration
                | Kind::ScopedUseList
                | Kind::UseAsClause
                | Kind::UseWildcard
                | Kind::UseList
                | Kind::MacroInvocation
                | Kind::VisibilityModifier
                | Kind::TokenTree
                | Kind::Attribute => return,
                _ => {}
            }
            let kind = if is_call_callee(node, parent_at, origin) {
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
        if node_kind == Kind::ShorthandFieldIdentifier {
            if parent_kind == Kind::FieldPattern {
                let value = destructured_value(located, origin);
                self.binding(located, origin, None, value);
            }
            return;
        }

        // A single identifier.
        match parent_kind {
            Kind::ScopedIdentifier
            | Kind::ScopedTypeIdentifier
            | Kind::ScopedUseList
            | Kind::UseList
            | Kind::UseAsClause
            | Kind::UseWildcard
            | Kind::UseDeclaration
            | Kind::ExternCrateDeclaration
            | Kind::TokenTree
            | Kind::Attribute
            | Kind::Lifetime
            | Kind::Label
            | Kind::VisibilityModifier
            | Kind::MacroInvocation
            | Kind::MacroDefinition
            | Kind::ModItem
            | Kind::EnumVariant
            | Kind::TokenTreePattern
            | Kind::TokenRepetition
            | Kind::TokenBindingPattern
            | Kind::BreakExpression
            | Kind::ContinueExpression
            | Kind::FieldPattern
            | Kind::MetaItem => {
                if parent_kind == Kind::FieldPattern && field_is(parent, FieldName::Pattern, node) {
                    let value = destructured_value(located, origin);
                    self.binding(located, origin, None, value);
                }
                return;
            }
            Kind::FunctionItem
            | Kind::FunctionSignatureItem
            | Kind::ConstItem
            | Kind::StaticItem
            | Kind::TypeItem
                if field_is(parent, FieldName::Name, node) =>
            {
                return;
            }
            _ => {}
        }
        if let Some(kind) = self.binding_position(located, parent_at, origin) {
            if kind == RefKind::Pattern {
                self.push_ref(node, origin, RefKind::Pattern);
            }
            return;
        }
        let kind = if is_call_callee(node, parent_at, origin) {
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
        located: Located<'s>,
        parent_at: Located<'s>,
        origin: Origin<'s>,
    ) -> Option<RefKind> {
        let node = located.node;
        let parent = parent_at.node;
        let capitalised = origin
            .text(node)
            .starts_with(|c: char| c.is_ascii_uppercase());
        match kind(parent) {
            Kind::LetDeclaration if field_is(parent, FieldName::Pattern, node) => {
                let ty = child(parent, FieldName::Type).map(|t| ty_of(t, origin.source, 0));
                let value = child(parent, FieldName::Value)
                    .map_or_else(Value::unknown, |v| value_of(v, origin.source));
                self.binding_at(node, origin, ty, value, parent.end_byte());
                Some(RefKind::Value)
            }
            Kind::Parameter if field_is(parent, FieldName::Pattern, node) => {
                let ty = child(parent, FieldName::Type).map(|t| ty_of(t, origin.source, 0));
                self.binding(located, origin, ty, Value::unknown());
                Some(RefKind::Value)
            }
            Kind::ClosureParameters => {
                self.binding(located, origin, None, Value::unknown());
                Some(RefKind::Value)
            }
            Kind::ForExpression if field_is(parent, FieldName::Pattern, node) => {
                let mut value = child(parent, FieldName::Value)
                    .map_or_else(Value::unknown, |v| value_of(v, origin.source));
                value.steps.push(Step::Element);
                self.binding(located, origin, None, value);
                Some(RefKind::Value)
            }
            Kind::LetCondition if field_is(parent, FieldName::Pattern, node) => {
                let value = child(parent, FieldName::Value)
                    .map_or_else(Value::unknown, |v| value_of(v, origin.source));
                self.binding(located, origin, None, value);
                Some(RefKind::Value)
            }
            Kind::TupleStructPattern if !field_is(parent, FieldName::Type, node) => {
                if capitalised {
                    return Some(RefKind::Pattern);
                }
                // `Some(x)` / `Ok(x)` in `if let` or `let .. else`: the
                // unwrapped value.
                let wrapper = child(parent, FieldName::Type).map(|t| origin.text(t));
                let holder = origin.parent(parent_at).map(|h| h.node);
                let source_value = holder.and_then(|h| match kind(h) {
                    Kind::LetCondition | Kind::LetDeclaration
                        if field_is(h, FieldName::Pattern, parent) =>
                    {
                        child(h, FieldName::Value)
                    }
                    _ => None,
                });
                let value = match (wrapper, source_value) {
                    (Some("Some" | "Ok"), Some(v)) => {
                        let mut value = value_of(v, origin.source);
                        value.steps.push(Step::Unwrap);
                        value
                    }
                    _ => destructured_value(located, origin),
                };
                self.binding(located, origin, None, value);
                Some(RefKind::Value)
            }
            Kind::MatchPattern if field_is(parent, FieldName::Condition, node) => None,
            Kind::TuplePattern
            | Kind::SlicePattern
            | Kind::OrPattern
            | Kind::RefPattern
            | Kind::MutPattern
            | Kind::ReferencePattern
            | Kind::MatchPattern
            | Kind::CapturedPattern
            | Kind::RangePattern => {
                if capitalised {
                    return Some(RefKind::Pattern);
                }
                let value = destructured_value(located, origin);
                self.binding(located, origin, None, value);
                Some(RefKind::Value)
            }
            _ => None,
        }
    }

    fn binding<'s>(
        &mut self,
        located: Located<'s>,
        origin: Origin<'s>,
        ty: Option<Ty>,
        value: Value,
    ) {
        let visible_from = binding_visible_from(located, origin);
        self.binding_at(located.node, origin, ty, value, visible_from);
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
    fn visit_type<'s>(&mut self, located: Located<'s>, origin: Origin<'s>) {
        let node = located.node;
        let Some(parent_at) = origin.parent(located) else {
            return;
        };
        let parent = parent_at.node;
        let parent_kind = kind(parent);
        match parent_kind {
            Kind::ScopedTypeIdentifier if kind(node) == Kind::TypeIdentifier => return,
            Kind::StructItem
            | Kind::EnumItem
            | Kind::UnionItem
            | Kind::TraitItem
            | Kind::TypeItem
            | Kind::AssociatedType
            | Kind::TypeParameter
            | Kind::TypeBinding
            | Kind::ConstrainedTypeParameter
                if field_is(parent, FieldName::Name, node) =>
            {
                return;
            }
            Kind::TokenTree | Kind::Attribute | Kind::MacroDefinition | Kind::TokenTreePattern => {
                return;
            }
            _ => {}
        }
        if is_impl_trait(located, origin) {
            return;
        }
        let kind = match parent_kind {
            Kind::StructExpression if field_is(parent, FieldName::Name, node) => {
                RefKind::StructLiteral
            }
            Kind::StructPattern if field_is(parent, FieldName::Type, node) => RefKind::Pattern,
            Kind::TupleStructPattern if field_is(parent, FieldName::Type, node) => RefKind::Pattern,
            _ => RefKind::Type,
        };
        self.push_ref(node, origin, kind);
    }

    /// `x.f` and the callee of `x.m()`.
    fn visit_field<'s>(&mut self, located: Located<'s>, origin: Origin<'s>) {
        let node = located.node;
        let Some(field) = child(node, FieldName::Field) else {
            return;
        };
        let Some(value) = child(node, FieldName::Value) else {
            return;
        };
        let Some(byte) = origin.file_byte(field) else {
            return;
        };
        let receiver = value_of(value, origin.source);
        let name = origin.text(field).to_owned();
        let scope = self.scopes.symbol_at(byte);
        let line = self.lines.line_of(byte);
        let is_call = origin
            .parent(located)
            .is_some_and(|parent_at| is_call_callee(node, parent_at, origin));
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
        let Some(name_node) = child(node, FieldName::Macro) else {
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
            .find(|c| kind(*c) == Kind::TokenTree)
        else {
            return;
        };
        let text = origin.text(tokens);
        if text.len() < 3 || !may_name_anything(text.as_bytes()) {
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

    fn visit_use<'s>(
        &mut self,
        item: Attributed<'s>,
        above_nodes: &[Node<'s>],
        origin: Origin<'s>,
    ) {
        let node = item.node;
        let Some(byte) = origin.file_byte(node) else {
            return;
        };
        let scope = self.scopes.symbol_at(byte);
        let line = self.lines.line_of(byte);
        let (public, restricted) = visibility(node, origin.source);
        let visible = public || restricted;
        let source = origin.source;
        let conditional = has_attribute(node, item.above.of(above_nodes), source, "cfg");

        if kind(node) == Kind::ExternCrateDeclaration {
            let Some(name) = child(node, FieldName::Name) else {
                return;
            };
            let alias = child(node, FieldName::Alias).map(|a| node_text(a, source).to_owned());
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

        let Some(argument) = child(node, FieldName::Argument) else {
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
            match kind(tree) {
                Kind::UseAsClause => {
                    let path = child(tree, FieldName::Path)
                        .map(|p| path_of(p, source).0)
                        .unwrap_or_default();
                    let alias =
                        child(tree, FieldName::Alias).map(|a| node_text(a, source).to_owned());
                    entry(concat(&prefix, path), alias, false);
                }
                Kind::UseWildcard => {
                    let path = tree
                        .named_child(0)
                        .map(|p| path_of(p, source).0)
                        .unwrap_or_default();
                    entry(concat(&prefix, path), None, true);
                }
                Kind::ScopedUseList => {
                    let path = child(tree, FieldName::Path)
                        .map(|p| path_of(p, source).0)
                        .unwrap_or_default();
                    let prefix = concat(&prefix, path);
                    if let Some(list) = child(tree, FieldName::List) {
                        stack.push((list, prefix));
                    }
                }
                Kind::UseList => {
                    let mut cursor = tree.walk();
                    for child in tree.named_children(&mut cursor) {
                        stack.push((child, prefix.clone()));
                    }
                }
                Kind::SelfKeyword if !prefix.is_empty() => entry(prefix, None, false),
                Kind::Identifier
                | Kind::ScopedIdentifier
                | Kind::Crate
                | Kind::Super
                | Kind::SelfKeyword
                | Kind::Metavariable => {
                    entry(concat(&prefix, path_of(tree, source).0), None, false);
                }
                _ => {}
            }
        }
    }

    fn visit_mod<'s>(
        &mut self,
        item: Attributed<'s>,
        above_nodes: &[Node<'s>],
        origin: Origin<'s>,
    ) {
        let node = item.node;
        let above = item.above.of(above_nodes);
        let Some(byte) = origin.file_byte(node) else {
            return;
        };
        let Some(name) = child(node, FieldName::Name) else {
            return;
        };
        let mut paths = Vec::new();
        for attr in attributes_above(node, above, origin.source) {
            paths.extend(path_attributes(attr, origin.source));
        }
        paths.reverse();
        self.facts.mods.push(ModDecl {
            scope: self.scopes.symbol_at(byte),
            name: origin.text(name).to_owned(),
            paths,
            macro_use: has_attribute(node, above, origin.source, "macro_use"),
            test_only: has_test_only_cfg(node, above, origin.source),
            byte,
            line: self.lines.line_of(byte),
        });
    }
}

/// Returns where a name bound by a pattern becomes visible: after the whole `let`
/// or `if let` condition (its value may use an outer binding of the same
/// name), at the body of a `for`, else right after the name.
fn binding_visible_from<'s>(located: Located<'s>, origin: Origin<'s>) -> usize {
    let node = located.node;
    let mut current = located;
    while let Some(parent_at) = origin.parent(current) {
        let parent = parent_at.node;
        match kind(parent) {
            Kind::TuplePattern
            | Kind::SlicePattern
            | Kind::OrPattern
            | Kind::RefPattern
            | Kind::MutPattern
            | Kind::ReferencePattern
            | Kind::CapturedPattern
            | Kind::TupleStructPattern
            | Kind::StructPattern
            | Kind::FieldPattern => current = parent_at,
            Kind::LetDeclaration | Kind::LetCondition => return parent.end_byte(),
            Kind::ForExpression => {
                return child(parent, FieldName::Body).map_or(node.end_byte(), |b| b.start_byte());
            }
            _ => return node.end_byte(),
        }
    }
    node.end_byte()
}

/// Returns the value of a name bound inside `Path(.., name, ..)` or
/// `Path { field: name }` / `Path { name }`: that field of what the path
/// names. Unknown for other patterns.
fn destructured_value<'s>(located: Located<'s>, origin: Origin<'s>) -> Value {
    let source = origin.source;
    let mut child_node = located.node;
    let Some(mut parent_at) = origin.parent(located) else {
        return Value::unknown();
    };
    while matches!(
        kind(parent_at.node),
        Kind::RefPattern | Kind::MutPattern | Kind::ReferencePattern | Kind::CapturedPattern
    ) {
        child_node = parent_at.node;
        let Some(next) = origin.parent(parent_at) else {
            return Value::unknown();
        };
        parent_at = next;
    }
    let parent = parent_at.node;
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
    match kind(parent) {
        Kind::TupleStructPattern => {
            let type_node = child(parent, FieldName::Type);
            let mut position = 0usize;
            let mut cursor = parent.walk();
            for sub in parent.named_children(&mut cursor) {
                if type_node.is_some_and(|t| t.id() == sub.id()) || sub.kind().ends_with("comment")
                {
                    continue;
                }
                if sub.id() == child_node.id() {
                    return destructure(type_node, position.to_string());
                }
                if kind(sub) == Kind::RemainingFieldPattern {
                    return Value::unknown();
                }
                position += 1;
            }
            Value::unknown()
        }
        Kind::FieldPattern => {
            let field = child(parent, FieldName::Name).map(|n| node_text(n, source).to_owned());
            let type_node = origin
                .parent(parent_at)
                .and_then(|p| child(p.node, FieldName::Type));
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

/// Returns the attribute items directly above an item, nearest first, from
/// `above`: the attribute items and comments directly above it.
fn attributes_above<'a, 't>(
    node: Node<'t>,
    above: &'a [Node<'t>],
    source: &[u8],
) -> impl Iterator<Item = Node<'t>> + 'a {
    let found = !above.is_empty()
        && may_follow_attribute_or_comment(&source[..node.start_byte().min(source.len())]);
    let above = if found { above } else { &[] };
    above
        .iter()
        .rev()
        .copied()
        .filter(|sibling| kind(*sibling) == Kind::AttributeItem)
}

/// True when an attribute above the item starts with `name`
/// (`macro_export`, `cfg`).
fn has_attribute(node: Node<'_>, above: &[Node<'_>], source: &[u8], name: &str) -> bool {
    attributes_above(node, above, source).any(|attr| {
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
fn has_test_attribute(node: Node<'_>, above: &[Node<'_>], source: &[u8]) -> bool {
    attributes_above(node, above, source).any(|attr| {
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
fn has_test_only_cfg(node: Node<'_>, above: &[Node<'_>], source: &[u8]) -> bool {
    attributes_above(node, above, source).any(|attr| cfg_requires_test(node_text(attr, source)))
}

/// True when a `#![cfg(..)]` at the top of the file is true only in test
/// builds.
fn file_is_test_only(root: Node<'_>, source: &[u8]) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|child| kind(*child) == Kind::InnerAttributeItem)
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
        .find(|c| kind(*c) == Kind::Attribute)
    else {
        return out;
    };
    let Some(head) = attr.named_child(0) else {
        return out;
    };
    match node_text(head, source) {
        "path" => {
            if let Some(value) = child(attr, FieldName::Value) {
                out.extend(string_literal_value(value, source));
            }
        }
        "cfg_attr" => {
            let Some(tokens) = child(attr, FieldName::Arguments) else {
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
    if kind(node) != Kind::StringLiteral && kind(node) != Kind::RawStringLiteral {
        return None;
    }
    let mut cursor = node.walk();
    let content = node
        .named_children(&mut cursor)
        .find(|c| kind(*c) == Kind::StringContent);
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
        match kind(current) {
            Kind::FieldExpression => {
                let (Some(field), Some(value)) = (
                    child(current, FieldName::Field),
                    child(current, FieldName::Value),
                ) else {
                    break ValueBase::Unknown;
                };
                steps.push(Step::Field(node_text(field, source).to_owned()));
                current = value;
            }
            Kind::CallExpression => {
                let Some(mut function) = child(current, FieldName::Function) else {
                    break ValueBase::Unknown;
                };
                if kind(function) == Kind::GenericFunction {
                    match child(function, FieldName::Function) {
                        Some(inner) if kind(inner) == Kind::FieldExpression => function = inner,
                        _ => {}
                    }
                }
                match kind(function) {
                    Kind::FieldExpression => {
                        let (Some(field), Some(value)) = (
                            child(function, FieldName::Field),
                            child(function, FieldName::Value),
                        ) else {
                            break ValueBase::Unknown;
                        };
                        steps.push(Step::Method(node_text(field, source).to_owned()));
                        current = value;
                    }
                    Kind::Identifier | Kind::ScopedIdentifier | Kind::GenericFunction => {
                        break ValueBase::Call(path_of(function, source).0);
                    }
                    _ => break ValueBase::Unknown,
                }
            }
            Kind::TryExpression => {
                steps.push(Step::Unwrap);
                let Some(inner) = current.named_child(0) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            Kind::IndexExpression => {
                steps.push(Step::Element);
                let Some(inner) = current.named_child(0) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            Kind::AwaitExpression | Kind::ParenthesizedExpression | Kind::UnaryExpression => {
                let Some(inner) = current.named_child(0) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            Kind::ReferenceExpression => {
                let Some(inner) = child(current, FieldName::Value) else {
                    break ValueBase::Unknown;
                };
                current = inner;
            }
            Kind::Identifier => break ValueBase::Name(node_text(current, source).to_owned()),
            Kind::SelfKeyword => break ValueBase::Name("self".to_owned()),
            Kind::ScopedIdentifier => break ValueBase::Path(path_of(current, source).0),
            Kind::StructExpression => {
                let Some(name) = child(current, FieldName::Name) else {
                    break ValueBase::Unknown;
                };
                break ValueBase::Struct(path_of(name, source).0);
            }
            Kind::TypeCastExpression => {
                let ty =
                    child(current, FieldName::Type).map_or(Ty::Unknown, |t| ty_of(t, source, 0));
                break ValueBase::Typed(ty);
            }
            _ => break ValueBase::Unknown,
        }
    };
    steps.reverse();
    Value { base, steps }
}

/// True when the node is the callee of a call, directly or with a turbofish.
fn is_call_callee<'s>(node: Node<'s>, parent_at: Located<'s>, origin: Origin<'s>) -> bool {
    let parent = parent_at.node;
    match kind(parent) {
        Kind::CallExpression => field_is(parent, FieldName::Function, node),
        Kind::GenericFunction => {
            field_is(parent, FieldName::Function, node)
                && origin.parent(parent_at).is_some_and(|g| {
                    kind(g.node) == Kind::CallExpression
                        && field_is(g.node, FieldName::Function, parent)
                })
        }
        _ => false,
    }
}

fn is_pattern_path(node: Node<'_>, parent: Node<'_>) -> bool {
    match kind(parent) {
        Kind::TupleStructPattern | Kind::StructPattern => field_is(parent, FieldName::Type, node),
        Kind::MatchPattern => !field_is(parent, FieldName::Condition, node),
        Kind::OrPattern
        | Kind::TuplePattern
        | Kind::SlicePattern
        | Kind::RefPattern
        | Kind::ReferencePattern
        | Kind::CapturedPattern
        | Kind::RangePattern
        | Kind::FieldPattern => true,
        _ => false,
    }
}

/// True for the trait of an impl header (`impl Trait for T`), which the
/// resolver links through the impl header instead.
fn is_impl_trait<'s>(located: Located<'s>, origin: Origin<'s>) -> bool {
    let mut current = located;
    for _ in 0..3 {
        let Some(parent_at) = origin.parent(current) else {
            return false;
        };
        let parent = parent_at.node;
        match kind(parent) {
            Kind::ImplItem => return field_is(parent, FieldName::Trait, current.node),
            Kind::GenericType if field_is(parent, FieldName::Type, current.node) => {
                current = parent_at;
            }
            _ => return false,
        }
    }
    false
}

/// Returns the start of the first attribute or doc comment directly above an item, so that a
/// changed `#[derive]` or `#[cfg]` line maps to the item.
/// `above` contains the attribute items and comments directly above the item.
pub(super) fn span_start(node: Node<'_>, above: &[Node<'_>], source: &[u8]) -> usize {
    let mut start = node.start_byte();
    if above.is_empty() || !may_follow_attribute_or_comment(&source[..start.min(source.len())]) {
        return start;
    }
    for &prev in above.iter().rev() {
        let is_attribute = kind(prev) == Kind::AttributeItem;
        let is_doc = matches!(kind(prev), Kind::LineComment | Kind::BlockComment)
            && child(prev, FieldName::Doc).is_some()
            && child(prev, FieldName::Outer).is_some();
        if !is_attribute && !is_doc {
            break;
        }
        start = prev.start_byte();
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

fn span_of(node: Node<'_>, above: &[Node<'_>], start_byte: usize) -> Span {
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
    .with_start_line(node, above, start_byte)
}

trait WithStartLine {
    fn with_start_line(self, node: Node<'_>, above: &[Node<'_>], start_byte: usize) -> Self;
}

impl WithStartLine for Span {
    /// Sets the start line from the start byte, which may lie on an
    /// attribute line above the item node. `above` contains the attribute
    /// items and comments directly above the item.
    fn with_start_line(mut self, node: Node<'_>, above: &[Node<'_>], start_byte: usize) -> Span {
        let mut line = node.start_position().row;
        for prev in above.iter().rev() {
            if prev.start_byte() < start_byte {
                break;
            }
            line = prev.start_position().row;
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
    fn macro_arguments_of_strings_alone_name_nothing() {
        let cases = [
            (r#"("no value")"#, false),
            (r#"("a {}", "b\"c", 1 + 2)"#, false),
            (r#"["x"; 3]"#, false),
            (r#"("\"", check())"#, true),
            (r#"('"', check)"#, true),
            (r#"(/* " */ check /* " */)"#, true),
            (r#"(r"raw")"#, true),
            (r#"("open)"#, true),
            ("(_)", true),
            ("(名前)", true),
            ("(1u8)", true),
        ];
        for (text, expected) in cases {
            assert_eq!(may_name_anything(text.as_bytes()), expected, "{text}");
        }
    }
}
