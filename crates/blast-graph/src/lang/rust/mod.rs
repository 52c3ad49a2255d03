//! Rust: extraction of items, paths, method calls and local bindings from one
//! file, and resolution across files with the module tree, `use` paths, impl
//! blocks and Cargo targets.
//!
//! Symbol names follow the module tree: `my_crate::net::Client`, with the
//! crate name that Cargo gives the target (`-` becomes `_`; a crate found
//! without a manifest at the repository root is `crate`). Items inside
//! items extend the path (`f::HELPER` for a constant in `f`). Impl blocks
//! are named by their header as written, without lifetimes: `<Client>` for
//! `impl Client`, `<Client as Send>` for `impl Send for Client`. Their
//! members are `Client::send` and `<Client as Send>::send`, under the module
//! where the impl block is, so a trait impl method is distinct from the
//! trait's declaration `net::Send::send`. Macros end with `!`.

mod collect;
mod extract;
mod kinds;
mod layout;
mod resolve;
mod types;

use std::sync::OnceLock;

use tree_sitter::{Language, Query};

pub(crate) use extract::extract;
pub use layout::{CrateTarget, PackageReach, RustLayout, TargetKind};
pub use resolve::RustStats;
pub(crate) use resolve::{RustFile, resolve};

/// The role of a path towards the item it names.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum RefKind {
    /// The callee of a call: `f()`, `Type::new()`, `<T as Trait>::f()`.
    Call,
    /// A path in expression position that is not called: constants,
    /// statics, unit structs, functions passed as values.
    Value,
    /// A path in a type, a trait bound or an impl header.
    Type,
    /// A path in a pattern: `Op::Exact`, `Some(x)`.
    Pattern,
    /// The name of a struct literal: `Point { x, y }`.
    StructLiteral,
    /// A macro invocation; the last segment ends with `!`.
    Macro,
}

/// A type as written, with references and lifetimes dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Ty {
    /// A path with its generic arguments: `Vec<Foo>` is `Vec` with `[Foo]`.
    /// Slices and arrays are the path `[]` with the element type as the one
    /// argument.
    Path { path: Vec<String>, args: Vec<Ty> },
    /// `dyn A + B` and `impl A + B`: the trait paths.
    Bounds(Vec<Vec<String>>),
    /// Tuples, function pointers, primitives and anything else.
    Unknown,
}

/// The start of a value expression, for typing method receivers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ValueBase {
    /// A single name: a local variable, a parameter, `self`, or a constant.
    Name(String),
    /// A path of two or more segments that is not called.
    Path(Vec<String>),
    /// The result of calling a path: `Foo::new(..)`, `make(..)`.
    Call(Vec<String>),
    /// A struct literal: `Foo { .. }`.
    Struct(Vec<String>),
    /// A cast `x as T`.
    Typed(Ty),
    /// A name bound by a struct or tuple-struct pattern: the field `field`
    /// (a name, or a position `0`, `1`, ..) of the struct or enum variant
    /// that `path` names.
    Destructure {
        path: Vec<String>,
        field: String,
    },
    Unknown,
}

/// One step applied to a value, in evaluation order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Field(String),
    Method(String),
    /// `?`, and the `Some(x)` / `Ok(x)` of an `if let`: the first generic
    /// argument of the value's type.
    Unwrap,
    /// `v[i]` and the element of a `for` loop.
    Element,
}

/// A value expression reduced to what typing a receiver needs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Value {
    pub base: ValueBase,
    pub steps: Vec<Step>,
}

impl Value {
    pub fn unknown() -> Value {
        Value {
            base: ValueBase::Unknown,
            steps: Vec::new(),
        }
    }
}

