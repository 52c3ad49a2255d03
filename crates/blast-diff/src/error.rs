//! Errors of this crate. Each message names what failed, on which value,
//! and what to do next.

use std::fmt;
use std::path::PathBuf;

/// A unified diff that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    /// 1-based line number in the patch; 0 when the error concerns the
    /// whole patch.
    pub line: usize,
    /// Description of the expected input and of what was found instead.
    pub message: String,
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "invalid patch: {}", self.message)
        } else {
            write!(f, "invalid patch at line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for PatchError {}

/// Broad class of an [`Error`], for mapping errors to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// The request cannot be met as given: bad arguments, an unknown
    /// revision, an invalid patch, or no repository at the path.
    Usage,
    /// A revision or merge base is missing because the clone is shallow;
    /// fetching more history fixes it.
    MissingHistory,
    /// Git or the file system failed.
    Failure,
}

/// Errors of [`crate::Repo`] operations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "not a git repository: {} (nor any of its parent folders); run blast inside a git work tree",
        path.display()
    )]
    NotARepository { path: PathBuf },

    #[error(
        "{} is in a bare repository or inside a `.git` folder, which has no work tree; \
         run blast inside a work tree",
        path.display()
    )]
    NoWorkTree { path: PathBuf },

    #[error("{}", unknown_revision_message(rev, *shallow, *no_origin, branches))]
    UnknownRevision {
        rev: String,
        shallow: bool,
        /// `rev` starts with `origin/` and the repository has no remote of
        /// that name, so fetching cannot help.
        no_origin: bool,
        /// Local branch names to suggest when `rev` reads as a branch name.
        branches: Vec<String>,
    },

    #[error("{}", no_merge_base_message(base, head, *shallow))]
    NoMergeBase {
        base: String,
        head: String,
        shallow: bool,
    },

    #[error("invalid arguments: {message}")]
    InvalidArguments { message: String },

    #[error("failed to run git: {source}; check that git is installed and on PATH")]
    GitNotFound { source: std::io::Error },

    #[error("`{command}` failed ({status}): {stderr}")]
    Git {
        /// The git command line, without the configuration overrides.
        command: String,
        /// Exit status as printed by the standard library, for example `exit status: 128`.
        status: String,
        /// Git's standard error, trimmed.
        stderr: String,
    },

    #[error("unexpected output from `{command}`: {message}")]
    GitOutput { command: String, message: String },

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    #[error(transparent)]
    Patch(#[from] PatchError),

    #[error(
        "patch does not apply to the work tree: {path}: {reason} (hunk or file header at patch line {line}); \
         check out the revision the patch was made against"
    )]
    PatchDoesNotApply {
        path: String,
        /// 1-based patch line of the hunk header, or of the file header when
        /// the file as a whole does not fit.
        line: usize,
        reason: String,
    },

    #[error(
        "cannot read {path} on the patched side: the patch changes it as a binary file (patch line {line}), \
         and blast applies text hunks only"
    )]
    BinaryPatch { path: String, line: usize },

    #[error("invalid path {path:?}: {reason}")]
    InvalidPath { path: String, reason: String },

    #[error("cannot compare {base:?} with {head:?}: {reason}")]
    UnsupportedComparison {
        base: crate::Side,
        head: crate::Side,
        reason: String,
    },
}

impl Error {
    /// Returns the broad class of the error, for choosing an exit code.
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            Error::UnknownRevision { shallow: true, .. }
            | Error::NoMergeBase { shallow: true, .. } => ExitKind::MissingHistory,
            Error::NotARepository { .. }
            | Error::NoWorkTree { .. }
            | Error::UnknownRevision { .. }
            | Error::NoMergeBase { .. }
            | Error::InvalidArguments { .. }
            | Error::Patch(_)
            | Error::PatchDoesNotApply { .. }
            | Error::BinaryPatch { .. }
            | Error::InvalidPath { .. }
            | Error::UnsupportedComparison { .. } => ExitKind::Usage,
            Error::GitNotFound { .. }
            | Error::Git { .. }
            | Error::GitOutput { .. }
            | Error::Io { .. } => ExitKind::Failure,
        }
    }
}

