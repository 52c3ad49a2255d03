//! Resolution of Java names across files. It covers packages and imports
//! (single-type, on-demand, static), nested, local and anonymous classes,
//! and supertypes. Method calls resolve through the receiver's type (from
//! locals, parameters, fields, `this`, `super`, return types and
//! constructions), and overloads split by arity and argument types.
//! Override edges run from overridden methods to their overrides.
//!
//! The work runs in phases over immutable tables, so the per-file work can
//! run in parallel. The first phase indexes every type. The second resolves
//! supertypes, twice, so that a supertype named through an inherited member
//! type resolves. The third resolves the declared types of fields,
//! parameters and return values, and the last each file's references.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    BinaryOp, CtorTarget, Decl, Expr, ExprId, ExprNode, JavaFacts, Literal, LocalType,
    MethodRefReceiver, TypeName, modifier,
};
use crate::model::{EdgeKind, FileSyntax, LocalEdge, Resolution, SymbolKind};

/// More same-named methods than this and a call on an unknown receiver
/// yields no candidate edges: the name is too common to say anything, and
/// the call is counted as too ambiguous instead.
pub(crate) const MAX_CANDIDATES: usize = 8;

/// Segments of a dotted name (a qualified type, an import, a package, a
/// package-qualified expression) that are matched against the repository's
/// packages and types, at most. Names are matched one prefix at a time and
/// each lookup hashes the whole prefix, so the cap keeps the work on a
/// generated name of thousands of segments linear in its length.
// NOTE: a type nested deeper than this, or in a package of more segments,
// cannot be named by its qualified name. References to it stay unresolved.
const MAX_QUALIFIED_SEGMENTS: usize = 256;

/// Type parameter bounds resolved inside one another, at most. Each level
/// is a generic type nested in another whose parameter it names (`class
/// A<T> { class B<U extends T> {} }`). Real code nests a few levels. The
/// limit keeps generated nesting from overflowing the stack.
const MAX_BOUND_DEPTH: usize = 64;

/// Public top-level types of `java.lang` in JDK 25, which every file can use
/// without an import. Sorted for binary search.
const JAVA_LANG: &[&str] = &[
    "AbstractMethodError",
    "Appendable",
    "ArithmeticException",
    "ArrayIndexOutOfBoundsException",
    "ArrayStoreException",
    "AssertionError",
    "AutoCloseable",
    "Boolean",
    "BootstrapMethodError",
    "Byte",
    "CharSequence",
    "Character",
    "Class",
    "ClassCastException",
    "ClassCircularityError",
    "ClassFormatError",
    "ClassLoader",
    "ClassNotFoundException",
    "ClassValue",
    "CloneNotSupportedException",
    "Cloneable",
    "Comparable",
    "Deprecated",
    "Double",
    "Enum",
    "EnumConstantNotPresentException",
    "Error",
    "Exception",
    "ExceptionInInitializerError",
    "Float",
    "FunctionalInterface",
    "IO",
    "IllegalAccessError",
    "IllegalAccessException",
    "IllegalArgumentException",
    "IllegalCallerException",
    "IllegalMonitorStateException",
    "IllegalStateException",
    "IllegalThreadStateException",
    "IncompatibleClassChangeError",
    "IndexOutOfBoundsException",
    "InheritableThreadLocal",
    "InstantiationError",
    "InstantiationException",
    "Integer",
    "InternalError",
    "InterruptedException",
    "Iterable",
    "LayerInstantiationException",
    "LinkageError",
    "Long",
    "MatchException",
    "Math",
    "Module",
    "ModuleLayer",
    "NegativeArraySizeException",
    "NoClassDefFoundError",
    "NoSuchFieldError",
    "NoSuchFieldException",
    "NoSuchMethodError",
    "NoSuchMethodException",
    "NullPointerException",
    "Number",
    "NumberFormatException",
    "Object",
    "OutOfMemoryError",
    "Override",
    "Package",
    "Process",
    "ProcessBuilder",
    "ProcessHandle",
    "Readable",
    "Record",
    "ReflectiveOperationException",
    "Runnable",
    "Runtime",
    "RuntimeException",
    "RuntimePermission",
    "SafeVarargs",
    "ScopedValue",
    "SecurityException",
    "SecurityManager",
    "Short",
    "StableValue",
    "StackOverflowError",
    "StackTraceElement",
    "StackWalker",
    "StrictMath",
    "String",
    "StringBuffer",
    "StringBuilder",
    "StringIndexOutOfBoundsException",
    "SuppressWarnings",
    "System",
    "Thread",
    "ThreadDeath",
    "ThreadGroup",
    "ThreadLocal",
    "Throwable",
    "TypeNotPresentException",
    "UnknownError",
    "UnsatisfiedLinkError",
    "UnsupportedClassVersionError",
    "UnsupportedOperationException",
    "VerifyError",
    "VirtualMachineError",
    "Void",
    "WrongThreadException",
];

/// The methods of `java.lang.Object`, which every type has.
const OBJECT_METHODS: &[&str] = &[
    "clone",
    "equals",
    "finalize",
    "getClass",
    "hashCode",
    "notify",
    "notifyAll",
    "toString",
    "wait",
];

const PRIMITIVES: &[&str] = &[
    "boolean", "byte", "char", "double", "float", "int", "long", "short", "void",
];

/// One extracted Java file, as input to the resolver.
pub(crate) struct JavaFile<'a> {
    pub path: &'a str,
    pub syntax: &'a FileSyntax,
    pub facts: &'a JavaFacts,
    /// False for a file read for its declarations only (see
    /// `GraphOptions::declarations_only`): its imports, type uses and
    /// expressions are not resolved.
    pub references: bool,
}

/// Counts that tell how much of the code resolved.
#[derive(Clone, Debug, Default)]
pub struct JavaStats {
    pub imports: u64,
    /// Imports of types outside the repository (the JDK, libraries).
    pub imports_external: u64,
    /// Imports of a missing type in a package that the repository declares.
    pub imports_unresolved: u64,
    /// Method invocations and method references.
    pub calls: u64,
    /// Calls resolved to exactly one method.
    pub calls_exact: u64,
    /// Calls resolved to several possible methods (overloads that arity and
    /// argument types do not split, or an unknown receiver's candidates).
    pub calls_candidate: u64,
    /// Calls on a receiver whose type is outside the repository, of a
    /// method inherited from outside it, or of a `java.lang.Object` method
    /// on an unknown receiver.
    pub calls_external: u64,
    /// Calls with no target: the method is inherited from outside the
    /// repository, or no method of that name and arity exists.
    pub calls_unresolved: u64,
    /// Calls on an unknown receiver whose name has more than
    /// `MAX_CANDIDATES` definitions.
    pub calls_too_ambiguous: u64,
    /// Bytes of dotted names hashed to look them up in the type and package
    /// tables, over every phase: the work of name resolution, which grows
    /// linearly with the source.
    pub name_bytes_looked_up: u64,
}

impl JavaStats {
    fn add(&mut self, other: &JavaStats) {
        self.imports += other.imports;
        self.imports_external += other.imports_external;
        self.imports_unresolved += other.imports_unresolved;
        self.calls += other.calls;
        self.calls_exact += other.calls_exact;
        self.calls_candidate += other.calls_candidate;
        self.calls_external += other.calls_external;
        self.calls_unresolved += other.calls_unresolved;
        self.calls_too_ambiguous += other.calls_too_ambiguous;
        self.name_bytes_looked_up += other.name_bytes_looked_up;
    }
}

pub(crate) struct JavaResolved {
    /// The package of each file, in input order.
    pub modules: Vec<String>,
    pub edges: Vec<LocalEdge>,
    pub stats: JavaStats,
}

/// Index of a type in [`Index::types`].
type TypeIdx = u32;
const NO_TYPE: TypeIdx = u32::MAX;

/// The meaning of a resolved type name.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Base {
    Repo(TypeIdx),
    /// Outside the repository, by simple name.
    External(String),
    Primitive(&'static str),
    /// A type parameter, with its bound when that is a repository type.
    TypeVar(Option<TypeIdx>),
    Null,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Ty {
    base: Base,
    dims: u8,
}

impl Ty {
    const UNKNOWN: Ty = Ty {
        base: Base::Unknown,
        dims: 0,
    };

    fn of(base: Base) -> Ty {
        Ty { base, dims: 0 }
    }

    fn external(name: &str) -> Ty {
        Ty::of(Base::External(name.to_owned()))
    }

    /// A type outside the repository whose name is not known: the result
    /// of a method or field that the repository does not declare. Calls on
    /// it are calls into a library, not candidates for repository methods.
    // NOTE: type arguments are not tracked, so `List<Shape>.get(0)` is
    // opaque too, and calls on it link to nothing.
    fn opaque() -> Ty {
        Ty::external("")
    }

    fn is_string(&self) -> bool {
        self.dims == 0 && matches!(&self.base, Base::External(name) if name == "String")
    }
}

/// The meaning of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Unknown,
    /// A package name, or a name that resolved to nothing.
    Package(String),
    /// A dotted name longer than every package and type name of the
    /// repository, so nothing it starts resolves. Its text is not kept,
    /// because copying it at each `.` would be quadratic in its length.
    LongName,
    /// A type, as the receiver of a static member.
    Type(Ty),
    /// A value of a type.
    Value(Ty),
}

struct TypeInfo {
    file: u32,
    sym: u32,
    simple: String,
    interface: bool,
    /// Reachable by a qualified name (not local, not anonymous).
    named: bool,
    supers: Vec<TypeIdx>,
    superclass: Option<TypeIdx>,
    /// Some declared supertype is outside the repository.
    external_super: bool,
    /// Methods, fields and member types by simple name.
    members: FxHashMap<String, Vec<u32>>,
    ctors: Vec<u32>,
    /// Methods in symbol order, static initialisers left out.
    methods: Vec<u32>,
}

