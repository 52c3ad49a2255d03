//! Python calls that a signature change breaks: direct dependents whose
//! calls of the changed function matched its parameters at the base
//! revision and no longer match them at the head.
//!
//! Both sides are read from the tokens of the `def` line and of each call,
//! so the test needs no types. A call is checked only when it matched the
//! base signature, which leaves alone the calls of other functions that
//! share the name.
// NOTE: calls that expand `*args` or `**kwargs` are skipped. A decorator
// that changes the signature, and a method of another class with the same
// name, can give a false finding when their calls matched the old
// parameters.

use blast_graph::{EdgeKind, Graph, Lang, SymbolId, SymbolKind};
use rustc_hash::FxHashMap;

use crate::changes::{Modification, span_text};
use crate::interpolation::lex_with_interpolations;
use crate::likely_break::{BreakInputs, own_text_at_head, read_head_files};
use crate::policy::Policy;
use crate::report::{ChangedSymbol, Dependent};
use crate::score::apply_likely_break;
use crate::tokens::definition_tokens;

/// The parameters of a Python `def`, as a call binds arguments to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Parameters {
    /// Positional parameters in order, with whether each has a default,
    /// and whether it can also be passed by keyword.
    positional: Vec<Parameter>,
    /// Keyword-only parameters (after `*` or `*args`).
    keyword_only: Vec<Parameter>,
    var_positional: bool,
    var_keyword: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Parameter {
    name: String,
    has_default: bool,
    by_keyword: bool,
}

/// The arguments of one call: how many positional ones, which keywords,
/// and whether it expands `*x` or `**x` (then it is not checked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Arguments {
    positional: usize,
    keywords: Vec<String>,
    expands: bool,
}

impl Parameters {
    /// Reads the parameter list of a `def` header's tokens, without the
    /// first `skip` parameters (the bound `self` or `cls`). `None` when the
    /// header has no parameter list.
    fn parse(header: &[&str], skip: usize) -> Option<Parameters> {
        let def_at = header.iter().position(|t| *t == "def")?;
        let open = def_at + 2;
        if header.get(open) != Some(&"(") {
            return None;
        }
        let items = bracketed_items(header, open)?;

        let mut parameters = Parameters::default();
        let mut keyword_only = false;
        let mut skipped = 0;
        let mut all_positional_only = false;
        let mut positional_only_until = 0;
        for item in items {
            match item.as_slice() {
                ["/"] => {
                    all_positional_only = true;
                    positional_only_until = parameters.positional.len();
                }
                ["*"] => keyword_only = true,
                ["*", "*", ..] => parameters.var_keyword = true,
                ["*", ..] => {
                    parameters.var_positional = true;
                    keyword_only = true;
                }
                [name, rest @ ..] => {
                    if skipped < skip && !keyword_only {
                        skipped += 1;
                        continue;
                    }
                    let parameter = Parameter {
                        name: (*name).to_owned(),
                        has_default: rest.contains(&"="),
                        by_keyword: true,
                    };
                    if keyword_only {
                        parameters.keyword_only.push(parameter);
                    } else {
                        parameters.positional.push(parameter);
                    }
                }
                [] => {}
            }
        }

        if all_positional_only {
            for parameter in &mut parameters.positional[..positional_only_until] {
                parameter.by_keyword = false;
            }
        }
        Some(parameters)
    }

    /// True when a call with `arguments` binds every required parameter and
    /// passes nothing the function does not take.
    fn accept(&self, arguments: &Arguments) -> bool {
        if arguments.positional > self.positional.len() && !self.var_positional {
            return false;
        }
        let filled = arguments.positional.min(self.positional.len());
        let mut bound: Vec<&str> = Vec::new();
        for keyword in &arguments.keywords {
            let named = self.positional[filled..]
                .iter()
                .chain(&self.keyword_only)
                .find(|p| p.by_keyword && p.name == *keyword);
            match named {
                Some(parameter) => bound.push(parameter.name.as_str()),
                None if self.var_keyword => {}
                None => return false,
            }
        }
        let missing = |p: &Parameter| !p.has_default && !bound.contains(&p.name.as_str());
        !self.positional[filled..].iter().any(missing) && !self.keyword_only.iter().any(missing)
    }
}

/// Splits the tokens inside the bracket at `open` at its top-level commas.
/// `None` when the bracket does not close.
fn bracketed_items<'t>(tokens: &[&'t str], open: usize) -> Option<Vec<Vec<&'t str>>> {
    let mut items: Vec<Vec<&str>> = vec![Vec::new()];
    let mut depth = 0i32;
    for token in &tokens[open..] {
        match *token {
            "(" | "[" | "{" => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    items.retain(|item| !item.is_empty());
                    return Some(items);
                }
            }
            "," if depth == 1 => {
                items.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(item) = items.last_mut() {
            item.push(token);
        }
    }
    None
}

