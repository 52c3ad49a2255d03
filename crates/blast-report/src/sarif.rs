//! SARIF 2.1.0 for GitHub code scanning: one run, a fixed rule catalogue,
//! one result per changed symbol at or above the reporting level, located
//! on the changed definition at the head revision, with its nearest
//! dependents as related locations. A symbol whose file is gone at the head
//! revision is shown at its nearest dependent that still exists there.
//! What the log leaves out (results over the cap, related locations over
//! the cap, an incomplete analysis) is stated in the run's invocation as
//! tool execution notifications.

use std::fmt::Write;

use blast_score::{ChangeKind, ChangedSymbol, Dependent, Level, Report};
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::TOOL_VERSION;

/// GitHub keeps 5,000 results per run and rejects more than 25,000.
const MAX_RESULTS: usize = 5_000;
/// GitHub shows 100 related locations and rejects more than 1,000.
const MAX_RELATED: usize = 20;

/// Settings of the SARIF output.
#[derive(Clone, Debug)]
pub struct SarifOptions {
    /// Changed symbols below this level get no result.
    pub min_level: Level,
    /// `runs[0].automationDetails.id`: `category/`; distinct categories let
    /// several blast analyses of one commit coexist.
    pub category: String,
}

impl Default for SarifOptions {
    fn default() -> SarifOptions {
        SarifOptions {
            min_level: Level::Low,
            category: "blast/".to_owned(),
        }
    }
}

struct RuleDef {
    id: &'static str,
    name: &'static str,
    short: &'static str,
    full: &'static str,
    help: &'static str,
    level: &'static str,
    severity: &'static str,
}

/// The rule catalogue. Ids never change: code scanning tracks alerts by them.
const RULES: [RuleDef; 2] = [
    RuleDef {
        id: "BLAST001",
        name: "WideReachChange",
        short: "A changed symbol has dependents elsewhere in the repository.",
        full: "The diff changes a definition that other code depends on, directly or transitively. \
               The score weighs how many dependents there are, how far away, in how many files and \
               folders, and whether the definition is public.",
        help: "blast follows the repository's dependency graph backwards from each changed symbol. \
               Review the listed dependents: they run the changed code, so a behaviour change \
               reaches them. Certain dependents are resolved exactly; possible ones come from calls \
               whose receiver type is unknown.",
        level: "warning",
        severity: "warning",
    },
    RuleDef {
        id: "BLAST002",
        name: "RemovedSymbolWithDependents",
        short: "A deleted or moved symbol still had dependents.",
        full: "The diff deletes a definition, or moves it to a new qualified name, while other code \
               referred to it at the base revision. Unless every dependent was updated in the same \
               diff, they break.",
        help: "Check each listed dependent: it referred to the old name at the base revision. \
               Update it, or keep the old name available (for example as a re-export).",
        level: "error",
        severity: "error",
    },
];

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    automation_details: AutomationDetails<'a>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    /// The analysis ran to its end; limits that made it incomplete are
    /// notifications, not failures.
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: DefaultConfiguration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails<'a> {
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    base: &'a str,
    head: &'a str,
    score: u8,
    level: &'static str,
    complete: bool,
    /// The names of the limits that made the analysis incomplete.
    limits_reached: Vec<&'static str>,
    results_omitted: usize,
    /// Results whose related locations were capped at [`MAX_RELATED`].
    results_with_related_omitted: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "blastSymbol/v1")]
    blast_symbol: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    symbol: String,
    change: &'static str,
    score: u8,
    certain_dependents: usize,
    possible_dependents: usize,
    /// Dependents at the head revision that the related locations leave out.
    #[serde(skip_serializing_if = "is_zero")]
    related_omitted: usize,
}

fn is_zero(value: &usize) -> bool {
    *value == 0
}

