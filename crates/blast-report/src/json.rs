//! The JSON report. Its shape is versioned by `schema_version`: fields are
//! only added within a version; renaming or removing one bumps it.

use blast_score::{ChangedSymbol, Dependent, Report, Score};
use rayon::prelude::*;
use serde::Serialize;

use crate::{TOOL_VERSION, symbol_id};

/// The version of the JSON report's schema.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    base: Revision<'a>,
    head: Revision<'a>,
    merge_base: Option<&'a str>,
    complete: bool,
    /// The limits that made the result a lower bound; empty when complete
    /// is true or only a failure (an unreadable file) made it incomplete.
    limits_reached: Vec<JsonLimit>,
    total: JsonScore<'a>,
    files: Vec<JsonFile<'a>>,
    changes: Vec<JsonChange<'a>>,
    stats: JsonStats<'a>,
    warnings: &'a [String],
    commits: Vec<JsonCommit<'a>>,
    tool_assisted: bool,
    fail_on: Option<&'static str>,
    fails: bool,
}

#[derive(Serialize)]
struct JsonLimit {
    limit: &'static str,
    flag: &'static str,
    /// An integer unless the limit has a fractional value.
    value: serde_json::Number,
    unit: &'static str,
    count: usize,
}

/// Writes a limit's value as an integer when it is one.
fn limit_value(value: f64) -> serde_json::Number {
    if value.fract() == 0.0 && value >= 0.0 && value <= u64::MAX as f64 {
        serde_json::Number::from(value as u64)
    } else {
        serde_json::Number::from_f64(value).unwrap_or_else(|| serde_json::Number::from(0))
    }
}

#[derive(Serialize)]
struct JsonCommit<'a> {
    id: &'a str,
    summary: &'a str,
    tool_trailers: &'a [String],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Revision<'a> {
    label: &'a str,
    commit: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonScore<'a> {
    score: u8,
    level: &'static str,
    raw: f64,
    factors: Vec<JsonFactor<'a>>,
}

#[derive(Serialize)]
struct JsonFactor<'a> {
    name: &'static str,
    detail: &'a str,
    points: f64,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    old_path: Option<&'a str>,
    status: &'static str,
    binary: bool,
    language: Option<&'static str>,
    /// `[paths] ignore` of the policy matches it: listed, not analysed.
    ignored: bool,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    id: String,
    symbol: &'a str,
    local_name: &'a str,
    symbol_kind: &'static str,
    change: &'static str,
    file: &'a str,
    old_file: Option<&'a str>,
    old_symbol: Option<&'a str>,
    start_line: u32,
    end_line: u32,
    public: bool,
    whitespace_only: bool,
    modification: Option<&'static str>,
    still_referenced: Vec<JsonDependent<'a>>,
    possibly_still_referenced: Vec<JsonDependent<'a>>,
    mismatched_calls: Vec<JsonDependent<'a>>,
    broken_implementations: Vec<JsonDependent<'a>>,
    score: u8,
    level: &'static str,
    raw: f64,
    factors: Vec<JsonFactor<'a>>,
    certain: Vec<JsonDependent<'a>>,
    possible: Vec<JsonDependent<'a>>,
    truncated: bool,
    is_test: bool,
    tests: Vec<JsonDependent<'a>>,
    tiers: &'a [String],
}

#[derive(Serialize)]
struct JsonDependent<'a> {
    id: String,
    symbol: &'a str,
    kind: &'static str,
    file: &'a str,
    line: u32,
    depth: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<f64>,
    /// Only for entries of `tests`: false when the test reaches the change
    /// only through some candidate edge.
    #[serde(skip_serializing_if = "Option::is_none")]
    certain: Option<bool>,
}

#[derive(Serialize)]
struct JsonStats<'a> {
    files_base: u64,
    files_head: u64,
    files_parsed: u64,
    files_skipped: Vec<JsonSkipped<'a>>,
    /// Changed files that `.gitattributes` marks vendored or generated.
    files_excluded: Vec<JsonSkipped<'a>>,
    files_with_parse_errors: &'a [String],
    imports_unresolved: u64,
    imports_external: u64,
    calls_too_ambiguous: u64,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    path: &'a str,
    reason: &'static str,
}

