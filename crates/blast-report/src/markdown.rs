//! A Markdown summary for a pull-request comment: the total, a table of the
//! changed symbols by score, the likely breaks, and the top dependents of
//! the riskiest ones.

use std::fmt::Write;

use blast_score::{ChangedSymbol, Dependent, Report};

/// Counts the dependents that are not test code, which the table's tests
/// column covers.
fn outside_tests(list: &[Dependent]) -> usize {
    list.iter().filter(|d| !d.test_code).count()
}

/// Renders the report as GitHub-flavoured Markdown.
pub fn render_markdown(report: &Report, max_dependents: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### blast radius: {} ({})\n",
        report.total.value,
        report.total.level.name()
    );
    let files = report.files.len();
    let symbols = report.changes.len();
    let _ = writeln!(
        out,
        "{} → {}: {files} {}, {symbols} changed {}.",
        code(&report.base.label, false),
        code(&report.head.label, false),
        if files == 1 { "file" } else { "files" },
        if symbols == 1 { "symbol" } else { "symbols" },
    );
    let factors: Vec<String> = report
        .total
        .factors
        .iter()
        .map(|f| format!("{} {} ({})", f.name, f.points, text(&f.detail)))
        .collect();
    if !report.changes.is_empty() {
        let _ = writeln!(out, "Score factors: {}.", factors.join("; "));
    }
    if report.tool_assisted {
        let _ = writeln!(
            out,
            "\nSome commits are marked as tool-assisted: `[provenance] fail_on` applies when the policy sets it."
        );
    }
    if !report.complete {
        let _ = writeln!(out, "\n**Incomplete:** the result is a lower bound.");
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "\n> {}", text(warning));
    }
    if report.changes.is_empty() {
        let _ = writeln!(out, "\nNo changed symbols in supported languages.");
        return out;
    }

    let _ = writeln!(
        out,
        "\n| score | change | symbol | certain | possible | tests |\n| ---: | --- | --- | ---: | ---: | ---: |"
    );
    for change in report.changes.iter().take(50) {
        let _ = writeln!(
            out,
            "| {} {} | {} {}{} | {} ({}:{}) | {} | {} | {} |",
            change.score.value,
            change.score.level.name(),
            crate::change_word(change),
            change.symbol_kind.name(),
            crate::modification_mark(change),
            code(&change.name, true),
            text(&change.file),
            change.start_line,
            outside_tests(&change.certain),
            outside_tests(&change.possible),
            tests_cell(change)
        );
    }
    let _ = writeln!(
        out,
        "\nThe certain and possible columns count dependents outside test code; \
         the tests column counts the tests that certainly reach the change, and \
         after `+` those that possibly do."
    );
    if report.changes.len() > 50 {
        let _ = writeln!(
            out,
            "\n… and {} more changed symbols.",
            report.changes.len() - 50
        );
    }
    likely_section(
        &mut out,
        report,
        "**Likely breaks:** these symbols are gone from the head revision, but code there still names them.",
        |c| &c.still_referenced,
        true,
    );
    likely_section(
        &mut out,
        report,
        "**Possible breaks:** these symbols are gone from the head revision, and code there still calls a method of that name on a value whose type blast does not know.",
        |c| &c.possibly_still_referenced,
        true,
    );
    likely_section(
        &mut out,
        report,
        "**Likely broken calls:** the parameters of these functions changed, and these callers pass arguments that the new parameters reject.",
        |c| &c.mismatched_calls,
        false,
    );
    likely_section(
        &mut out,
        report,
        "**Likely broken implementations:** these implementations do not define a required method that was added, or still override one that is gone.",
        |c| &c.broken_implementations,
        true,
    );
    for change in report
        .changes
        .iter()
        .filter(|c| !c.certain.is_empty())
        .take(5)
    {
        details(&mut out, change, max_dependents);
    }
    out
}