struct Index<'a> {
    files: &'a [JavaFile<'a>],
    types: Vec<TypeInfo>,
    /// Per file and symbol, the type it declares or [`NO_TYPE`].
    type_of: Vec<Vec<TypeIdx>>,
    /// Each type and its supertypes, breadth first, the type itself first.
    ancestors: Vec<Vec<TypeIdx>>,
    by_fqcn: FxHashMap<String, Vec<TypeIdx>>,
    declared_packages: FxHashSet<String>,
    /// Declared packages and every prefix of them, up to
    /// [`MAX_QUALIFIED_SEGMENTS`] segments.
    package_prefixes: FxHashSet<String>,
    /// The length in bytes of the longest key of `by_fqcn` and
    /// `package_prefixes`: no longer dotted name can match one.
    max_name_len: usize,
    /// Bytes of names looked up, added up by every [`FileCtx`] when it is
    /// dropped.
    name_bytes_looked_up: AtomicU64,
    methods_by_name: FxHashMap<String, Vec<(u32, u32)>>,
    /// Per file: owner symbol to indices into `facts.type_params`.
    type_params: Vec<FxHashMap<u32, Vec<u32>>>,
    /// Per file: local and top-level classes by the non-type symbol that
    /// contains them (the module, a method, a field).
    local_types: Vec<FxHashMap<u32, Vec<u32>>>,
    /// Per file and symbol: a field's type or a method's return type.
    member_tys: Vec<Vec<Ty>>,
    /// Per file and symbol: a method's parameter types.
    param_tys: Vec<Vec<Vec<Ty>>>,
}

/// Resolves every reference and import of the given files.
pub(crate) fn resolve(files: &[JavaFile<'_>]) -> JavaResolved {
    let mut index = Index::new(files);

    // Supertypes, twice: the second pass finds member types inherited
    // through the supertypes that the first pass resolved.
    for use_inherited in [false, true] {
        let supers: Vec<Vec<(TypeIdx, Vec<TypeIdx>, bool)>> = (0..files.len())
            .into_par_iter()
            .map(|file| FileCtx::new(&index, to_u32(file), use_inherited).resolve_supers())
            .collect();
        for (t, resolved, external) in supers.into_iter().flatten() {
            let superclass = resolved
                .iter()
                .copied()
                .find(|&s| !index.types[s as usize].interface);
            let info = &mut index.types[t as usize];
            info.superclass = if info.interface { None } else { superclass };
            info.supers = resolved;
            info.external_super = external;
        }
        index.ancestors = compute_ancestors(&index.types);
    }

    // Declared types of members.
    let member_types: Vec<(Vec<Ty>, Vec<Vec<Ty>>)> = (0..files.len())
        .into_par_iter()
        .map(|file| FileCtx::new(&index, to_u32(file), true).member_types())
        .collect();
    for (file, (member_tys, param_tys)) in member_types.into_iter().enumerate() {
        index.member_tys[file] = member_tys;
        index.param_tys[file] = param_tys;
    }

    // References, per file.
    let results: Vec<(Vec<LocalEdge>, JavaStats)> = (0..files.len())
        .into_par_iter()
        .map(|file| FileCtx::new(&index, to_u32(file), true).resolve_file())
        .collect();
    let mut edges = Vec::new();
    let mut stats = JavaStats::default();
    for (file_edges, file_stats) in results {
        edges.extend(file_edges);
        stats.add(&file_stats);
    }
    stats.name_bytes_looked_up = index.name_bytes_looked_up.load(Ordering::Relaxed);
    JavaResolved {
        modules: files.iter().map(|f| f.facts.package.clone()).collect(),
        edges,
        stats,
    }
}

fn compute_ancestors(types: &[TypeInfo]) -> Vec<Vec<TypeIdx>> {
    types
        .par_iter()
        .enumerate()
        .map(|(t, _)| {
            let mut order = vec![to_u32(t)];
            let mut seen: FxHashSet<TypeIdx> = FxHashSet::default();
            seen.insert(to_u32(t));
            let mut next = 0;
            while next < order.len() {
                let current = order[next] as usize;
                next += 1;
                for &s in &types[current].supers {
                    if seen.insert(s) {
                        order.push(s);
                    }
                }
            }
            order
        })
        .collect()
}

impl<'a> Index<'a> {
    fn new(files: &'a [JavaFile<'a>]) -> Index<'a> {
        let mut types: Vec<TypeInfo> = Vec::new();
        let mut type_of: Vec<Vec<TypeIdx>> = Vec::with_capacity(files.len());
        let mut by_fqcn: FxHashMap<String, Vec<TypeIdx>> = FxHashMap::default();
        let mut declared_packages = FxHashSet::default();
        let mut package_prefixes = FxHashSet::default();
        let mut methods_by_name: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        let mut type_params = Vec::with_capacity(files.len());
        let mut local_types = Vec::with_capacity(files.len());

        for (file_idx, file) in files.iter().enumerate() {
            let file_idx = to_u32(file_idx);
            let symbols = &file.syntax.symbols;
            let decls = &file.facts.decls;
            let package = &file.facts.package;
            if !package.is_empty() {
                declared_packages.insert(package.clone());
                for prefix in dotted_prefixes(package).take(MAX_QUALIFIED_SEGMENTS) {
                    package_prefixes.insert(prefix.to_owned());
                }
            }

            // Types, in symbol order, so a parent's type exists before its
            // children's.
            let mut file_types = vec![NO_TYPE; symbols.len()];
            let mut named = vec![true; symbols.len()];
            for (sym_idx, sym) in symbols.iter().enumerate().skip(1) {
                let Some(Decl::Type { .. }) = decls.get(sym_idx) else {
                    continue;
                };
                let parent = sym.parent.unwrap_or(0) as usize;
                let simple = own_segment(symbols, sym_idx).to_owned();
                let is_anonymous = simple.starts_with("<anonymous");
                let is_named = !is_anonymous
                    && sym.kind != SymbolKind::Constant
                    && (parent == 0 || (file_types[parent] != NO_TYPE && named[parent]));
                named[sym_idx] = is_named;
                let t = to_u32(types.len());
                file_types[sym_idx] = t;
                types.push(TypeInfo {
                    file: file_idx,
                    sym: to_u32(sym_idx),
                    simple,
                    interface: sym.kind == SymbolKind::Interface,
                    named: is_named,
                    supers: Vec::new(),
                    superclass: None,
                    external_super: false,
                    members: FxHashMap::default(),
                    ctors: Vec::new(),
                    methods: Vec::new(),
                });
                if is_named {
                    let fqcn = if package.is_empty() {
                        sym.local_name.clone()
                    } else {
                        format!("{package}.{}", sym.local_name)
                    };
                    if dotted_prefixes(&fqcn).nth(MAX_QUALIFIED_SEGMENTS).is_none() {
                        by_fqcn.entry(fqcn).or_default().push(t);
                    }
                }
            }

            // Members, local classes and methods by name.
            let mut locals: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
            for (sym_idx, sym) in symbols.iter().enumerate().skip(1) {
                let parent = sym.parent.unwrap_or(0);
                let parent_type = file_types[parent as usize];
                let is_type = file_types[sym_idx] != NO_TYPE;
                if parent_type == NO_TYPE {
                    if is_type {
                        locals.entry(parent).or_default().push(to_u32(sym_idx));
                    }
                    continue;
                }
                let info = &mut types[parent_type as usize];
                match sym.kind {
                    SymbolKind::Constructor => info.ctors.push(to_u32(sym_idx)),
                    SymbolKind::Method => {
                        let name = member_name(symbols, sym_idx);
                        if name != "<clinit>" {
                            info.methods.push(to_u32(sym_idx));
                            info.members
                                .entry(name.to_owned())
                                .or_default()
                                .push(to_u32(sym_idx));
                            methods_by_name
                                .entry(name.to_owned())
                                .or_default()
                                .push((file_idx, to_u32(sym_idx)));
                        }
                    }
                    _ => {
                        let name = own_segment(symbols, sym_idx);
                        info.members
                            .entry(name.to_owned())
                            .or_default()
                            .push(to_u32(sym_idx));
                    }
                }
            }
            local_types.push(locals);

            let mut params: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
            for (idx, param) in file.facts.type_params.iter().enumerate() {
                params.entry(param.owner).or_default().push(to_u32(idx));
            }
            type_params.push(params);
            type_of.push(file_types);
        }

        let member_tys = files
            .iter()
            .map(|f| vec![Ty::UNKNOWN; f.syntax.symbols.len()])
            .collect();
        let param_tys = files
            .iter()
            .map(|f| vec![Vec::new(); f.syntax.symbols.len()])
            .collect();
        let max_name_len = by_fqcn
            .keys()
            .chain(&package_prefixes)
            .map(String::len)
            .max()
            .unwrap_or(0);
        Index {
            files,
            ancestors: (0..types.len()).map(|t| vec![to_u32(t)]).collect(),
            types,
            type_of,
            by_fqcn,
            declared_packages,
            package_prefixes,
            max_name_len,
            name_bytes_looked_up: AtomicU64::new(0),
            methods_by_name,
            type_params,
            local_types,
            member_tys,
            param_tys,
        }
    }

    fn symbols(&self, file: u32) -> &'a [crate::model::LocalSymbol] {
        &self.files[file as usize].syntax.symbols
    }

    fn decl(&self, file: u32, sym: u32) -> &'a Decl {
        &self.files[file as usize].facts.decls[sym as usize]
    }

    fn kind(&self, file: u32, sym: u32) -> SymbolKind {
        self.symbols(file)[sym as usize].kind
    }

    fn parent(&self, file: u32, sym: u32) -> Option<u32> {
        self.symbols(file)[sym as usize].parent
    }

    /// Finds the member type `name` of `t`, declared or inherited.
    fn member_type(&self, t: TypeIdx, name: &str) -> Option<TypeIdx> {
        for &a in &self.ancestors[t as usize] {
            let info = &self.types[a as usize];
            if let Some(syms) = info.members.get(name) {
                for &sym in syms {
                    let found = self.type_of[info.file as usize][sym as usize];
                    if found != NO_TYPE && self.types[found as usize].named {
                        return Some(found);
                    }
                }
            }
        }
        None
    }

    /// Finds the field `name` of `t`, declared or inherited.
    fn find_field(&self, t: TypeIdx, name: &str) -> Option<(u32, u32)> {
        for &a in &self.ancestors[t as usize] {
            let info = &self.types[a as usize];
            if let Some(syms) = info.members.get(name) {
                for &sym in syms {
                    if matches!(
                        self.kind(info.file, sym),
                        SymbolKind::Field | SymbolKind::Constant
                    ) {
                        return Some((info.file, sym));
                    }
                }
            }
        }
        None
    }

    /// Finds the methods named `name` that `t` declares or inherits. A method
    /// that a subtype overrides with the same parameter list is left out.
    fn find_methods(&self, t: TypeIdx, name: &str) -> Vec<(u32, u32)> {
        let mut found: Vec<(u32, u32)> = Vec::new();
        let mut signatures: Vec<&str> = Vec::new();
        for &a in &self.ancestors[t as usize] {
            let info = &self.types[a as usize];
            let Some(syms) = info.members.get(name) else {
                continue;
            };
            for &sym in syms {
                if self.kind(info.file, sym) != SymbolKind::Method {
                    continue;
                }
                let signature = own_segment(self.symbols(info.file), sym as usize);
                if !signatures
                    .iter()
                    .any(|seen| same_parameter_types(seen, signature))
                {
                    signatures.push(signature);
                    found.push((info.file, sym));
                }
            }
        }
        found
    }

    /// True when `t` or a supertype is outside the repository, so members
    /// may exist that the index does not know.
    fn has_external_ancestor(&self, t: TypeIdx) -> bool {
        self.ancestors[t as usize]
            .iter()
            .any(|&a| self.types[a as usize].external_super)
    }

    fn is_subtype(&self, t: TypeIdx, of: TypeIdx) -> bool {
        self.ancestors[t as usize].contains(&of)
    }
}

