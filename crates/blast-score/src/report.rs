//! The result of an analysis, as plain data for renderers and library users.

use std::collections::BTreeMap;

use blast_diff::FileStatus;
use blast_graph::{Lang, SkipReason, SymbolKind};
use rustc_hash::FxHashSet;

/// One side of the comparison as the user named it and as it resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionInfo {
    /// What the user typed (`HEAD~1`, `main`), or `work tree`, `index`, `patch`.
    pub label: String,
    /// The commit id, when the side is a commit.
    pub commit: Option<String>,
}

/// A file of the diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    pub path: String,
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub binary: bool,
    /// `None` for files in no supported language: they are listed but not
    /// analysed.
    pub lang: Option<Lang>,
    /// The policy's `[paths] ignore` matches the file, so it is listed but
    /// not analysed.
    pub ignored: bool,
}

/// What happened to a changed symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// The same definition under a new qualified name, because its file was
    /// renamed or moved.
    Moved,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Moved => "moved",
        }
    }
}

/// Severity bands of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// Parses a level name as written on the command line.
    pub fn parse(name: &str) -> Option<Level> {
        match name {
            "none" => Some(Level::None),
            "low" => Some(Level::Low),
            "medium" => Some(Level::Medium),
            "high" => Some(Level::High),
            "critical" => Some(Level::Critical),
            _ => None,
        }
    }
}

/// One term of a score, shown so that a reviewer can check the arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreFactor {
    /// `reach`, `breadth`, `exposure` or `change`.
    pub name: &'static str,
    /// What was measured, in words (`12 certain, 3.5 weighted possible`).
    pub detail: String,
    /// Points the factor adds to the raw total (for `change`, the multiplier).
    pub points: f64,
}

/// A score from 0 to 100, its level, and the factors behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub value: u8,
    pub level: Level,
    pub raw: f64,
    pub factors: Vec<ScoreFactor>,
}

/// A symbol that depends on a changed symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependent {
    pub name: String,
    /// Name inside its file (`Class.method`; empty for a module).
    pub local_name: String,
    pub kind: SymbolKind,
    pub file: String,
    pub line: u32,
    /// Edges between it and the changed symbol (1 = direct).
    pub depth: u32,
    /// 1 for certain dependents; for possible ones, the product of the
    /// candidate edge weights along the path.
    pub weight: f64,
    /// Qualified name of the symbol it was first reached from: the changed
    /// symbol for direct dependents, else a dependent one level nearer.
    pub via: String,
    /// True when the symbol still exists at the head revision, in the same
    /// file under the same name. Then `line` is its line at the head, else
    /// its line at the base.
    pub exists_at_head: bool,
    /// A test function or method, by the policy's test patterns.
    pub is_test: bool,
    /// True for tests and for other code in test files, Rust `tests`
    /// modules or Rust items compiled only for tests (`#[cfg(test)]`),
    /// which counts for the tests factor and not as reach.
    pub test_code: bool,
    /// For a test that pytest collects under a class that inherits the
    /// method (`Test04.test_parse` when `Test04` subclasses `Test02`): the
    /// qualified name of the method that defines it. `None` for every other
    /// dependent.
    pub inherited_from: Option<String>,
}

/// A symbol the diff changes, with its blast radius and score.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangedSymbol {
    /// Qualified name on the side that was analysed (base for modified,
    /// deleted and moved symbols, head for added ones).
    pub name: String,
    /// Name inside its file (`Class.method`).
    pub local_name: String,
    pub symbol_kind: SymbolKind,
    pub kind: ChangeKind,
    /// File on the head side, or on the base side for deleted symbols.
    pub file: String,
    /// For moved symbols and symbols in renamed files: the base-side file.
    pub old_file: Option<String>,
    /// For moved symbols: the base-side qualified name.
    pub old_name: Option<String>,
    /// Line range on the side `file` names.
    pub start_line: u32,
    pub end_line: u32,
    /// Where to show the change at the head revision: the symbol's first
    /// line, or for a deleted symbol in a file that still exists, the line
    /// where it used to start (clamped to the file). `None` when the file is
    /// gone at head.
    pub head_location: Option<(String, u32)>,
    pub public: bool,
    /// Only whitespace, line endings or comments differ (the same tokens):
    /// reported, scored zero.
    pub whitespace_only: bool,
    /// For modified symbols: a signature, body or formatting change.
    pub modification: Option<crate::changes::Modification>,
    /// For deleted and moved symbols: direct dependents that still exist at
    /// the head revision and still name the old symbol there, so they likely
    /// break.
    pub still_referenced: Vec<Dependent>,
    /// For deleted and moved symbols: dependents that call the old symbol
    /// through a candidate edge, such as a call on a receiver of unknown
    /// type. At the head revision they still spell the old name and reach
    /// no other symbol of that name. They may break, so they are listed
    /// without raising the score.
    pub possibly_still_referenced: Vec<Dependent>,
    /// For Python functions and methods whose parameters changed: direct
    /// dependents with a call that matched the old parameters and does not
    /// match the new ones, so they likely break.
    pub mismatched_calls: Vec<Dependent>,
    /// For Java and Rust methods: implementations that no longer compile
    /// against the change. They do not define an added required method,
    /// or they still override a deleted or renamed one.
    pub broken_implementations: Vec<Dependent>,
    pub score: Score,
    /// Reached through exact edges only, nearest first.
    pub certain: Vec<Dependent>,
    /// Reached only through some candidate edge, highest weight first.
    pub possible: Vec<Dependent>,
    /// The search stopped at the limit on dependents, so the lists are a
    /// lower bound.
    pub truncated: bool,
    /// The tests among the dependents (certain first).
    pub tests: Vec<Dependent>,
    /// The changed symbol is itself a test.
    pub is_test: bool,
    /// The changed symbol is test code, by the same rule as
    /// [`Dependent::test_code`], so it has no exposure and no tier.
    pub test_code: bool,
    /// Criticality tiers the symbol or its dependents are in.
    pub tiers: Vec<String>,
}

