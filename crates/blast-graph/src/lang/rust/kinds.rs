//! Node kinds and field ids of the Rust grammar, looked up once when the
//! grammar loads, so that extraction compares small integers instead of
//! kind names and finds children by field id instead of by field name.
//!
//! A kind here stands for every grammar symbol with that name, named or
//! anonymous, so `kind(node) == Kind::X` is true exactly when
//! `node.kind() == "x"`.

use std::sync::OnceLock;

use tree_sitter::{Language, Node};

/// Defines [`Kind`] with the grammar's name of each variant.
macro_rules! kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// The node kinds that extraction distinguishes. Every other kind
        /// is [`Kind::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum Kind {
            $($variant,)*
            Other,
        }

        impl Kind {
            fn from_name(name: &str) -> Kind {
                match name {
                    $($name => Kind::$variant,)*
                    _ => Kind::Other,
                }
            }
        }
    };
}

kinds! {
    AbstractType = "abstract_type",
    ArrayType = "array_type",
    AssociatedType = "associated_type",
    Attribute = "attribute",
    AttributeItem = "attribute_item",
    AwaitExpression = "await_expression",
    Bang = "!",
    Block = "block",
    BlockComment = "block_comment",
    BoundedType = "bounded_type",
    BracketedType = "bracketed_type",
    BreakExpression = "break_expression",
    CallExpression = "call_expression",
    CapturedPattern = "captured_pattern",
    ClosureParameters = "closure_parameters",
    ConstItem = "const_item",
    ConstrainedTypeParameter = "constrained_type_parameter",
    ContinueExpression = "continue_expression",
    Crate = "crate",
    DeclarationList = "declaration_list",
    DynamicType = "dynamic_type",
    EnumItem = "enum_item",
    EnumVariant = "enum_variant",
    ExternCrateDeclaration = "extern_crate_declaration",
    FieldDeclaration = "field_declaration",
    FieldDeclarationList = "field_declaration_list",
    FieldExpression = "field_expression",
    FieldPattern = "field_pattern",
    ForExpression = "for_expression",
    FunctionItem = "function_item",
    FunctionSignatureItem = "function_signature_item",
    FunctionType = "function_type",
    GenericFunction = "generic_function",
    GenericType = "generic_type",
    GenericTypeWithTurbofish = "generic_type_with_turbofish",
    HigherRankedTraitBound = "higher_ranked_trait_bound",
    Identifier = "identifier",
    ImplItem = "impl_item",
    IndexExpression = "index_expression",
    InnerAttributeItem = "inner_attribute_item",
    Label = "label",
    LetCondition = "let_condition",
    LetDeclaration = "let_declaration",
    Lifetime = "lifetime",
    LineComment = "line_comment",
    MacroDefinition = "macro_definition",
    MacroInvocation = "macro_invocation",
    MacroRule = "macro_rule",
    MatchPattern = "match_pattern",
    MetaItem = "meta_item",
    Metavariable = "metavariable",
    ModItem = "mod_item",
    MutPattern = "mut_pattern",
    OrPattern = "or_pattern",
    OrderedFieldDeclarationList = "ordered_field_declaration_list",
    Parameter = "parameter",
    ParenthesizedExpression = "parenthesized_expression",
    PointerType = "pointer_type",
    PrimitiveType = "primitive_type",
    QualifiedType = "qualified_type",
    RangePattern = "range_pattern",
    RawStringLiteral = "raw_string_literal",
    ReferenceExpression = "reference_expression",
    ReferencePattern = "reference_pattern",
    ReferenceType = "reference_type",
    RefPattern = "ref_pattern",
    RemainingFieldPattern = "remaining_field_pattern",
    ScopedIdentifier = "scoped_identifier",
    ScopedTypeIdentifier = "scoped_type_identifier",
    ScopedUseList = "scoped_use_list",
    SelfKeyword = "self",
    SelfParameter = "self_parameter",
    ShorthandFieldIdentifier = "shorthand_field_identifier",
    SlicePattern = "slice_pattern",
    StaticItem = "static_item",
    StringContent = "string_content",
    StringLiteral = "string_literal",
    StructExpression = "struct_expression",
    StructItem = "struct_item",
    StructPattern = "struct_pattern",
    Super = "super",
    TokenBindingPattern = "token_binding_pattern",
    TokenRepetition = "token_repetition",
    TokenTree = "token_tree",
    TokenTreePattern = "token_tree_pattern",
    TraitItem = "trait_item",
    TryExpression = "try_expression",
    TuplePattern = "tuple_pattern",
    TupleStructPattern = "tuple_struct_pattern",
    TypeBinding = "type_binding",
    TypeCastExpression = "type_cast_expression",
    TypeIdentifier = "type_identifier",
    TypeItem = "type_item",
    TypeParameter = "type_parameter",
    UnaryExpression = "unary_expression",
    UnionItem = "union_item",
    UseAsClause = "use_as_clause",
    UseDeclaration = "use_declaration",
    UseList = "use_list",
    UseWildcard = "use_wildcard",
    VisibilityModifier = "visibility_modifier",
    WhereClause = "where_clause",
}

