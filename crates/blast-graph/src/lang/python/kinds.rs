//! The node kinds and field ids of the Python grammar that extraction reads
//! (see [`crate::lang::kinds`]).

crate::lang::kinds::grammar_kinds! {
    language = "python";
    kinds {
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
    fields {
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
}

/// True when the node's kind name ends in `statement`.
pub(super) fn is_statement(node: Node<'_>) -> bool {
    node.kind().ends_with("statement")
}