fn details(out: &mut String, change: &ChangedSymbol, max_dependents: usize) {
    let test_code = change.certain.iter().filter(|d| d.test_code).count();
    let in_tests = if test_code == 0 {
        String::new()
    } else {
        format!(", {test_code} of them in test code")
    };
    let _ = writeln!(
        out,
        "\n<details><summary><code>{}</code>: {} certainly affected{in_tests}</summary>\n",
        html(&change.name),
        change.certain.len()
    );
    for dep in change.certain.iter().take(max_dependents) {
        let _ = writeln!(
            out,
            "- {} ({}:{}), depth {}",
            code(&dep.name, false),
            text(&dep.file),
            dep.line,
            dep.depth
        );
    }
    if change.certain.len() > max_dependents {
        let _ = writeln!(
            out,
            "- … and {} more",
            change.certain.len() - max_dependents
        );
    }
    let _ = writeln!(out, "\n</details>");
}

/// Replaces line breaks and other control characters, which would end a
/// table row or a list item, with spaces.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Escapes text for a paragraph or a table cell: every character that
/// Markdown or inline HTML could read as syntax gets a backslash, so names
/// such as `__init__` or `a|b` show as written. The escaped `|` also keeps
/// a table cell from splitting.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in one_line(value).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Writes a value as an inline code span. Backslashes and entities are not
/// interpreted inside one, so nothing is escaped, but the fence is one
/// backtick longer than the longest run of backticks in the value, with
/// spaces inside when the value starts or ends with a backtick. In a table
/// cell `|` still ends the cell, so it is written `\|`, which GitHub's
/// table parser turns back into `|` inside the span.
fn code(value: &str, in_table: bool) -> String {
    let mut value = one_line(value);
    if in_table {
        value = value.replace('|', "\\|");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in value.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// Escapes text for inline HTML, where Markdown is not interpreted.
fn html(value: &str) -> String {
    one_line(value)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes one list of likely breaks: a line per change (20 at most) with
/// the dependents that `list` selects, 10 at most. `with_kind` names the
/// change kind and, for a moved symbol, its old name.
fn likely_section(
    out: &mut String,
    report: &Report,
    heading: &str,
    list: fn(&ChangedSymbol) -> &[Dependent],
    with_kind: bool,
) {
    let changes: Vec<&ChangedSymbol> = report
        .changes
        .iter()
        .filter(|c| !list(c).is_empty())
        .collect();
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{heading}");
    for change in changes.iter().take(20) {
        let dependents = list(change);
        let mut names: Vec<String> = dependents
            .iter()
            .take(10)
            .map(|d| format!("{} ({}:{})", code(&d.name, false), text(&d.file), d.line))
            .collect();
        if dependents.len() > 10 {
            names.push(format!("and {} more", dependents.len() - 10));
        }
        let (name, kind) = if with_kind {
            (
                change.old_name.as_deref().unwrap_or(&change.name),
                format!(
                    "{} {}",
                    crate::change_word(change),
                    change.symbol_kind.name()
                ),
            )
        } else {
            (change.name.as_str(), change.symbol_kind.name().to_owned())
        };
        let _ = writeln!(
            out,
            "- {} ({kind}): {}",
            code(name, false),
            names.join(", ")
        );
    }
}

/// Returns the tests cell of a change: the tests that certainly reach it,
/// and `+N` for those that possibly do.
fn tests_cell(change: &blast_score::ChangedSymbol) -> String {
    let tests = change.tests_with_certainty();
    let certain = tests.iter().filter(|(_, certain)| *certain).count();
    match tests.len() - certain {
        0 => certain.to_string(),
        possible => format!("{certain} +{possible}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_fence_backticks() {
        assert_eq!(code("pkg.f", false), "`pkg.f`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`a``", false), "``` `a`` ```");
        assert_eq!(code("<T as Trait>", false), "`<T as Trait>`");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("a\nb", false), "`a b`");
    }

    #[test]
    fn text_and_html_escape_syntax() {
        assert_eq!(text("pkg/__init__.py"), "pkg/\\_\\_init\\_\\_.py");
        assert_eq!(text("a|b <c>"), "a\\|b \\<c\\>");
        assert_eq!(html("m::<T as A>&"), "m::&lt;T as A&gt;&amp;");
    }
}