fn unknown_revision_message(
    rev: &str,
    shallow: bool,
    no_origin: bool,
    branches: &[String],
) -> String {
    if no_origin {
        let mut message = format!(
            "unknown revision '{rev}': the repository has no remote named origin; add it with \
             `git remote add origin URL` and fetch, or compare with a local branch"
        );
        if !branches.is_empty() {
            message.push_str(&format!(" ({})", listed_branches(branches)));
        }
        message
    } else if let (true, Some(branch)) = (shallow, rev.strip_prefix("origin/")) {
        // Deepening the history of the checked-out branch never fetches
        // another branch.
        format!(
            "unknown revision '{rev}': the repository is a shallow clone without that branch; fetch it \
             with `git fetch --deepen=50 origin {branch}:refs/remotes/origin/{branch}` (more for an \
             older merge base), or set `fetch-depth: 0` in actions/checkout"
        )
    } else if shallow {
        format!(
            "unknown revision '{rev}': the repository is a shallow clone, so the commit may be missing \
             from its history; fetch more history with `git fetch --deepen=1` (more for older revisions), \
             or set `fetch-depth: 0` in actions/checkout"
        )
    } else if let Some(branch) = rev.strip_prefix("origin/") {
        // A remote-tracking branch that was never fetched, as in a CI
        // checkout of one branch.
        format!(
            "unknown revision '{rev}': no commit of that name in the repository; fetch the branch with \
             `git fetch origin {branch}`, or set `fetch-depth: 0` in actions/checkout"
        )
    } else if std::path::Path::new(rev).exists() {
        // A path typed where git would take a pathspec.
        format!(
            "unknown revision '{rev}': no commit of that name in the repository; '{rev}' is a \
             path, so put it after `--` (`blast diff REV -- {rev}`)"
        )
    } else if !branches.is_empty() {
        format!(
            "unknown revision '{rev}': no commit of that name in the repository; {}",
            listed_branches(branches)
        )
    } else {
        format!("unknown revision '{rev}': no commit of that name in the repository")
    }
}

/// Returns `its local branches are a, b, c, d, e and 2 more`.
fn listed_branches(branches: &[String]) -> String {
    const LISTED: usize = 5;
    let mut listed = branches[..branches.len().min(LISTED)].join(", ");
    if branches.len() > LISTED {
        listed.push_str(&format!(" and {} more", branches.len() - LISTED));
    }
    format!("its local branches are {listed}")
}

fn no_merge_base_message(base: &str, head: &str, shallow: bool) -> String {
    if shallow {
        format!(
            "no merge base of '{base}' and '{head}': the repository is a shallow clone, so their common \
             history is missing; fetch more history with `git fetch --deepen=N`, or set `fetch-depth: 0` \
             in actions/checkout"
        )
    } else {
        format!(
            "no merge base of '{base}' and '{head}': their histories are unrelated; \
             compare the two tips with '{base}..{head}' instead"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_remote_branch_says_how_to_fetch() {
        let message = unknown_revision_message("origin/main", false, false, &[]);
        assert!(message.contains("git fetch origin main"), "{message}");
        let plain = unknown_revision_message("v1.2", false, false, &[]);
        assert!(!plain.contains("git fetch"), "{plain}");
        let shallow = unknown_revision_message("origin/main", true, false, &[]);
        assert!(
            shallow.contains("git fetch --deepen=50 origin main:refs/remotes/origin/main"),
            "{shallow}"
        );
    }

    #[test]
    fn unknown_branch_lists_local_branches() {
        let single = unknown_revision_message("main", false, false, &["master".to_owned()]);
        assert!(
            single.ends_with("its local branches are master"),
            "{single}"
        );
        let many: Vec<String> = (1..=7).map(|n| format!("b{n}")).collect();
        let message = unknown_revision_message("main", false, false, &many);
        assert!(
            message.ends_with("are b1, b2, b3, b4, b5 and 2 more"),
            "{message}"
        );
    }

    #[test]
    fn remote_branch_without_remote_says_so() {
        let message = unknown_revision_message("origin/main", false, true, &["master".to_owned()]);
        assert!(message.contains("no remote named origin"), "{message}");
        assert!(!message.contains("git fetch"), "{message}");
        assert!(
            message.ends_with("(its local branches are master)"),
            "{message}"
        );
    }
}
