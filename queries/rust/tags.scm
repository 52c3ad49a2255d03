; Definitions and references in Rust source, for tree-sitter-rust 0.24.2.
;
; Definitions capture the item node as @definition.<kind> and its name as
; @name. Impl blocks have no name: the extractor builds one from the self
; type and the trait (`<Type as Trait>`). A `mod name;` declaration without a
; body is captured as @reference.module, because its items live in another
; file.
;
; References capture the outermost node of a path (`a::b::c`), every
; identifier and type identifier, field expressions (`x.f`, also the callee
; of a method call), macro invocations and use declarations. The extractor
; decides from the parent node whether a capture is a call, a type, a value,
; a pattern, a binding or not a reference at all, and skips the inner parts
; of a path. Shorthand field names are captured for the names they bind in
; patterns (`Point { x, .. }`).

; Items

(mod_item
  name: (identifier) @name
  body: (declaration_list)) @definition.module

(mod_item
  name: (identifier) @name
  !body) @reference.module

(function_item
  name: (identifier) @name) @definition.function

(function_signature_item
  name: (identifier) @name) @definition.function

(struct_item
  name: (type_identifier) @name) @definition.struct

(union_item
  name: (type_identifier) @name) @definition.struct

(enum_item
  name: (type_identifier) @name) @definition.enum

(trait_item
  name: (type_identifier) @name) @definition.trait

(impl_item) @definition.impl

(const_item
  name: (identifier) @name) @definition.constant

(static_item
  name: (identifier) @name) @definition.static

(type_item
  name: (type_identifier) @name) @definition.type

(associated_type
  name: (type_identifier) @name) @definition.type

(macro_definition
  name: (identifier) @name) @definition.macro

; References

(identifier) @reference.name

(scoped_identifier) @reference.name

(shorthand_field_identifier) @reference.name

(type_identifier) @reference.type

(scoped_type_identifier) @reference.type

(field_expression) @reference.field

(macro_invocation) @reference.macro

(use_declaration) @reference.use

(extern_crate_declaration) @reference.use