/// The last segment of a symbol's local name; for a method, with its
/// parameter list.
fn own_segment(symbols: &[crate::model::LocalSymbol], sym: usize) -> &str {
    let name = &symbols[sym].local_name;
    let parent_len = symbols[sym]
        .parent
        .map_or(0, |p| symbols[p as usize].local_name.len());
    if parent_len == 0 {
        name
    } else {
        name.get(parent_len + 1..).unwrap_or(name)
    }
}

/// Returns true when two method signatures have the same name and
/// parameter types, each type compared by its last segment:
/// `send(HttpRequest,BodyHandler)` matches
/// `send(HttpRequest,HttpResponse.BodyHandler)`, so an override in a file
/// that imports the nested type hides the method it overrides.
fn same_parameter_types(a: &str, b: &str) -> bool {
    fn split(signature: &str) -> (&str, &str) {
        signature
            .split_once('(')
            .map_or((signature, ""), |(name, params)| {
                (name, params.trim_end_matches(')'))
            })
    }
    fn last(param: &str) -> &str {
        param.rsplit('.').next().unwrap_or(param)
    }
    let ((name_a, params_a), (name_b, params_b)) = (split(a), split(b));
    name_a == name_b
        && params_a.split(',').count() == params_b.split(',').count()
        && params_a
            .split(',')
            .zip(params_b.split(','))
            .all(|(x, y)| last(x) == last(y))
}

/// Returns a method's name without its parameter list.
fn member_name(symbols: &[crate::model::LocalSymbol], sym: usize) -> &str {
    let segment = own_segment(symbols, sym);
    segment.split_once('(').map_or(segment, |(name, _)| name)
}

/// The outcome of looking up a simple type name.
#[derive(Clone, Debug)]
struct Lookup {
    base: Option<Base>,
    /// The single import that binds the name, if one does.
    import_line: Option<u32>,
}

/// The outcome of choosing among a method's overloads.
struct Selected {
    targets: Vec<(u32, u32)>,
    exact: bool,
}

/// Resolution inside one file: its imports, and caches of name lookups.
struct FileCtx<'i, 'a> {
    index: &'i Index<'a>,
    file: u32,
    facts: &'a JavaFacts,
    /// Look up member types through supertypes (false while the supertypes
    /// themselves are being resolved for the first time).
    use_inherited: bool,
    /// Single-type imports: simple name to canonical name and line.
    single: FxHashMap<&'a str, Vec<(String, u32)>>,
    on_demand: Vec<String>,
    /// Single static imports: member name to owner type and line.
    static_single: FxHashMap<&'a str, Vec<(String, u32)>>,
    static_on_demand: Vec<String>,
    /// Simple type names looked up from a scope symbol outwards.
    cache: RefCell<FxHashMap<u32, FxHashMap<String, Lookup>>>,
    /// Local variables by name.
    locals: FxHashMap<&'a str, Vec<u32>>,
    /// Type parameters (indices into `facts.type_params`) whose bounds are
    /// being resolved, so that a bound that names its own parameter, as
    /// error recovery can produce from `<T extends T>`, ends the lookup.
    bounds_in_progress: RefCell<FxHashSet<u32>>,
    /// Bytes of names looked up by this context, see
    /// [`JavaStats::name_bytes_looked_up`].
    name_bytes_looked_up: Cell<u64>,
}

impl Drop for FileCtx<'_, '_> {
    fn drop(&mut self) {
        self.index
            .name_bytes_looked_up
            .fetch_add(self.name_bytes_looked_up.get(), Ordering::Relaxed);
    }
}

impl<'i, 'a> FileCtx<'i, 'a> {
    fn new(index: &'i Index<'a>, file: u32, use_inherited: bool) -> FileCtx<'i, 'a> {
        let facts = index.files[file as usize].facts;
        let mut single: FxHashMap<&'a str, Vec<(String, u32)>> = FxHashMap::default();
        let mut on_demand = Vec::new();
        let mut static_single: FxHashMap<&'a str, Vec<(String, u32)>> = FxHashMap::default();
        let mut static_on_demand = Vec::new();
        for import in &facts.imports {
            let Some(last) = import.path.last() else {
                continue;
            };
            match (import.is_static, import.on_demand) {
                (false, false) => single
                    .entry(last.as_str())
                    .or_default()
                    .push((import.path.join("."), import.line)),
                (false, true) => on_demand.push(import.path.join(".")),
                (true, false) => {
                    let owner = import.path[..import.path.len() - 1].join(".");
                    static_single
                        .entry(last.as_str())
                        .or_default()
                        .push((owner, import.line));
                }
                (true, true) => static_on_demand.push(import.path.join(".")),
            }
        }
        let mut locals: FxHashMap<&'a str, Vec<u32>> = FxHashMap::default();
        for (idx, local) in facts.locals.iter().enumerate() {
            locals
                .entry(local.name.as_str())
                .or_default()
                .push(to_u32(idx));
        }
        FileCtx {
            index,
            file,
            facts,
            use_inherited,
            single,
            on_demand,
            static_single,
            static_on_demand,
            cache: RefCell::new(FxHashMap::default()),
            locals,
            bounds_in_progress: RefCell::new(FxHashSet::default()),
            name_bytes_looked_up: Cell::new(0),
        }
    }

    // ---- Types -----------------------------------------------------------

    /// Finds a repository type by its canonical name. When several files
    /// declare it (copies under different source roots), the one whose
    /// path shares the longest prefix with this file wins.
    fn find_fqcn(&self, fqcn: &str) -> Option<TypeIdx> {
        self.count_lookup(fqcn);
        let found = self.index.by_fqcn.get(fqcn)?;
        if found.len() == 1 {
            return Some(found[0]);
        }
        let own_path = self.index.files[self.file as usize].path;
        found.iter().copied().max_by_key(|&t| {
            let path = self.index.files[self.index.types[t as usize].file as usize].path;
            (common_prefix(own_path, path), std::cmp::Reverse(t))
        })
    }

    fn is_package_prefix(&self, dotted: &str) -> bool {
        self.count_lookup(dotted);
        self.index.package_prefixes.contains(dotted)
    }

    fn count_lookup(&self, name: &str) {
        let bytes = u64::try_from(name.len()).unwrap_or(u64::MAX);
        self.name_bytes_looked_up
            .set(self.name_bytes_looked_up.get().saturating_add(bytes));
    }

    fn member_type(&self, t: TypeIdx, name: &str) -> Option<TypeIdx> {
        if self.use_inherited {
            return self.index.member_type(t, name);
        }
        let info = &self.index.types[t as usize];
        let syms = info.members.get(name)?;
        syms.iter()
            .map(|&sym| self.index.type_of[info.file as usize][sym as usize])
            .find(|&found| found != NO_TYPE && self.index.types[found as usize].named)
    }

    /// Resolves a written type in the scope of a symbol of this file.
    fn resolve_type(&self, scope: u32, name: &TypeName) -> Ty {
        let base = match name.segments.as_slice() {
            [] => Base::Unknown,
            [single] => match PRIMITIVES.iter().find(|p| **p == single.as_str()) {
                Some(primitive) => Base::Primitive(primitive),
                None => self
                    .lookup_simple(scope, single)
                    .unwrap_or_else(|| Base::External(single.clone())),
            },
            segments => self.resolve_qualified(scope, segments),
        };
        Ty {
            base,
            dims: name.dims,
        }
    }

    fn resolve_qualified(&self, scope: u32, segments: &[String]) -> Base {
        let last = segments.last().cloned().unwrap_or_default();
        // `Outer.Inner` where `Outer` is visible by its simple name.
        if let Some(base) = self.lookup_simple(scope, &segments[0]) {
            return match base {
                Base::Repo(t) => self
                    .walk_members(t, &segments[1..])
                    .map_or(Base::External(last), Base::Repo),
                _ => Base::External(last),
            };
        }
        // `pkg.Outer.Inner`: the longest prefix that names a type. Every
        // prefix of a type's name is a package or a type, so the search
        // stops at the first prefix that is neither.
        let mut prefix = String::new();
        let mut longest: Option<(usize, TypeIdx)> = None;
        for (idx, segment) in segments.iter().take(MAX_QUALIFIED_SEGMENTS).enumerate() {
            if idx > 0 {
                prefix.push('.');
            }
            prefix.push_str(segment);
            match self.find_fqcn(&prefix) {
                Some(t) => longest = Some((idx + 1, t)),
                None if self.is_package_prefix(&prefix) => {}
                None => break,
            }
        }
        match longest {
            Some((end, t)) => self
                .walk_members(t, &segments[end..])
                .map_or(Base::External(last), Base::Repo),
            None => Base::External(last),
        }
    }

