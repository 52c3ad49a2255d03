; Definitions and references in Java, for blast.
;
; Grammar: tree-sitter-java 0.23.5 (pinned in the workspace Cargo.toml).
; Vocabulary: the tags.scm captures of tree-sitter's code navigation
; (`@definition.<kind>`, `@reference.<kind>`, `@name`). The patterns find
; the sites; blast's extractor reads the captured nodes (parameter types,
; receivers, arguments) and decides scope and context in Rust.
;
; Patterns capture no child that follows a possibly deep subtree (the name
; of `a.b().c()` comes after its receiver): tree-sitter keeps one pending
; match per nesting level until such a child arrives, which makes a 20,000
; call chain take seconds instead of milliseconds. The extractor reads
; those children from the captured node instead.

;;; Definitions

(package_declaration
  [(identifier) (scoped_identifier)] @name) @definition.package

(class_declaration
  name: (identifier) @name) @definition.class

(interface_declaration
  name: (identifier) @name) @definition.interface

(enum_declaration
  name: (identifier) @name) @definition.enum

(record_declaration
  name: (identifier) @name) @definition.record

(annotation_type_declaration
  name: (identifier) @name) @definition.annotation

; An anonymous class is its body; the extractor keeps the bodies whose
; parent is an `object_creation_expression`, whose type names the class.
(class_body) @definition.anonymous_class

(method_declaration
  name: (identifier) @name) @definition.method

(annotation_type_element_declaration
  name: (identifier) @name) @definition.method

(constructor_declaration
  name: (identifier) @name) @definition.constructor

(compact_constructor_declaration
  name: (identifier) @name) @definition.constructor

; One match per declarator: `int a, b;` defines two fields.
(field_declaration
  declarator: (variable_declarator
    name: (identifier) @name)) @definition.field

; Interface fields, which are implicitly `public static final`.
(constant_declaration
  declarator: (variable_declarator
    name: (identifier) @name)) @definition.constant

(enum_constant
  name: (identifier) @name) @definition.constant

; Record components are the record's fields.
(record_declaration
  parameters: (formal_parameters
    (formal_parameter
      name: (identifier) @name) @definition.field))

(record_declaration
  parameters: (formal_parameters
    (spread_parameter
      (variable_declarator
        name: (identifier) @name)) @definition.field))

(static_initializer) @definition.initializer

;;; References

(import_declaration) @reference.import

(method_invocation) @reference.call

(object_creation_expression) @reference.constructor

; `this(...)`, `super(...)` in constructors.
(explicit_constructor_invocation) @reference.constructor

; `Type::method`, `expr::method`, `Type::new`.
(method_reference) @reference.method

(field_access) @reference.field

; Every identifier; the extractor keeps those in expression position
; (variables, fields, and type or package names that start a chain).
(identifier) @name @reference.name

; Every type use: declarations, generics, casts, instanceof, throws, class
; literals. The extractor keeps the outermost node of `a.b.C`.
[(type_identifier) (scoped_type_identifier)] @name @reference.type

(superclass
  [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.implementation)

(super_interfaces
  (type_list
    [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.implementation))

(extends_interfaces
  (type_list
    [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.implementation))

(marker_annotation
  name: (_) @name) @reference.annotation

(annotation
  name: (_) @name) @reference.annotation
