//! The score: a raw total from a few visible factors, mapped onto 0 to 100.
//!
//! - reach: each certain dependent adds `1 / depth`, each possible one adds
//!   `weight / depth`, so direct callers count fully and distant or uncertain
//!   ones less;
//! - breadth: 2 points per other file and 3 per other folder (package or
//!   module directory) that a certain dependent is in;
//! - exposure: 5 points when the changed symbol is public API;
//! - criticality: per configured tier, 10 points times its weight when the
//!   changed symbol is in the tier, 5 times its weight when only a dependent is;
//! - tests: 5 points when no test reaches a symbol that has dependents;
//! - change: a multiplier on the sum: 1.5 for deleted and moved symbols
//!   (callers break at once), 1.25 for signature changes, 1 for body
//!   changes, 0 for added symbols and formatting-only edits (the same tokens
//!   once comments and whitespace are dropped).
//!
//! A whole diff is scored over the union of its changed symbols'
//! dependents, so a dependent reached by two changes counts once. There the
//! multiplier applies per dependent, file, folder and tier: each gets the
//! largest multiplier among the changed symbols that reach it, so a deleted
//! symbol weighs more only in what it reaches.
//!
//! `score = round(100 * (1 - exp(-raw / scale)))` with a scale of 60 for one
//! symbol and 150 for a whole diff, whose union of dependents grows with its
//! size: for one symbol, 20 raw points give 28, 60 give 63, 120 give 86.
//! `benches/calibrate.py` measured the scales on release diffs of 12 PyPI
//! packages (`docs/calibration.md`). With 60, 5.8% of the changed symbols
//! that can score and 3.9% of all changed symbols score high or above. With
//! 150, the union of three changed symbols of one release alone reaches
//! high for about 5% of such sets. Levels: 0 none, 1 to 29 low, 30 to 59
//! medium, 60 to 79 high, 80 and above critical.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::report::{ChangeKind, Level, Score, ScoreFactor};

/// The raw-points scale of one changed symbol: a raw total of this maps to
/// a score of 63.
pub const SYMBOL_SCALE: f64 = 60.0;
/// The raw-points scale of a whole diff.
pub const DIFF_SCALE: f64 = 150.0;

/// What the score of one changed symbol, or of a whole diff, is made from.
#[derive(Clone, Debug, Default)]
pub struct ScoreInput<'a> {
    /// `(depth, weight)` per dependent; weight 1 for certain dependents.
    pub certain: Vec<(u32, f64)>,
    pub possible: Vec<(u32, f64)>,
    /// Files of the dependents, and the file of the changed symbol (not
    /// counted as breadth).
    pub dependent_files: Vec<&'a str>,
    pub own_files: Vec<&'a str>,
    pub public: bool,
    pub change: Option<ChangeKind>,
    pub whitespace_only: bool,
    /// A signature change weighs more than a body change.
    pub signature: bool,
    /// Criticality tiers: (name, weight, whether the changed symbol itself
    /// is in the tier rather than only a dependent).
    pub tiers: Vec<(&'a str, f64, bool)>,
    /// Number of tests that reach the symbol; `None` when not applicable
    /// (the changed symbol is itself a test, or nothing depends on it).
    pub tests: Option<usize>,
    /// How many of `tests` reach it only through some candidate edge.
    pub possible_tests: usize,
}

