//! Redundant grouping parentheses in Python statements: those that wrap a
//! whole statement-level operand, a parameter's annotation or a whole
//! conditional expression, which black adds when it splits a long line
//! and removes when the line fits again (its "invisible parentheses").
//! Dropping them from both sides of a change makes such a reformatting
//! compare equal, while parentheses that group part of an expression, make
//! a tuple or a generator, or call something stay.
//!
//! One pass over the tokens decides every pair, so the cost stays linear
//! in the number of tokens, also for thousands of nested parentheses.

use crate::tokens::LINE_END;

/// Statements whose header ends at a `:` followed by their block, which
/// may start on the same line (`if x: return (y)`).
const COMPOUND_KEYWORDS: &[&str] = &[
    "if", "elif", "else", "while", "for", "with", "try", "except", "finally", "async", "def",
    "class",
];

/// Drops the parentheses that wrap a whole operand of a statement in
/// `tokens`, which are Python tokens with a [`LINE_END`] at the end of
/// each logical line:
/// - the target of an assignment up to its `=`, and the value after the
///   `=` (also `x: T = (...)` and `+=`) up to the end of the statement,
/// - the value of `return`, `yield` and `del`, and the names after
///   `from m import`, up to the end of the statement,
/// - the condition of `assert` up to its `,` or the end, unless the
///   parentheses hold a comma (`assert (x, "message")` is a tuple), and
///   its message up to the end,
/// - the condition of `if`, `elif` and `while` and the items of `with`, up
///   to the `:`, and the exceptions of `except` up to the `:` or `as`,
/// - the target of `for` up to `in`, and its iterable up to the `:`,
/// - an annotation after the first `:` of a statement, up to its `=` or
///   the end, and a return annotation after `->` up to the `:`.
///
/// The annotation of a parameter with a default, up to its `=`, counts
/// too, and so does a conditional expression that is a whole element
/// (see [`wraps_conditional_expression`]).
///
/// These are the positions where black 26.10 (`black/linegen.py`) adds
/// invisible parentheses, except the guard of a `match` case.
///
/// Parentheses that hold nothing or a generator (a `for` inside them)
/// stay. A comma inside them stays too, so `(a,)` becomes `a,` and still
/// differs from `a`. Nested redundant pairs (`((a))`) are all dropped.
pub(crate) fn without_redundant_parentheses(tokens: Vec<&str>) -> Vec<&str> {
    let redundant = redundant_tokens(&tokens);
    if !redundant.contains(&true) {
        return tokens;
    }
    tokens
        .into_iter()
        .zip(redundant)
        .filter_map(|(token, drop)| (!drop).then_some(token))
        .collect()
}

/// The position of a pair of parentheses once the redundant pairs around
/// it are gone: the inner pair of `((a))` after `=` takes the outer's.
#[derive(Clone, Copy)]
struct Place {
    /// The index of the token before the `(`, if any.
    before: Option<usize>,
    /// The index of the token after the `)`.
    after: usize,
    /// The bracket depth of the `(`.
    depth: u32,
}

/// The tokens a pair of brackets contains, outside the brackets nested in
/// it.
#[derive(Clone, Copy, Default)]
struct Content {
    empty: bool,
    comma: bool,
    /// A `for`: a generator or comprehension.
    generator: bool,
    /// An `if` and an `else`: a conditional expression.
    if_keyword: bool,
    else_keyword: bool,
    /// A `lambda`, a `:` (of a lambda or a walrus) or `yield`.
    other_expression: bool,
}

/// The statement being read: where it starts and how many `:`, `,` and
/// `in` it has outside brackets so far.
#[derive(Default)]
struct Statement {
    start: usize,
    colons: u32,
    commas: u32,
    ins: u32,
}