/// Reads the arguments of the call whose `(` is at `open`.
fn call_arguments(tokens: &[&str], open: usize) -> Option<Arguments> {
    let mut arguments = Arguments::default();
    for item in bracketed_items(tokens, open)? {
        match item.as_slice() {
            ["*", ..] => arguments.expands = true,
            [name, "=", next, ..] if *next != "=" && is_name(name) => {
                arguments.keywords.push((*name).to_owned());
            }
            _ => arguments.positional += 1,
        }
    }
    Some(arguments)
}

fn is_name(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_alphabetic())
}

/// The spelling of the calls of a changed function.
struct Callee {
    /// The name before `(`: the function, or the class for `__init__`.
    name: String,
    /// Only attribute calls (`obj.m(...)`) count, as for methods.
    attribute_only: bool,
}

/// Lists the calls of `callee` in `tokens`, skipping `def` lines.
fn calls_of(tokens: &[&str], callee: &Callee) -> Vec<Arguments> {
    let mut calls = Vec::new();
    for (idx, token) in tokens.iter().enumerate() {
        if *token != callee.name || tokens.get(idx + 1) != Some(&"(") {
            continue;
        }
        let before = idx.checked_sub(1).map(|b| tokens[b]);
        if matches!(before, Some("def" | "class")) {
            continue;
        }
        if callee.attribute_only && before != Some(".") {
            continue;
        }
        if let Some(arguments) = call_arguments(tokens, idx + 1) {
            calls.push(arguments);
        }
    }
    calls
}

/// Finds the direct dependents of each Python function or method whose
/// signature changed that call it with arguments the old parameters took
/// and the new ones reject. Each such change becomes a likely break.
pub(crate) fn find_mismatched_calls(inputs: BreakInputs<'_>, changes: &mut [ChangedSymbol]) {
    let BreakInputs {
        repo,
        head_side,
        base,
        head,
        symbol_changes,
        texts,
        policy,
    } = inputs;
    let mut checks: Vec<Check> = Vec::new();
    for (idx, (change, reported)) in symbol_changes.iter().zip(changes.iter()).enumerate() {
        if reported.modification != Some(Modification::Signature)
            || !matches!(
                reported.symbol_kind,
                SymbolKind::Function | SymbolKind::Method
            )
        {
            continue;
        }
        let (Some(base_id), Some(head_id)) = (change.base, change.head) else {
            continue;
        };
        if base.file_of(base_id).lang != Lang::Python {
            continue;
        }
        let (Some(old_header), Some(new_header)) = (
            def_header(base, base_id, &texts.base),
            def_header(head, head_id, &texts.head),
        ) else {
            continue;
        };
        // An `@overload` stub never runs, and calls that match another stub
        // or the implementation are valid, so its parameters decide nothing.
        if is_overload(&old_header) || is_overload(&new_header) {
            continue;
        }
        let short = reported.local_name.rsplit('.').next().unwrap_or_default();
        let is_method = reported.symbol_kind == SymbolKind::Method;
        let callee = if short == "__init__" {
            let class = reported.local_name.rsplit('.').nth(1).unwrap_or_default();
            Callee {
                name: class.to_owned(),
                attribute_only: false,
            }
        } else {
            Callee {
                name: short.to_owned(),
                attribute_only: is_method,
            }
        };
        // Each side binds its own first parameter: a `@staticmethod` that
        // became an instance method gained `self`, which no call passes.
        let (Some(old), Some(new)) = (
            Parameters::parse(&old_header, bound_parameters(&old_header, is_method)),
            Parameters::parse(&new_header, bound_parameters(&new_header, is_method)),
        ) else {
            continue;
        };
        if old != new && !callee.name.is_empty() {
            let callers = callers(head, head_id, &changes[idx], policy);
            checks.push(Check {
                change: idx,
                old,
                new,
                callee,
                callers,
            });
        }
    }
    if checks.is_empty() {
        return;
    }

    let files = read_head_files(
        repo,
        head_side,
        checks.iter().flat_map(|check| check.callers.iter()),
    );

    for check in checks {
        let mut mismatched = Vec::new();
        for dep in check.callers {
            let Some((_, _, own)) = own_text_at_head(head, &dep, &files) else {
                continue;
            };
            // A call in an f-string's replacement field is a call too.
            let tokens = lex_with_interpolations(Lang::Python, &own);
            let breaks = calls_of(&tokens, &check.callee)
                .iter()
                .any(|call| !call.expands && check.old.accept(call) && !check.new.accept(call));
            if breaks {
                mismatched.push(dep);
            }
        }
        let change = &mut changes[check.change];
        if !mismatched.is_empty() {
            let detail = if mismatched.len() == 1 {
                "a direct caller's arguments no longer match: raised to high".to_owned()
            } else {
                format!(
                    "{} direct callers' arguments no longer match: raised to high",
                    mismatched.len()
                )
            };
            apply_likely_break(&mut change.score, detail);
        }
        change.mismatched_calls = mismatched;
    }
}