/// The inputs of a whole diff's score: the union of its changed symbols'
/// dependents. Every entry carries the largest change multiplier
/// among the changed symbols that reach it (see [`change_multiplier`]).
#[derive(Clone, Debug, Default)]
pub struct DiffInput<'a> {
    /// `(depth, multiplier)` per certain dependent.
    pub certain: Vec<(u32, f64)>,
    /// `(depth, weight, multiplier)` per possible dependent.
    pub possible: Vec<(u32, f64, f64)>,
    /// `(file, multiplier)` per certain dependent; the files of the changed
    /// symbols are not counted as breadth.
    pub dependent_files: Vec<(&'a str, f64)>,
    pub own_files: Vec<&'a str>,
    /// The largest multiplier among public changed symbols that have
    /// dependents; `None` when there is none.
    pub exposure: Option<f64>,
    /// Criticality tiers: (name, weight, whether a changed symbol is in the
    /// tier rather than only a dependent, multiplier).
    pub tiers: Vec<(&'a str, f64, bool, f64)>,
}

/// Returns the change multiplier of one changed symbol: 1.5 for deleted and moved
/// symbols (callers break at once), 1.25 for signature changes, 1 for body
/// changes, 0 for added symbols and formatting-only edits.
pub fn change_multiplier(
    change: Option<ChangeKind>,
    whitespace_only: bool,
    signature: bool,
) -> f64 {
    match (change, whitespace_only) {
        (_, true) | (Some(ChangeKind::Added), _) => 0.0,
        (Some(ChangeKind::Deleted | ChangeKind::Moved), false) => 1.5,
        (Some(ChangeKind::Modified), false) if signature => 1.25,
        (Some(ChangeKind::Modified) | None, false) => 1.0,
    }
}

/// Returns the level of a score value.
pub fn level_of(value: u8) -> Level {
    match value {
        0 => Level::None,
        1..=29 => Level::Low,
        30..=59 => Level::Medium,
        60..=79 => Level::High,
        _ => Level::Critical,
    }
}

/// Computes a score and its factors.
pub fn compute(input: &ScoreInput<'_>) -> Score {
    // Reach: nearer and surer dependents count more.
    let certain_points: f64 = input
        .certain
        .iter()
        .map(|&(depth, _)| 1.0 / f64::from(depth.max(1)))
        .fold(0.0, |a, b| a + b);
    let possible_points: f64 = input
        .possible
        .iter()
        .map(|&(depth, w)| w / f64::from(depth.max(1)))
        .fold(0.0, |a, b| a + b);
    // Sums start from 0.0 explicitly: an empty float sum is -0.0.
    let possible_weighted: f64 = input
        .possible
        .iter()
        .map(|&(_, w)| w)
        .fold(0.0, |a, b| a + b);
    let reach = ScoreFactor {
        name: "reach",
        detail: format!(
            "{} certain, {} possible ({possible_weighted:.2} weighted), tests not counted",
            input.certain.len(),
            input.possible.len()
        ),
        points: round2(certain_points + possible_points),
    };

    // Breadth: other files and other folders reached.
    let own_files: FxHashSet<&str> = input.own_files.iter().copied().collect();
    let own_dirs: FxHashSet<&str> = input.own_files.iter().map(|f| parent_dir(f)).collect();
    let files: FxHashSet<&str> = input
        .dependent_files
        .iter()
        .copied()
        .filter(|f| !own_files.contains(f))
        .collect();
    let dirs: FxHashSet<&str> = files
        .iter()
        .map(|f| parent_dir(f))
        .filter(|d| !own_dirs.contains(d))
        .collect();
    #[expect(clippy::cast_precision_loss, reason = "file counts are far below 2^52")]
    let breadth_points = 2.0 * files.len() as f64 + 3.0 * dirs.len() as f64;
    let breadth = ScoreFactor {
        name: "breadth",
        detail: breadth_detail(files.len(), dirs.len()),
        points: breadth_points,
    };

    let exposure = ScoreFactor {
        name: "exposure",
        detail: if input.public {
            "public".to_owned()
        } else {
            "not public".to_owned()
        },
        points: if input.public { 5.0 } else { 0.0 },
    };

    let multiplier = change_multiplier(input.change, input.whitespace_only, input.signature);
    let change = ScoreFactor {
        name: "change",
        detail: match (input.change, input.whitespace_only) {
            (_, true) => "whitespace only: x0".to_owned(),
            (Some(ChangeKind::Modified), false) if input.signature => {
                format!("signature modified: x{multiplier}")
            }
            (Some(kind), false) => format!("{}: x{multiplier}", kind.name()),
            (None, false) => format!("x{multiplier}"),
        },
        points: multiplier,
    };

    // Criticality: a tier the change is in counts 10 points per unit of
    // weight, a tier only its dependents are in counts 5.
    let criticality_points: f64 = input
        .tiers
        .iter()
        .map(|&(_, weight, own)| if own { 10.0 * weight } else { 5.0 * weight })
        .fold(0.0, |a, b| a + b);
    let criticality = ScoreFactor {
        name: "criticality",
        detail: tiers_detail(input.tiers.iter().map(|&(name, _, own)| (name, own))),
        points: round2(criticality_points),
    };

    // Safety net: a change that no test reaches gets 5 points.
    let tests = ScoreFactor {
        name: "tests",
        detail: match input.tests {
            None => "not applicable".to_owned(),
            Some(n) => tests_detail(n.saturating_sub(input.possible_tests), input.possible_tests),
        },
        points: if input.tests == Some(0) { 5.0 } else { 0.0 },
    };

    // Without any dependent, exposure alone does not make a change risky.
    let has_dependents = !input.certain.is_empty() || !input.possible.is_empty();
    let mut exposure = exposure;
    if !has_dependents {
        exposure.points = 0.0;
    }
    let exposure_points = exposure.points;
    let raw = (reach.points + breadth.points + exposure_points + criticality.points + tests.points)
        * multiplier;
    // The score comes from the rounded raw total that the report shows, so
    // that the two always agree.
    let raw = round2(raw);
    let value = to_score(raw, SYMBOL_SCALE);
    Score {
        value,
        level: level_of(value),
        raw,
        factors: vec![reach, breadth, exposure, criticality, tests, change],
    }
}

/// Computes the score of a whole diff. The factors show the points before
/// the multipliers, and the `change` factor shows their average weight, so
/// that the factor points times the change factor give the raw total.
pub fn compute_total(input: &DiffInput<'_>) -> Score {
    // Each part: (points, points times the multiplier of what reaches it).
    let mut reach_points = (0.0, 0.0);
    for &(depth, multiplier) in &input.certain {
        let points = 1.0 / f64::from(depth.max(1));
        reach_points = (
            reach_points.0 + points,
            reach_points.1 + points * multiplier,
        );
    }
    let mut possible_weighted = 0.0;
    for &(depth, weight, multiplier) in &input.possible {
        let points = weight / f64::from(depth.max(1));
        reach_points = (
            reach_points.0 + points,
            reach_points.1 + points * multiplier,
        );
        possible_weighted += weight;
    }
    let reach = ScoreFactor {
        name: "reach",
        detail: format!(
            "{} certain, {} possible ({possible_weighted:.2} weighted), tests not counted",
            input.certain.len(),
            input.possible.len()
        ),
        points: round2(reach_points.0),
    };

    // Breadth: each other file and folder with the largest multiplier among
    // the changes that reach a dependent in it. Ordered maps, so the float
    // sums add up in the same order on every run.
    let own_files: FxHashSet<&str> = input.own_files.iter().copied().collect();
    let own_dirs: FxHashSet<&str> = input.own_files.iter().map(|f| parent_dir(f)).collect();
    let mut files: BTreeMap<&str, f64> = BTreeMap::new();
    for &(file, multiplier) in &input.dependent_files {
        if !own_files.contains(file) {
            let entry = files.entry(file).or_insert(multiplier);
            *entry = entry.max(multiplier);
        }
    }
    let mut dirs: BTreeMap<&str, f64> = BTreeMap::new();
    for (file, &multiplier) in &files {
        let dir = parent_dir(file);
        if !own_dirs.contains(dir) {
            let entry = dirs.entry(dir).or_insert(multiplier);
            *entry = entry.max(multiplier);
        }
    }
    let breadth_weighted: f64 = files.values().map(|m| 2.0 * m).fold(0.0, |a, b| a + b)
        + dirs.values().map(|m| 3.0 * m).fold(0.0, |a, b| a + b);
    #[expect(clippy::cast_precision_loss, reason = "file counts are far below 2^52")]
    let breadth = ScoreFactor {
        name: "breadth",
        detail: breadth_detail(files.len(), dirs.len()),
        points: 2.0 * files.len() as f64 + 3.0 * dirs.len() as f64,
    };

    let exposure = ScoreFactor {
        name: "exposure",
        detail: if input.exposure.is_some() {
            "public".to_owned()
        } else {
            "no public change with dependents".to_owned()
        },
        points: if input.exposure.is_some() { 5.0 } else { 0.0 },
    };
    let exposure_weighted = 5.0 * input.exposure.unwrap_or(0.0);

    let mut criticality_points = (0.0, 0.0);
    for &(_, weight, own, multiplier) in &input.tiers {
        let points = if own { 10.0 * weight } else { 5.0 * weight };
        criticality_points = (
            criticality_points.0 + points,
            criticality_points.1 + points * multiplier,
        );
    }
    let criticality = ScoreFactor {
        name: "criticality",
        detail: tiers_detail(input.tiers.iter().map(|&(name, _, own, _)| (name, own))),
        points: round2(criticality_points.0),
    };

    let tests = ScoreFactor {
        name: "tests",
        detail: "not applicable".to_owned(),
        points: 0.0,
    };

    let unweighted = reach_points.0 + breadth.points + exposure.points + criticality_points.0;
    let raw = reach_points.1 + breadth_weighted + exposure_weighted + criticality_points.1;
    let average = if unweighted > 0.0 {
        raw / unweighted
    } else {
        0.0
    };
    let change = ScoreFactor {
        name: "change",
        detail: format!("per dependent: x{} on average", round2(average)),
        points: round2(average),
    };
    let raw = round2(raw);
    let value = to_score(raw, DIFF_SCALE);
    Score {
        value,
        level: level_of(value),
        raw,
        factors: vec![reach, breadth, exposure, criticality, tests, change],
    }
}

/// Raises the score of a change that code at the head revision likely
/// fails on (it still names a deleted symbol, or calls a function with
/// arguments its new parameters reject) to at least `high`. When it was
/// lower, the `likely_break` factor shows the raw points added, with
/// `detail` as its explanation.
/// Replaces the change multiplier of one symbol's score, with the reason,
/// and scales the raw total to match.
pub(crate) fn set_change_multiplier(score: &mut Score, multiplier: f64, detail: String) {
    let Some(change) = score.factors.iter_mut().find(|f| f.name == "change") else {
        return;
    };
    let old = change.points;
    change.points = multiplier;
    change.detail = detail;
    let unscaled = if old > 0.0 {
        score.raw / old
    } else {
        score
            .factors
            .iter()
            .filter(|f| f.name != "change")
            .map(|f| f.points)
            .sum()
    };
    score.raw = round2(unscaled * multiplier);
    score.value = to_score(score.raw, SYMBOL_SCALE);
    score.level = level_of(score.value);
}

pub fn apply_likely_break(score: &mut Score, detail: String) {
    // A score rounds to 60 from `100 * (1 - exp(-raw / scale)) = 59.5` on.
    let ratio = -(1.0f64 - 0.595).ln();
    let mut high_raw = (ratio * SYMBOL_SCALE * 100.0).ceil() / 100.0;
    while to_score(high_raw, SYMBOL_SCALE) < 60 {
        high_raw = round2(high_raw + 0.01);
    }
    if score.raw >= high_raw {
        return;
    }
    score.factors.push(ScoreFactor {
        name: "likely_break",
        detail,
        points: round2(high_raw - score.raw),
    });
    score.raw = high_raw;
    score.value = to_score(high_raw, SYMBOL_SCALE);
    score.level = level_of(score.value);
}

/// Describes the tests that reach a change and counts the certain and the
/// possible ones apart, because `blast tests` lists only the certain ones
/// unless given `--include-possible`.
fn tests_detail(certain: usize, possible: usize) -> String {
    let tests = |n: usize| {
        if n == 1 {
            "1 test".to_owned()
        } else {
            format!("{n} tests")
        }
    };
    match (certain, possible) {
        (0, 0) => "no test reaches it".to_owned(),
        (1, 0) => "1 test certainly reaches it".to_owned(),
        (c, 0) => format!("{c} tests certainly reach it"),
        (0, 1) => "1 test possibly reaches it".to_owned(),
        (0, p) => format!("{p} tests possibly reach it"),
        (c, p) => format!("{} certainly and {p} possibly reach it", tests(c)),
    }
}

/// Lists the tier names for the criticality detail, with `(reached)` after
/// those that only a dependent is in.
fn tiers_detail<'a>(tiers: impl Iterator<Item = (&'a str, bool)>) -> String {
    let names: Vec<String> = tiers
        .map(|(name, own)| {
            if own {
                name.to_owned()
            } else {
                format!("{name} (reached)")
            }
        })
        .collect();
    if names.is_empty() {
        "no tier".to_owned()
    } else {
        names.join(", ")
    }
}