/// Counts of what a SARIF log leaves out of a report, so that callers can
/// report them on stderr as well as in the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SarifOmissions {
    /// Eligible results beyond the cap of results per run.
    pub results: usize,
    /// Results that list only some of their dependents as related locations.
    pub results_with_related_omitted: usize,
}

impl SarifOmissions {
    /// Describes the omissions in sentences, one per kind; empty when
    /// nothing was left out.
    pub fn notices(&self) -> Vec<String> {
        let mut notices = Vec::new();
        if self.results > 0 {
            notices.push(format!(
                "{} results were left out of the SARIF log, which keeps the {MAX_RESULTS} highest-scored (GitHub code scanning keeps {MAX_RESULTS} results per run); the JSON output lists every change",
                self.results
            ));
        }
        if self.results_with_related_omitted > 0 {
            let count = self.results_with_related_omitted;
            notices.push(if count == 1 {
                format!(
                    "1 result lists only its {MAX_RELATED} nearest dependents as related locations; its message and properties give the full counts"
                )
            } else {
                format!(
                    "{count} results list only their {MAX_RELATED} nearest dependents as related locations; their messages and properties give the full counts"
                )
            });
        }
        notices
    }
}

/// Counts what [`render_sarif`] leaves out of `report` with `options`.
pub fn sarif_omissions(report: &Report, options: &SarifOptions) -> SarifOmissions {
    let eligible = eligible(report, options);
    SarifOmissions {
        results: eligible.len().saturating_sub(MAX_RESULTS),
        results_with_related_omitted: eligible
            .iter()
            .take(MAX_RESULTS)
            .filter(|change| related_at_head(change).count() > MAX_RELATED)
            .count(),
    }
}

/// Lists the changes that get a result, highest score first (the report's
/// order). They are those at or above the reporting level that can be
/// shown at the head revision, because code scanning cannot place an alert
/// in a file that no longer exists.
fn eligible<'r>(report: &'r Report, options: &SarifOptions) -> Vec<&'r ChangedSymbol> {
    report
        .changes
        .iter()
        .filter(|c| c.score.level >= options.min_level && anchor(c).is_some())
        .collect()
}

/// Lists the dependents of a change that still exist at the head
/// revision, in the order related locations list them.
fn related_at_head(change: &ChangedSymbol) -> impl Iterator<Item = &Dependent> {
    // Broken implementations come first. A Rust implementation is not
    // otherwise listed, because it depends on the trait, not the method.
    let certain: FxHashSet<(&str, &str, u32)> = if change.broken_implementations.is_empty() {
        FxHashSet::default()
    } else {
        change
            .certain
            .iter()
            .map(|d| (d.name.as_str(), d.file.as_str(), d.line))
            .collect()
    };
    let extra = change
        .broken_implementations
        .iter()
        .filter(move |b| !certain.contains(&(b.name.as_str(), b.file.as_str(), b.line)));
    extra
        .chain(&change.certain)
        .chain(&change.possible)
        .filter(|d| d.exists_at_head)
}

/// Returns where a result is shown: the changed symbol at the head
/// revision or, when its file is gone there, the first dependent that
/// still exists, preferring one that still names the symbol.
fn anchor(change: &ChangedSymbol) -> Option<(String, u32)> {
    if let Some(location) = &change.head_location {
        return Some(location.clone());
    }
    change
        .still_referenced
        .iter()
        .filter(|d| d.exists_at_head)
        .chain(related_at_head(change))
        .next()
        .map(|d| (d.file.clone(), d.line))
}