    fn walk_members(&self, mut t: TypeIdx, rest: &[String]) -> Option<TypeIdx> {
        for segment in rest {
            t = self.member_type(t, segment)?;
        }
        Some(t)
    }

    /// Looks up a simple type name from `scope` outwards: type parameters,
    /// the enclosing types and their member types (declared and inherited),
    /// local classes, then the file's imports, its package, on-demand
    /// imports and `java.lang`. `None` when nothing names it.
    fn lookup_simple(&self, scope: u32, name: &str) -> Option<Base> {
        self.lookup(scope, name).base
    }

    /// Returns the line of the single-type or single static import that binds the
    /// simple type name `name` in `scope`, if one does.
    fn import_line(&self, scope: u32, name: &str) -> Option<u32> {
        self.lookup(scope, name).import_line
    }

    fn lookup(&self, scope: u32, name: &str) -> Lookup {
        let mut visited: Vec<u32> = Vec::new();
        let mut current = Some(scope);
        let mut result: Option<Lookup> = None;
        while let Some(sym) = current {
            let cached = self
                .cache
                .borrow()
                .get(&sym)
                .and_then(|by_name| by_name.get(name).cloned());
            if let Some(cached) = cached {
                result = Some(cached);
                break;
            }
            visited.push(sym);
            if let Some(found) = self.lookup_in_symbol(sym, name) {
                result = Some(Lookup {
                    base: Some(found),
                    import_line: None,
                });
                break;
            }
            current = self.index.parent(self.file, sym);
        }
        let result = match result {
            Some(result) => result,
            None => self.lookup_in_file(name),
        };
        let mut cache = self.cache.borrow_mut();
        for sym in visited {
            cache
                .entry(sym)
                .or_default()
                .insert(name.to_owned(), result.clone());
        }
        result
    }

    fn lookup_in_symbol(&self, sym: u32, name: &str) -> Option<Base> {
        let index = self.index;
        let file = self.file as usize;
        if let Some(params) = index.type_params[file].get(&sym) {
            for &param_idx in params {
                let param = &self.facts.type_params[param_idx as usize];
                if param.name == name {
                    let bound = param
                        .bound
                        .as_ref()
                        .and_then(|bound| self.resolve_bound(sym, param_idx, bound));
                    return Some(Base::TypeVar(bound));
                }
            }
        }
        let t = index.type_of[file][sym as usize];
        if t != NO_TYPE {
            let info = &index.types[t as usize];
            if info.simple == name {
                return Some(Base::Repo(t));
            }
            return self.member_type(t, name).map(Base::Repo);
        }
        let locals = index.local_types[file].get(&sym)?;
        locals
            .iter()
            .map(|&child| index.type_of[file][child as usize])
            .find(|&child| child != NO_TYPE && index.types[child as usize].simple == name)
            .map(Base::Repo)
    }

    /// Resolves the bound of type parameter `param_idx`, declared by
    /// `owner`, to a repository type. The bound is resolved from outside
    /// the declaring symbol, as Java scopes it. A parameter of the module
    /// symbol (only error recovery puts one there) has no outside, so its
    /// bound could name the parameter itself. A parameter whose bound is
    /// already being resolved yields no bound instead of recursing, and so
    /// does a chain of bounds deeper than [`MAX_BOUND_DEPTH`].
    fn resolve_bound(&self, owner: u32, param_idx: u32, bound: &TypeName) -> Option<TypeIdx> {
        {
            let mut in_progress = self.bounds_in_progress.borrow_mut();
            if in_progress.len() >= MAX_BOUND_DEPTH || !in_progress.insert(param_idx) {
                return None;
            }
        }
        let outer = self.index.parent(self.file, owner).unwrap_or(0);
        let base = self.resolve_type(outer, bound).base;
        self.bounds_in_progress.borrow_mut().remove(&param_idx);
        match base {
            Base::Repo(t) => Some(t),
            _ => None,
        }
    }

    fn lookup_in_file(&self, name: &str) -> Lookup {
        if let Some(imports) = self.single.get(name) {
            let (fqcn, line) = &imports[0];
            let base = self
                .find_fqcn(fqcn)
                .map_or_else(|| Base::External(name.to_owned()), Base::Repo);
            return Lookup {
                base: Some(base),
                import_line: Some(*line),
            };
        }
        if let Some(owners) = self.static_single.get(name) {
            for (owner, line) in owners {
                if let Some(t) = self
                    .find_fqcn(owner)
                    .and_then(|o| self.member_type(o, name))
                {
                    return Lookup {
                        base: Some(Base::Repo(t)),
                        import_line: Some(*line),
                    };
                }
            }
        }
        Lookup {
            base: self.lookup_in_file_on_demand(name),
            import_line: None,
        }
    }

    /// Looks a simple type name up in the same package, the on-demand
    /// imports and `java.lang`, after the single imports.
    fn lookup_in_file_on_demand(&self, name: &str) -> Option<Base> {
        let package = &self.facts.package;
        let same_package = if package.is_empty() {
            name.to_owned()
        } else {
            format!("{package}.{name}")
        };
        if let Some(t) = self.find_fqcn(&same_package) {
            return Some(Base::Repo(t));
        }
        for owner in self.on_demand.iter().chain(&self.static_on_demand) {
            if let Some(t) = self.find_fqcn(&format!("{owner}.{name}")) {
                return Some(Base::Repo(t));
            }
            if let Some(t) = self
                .find_fqcn(owner)
                .and_then(|o| self.member_type(o, name))
            {
                return Some(Base::Repo(t));
            }
        }
        if let Some(t) = self.find_fqcn(&format!("java.lang.{name}")) {
            return Some(Base::Repo(t));
        }
        if JAVA_LANG.binary_search(&name).is_ok() {
            return Some(Base::External(name.to_owned()));
        }
        None
    }

    /// Lists the types whose bodies contain `scope`, innermost first.
    fn enclosing_types(&self, scope: u32) -> Vec<TypeIdx> {
        let mut out = Vec::new();
        let mut current = Some(scope);
        while let Some(sym) = current {
            let t = self.index.type_of[self.file as usize][sym as usize];
            if t != NO_TYPE {
                out.push(t);
            }
            current = self.index.parent(self.file, sym);
        }
        out
    }

    // ---- Phases ----------------------------------------------------------

    fn resolve_supers(&self) -> Vec<(TypeIdx, Vec<TypeIdx>, bool)> {
        let index = self.index;
        let file = self.file as usize;
        let mut out = Vec::new();
        for (sym, &t) in index.type_of[file].iter().enumerate() {
            if t == NO_TYPE {
                continue;
            }
            let Decl::Type {
                supers,
                enum_constant_body,
            } = index.decl(self.file, to_u32(sym))
            else {
                continue;
            };
            let parent = index.parent(self.file, to_u32(sym)).unwrap_or(0);
            let mut resolved = Vec::new();
            // Enums extend `java.lang.Enum` and records `java.lang.Record`,
            // whose methods (`name()`, `ordinal()`, ...) the index lacks.
            let mut external = matches!(
                index.kind(self.file, to_u32(sym)),
                SymbolKind::Enum | SymbolKind::Record
            );
            if *enum_constant_body {
                let enum_type = index.type_of[file][parent as usize];
                if enum_type != NO_TYPE {
                    resolved.push(enum_type);
                }
            }
            for name in supers {
                match self.resolve_type(parent, name).base {
                    Base::Repo(s) if s != t => resolved.push(s),
                    _ => external = true,
                }
            }
            out.push((t, resolved, external));
        }
        out
    }

    fn member_types(&self) -> (Vec<Ty>, Vec<Vec<Ty>>) {
        let index = self.index;
        let file = self.file as usize;
        let symbols = index.symbols(self.file);
        let mut member_tys = vec![Ty::UNKNOWN; symbols.len()];
        let mut param_tys = vec![Vec::new(); symbols.len()];
        for (sym, decl) in self.facts.decls.iter().enumerate() {
            let scope = to_u32(sym);
            let enclosing = symbols[sym]
                .parent
                .map_or(NO_TYPE, |p| index.type_of[file][p as usize]);
            match decl {
                Decl::Field { ty: Some(ty), .. } => member_tys[sym] = self.resolve_type(scope, ty),
                Decl::Field { ty: None, .. }
                | Decl::Type {
                    enum_constant_body: true,
                    ..
                } if enclosing != NO_TYPE => member_tys[sym] = Ty::of(Base::Repo(enclosing)),
                Decl::Method {
                    params, returns, ..
                } => {
                    if let Some(returns) = returns {
                        member_tys[sym] = self.resolve_type(scope, returns);
                    }
                    param_tys[sym] = params.iter().map(|p| self.resolve_type(scope, p)).collect();
                }
                _ => {}
            }
        }
        (member_tys, param_tys)
    }

    fn resolve_file(&self) -> (Vec<LocalEdge>, JavaStats) {
        let mut out = Output::default();
        if !self.index.files[self.file as usize].references {
            self.resolve_hierarchy(&mut out);
            return (out.edges, out.stats);
        }
        self.resolve_imports(&mut out);
        for type_use in &self.facts.type_uses {
            out.line = type_use.line;
            if let Some(line) = type_use
                .name
                .segments
                .first()
                .and_then(|head| self.import_line(type_use.scope, head))
            {
                out.scope((self.file, type_use.scope), line);
            }
            if let Base::Repo(t) = self.resolve_type(type_use.scope, &type_use.name).base {
                let target = &self.index.types[t as usize];
                out.exact(
                    (self.file, type_use.scope),
                    (target.file, target.sym),
                    type_use.kind,
                );
            }
        }
        let mut vals: Vec<Val> = Vec::with_capacity(self.facts.exprs.len());
        for (id, node) in self.facts.exprs.iter().enumerate() {
            out.line = node.line;
            let val = self.eval(to_u32(id), node, &vals, &mut out);
            vals.push(val);
        }
        self.resolve_hierarchy(&mut out);
        (out.edges, out.stats)
    }

