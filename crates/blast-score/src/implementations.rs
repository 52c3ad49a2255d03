//! Broken implementations: code that compiles against a trait or interface
//! only as it was.
//!
//! - A required method added to a Java interface or abstract class, or to a
//!   Rust trait (no body, so no default), breaks every concrete type that
//!   implements the owner and does not define the method.
//! - A deleted or renamed Java or Rust method breaks the methods that
//!   overrode it and still exist: a Java override annotated `@Override`
//!   overrides nothing any more, and a Rust trait implementation defines a
//!   method the trait no longer has.
//!
//! Each finding makes the change a likely break. The graph lists the
//! implementations: Java `re_export` edges to inherited methods, the
//! `inherit` edges of Rust implementations, and `override` edges. The text
//! gives the facts the graph does not keep. These are whether a method has
//! a body, whether a Java class is abstract, and whether an override is
//! annotated `@Override`.

use blast_graph::{EdgeKind, Graph, Lang, Resolution, SymbolId, SymbolKind};
use rustc_hash::FxHashMap;

use crate::changes::{ChangedTexts, span_text};
use crate::likely_break::{BreakInputs, read_head_files};
use crate::module_change::own_text;
use crate::policy::Policy;
use crate::report::{ChangeKind, ChangedSymbol, Dependent};
use crate::score::apply_likely_break;
use crate::tokens::lex;

/// The kind of break found in the implementations of a change.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Finding {
    /// They do not define an added required method.
    Missing,
    /// They still override a deleted or renamed method.
    Stale,
}

/// Finds, for each added required method and each deleted or moved
/// method, the implementations that no longer compile, and makes each such
/// change a likely break.
pub(crate) fn find_broken_implementations(inputs: BreakInputs<'_>, changes: &mut [ChangedSymbol]) {
    let BreakInputs {
        repo,
        head_side,
        base,
        head,
        symbol_changes,
        texts,
        policy,
    } = inputs;
    let mut found: Vec<Found> = Vec::new();
    for (idx, change) in symbol_changes.iter().enumerate() {
        let candidates = match change.kind {
            ChangeKind::Added => change
                .head
                .and_then(|id| missing_in(head, id, texts))
                .map(|c| (Finding::Missing, c)),
            ChangeKind::Deleted | ChangeKind::Moved => change
                .base
                .map(|id| (Finding::Stale, stale_overrides(base, head, id))),
            ChangeKind::Modified => None,
        };
        if let Some((finding, candidates)) = candidates
            && !candidates.is_empty()
        {
            found.push(Found {
                change: idx,
                finding,
                candidates,
            });
        }
    }
    if found.is_empty() {
        return;
    }

    // The head texts of the candidates that need a text check.
    let via_of = |idx: usize| changes[idx].name.clone();
    let to_read: Vec<Dependent> = found
        .iter()
        .flat_map(|found| {
            found
                .candidates
                .iter()
                .filter(|(_, check)| *check != Check::None)
                .map(|&(id, _)| dependent(head, id, &via_of(found.change), policy))
        })
        .collect();
    let files = read_head_files(repo, head_side, to_read.iter());

    for Found {
        change: idx,
        finding,
        candidates,
    } in found
    {
        let via = changes[idx].name.clone();
        let mut broken: Vec<Dependent> = candidates
            .into_iter()
            .filter(|&(id, check)| check.holds(head, id, &files))
            .map(|(id, _)| dependent(head, id, &via, policy))
            .collect();
        if broken.is_empty() {
            continue;
        }
        broken.sort_by(|a, b| (&a.file, a.line, &a.name).cmp(&(&b.file, b.line, &b.name)));
        // Two `#[cfg]` variants of one Rust impl share a name but not a
        // line, and each of them breaks, so only a repeat at the same line
        // is dropped.
        broken.dedup_by(|a, b| a.name == b.name && a.file == b.file && a.line == b.line);
        let reason = match finding {
            Finding::Missing => "does not define it",
            Finding::Stale => "still overrides it",
        };
        let detail = if broken.len() == 1 {
            format!("an implementation {reason}: raised to high")
        } else {
            let reason = reason
                .replace("does", "do")
                .replace("overrides", "override");
            format!("{} implementations {reason}: raised to high", broken.len())
        };
        let change = &mut changes[idx];
        apply_likely_break(&mut change.score, detail);
        change.broken_implementations = broken;
    }
}

/// A change's candidate implementations at the head, each with the text
/// check it still needs.
struct Found {
    /// Index of the change in the report.
    change: usize,
    finding: Finding,
    candidates: Vec<(SymbolId, Check)>,
}

/// The text check a candidate must pass to count as broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Nothing: the graph decides.
    None,
    /// A Java class that is not declared `abstract`.
    ConcreteClass,
    /// A Java method annotated `@Override`.
    OverrideAnnotation,
}

impl Check {
    fn holds(self, head: &Graph, id: SymbolId, files: &FxHashMap<String, Vec<u8>>) -> bool {
        if self == Check::None {
            return true;
        }
        let path = &head.file_of(id).path;
        let Some(text) = files.get(path.as_str()) else {
            return false;
        };
        let own = own_text(head, id, text);
        let tokens = lex(Lang::Java, &own);
        // The header: what comes before the body's opening brace.
        let header = tokens
            .iter()
            .position(|t| *t == "{")
            .map_or(&tokens[..], |end| &tokens[..end]);
        match self {
            Check::None => true,
            Check::ConcreteClass => !header.contains(&"abstract"),
            Check::OverrideAnnotation => header
                .windows(2)
                .any(|pair| pair[0] == "@" && pair[1] == "Override"),
        }
    }
}

