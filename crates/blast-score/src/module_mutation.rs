//! Python top-level statements that change a module-level object in place.
//!
//! `TABLE["a"] = 1`, `del TABLE["a"]`, `TABLE.size = 2`, `TABLE += [x]` and
//! `TABLE.update(...)` at the top level of a module change what `TABLE`
//! contains without rebinding it, so the graph records no changed
//! definition: the diff lands on the module. The dependents that read
//! `TABLE` have edges into the `TABLE` symbol, not into the module, and were
//! not reached. A changed statement of this kind is scored as a change to
//! the definition of the name it mutates, as a rebinding of that name would
//! be.
// NOTE: only a name that the same module defines at its top level counts.
// Mutating an imported object (`from .reg import TABLE; TABLE["a"] = 1`)
// still reaches only the dependents that name it through this module.

use std::collections::BTreeSet;

use blast_graph::{Graph, Lang, SymbolId, SymbolKind};

use crate::changes::{ChangedTexts, Modification, SymbolChange};
use crate::module_change::python_statements_on;
use crate::report::ChangeKind;

/// Adds, after each modified Python module whose changed top-level lines
/// mutate one of its own top-level definitions, a modified change of that
/// definition, unless the diff already changes it.
pub(crate) fn add_mutated_definitions(
    changes: &mut Vec<SymbolChange>,
    base: &Graph,
    head: &Graph,
    texts: &ChangedTexts,
) {
    let mut idx = 0;
    while idx < changes.len() {
        let added = mutated_definitions(&changes[idx], changes, base, head, texts);
        let count = added.len();
        changes.splice(idx + 1..idx + 1, added);
        idx += count + 1;
    }
}

/// Returns the changes to add for one change: none unless it is a
/// modified Python module.
fn mutated_definitions(
    change: &SymbolChange,
    changes: &[SymbolChange],
    base: &Graph,
    head: &Graph,
    texts: &ChangedTexts,
) -> Vec<SymbolChange> {
    let (Some(base_module), Some(head_module)) = (change.base, change.head) else {
        return Vec::new();
    };
    let is_python_module = |graph: &Graph, id: SymbolId| {
        graph.symbols[id as usize].kind == SymbolKind::Module
            && graph.file_of(id).lang == Lang::Python
    };
    if change.kind != ChangeKind::Modified
        || !is_python_module(base, base_module)
        || !is_python_module(head, head_module)
    {
        return Vec::new();
    }

    let mut names = BTreeSet::new();
    for (graph, id, lines, side) in [
        (base, base_module, &change.base_lines, &texts.base),
        (head, head_module, &change.head_lines, &texts.head),
    ] {
        if let Some(text) = side.get(&graph.file_of(id).path) {
            names.extend(python_mutated_names(text, lines));
        }
    }

    let mut added = Vec::new();
    for name in &names {
        let bases = top_level_definitions(base, base_module, name);
        let heads = top_level_definitions(head, head_module, name);
        // The name must be defined on both sides. Of several top-level
        // bindings the last is taken, though a mutation placed between two
        // of them changes the earlier one.
        let (Some(&base_id), Some(&head_id)) = (bases.last(), heads.last()) else {
            continue;
        };
        let already_changed = changes
            .iter()
            .any(|c| c.base == Some(base_id) || c.head == Some(head_id));
        if already_changed {
            continue;
        }
        added.push(SymbolChange {
            kind: ChangeKind::Modified,
            base: Some(base_id),
            head: Some(head_id),
            whitespace_only: false,
            modification: Some(Modification::Body),
            base_lines: Vec::new(),
            head_lines: Vec::new(),
        });
    }
    added
}

/// Lists the direct children of `module` whose name in the file is `name`,
/// in file order.
fn top_level_definitions(graph: &Graph, module: SymbolId, name: &str) -> Vec<SymbolId> {
    let file = graph.symbols[module as usize].file;
    graph
        .file_symbols(file)
        .filter(|&id| {
            let symbol = &graph.symbols[id as usize];
            symbol.parent == Some(module) && symbol.local_name == name
        })
        .collect()
}

/// Collects the names that the Python statements overlapping `lines`
/// mutate in place (see [`mutated_names`]).
pub(crate) fn python_mutated_names(text: &[u8], lines: &[(u32, u32)]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(text);
    python_statements_on(&text, lines)
        .iter()
        .flat_map(|statement| mutated_names(&statement.tokens))
        .collect()
}

