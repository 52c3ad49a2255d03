//! Turns a diff into a scored blast radius: which symbols the diff changes,
//! what depends on them (certainly or possibly), and how much that matters.
//!
//! [`analyze`] is the whole pipeline behind one call: it reads the diff and
//! both revisions' files through [`blast_diff::Repo`], builds the base and
//! head graphs with [`blast_graph`], maps hunks to changed symbols
//! ([`changes`]), follows reverse edges from each ([`reach`]), and scores the
//! result ([`score`]). The [`Report`] it returns is plain data; rendering it
//! is left to the caller (the `blast` binary uses `blast-report`).
//!
//! ```no_run
//! use blast_diff::{DiffSpec, Repo};
//! use blast_score::{analyze, Config};
//!
//! let repo = Repo::discover(std::path::Path::new("."))?;
//! let spec = DiffSpec::Range { base: "HEAD~1".into(), head: "HEAD".into() };
//! let report = analyze(&repo, &spec, &Config::default())?;
//! for change in &report.changes {
//!     println!("{} {} score {}", change.kind.name(), change.name, change.score.value);
//! }
//! # Ok::<(), blast_score::AnalyzeError>(())
//! ```

pub mod attributes;
mod calls;
pub mod changes;
mod implementations;
mod inherited_tests;
mod interpolation;
pub use changes::Modification;
mod likely_break;
mod module_change;
mod module_mutation;
mod parentheses;
mod pipeline;
pub mod policy;
mod prefilter;
mod pyproject;
pub mod reach;
mod report;
mod respelled;
pub mod score;
mod sources;
mod stale_exports;
pub mod tokens;

pub use pipeline::{
    AnalyzeError, Config, DEFAULT_MAX_TOTAL_EDGES, DEFAULT_MIN_WEIGHT, analyze, drop_in_background,
    load_graph,
};
pub use policy::{Policy, PolicyError};
pub use report::{
    AnalysisStats, ChangeKind, ChangedSymbol, CommitSummary, Dependent, FileSummary, Level,
    LimitReached, Report, RevisionInfo, Score, ScoreFactor,
};
