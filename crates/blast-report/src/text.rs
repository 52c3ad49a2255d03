//! The text report for terminals: the most severe changes first, each with
//! its score factors and its nearest dependents, certain and possible apart.

use std::fmt::Write;

use blast_score::{ChangedSymbol, Dependent, Report, Score};

/// How much of each list the text report shows.
#[derive(Clone, Debug)]
pub struct TextOptions {
    /// Dependents shown per list; the rest are counted.
    pub max_dependents: usize,
}

impl Default for TextOptions {
    fn default() -> TextOptions {
        TextOptions { max_dependents: 10 }
    }
}

/// Renders the report as plain text.
pub fn render_text(report: &Report, options: &TextOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "blast: {} -> {}",
        revision(&report.base),
        revision(&report.head)
    );
    if let Some(merge_base) = &report.merge_base {
        let _ = writeln!(out, "merge base: {}", short(merge_base));
    }
    let skipped: Vec<&str> = report
        .stats
        .skipped
        .iter()
        .map(|(path, _)| path.as_str())
        .chain(report.stats.excluded.iter().map(|(path, _)| path.as_str()))
        .collect();
    let analysed = report
        .files
        .iter()
        .filter(|f| {
            f.lang.is_some() && !f.binary && !f.ignored && !skipped.contains(&f.path.as_str())
        })
        .count();
    let _ = writeln!(
        out,
        "{} changed ({analysed} analysed), {} changed; total score {} ({})",
        counted(report.files.len(), "file", "files"),
        counted(report.changes.len(), "symbol", "symbols"),
        report.total.value,
        report.total.level.name()
    );
    // Without changed symbols every factor is zero, so the line is left out.
    if !report.changes.is_empty() {
        let _ = writeln!(out, "  {}", factors_line(&report.total, None));
    }
    if !report.complete {
        let _ = writeln!(
            out,
            "INCOMPLETE: the result is a lower bound (see warnings)"
        );
    }
    if report.tool_assisted {
        let marked = report
            .commits
            .iter()
            .filter(|c| !c.tool_trailers.is_empty())
            .count();
        let _ = writeln!(
            out,
            "{} marked as tool-assisted; [provenance] fail_on applies when the policy sets it",
            counted(marked, "commit", "commits")
        );
    }
    if !report.stats.excluded.is_empty() {
        let listed: Vec<String> = report
            .stats
            .excluded
            .iter()
            .map(|(path, reason)| format!("{path} ({})", reason.name()))
            .collect();
        let _ = writeln!(
            out,
            "excluded by .gitattributes (use --include-vendored to analyse them): {}",
            listed.join(", ")
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    if report.changes.is_empty() {
        let line = if report.complete {
            "no changed symbols in supported languages"
        } else {
            "no changed symbols found in the files read (see the warnings for the files skipped)"
        };
        let _ = writeln!(out, "\n{line}");
        return out;
    }
    // Changes that score 0 take one line each, after the others: a
    // release diff has many, and they have nothing to explain.
    let (scored, zero): (Vec<&ChangedSymbol>, Vec<&ChangedSymbol>) =
        report.changes.iter().partition(|c| c.score.value > 0);
    for change in scored {
        out.push('\n');
        render_change(&mut out, change, options);
    }
    if !zero.is_empty() {
        let _ = writeln!(
            out,
            "\n{} scored 0 (none), one line each:",
            counted(zero.len(), "change", "changes")
        );
        for change in zero {
            let _ = writeln!(
                out,
                "{} at {}:{}-{}",
                headline(change),
                change.file,
                change.start_line,
                change.end_line
            );
        }
    }
    out
}

/// Returns a change's first line: score, level, what changed, and a mark
/// for signature and formatting-only changes.
fn headline(change: &ChangedSymbol) -> String {
    let flag = crate::modification_mark(change);
    format!(
        "{:>3} {:<8} {} {} {}{flag}",
        change.score.value,
        change.score.level.name(),
        crate::change_word(change),
        change.symbol_kind.name(),
        change.name,
    )
}

fn render_change(out: &mut String, change: &ChangedSymbol, options: &TextOptions) {
    let _ = writeln!(out, "{}", headline(change));
    let _ = writeln!(
        out,
        "    at {}:{}-{}",
        change.file, change.start_line, change.end_line
    );
    if let (Some(old_name), Some(old_file)) = (&change.old_name, &change.old_file) {
        let _ = writeln!(out, "    was {old_name} in {old_file}");
    } else if let Some(old_file) = &change.old_file {
        let _ = writeln!(out, "    was in {old_file}");
    } else if let Some(old_name) = &change.old_name {
        let _ = writeln!(out, "    was {old_name}");
    }
    let _ = writeln!(
        out,
        "    {}",
        factors_line(&change.score, Some(crate::change_word(change)))
    );
    if !change.still_referenced.is_empty() {
        // Same-named dependents, such as two `#[cfg]` variants of a Rust
        // item, get their place so that a reader can tell them apart.
        let names: Vec<String> = change
            .still_referenced
            .iter()
            .map(|d| {
                let namesakes = change
                    .still_referenced
                    .iter()
                    .filter(|other| other.name == d.name)
                    .count();
                if namesakes > 1 {
                    format!("{} ({}:{})", d.name, d.file, d.line)
                } else {
                    d.name.clone()
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "    LIKELY BREAK: still referenced at head by {}",
            names.join(", ")
        );
    }
    let reason = if change.kind == blast_score::ChangeKind::Added {
        "do not define it"
    } else {
        "still override it"
    };
    for (label, list) in [
        (
            "POSSIBLE BREAK: still named at head, on a receiver of unknown type, by".to_owned(),
            &change.possibly_still_referenced,
        ),
        (
            "LIKELY BREAK: calls no longer match the new parameters in".to_owned(),
            &change.mismatched_calls,
        ),
        (
            format!("LIKELY BREAK: implementations that {reason}:"),
            &change.broken_implementations,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let names: Vec<String> = list
            .iter()
            .map(|d| format!("{} ({}:{})", d.name, d.file, d.line))
            .collect();
        let _ = writeln!(out, "    {label} {}", names.join(", "));
    }
    if !change.tiers.is_empty() {
        let _ = writeln!(out, "    tiers: {}", change.tiers.join(", "));
    }
    render_dependents(out, "certainly affected", &change.certain, options, false);
    render_dependents(out, "possibly affected", &change.possible, options, true);
    if change.is_test {
        let _ = writeln!(out, "    (a test)");
    } else if change.tests.is_empty() && (!change.certain.is_empty() || !change.possible.is_empty())
    {
        let _ = writeln!(out, "    no test reaches this change");
    } else if !change.tests.is_empty() {
        let tests = change.tests_with_certainty();
        let certain = tests.iter().filter(|(_, certain)| *certain).count();
        let _ = writeln!(
            out,
            "    tests reaching it: {certain} certain, {} possible",
            tests.len() - certain
        );
    }
    if change.truncated {
        let _ = writeln!(
            out,
            "    (search stopped at the dependents limit: lists are a lower bound)"
        );
    }
}

fn render_dependents(
    out: &mut String,
    title: &str,
    list: &[Dependent],
    options: &TextOptions,
    weighted: bool,
) {
    if list.is_empty() {
        return;
    }
    let test_code = list.iter().filter(|d| d.test_code).count();
    if test_code == 0 {
        let _ = writeln!(out, "    {title} ({}):", list.len());
    } else {
        let _ = writeln!(
            out,
            "    {title} ({}, {test_code} of them in test code):",
            list.len()
        );
    }
    // A flat list, nearest first: indenting by depth would suggest a tree
    // whose intermediate entries are not shown.
    for dep in list.iter().take(options.max_dependents) {
        let indent = "  ";
        let weight = if weighted {
            format!(" weight {:.2}", dep.weight)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {indent}{} ({}) {}:{} depth {}{weight}",
            dep.name,
            dep.kind.name(),
            dep.file,
            dep.line,
            dep.depth
        );
    }
    if list.len() > options.max_dependents {
        let _ = writeln!(
            out,
            "      ... and {} more",
            list.len() - options.max_dependents
        );
    }
}

/// Returns the factors of a score on one line. `word` is what the report
/// calls a changed symbol, which replaces the kind of a move in the change
/// factor (a rename, or a Java parameter-list change).
fn factors_line(score: &Score, word: Option<&str>) -> String {
    score
        .factors
        .iter()
        .map(|f| {
            if f.name == "change" {
                let detail = match (f.detail.strip_prefix("moved:"), word) {
                    (Some(rest), Some(word)) => format!("{word}:{rest}"),
                    _ => f.detail.clone(),
                };
                format!("change {detail}")
            } else {
                format!("{} +{} ({})", f.name, f.points, f.detail)
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn revision(info: &blast_score::RevisionInfo) -> String {
    match &info.commit {
        Some(commit) if info.label != *commit => format!("{} ({})", info.label, short(commit)),
        Some(commit) => short(commit).to_owned(),
        None => info.label.clone(),
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// Formats a count with the singular or plural noun.
fn counted(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}
