//! Java: extraction of declarations, type uses and expressions from one
//! file, and resolution across files with Java's scoping rules (packages,
//! imports, nested classes, inheritance, receiver types and overloads).
//!
//! Names: a file's module is its package (`com.example`), and symbols are
//! named `package.LocalName`. Local names nest with `.`: `Outer.Inner`,
//! `Outer.Inner.method(int,String)`, `Outer.Outer(int)` for a constructor,
//! `Outer.FIELD`, `Outer.<clinit>` for a static initialiser and
//! `Outer.method().<anonymous Runnable>` for an anonymous class. Parameter
//! types are written as in the source without annotations, type arguments
//! and package prefix (`java.util.List<String>` becomes `List`,
//! `Order.Line` stays), with `[]` for arrays and `...` for varargs. The
//! module symbol of a file is named after the file: `com.example.Foo.java`
//! for `com/example/Foo.java`, so it never collides with the class `Foo`.
//!
//! Edges beyond references: an overridden method depends on each override
//! (`Iface.m -> Impl.m`, kind `override`), so a change to an implementation
//! reaches the callers of the interface method. A class has a `re_export`
//! edge to each method it inherits without overriding, which lists the
//! class as affected by a change to that method without passing the change
//! on to the class's users. Calls on a receiver of unknown type become
//! candidate edges to the methods of that name and arity, weighted 1/n.

mod collect;
mod extract;
mod kinds;
pub mod outline;
mod resolve;

use std::sync::OnceLock;

use tree_sitter::{Language, Query};

use crate::model::EdgeKind;

pub(crate) use extract::extract;
pub(crate) use resolve::{JavaFile, resolve};
pub use resolve::{JavaStats, converts_without_cast};

/// Index of an expression in [`JavaFacts::exprs`].
pub type ExprId = u32;

/// A type as written: `java.util.List<String>` is `["java", "util",
/// "List"]`, `int[]` is `["int"]` with one dimension. Type arguments and
/// annotations are dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TypeName {
    pub segments: Vec<String>,
    /// Array dimensions; varargs count as one.
    pub dims: u8,
}

/// Modifier flags of a declaration.
pub mod modifier {
    pub const STATIC: u8 = 1;
    pub const PRIVATE: u8 = 2;
    pub const ABSTRACT: u8 = 4;
    pub const DEFAULT: u8 = 8;
    pub const FINAL: u8 = 16;
    pub const PUBLIC: u8 = 32;
    pub const PROTECTED: u8 = 64;
}

/// The declaration behind a symbol, beyond its name and span.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Decl {
    /// The module symbol.
    Module,
    /// A class, interface, enum, record, annotation type or anonymous class.
    Type {
        /// Supertypes in declaration order, the superclass first. For an
        /// anonymous class, the instantiated class or interface.
        supers: Vec<TypeName>,
        /// The body of an enum constant, whose supertype is its enum.
        enum_constant_body: bool,
    },
    /// A method, constructor, annotation element or static initialiser.
    Method {
        params: Vec<TypeName>,
        varargs: bool,
        /// `None` for constructors and initialisers.
        returns: Option<TypeName>,
        modifiers: u8,
    },
    /// A field, interface constant, record component or enum constant.
    Field {
        /// `None` for an enum constant, whose type is its enum.
        ty: Option<TypeName>,
        modifiers: u8,
    },
}

/// A type parameter `<T extends Bound>` of a class or method.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeParam {
    /// The symbol that declares it.
    pub owner: u32,
    pub name: String,
    /// The first bound, which gives a receiver of type `T` its methods.
    pub bound: Option<TypeName>,
}

/// The source of a local variable's type.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LocalType {
    Declared(TypeName),
    /// `var x = <expr>`: the type of the initialiser.
    Inferred(ExprId),
    /// `for (var x : <expr>)`: the element type of an array.
    Element(ExprId),
    /// `catch (A | B e)`: one of several types.
    OneOf(Vec<TypeName>),
    /// Untyped lambda parameters and `var` without a usable initialiser.
    Unknown,
}

/// A local variable or parameter, visible from `start` to `end` (bytes).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Local {
    pub name: String,
    pub ty: LocalType,
    pub start: u32,
    pub end: u32,
}

/// One `import` declaration.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JavaImport {
    /// The dotted name without `.*`.
    pub path: Vec<String>,
    pub is_static: bool,
    /// `import a.b.*;` or `import static a.B.*;`.
    pub on_demand: bool,
    pub line: u32,
}

/// The type of a literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Literal {
    Int,
    Long,
    Float,
    Double,
    Boolean,
    Char,
    String,
    Null,
}

