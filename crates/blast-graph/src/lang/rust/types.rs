//! Types of method receivers: declared types of parameters, `let`s, fields,
//! constants and return values, resolved to the definitions they name, with
//! `&`, `Box`, `Rc`, `Arc` and similar wrappers unwrapped. A method call
//! whose receiver type is known resolves exactly through the type's impl
//! blocks. On `dyn Trait`, `impl Trait` and bounded generics it resolves to
//! the trait's method.

use super::resolve::{Cx, Ns, Resolver, Target};
use super::{Step, Ty, Value, ValueBase};
use crate::model::SymbolKind;

/// Type inference gives up below this recursion depth (chains of bindings,
/// return types and aliases).
const MAX_INFERENCE_DEPTH: u32 = 24;

/// Wrapper types that method calls see through (auto-deref), when the
/// repository does not define a type of that name.
const WRAPPERS: &[&str] = &[
    "Box",
    "Rc",
    "Arc",
    "Cow",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "MutexGuard",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "Ref",
    "RefMut",
    "Pin",
    "ManuallyDrop",
    "Weak",
];

/// Standard methods that return their receiver's type.
const SAME_TYPE_METHODS: &[&str] = &[
    "clone",
    "to_owned",
    "borrow",
    "borrow_mut",
    "as_ref",
    "as_mut",
    "deref",
    "deref_mut",
    "lock",
    "read",
    "write",
    "get_mut",
    "by_ref",
];

/// Standard methods that return the first generic argument of their
/// receiver (`Option<T>`, `Result<T, E>`).
const UNWRAP_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "unwrap_unchecked",
    "ok",
    "as_deref",
];

/// A resolved type.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum TyRes {
    /// A struct, enum or union in the repository: (file, symbol).
    Def(u32, u32),
    /// A trait object, `impl Trait` or a bounded generic: the traits in the
    /// repository that it is known to implement.
    Traits(Vec<(u32, u32)>),
    /// A type from outside the repository, with its generic arguments and
    /// the place to resolve them from.
    External(Vec<(Ty, Cx)>),
    Unknown,
}

/// The outcome of looking a method up on a receiver type.
pub(super) enum MethodLookup {
    Found(Vec<(u32, u32)>),
    /// The receiver's type, or the trait that declares the method, is not in
    /// the repository.
    External,
    /// The receiver's type is not known.
    Unknown,
}