/// Returns how many leading parameters a call does not pass: `self` of an
/// instance method and `cls` of a `@classmethod` are bound, and a
/// `@staticmethod` or a function binds none.
fn bound_parameters(header: &[&str], is_method: bool) -> usize {
    let is_static = header
        .windows(2)
        .any(|pair| pair[0] == "@" && pair[1] == "staticmethod")
        || header.windows(4).any(|quad| {
            quad[0] == "@" && quad[1] == "builtins" && quad[2] == "." && quad[3] == "staticmethod"
        });
    usize::from(is_method && !is_static)
}

/// Returns the header tokens of a Python definition from its file's text
/// on one side.
fn def_header<'t>(
    graph: &Graph,
    id: SymbolId,
    side: &'t FxHashMap<String, Vec<u8>>,
) -> Option<Vec<&'t str>> {
    let text = side.get(&graph.file_of(id).path)?;
    Some(definition_tokens(Lang::Python, span_text(graph, id, text)?).header)
}

/// Returns true for a definition header decorated `@overload` or
/// `@module.overload`.
fn is_overload(header: &[&str]) -> bool {
    header
        .windows(2)
        .any(|pair| pair[0] == "@" && pair[1] == "overload")
        || header
            .windows(4)
            .any(|quad| quad[0] == "@" && quad[2] == "." && quad[3] == "overload")
}

/// A signature change whose callers are read, with the parameters on each
/// side.
struct Check {
    /// Index of the change in the report.
    change: usize,
    old: Parameters,
    new: Parameters,
    callee: Callee,
    callers: Vec<Dependent>,
}

