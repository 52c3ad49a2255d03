//! A Markdown summary for a pull-request comment: the total, a table of the
//! changed symbols by score, and the top dependents of the riskiest ones.

use std::fmt::Write;

use blast_score::{ChangedSymbol, Report};

/// Renders the report as GitHub-flavoured Markdown.
pub fn render_markdown(report: &Report, max_dependents: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### blast radius: {} ({})\n",
        report.total.value,
        report.total.level.name()
    );
    let _ = writeln!(
        out,
        "`{}` → `{}`: {} files, {} changed symbols.",
        report.base.label,
        report.head.label,
        report.files.len(),
        report.changes.len()
    );
    let factors: Vec<String> = report
        .total
        .factors
        .iter()
        .map(|f| format!("{} {} ({})", f.name, f.points, escape(&f.detail)))
        .collect();
    let _ = writeln!(out, "Score factors: {}.", factors.join("; "));
    if report.tool_assisted {
        let _ = writeln!(
            out,
            "\nSome commits are marked as tool-assisted, so the stricter threshold applies."
        );
    }
    if !report.complete {
        let _ = writeln!(out, "\n**Incomplete:** the result is a lower bound.");
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "\n> {}", escape(warning));
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
            "| {} {} | {} {} | `{}` ({}:{}) | {} | {} | {} |",
            change.score.value,
            change.score.level.name(),
            change.kind.name(),
            change.symbol_kind.name(),
            escape(&change.name),
            escape(&change.file),
            change.start_line,
            change.certain.len(),
            change.possible.len(),
            change.tests.len()
        );
    }
    if report.changes.len() > 50 {
        let _ = writeln!(
            out,
            "\n… and {} more changed symbols.",
            report.changes.len() - 50
        );
    }
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
    let _ = writeln!(
        out,
        "\n<details><summary><code>{}</code>: {} certainly affected</summary>\n",
        escape(&change.name),
        change.certain.len()
    );
    for dep in change.certain.iter().take(max_dependents) {
        let _ = writeln!(
            out,
            "- `{}` ({}:{}), depth {}",
            escape(&dep.name),
            escape(&dep.file),
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

/// Escapes the characters that would break a table cell or inline HTML.
fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