/// Renders the report as pretty-printed JSON with a final newline.
pub fn render_json(report: &Report) -> String {
    let doc = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "blast",
            version: TOOL_VERSION,
        },
        base: Revision {
            label: &report.base.label,
            commit: report.base.commit.as_deref(),
        },
        head: Revision {
            label: &report.head.label,
            commit: report.head.commit.as_deref(),
        },
        merge_base: report.merge_base.as_deref(),
        complete: report.complete,
        limits_reached: report
            .limits_reached
            .iter()
            .map(|limit| JsonLimit {
                limit: limit.name,
                flag: limit.flag,
                value: limit_value(limit.value),
                unit: limit.unit,
                count: limit.count,
            })
            .collect(),
        total: score(&report.total),
        files: report
            .files
            .iter()
            .map(|f| JsonFile {
                path: &f.path,
                old_path: f.old_path.as_deref(),
                status: file_status(f.status),
                binary: f.binary,
                language: f.lang.map(blast_graph::Lang::name),
                ignored: f.ignored,
            })
            .collect(),
        // Rendered apart, in parallel, and spliced in below.
        changes: Vec::new(),
        stats: JsonStats {
            files_base: report.stats.files_base,
            files_head: report.stats.files_head,
            files_parsed: report.stats.files_parsed,
            files_skipped: report
                .stats
                .skipped
                .iter()
                .map(|(path, reason)| JsonSkipped {
                    path,
                    reason: reason.name(),
                })
                .collect(),
            files_excluded: report
                .stats
                .excluded
                .iter()
                .map(|(path, reason)| JsonSkipped {
                    path,
                    reason: reason.name(),
                })
                .collect(),
            files_with_parse_errors: &report.stats.files_with_parse_errors,
            imports_unresolved: report.stats.imports_unresolved,
            imports_external: report.stats.imports_external,
            calls_too_ambiguous: report.stats.calls_too_ambiguous,
        },
        warnings: &report.warnings,
        commits: report
            .commits
            .iter()
            .map(|c| JsonCommit {
                id: &c.id,
                summary: &c.summary,
                tool_trailers: &c.tool_trailers,
            })
            .collect(),
        tool_assisted: report.tool_assisted,
        fail_on: report.fail_on.map(blast_score::Level::name),
        fails: report.fails(),
    };
    let mut out = with_array_spliced(&doc, "changes", &report.changes, |c| {
        serde_json::to_vec_pretty(&change(c))
    });
    out.push('\n');
    out
}

/// Renders `doc` as pretty-printed JSON, with its top-level field `key`
/// (serialised by `doc` as an empty array) holding `items`, each rendered
/// pretty-printed by `render`. The items are rendered in parallel and indented to their
/// place, which gives the same text as rendering the whole document at
/// once: a far-reaching diff lists hundreds of thousands of dependents,
/// and rendering them took a fifth of such a diff's time.
fn with_array_spliced<D, I, F>(doc: &D, key: &str, items: &[I], render: F) -> String
where
    D: Serialize,
    I: Sync,
    F: Fn(&I) -> serde_json::Result<Vec<u8>> + Sync,
{
    let head = serde_json::to_string_pretty(doc)
        .unwrap_or_else(|err| panic!("report serialisation failed: {err}"));
    let placeholder = format!("\n  \"{key}\": []");
    let Some(at) = head.find(&placeholder) else {
        panic!("report serialisation failed: no top-level field {key}");
    };

    if items.is_empty() {
        return head;
    }
    // Inside the document an item starts two levels deep, and a JSON
    // string contains no raw line break, so every line break gains the indent.
    let rendered: Vec<Vec<u8>> = items
        .par_iter()
        .map(|item| {
            let text =
                render(item).unwrap_or_else(|err| panic!("report serialisation failed: {err}"));
            let mut indented = Vec::with_capacity(text.len() + text.len() / 8);
            for &byte in &text {
                indented.push(byte);
                if byte == b'\n' {
                    indented.extend_from_slice(b"    ");
                }
            }
            indented
        })
        .collect();

    let total: usize = rendered.iter().map(|r| r.len() + 6).sum();
    let mut out = Vec::with_capacity(head.len() + total + 8);
    out.extend_from_slice(&head.as_bytes()[..at]);
    out.extend_from_slice(format!("\n  \"{key}\": [").as_bytes());
    for (idx, text) in rendered.iter().enumerate() {
        out.extend_from_slice(if idx == 0 { b"\n    " } else { b",\n    " });
        out.extend_from_slice(text);
    }
    out.extend_from_slice(b"\n  ]");
    out.extend_from_slice(&head.as_bytes()[at + placeholder.len()..]);
    String::from_utf8(out).unwrap_or_else(|err| panic!("report serialisation failed: {err}"))
}