    fn resolve_imports(&self, out: &mut Output) {
        let index = self.index;
        let module = (self.file, 0);
        for import in &self.facts.imports {
            out.stats.imports += 1;
            out.line = import.line;
            let joined = import.path.join(".");
            let owner = if import.is_static && !import.on_demand {
                import.path[..import.path.len().saturating_sub(1)].join(".")
            } else {
                joined.clone()
            };
            let Some(t) = self.find_fqcn(&owner) else {
                if !import.is_static
                    && import.on_demand
                    && index.declared_packages.contains(&joined)
                {
                    continue;
                }
                let package_declared = self.declares_package_prefix(&import.path);
                if package_declared {
                    out.stats.imports_unresolved += 1;
                } else {
                    out.stats.imports_external += 1;
                }
                continue;
            };
            let info = &index.types[t as usize];
            if import.is_static && !import.on_demand {
                let member = import.path.last().map(String::as_str).unwrap_or_default();
                let mut found = false;
                for &a in &index.ancestors[t as usize] {
                    let ancestor = &index.types[a as usize];
                    if let Some(syms) = ancestor.members.get(member) {
                        for &sym in syms {
                            out.exact(module, (ancestor.file, sym), EdgeKind::Import);
                            found = true;
                        }
                    }
                    if found {
                        break;
                    }
                }
                if !found {
                    out.exact(module, (info.file, info.sym), EdgeKind::Import);
                }
            } else {
                out.exact(module, (info.file, info.sym), EdgeKind::Import);
            }
        }
    }

    /// True when a proper prefix of `path` is a package that the repository
    /// declares. Prefixes are built one segment at a time and the search
    /// stops at the first one that starts no declared package.
    fn declares_package_prefix(&self, path: &[String]) -> bool {
        let index = self.index;
        let mut prefix = String::new();
        let proper = path.len().saturating_sub(1);
        for (idx, segment) in path[..proper]
            .iter()
            .take(MAX_QUALIFIED_SEGMENTS)
            .enumerate()
        {
            if idx > 0 {
                prefix.push('.');
            }
            prefix.push_str(segment);
            if !self.is_package_prefix(&prefix) {
                return false;
            }
            if index.declared_packages.contains(&prefix) {
                return true;
            }
        }
        false
    }

    /// Adds the inheritance edges of every type in this file (anonymous
    /// classes included) and override edges from each overridden method to
    /// its override, so that a change to an implementation reaches the
    /// callers of the interface or superclass method.
    ///
    /// A class also gets a `re_export` edge to each method it inherits and
    /// does not override, because the method is part of the class: a change
    /// to it lists the class as affected. The edge kind does not pass the
    /// change on to the class's own users, which reach the method through
    /// their own call edges when they use it.
    fn resolve_hierarchy(&self, out: &mut Output) {
        let index = self.index;
        let file = self.file as usize;
        for (sym, &t) in index.type_of[file].iter().enumerate() {
            if t == NO_TYPE {
                continue;
            }
            let info = &index.types[t as usize];
            out.line = index.symbols(self.file)[sym].span.start_line;
            for &s in &info.supers {
                let target = &index.types[s as usize];
                out.exact(
                    (self.file, to_u32(sym)),
                    (target.file, target.sym),
                    EdgeKind::Inherit,
                );
            }
            for inherited in self.inherited_methods(t) {
                out.exact((self.file, to_u32(sym)), inherited, EdgeKind::ReExport);
            }
        }
        // Methods in symbol order, each with the type that declares it.
        for (method, symbol) in index.symbols(self.file).iter().enumerate() {
            let Some(parent) = symbol.parent else {
                continue;
            };
            let t = index.type_of[file][parent as usize];
            if t == NO_TYPE {
                continue;
            }
            for target in self.overridden(t, to_u32(method)).into_iter().flatten() {
                out.line = index.symbols(target.0)[target.1 as usize].span.start_line;
                out.exact(target, (self.file, to_u32(method)), EdgeKind::Override);
            }
        }
    }

    /// Lists the methods that `t` inherits from its supertypes and does not
    /// override, nearest supertype first. Private methods and the static
    /// methods of interfaces are not inherited.
    fn inherited_methods(&self, t: TypeIdx) -> Vec<(u32, u32)> {
        let index = self.index;
        let mut seen: FxHashMap<&str, Vec<&Vec<Ty>>> = FxHashMap::default();
        let mut out = Vec::new();
        for (depth, &a) in index.ancestors[t as usize].iter().enumerate() {
            let info = &index.types[a as usize];
            for &method in &info.methods {
                let Decl::Method { modifiers, .. } = index.decl(info.file, method) else {
                    continue;
                };
                let hidden = modifiers & modifier::PRIVATE != 0
                    || (info.interface && modifiers & modifier::STATIC != 0);
                if depth > 0 && hidden {
                    continue;
                }
                let name = member_name(index.symbols(info.file), method as usize);
                let params = &index.param_tys[info.file as usize][method as usize];
                let earlier = seen.entry(name).or_default();
                let overridden = earlier.iter().any(|other| {
                    other.len() == params.len()
                        && other.iter().zip(params).all(|(x, y)| same_erasure(x, y))
                });
                if !overridden {
                    earlier.push(params);
                    if depth > 0 {
                        out.push((info.file, method));
                    }
                }
            }
        }
        out
    }

    /// Finds the nearest methods in the supertypes of `t` that `method` (a member
    /// of `t`) overrides: same name, same number of parameters and the same
    /// erased parameter types, where a type parameter matches any type.
    // NOTE: a class that implements an interface method with a method it
    // inherits from its superclass gets no override edge for it.
    fn overridden(&self, t: TypeIdx, method: u32) -> Option<Vec<(u32, u32)>> {
        let index = self.index;
        if !self.is_overridable(self.file, method) {
            return None;
        }
        let name = member_name(index.symbols(self.file), method as usize);
        let params = &index.param_tys[self.file as usize][method as usize];

        // Breadth first through the supertypes, not past a match.
        let mut found = Vec::new();
        let mut queue: Vec<TypeIdx> = index.types[t as usize].supers.clone();
        let mut seen: FxHashSet<TypeIdx> = queue.iter().copied().collect();
        let mut next = 0;
        while next < queue.len() {
            let info = &index.types[queue[next] as usize];
            next += 1;
            let candidates = info.members.get(name).into_iter().flatten();
            let matching = candidates.copied().find(|&candidate| {
                let other = &index.param_tys[info.file as usize][candidate as usize];
                self.is_overridable(info.file, candidate)
                    && other.len() == params.len()
                    && other.iter().zip(params).all(|(a, b)| same_erasure(a, b))
            });
            if let Some(candidate) = matching {
                found.push((info.file, candidate));
                continue;
            }
            for &up in &info.supers {
                if seen.insert(up) {
                    queue.push(up);
                }
            }
        }
        (!found.is_empty()).then_some(found)
    }

    /// True for a method that subclasses can override: not static, not
    /// private, and neither a constructor nor an initialiser.
    fn is_overridable(&self, file: u32, sym: u32) -> bool {
        let index = self.index;
        let hidden = modifier::STATIC | modifier::PRIVATE;
        index.kind(file, sym) == SymbolKind::Method
            && matches!(index.decl(file, sym), Decl::Method { modifiers, .. } if modifiers & hidden == 0)
    }

    // ---- Expressions -----------------------------------------------------

    fn eval(&self, id: ExprId, node: &ExprNode, vals: &[Val], out: &mut Output) -> Val {
        let source = (self.file, node.scope);
        match &node.expr {
            Expr::Name(name) => self.eval_name(id, node, name, vals, out),
            Expr::Field { object, name } => {
                self.eval_field(source, &vals[*object as usize], name, out)
            }
            Expr::Call { object, name, args } => {
                let receiver = object.map(|o| &vals[o as usize]);
                let args: Vec<&Val> = args.iter().map(|a| &vals[*a as usize]).collect();
                self.eval_call(node, receiver, name, &args, out)
            }
            Expr::New {
                ty,
                outer,
                args,
                body,
            } => {
                let args: Vec<&Val> = args.iter().map(|a| &vals[*a as usize]).collect();
                self.eval_new(
                    node,
                    ty,
                    outer.map(|o| &vals[o as usize]),
                    &args,
                    *body,
                    out,
                )
            }
            Expr::CtorCall { target, args } => {
                let args: Vec<&Val> = args.iter().map(|a| &vals[*a as usize]).collect();
                self.eval_ctor_call(node, *target, &args, out);
                Val::Unknown
            }
            Expr::MethodRef { receiver, name } => {
                let receiver = match receiver {
                    MethodRefReceiver::Expr(e) => vals[*e as usize].clone(),
                    MethodRefReceiver::Type(ty) => {
                        let ty = self.resolve_type(node.scope, ty);
                        if let Base::Repo(t) = ty.base {
                            let info = &self.index.types[t as usize];
                            out.exact(source, (info.file, info.sym), EdgeKind::TypeRef);
                        }
                        Val::Type(ty)
                    }
                };
                self.eval_method_ref(source, &receiver, name.as_deref(), out);
                Val::Unknown
            }
            Expr::This => self
                .enclosing_types(node.scope)
                .first()
                .map_or(Val::Unknown, |&t| Val::Value(Ty::of(Base::Repo(t)))),
            Expr::Super => match self.enclosing_types(node.scope).first() {
                Some(&t) => Val::Value(self.superclass_ty(t)),
                None => Val::Unknown,
            },
            Expr::QualifiedThis(ty) => Val::Value(self.resolve_type(node.scope, ty)),
            Expr::QualifiedSuper(ty) => {
                let ty = self.resolve_type(node.scope, ty);
                match ty.base {
                    Base::Repo(t) if !self.index.types[t as usize].interface => {
                        Val::Value(self.superclass_ty(t))
                    }
                    _ => Val::Value(ty),
                }
            }
            Expr::Literal(literal) => Val::Value(literal_ty(*literal)),
            Expr::Typed(ty) => Val::Value(self.resolve_type(node.scope, ty)),
            Expr::ArrayAccess(array) => match &vals[*array as usize] {
                Val::Value(ty) if ty.dims > 0 => Val::Value(Ty {
                    base: ty.base.clone(),
                    dims: ty.dims - 1,
                }),
                _ => Val::Unknown,
            },
            Expr::Conditional(a, b) => match &vals[*a as usize] {
                Val::Value(ty) if ty.base != Base::Null && ty.base != Base::Unknown => {
                    Val::Value(ty.clone())
                }
                _ => vals[*b as usize].clone(),
            },
            Expr::Binary { left, right, op } => {
                let left = &vals[*left as usize];
                let right = &vals[*right as usize];
                match op {
                    BinaryOp::Boolean => Val::Value(Ty::of(Base::Primitive("boolean"))),
                    BinaryOp::Plus if is_string(left) || is_string(right) => {
                        Val::Value(Ty::external("String"))
                    }
                    BinaryOp::Plus | BinaryOp::Arithmetic => match left {
                        Val::Value(ty) if matches!(ty.base, Base::Primitive(_)) => left.clone(),
                        _ => Val::Unknown,
                    },
                }
            }
            Expr::CaseLabel { name, selector } => {
                if let Some(Val::Value(Ty {
                    base: Base::Repo(t),
                    dims: 0,
                })) = selector.map(|s| &vals[s as usize])
                    && let Some(field) = self.index.find_field(*t, name)
                {
                    out.exact(source, field, EdgeKind::Reference);
                }
                Val::Unknown
            }
            Expr::Unknown => Val::Unknown,
        }
    }