/// Returns the names whose objects one statement changes in place, from
/// its tokens (one punctuation character each):
/// - an item or attribute assignment, `X[k] = v` or `X.a.b = v`, to any
///   target of a chained or tuple assignment;
/// - `del X` and `del X[k]`;
/// - an augmented assignment, `X += v` or `X[k] |= v`;
/// - a call of a method reached from the name, `X.update(...)` or
///   `X[k].append(...)`.
///
/// A plain `X = v` rebinds `X`, and the graph records that as a changed
/// definition, so it is not listed.
fn mutated_names(tokens: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    if tokens.first() == Some(&"del") {
        for target in split_top_level(&tokens[1..], ",") {
            target_names(target, true, &mut names);
        }
        return names;
    }

    let assignments = assignment_operators(tokens);
    if let Some(&(at, augmented)) = assignments.first() {
        if augmented {
            names.extend(mutated_target(&tokens[..at], true));
            return names;
        }
        // Every segment before the last plain `=` is a target.
        let mut start = 0;
        for &(at, _) in assignments.iter().filter(|(_, augmented)| !augmented) {
            for target in split_top_level(&tokens[start..at], ",") {
                target_names(target, false, &mut names);
            }
            start = at + 1;
        }
        return names;
    }

    // An expression statement: a call at the end of a chain that passes
    // through an attribute, `X.a(...)`, and nothing after it.
    if let Some(name) = leading_name(tokens)
        && let Some(trailers) = trailers(tokens)
        && trailers.ends_with(&[Trailer::Attribute, Trailer::Call])
    {
        names.push(name.to_owned());
    }
    names
}

/// Returns the name that an assignment or `del` target changes in place:
/// `X[k]` or `X.a` changes `X`, and so does a bare `X` when `bare` is set.
/// A target through a call, `f(x).a`, changes what the call returns.
fn mutated_target(target: &[&str], bare: bool) -> Option<String> {
    let name = leading_name(target)?;
    let trailers = trailers(target)?;
    let changes_name = (bare || !trailers.is_empty()) && !trailers.contains(&Trailer::Call);
    changes_name.then(|| name.to_owned())
}

/// Finds the assignment operators outside brackets, each with the position
/// of its first token and whether it is augmented (`+=`, `//=`, ...).
/// Comparisons (`==`, `!=`, `<=`, `>=`) and `:=` are skipped.
fn assignment_operators(tokens: &[&str]) -> Vec<(usize, bool)> {
    let mut found = Vec::new();
    let mut depth = 0i32;
    for (at, &token) in tokens.iter().enumerate() {
        match token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            "=" if depth == 0 => {
                let before = at.checked_sub(1).map(|i| tokens[i]);
                let before_that = at.checked_sub(2).map(|i| tokens[i]);
                if before == Some("=") || tokens.get(at + 1) == Some(&"=") {
                    continue;
                }
                match before {
                    Some("!" | ":") => {}
                    // `<<=` and `>>=` assign, `<=` and `>=` compare.
                    Some(op @ ("<" | ">")) => {
                        if before_that == Some(op) {
                            found.push((at - 2, true));
                        }
                    }
                    Some("+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "@") => {
                        found.push((at - 1, true));
                    }
                    _ => found.push((at, false)),
                }
            }
            _ => {}
        }
    }
    // `//=` and `**=` are three tokens, and the loop above found the second.
    for (at, augmented) in &mut found {
        if *augmented
            && *at > 0
            && matches!(tokens[*at], "/" | "*")
            && tokens[*at - 1] == tokens[*at]
        {
            *at -= 1;
        }
    }
    found
}