/// Renders the report as a SARIF 2.1.0 log with a final newline.
pub fn render_sarif(report: &Report, options: &SarifOptions) -> String {
    let rules = RULES
        .iter()
        .map(|r| Rule {
            id: r.id,
            name: r.name,
            short_description: Text {
                text: r.short.to_owned(),
            },
            full_description: Text {
                text: r.full.to_owned(),
            },
            help: Help {
                text: r.help.to_owned(),
                markdown: r.help.to_owned(),
            },
            default_configuration: DefaultConfiguration { level: r.level },
            properties: RuleProperties {
                tags: vec!["maintainability", "blast-radius"],
                precision: "medium",
                problem_severity: r.severity,
            },
        })
        .collect();

    let eligible = eligible(report, options);
    let omissions = sarif_omissions(report, options);
    // Same-named definitions (`@overload` stubs, redefinitions) are told
    // apart in fingerprints by their order among the results.
    let mut seen: Vec<&str> = Vec::new();
    let results = eligible
        .iter()
        .take(MAX_RESULTS)
        .map(|c| {
            let ordinal = seen.iter().filter(|name| **name == c.name).count();
            seen.push(&c.name);
            result(c, ordinal)
        })
        .collect();

    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "blast",
                    version: TOOL_VERSION,
                    semantic_version: TOOL_VERSION,
                    information_uri: "https://github.com/blast-radius/blast",
                    rules,
                },
            },
            automation_details: AutomationDetails {
                id: &options.category,
            },
            invocations: vec![invocation(report, &omissions)],
            results,
            properties: RunProperties {
                base: &report.base.label,
                head: &report.head.label,
                score: report.total.value,
                level: report.total.level.name(),
                complete: report.complete,
                limits_reached: report
                    .limits_reached
                    .iter()
                    .map(|limit| limit.name)
                    .collect(),
                results_omitted: omissions.results,
                results_with_related_omitted: omissions.results_with_related_omitted,
            },
        }],
    };
    let mut out = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|err| panic!("SARIF serialisation failed: {err}"));
    out.push('\n');
    out
}

/// Builds the run's one invocation: successful, with a warning for an
/// incomplete analysis and for each of the report's warnings, and a note
/// for each kind of omission.
fn invocation(report: &Report, omissions: &SarifOmissions) -> Invocation {
    let mut notifications = Vec::new();
    if !report.complete {
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: "The analysis is incomplete: the results are a lower bound.".to_owned(),
            },
        });
    }
    for warning in &report.warnings {
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: warning.clone(),
            },
        });
    }
    for notice in omissions.notices() {
        notifications.push(Notification {
            level: "note",
            message: Text { text: notice },
        });
    }
    Invocation {
        execution_successful: true,
        tool_execution_notifications: notifications,
    }
}