/// For a method added at the head: if it is required (no body) in a Java
/// interface or abstract class or in a Rust trait, the implementations
/// that do not define it, else `None`.
fn missing_in(head: &Graph, id: SymbolId, texts: &ChangedTexts) -> Option<Vec<(SymbolId, Check)>> {
    let symbol = &head.symbols[id as usize];
    let lang = head.file_of(id).lang;
    if !matches!(symbol.kind, SymbolKind::Method | SymbolKind::Function) || lang == Lang::Python {
        return None;
    }
    let owner = symbol.parent?;
    let owner_kind = head.symbols[owner as usize].kind;
    let text = texts.head.get(&head.file_of(id).path)?;
    let tokens = lex(lang, span_text(head, id, text)?);
    // A method with a body ends with its closing brace.
    if tokens.last() != Some(&";") {
        return None;
    }
    let out = match (lang, owner_kind) {
        (Lang::Java, SymbolKind::Interface) => java_inheritors(head, id),
        (Lang::Java, SymbolKind::Class) if tokens.contains(&"abstract") => {
            java_inheritors(head, id)
        }
        (Lang::Rust, SymbolKind::Trait) => rust_impls_without(head, owner, id),
        _ => return None,
    };
    Some(out)
}

/// Java classes and records that inherit method `id` without overriding
/// it. The graph links each to the method with a `re_export` edge. Classes
/// declared abstract need not define it, so their text is checked.
fn java_inheritors(head: &Graph, id: SymbolId) -> Vec<(SymbolId, Check)> {
    head.dependents(id)
        .filter(|e| e.kind == EdgeKind::ReExport && e.resolution == Resolution::Exact)
        .filter_map(|e| match head.symbols[e.source as usize].kind {
            SymbolKind::Class => Some((e.source, Check::ConcreteClass)),
            SymbolKind::Record => Some((e.source, Check::None)),
            // An enum may define the method in each constant's body.
            _ => None,
        })
        .collect()
}

/// Rust implementations of `trait_id` with no method that overrides
/// `method`.
fn rust_impls_without(
    head: &Graph,
    trait_id: SymbolId,
    method: SymbolId,
) -> Vec<(SymbolId, Check)> {
    let defined_in: Vec<SymbolId> = head
        .dependencies(method)
        .iter()
        .filter(|e| e.kind == EdgeKind::Override)
        .filter_map(|e| head.symbols[e.target as usize].parent)
        .collect();
    head.dependents(trait_id)
        .filter(|e| e.kind == EdgeKind::Inherit && e.resolution == Resolution::Exact)
        .filter(|e| head.symbols[e.source as usize].kind == SymbolKind::Impl)
        .filter(|e| !defined_in.contains(&e.source))
        .map(|e| (e.source, Check::None))
        .collect()
}

/// The methods that overrode base method `id` and still exist at the
/// head, in the same file under the same name, where they override
/// nothing. In Java only those annotated `@Override` fail to compile; in
/// Rust every method of a trait implementation must belong to the trait.
fn stale_overrides(base: &Graph, head: &Graph, id: SymbolId) -> Vec<(SymbolId, Check)> {
    let lang = base.file_of(id).lang;
    if lang == Lang::Python
        || !matches!(
            base.symbols[id as usize].kind,
            SymbolKind::Method | SymbolKind::Function
        )
    {
        return Vec::new();
    }
    let mut by_file: FxHashMap<&str, Option<u32>> = FxHashMap::default();
    base.dependencies(id)
        .iter()
        .filter(|e| e.kind == EdgeKind::Override && e.resolution == Resolution::Exact)
        .filter_map(|e| {
            let target = &base.symbols[e.target as usize];
            let path = base.file_of(e.target).path.as_str();
            let file = (*by_file.entry(path).or_insert_with(|| head.file_id(path)))?;
            let at_head = head.find_local(file, &target.local_name)?;
            let overrides_something = head
                .dependents(at_head)
                .any(|edge| edge.kind == EdgeKind::Override);
            if overrides_something {
                return None;
            }
            match lang {
                Lang::Java => Some((at_head, Check::OverrideAnnotation)),
                _ => {
                    let parent = head.symbols[at_head as usize].parent?;
                    let in_trait_impl = head.symbols[parent as usize].kind == SymbolKind::Impl
                        && head.symbols[parent as usize].local_name.contains(" as ");
                    in_trait_impl.then_some((at_head, Check::None))
                }
            }
        })
        .collect()
}

/// An implementation at the head, listed as a direct dependent of `via`.
pub(crate) fn dependent(head: &Graph, id: SymbolId, via: &str, policy: &Policy) -> Dependent {
    let symbol = &head.symbols[id as usize];
    let file = head.file_of(id).path.clone();
    let is_test = crate::pipeline::is_test(head, id, policy);
    let test_code = is_test
        || symbol.test_only
        || crate::pipeline::is_test_code(&file, &symbol.local_name, policy);
    Dependent {
        name: symbol.name.clone(),
        local_name: symbol.local_name.clone(),
        kind: symbol.kind,
        file,
        line: symbol.span.start_line,
        depth: 1,
        weight: 1.0,
        via: via.to_owned(),
        exists_at_head: true,
        is_test,
        test_code,
        inherited_from: None,
    }
}