/// Lists the direct dependents of a change that exist at the head, where a
/// call of it can be read, followed by the callers that only the head has
/// (code that the diff adds). For a constructor they are the class's
/// callers, one step further.
fn callers(
    head: &Graph,
    head_id: SymbolId,
    change: &ChangedSymbol,
    policy: &Policy,
) -> Vec<Dependent> {
    let constructor = change.local_name.ends_with("__init__");
    let mut out: Vec<Dependent> = change
        .certain
        .iter()
        .chain(&change.possible)
        .filter(|d| d.exists_at_head && (d.depth == 1 || (constructor && d.depth == 2)))
        .cloned()
        .collect();
    let target = if constructor {
        head.symbols[head_id as usize].parent
    } else {
        Some(head_id)
    };
    let Some(target) = target else {
        return out;
    };
    let mut added: Vec<SymbolId> = head
        .dependents(target)
        .filter(|e| e.kind == EdgeKind::Call)
        .map(|e| e.source)
        .collect();
    added.sort_unstable();
    added.dedup();
    for source in added {
        let symbol = &head.symbols[source as usize];
        let path = &head.file_of(source).path;
        let known = out
            .iter()
            .any(|d| d.local_name == symbol.local_name && d.file == *path);
        if !known {
            out.push(crate::implementations::dependent(
                head,
                source,
                &change.name,
                policy,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::lex;

    fn parameters(def: &str, skip: usize) -> Parameters {
        let tokens = definition_tokens(Lang::Python, def);
        Parameters::parse(&tokens.header, skip).expect("a def header")
    }

    fn call(text: &str) -> Arguments {
        let tokens = lex(Lang::Python, text);
        let open = tokens.iter().position(|t| *t == "(").unwrap();
        call_arguments(&tokens, open).unwrap()
    }

    #[test]
    fn overload_stubs_are_recognised() {
        let stub = definition_tokens(Lang::Python, "@overload\ndef f(a: int) -> int: ...\n");
        assert!(is_overload(&stub.header));
        let typed = definition_tokens(
            Lang::Python,
            "@typing.overload\ndef f(a: str) -> str: ...\n",
        );
        assert!(is_overload(&typed.header));
        let plain = definition_tokens(Lang::Python, "def f(a):\n    return a\n");
        assert!(!is_overload(&plain.header));
    }

    #[test]
    fn parameters_new_required_breaks_short_calls() {
        let old = parameters("def f(a, b=1):\n    pass\n", 0);
        let new = parameters("def f(a, c, b=1):\n    pass\n", 0);
        assert!(old.accept(&call("f(1)")));
        assert!(!new.accept(&call("f(1)")));
        assert!(new.accept(&call("f(1, 2)")));
        assert!(new.accept(&call("f(1, c=2)")));
    }

    #[test]
    fn parameters_renamed_keyword_breaks_calls() {
        let old = parameters("def f(a, *, timeout=None):\n    pass\n", 0);
        let new = parameters("def f(a, *, deadline=None):\n    pass\n", 0);
        assert!(old.accept(&call("f(1, timeout=3)")));
        assert!(!new.accept(&call("f(1, timeout=3)")));
        assert!(
            !new.accept(&call("f(1, 2)")),
            "keyword-only takes no position"
        );
        let open = parameters("def f(a, **options):\n    pass\n", 0);
        assert!(open.accept(&call("f(1, timeout=3)")));
    }

    #[test]
    fn parameters_bind_self_and_positional_only() {
        let method = parameters("def m(self, x, /, y=2, *rest):\n    pass\n", 1);
        assert!(method.accept(&call("obj.m(1, 2, 3, 4)")));
        assert!(!method.accept(&call("obj.m(x=1)")));
        assert!(method.accept(&call("obj.m(1, y=3)")));
    }

    #[test]
    fn bound_parameters_follow_each_header() {
        fn header(def: &str) -> Vec<&str> {
            definition_tokens(Lang::Python, def).header
        }
        let old = header("@staticmethod\ndef _get_dis_func(union, use_literals=True):\n    pass\n");
        let new = header(
            "def _get_dis_func(self, union, use_literals=True, overrides=None):\n    pass\n",
        );
        assert_eq!(bound_parameters(&old, true), 0);
        assert_eq!(bound_parameters(&new, true), 1);
        let class_method = header("@classmethod\ndef make(cls, union):\n    pass\n");
        assert_eq!(bound_parameters(&class_method, true), 1, "cls is bound");
        assert_eq!(bound_parameters(&new, false), 0, "a function binds none");

        let dis_call = call("self._get_dis_func(cl, use_literals=False)");
        let before = Parameters::parse(&old, bound_parameters(&old, true)).unwrap();
        let after = Parameters::parse(&new, bound_parameters(&new, true)).unwrap();
        assert!(before.accept(&dis_call));
        assert!(
            after.accept(&dis_call),
            "self is bound on the new side only"
        );
        let to_class_method = Parameters::parse(&class_method, 1).unwrap();
        assert!(to_class_method.accept(&call("obj.make(u)")));
    }

    #[test]
    fn call_arguments_split_keywords_from_comparisons() {
        let args = call("f(a == b, key=[1, 2], *rest, x := 3, lambda q=1: q)");
        assert_eq!(args.positional, 3);
        assert_eq!(args.keywords, vec!["key".to_owned()]);
        assert!(args.expands);
    }

    #[test]
    fn calls_of_reads_f_string_fields() {
        let callee = Callee {
            name: "foo".to_owned(),
            attribute_only: false,
        };
        let new = parameters("def foo(a, b):\n    pass\n", 0);
        for text in [
            "return f\"{foo(1)}\"",
            "return f\"{foo(1)=}\"",
            "return f\"{foo(1)!r:>10}\"",
            "return f\"{x:{foo(1)}}\"",
            "return f\"{f'{foo(1)}'}\"",
            "return f\"{\", \".join(f\"{foo(1)}\" for _ in y)}\"",
        ] {
            let tokens = lex_with_interpolations(Lang::Python, text);
            let calls = calls_of(&tokens, &callee);
            assert_eq!(calls.len(), 1, "{text}");
            assert!(!new.accept(&calls[0]), "{text}");
        }
        let plain = lex(Lang::Python, "return f\"{foo(1)}\"");
        assert!(
            calls_of(&plain, &callee).is_empty(),
            "lex keeps the literal whole"
        );
    }

    #[test]
    fn calls_of_skips_definitions_and_bare_calls() {
        let tokens = lex(
            Lang::Python,
            "def run(self):\n    run(1)\n    self.run(2, 3)\n",
        );
        let method = Callee {
            name: "run".to_owned(),
            attribute_only: true,
        };
        assert_eq!(calls_of(&tokens, &method).len(), 1);
        let function = Callee {
            name: "run".to_owned(),
            attribute_only: false,
        };
        assert_eq!(calls_of(&tokens, &function).len(), 2);
    }
}