/// Returns, for each token, whether it is a parenthesis of a redundant pair.
fn redundant_tokens(tokens: &[&str]) -> Vec<bool> {
    let (closers, contents) = bracket_pairs(tokens);
    let mut redundant = vec![false; tokens.len()];
    let mut places: Vec<Option<Place>> = vec![None; tokens.len()];
    let mut statement = Statement::default();
    let mut depth = 0u32;
    for (idx, &token) in tokens.iter().enumerate() {
        if depth == 0 {
            let ends_header = token == ":" && COMPOUND_KEYWORDS.contains(&tokens[statement.start]);
            if token == LINE_END || token == ";" || ends_header {
                statement = Statement {
                    start: idx + 1,
                    ..Statement::default()
                };
                continue;
            }
            match token {
                ":" => statement.colons += 1,
                "," => statement.commas += 1,
                "in" => statement.ins += 1,
                _ => {}
            }
        }
        if let (Some(close), "(") = (closers[idx], token) {
            // A pair that exactly fills a redundant pair sits in its place.
            let outer = idx
                .checked_sub(1)
                .filter(|&outer| redundant[outer] && closers[outer] == Some(close + 1))
                .and_then(|outer| places[outer]);
            let place = outer.unwrap_or(Place {
                before: idx.checked_sub(1),
                after: close + 1,
                depth,
            });
            places[idx] = Some(place);
            let content = contents[idx];
            let is_redundant = wraps_conditional_expression(tokens, place, content)
                || (place.depth == 1
                    && wraps_parameter_annotation(tokens, &statement, place, content))
                || (place.depth == 0 && wraps_operand(tokens, &statement, place, content));
            if is_redundant {
                redundant[idx] = true;
                redundant[close] = true;
            }
        }
        match token {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    redundant
}

/// Returns, for each opening bracket, the index of the bracket that closes
/// it and what the pair holds. Other tokens get `None` and empty content.
fn bracket_pairs(tokens: &[&str]) -> (Vec<Option<usize>>, Vec<Content>) {
    let mut closers = vec![None; tokens.len()];
    let mut contents = vec![Content::default(); tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    for (idx, &token) in tokens.iter().enumerate() {
        match token {
            "(" | "[" | "{" => {
                open.push(idx);
                continue;
            }
            ")" | "]" | "}" => {
                if let Some(opener) = open.pop() {
                    closers[opener] = Some(idx);
                    contents[opener].empty = idx == opener + 1;
                }
                continue;
            }
            _ => {}
        }
        let Some(&innermost) = open.last() else {
            continue;
        };
        let content = &mut contents[innermost];
        match token {
            "," => content.comma = true,
            "for" => content.generator = true,
            "if" => content.if_keyword = true,
            "else" => content.else_keyword = true,
            "lambda" | ":" | "yield" => content.other_expression = true,
            _ => {}
        }
    }
    (closers, contents)
}

/// True when parentheses in `place`, at bracket depth 0, wrap a whole
/// operand of `statement`.
fn wraps_operand(tokens: &[&str], statement: &Statement, place: Place, content: Content) -> bool {
    let start = statement.start;
    let next = tokens.get(place.after).copied();
    if content.empty || content.generator {
        return false;
    }
    let Some(before) = place.before.filter(|&before| before >= start) else {
        // The target of an assignment, `(a, b) = pair`, and not `(a) == b`.
        return next == Some("=") && tokens.get(place.after + 1) != Some(&"=");
    };
    let ends_statement = matches!(next, None | Some(";")) || next == Some(LINE_END);
    // The keyword opens the statement, possibly after `async`.
    let opens_statement = before == start || (before == start + 1 && tokens[start] == "async");
    let statement_keyword = if tokens[start] == "async" {
        tokens.get(start + 1).copied()
    } else {
        Some(tokens[start])
    };
    match tokens[before] {
        "=" => is_assignment(tokens, start, before) && ends_statement,
        // An annotation (`x: (T) = v`), at the first `:` of a statement.
        // Without a comma, since `lambda: (a, b)` returns a tuple.
        ":" => statement.colons == 1 && !content.comma && (ends_statement || next == Some("=")),
        // A return annotation, `def f() -> (T):`.
        ">" => {
            statement_keyword == Some("def")
                && before > start
                && tokens[before - 1] == "-"
                && next == Some(":")
        }
        "return" | "yield" | "del" => opens_statement && ends_statement,
        "import" => tokens[start] == "from" && ends_statement,
        "assert" => opens_statement && !content.comma && (ends_statement || next == Some(",")),
        // The message of `assert`, after the first comma.
        "," => tokens[start] == "assert" && statement.commas == 1 && ends_statement,
        "except" => opens_statement && matches!(next, Some(":" | "as")),
        "if" | "elif" | "while" | "with" => opens_statement && next == Some(":"),
        "for" => opens_statement && next == Some("in"),
        // The `in` of a `for` statement, not a comparison in its target.
        "in" => statement_keyword == Some("for") && statement.ins == 1 && next == Some(":"),
        _ => false,
    }
}

/// True when parentheses in `place`, at bracket depth 1, wrap the
/// annotation of a parameter of a `def` statement (`hook: (Callable[[A],
/// B] | None) = None`), which black adds when it splits a long parameter.
fn wraps_parameter_annotation(
    tokens: &[&str],
    statement: &Statement,
    place: Place,
    content: Content,
) -> bool {
    let start = statement.start;
    let is_def = tokens[start] == "def"
        || (tokens[start] == "async" && tokens.get(start + 1) == Some(&"def"));
    is_def
        && place
            .before
            .is_some_and(|before| before > start && tokens[before] == ":")
        && matches!(tokens.get(place.after), Some(&("=" | "," | ")")))
        && !content.empty
        && !content.comma
        && !content.generator
}

/// True when parentheses in `place` wrap a conditional expression
/// (`a if c else b`) that is a whole element: an argument, an item, a dict
/// value, the value of an assignment or keyword argument, the body of a
/// lambda. Black adds these when it splits the expression. They stay
/// around an operand, where they group: `(a if c else b) + 1` or
/// `(a if c else b) if d else e`.
fn wraps_conditional_expression(tokens: &[&str], place: Place, content: Content) -> bool {
    let is_conditional = content.if_keyword
        && content.else_keyword
        && !content.generator
        && !content.comma
        && !content.other_expression;
    if !is_conditional {
        return false;
    }
    let opens_element = match place.before {
        None => true,
        Some(before) if tokens[before] == "=" => is_assignment(tokens, 0, before),
        Some(before) => {
            matches!(tokens[before], "(" | "[" | "{" | "," | ":" | ";" | "return")
                || tokens[before] == LINE_END
        }
    };
    let ends_element = match tokens.get(place.after) {
        None => true,
        Some(&after) => {
            matches!(after, ")" | "]" | "}" | "," | ":" | ";" | "for" | "async")
                || after == LINE_END
        }
    };
    opens_element && ends_element
}

/// True when the `=` at `equals` is an assignment (`=`, `+=`, `<<=`) and
/// not part of a comparison (`==`, `!=`, `<=`, `>=`) or of `:=`, in the
/// statement that starts at `start`.
fn is_assignment(tokens: &[&str], start: usize, equals: usize) -> bool {
    let operator = |offset: usize| {
        equals
            .checked_sub(offset)
            .filter(|&idx| idx >= start)
            .map(|idx| tokens[idx])
    };
    match operator(1) {
        Some("=" | "!" | ":") | None => false,
        // `<<=` and `>>=` shift, `<=` and `>=` compare.
        Some(angle @ ("<" | ">")) => operator(2) == Some(angle),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use blast_graph::Lang;

    use crate::tokens::definition_tokens;

    fn same(old: &str, new: &str) -> bool {
        definition_tokens(Lang::Python, old) == definition_tokens(Lang::Python, new)
    }

    #[test]
    fn operands_wrapped_by_black_are_formatting() {
        let cases = [
            ("x = (\n    a\n    + b\n)\n", "x = a + b\n"),
            (
                "x: list[int] = (\n    Factory(list)\n)\n",
                "x: list[\n    int\n] = Factory(list)\n",
            ),
            ("x += (\n    a\n)\n", "x += a\n"),
            (
                "def f():\n    return (\n        a.b(c)\n    )\n",
                "def f():\n    return a.b(c)\n",
            ),
            (
                "def f():\n    return (a, b,)\n",
                "def f():\n    return a, b\n",
            ),
            ("def f():\n    yield (a)\n", "def f():\n    yield a\n"),
            ("del (a)\n", "del a\n"),
            (
                "assert (\n    x > 1\n), \"message\"\n",
                "assert x > 1, \"message\"\n",
            ),
            (
                "if (\n    a\n    and b\n):\n    pass\n",
                "if a and b:\n    pass\n",
            ),
            ("while (x):\n    pass\n", "while x:\n    pass\n"),
            (
                "with (open(p) as f):\n    pass\n",
                "with open(p) as f:\n    pass\n",
            ),
            (
                "for (\n    a,\n    b,\n) in (pairs):\n    pass\n",
                "for a, b in pairs:\n    pass\n",
            ),
            (
                "async for (a) in b:\n    pass\n",
                "async for a in b:\n    pass\n",
            ),
            ("if c: return (a)\n", "if c: return a\n"),
            (
                "from typing import (\n    Any,\n    Callable,\n)\n",
                "from typing import Any, Callable\n",
            ),
            ("x = ((a))\n", "x = a\n"),
            (
                "f(k=(\n    a if c else b\n), j=1)\n",
                "f(k=a if c else b, j=1)\n",
            ),
            (
                "d = {k: (v if c else w) for k in y}\n",
                "d = {k: v if c else w for k in y}\n",
            ),
            (
                "f(lambda v: (v if c else w), x)\n",
                "f(lambda v: v if c else w, x)\n",
            ),
            (
                "def f(\n    hook: (\n        Callable[[A], B] | None\n    ) = None,\n):\n    pass\n",
                "def f(hook: Callable[[A], B] | None = None):\n    pass\n",
            ),
            ("(\n    a,\n    b,\n) = pair\n", "a, b = pair\n"),
            ("x <<= (a)\n", "x <<= a\n"),
            (
                "assert x, (\n    \"message\"\n)\n",
                "assert x, \"message\"\n",
            ),
            (
                "try:\n    pass\nexcept (\n    Exception\n):\n    pass\n",
                "try:\n    pass\nexcept Exception:\n    pass\n",
            ),
            (
                "try:\n    pass\nexcept (A, B) as e:\n    pass\n",
                "try:\n    pass\nexcept A, B as e:\n    pass\n",
            ),
            ("x: (\n    int\n) = 1\n", "x: int = 1\n"),
            (
                "def f() -> (\n    Set[int]\n):\n    pass\n",
                "def f() -> Set[int]:\n    pass\n",
            ),
            ("x = (a); y = (b)\n", "x = a; y = b\n"),
        ];
        for (old, new) in cases {
            assert!(same(old, new), "{old:?} and {new:?}");
        }
    }

    #[test]
    fn grouping_tuples_generators_calls_stay() {
        let cases = [
            ("x = (a + b) * c\n", "x = a + b * c\n"),
            ("x = (a,)\n", "x = a\n"),
            ("x = (f)(a)\n", "x = f(a)\n"),
            ("x = (a).b\n", "x = a.b\n"),
            ("assert (x, \"message\")\n", "assert x, \"message\"\n"),
            ("x = a == (b)\n", "x = a == b\n"),
            ("(a) == b\n", "a == b\n"),
            ("(a).b = 1\n", "a.b = 1\n"),
            ("x = a <= (b)\n", "x = a <= b\n"),
            ("f = lambda: (a) + b\n", "f = lambda: a + b\n"),
            ("f = lambda: (a, b)\n", "f = lambda: a, b\n"),
            (
                "x = (a if c else b) if d else e\n",
                "x = a if c else b if d else e\n",
            ),
            ("x = f((a if c else b) + 1)\n", "x = f(a if c else b + 1)\n"),
            ("x = y == (a if c else b)\n", "x = y == a if c else b\n"),
            (
                "x = [(a if c else b) for a in y if z]\n",
                "x = [a for a in y if z]\n",
            ),
            ("y = x if (c) else d\n", "y = x if c else d\n"),
            ("if (a) or b:\n    pass\n", "if a or b:\n    pass\n"),
            (
                "for x in (a) + b:\n    pass\n",
                "for x in a + b:\n    pass\n",
            ),
            ("x = f(\n    (a)\n)\n", "x = f(a)\n"),
            ("x = ()\n", "x = \n"),
        ];
        for (old, new) in cases {
            assert!(!same(old, new), "{old:?} and {new:?}");
        }
        let generator = definition_tokens(Lang::Python, "x = (i for i in y)\n");
        assert_eq!(generator.body.first(), Some(&"x"));
        assert_eq!(generator.body.get(2), Some(&"("), "a generator keeps them");
    }

    #[test]
    fn deep_nesting_is_linear() {
        let depth = 20_000;
        let text = format!(
            "def f():\n    return {}a{}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let started = std::time::Instant::now();
        assert!(same(&text, "def f():\n    return a\n"));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn statements_end_at_line_breaks() {
        assert!(same("x = (a)\nb = 1\n", "x = a\nb = 1\n"));
        assert!(
            !same("x = (a\n) + b\n", "x = a + b\n"),
            "a line break inside brackets ends no statement"
        );
    }
}
