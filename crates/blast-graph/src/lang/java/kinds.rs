//! Node kinds and field ids of the Java grammar, looked up once when the
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
    Annotation = "annotation",
    AnnotatedType = "annotated_type",
    AnnotationTypeDeclaration = "annotation_type_declaration",
    AnnotationTypeElementDeclaration = "annotation_type_element_declaration",
    ArrayAccess = "array_access",
    ArrayCreationExpression = "array_creation_expression",
    ArrayType = "array_type",
    BinaryExpression = "binary_expression",
    BinaryIntegerLiteral = "binary_integer_literal",
    Block = "block",
    BlockComment = "block_comment",
    BooleanType = "boolean_type",
    BreakStatement = "break_statement",
    CastExpression = "cast_expression",
    CatchFormalParameter = "catch_formal_parameter",
    CharacterLiteral = "character_literal",
    ClassBody = "class_body",
    ClassDeclaration = "class_declaration",
    ClassLiteral = "class_literal",
    CompactConstructorDeclaration = "compact_constructor_declaration",
    ConstantDeclaration = "constant_declaration",
    ConstructorBody = "constructor_body",
    ConstructorDeclaration = "constructor_declaration",
    ContinueStatement = "continue_statement",
    DecimalFloatingPointLiteral = "decimal_floating_point_literal",
    DecimalIntegerLiteral = "decimal_integer_literal",
    DimensionsExpr = "dimensions_expr",
    ElementValuePair = "element_value_pair",
    EnhancedForStatement = "enhanced_for_statement",
    EnumConstant = "enum_constant",
    EnumDeclaration = "enum_declaration",
    ExplicitConstructorInvocation = "explicit_constructor_invocation",
    ExportsModuleDirective = "exports_module_directive",
    ExtendsInterfaces = "extends_interfaces",
    False = "false",
    FieldAccess = "field_access",
    FieldDeclaration = "field_declaration",
    FloatingPointType = "floating_point_type",
    FormalParameter = "formal_parameter",
    FormalParameters = "formal_parameters",
    GenericType = "generic_type",
    HexFloatingPointLiteral = "hex_floating_point_literal",
    HexIntegerLiteral = "hex_integer_literal",
    Identifier = "identifier",
    ImportDeclaration = "import_declaration",
    InferredParameters = "inferred_parameters",
    InstanceofExpression = "instanceof_expression",
    IntegralType = "integral_type",
    InterfaceDeclaration = "interface_declaration",
    LabeledStatement = "labeled_statement",
    LambdaExpression = "lambda_expression",
    LineComment = "line_comment",
    LocalVariableDeclaration = "local_variable_declaration",
    MarkerAnnotation = "marker_annotation",
    MethodDeclaration = "method_declaration",
    MethodInvocation = "method_invocation",
    MethodReference = "method_reference",
    ModuleDeclaration = "module_declaration",
    NullLiteral = "null_literal",
    ObjectCreationExpression = "object_creation_expression",
    OctalIntegerLiteral = "octal_integer_literal",
    OpensModuleDirective = "opens_module_directive",
    PackageDeclaration = "package_declaration",
    ParenthesizedExpression = "parenthesized_expression",
    Program = "program",
    ProvidesModuleDirective = "provides_module_directive",
    ReceiverParameter = "receiver_parameter",
    RecordDeclaration = "record_declaration",
    RecordPattern = "record_pattern",
    RecordPatternComponent = "record_pattern_component",
    RequiresModuleDirective = "requires_module_directive",
    Resource = "resource",
    ScopedIdentifier = "scoped_identifier",
    ScopedTypeIdentifier = "scoped_type_identifier",
    SpreadParameter = "spread_parameter",
    StaticInitializer = "static_initializer",
    StringLiteral = "string_literal",
    Super = "super",
    SuperInterfaces = "super_interfaces",
    Superclass = "superclass",
    SwitchBlockStatementGroup = "switch_block_statement_group",
    SwitchExpression = "switch_expression",
    SwitchLabel = "switch_label",
    SwitchRule = "switch_rule",
    TernaryExpression = "ternary_expression",
    This = "this",
    True = "true",
    TypeArguments = "type_arguments",
    TypeIdentifier = "type_identifier",
    TypeList = "type_list",
    TypeParameter = "type_parameter",
    TypePattern = "type_pattern",
    UnaryExpression = "unary_expression",
    UsesModuleDirective = "uses_module_directive",
    VariableDeclarator = "variable_declarator",
    VoidType = "void_type",
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
    Alternative = "alternative",
    Arguments = "arguments",
    Array = "array",
    Condition = "condition",
    Consequence = "consequence",
    Constructor = "constructor",
    Declarator = "declarator",
    Dimensions = "dimensions",
    Element = "element",
    Field = "field",
    Key = "key",
    Left = "left",
    Name = "name",
    Object = "object",
    Operand = "operand",
    Operator = "operator",
    Parameters = "parameters",
    Right = "right",
    Type = "type",
}

/// The kind of each grammar symbol, by kind id, and the id of each
/// [`FieldName`].
struct Table {
    kinds: Box<[Kind]>,
    fields: Box<[u16]>,
}

static TABLE: OnceLock<Table> = OnceLock::new();

/// Builds the table for `language`. Later calls keep the first table.
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
        .expect("java::config() builds the kind table before extraction")
}

/// Returns the kind of a node.
pub(super) fn kind(node: Node<'_>) -> Kind {
    table()
        .kinds
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or(Kind::Other)
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
