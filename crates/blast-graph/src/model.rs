//! The language-independent vocabulary of the graph: symbol kinds, edge kinds,
//! how an edge was resolved, and the per-file facts that extraction produces.

use std::fmt;

/// A source language blast can extract and resolve.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Lang {
    Python,
    Rust,
    Java,
}

impl Lang {
    /// Every supported language, in a stable order.
    pub const ALL: &'static [Lang] = &[Lang::Python, Lang::Rust, Lang::Java];

    /// Returns the language of a repository-relative path, from its extension.
    pub fn from_path(path: &str) -> Option<Lang> {
        let ext = path.rsplit_once('.').map(|(_, ext)| ext)?;
        match ext {
            // Stubs (`.pyi`) repeat the definitions of the modules they describe,
            // so they are left out rather than counted as second definitions.
            "py" => Some(Lang::Python),
            "rs" => Some(Lang::Rust),
            "java" => Some(Lang::Java),
            _ => None,
        }
    }

    /// The lowercase name used in output and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Rust => "rust",
            Lang::Java => "java",
        }
    }
}

/// What a symbol is. The names follow the languages' own vocabulary.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum SymbolKind {
    Module,
    Class,
    Interface,
    Enum,
    Record,
    Struct,
    Trait,
    Impl,
    Function,
    Method,
    Constructor,
    Constant,
    Static,
    Field,
    Variable,
    TypeAlias,
    Macro,
}

impl SymbolKind {
    pub fn name(self) -> &'static str {
        match self {
            SymbolKind::Module => "module",
            SymbolKind::Class => "class",
            SymbolKind::Interface => "interface",
            SymbolKind::Enum => "enum",
            SymbolKind::Record => "record",
            SymbolKind::Struct => "struct",
            SymbolKind::Trait => "trait",
            SymbolKind::Impl => "impl",
            SymbolKind::Function => "function",
            SymbolKind::Method => "method",
            SymbolKind::Constructor => "constructor",
            SymbolKind::Constant => "constant",
            SymbolKind::Static => "static",
            SymbolKind::Field => "field",
            SymbolKind::Variable => "variable",
            SymbolKind::TypeAlias => "type_alias",
            SymbolKind::Macro => "macro",
        }
    }

    /// True for kinds that hold other definitions and whose own lines are
    /// mostly headers (a change inside a child belongs to the child).
    pub fn is_container(self) -> bool {
        matches!(
            self,
            SymbolKind::Module
                | SymbolKind::Class
                | SymbolKind::Interface
                | SymbolKind::Enum
                | SymbolKind::Record
                | SymbolKind::Struct
                | SymbolKind::Trait
                | SymbolKind::Impl
        )
    }
}

impl fmt::Display for SymbolKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a source symbol depends on a target symbol.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum EdgeKind {
    Call,
    Import,
    Inherit,
    TypeRef,
    Reference,
    ReExport,
    Override,
    Decorator,
    /// A definition uses a name that its module binds with an import at
    /// the top level: when that import line changes, the definition is
    /// affected although it names no other symbol of its own module.
    Scope,
    /// A class depends on the constructor that calling it runs (Python's
    /// `__init__` and `__new__`), its own or one it inherits. The call sites
    /// depend on the class only, because reverse reachability from a
    /// constructor goes on to the class's callers.
    Constructor,
}

impl EdgeKind {
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Call => "call",
            EdgeKind::Import => "import",
            EdgeKind::Inherit => "inherit",
            EdgeKind::TypeRef => "type_ref",
            EdgeKind::Reference => "reference",
            EdgeKind::ReExport => "re_export",
            EdgeKind::Override => "override",
            EdgeKind::Decorator => "decorator",
            EdgeKind::Scope => "scope",
            EdgeKind::Constructor => "constructor",
        }
    }

    /// True when a dependent reached through this edge passes the change on
    /// to its own dependents. An import or re-export of a module only says
    /// that the module is loaded: the importer's uses of the module's
    /// members have edges of their own, so following imports onwards would
    /// make everything that imports a module depend on everything that
    /// module imports. A class that inherits a constructor is affected by a
    /// change to it, but the class's other dependents (annotations,
    /// subclasses) are not: only its callers are, and reachability reaches
    /// them through the constructor edge itself.
    pub fn propagates(self) -> bool {
        !matches!(
            self,
            EdgeKind::Import | EdgeKind::ReExport | EdgeKind::Scope | EdgeKind::Constructor
        )
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an edge's target was found.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Resolution {
    /// The language's scoping rules name exactly this target.
    Exact,
    /// One of several targets that a name could mean; see the edge weight.
    Candidate,
}