fn score(score: &Score) -> JsonScore<'_> {
    JsonScore {
        score: score.value,
        level: score.level.name(),
        raw: score.raw,
        factors: factors(score),
    }
}

fn factors(score: &Score) -> Vec<JsonFactor<'_>> {
    score
        .factors
        .iter()
        .map(|f| JsonFactor {
            name: f.name,
            detail: &f.detail,
            points: f.points,
        })
        .collect()
}

fn change(c: &ChangedSymbol) -> JsonChange<'_> {
    JsonChange {
        id: symbol_id(&c.file, &c.local_name),
        symbol: &c.name,
        local_name: &c.local_name,
        symbol_kind: c.symbol_kind.name(),
        change: c.kind.name(),
        file: &c.file,
        old_file: c.old_file.as_deref(),
        old_symbol: c.old_name.as_deref(),
        start_line: c.start_line,
        end_line: c.end_line,
        public: c.public,
        whitespace_only: c.whitespace_only,
        modification: c.modification.map(blast_score::Modification::name),
        still_referenced: c
            .still_referenced
            .iter()
            .map(|d| dependent(d, false))
            .collect(),
        possibly_still_referenced: c
            .possibly_still_referenced
            .iter()
            .map(|d| dependent(d, true))
            .collect(),
        mismatched_calls: c
            .mismatched_calls
            .iter()
            .map(|d| dependent(d, false))
            .collect(),
        broken_implementations: c
            .broken_implementations
            .iter()
            .map(|d| dependent(d, false))
            .collect(),
        score: c.score.value,
        level: c.score.level.name(),
        raw: c.score.raw,
        factors: factors(&c.score),
        certain: c.certain.iter().map(|d| dependent(d, false)).collect(),
        possible: c.possible.iter().map(|d| dependent(d, true)).collect(),
        truncated: c.truncated,
        is_test: c.is_test,
        tests: c
            .tests_with_certainty()
            .into_iter()
            .map(|(d, certain)| JsonDependent {
                certain: Some(certain),
                ..dependent(d, !certain)
            })
            .collect(),
        tiers: &c.tiers,
    }
}

fn dependent(d: &Dependent, weighted: bool) -> JsonDependent<'_> {
    JsonDependent {
        id: symbol_id(&d.file, &d.local_name),
        symbol: &d.name,
        kind: d.kind.name(),
        file: &d.file,
        line: d.line,
        depth: d.depth,
        weight: weighted.then_some((d.weight * 1000.0).round() / 1000.0),
        certain: None,
    }
}

pub(crate) fn file_status(status: blast_diff::FileStatus) -> &'static str {
    match status {
        blast_diff::FileStatus::Added => "added",
        blast_diff::FileStatus::Deleted => "deleted",
        blast_diff::FileStatus::Modified => "modified",
        blast_diff::FileStatus::Renamed => "renamed",
        blast_diff::FileStatus::Copied => "copied",
        blast_diff::FileStatus::TypeChanged => "type_changed",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[derive(Serialize)]
    struct Doc {
        before: Value,
        changes: Vec<Value>,
        after: Value,
    }

    fn spliced_equals_whole(items: Vec<Value>) {
        let whole = serde_json::to_string_pretty(&Doc {
            before: json!({"a": [1, {"b": "x\ny"}], "c": {}}),
            changes: items.clone(),
            after: json!([[], "changes"]),
        })
        .unwrap();
        let empty = Doc {
            before: json!({"a": [1, {"b": "x\ny"}], "c": {}}),
            changes: Vec::new(),
            after: json!([[], "changes"]),
        };
        let spliced = with_array_spliced(&empty, "changes", &items, serde_json::to_vec_pretty);
        assert_eq!(spliced, whole);
    }

    #[test]
    fn spliced_array_renders_like_whole_document() {
        spliced_equals_whole(Vec::new());
        spliced_equals_whole(vec![json!({"id": "a", "deps": [{"x": 1}, {"y": []}]})]);
        spliced_equals_whole(vec![
            json!({"id": "a\"b", "deps": []}),
            json!(3),
            json!({"nested": {"deep": [[{"k": "v"}]]}}),
        ]);
    }
}
