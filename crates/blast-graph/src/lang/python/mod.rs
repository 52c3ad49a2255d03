//! Python: extraction of definitions, references and imports from one file,
//! and resolution of names across files with Python's import semantics.

mod collect;
mod extract;
mod kinds;
mod resolve;

use std::sync::OnceLock;

use tree_sitter::{Language, Query};

pub(crate) use extract::extract;
pub use resolve::{ModuleLayout, PythonStats};
pub(crate) use resolve::{PyFile, resolve};

/// How a reference uses the name it mentions.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum RefKind {
    Call,
    Read,
    Inherit,
    Decorator,
    Type,
}

/// A dotted chain in load position: `f`, `mod.f`, `self.repo.save`.
/// `super()` at the head of a chain is stored as the segment `super()`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PyRef {
    /// Index of the innermost enclosing symbol.
    pub scope: u32,
    pub chain: Chain,
    pub kind: RefKind,
    pub line: u32,
}

/// The segments of a chain joined by `.` in one string. References are
/// most of what extraction keeps of a Python file, so each keeps one
/// allocation instead of one for the list and one per segment.
///
/// The segments are identifiers, `()`, `super()` or empty, and none of
/// them contains a `.`, so splitting at `.` returns them unchanged.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chain(Box<str>);

impl Chain {
    /// Joins `segments`, which must not be empty or contain a `.`.
    pub fn new<S: AsRef<str>>(segments: &[S]) -> Chain {
        debug_assert!(!segments.is_empty(), "a chain has at least one segment");
        debug_assert!(
            segments
                .iter()
                .all(|segment| !segment.as_ref().contains('.')),
            "a chain segment contains a `.`"
        );
        let joined: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
        Chain(joined.join(".").into_boxed_str())
    }

    /// Returns the segments in order.
    pub fn segments(&self) -> std::str::Split<'_, char> {
        self.0.split('.')
    }
}

/// One name bound by an import statement.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ImportKind {
    /// `import a.b.c` (binds `a`) or `import a.b as c` (binds `c`).
    Module {
        path: Vec<String>,
        alias: Option<String>,
    },
    /// `from [.]*a.b import name [as alias]`.
    From {
        level: u32,
        module: Vec<String>,
        name: String,
        alias: Option<String>,
    },
    /// `from [.]*a.b import *`.
    Star { level: u32, module: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PyImport {
    pub scope: u32,
    pub line: u32,
    /// Under `if TYPE_CHECKING:`: needed for type checking only.
    pub type_checking: bool,
    pub kind: ImportKind,
}

/// `target = Callee(...)`, `target = other.name`, an annotation
/// `target: Type`, a parameter's default or a `with ... as target`,
/// recorded so that a later `target.method()` can be resolved through the
/// value's class.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PyBinding {
    pub scope: u32,
    /// `["x"]` for a local or module name, `["self", "repo"]` for an
    /// instance attribute.
    pub target: Vec<String>,
    /// The value's chain, ending in the call segment `()` for calls
    /// (`Repo()`), or the annotation's class chain (`Repo`).
    pub value: Vec<String>,
    /// The target is bound to what `value` names (`x = other.name`), so a
    /// class in `value` is the class itself, not an instance of it.
    pub alias: bool,
}

/// Everything Python-specific that extraction finds in one file.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PyFacts {
    pub imports: Vec<PyImport>,
    pub refs: Vec<PyRef>,
    /// Base-class chains per class symbol, in declaration order.
    pub bases: Vec<(u32, Vec<String>)>,
    pub bindings: Vec<PyBinding>,
    /// Names bound locally in function scopes (parameters, assignments,
    /// loop targets), which shadow module-level names.
    pub locals: Vec<(u32, String)>,
    /// Names that a function declares `global`, so that its assignments to
    /// them bind the module's names, not locals.
    pub globals: Vec<(u32, String)>,
    /// Names that a function returns (`return name`), by symbol index. A
    /// method that returns its receiver returns an instance of its class.
    pub returned_names: Vec<(u32, String)>,
    /// String items of a module-level `__all__`, when one is defined.
    pub all_names: Option<Vec<String>>,
    /// `other.__all__` chains concatenated into this module's `__all__`.
    pub all_extends: Vec<Vec<String>>,
    /// Return annotations of functions and methods, by symbol index.
    pub returns: Vec<(u32, Vec<String>)>,
    /// The first parameter's name of each function, by symbol index: a
    /// method's receiver (`self`, `cls`).
    pub first_params: Vec<(u32, String)>,
}

impl PyFacts {
    /// Frees the spare capacity that extraction's pushes left.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        self.refs.shrink_to_fit();
        self.bases.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.locals.shrink_to_fit();
        self.globals.shrink_to_fit();
        self.returned_names.shrink_to_fit();
        self.all_extends.shrink_to_fit();
        self.returns.shrink_to_fit();
        self.first_params.shrink_to_fit();
    }
}

/// The compiled grammar and query, shared by all threads.
pub(crate) struct PythonConfig {
    pub language: Language,
    /// The `tags` query, which the speed floor runs. Extraction walks the
    /// tree instead and collects the same nodes.
    pub tags: Query,
}

pub(crate) fn config() -> &'static PythonConfig {
    static CONFIG: OnceLock<PythonConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let language: Language = tree_sitter_python::LANGUAGE.into();
        let tags = crate::lang::compile_query(
            &language,
            "queries/python/tags.scm",
            include_str!("../../../../../queries/python/tags.scm"),
        );
        kinds::init(&language);
        PythonConfig { language, tags }
    })
}

/// Returns true when a segment of a Python file's path, the file's stem
/// included, starts with `_` and is not a dunder name (`__init__`): its
/// module is private by convention, and so is everything in it.
pub(crate) fn is_private_path(path: &str) -> bool {
    path.split('/').any(|segment| {
        let stem = segment.strip_suffix(".py").unwrap_or(segment);
        stem.starts_with('_') && !(stem.starts_with("__") && stem.ends_with("__"))
    })
}

#[cfg(test)]
mod tests;