    fn superclass_ty(&self, t: TypeIdx) -> Ty {
        let info = &self.index.types[t as usize];
        match info.superclass {
            Some(s) => Ty::of(Base::Repo(s)),
            None => Ty::external("Object"),
        }
    }

    fn local_type(&self, id: ExprId, node: &ExprNode, name: &str, vals: &[Val]) -> Option<Ty> {
        let candidates = self.locals.get(name)?;
        let local = candidates
            .iter()
            .map(|&l| &self.facts.locals[l as usize])
            .filter(|l| l.start <= node.pos && node.pos < l.end)
            .max_by_key(|l| l.start)?;
        let ty = match &local.ty {
            LocalType::Declared(ty) => self.resolve_type(node.scope, ty),
            LocalType::Inferred(init) if *init < id => match &vals[*init as usize] {
                Val::Value(ty) => ty.clone(),
                _ => Ty::UNKNOWN,
            },
            LocalType::Element(iterable) if *iterable < id => match &vals[*iterable as usize] {
                Val::Value(ty) if ty.dims > 0 => Ty {
                    base: ty.base.clone(),
                    dims: ty.dims - 1,
                },
                _ => Ty::UNKNOWN,
            },
            LocalType::OneOf(alternatives) => {
                let mut resolved = alternatives
                    .iter()
                    .map(|a| self.resolve_type(node.scope, a));
                let first = resolved.next().unwrap_or(Ty::UNKNOWN);
                let mut all_external = matches!(first.base, Base::External(_));
                let mut all_same = true;
                for other in resolved {
                    all_external &= matches!(other.base, Base::External(_));
                    all_same &= other == first;
                }
                if all_same {
                    first
                } else if all_external {
                    Ty::opaque()
                } else {
                    Ty::UNKNOWN
                }
            }
            _ => Ty::UNKNOWN,
        };
        Some(ty)
    }

    fn eval_name(
        &self,
        id: ExprId,
        node: &ExprNode,
        name: &str,
        vals: &[Val],
        out: &mut Output,
    ) -> Val {
        let source = (self.file, node.scope);
        if let Some(ty) = self.local_type(id, node, name, vals) {
            return Val::Value(ty);
        }
        for t in self.enclosing_types(node.scope) {
            if let Some(field) = self.index.find_field(t, name) {
                out.exact(source, field, EdgeKind::Reference);
                return Val::Value(self.member_ty(field));
            }
        }
        if let Some((field, line)) = self.static_import_field(name) {
            out.exact(source, field, EdgeKind::Reference);
            if let Some(line) = line {
                out.scope(source, line);
            }
            return Val::Value(self.member_ty(field));
        }
        if let Some(line) = self.import_line(node.scope, name) {
            out.scope(source, line);
        }
        match self.lookup_simple(node.scope, name) {
            Some(Base::Repo(t)) => {
                let info = &self.index.types[t as usize];
                out.exact(source, (info.file, info.sym), EdgeKind::TypeRef);
                Val::Type(Ty::of(Base::Repo(t)))
            }
            Some(base) => Val::Type(Ty::of(base)),
            None if starts_uppercase(name) => Val::Type(Ty::external(name)),
            None => Val::Package(name.to_owned()),
        }
    }

    fn eval_field(&self, source: (u32, u32), object: &Val, name: &str, out: &mut Output) -> Val {
        let index = self.index;
        match object {
            Val::Type(Ty {
                base: Base::Repo(t),
                dims: 0,
            }) => {
                if let Some(field) = index.find_field(*t, name) {
                    out.exact(source, field, EdgeKind::Reference);
                    return Val::Value(self.member_ty(field));
                }
                if let Some(member) = index.member_type(*t, name) {
                    let info = &index.types[member as usize];
                    out.exact(source, (info.file, info.sym), EdgeKind::TypeRef);
                    return Val::Type(Ty::of(Base::Repo(member)));
                }
                if index.has_external_ancestor(*t) {
                    Val::Value(Ty::opaque())
                } else {
                    Val::Unknown
                }
            }
            Val::Value(ty) if ty.dims > 0 => {
                if name == "length" {
                    Val::Value(Ty::of(Base::Primitive("int")))
                } else {
                    Val::Unknown
                }
            }
            Val::Value(ty) => match (receiver_type(ty), &ty.base) {
                (Some(t), _) => match index.find_field(t, name) {
                    Some(field) => {
                        out.exact(source, field, EdgeKind::Reference);
                        Val::Value(self.member_ty(field))
                    }
                    None if index.has_external_ancestor(t) => Val::Value(Ty::opaque()),
                    None => Val::Unknown,
                },
                (None, Base::External(_)) => Val::Value(Ty::opaque()),
                (None, _) => Val::Unknown,
            },
            Val::Package(package) if package.len() + 1 + name.len() <= index.max_name_len => {
                let dotted = format!("{package}.{name}");
                if let Some(t) = self.find_fqcn(&dotted) {
                    let info = &index.types[t as usize];
                    out.exact(source, (info.file, info.sym), EdgeKind::TypeRef);
                    Val::Type(Ty::of(Base::Repo(t)))
                } else if self.is_package_prefix(&dotted) || !starts_uppercase(name) {
                    Val::Package(dotted)
                } else {
                    Val::Type(Ty::external(name))
                }
            }
            Val::Package(_) | Val::LongName => {
                if starts_uppercase(name) {
                    Val::Type(Ty::external(name))
                } else {
                    Val::LongName
                }
            }
            Val::Type(Ty {
                base: Base::External(_),
                ..
            }) => Val::Value(Ty::opaque()),
            Val::Type(_) | Val::Unknown => Val::Unknown,
        }
    }

    fn member_ty(&self, (file, sym): (u32, u32)) -> Ty {
        self.index.member_tys[file as usize][sym as usize].clone()
    }

    /// Finds the field that a static import brings in as `name`, with the line
    /// of the import when it is a single static import.
    fn static_import_field(&self, name: &str) -> Option<((u32, u32), Option<u32>)> {
        for (owner, line) in self.static_single.get(name).into_iter().flatten() {
            if let Some(field) = self
                .find_fqcn(owner)
                .and_then(|t| self.index.find_field(t, name))
            {
                return Some((field, Some(*line)));
            }
        }
        for owner in &self.static_on_demand {
            if let Some(field) = self
                .find_fqcn(owner)
                .and_then(|t| self.index.find_field(t, name))
            {
                return Some((field, None));
            }
        }
        None
    }

    /// Finds the methods that static imports bring in as `name`: those of the
    /// first single static import that has some, else those of every
    /// on-demand static import.
    fn static_import_methods(&self, name: &str) -> (Vec<(u32, u32)>, Option<u32>) {
        for (owner, line) in self.static_single.get(name).into_iter().flatten() {
            if let Some(t) = self.find_fqcn(owner) {
                let found = self.index.find_methods(t, name);
                if !found.is_empty() {
                    return (found, Some(*line));
                }
            }
        }
        let mut found = Vec::new();
        for owner in &self.static_on_demand {
            if let Some(t) = self.find_fqcn(owner) {
                found.extend(self.index.find_methods(t, name));
            }
        }
        (found, None)
    }