fn result(change: &ChangedSymbol, ordinal: usize) -> SarifResult {
    let removed = matches!(change.kind, ChangeKind::Deleted | ChangeKind::Moved);
    let rule_index = usize::from(removed);
    let (file, line) = anchor(change).unwrap_or_else(|| (change.file.clone(), change.start_line));

    // Related locations: the nearest dependents that still exist at head.
    let related: Vec<Location> = related_at_head(change)
        .take(MAX_RELATED)
        .enumerate()
        .map(|(idx, d)| Location {
            id: Some(idx + 1),
            physical_location: physical(&d.file, d.line),
            message: Some(Text {
                text: format!("{} (depth {})", d.name, d.depth),
            }),
        })
        .collect();

    let total = change.certain.len() + change.possible.len();
    let related_omitted = related_at_head(change).count() - related.len();
    let mut message = format!(
        "{} {} {}{} has {} certain and {} possible dependents",
        capitalised(crate::change_word(change)),
        change.symbol_kind.name(),
        change.name,
        crate::modification_mark(change),
        change.certain.len(),
        change.possible.len()
    );
    let in_tests = change
        .certain
        .iter()
        .chain(&change.possible)
        .filter(|d| d.test_code)
        .count();
    if in_tests > 0 {
        let _ = write!(message, " ({in_tests} of them in test code)");
    }
    if !related.is_empty() {
        let examples: Vec<String> = related
            .iter()
            .take(3)
            .filter_map(|loc| loc.message.as_ref().map(|m| (loc.id.unwrap_or(0), m)))
            .map(|(id, m)| {
                let name = m
                    .text
                    .rsplit_once(" (depth")
                    .map_or(m.text.as_str(), |(name, _)| name);
                format!("[{}]({id})", name.replace('[', "(").replace(']', ")"))
            })
            .collect();
        let _ = write!(message, ", for example {}", examples.join(", "));
    }
    if related_omitted > 0 {
        let _ = write!(
            message,
            " ({related_omitted} more dependents are not listed as related locations)"
        );
    }
    if change.head_location.is_none() {
        let old_id = if change.local_name.is_empty() {
            change.file.clone()
        } else {
            format!("{}::{}", change.file, change.local_name)
        };
        let _ = write!(
            message,
            ". {old_id} was deleted with its file, so this result is shown at a dependent"
        );
    }
    if !change.still_referenced.is_empty() {
        // A moved symbol's dependents name it by its old name.
        let named = change.old_name.as_deref().map_or_else(
            || "it".to_owned(),
            |old| {
                format!(
                    "its old name {}",
                    old.rsplit(['.', ':']).next().unwrap_or(old)
                )
            },
        );
        let _ = write!(
            message,
            ". {} of them still use {named} at the head revision and likely break",
            change.still_referenced.len()
        );
    }
    if !change.possibly_still_referenced.is_empty() {
        let _ = write!(
            message,
            ". {} possible dependents still name it at the head revision and may break",
            change.possibly_still_referenced.len()
        );
    }
    if !change.mismatched_calls.is_empty() {
        let _ = write!(
            message,
            ". {} of them call it with arguments that its new parameters reject and likely break",
            change.mismatched_calls.len()
        );
    }
    if !change.broken_implementations.is_empty() {
        let reason = if change.kind == ChangeKind::Added {
            "do not define it"
        } else {
            "still override it"
        };
        let count = change.broken_implementations.len();
        let noun = if count == 1 {
            "implementation"
        } else {
            "implementations"
        };
        let reason = if count == 1 {
            reason
                .replace("do not", "does not")
                .replace("override", "overrides")
        } else {
            reason.to_owned()
        };
        let _ = write!(message, ". {count} {noun} {reason} and likely break");
    }
    let _ = write!(
        message,
        ". Score {} ({}).",
        change.score.value,
        change.score.level.name()
    );

    SarifResult {
        rule_id: RULES[rule_index].id,
        rule_index,
        level: match change.score.level {
            Level::Critical => "error",
            Level::High | Level::Medium => "warning",
            Level::Low | Level::None => "note",
        },
        message: Text { text: message },
        locations: vec![Location {
            id: None,
            physical_location: physical(&file, line),
            message: None,
        }],
        related_locations: related,
        partial_fingerprints: Fingerprints {
            blast_symbol: format!(
                "{:016x}",
                fnv1a(&format!(
                    "{}\0{}\0{ordinal}",
                    RULES[rule_index].id, change.name
                ))
            ),
        },
        properties: ResultProperties {
            symbol: change.name.clone(),
            change: change.kind.name(),
            score: change.score.value,
            certain_dependents: change.certain.len(),
            possible_dependents: total - change.certain.len(),
            related_omitted,
        },
    }
}

fn physical(path: &str, line: u32) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: percent_encode_path(path),
            uri_base_id: "%SRCROOT%",
        },
        region: Region {
            start_line: line.max(1),
        },
    }
}

/// Percent-encodes a repository-relative path for a URI reference: every
/// byte outside the unreserved set and `/` becomes `%XX` of its UTF-8 bytes.
pub(crate) fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable hash for fingerprints, the same on every
/// platform and in every release.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(percent_encode_path("pkg/my file.py"), "pkg/my%20file.py");
        assert_eq!(
            percent_encode_path("größe/ü.py"),
            "gr%C3%B6%C3%9Fe/%C3%BC.py"
        );
        assert_eq!(percent_encode_path("a-b_c.d~e/f.py"), "a-b_c.d~e/f.py");
    }

    #[test]
    fn fingerprint_hash_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
