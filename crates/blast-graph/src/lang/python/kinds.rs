//! Node kinds and field ids of the Python grammar, looked up once when the
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
    ArgumentList = "argument_list",
    AsPattern = "as_pattern",
    AsPatternTarget = "as_pattern_target",
    Assignment = "assignment",
    AugmentedAssignment = "augmented_assignment",
    AliasedImport = "aliased_import",
    Attribute = "attribute",
    Block = "block",
    Call = "call",
    CaseClause = "case_clause",
    ClassDefinition = "class_definition",
    DecoratedDefinition = "decorated_definition",
    Decorator = "decorator",
    DefaultParameter = "default_parameter",
    DictionarySplatPattern = "dictionary_splat_pattern",
    DottedName = "dotted_name",
    ElifClause = "elif_clause",
    ElseClause = "else_clause",
    ExceptClause = "except_clause",
    ExceptGroupClause = "except_group_clause",
    ExpressionStatement = "expression_statement",
    FinallyClause = "finally_clause",
    ForInClause = "for_in_clause",
    ForStatement = "for_statement",
    FunctionDefinition = "function_definition",
    GlobalStatement = "global_statement",
    Identifier = "identifier",
    IfStatement = "if_statement",
    ImportFromStatement = "import_from_statement",
    ImportStatement = "import_statement",
    KeywordArgument = "keyword_argument",
    KeywordPattern = "keyword_pattern",
    LambdaParameters = "lambda_parameters",
    ListPattern = "list_pattern",
    ListSplatPattern = "list_splat_pattern",
    MatchStatement = "match_statement",
    Module = "module",
    NamedExpression = "named_expression",
    NonlocalStatement = "nonlocal_statement",
    Parameters = "parameters",
    PatternList = "pattern_list",
    RelativeImport = "relative_import",
    ReturnStatement = "return_statement",
    TryStatement = "try_statement",
    TuplePattern = "tuple_pattern",
    Type = "type",
    TypedDefaultParameter = "typed_default_parameter",
    TypedParameter = "typed_parameter",
    TypeParameter = "type_parameter",
    WhileStatement = "while_statement",
    WithItem = "with_item",
    WithStatement = "with_statement",
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
    Attribute = "attribute",
    Condition = "condition",
    Consequence = "consequence",
    Function = "function",
    Left = "left",
    Name = "name",
    Object = "object",
    ReturnType = "return_type",
    Right = "right",
    Type = "type",
    Value = "value",
}

/// The kind of each grammar symbol by kind id, whether its name ends in
/// `statement`, and the id of each [`FieldName`].
struct Table {
    kinds: Box<[Kind]>,
    statements: Box<[bool]>,
    fields: Box<[u16]>,
}

static TABLE: OnceLock<Table> = OnceLock::new();

/// Builds the table for `language`. Later calls keep the first table.
/// [`super::config`] calls it when the grammar loads.
pub(super) fn init(language: &Language) {
    TABLE.get_or_init(|| {
        let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
        let names: Vec<Option<&str>> = (0..count).map(|id| language.node_kind_for_id(id)).collect();
        let kinds = names
            .iter()
            .map(|name| name.map_or(Kind::Other, Kind::from_name))
            .collect();
        let statements = names
            .iter()
            .map(|name| name.is_some_and(|name| name.ends_with("statement")))
            .collect();
        // An id of 0 is no field: `child_by_field_id` then finds no child,
        // as `child_by_field_name` does for a name the grammar lacks.
        let fields = FIELD_NAMES
            .iter()
            .map(|name| language.field_id_for_name(name).map_or(0, |id| id.get()))
            .collect();
        Table {
            kinds,
            statements,
            fields,
        }
    });
}

fn table() -> &'static Table {
    TABLE
        .get()
        .expect("python::config() builds the kind table before extraction")
}

/// Returns the kind of a node.
pub(super) fn kind(node: Node<'_>) -> Kind {
    table()
        .kinds
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or(Kind::Other)
}

/// True when the node's kind name ends in `statement`.
pub(super) fn is_statement(node: Node<'_>) -> bool {
    table()
        .statements
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or(false)
}

/// Returns the id of a field, or 0 when the grammar has no such field.
pub(super) fn field_id(field: FieldName) -> u16 {
    table().fields[field as usize]
}

/// Returns the first child of `node` in `field`.
pub(super) fn child<'t>(node: Node<'t>, field: FieldName) -> Option<Node<'t>> {
    node.child_by_field_id(field_id(field))
}

/// True when `child` is the first child of `parent` in `field`.
pub(super) fn field_is(parent: Node<'_>, field: FieldName, child: Node<'_>) -> bool {
    self::child(parent, field).is_some_and(|c| c.id() == child.id())
}