impl Resolution {
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Exact => "exact",
            Resolution::Candidate => "candidate",
        }
    }
}

/// A span of a definition in its file. Lines are 1-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start_byte: u32,
    pub end_byte: u32,
    pub start_line: u32,
    pub end_line: u32,
}

impl Span {
    pub fn contains_line(&self, line: u32) -> bool {
        self.start_line <= line && line <= self.end_line
    }
}

/// A definition found in one file, before resolution.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalSymbol {
    /// Dotted path inside the file (`Class.method`); empty for the module.
    pub local_name: String,
    pub kind: SymbolKind,
    /// Index of the enclosing definition in [`FileSyntax::symbols`].
    pub parent: Option<u32>,
    pub span: Span,
    /// Exported, `pub` or `public`; for Python, not starting with `_`.
    pub public: bool,
    /// True for a test that the language's framework runs by its marker: a
    /// Java method with a JUnit test annotation, a Rust function with a
    /// `#[test]`-like attribute. Python tests are found by name instead, so
    /// it stays false there.
    pub test: bool,
    /// True for code that is compiled only for tests, so that code outside
    /// tests cannot name it. In Rust: an item whose `#[cfg]` requires
    /// `test`, a file whose `#![cfg]` does, and every item nested in such
    /// an item or in a test function. False in Python and Java.
    pub test_only: bool,
}

/// What extraction of one file produced that every language shares.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileSyntax {
    /// Index 0 is always the module (file) symbol.
    pub symbols: Vec<LocalSymbol>,
    pub line_count: u32,
    /// `ERROR` and `MISSING` nodes in the tree: the file parsed with error
    /// recovery, so part of it may be missing from the graph.
    pub parse_errors: u32,
}

impl FileSyntax {
    /// Returns the innermost symbol whose span contains `line`.
    pub fn innermost_at_line(&self, line: u32) -> u32 {
        let mut best = 0u32;
        let mut best_len = u32::MAX;
        for (idx, sym) in self.symbols.iter().enumerate() {
            if sym.span.contains_line(line) {
                let len = sym.span.end_line - sym.span.start_line;
                // Later symbols start later, so on equal length the nested
                // (later) one wins.
                if len <= best_len {
                    best = u32::try_from(idx).unwrap_or(0);
                    best_len = len;
                }
            }
        }
        best
    }
}

/// An edge between symbols given as (file index, local symbol index), as a
/// language's resolver produces it; file indices are positions in the slice
/// of files handed to the resolver.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LocalEdge {
    pub source: (u32, u32),
    pub target: (u32, u32),
    pub kind: EdgeKind,
    pub resolution: Resolution,
    pub weight: f32,
    /// The 1-based line in the source's file where the dependency is written
    /// (the call, the reference, the import statement).
    pub line: u32,
}

/// What a language's resolver returns.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// The module name of each file, in input order (`pkg.mod` in Python).
    pub modules: Vec<String>,
    pub edges: Vec<LocalEdge>,
    /// Python classes whose `test*` methods pytest collects, as (file
    /// index, local symbol): classes named `Test*` and subclasses of
    /// `unittest.TestCase`. Empty for other languages.
    pub test_classes: Vec<(u32, u32)>,
    /// Indices of the files that are built only for tests, whose symbols
    /// are all test code: in Rust, files of integration test and bench
    /// targets, and files of modules declared under a `#[cfg]` that
    /// requires `test`. Empty for other languages.
    pub test_files: Vec<u32>,
}