    fn eval_call(
        &self,
        node: &ExprNode,
        receiver: Option<&Val>,
        name: &str,
        args: &[&Val],
        out: &mut Output,
    ) -> Val {
        let index = self.index;
        let source = (self.file, node.scope);
        out.stats.calls += 1;
        let (methods, receiver_type) = match receiver {
            None => {
                // The innermost enclosing class that has a method of that
                // name decides, as in Java, and static imports come after.
                let mut found = Vec::new();
                let mut owner = None;
                for t in self.enclosing_types(node.scope) {
                    found = index.find_methods(t, name);
                    if !found.is_empty() {
                        owner = Some(t);
                        break;
                    }
                }
                if found.is_empty() {
                    let (imported, line) = self.static_import_methods(name);
                    found = imported;
                    if let Some(line) = line {
                        out.scope(source, line);
                    }
                }
                if found.is_empty() {
                    let accessor = self
                        .enclosing_types(node.scope)
                        .into_iter()
                        .find_map(|t| self.record_accessor(t, name, args.len()));
                    if let Some(accessor) = accessor {
                        out.stats.calls_exact += 1;
                        out.exact(source, accessor, EdgeKind::Call);
                        return Val::Value(self.member_ty(accessor));
                    }
                }
                if found.is_empty() {
                    if let Some(ty) = object_method_type(name) {
                        out.stats.calls_external += 1;
                        return Val::Value(ty);
                    }
                    let inherits_external = self
                        .enclosing_types(node.scope)
                        .iter()
                        .any(|&t| index.has_external_ancestor(t));
                    if inherits_external
                        || !self.static_on_demand.is_empty()
                        || !self.static_single.is_empty()
                    {
                        out.stats.calls_external += 1;
                        return Val::Value(Ty::opaque());
                    }
                    out.stats.calls_unresolved += 1;
                    return Val::Unknown;
                }
                (found, owner)
            }
            Some(Val::Type(ty) | Val::Value(ty)) => match (receiver_type(ty), &ty.base) {
                (Some(t), _) => (index.find_methods(t, name), Some(t)),
                (None, Base::Unknown) => {
                    self.candidates_by_name(source, name, Some(args.len()), out);
                    return object_method_type(name).map_or(Val::Unknown, Val::Value);
                }
                (None, _) => {
                    // NOTE: a call on a library interface (`Runnable.run()`)
                    // may dispatch to a repository implementation, but no
                    // edge links it there.
                    out.stats.calls_external += 1;
                    return Val::Value(Ty::opaque());
                }
            },
            Some(Val::Package(_) | Val::LongName | Val::Unknown) => {
                self.candidates_by_name(source, name, Some(args.len()), out);
                return object_method_type(name).map_or(Val::Unknown, Val::Value);
            }
        };
        if methods.is_empty() {
            if let Some(accessor) =
                receiver_type.and_then(|t| self.record_accessor(t, name, args.len()))
            {
                out.stats.calls_exact += 1;
                out.exact(source, accessor, EdgeKind::Call);
                return Val::Value(self.member_ty(accessor));
            }
            if let Some(ty) = object_method_type(name) {
                out.stats.calls_external += 1;
                return Val::Value(ty);
            }
            if receiver_type.is_some_and(|t| index.has_external_ancestor(t)) {
                out.stats.calls_external += 1;
                return Val::Value(Ty::opaque());
            }
            out.stats.calls_unresolved += 1;
            return Val::Unknown;
        }
        let selected = self.select(&methods, args);
        self.emit_call(source, &selected, out);
        self.return_value(&selected)
    }

    /// Finds the component behind the implicit accessor `name()` of a record.
    fn record_accessor(&self, t: TypeIdx, name: &str, arity: usize) -> Option<(u32, u32)> {
        let info = &self.index.types[t as usize];
        if arity != 0 || self.index.kind(info.file, info.sym) != SymbolKind::Record {
            return None;
        }
        let syms = info.members.get(name)?;
        syms.iter()
            .find(|&&sym| self.index.kind(info.file, sym) == SymbolKind::Field)
            .map(|&sym| (info.file, sym))
    }

    fn return_value(&self, selected: &Selected) -> Val {
        let mut tys = selected.targets.iter().map(|&m| self.member_ty(m));
        match tys.next() {
            Some(first) if first.base != Base::Unknown && tys.all(|t| t == first) => {
                Val::Value(first)
            }
            _ => Val::Unknown,
        }
    }

    fn emit_call(&self, source: (u32, u32), selected: &Selected, out: &mut Output) {
        match selected.targets.len() {
            0 => out.stats.calls_unresolved += 1,
            1 if selected.exact => {
                out.stats.calls_exact += 1;
                out.exact(source, selected.targets[0], EdgeKind::Call);
            }
            n => {
                out.stats.calls_candidate += 1;
                for &target in &selected.targets {
                    out.candidate(source, target, EdgeKind::Call, n);
                }
            }
        }
    }

    /// Candidate edges to every repository method of that name (and arity,
    /// when known), for a call whose receiver type is unknown.
    fn candidates_by_name(
        &self,
        source: (u32, u32),
        name: &str,
        arity: Option<usize>,
        out: &mut Output,
    ) {
        if OBJECT_METHODS.contains(&name) {
            // `x.equals(y)` on an unknown receiver gives no hint which of
            // the many overrides of `Object.equals` runs.
            out.stats.calls_external += 1;
            return;
        }
        let Some(defs) = self.index.methods_by_name.get(name) else {
            out.stats.calls_unresolved += 1;
            return;
        };
        let targets: Vec<(u32, u32)> = defs
            .iter()
            .copied()
            .filter(|&(file, sym)| arity.is_none_or(|arity| self.accepts_arity(file, sym, arity)))
            .collect();
        if targets.is_empty() {
            out.stats.calls_unresolved += 1;
            return;
        }
        if targets.len() > MAX_CANDIDATES {
            out.stats.calls_too_ambiguous += 1;
            return;
        }
        if targets.len() == 1 && arity.is_some() {
            // One method of that name and arity in the whole repository is
            // still a guess: the receiver may be a type outside it.
            out.stats.calls_candidate += 1;
            out.candidate(source, targets[0], EdgeKind::Call, 1);
            return;
        }
        out.stats.calls_candidate += 1;
        for &target in &targets {
            out.candidate(source, target, EdgeKind::Call, targets.len());
        }
    }

    fn accepts_arity(&self, file: u32, sym: u32, arity: usize) -> bool {
        match self.index.decl(file, sym) {
            Decl::Method {
                params, varargs, ..
            } => params.len() == arity || (*varargs && arity + 1 >= params.len()),
            _ => false,
        }
    }

    /// Chooses among overloads: by arity first, then by the argument types
    /// that are known. Several overloads left over are all returned, as
    /// candidates.
    fn select(&self, methods: &[(u32, u32)], args: &[&Val]) -> Selected {
        let index = self.index;
        let mut by_arity: Vec<(u32, u32)> = Vec::new();
        let mut scored: Vec<((u32, u32), u32, bool)> = Vec::new();
        for &(file, sym) in methods {
            let Decl::Method {
                params, varargs, ..
            } = index.decl(file, sym)
            else {
                continue;
            };
            let fixed = params.len() == args.len();
            let spread = *varargs && args.len() + 1 >= params.len();
            if !(fixed || spread) {
                continue;
            }
            by_arity.push((file, sym));
            let param_tys = &index.param_tys[file as usize][sym as usize];
            let mut score = 0u32;
            let mut applicable = true;
            for (i, arg) in args.iter().enumerate() {
                let last = param_tys.len().saturating_sub(1);
                let compat = if *varargs && i >= last {
                    let Some(array) = param_tys.get(last) else {
                        break;
                    };
                    let element = Ty {
                        base: array.base.clone(),
                        dims: array.dims.saturating_sub(1),
                    };
                    let as_element = self.compat(arg, &element);
                    if fixed {
                        as_element.max(self.compat(arg, array))
                    } else {
                        as_element
                    }
                } else {
                    match param_tys.get(i) {
                        Some(param) => self.compat(arg, param),
                        None => Some(1),
                    }
                };
                match compat {
                    Some(points) => score += points,
                    None => {
                        applicable = false;
                        break;
                    }
                }
            }
            if applicable {
                // Without varargs expansion first, as Java's first phase.
                scored.push(((file, sym), score, fixed && !*varargs));
            }
        }
        if by_arity.len() <= 1 {
            return Selected {
                exact: true,
                targets: by_arity,
            };
        }
        if scored.is_empty() {
            // No overload takes these argument types: the inferred types
            // are wrong somewhere, so every overload of the arity stays.
            return Selected {
                exact: false,
                targets: by_arity,
            };
        }
        let best = scored
            .iter()
            .map(|(_, score, fixed)| (*score, *fixed))
            .max()
            .unwrap_or((0, false));
        let targets: Vec<(u32, u32)> = scored
            .iter()
            .filter(|(_, score, fixed)| (*score, *fixed) == best)
            .map(|(m, _, _)| *m)
            .collect();
        Selected {
            exact: targets.len() == 1,
            targets,
        }
    }

    /// Rates how well an argument fits a parameter: 2 for the same type, 1 for a
    /// conversion or an unknown, `None` when Java would reject it.
    fn compat(&self, arg: &Val, param: &Ty) -> Option<u32> {
        let Val::Value(arg) = arg else { return Some(1) };
        if *arg == Ty::opaque() {
            // A library method's result may be a repository type after all
            // (`List<Shape>.get(0)`): its type arguments are not tracked.
            return Some(1);
        }
        if matches!(param.base, Base::TypeVar(_) | Base::Unknown)
            || matches!(arg.base, Base::TypeVar(_) | Base::Unknown)
        {
            return Some(1);
        }
        if arg.base == Base::Null {
            return if param.dims == 0 && matches!(param.base, Base::Primitive(_)) {
                None
            } else {
                Some(1)
            };
        }
        if arg.dims != param.dims {
            let object_param = param.dims == 0
                && matches!(&param.base, Base::External(p) if p == "Object" || p == "Cloneable" || p == "Serializable");
            return object_param.then_some(1);
        }
        match (&arg.base, &param.base) {
            (Base::Primitive(a), Base::Primitive(p)) => {
                if a == p {
                    Some(2)
                } else {
                    widens(a, p).then_some(1)
                }
            }
            (Base::Primitive(a), Base::External(p)) => {
                let boxed = box_of(a) == Some(p.as_str());
                let general = matches!(p.as_str(), "Object" | "Serializable" | "Comparable")
                    || (p == "Number" && !matches!(*a, "boolean" | "char"));
                (boxed || general).then_some(1)
            }
            (Base::External(a), Base::Primitive(p)) => {
                let unboxed = PRIMITIVES
                    .iter()
                    .find(|prim| box_of(prim) == Some(a.as_str()));
                unboxed
                    .is_some_and(|u| *u == *p || widens(u, p))
                    .then_some(1)
            }
            (Base::External(a), Base::External(p)) => {
                if a == p {
                    Some(2)
                } else if is_final_jdk_type(a) && is_final_jdk_type(p) {
                    None
                } else {
                    Some(1)
                }
            }
            (Base::External(_) | Base::Primitive(_), Base::Repo(_))
            | (Base::Repo(_), Base::Primitive(_)) => None,
            (Base::Repo(a), Base::Repo(p)) => {
                if a == p {
                    Some(2)
                } else {
                    self.index.is_subtype(*a, *p).then_some(1)
                }
            }
            (Base::Repo(a), Base::External(p)) => {
                (p == "Object" || self.index.has_external_ancestor(*a)).then_some(1)
            }
            _ => Some(1),
        }
    }