/// A path that names an item.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathRef {
    /// Index of the innermost enclosing symbol.
    pub scope: u32,
    /// Segments as written; `crate`, `self`, `super` and `Self` are kept, a
    /// leading `::` is an empty first segment.
    pub path: Vec<String>,
    /// The `T` of `<T as Trait>::f` (then `path` is `Trait::f`) or of
    /// `<T>::f` (then `path` is `f`).
    /// Boxed because few paths have one and a `Ty` is 48 bytes.
    pub qself: Option<Box<Ty>>,
    pub kind: RefKind,
    pub byte: u32,
    pub line: u32,
}

/// `receiver.name(..)`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MethodCall {
    pub scope: u32,
    pub receiver: Value,
    pub name: String,
    pub byte: u32,
    pub line: u32,
}

/// `receiver.field` outside a call: a dependency on the receiver's type.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldRead {
    pub scope: u32,
    pub receiver: Value,
    pub field: String,
    pub byte: u32,
    pub line: u32,
}

/// A name bound inside a function: a parameter, a `let`, a pattern.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Binding {
    /// The innermost enclosing symbol (the function).
    pub scope: u32,
    pub name: String,
    /// Where the binding starts to be visible.
    pub byte: u32,
    pub ty: Option<Ty>,
    pub value: Value,
}

/// One name that a `use` declaration or `extern crate` binds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UseEntry {
    pub scope: u32,
    /// The full path; for `extern crate foo` it is `["", "foo"]`.
    pub path: Vec<String>,
    /// `as name`; `_` binds nothing.
    pub alias: Option<String>,
    /// `path::*`.
    pub glob: bool,
    /// Declared with any visibility (`pub`, `pub(crate)`, ...).
    pub visible: bool,
    /// Declared with plain `pub`: a re-export.
    pub public: bool,
    /// Under a `#[cfg(..)]` attribute: blast keeps every configuration, so
    /// such a binding does not hide the names a glob import brings in.
    pub conditional: bool,
    pub byte: u32,
    pub line: u32,
}

/// `mod name;`: a module whose items are in another file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModDecl {
    pub scope: u32,
    pub name: String,
    /// Paths from `#[path = ".."]` and every `#[cfg_attr(.., path = "..")]`.
    pub paths: Vec<String>,
    /// `#[macro_use]`: the module's macros stay visible after it.
    pub macro_use: bool,
    /// Under a `#[cfg(..)]` that is true only in test builds, such as
    /// `#[cfg(test)] mod tests;`: the module's files are test code.
    pub test_only: bool,
    pub byte: u32,
    pub line: u32,
}

/// The header of an impl block.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImplHeader {
    pub symbol: u32,
    pub self_ty: Ty,
    pub trait_path: Option<Vec<String>>,
}

/// A named or positional (`0`, `1`, ..) field of a struct or union.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldDecl {
    pub owner: u32,
    pub name: String,
    pub ty: Ty,
}

/// A generic type parameter with its trait bounds, from the parameter list
/// and the `where` clause of the owning item.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GenericParam {
    pub owner: u32,
    pub name: String,
    pub bounds: Vec<Vec<String>>,
}