impl Resolver<'_> {
    /// Resolves a written type at a place.
    pub(super) fn resolve_ty(&self, cx: Cx, ty: &Ty) -> TyRes {
        if !self.enter() {
            return TyRes::Unknown;
        }
        let result = self.resolve_ty_inner(cx, ty);
        self.leave();
        result
    }

    fn resolve_ty_inner(&self, cx: Cx, ty: &Ty) -> TyRes {
        match ty {
            Ty::Unknown => TyRes::Unknown,
            Ty::Bounds(paths) => {
                let traits: Vec<(u32, u32)> = paths
                    .iter()
                    .filter_map(|p| self.resolve_trait_path(cx, p))
                    .collect();
                if traits.is_empty() {
                    TyRes::External(Vec::new())
                } else {
                    TyRes::Traits(traits)
                }
            }
            Ty::Path { path, args } => {
                if path.len() == 1 && path[0] == "Self" {
                    return self.self_type(cx);
                }
                if path.len() == 1 && path[0] == "[]" {
                    return TyRes::External(args.iter().map(|a| (a.clone(), cx)).collect());
                }
                let steps = self.resolve_steps(cx, path, None, Ns::Type, false);
                let complete = steps.last().filter(|(seg, _)| seg + 1 == path.len());
                if let Some((_, targets)) = complete {
                    // NOTE: when `#[cfg]` alternatives bind the name to
                    // several types, only the first one types the value.
                    for target in targets {
                        match target {
                            Target::Sym(f, s) => match self.kind_of(*f, *s) {
                                SymbolKind::Struct | SymbolKind::Enum => return TyRes::Def(*f, *s),
                                SymbolKind::Trait => return TyRes::Traits(vec![(*f, *s)]),
                                SymbolKind::TypeAlias => {
                                    return self.resolve_alias_with(*f, *s, args, cx);
                                }
                                _ => {}
                            },
                            Target::Generic(f, g) => {
                                return TyRes::Traits(self.generic_bounds(*f, *g));
                            }
                            Target::Variant(..) | Target::Module(_) => {}
                        }
                    }
                    return TyRes::Unknown;
                }
                let last = path.last().map_or("", String::as_str);
                if WRAPPERS.contains(&last)
                    && let Some(first) = args.first()
                {
                    return self.resolve_ty_inner(cx, first);
                }
                TyRes::External(args.iter().map(|a| (a.clone(), cx)).collect())
            }
        }
    }

    /// Resolves the aliased type of a type alias, without generic arguments.
    pub(super) fn resolve_alias(&self, file: u32, sym: u32) -> TyRes {
        let Some(cx) = self.cx_of(file, sym) else {
            return TyRes::Unknown;
        };
        self.resolve_alias_with(file, sym, &[], cx)
    }

    /// Resolves the aliased type, with the alias's generic parameters replaced by the
    /// arguments written at the use site: `type Result<T> =
    /// std::result::Result<T, Error>` used as `Result<Foo>`.
    fn resolve_alias_with(&self, file: u32, sym: u32, args: &[Ty], use_cx: Cx) -> TyRes {
        let index = &self.index[file as usize];
        let Some(&alias_idx) = index.alias_of.get(&sym) else {
            return TyRes::Unknown;
        };
        let Some(alias_cx) = self.cx_of(file, sym) else {
            return TyRes::Unknown;
        };
        let aliased = &self.files[file as usize].facts.aliases[alias_idx as usize].1;
        let params: Vec<&str> = index
            .generics_by_owner
            .get(&sym)
            .map(|gs| {
                gs.iter()
                    .map(|&g| {
                        self.files[file as usize].facts.generics[g as usize]
                            .name
                            .as_str()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let substitute = |ty: &Ty| -> Option<(Ty, Cx)> {
            if let Ty::Path { path, args: inner } = ty
                && path.len() == 1
                && inner.is_empty()
                && let Some(pos) = params.iter().position(|p| *p == path[0])
            {
                return args.get(pos).map(|a| (a.clone(), use_cx));
            }
            None
        };
        if let Some((ty, cx)) = substitute(aliased) {
            return self.resolve_ty(cx, &ty);
        }
        match self.resolve_ty(alias_cx, aliased) {
            TyRes::External(inner) => {
                let Ty::Path { args: written, .. } = aliased else {
                    return TyRes::External(inner);
                };
                TyRes::External(
                    written
                        .iter()
                        .map(|arg| substitute(arg).unwrap_or_else(|| (arg.clone(), alias_cx)))
                        .collect(),
                )
            }
            other => other,
        }
    }

    /// Returns the self type at a place: an impl's self type, or for a
    /// trait's default methods the trait.
    pub(super) fn self_type(&self, cx: Cx) -> TyRes {
        let file = &self.files[cx.file as usize];
        let symbols = &file.syntax.symbols;
        let mut scope = cx.scope;
        loop {
            match symbols[scope as usize].kind {
                SymbolKind::Impl => {
                    if let Some(&(f, s)) = self.impl_self.get(&(cx.file, scope)) {
                        return TyRes::Def(f, s);
                    }
                    let Some(&h) = self.index[cx.file as usize].impl_header.get(&scope) else {
                        return TyRes::Unknown;
                    };
                    let parent = symbols[scope as usize].parent.unwrap_or(0);
                    let header_cx = Cx {
                        scope: parent,
                        ..cx
                    };
                    let self_ty = &file.facts.impls[h as usize].self_ty;
                    if matches!(self_ty, Ty::Path { path, .. } if path.len() == 1 && path[0] == "Self")
                    {
                        return TyRes::Unknown;
                    }
                    return self.resolve_ty(header_cx, self_ty);
                }
                SymbolKind::Trait => return TyRes::Traits(vec![(cx.file, scope)]),
                _ => {}
            }
            match symbols[scope as usize].parent {
                Some(parent) => scope = parent,
                None => return TyRes::Unknown,
            }
        }
    }

    /// Infers the type of a value expression at byte `byte` of the place.
    pub(super) fn type_of_value(&self, cx: Cx, value: &Value, byte: u32) -> TyRes {
        if !self.enter() {
            return TyRes::Unknown;
        }
        let mut current = self.type_of_base(cx, &value.base, byte);
        for step in &value.steps {
            if matches!(current, TyRes::Unknown) {
                break;
            }
            current = match step {
                Step::Field(name) => self.field_type(&current, name),
                Step::Method(name) => self.method_result_type(current, name),
                Step::Unwrap | Step::Element => self.first_argument(&current),
            };
        }
        self.leave();
        current
    }

    fn type_of_base(&self, cx: Cx, base: &ValueBase, byte: u32) -> TyRes {
        match base {
            ValueBase::Name(name) if name == "self" => self.self_type(cx),
            ValueBase::Name(name) => match self.binding_for(cx, name, byte) {
                Some(idx) => {
                    let binding = &self.files[cx.file as usize].facts.bindings[idx as usize];
                    let binding_cx = Cx {
                        scope: binding.scope,
                        ..cx
                    };
                    match &binding.ty {
                        Some(ty) => self.resolve_ty(binding_cx, ty),
                        None => self.type_of_value(
                            binding_cx,
                            &binding.value,
                            binding.byte.saturating_sub(1),
                        ),
                    }
                }
                None => self.type_of_path_value(cx, std::slice::from_ref(name)),
            },
            ValueBase::Path(path) => self.type_of_path_value(cx, path),
            ValueBase::Call(path) => self.type_of_call(cx, path),
            ValueBase::Struct(path) => self.resolve_ty(
                cx,
                &Ty::Path {
                    path: path.clone(),
                    args: Vec::new(),
                },
            ),
            ValueBase::Typed(ty) => self.resolve_ty(cx, ty),
            ValueBase::Destructure { path, field } => self.type_of_destructured(cx, path, field),
            ValueBase::Unknown => TyRes::Unknown,
        }
    }

    /// Returns the type of the field `field` of the struct or variant that a
    /// pattern's path names.
    fn type_of_destructured(&self, cx: Cx, path: &[String], field: &str) -> TyRes {
        let steps = self.resolve_steps(cx, path, None, Ns::Any, false);
        let Some((seg, targets)) = steps.last() else {
            return TyRes::Unknown;
        };
        if seg + 1 != path.len() {
            return TyRes::Unknown;
        }
        let variant = path.last().map_or("", String::as_str);
        for target in targets {
            let (owner_file, owner, name) = match target {
                Target::Variant(f, s) => (*f, *s, format!("{variant}::{field}")),
                Target::Sym(f, s) if self.kind_of(*f, *s) == SymbolKind::Struct => {
                    (*f, *s, field.to_owned())
                }
                _ => continue,
            };
            let Some(idx) = self.field_decl(owner_file, owner, &name) else {
                continue;
            };
            let Some(owner_cx) = self.cx_of(owner_file, owner) else {
                continue;
            };
            return self.resolve_ty(
                owner_cx,
                &self.files[owner_file as usize].facts.fields[idx as usize].ty,
            );
        }
        TyRes::Unknown
    }

    /// Returns the type of a constant, static, unit struct or variant named
    /// by a path.
    fn type_of_path_value(&self, cx: Cx, path: &[String]) -> TyRes {
        let steps = self.resolve_steps(cx, path, None, Ns::Value, false);
        let Some((seg, targets)) = steps.last() else {
            return TyRes::Unknown;
        };
        if seg + 1 != path.len() {
            return TyRes::Unknown;
        }
        for target in targets {
            match target {
                Target::Variant(f, s) => return TyRes::Def(*f, *s),
                Target::Sym(f, s) => match self.kind_of(*f, *s) {
                    SymbolKind::Struct => return TyRes::Def(*f, *s),
                    SymbolKind::Constant | SymbolKind::Static => return self.declared_type(*f, *s),
                    _ => {}
                },
                _ => {}
            }
        }
        TyRes::Unknown
    }

    /// Returns the type a call of a path returns: a function's declared
    /// return type, or the type a tuple struct or variant constructor builds.
    fn type_of_call(&self, cx: Cx, path: &[String]) -> TyRes {
        let steps = self.resolve_steps(cx, path, None, Ns::Value, false);
        let Some((seg, targets)) = steps.last() else {
            return TyRes::Unknown;
        };
        if seg + 1 != path.len() {
            return TyRes::Unknown;
        }
        for target in targets {
            match target {
                Target::Variant(f, s) => return TyRes::Def(*f, *s),
                Target::Sym(f, s) => match self.kind_of(*f, *s) {
                    SymbolKind::Struct => return TyRes::Def(*f, *s),
                    SymbolKind::Function | SymbolKind::Method => return self.declared_type(*f, *s),
                    _ => {}
                },
                _ => {}
            }
        }
        TyRes::Unknown
    }

    /// Resolves the declared type of a function's return value, a constant
    /// or a static, where the item is.
    fn declared_type(&self, file: u32, sym: u32) -> TyRes {
        let Some(&idx) = self.index[file as usize].declared_type.get(&sym) else {
            return TyRes::Unknown;
        };
        let Some(cx) = self.cx_of(file, sym) else {
            return TyRes::Unknown;
        };
        let ty = &self.files[file as usize].facts.returns[idx as usize].1;
        self.resolve_ty(cx, ty)
    }

    fn method_result_type(&self, receiver: TyRes, name: &str) -> TyRes {
        if let MethodLookup::Found(targets) = self.find_method(&receiver, name)
            && let Some(&(f, s)) = targets.first()
        {
            return match self.declared_type(f, s) {
                TyRes::Traits(traits) if self.is_self_trait(&traits, f, s) => receiver,
                other => other,
            };
        }
        if matches!(receiver, TyRes::External(_)) {
            if SAME_TYPE_METHODS.contains(&name) {
                return receiver;
            }
            if UNWRAP_METHODS.contains(&name) {
                return self.first_argument(&receiver);
            }
        }
        if matches!(receiver, TyRes::Def(..)) && SAME_TYPE_METHODS.contains(&name) {
            return receiver;
        }
        TyRes::Unknown
    }

    /// True when a trait method declared `-> Self` resolved to the trait
    /// itself, so the result has the receiver's type instead.
    fn is_self_trait(&self, traits: &[(u32, u32)], file: u32, sym: u32) -> bool {
        let parent = self.files[file as usize].syntax.symbols[sym as usize]
            .parent
            .unwrap_or(0);
        traits == [(file, parent)]
    }

    fn first_argument(&self, ty: &TyRes) -> TyRes {
        match ty {
            TyRes::External(args) => match args.first() {
                Some((arg, cx)) => self.resolve_ty(*cx, arg),
                None => TyRes::Unknown,
            },
            _ => TyRes::Unknown,
        }
    }

    fn field_type(&self, receiver: &TyRes, name: &str) -> TyRes {
        let TyRes::Def(f, s) = receiver else {
            return TyRes::Unknown;
        };
        let Some(idx) = self.field_decl(*f, *s, name) else {
            return TyRes::Unknown;
        };
        let Some(cx) = self.cx_of(*f, *s) else {
            return TyRes::Unknown;
        };
        self.resolve_ty(cx, &self.files[*f as usize].facts.fields[idx as usize].ty)
    }

    pub(super) fn field_decl(&self, file: u32, sym: u32, name: &str) -> Option<u32> {
        let fields = self.index[file as usize].fields_by_owner.get(&sym)?;
        fields
            .iter()
            .copied()
            .find(|&idx| self.files[file as usize].facts.fields[idx as usize].name == name)
    }

    /// Looks a method up on a receiver type.
    pub(super) fn find_method(&self, receiver: &TyRes, name: &str) -> MethodLookup {
        match receiver {
            TyRes::Def(f, s) => {
                let found: Vec<(u32, u32)> = self
                    .assoc_items(*f, *s, name)
                    .into_iter()
                    .filter(|&(mf, ms)| {
                        matches!(
                            self.kind_of(mf, ms),
                            SymbolKind::Function | SymbolKind::Method
                        )
                    })
                    .collect();
                // NOTE: methods that only a blanket impl (`impl<T: Bound>
                // Trait for T`) or a `Deref` target provides are not found
                // here, so such calls count as external and get no edge.
                if found.is_empty() {
                    MethodLookup::External
                } else {
                    MethodLookup::Found(found)
                }
            }
            TyRes::Traits(traits) => {
                let mut found = Vec::new();
                for &(tf, ts) in traits {
                    for item in self.trait_items(tf, ts, name) {
                        if !found.contains(&item) {
                            found.push(item);
                        }
                    }
                }
                // A generic whose known bounds do not declare the method gets
                // it from a bound not seen here, such as one on the impl
                // rather than on the struct with the field. So the call gets
                // candidates by name rather than no edge.
                if found.is_empty() {
                    MethodLookup::Unknown
                } else {
                    MethodLookup::Found(found)
                }
            }
            TyRes::External(_) => MethodLookup::External,
            TyRes::Unknown => MethodLookup::Unknown,
        }
    }

    /// Items named `name` that a resolved type offers, as path targets.
    pub(super) fn members_of_type(&self, ty: &TyRes, name: &str) -> Vec<Target> {
        match ty {
            TyRes::Def(f, s) => {
                if self.kind_of(*f, *s) == SymbolKind::Enum && self.has_variant(*f, *s, name) {
                    return vec![Target::Variant(*f, *s)];
                }
                self.assoc_items(*f, *s, name)
                    .into_iter()
                    .map(|(f, s)| Target::Sym(f, s))
                    .collect()
            }
            TyRes::Traits(traits) => traits
                .iter()
                .flat_map(|&(tf, ts)| self.trait_items(tf, ts, name))
                .map(|(f, s)| Target::Sym(f, s))
                .collect(),
            TyRes::External(_) | TyRes::Unknown => Vec::new(),
        }
    }

    /// Finds the binding of a local name visible at `byte`: the latest one before
    /// it in the enclosing functions, and of several at that byte the last in
    /// fact order.
    pub(super) fn binding_for(&self, cx: Cx, name: &str, byte: u32) -> Option<u32> {
        let index = &self.index[cx.file as usize];
        let candidates = index.bindings_by_name.get(name)?;
        let facts = &self.files[cx.file as usize].facts;
        let symbols = &self.files[cx.file as usize].syntax.symbols;
        // The candidates are ordered by byte, then fact order, so the first
        // enclosing one from the end is the latest.
        let before = candidates.partition_point(|&idx| facts.bindings[idx as usize].byte <= byte);
        for &idx in candidates[..before].iter().rev() {
            let binding = &facts.bindings[idx as usize];
            // The binding's function must enclose the place.
            let mut scope = Some(cx.scope);
            let mut encloses = false;
            while let Some(s) = scope {
                if s == binding.scope {
                    encloses = true;
                    break;
                }
                if symbols[s as usize].kind == SymbolKind::Module {
                    break;
                }
                scope = symbols[s as usize].parent;
            }
            if encloses {
                return Some(idx);
            }
        }
        None
    }

    fn enter(&self) -> bool {
        let depth = self.depth.get();
        if depth >= MAX_INFERENCE_DEPTH {
            return false;
        }
        self.depth.set(depth + 1);
        true
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}