/// Raises a diff's score to that of its riskiest changed symbol, which the
/// union can fall below because of the diff's larger scale. The added raw
/// points are shown as the `floor` factor: the raw total that gives the
/// symbol's score on the diff's scale, minus the union's raw total.
pub fn apply_floor(total: &mut Score, top: &Score, top_name: &str) {
    if top.value <= total.value {
        return;
    }
    let floored_raw = round2(top.raw * DIFF_SCALE / SYMBOL_SCALE);
    total.factors.push(ScoreFactor {
        name: "floor",
        detail: format!("raised to the score of {top_name}"),
        points: round2((floored_raw - total.raw).max(0.0)),
    });
    total.raw = floored_raw.max(total.raw);
    total.value = top.value;
    total.level = top.level;
}

fn to_score(raw: f64, scale: f64) -> u8 {
    let scaled = (100.0 * (1.0 - (-raw / scale).exp())).round();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=100 first"
    )]
    let value = scaled.clamp(0.0, 100.0) as u8;
    // A change with any reach at all is never rounded down to "none".
    if value == 0 && raw > 0.0 { 1 } else { value }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Describes the breadth factor: `1 other file, 2 other folders`.
fn breadth_detail(files: usize, folders: usize) -> String {
    let noun = |count: usize, one: &str, many: &str| {
        if count == 1 {
            format!("1 {one}")
        } else {
            format!("{count} {many}")
        }
    };
    format!(
        "{}, {}",
        noun(files, "other file", "other files"),
        noun(folders, "other folder", "other folders")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(certain: usize, files: &[&'static str]) -> ScoreInput<'static> {
        ScoreInput {
            certain: vec![(1, 1.0); certain],
            possible: Vec::new(),
            dependent_files: files.to_vec(),
            own_files: vec!["pkg/a.py"],
            public: true,
            change: Some(ChangeKind::Modified),
            whitespace_only: false,
            signature: false,
            tiers: Vec::new(),
            tests: None,
            possible_tests: 0,
        }
    }

    #[test]
    fn no_dependents_scores_zero() {
        let score = compute(&input(0, &[]));
        assert_eq!(score.value, 0);
        assert_eq!(score.level, Level::None);
    }

    #[test]
    fn score_is_monotone_in_reach_and_breadth() {
        let one = compute(&input(1, &["pkg/b.py"])).value;
        let five = compute(&input(5, &["pkg/b.py"])).value;
        let wide = compute(&input(5, &["pkg/b.py", "other/c.py", "more/d.py"])).value;
        assert!(one < five, "{one} < {five}");
        assert!(five < wide, "{five} < {wide}");
    }

    #[test]
    fn whitespace_and_additions_score_zero() {
        let mut whitespace = input(5, &["pkg/b.py"]);
        whitespace.whitespace_only = true;
        assert_eq!(compute(&whitespace).value, 0);
        let mut added = input(5, &["pkg/b.py"]);
        added.change = Some(ChangeKind::Added);
        assert_eq!(compute(&added).value, 0);
    }

    #[test]
    fn deletions_weigh_more_than_edits() {
        let modified = compute(&input(3, &["pkg/b.py"])).value;
        let mut deleted_input = input(3, &["pkg/b.py"]);
        deleted_input.change = Some(ChangeKind::Deleted);
        assert!(compute(&deleted_input).value > modified);
    }

    #[test]
    fn tests_detail_parts_certain_and_possible() {
        assert_eq!(tests_detail(0, 0), "no test reaches it");
        assert_eq!(tests_detail(1, 0), "1 test certainly reaches it");
        assert_eq!(tests_detail(60, 0), "60 tests certainly reach it");
        assert_eq!(tests_detail(0, 1), "1 test possibly reaches it");
        assert_eq!(tests_detail(0, 2), "2 tests possibly reach it");
        assert_eq!(
            tests_detail(1, 2),
            "1 test certainly and 2 possibly reach it"
        );
        assert_eq!(
            tests_detail(60, 2),
            "60 tests certainly and 2 possibly reach it"
        );
    }

    #[test]
    fn tests_factor_counts_possible_apart() {
        let mut reached = input(2, &["pkg/b.py"]);
        reached.tests = Some(62);
        reached.possible_tests = 2;
        let score = compute(&reached);
        let factor = score.factors.iter().find(|f| f.name == "tests").unwrap();
        assert_eq!(factor.detail, "60 tests certainly and 2 possibly reach it");
        assert_eq!(factor.points, 0.0);
    }

    #[test]
    fn tiers_and_missing_tests_add_points() {
        let plain = compute(&input(2, &["pkg/b.py"])).raw;
        let mut critical = input(2, &["pkg/b.py"]);
        critical.tiers = vec![("auth", 2.0, true)];
        assert!((compute(&critical).raw - plain - 20.0).abs() < 1e-9);
        let mut reached = input(2, &["pkg/b.py"]);
        reached.tiers = vec![("auth", 2.0, false)];
        assert!((compute(&reached).raw - plain - 10.0).abs() < 1e-9);
        let mut untested = input(2, &["pkg/b.py"]);
        untested.tests = Some(0);
        assert!((compute(&untested).raw - plain - 5.0).abs() < 1e-9);
    }

    /// Builds a diff of two changes with two dependents each, in two files.
    fn diff_input(first_multiplier: f64) -> DiffInput<'static> {
        DiffInput {
            certain: vec![
                (1, first_multiplier),
                (1, first_multiplier),
                (1, 1.0),
                (2, 1.0),
            ],
            possible: Vec::new(),
            dependent_files: vec![
                ("a/x.py", first_multiplier),
                ("a/x.py", first_multiplier),
                ("b/y.py", 1.0),
                ("b/y.py", 1.0),
            ],
            own_files: vec!["pkg/a.py"],
            exposure: Some(1.0),
            tiers: Vec::new(),
        }
    }

    #[test]
    fn deletion_weighs_only_what_it_reaches() {
        let edited = compute_total(&diff_input(1.0));
        let deleted = compute_total(&diff_input(1.5));
        // Reach 3 + 0.5, breadth 2 files and 2 folders, exposure 5.
        assert!((edited.raw - 18.5).abs() < 1e-9, "{}", edited.raw);
        // The deletion's two dependents, their file and folder weigh x1.5.
        let extra = 0.5 * (2.0 + 2.0 + 3.0);
        assert!(
            (deleted.raw - edited.raw - extra).abs() < 1e-9,
            "{}",
            deleted.raw
        );
        let change = deleted.factors.iter().find(|f| f.name == "change").unwrap();
        assert!((change.points - round2(deleted.raw / edited.raw)).abs() < 1e-9);
        assert!(change.points < 1.5, "{}", change.points);
    }

    #[test]
    fn deletion_without_dependents_adds_nothing() {
        let mut input = diff_input(1.0);
        let before = compute_total(&input).raw;
        // A deleted symbol with no dependents adds its own file only.
        input.own_files.push("pkg/b.py");
        assert!((compute_total(&input).raw - before).abs() < 1e-9);
    }

    #[test]
    fn shared_dependents_count_once_with_the_larger_multiplier() {
        let input = DiffInput {
            certain: vec![(1, 1.5)],
            possible: vec![(1, 0.5, 1.25)],
            dependent_files: vec![("a/x.py", 1.5), ("a/x.py", 1.0)],
            own_files: vec!["pkg/a.py"],
            exposure: None,
            tiers: vec![("auth", 2.0, false, 1.25)],
        };
        let score = compute_total(&input);
        // Reach 1 x1.5 + 0.5 x1.25, file 2 x1.5, folder 3 x1.5, tier 10 x1.25.
        let expected = 1.5 + 0.625 + 3.0 + 4.5 + 12.5;
        assert!((score.raw - expected).abs() < 0.006, "{}", score.raw);
    }

    #[test]
    fn floor_shows_the_points_it_adds() {
        let mut total = compute_total(&diff_input(1.0));
        let top = compute(&input(5, &["pkg/b.py", "other/c.py"]));
        assert!(top.value > total.value, "{} > {}", top.value, total.value);
        let union_raw = total.raw;
        apply_floor(&mut total, &top, "pkg.a.f");
        assert_eq!(total.value, top.value);
        assert_eq!(total.value, to_score(total.raw, DIFF_SCALE));
        let floor = total.factors.iter().find(|f| f.name == "floor").unwrap();
        assert!(floor.points > 0.0);
        assert!((union_raw + floor.points - total.raw).abs() < 0.011);
    }

    #[test]
    fn score_agrees_with_the_shown_raw() {
        // Factor points have two decimals, so x1.25 gives raw totals with
        // a third decimal that rounding can carry across a score boundary
        // (24.475 scores 33, the shown 24.48 scores 34).
        for step in 0..20_000 {
            let mut signature = input(2, &["pkg/b.py"]);
            signature.signature = true;
            signature.possible = vec![(1, f64::from(step) / 100.0)];
            let score = compute(&signature);
            assert_eq!(
                to_score(score.raw, SYMBOL_SCALE),
                score.value,
                "raw {}",
                score.raw
            );
        }
    }

    #[test]
    fn likely_break_raises_to_high() {
        let mut low = compute(&input(1, &["pkg/b.py"]));
        assert!(low.value < 60, "{}", low.value);
        let raw_before = low.raw;
        apply_likely_break(&mut low, "2 direct dependents still name it".to_owned());
        assert_eq!(low.level, Level::High);
        assert_eq!(low.value, 60);
        let factor = low
            .factors
            .iter()
            .find(|f| f.name == "likely_break")
            .unwrap();
        assert!((raw_before + factor.points - low.raw).abs() < 1e-9);
        assert!(
            to_score(round2(low.raw - 0.01), SYMBOL_SCALE) < 60,
            "the smallest raw total that is high"
        );

        let mut critical = compute(&input(200, &["pkg/b.py", "other/c.py"]));
        let before = critical.clone();
        apply_likely_break(
            &mut critical,
            "a direct dependent still names it".to_owned(),
        );
        assert_eq!(critical, before, "a higher score stays as it is");
    }

    #[test]
    fn levels_have_fixed_bands() {
        assert_eq!(level_of(0), Level::None);
        assert_eq!(level_of(29), Level::Low);
        assert_eq!(level_of(30), Level::Medium);
        assert_eq!(level_of(60), Level::High);
        assert_eq!(level_of(80), Level::Critical);
        assert_eq!(to_score(60.0, SYMBOL_SCALE), 63);
        assert_eq!(to_score(150.0, DIFF_SCALE), 63);
    }
}