/// Everything Rust-specific that extraction finds in one file.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RustFacts {
    pub bindings: Vec<Binding>,
    pub uses: Vec<UseEntry>,
    pub mods: Vec<ModDecl>,
    pub impls: Vec<ImplHeader>,
    pub fields: Vec<FieldDecl>,
    /// (enum symbol, variant name).
    pub variants: Vec<(u32, String)>,
    /// Declared types: a function's return type (an `async fn` counts as
    /// returning its declared type), a constant's or a static's type.
    pub returns: Vec<(u32, Ty)>,
    pub generics: Vec<GenericParam>,
    /// (trait symbol, supertrait paths).
    pub supertraits: Vec<(u32, Vec<Vec<String>>)>,
    /// (type alias symbol, aliased type).
    pub aliases: Vec<(u32, Ty)>,
    /// Symbols declared `pub(crate)`, `pub(super)` or `pub(in ..)`: visible
    /// to glob imports inside the crate although not public.
    pub restricted: Vec<u32>,
    /// `macro_rules!` symbols marked `#[macro_export]`, and inline module
    /// symbols marked `#[macro_use]`: macros visible beyond textual scope.
    pub macro_exports: Vec<u32>,
    /// Macro invocations whose arguments were parsed again.
    pub macro_invocations: u32,
    // The references come last in an encoded entry, so that a cache read
    // for a file's declarations stops before them (see
    // `decode_declarations`).
    #[serde(deserialize_with = "references")]
    pub refs: Vec<PathRef>,
    #[serde(deserialize_with = "references")]
    pub method_calls: Vec<MethodCall>,
    #[serde(deserialize_with = "references")]
    pub field_reads: Vec<FieldRead>,
    /// True when the three lists above were left out of a cache read. Such
    /// a file can give its declarations only.
    #[serde(skip)]
    pub references_skipped: bool,
    /// The resolver's index of these facts, built by the first graph that
    /// reads the file and reused by later graphs. A diff builds a base and
    /// a head graph per prefilter round, mostly of the same files.
    #[serde(skip)]
    pub(crate) index: IndexMemo,
}

thread_local! {
    /// Set while [`decode_declarations`] runs on this thread.
    static SKIP_REFERENCES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Reads one of the reference lists of [`RustFacts`], or nothing while
/// [`decode_declarations`] runs. They are the last fields of an encoding, so
/// leaving their bytes unread leaves nothing else unread.
fn references<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    if SKIP_REFERENCES.with(std::cell::Cell::get) {
        return Ok(Vec::new());
    }
    <Vec<T> as serde::Deserialize>::deserialize(deserializer)
}

/// Runs `decode` with the reference lists of every [`RustFacts`] it decodes
/// left out. Only an encoding whose facts come last (an extraction outcome)
/// can be read this way, because the bytes of the left-out lists stay
/// unread.
pub(crate) fn decode_declarations<R>(decode: impl FnOnce() -> R) -> R {
    /// Clears the flag however `decode` ends, a panic included.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            SKIP_REFERENCES.with(|skip| skip.set(false));
        }
    }
    SKIP_REFERENCES.with(|skip| skip.set(true));
    let _reset = Reset;
    decode()
}

/// A [`resolve::FileIndex`] built on first use. A clone starts empty.
#[derive(Default)]
pub(crate) struct IndexMemo(OnceLock<Box<resolve::FileIndex>>);

impl Clone for IndexMemo {
    fn clone(&self) -> IndexMemo {
        IndexMemo::default()
    }
}

impl std::fmt::Debug for IndexMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexMemo")
    }
}

impl RustFacts {
    /// Frees the spare capacity that extraction's pushes left.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.refs.shrink_to_fit();
        self.method_calls.shrink_to_fit();
        self.field_reads.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.uses.shrink_to_fit();
        self.mods.shrink_to_fit();
        self.impls.shrink_to_fit();
        self.fields.shrink_to_fit();
        self.variants.shrink_to_fit();
        self.returns.shrink_to_fit();
        self.generics.shrink_to_fit();
        self.supertraits.shrink_to_fit();
        self.aliases.shrink_to_fit();
        self.restricted.shrink_to_fit();
        self.macro_exports.shrink_to_fit();
    }
}

/// The compiled grammar and tags query, shared by all threads. Extraction
/// walks each tree instead of running the query (see `collect.rs`), and
/// `blast-floor` runs the query for its measure of the floor.
pub(crate) struct RustConfig {
    pub language: Language,
    pub tags: Query,
}

pub(crate) fn config() -> &'static RustConfig {
    static CONFIG: OnceLock<RustConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let language: Language = tree_sitter_rust::LANGUAGE.into();
        kinds::init(&language);
        let tags = crate::lang::compile_query(
            &language,
            "queries/rust/tags.scm",
            include_str!("../../../../../queries/rust/tags.scm"),
        );
        RustConfig { language, tags }
    })
}

#[cfg(test)]
mod tests;