/// The target of an explicit constructor call `this(...)`/`super(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CtorTarget {
    This,
    Super,
    /// The arguments of an enum constant, passed to its enum's constructor.
    EnumConstant,
}

/// The receiver of a method reference `X::m`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MethodRefReceiver {
    Expr(ExprId),
    Type(TypeName),
}

/// Binary operators, grouped by the type of their result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinaryOp {
    /// Comparisons and logical operators: `boolean`.
    Boolean,
    /// `+`: `String` when either side is one.
    Plus,
    /// Other arithmetic and bitwise operators.
    Arithmetic,
}

/// An expression that a reference needs typed or resolved. Child
/// expressions always have smaller ids than their parents, so a resolver
/// can type the whole arena in one forward pass without recursion.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Expr {
    /// A simple name: a local, a field, a type or the start of a package.
    Name(String),
    Field {
        object: ExprId,
        name: String,
    },
    /// A method invocation; `object` is `None` for an unqualified call.
    Call {
        object: Option<ExprId>,
        name: String,
        args: Vec<ExprId>,
    },
    /// `new T(args)`, `outer.new T(args)`, or an anonymous class whose
    /// symbol is `body`.
    New {
        ty: TypeName,
        outer: Option<ExprId>,
        args: Vec<ExprId>,
        body: Option<u32>,
    },
    CtorCall {
        target: CtorTarget,
        args: Vec<ExprId>,
    },
    /// `X::name`; `name` is `None` for `X::new`.
    MethodRef {
        receiver: MethodRefReceiver,
        name: Option<String>,
    },
    This,
    Super,
    /// `Outer.this`.
    QualifiedThis(TypeName),
    /// `Iface.super` in `Iface.super.m()`.
    QualifiedSuper(TypeName),
    Literal(Literal),
    /// An expression of a written type: a cast, an array creation, a class
    /// literal (`Class`).
    Typed(TypeName),
    ArrayAccess(ExprId),
    /// The two branches of `c ? a : b`.
    Conditional(ExprId, ExprId),
    Binary {
        left: ExprId,
        right: ExprId,
        op: BinaryOp,
    },
    /// A `case NAME` label: an enum constant of the selector's type.
    CaseLabel {
        name: String,
        selector: Option<ExprId>,
    },
    /// An expression whose type is not tracked (lambdas, switch
    /// expressions, assignments).
    Unknown,
}

/// An expression with the innermost symbol that contains it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExprNode {
    pub expr: Expr,
    pub scope: u32,
    /// Start byte, for the visibility of locals.
    pub pos: u32,
    pub line: u32,
}

/// A written type in a declaration, generic argument, cast, `instanceof`,
/// `throws` clause, annotation, class literal or supertype list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeUse {
    pub scope: u32,
    pub name: TypeName,
    /// [`EdgeKind::Inherit`] in `extends`/`implements`, else
    /// [`EdgeKind::TypeRef`].
    pub kind: EdgeKind,
    pub line: u32,
}

/// Everything Java-specific that extraction finds in one file.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct JavaFacts {
    /// The dotted package; empty for the unnamed package.
    pub package: String,
    pub imports: Vec<JavaImport>,
    /// Parallel to [`crate::model::FileSyntax::symbols`].
    pub decls: Vec<Decl>,
    pub type_params: Vec<TypeParam>,
    pub locals: Vec<Local>,
    pub exprs: Vec<ExprNode>,
    pub type_uses: Vec<TypeUse>,
}

impl JavaFacts {
    /// Frees the spare capacity that extraction's pushes left.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        self.decls.shrink_to_fit();
        self.type_params.shrink_to_fit();
        self.locals.shrink_to_fit();
        self.exprs.shrink_to_fit();
        self.type_uses.shrink_to_fit();
    }
}

/// The compiled grammar and tags query, shared by all threads. Extraction
/// walks each tree instead of running the tags and locals queries (see
/// `collect.rs`), and `blast-floor` runs the tags query for its measure of
/// the floor.
pub(crate) struct JavaConfig {
    pub language: Language,
    pub tags: Query,
}

pub(crate) fn config() -> &'static JavaConfig {
    static CONFIG: OnceLock<JavaConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let language: Language = tree_sitter_java::LANGUAGE.into();
        kinds::init(&language);
        let tags = crate::lang::compile_query(
            &language,
            "queries/java/tags.scm",
            include_str!("../../../../../queries/java/tags.scm"),
        );
        JavaConfig { language, tags }
    })
}

#[cfg(test)]
mod tests;
