; Local variables and type parameters in Java, for blast.
;
; Grammar: tree-sitter-java 0.23.5 (pinned in the workspace Cargo.toml).
; Vocabulary: tree-sitter's locals.scm captures. Each `@local.definition`
; node declares one or more names whose declared type (or initialiser, for
; `var`) the resolver uses to type method receivers; the extractor derives
; each name's visible range from the enclosing block. Record components are
; fields, not locals, so formal parameters of a record header are skipped in
; Rust.

(local_variable_declaration) @local.definition

(formal_parameter) @local.definition

(spread_parameter) @local.definition

(catch_formal_parameter) @local.definition

(enhanced_for_statement) @local.definition

(resource
  name: (_)) @local.definition

; `x instanceof Foo f`; the extractor skips tests without a name (the
; name follows a possibly deep operand, so the pattern does not require it).
(instanceof_expression) @local.definition

(type_pattern) @local.definition

(record_pattern_component) @local.definition

; Untyped lambda parameters: `x -> ...` and `(x, y) -> ...`.
(lambda_expression
  parameters: (identifier)) @local.definition

(inferred_parameters) @local.definition

(type_parameter) @local.type_parameter