impl ChangedSymbol {
    /// Pairs each of [`ChangedSymbol::tests`] with true when it certainly
    /// reaches the change: a changed test, a test among the certain
    /// dependents, or an inherited copy of a certain test method. The
    /// others reach it only through some candidate edge.
    pub fn tests_with_certainty(&self) -> Vec<(&Dependent, bool)> {
        let certain_tests: FxHashSet<(&str, &str, u32)> = self
            .certain
            .iter()
            .filter(|d| d.is_test)
            .map(|d| (d.file.as_str(), d.name.as_str(), d.line))
            .collect();
        // An inherited test is as certain as the method it inherits.
        let certain_methods: FxHashSet<&str> =
            self.certain.iter().map(|d| d.name.as_str()).collect();
        self.tests
            .iter()
            .map(|test| {
                let certain = test.depth == 0
                    || certain_tests.contains(&(test.file.as_str(), test.name.as_str(), test.line))
                    || test
                        .inherited_from
                        .as_deref()
                        .is_some_and(|method| certain_methods.contains(method));
                (test, certain)
            })
            .collect()
    }
}

/// A commit of the compared range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitSummary {
    pub id: String,
    pub summary: String,
    /// The trailers that mark it as tool-assisted (`Key: value`).
    pub tool_trailers: Vec<String>,
}

/// How much of the repository was analysed, and what was not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalysisStats {
    pub files_base: u64,
    pub files_head: u64,
    /// Files extracted (parsed) for this run, both sides together.
    pub files_parsed: u64,
    pub skipped: Vec<(String, SkipReason)>,
    /// Changed source files left out because `.gitattributes` marks them
    /// vendored or generated, sorted by path.
    pub excluded: Vec<(String, crate::attributes::Exclusion)>,
    pub files_with_parse_errors: Vec<String>,
    pub imports_unresolved: u64,
    pub imports_external: u64,
    pub calls_too_ambiguous: u64,
}

/// A limit of the analysis that a run reached.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitReached {
    /// `max_file_size`, `parse_timeout`, `max_dependents` or
    /// `max_total_edges`.
    pub name: &'static str,
    /// The command-line flag that sets the limit.
    pub flag: &'static str,
    /// The limit's value, in `unit`.
    pub value: f64,
    pub unit: &'static str,
    /// Files or changed symbols that the limit cut short.
    pub count: usize,
}

/// The result of [`crate::analyze`].
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub base: RevisionInfo,
    pub head: RevisionInfo,
    pub merge_base: Option<String>,
    pub files: Vec<FileSummary>,
    /// Sorted by score (highest first), then file and line.
    pub changes: Vec<ChangedSymbol>,
    /// The diff as a whole, scored over the union of all dependents.
    pub total: Score,
    pub stats: AnalysisStats,
    /// Things the user should know about the result (unresolved imports,
    /// skipped files), one sentence each.
    pub warnings: Vec<String>,
    /// False when some limit or failure makes the result a lower bound.
    pub complete: bool,
    /// The limits that the run reached, which make it incomplete.
    pub limits_reached: Vec<LimitReached>,
    /// The commits of the range (empty when the head is not a commit).
    pub commits: Vec<CommitSummary>,
    /// Some commit of the range is tool-assisted, so the policy's stricter
    /// threshold applies.
    pub tool_assisted: bool,
    /// The level at which the diff fails, from the command line or the
    /// policy (the stricter provenance level when the range is tool-assisted).
    pub fail_on: Option<Level>,
}

impl Report {
    /// True when the diff's total level reaches [`Report::fail_on`].
    pub fn fails(&self) -> bool {
        self.fail_on
            .is_some_and(|level| self.total.value > 0 && self.total.level >= level)
    }

    /// Returns the tests to run for this diff, each once, sorted by file and
    /// line: changed tests, and tests that reach a changed symbol. The flag
    /// is true for tests that certainly reach one (or are changed), false
    /// for tests that only possibly do. Tests that no longer exist at the
    /// head revision are left out, since a test runner cannot take them.
    pub fn affected_tests(&self) -> Vec<(&Dependent, bool)> {
        // (file, name) -> (test, certain); a test listed by several changes,
        // or on both sides of the diff, is one entry, certain if any list has it as certain.
        let mut by_id: BTreeMap<(&str, &str), (&Dependent, bool)> = BTreeMap::new();
        // Whitespace and comments change no behaviour, so no test needs to run.
        for change in self.changes.iter().filter(|c| !c.whitespace_only) {
            let tests = change.tests_with_certainty();
            for (test, certain) in tests.into_iter().filter(|(t, _)| t.exists_at_head) {
                let key = (test.file.as_str(), test.name.as_str());
                let entry = by_id.entry(key).or_insert((test, certain));
                entry.1 |= certain;
                if test.line < entry.0.line {
                    entry.0 = test;
                }
            }
        }
        let mut tests: Vec<(&Dependent, bool)> = by_id.into_values().collect();
        tests.sort_by(|(a, _), (b, _)| (&a.file, a.line, &a.name).cmp(&(&b.file, b.line, &b.name)));
        tests
    }
}
