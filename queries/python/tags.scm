; Definitions and references in Python, for blast.
;
; Grammar: tree-sitter-python 0.25.0 (pinned in the workspace Cargo.toml).
; Vocabulary: the tags.scm captures of tree-sitter's code navigation
; (`@definition.<kind>`, `@reference.<kind>`, `@name`). blast's extractor
; reads the captured nodes and decides scope and context in Rust, so these
; patterns stay close to the grammar's own tags.scm.

;;; Definitions

(class_definition
  name: (identifier) @name) @definition.class

(function_definition
  name: (identifier) @name) @definition.function

; Assignments to a plain name. The extractor keeps those at module level
; (constants, `__all__`) and in class bodies (class attributes), also inside
; `if`, `try` and `with` blocks, and drops those in function bodies.
(expression_statement
  (assignment
    left: (identifier) @name) @definition.constant)

;;; References

; Every name and attribute chain in load position. The extractor keeps the
; outermost node of each chain (`a.b.c`, not `a.b`) and drops names in store
; position (assignment targets, parameters, keyword argument names).
(identifier) @name @reference.name

(attribute) @name @reference.attribute