/// Defines [`FieldName`] with the grammar's name of each variant.
macro_rules! fields {
    ($($variant:ident = $name:literal,)*) => {
        /// The field names that extraction looks children up by.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum FieldName {
            $($variant,)*
        }

        const FIELD_NAMES: &[&str] = &[$($name,)*];
    };
}

fields! {
    Alias = "alias",
    Argument = "argument",
    Arguments = "arguments",
    Body = "body",
    Bounds = "bounds",
    Condition = "condition",
    Doc = "doc",
    Element = "element",
    Field = "field",
    Function = "function",
    Left = "left",
    List = "list",
    Macro = "macro",
    Name = "name",
    Outer = "outer",
    Parameters = "parameters",
    Path = "path",
    Pattern = "pattern",
    ReturnType = "return_type",
    Right = "right",
    Trait = "trait",
    Type = "type",
    TypeArguments = "type_arguments",
    TypeParameters = "type_parameters",
    Value = "value",
}

/// The kind of each grammar symbol, by kind id, and the id of each
/// [`FieldName`].
struct Table {
    kinds: Box<[Kind]>,
    fields: Box<[u16]>,
}

static TABLE: OnceLock<Table> = OnceLock::new();

/// Builds the table for `language`; later calls keep the first table.
/// [`super::config`] calls it when the grammar loads.
pub(super) fn init(language: &Language) {
    TABLE.get_or_init(|| {
        let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
        let kinds = (0..count)
            .map(|id| {
                language
                    .node_kind_for_id(id)
                    .map_or(Kind::Other, Kind::from_name)
            })
            .collect();
        // An id of 0 is no field: `child_by_field_id` then finds no child,
        // as `child_by_field_name` does for a name the grammar lacks.
        let fields = FIELD_NAMES
            .iter()
            .map(|name| language.field_id_for_name(name).map_or(0, |id| id.get()))
            .collect();
        Table { kinds, fields }
    });
}

fn table() -> &'static Table {
    TABLE
        .get()
        .expect("rust::config() builds the kind table before extraction")
}

/// Returns the kind of a node.
pub(super) fn kind(node: Node<'_>) -> Kind {
    table()
        .kinds
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or(Kind::Other)
}

/// Returns the first child of `node` in `field`.
pub(super) fn child<'t>(node: Node<'t>, field: FieldName) -> Option<Node<'t>> {
    node.child_by_field_id(table().fields[field as usize])
}

/// True when `child` is the first child of `parent` in `field`.
pub(super) fn field_is(parent: Node<'_>, field: FieldName, child: Node<'_>) -> bool {
    self::child(parent, field).is_some_and(|c| c.id() == child.id())
}
