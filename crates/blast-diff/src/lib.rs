//! Reads what a change is: revisions, the files a diff touches, the line
//! ranges it changes on each side, and file contents at a revision.
//!
//! Everything is read through the `git` command, or from a unified diff
//! produced elsewhere. Git runs with `-c` overrides so that the user's
//! configuration (diff prefixes, path quoting, colors, external diff tools,
//! rename detection, diff algorithm) cannot change the output, and diffs
//! come from the plumbing commands `diff-index`, `diff-tree` and
//! `diff-files`, which never refresh or rewrite the index. Nothing here
//! writes to the repository: no index refresh, no lock files, no fetch.
//!
//! The usual flow is [`Repo::discover`], [`DiffSpec::parse_args`],
//! [`Repo::resolve`] and then [`Repo::changes`], [`Repo::list_files`] and
//! [`Repo::read_files`] on the two [`Side`]s of the [`Comparison`].
//!
//! All paths are repository-relative, `/`-separated `String`s. Line numbers
//! are 1-based.

mod apply;
mod error;
mod files;
mod git;
mod parse;
mod quote;
mod repo;
mod spec;

use std::path::PathBuf;
use std::sync::Arc;

pub use apply::ParsedPatch;
pub use error::{Error, ExitKind, PatchError};
pub use parse::parse_unified_diff;
pub use repo::Repo;

/// Git's id of the empty tree in SHA-1 repositories, used as the base when
/// the repository has no commits yet.
pub const EMPTY_TREE_ID: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// Git file mode of a regular file.
pub const MODE_FILE: u32 = 0o100644;
/// Git file mode of an executable regular file.
pub const MODE_EXECUTABLE: u32 = 0o100755;
/// Git file mode of a symbolic link.
pub const MODE_SYMLINK: u32 = 0o120000;
/// Git file mode of a submodule (gitlink).
pub const MODE_GITLINK: u32 = 0o160000;

/// The comparison requested on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffSpec {
    /// `HEAD` against the work tree: staged and unstaged changes of tracked
    /// files, plus untracked files that are not ignored, as added files.
    WorkTree,
    /// `HEAD` against the index (`git diff --cached HEAD`).
    Staged,
    /// A revision against the work tree, like `git diff REV`: tracked files
    /// only, so untracked files are not part of it.
    RevToWorkTree(String),
    /// Two revisions compared tip to tip (`A B` and `A..B`, like `git diff A B`).
    Range { base: String, head: String },
    /// The merge base of `base` and `head` against `head` (`A...B`).
    MergeBase { base: String, head: String },
    /// A unified diff applied in memory to the work tree files (the base).
    Patch { source: PatchSource },
}

/// Source of the text of a [`DiffSpec::Patch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchSource {
    /// A patch file, read when the spec is resolved. A relative path is
    /// relative to the current folder of the process, not to the repository.
    File(PathBuf),
    /// Patch bytes already read, for example from standard input.
    Bytes(Vec<u8>),
}

/// One side of a comparison: where file lists and contents come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// A commit, by its full hexadecimal object id. [`EMPTY_TREE_ID`] (a
    /// tree, not a commit) stands for the base of a repository without commits.
    Commit(String),
    /// The index (staging area).
    Index,
    /// The files on disk.
    WorkTree,
    /// The work tree with the patch of the comparison applied in memory.
    Patched,
}

/// A resolved [`DiffSpec`]: the two sides to compare and how to name them.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub base: Side,
    pub head: Side,
    /// Base as the user typed it, for example `HEAD~1` or `main`.
    pub base_label: String,
    /// Head as the user typed it, for example `feature`, or a description
    /// such as `work tree`.
    pub head_label: String,
    /// The merge base id when the spec was `A...B`.
    pub merge_base: Option<String>,
    /// Whether untracked files that are not ignored count as added files
    /// (true only for [`DiffSpec::WorkTree`]).
    pub include_untracked: bool,
    /// The parsed patch of a [`DiffSpec::Patch`], applied in memory by
    /// [`Repo::read_files`] for [`Side::Patched`].
    pub patch: Option<Arc<ParsedPatch>>,
}

/// The files that differ between the two sides of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Sorted by `new_path`, or by `old_path` for deleted files.
    pub files: Vec<FileChange>,
}

/// Kind of change to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileStatus {
    Added,
    Deleted,
    Modified,
    Renamed,
    Copied,
    /// The file changed kind, for example from a regular file to a symlink.
    /// Git prints this as a deletion followed by an addition of the same
    /// path, which the parser merges into one entry with both sets of hunks.
    TypeChanged,
}

/// One file of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub status: FileStatus,
    /// Path on the base side; `None` for added files.
    pub old_path: Option<String>,
    /// Path on the head side; `None` for deleted files.
    pub new_path: Option<String>,
    /// Similarity percentage of renames and copies.
    pub similarity: Option<u8>,
    /// Whether git treats the file as binary; binary files have no hunks.
    pub binary: bool,
    /// Git mode on the base side (for example `0o100644`), where the diff states it.
    pub old_mode: Option<u32>,
    /// Git mode on the head side, where the diff states it.
    pub new_mode: Option<u32>,
    pub hunks: Vec<Hunk>,
    /// Whether a path was not valid UTF-8 and was decoded with replacement
    /// characters, so it cannot be used to read the file from disk.
    pub lossy_path: bool,
}

impl FileChange {
    /// Returns the path on the head side, or on the base side for deleted files.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or_default()
    }
}

/// One hunk of a file diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// First old line, as in the `@@` header. When `old_lines` is 0 the hunk
    /// inserts after this line (0 means before the first line).
    pub old_start: u32,
    pub old_lines: u32,
    /// First new line, as in the `@@` header. When `new_lines` is 0 the hunk
    /// deletes lines that sat after this new line.
    pub new_start: u32,
    pub new_lines: u32,
    /// Old-side line numbers of the `-` lines, merged into ranges.
    pub removed: Vec<LineRange>,
    /// New-side line numbers of the `+` lines, merged into ranges.
    pub added: Vec<LineRange>,
}

/// An inclusive range of 1-based line numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineRange {
    pub start: u32,
    pub end: u32,
}

impl LineRange {
    /// Returns whether `line` lies in the range.
    pub fn contains(&self, line: u32) -> bool {
        self.start <= line && line <= self.end
    }
}

/// One commit of a comparison's range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hexadecimal object id.
    pub id: String,
    /// First line of the commit message.
    pub summary: String,
    /// Trailers such as `Signed-off-by`, in message order, continuation
    /// lines unfolded.
    pub trailers: Vec<(String, String)>,
}

/// One file on one side, as listed by [`Repo::list_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: String,
    /// Git mode: [`MODE_FILE`] or [`MODE_EXECUTABLE`].
    pub mode: u32,
    /// Blob id for commit and index sides; `None` for the work tree and the
    /// patched side.
    pub blob_id: Option<String>,
    /// Whether the path was not valid UTF-8 and was decoded with replacement
    /// characters.
    pub lossy_path: bool,
}