/// Splits tokens at `separator` outside brackets.
fn split_top_level<'t, 's>(tokens: &'t [&'s str], separator: &str) -> Vec<&'t [&'s str]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (at, &token) in tokens.iter().enumerate() {
        match token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth -= 1,
            _ if depth == 0 && token == separator => {
                parts.push(&tokens[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// Adds the names that one target of an assignment or `del` changes in
/// place, looking into the parts of a parenthesised or bracketed tuple
/// target and past the `*` of a starred one.
fn target_names(target: &[&str], bare: bool, names: &mut Vec<String>) {
    let target = target.strip_prefix(&["*"]).unwrap_or(target);
    let bracketed = matches!(target.first(), Some(&("(" | "[")))
        && closing(target, 0) == Some(target.len() - 1);
    if bracketed {
        for part in split_top_level(&target[1..target.len() - 1], ",") {
            target_names(part, bare, names);
        }
    } else {
        names.extend(mutated_target(target, bare));
    }
}

/// Returns the identifier a target or expression starts with, unless it is
/// a keyword, a literal or `*`.
fn leading_name<'s>(tokens: &[&'s str]) -> Option<&'s str> {
    let first = *tokens.first()?;
    let is_identifier = first
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
        && first.chars().all(|c| c == '_' || c.is_alphanumeric());
    (is_identifier && !is_python_keyword(first)).then_some(first)
}

fn is_python_keyword(token: &str) -> bool {
    matches!(
        token,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "nonlocal"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "lambda"
            | "not"
            | "await"
            | "yield"
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trailer {
    /// `.name`
    Attribute,
    /// `[...]`
    Item,
    /// `(...)`
    Call,
}

/// Reads the trailers that follow the leading name, or returns `None` when
/// anything else follows it.
fn trailers(tokens: &[&str]) -> Option<Vec<Trailer>> {
    let mut found = Vec::new();
    let mut at = 1;
    while at < tokens.len() {
        match tokens[at] {
            "." => {
                leading_name(&tokens[at + 1..])?;
                found.push(Trailer::Attribute);
                at += 2;
            }
            open @ ("[" | "(") => {
                found.push(if open == "[" {
                    Trailer::Item
                } else {
                    Trailer::Call
                });
                at = closing(tokens, at)? + 1;
            }
            _ => return None,
        }
    }
    Some(found)
}

/// Returns the position of the bracket that closes the one at `open`.
fn closing(tokens: &[&str], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (at, &token) in tokens.iter().enumerate().skip(open) {
        match token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutated(source: &str) -> Vec<String> {
        let lines = u32::try_from(source.lines().count()).unwrap();
        python_mutated_names(source.as_bytes(), &[(1, lines)])
            .into_iter()
            .collect()
    }

    #[test]
    fn item_and_attribute_assignments_mutate() {
        assert_eq!(mutated("TABLE[\"a\"] = 1\n"), vec!["TABLE"]);
        assert_eq!(mutated("TABLE[k][j] = f(x=1)\n"), vec!["TABLE"]);
        assert_eq!(mutated("config.debug = True\n"), vec!["config"]);
        assert_eq!(mutated("A[0] = B.x = 2\n"), vec!["A", "B"]);
        assert_eq!(mutated("(A[0], b), C.y = 1, 2\n"), vec!["A", "C"]);
        assert_eq!(mutated("M[k] = lambda a=1: a\n"), vec!["M"]);
    }

    #[test]
    fn rebinding_is_not_a_mutation() {
        assert!(mutated("TABLE = {}\n").is_empty());
        assert!(mutated("A, B = 1, 2\n").is_empty());
        assert!(mutated("X = f(a=1)\n").is_empty());
        assert!(mutated("X = Y[0]\n").is_empty());
    }

    #[test]
    fn del_and_augmented_assignments_mutate() {
        assert_eq!(mutated("del TABLE[\"a\"], OTHER\n"), vec!["OTHER", "TABLE"]);
        assert_eq!(mutated("__all__ += [\"f\"]\n"), vec!["__all__"]);
        assert_eq!(mutated("COUNTS[k] //= 2\n"), vec!["COUNTS"]);
        assert_eq!(mutated("FLAGS <<= 1\n"), vec!["FLAGS"]);
        assert_eq!(mutated("S |= {1}\n"), vec!["S"]);
    }

    #[test]
    fn comparisons_are_not_assignments() {
        assert!(mutated("X == 1\n").is_empty());
        assert!(mutated("X <= 1\n").is_empty());
        assert!(mutated("X != 1\n").is_empty());
        assert!(mutated("assert X[0] >= 1\n").is_empty());
    }

    #[test]
    fn method_calls_mutate() {
        assert_eq!(mutated("TABLE.update(b=2)\n"), vec!["TABLE"]);
        assert_eq!(
            mutated("module_info[itertools].update(\n    product=[1],\n)\n"),
            vec!["module_info"]
        );
        assert_eq!(mutated("registry.register(int, f)\n"), vec!["registry"]);
        // A plain call, a call of an item and a chain that goes on after the
        // call are not method calls on the name.
        assert!(mutated("setup(x=1)\n").is_empty());
        assert!(mutated("HANDLERS[0](1)\n").is_empty());
        assert!(mutated("print(TABLE.get(1))\n").is_empty());
        assert!(mutated("TABLE.get(1) + 1\n").is_empty());
    }

    #[test]
    fn only_statements_on_the_lines_count() {
        let text = b"TABLE = {}\nTABLE[\"a\"] = 1\nOTHER.append(2)\nif X:\n    Y[1] = 2\n";
        let on = |first, last| -> Vec<String> {
            python_mutated_names(text, &[(first, last)])
                .into_iter()
                .collect()
        };
        assert!(on(1, 1).is_empty());
        assert_eq!(on(2, 2), vec!["TABLE"]);
        assert_eq!(on(2, 3), vec!["OTHER", "TABLE"]);
        // A statement in a top-level block is read on its own.
        assert_eq!(on(4, 5), vec!["Y"]);
    }
}