    fn eval_new(
        &self,
        node: &ExprNode,
        ty: &TypeName,
        outer: Option<&Val>,
        args: &[&Val],
        body: Option<u32>,
        out: &mut Output,
    ) -> Val {
        let index = self.index;
        let source = (self.file, node.scope);
        let resolved = match outer {
            Some(Val::Value(Ty {
                base: Base::Repo(o),
                dims: 0,
            })) => ty
                .segments
                .last()
                .and_then(|name| index.member_type(*o, name))
                .map_or(Ty::UNKNOWN, |t| Ty::of(Base::Repo(t))),
            _ => self.resolve_type(node.scope, ty),
        };
        let Base::Repo(t) = resolved.base else {
            return Val::Value(resolved);
        };
        let info = &index.types[t as usize];
        if info.ctors.is_empty() || info.interface {
            out.exact(source, (info.file, info.sym), EdgeKind::Call);
        } else {
            let ctors: Vec<(u32, u32)> = info.ctors.iter().map(|&c| (info.file, c)).collect();
            let selected = self.select(&ctors, args);
            self.emit_ctor(source, &selected, out);
        }
        let value = body
            .map(|b| index.type_of[self.file as usize][b as usize])
            .filter(|&anon| anon != NO_TYPE)
            .unwrap_or(t);
        Val::Value(Ty::of(Base::Repo(value)))
    }

    fn emit_ctor(&self, source: (u32, u32), selected: &Selected, out: &mut Output) {
        match selected.targets.len() {
            0 => {}
            1 if selected.exact => out.exact(source, selected.targets[0], EdgeKind::Call),
            n => {
                for &target in &selected.targets {
                    out.candidate(source, target, EdgeKind::Call, n);
                }
            }
        }
    }

    fn eval_ctor_call(&self, node: &ExprNode, target: CtorTarget, args: &[&Val], out: &mut Output) {
        let index = self.index;
        let file = self.file as usize;
        let owner = match target {
            CtorTarget::This => self.enclosing_types(node.scope).first().copied(),
            CtorTarget::Super => self
                .enclosing_types(node.scope)
                .first()
                .and_then(|&t| index.types[t as usize].superclass),
            CtorTarget::EnumConstant => index
                .parent(self.file, node.scope)
                .map(|p| index.type_of[file][p as usize])
                .filter(|&t| t != NO_TYPE),
        };
        let Some(owner) = owner else { return };
        let info = &index.types[owner as usize];
        let ctors: Vec<(u32, u32)> = info.ctors.iter().map(|&c| (info.file, c)).collect();
        let selected = self.select(&ctors, args);
        self.emit_ctor((self.file, node.scope), &selected, out);
    }

    fn eval_method_ref(
        &self,
        source: (u32, u32),
        receiver: &Val,
        name: Option<&str>,
        out: &mut Output,
    ) {
        let index = self.index;
        out.stats.calls += 1;
        let t = match receiver {
            Val::Type(ty) | Val::Value(ty) => match (receiver_type(ty), &ty.base) {
                (Some(t), _) => t,
                (None, Base::Unknown) => {
                    if let Some(name) = name {
                        self.candidates_by_name(source, name, None, out);
                    }
                    return;
                }
                (None, _) => {
                    out.stats.calls_external += 1;
                    return;
                }
            },
            Val::Package(_) | Val::LongName | Val::Unknown => {
                if let Some(name) = name {
                    self.candidates_by_name(source, name, None, out);
                }
                return;
            }
        };
        let info = &index.types[t as usize];
        let targets: Vec<(u32, u32)> = match name {
            None if info.ctors.is_empty() => vec![(info.file, info.sym)],
            None => info.ctors.iter().map(|&c| (info.file, c)).collect(),
            Some(name) => index.find_methods(t, name),
        };
        // The functional interface picks the overload, which the resolver
        // does not know: one target is exact, several are candidates.
        let selected = Selected {
            exact: targets.len() == 1,
            targets,
        };
        self.emit_call(source, &selected, out);
    }
}

/// Returns the result type of a `java.lang.Object` method that the
/// repository does not declare, which every class inherits.
fn object_method_type(name: &str) -> Option<Ty> {
    match name {
        "toString" => Some(Ty::external("String")),
        "hashCode" => Some(Ty::of(Base::Primitive("int"))),
        "equals" => Some(Ty::of(Base::Primitive("boolean"))),
        "getClass" => Some(Ty::external("Class")),
        "clone" | "finalize" | "notify" | "notifyAll" | "wait" => Some(Ty::opaque()),
        _ => None,
    }
}

/// Returns the repository type whose members a receiver of type `ty` has.
fn receiver_type(ty: &Ty) -> Option<TypeIdx> {
    if ty.dims > 0 {
        return None;
    }
    match ty.base {
        Base::Repo(t) | Base::TypeVar(Some(t)) => Some(t),
        _ => None,
    }
}

fn is_string(val: &Val) -> bool {
    matches!(val, Val::Value(ty) if ty.is_string())
}

fn literal_ty(literal: Literal) -> Ty {
    match literal {
        Literal::Int => Ty::of(Base::Primitive("int")),
        Literal::Long => Ty::of(Base::Primitive("long")),
        Literal::Float => Ty::of(Base::Primitive("float")),
        Literal::Double => Ty::of(Base::Primitive("double")),
        Literal::Boolean => Ty::of(Base::Primitive("boolean")),
        Literal::Char => Ty::of(Base::Primitive("char")),
        Literal::String => Ty::external("String"),
        Literal::Null => Ty::of(Base::Null),
    }
}

/// Returns true when Java passes an argument of the type named `from` to a
/// parameter of the type named `to` without a cast: the same type, a
/// widening primitive conversion, boxing, or `Object`.
pub fn converts_without_cast(from: &str, to: &str) -> bool {
    from == to || to == "Object" || widens(from, to) || box_of(from) == Some(to)
}

/// Returns true when Java widens the primitive `from` to `to` without a cast.
fn widens(from: &str, to: &str) -> bool {
    let targets: &[&str] = match from {
        "byte" => &["short", "int", "long", "float", "double"],
        "short" | "char" => &["int", "long", "float", "double"],
        "int" => &["long", "float", "double"],
        "long" => &["float", "double"],
        "float" => &["double"],
        _ => &[],
    };
    targets.contains(&to)
}

fn box_of(primitive: &str) -> Option<&'static str> {
    Some(match primitive {
        "boolean" => "Boolean",
        "byte" => "Byte",
        "char" => "Character",
        "double" => "Double",
        "float" => "Float",
        "int" => "Integer",
        "long" => "Long",
        "short" => "Short",
        _ => return None,
    })
}

/// JDK types that no other type extends, so two different ones never
/// convert into each other.
fn is_final_jdk_type(name: &str) -> bool {
    matches!(
        name,
        "String"
            | "Boolean"
            | "Byte"
            | "Character"
            | "Double"
            | "Float"
            | "Integer"
            | "Long"
            | "Short"
            | "Class"
    )
}

/// Equal after erasure, counting a type parameter as equal to any type
/// (an override of `visit(T)` in a subclass of `Visitor<Foo>` takes `Foo`).
fn same_erasure(a: &Ty, b: &Ty) -> bool {
    if matches!(a.base, Base::TypeVar(_)) || matches!(b.base, Base::TypeVar(_)) {
        return true;
    }
    a.dims == b.dims && a.base == b.base
}

fn starts_uppercase(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase())
}

/// Lists the prefixes of a dotted name that end at a segment boundary,
/// shortest first: `a`, `a.b`, `a.b.c` for `a.b.c`.
fn dotted_prefixes(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices('.')
        .map(move |(end, _)| &name[..end])
        .chain(std::iter::once(name))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Edges and counts of one file.
#[derive(Default)]
struct Output {
    edges: Vec<LocalEdge>,
    stats: JavaStats,
    /// The line that new edges are written on: that of the expression,
    /// type use or declaration being resolved.
    line: u32,
}

impl Output {
    fn exact(&mut self, source: (u32, u32), target: (u32, u32), kind: EdgeKind) {
        if source != target {
            self.edges.push(LocalEdge {
                source,
                target,
                kind,
                resolution: Resolution::Exact,
                weight: 1.0,
                line: self.line,
            });
        }
    }

    /// Records that a definition uses a name its file binds with the import
    /// on `import_line`, so a change to that line reaches it.
    fn scope(&mut self, source: (u32, u32), import_line: u32) {
        if source.1 != 0 {
            self.edges.push(LocalEdge {
                source,
                target: (source.0, 0),
                kind: EdgeKind::Scope,
                resolution: Resolution::Exact,
                weight: 1.0,
                line: import_line,
            });
        }
    }

    fn candidate(&mut self, source: (u32, u32), target: (u32, u32), kind: EdgeKind, count: usize) {
        if source != target {
            #[expect(
                clippy::cast_precision_loss,
                reason = "at most MAX_CANDIDATES or a class's overloads"
            )]
            let weight = 1.0 / count.max(1) as f32;
            self.edges.push(LocalEdge {
                source,
                target,
                kind,
                resolution: Resolution::Candidate,
                weight,
                line: self.line,
            });
        }
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
