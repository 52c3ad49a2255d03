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
//! `score = round(100 * (1 - exp(-raw / scale)))` with a scale of 70 for one
//! symbol and 150 for a whole diff, whose union of dependents grows with its
//! size: for one symbol, 20 raw points give 25, 70 give 63, 140 give 86.
//! The scales were calibrated on released versions of real packages
//! (`benches/calibrate.py`) so that about 5% of changed symbols score high or
//! above. Levels: 0 none, 1 to 29 low, 30 to 59 medium, 60 to 79 high, 80 and
//! above critical.

use rustc_hash::FxHashSet;

use crate::report::{ChangeKind, Level, Score, ScoreFactor};

/// The raw-points scale of one changed symbol: a raw total of this maps to
/// a score of 63.
pub const SYMBOL_SCALE: f64 = 70.0;
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
    /// The input is a whole diff's union of dependents (the larger scale).
    pub whole_diff: bool,
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
            "{} certain, {} possible ({possible_weighted:.2} weighted)",
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
        detail: format!("{} other files, {} other folders", files.len(), dirs.len()),
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

    let multiplier = match (input.change, input.whitespace_only) {
        (_, true) | (Some(ChangeKind::Added), _) => 0.0,
        (Some(ChangeKind::Deleted | ChangeKind::Moved), false) => 1.5,
        (Some(ChangeKind::Modified), false) if input.signature => 1.25,
        (Some(ChangeKind::Modified) | None, false) => 1.0,
    };
    let change = ScoreFactor {
        name: "change",
        detail: match (input.change, input.whitespace_only) {
            (_, true) => "whitespace only: x0".to_owned(),
            (Some(ChangeKind::Modified), false) if input.signature => {
                format!("signature modified: x{multiplier}")
            }
            (Some(kind), false) => format!("{}: x{multiplier}", kind.name()),
            (None, false) => format!("whole diff: x{multiplier}"),
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
        detail: if input.tiers.is_empty() {
            "no tier".to_owned()
        } else {
            input
                .tiers
                .iter()
                .map(|&(name, _, own)| {
                    if own {
                        name.to_owned()
                    } else {
                        format!("{name} (reached)")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        },
        points: round2(criticality_points),
    };

    // Safety net: a change that no test reaches gets 5 points.
    let tests = ScoreFactor {
        name: "tests",
        detail: match input.tests {
            None => "not applicable".to_owned(),
            Some(0) => "no test reaches it".to_owned(),
            Some(n) => format!("{n} tests reach it"),
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
    let value = to_score(
        raw,
        if input.whole_diff {
            DIFF_SCALE
        } else {
            SYMBOL_SCALE
        },
    );
    Score {
        value,
        level: level_of(value),
        raw: round2(raw),
        factors: vec![reach, breadth, exposure, criticality, tests, change],
    }
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
            whole_diff: false,
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

    #[test]
    fn levels_have_fixed_bands() {
        assert_eq!(level_of(0), Level::None);
        assert_eq!(level_of(29), Level::Low);
        assert_eq!(level_of(30), Level::Medium);
        assert_eq!(level_of(60), Level::High);
        assert_eq!(level_of(80), Level::Critical);
        assert_eq!(to_score(70.0, SYMBOL_SCALE), 63);
        assert_eq!(to_score(150.0, DIFF_SCALE), 63);
    }
}
