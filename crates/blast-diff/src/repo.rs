//! The [`Repo`] type: resolving revisions, listing changes, files and
//! commits of a repository through git.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::apply::{ParsedPatch, PatchedFile};
use crate::error::Error;
use crate::files::{
    WorkTreeChecker, list_commit, list_index, list_untracked, list_work_tree, path_from_bytes,
    read_from_listing,
};
use crate::git::{DIFF_OPTIONS, Git, display_command, output_line};
use crate::parse::{parse_patch, warn_lossy_paths};
use crate::quote::DecodedPath;
use crate::{
    ChangeSet, CommitInfo, Comparison, DiffSpec, FileChange, FileStatus, Hunk, LineRange,
    PatchSource, Side, TreeEntry,
};

/// Number of leading bytes in which a NUL byte marks a file as binary, the
/// same rule git uses (`buffer_is_binary` in git's xdiff-interface.c).
const BINARY_CHECK_BYTES: usize = 8000;

/// An opened git repository with a work tree.
///
/// All methods only read: they run git commands that take no locks and
/// write nothing, and read work tree files directly.
#[derive(Debug)]
pub struct Repo {
    root: PathBuf,
    git_dir: PathBuf,
    shallow: bool,
    git: Git,
    /// Listings of commits, keyed by object id; a commit never changes.
    commit_listings: Mutex<BTreeMap<String, Arc<Vec<TreeEntry>>>>,
    /// The patch of the last [`DiffSpec::Patch`] resolved, for [`Side::Patched`].
    patch: Mutex<Option<Arc<ParsedPatch>>>,
}

impl Repo {
    /// Opens the repository that contains `path` (any folder or file inside a work tree).
    ///
    /// # Errors
    ///
    /// [`Error::NotARepository`] when no repository contains `path`,
    /// [`Error::NoWorkTree`] inside a bare repository or a `.git` folder,
    /// [`Error::Io`] when `path` does not exist.
    pub fn discover(path: &Path) -> Result<Repo, Error> {
        let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
            context: format!("failed to open {}", path.display()),
            source,
        })?;
        let start = if metadata.is_dir() {
            path
        } else {
            path.parent().unwrap_or(Path::new("."))
        };
        let probe = Git::new(start);

        let args = [
            "rev-parse",
            "--is-bare-repository",
            "--is-inside-work-tree",
            "--is-shallow-repository",
            "--absolute-git-dir",
        ];
        let output = probe.output(&args)?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            if stderr.contains("not a git repository") {
                // A CI log shows `.` without context, so name the folder itself.
                let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
                return Err(Error::NotARepository { path });
            }
            return Err(crate::git::git_failure(&args, &output));
        }
        let lines: Vec<&[u8]> = output.stdout.split(|byte| *byte == b'\n').collect();
        let [bare, inside_work_tree, shallow, git_dir, ..] = lines.as_slice() else {
            return Err(Error::GitOutput {
                command: display_command(&args),
                message: format!(
                    "expected four lines, got {:?}",
                    String::from_utf8_lossy(&output.stdout)
                ),
            });
        };
        if *bare == b"true" || *inside_work_tree != b"true" {
            return Err(Error::NoWorkTree {
                path: path.to_path_buf(),
            });
        }
        let git_dir = path_from_bytes(git_dir).unwrap_or_default();

        let toplevel = probe.stdout(&["rev-parse", "--show-toplevel"])?;
        let toplevel = toplevel.strip_suffix(b"\n").unwrap_or(&toplevel);
        let root = path_from_bytes(toplevel).ok_or_else(|| Error::GitOutput {
            command: "git rev-parse --show-toplevel".to_owned(),
            message: "the work tree path is not valid UTF-8".to_owned(),
        })?;

        log::debug!(
            "opened repository {} (shallow: {})",
            root.display(),
            *shallow == b"true"
        );
        Ok(Repo {
            git: Git::new(&root),
            root,
            git_dir,
            shallow: *shallow == b"true",
            commit_listings: Mutex::new(BTreeMap::new()),
            patch: Mutex::new(None),
        })
    }

    /// Returns the work tree root (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the git folder (absolute), usually `<root>/.git`.
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// Returns whether the repository is a shallow clone, whose history
    /// stops at some commits.
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// Resolves revisions to commit ids and, for [`DiffSpec::Patch`], reads,
    /// parses and applies the patch to the work tree in memory.
    ///
    /// [`DiffSpec::WorkTree`] and [`DiffSpec::Staged`] in a repository (or
    /// branch) without commits compare against the empty tree; every other
    /// spec needs its commits.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownRevision`] for a revision that names no commit (with
    /// `shallow` set in a shallow clone), [`Error::NoMergeBase`] when `A...B`
    /// has no merge base, [`Error::Patch`] and [`Error::PatchDoesNotApply`]
    /// for patches, [`Error::Io`] when the patch file cannot be read.
    pub fn resolve(&self, spec: &DiffSpec) -> Result<Comparison, Error> {
        let comparison = |base: Side, head: Side, base_label: &str, head_label: &str| Comparison {
            base,
            head,
            base_label: base_label.to_owned(),
            head_label: head_label.to_owned(),
            merge_base: None,
            include_untracked: false,
            patch: None,
        };

        match spec {
            DiffSpec::WorkTree => match self.resolve_head_or_unborn()? {
                Some(head) => Ok(Comparison {
                    include_untracked: true,
                    ..comparison(Side::Commit(head), Side::WorkTree, "HEAD", "work tree")
                }),
                None => {
                    let empty_tree = self.empty_tree_id()?;
                    Ok(Comparison {
                        include_untracked: true,
                        ..comparison(
                            Side::Commit(empty_tree),
                            Side::WorkTree,
                            "empty tree (no commits yet)",
                            "work tree",
                        )
                    })
                }
            },
            DiffSpec::Staged => match self.resolve_head_or_unborn()? {
                Some(head) => Ok(comparison(Side::Commit(head), Side::Index, "HEAD", "index")),
                None => Ok(comparison(
                    Side::Commit(self.empty_tree_id()?),
                    Side::Index,
                    "empty tree (no commits yet)",
                    "index",
                )),
            },
            DiffSpec::RevToWorkTree(rev) => {
                let base = self.resolve_commit(rev)?;
                Ok(comparison(
                    Side::Commit(base),
                    Side::WorkTree,
                    rev,
                    "work tree",
                ))
            }
            DiffSpec::Range { base, head } => {
                let base_id = self.resolve_commit(base)?;
                let head_id = self.resolve_commit(head)?;
                Ok(comparison(
                    Side::Commit(base_id),
                    Side::Commit(head_id),
                    base,
                    head,
                ))
            }
            DiffSpec::MergeBase { base, head } => {
                let base_id = self.resolve_commit(base)?;
                let head_id = self.resolve_commit(head)?;
                let merge_base = self.merge_base(&base_id, &head_id, base, head)?;
                Ok(Comparison {
                    merge_base: Some(merge_base.clone()),
                    ..comparison(Side::Commit(merge_base), Side::Commit(head_id), base, head)
                })
            }
            DiffSpec::Patch { source } => {
                let (bytes, label) = match source {
                    PatchSource::File(path) => {
                        let bytes = std::fs::read(path).map_err(|source| Error::Io {
                            context: format!("failed to read patch file {}", path.display()),
                            source,
                        })?;
                        (bytes, format!("patch {}", path.display()))
                    }
                    PatchSource::Bytes(bytes) => {
                        (bytes.clone(), "patch from standard input".to_owned())
                    }
                };
                let patch = Arc::new(ParsedPatch::apply_to_work_tree(&bytes, &self.root)?);
                *self.patch.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Arc::clone(&patch));
                Ok(Comparison {
                    patch: Some(patch),
                    ..comparison(Side::WorkTree, Side::Patched, "work tree", &label)
                })
            }
        }
    }

    /// Lists the files that differ between the two sides, sorted by path.
    ///
    /// Work tree mode includes untracked files that are not ignored as
    /// added files with one hunk over all their lines (none when binary:
    /// a NUL byte in the first 8000 bytes).
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedComparison`] for side pairs that no
    /// [`DiffSpec`] produces, and git failures.
    pub fn changes(&self, cmp: &Comparison) -> Result<ChangeSet, Error> {
        let mut files = match (&cmp.base, &cmp.head) {
            (Side::WorkTree, Side::Patched) => {
                let patch = cmp
                    .patch
                    .as_ref()
                    .ok_or_else(|| unsupported(cmp, "the comparison has no patch"))?;
                patch.files().to_vec()
            }
            (Side::Commit(base), Side::Commit(head)) => {
                self.diff(&["diff-tree", "-r"], &[base, head])?
            }
            (Side::Commit(base), Side::Index) => self.diff(&["diff-index", "--cached"], &[base])?,
            (Side::Commit(base), Side::WorkTree) => {
                let mut files = self.diff(&["diff-index"], &[base])?;
                if cmp.include_untracked {
                    files.extend(self.untracked_changes()?);
                }
                files
            }
            (Side::Index, Side::WorkTree) => self.diff(&["diff-files"], &[])?,
            _ => return Err(unsupported(cmp, "no git command compares these sides")),
        };
        files.sort_by(|left, right| left.path().cmp(right.path()));
        warn_lossy_paths(&files);
        Ok(ChangeSet { files })
    }

    /// Lists every regular file on one side, sorted by path: the files of a
    /// commit, of the index, or of the work tree (tracked files still on
    /// disk plus untracked files that are not ignored). Symbolic links and
    /// submodules are skipped. [`Side::Patched`] uses the patch of the last
    /// [`DiffSpec::Patch`] resolved by this `Repo`.
    ///
    /// # Errors
    ///
    /// Git failures, and [`Error::UnsupportedComparison`] for
    /// [`Side::Patched`] before a patch was resolved.
    pub fn list_files(&self, side: &Side) -> Result<Vec<TreeEntry>, Error> {
        match side {
            Side::Commit(id) => Ok(self.commit_listing(id)?.as_ref().clone()),
            Side::Index => list_index(&self.git),
            Side::WorkTree => list_work_tree(&self.git, &self.root),
            Side::Patched => {
                let patch = self.current_patch()?;
                let mut entries = list_work_tree(&self.git, &self.root)?;
                patch.adjust_listing(&mut entries);
                Ok(entries)
            }
        }
    }

    /// Reads the contents of `paths` on one side, in the same order; `None`
    /// where the file does not exist on that side or is not a regular file.
    /// Work tree reads never follow symbolic links. Pass many paths per
    /// call: commit and index sides read them through one git process.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`] for a work tree path that is absolute or
    /// contains `..`, [`Error::BinaryPatch`] for a patched path whose change
    /// is binary, git and I/O failures.
    pub fn read_files(&self, side: &Side, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>, Error> {
        match side {
            Side::Commit(id) => {
                let listing = self.commit_listing(id)?;
                read_from_listing(&self.git, &listing, paths)
            }
            Side::Index => {
                let listing = list_index(&self.git)?;
                read_from_listing(&self.git, &listing, paths)
            }
            Side::WorkTree => {
                let mut checker = WorkTreeChecker::new(&self.root);
                paths
                    .iter()
                    .map(|path| checker.read(Path::new(path)))
                    .collect()
            }
            Side::Patched => {
                let patch = self.current_patch()?;
                let mut checker = WorkTreeChecker::new(&self.root);
                paths
                    .iter()
                    .map(|path| match patch.patched_file(path) {
                        Some(PatchedFile::Deleted | PatchedFile::NotRegular) => Ok(None),
                        Some(PatchedFile::Text { contents, .. }) => Ok(Some(contents.clone())),
                        Some(PatchedFile::Binary { line }) => Err(Error::BinaryPatch {
                            path: path.clone(),
                            line: *line,
                        }),
                        None => checker.read(Path::new(path)),
                    })
                    .collect()
            }
        }
    }

    /// Lists the commits in `base..head`, newest first, where the index and
    /// the work tree stand for `HEAD`; empty when the base is not a commit.
    ///
    /// # Errors
    ///
    /// Git failures and malformed `git log` output.
    pub fn commits(&self, cmp: &Comparison) -> Result<Vec<CommitInfo>, Error> {
        let Side::Commit(base) = &cmp.base else {
            return Ok(Vec::new());
        };
        // The index and the work tree hold the commits up to HEAD, and a
        // base of the empty tree (no commits yet) starts no range.
        let head = match &cmp.head {
            Side::Commit(head) => head.as_str(),
            Side::Index | Side::WorkTree | Side::Patched => "HEAD",
        };
        if base == crate::EMPTY_TREE_ID || self.resolve_commit(head).is_err() {
            return Ok(Vec::new());
        }
        let range = format!("{base}..{head}");
        let args = [
            "log",
            "-z",
            "--no-color",
            "--format=%H%x00%s%x00%(trailers:only,unfold)",
            range.as_str(),
            "--",
        ];
        let stdout = self.git.stdout(&args)?;
        parse_log(&stdout).map_err(|message| Error::GitOutput {
            command: display_command(&args),
            message,
        })
    }

    /// Runs a diff command with the fixed options and parses its patch.
    fn diff(&self, command: &[&str], revisions: &[&String]) -> Result<Vec<FileChange>, Error> {
        let mut args: Vec<&str> = command.to_vec();
        args.extend_from_slice(DIFF_OPTIONS);
        args.extend(revisions.iter().map(|revision| revision.as_str()));
        args.push("--");
        let stdout = self.git.stdout(&args)?;
        let files = parse_patch(&stdout, false).map_err(|error| Error::GitOutput {
            command: display_command(&args),
            message: error.to_string(),
        })?;
        Ok(files.into_iter().map(|file| file.change).collect())
    }

    /// Describes untracked files that are not ignored as added files.
    fn untracked_changes(&self) -> Result<Vec<FileChange>, Error> {
        let mut checker = WorkTreeChecker::new(&self.root);
        let mut changes = Vec::new();
        for raw in list_untracked(&self.git)? {
            let decoded = DecodedPath::from_bytes(&raw);
            let Some(relative) = path_from_bytes(&raw) else {
                continue;
            };
            // Symlinks and files removed since the listing are skipped.
            let Some((contents, mode)) = checker.read_with_mode(&relative)? else {
                continue;
            };
            changes.push(added_file_change(decoded, &contents, mode));
        }
        Ok(changes)
    }

    fn commit_listing(&self, id: &str) -> Result<Arc<Vec<TreeEntry>>, Error> {
        if let Some(listing) = self
            .commit_listings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
        {
            return Ok(Arc::clone(listing));
        }
        let listing = Arc::new(list_commit(&self.git, id)?);
        self.commit_listings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.to_owned(), Arc::clone(&listing));
        Ok(listing)
    }

    fn current_patch(&self) -> Result<Arc<ParsedPatch>, Error> {
        self.patch
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| Error::UnsupportedComparison {
                base: Side::WorkTree,
                head: Side::Patched,
                reason:
                    "no patch was resolved with this repository; resolve a DiffSpec::Patch first"
                        .to_owned(),
            })
    }

    /// Resolves `rev` to the full id of the commit it names.
    fn resolve_commit(&self, rev: &str) -> Result<String, Error> {
        let unknown = || Error::UnknownRevision {
            rev: rev.to_owned(),
            shallow: self.shallow,
            no_origin: false,
            branches: Vec::new(),
        };
        if rev.is_empty() || rev.contains('\0') {
            return Err(unknown());
        }
        let target = format!("{rev}^{{commit}}");
        let output =
            self.git
                .output(&["rev-parse", "--verify", "--end-of-options", target.as_str()])?;
        if !output.status.success() {
            log::debug!(
                "git rev-parse {target} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            let no_origin = rev.starts_with("origin/") && !self.has_remote("origin");
            let branches = if no_origin {
                self.local_branches()
            } else {
                self.branches_to_suggest(rev)
            };
            return Err(Error::UnknownRevision {
                rev: rev.to_owned(),
                shallow: self.shallow,
                no_origin,
                branches,
            });
        }
        let id = output_line(&output.stdout);
        if id.is_empty() || !id.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(Error::GitOutput {
                command: format!("git rev-parse --verify {target}"),
                message: format!("expected an object id, got {id:?}"),
            });
        }
        Ok(id)
    }

    /// Returns whether the repository has a remote of this name.
    fn has_remote(&self, name: &str) -> bool {
        self.git.output(&["remote"]).is_ok_and(|output| {
            output.status.success()
                && String::from_utf8_lossy(&output.stdout)
                    .lines()
                    .any(|line| line == name)
        })
    }

    /// Returns the local branches, sorted, when `rev` reads as a plain
    /// branch name (`main` in a repository whose branch is `master`), and
    /// nothing for revision expressions such as `HEAD~3` or `v1^`.
    fn branches_to_suggest(&self, rev: &str) -> Vec<String> {
        if rev == "HEAD" || rev.contains(['~', '^', ':', '@']) || rev.contains("..") {
            return Vec::new();
        }
        self.local_branches()
    }

    /// Returns the names of the local branches, sorted, or none when git
    /// cannot list them.
    fn local_branches(&self) -> Vec<String> {
        let Ok(output) = self.git.output(&[
            "for-each-ref",
            "--sort=refname",
            "--format=%(refname:short)",
            "refs/heads",
        ]) else {
            return Vec::new();
        };
        if !output.status.success() {
            return Vec::new();
        }
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Resolves `HEAD`, or returns `None` when `HEAD` is a branch without
    /// commits yet (a new repository or an orphan branch).
    fn resolve_head_or_unborn(&self) -> Result<Option<String>, Error> {
        match self.resolve_commit("HEAD") {
            Ok(id) => Ok(Some(id)),
            Err(error @ Error::UnknownRevision { .. }) => {
                let symbolic = self.git.output(&["symbolic-ref", "-q", "HEAD"])?;
                if symbolic.status.success() && !self.shallow {
                    log::debug!("HEAD has no commits yet; comparing with the empty tree");
                    Ok(None)
                } else {
                    Err(error)
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Returns the id of the empty tree in this repository's hash format.
    fn empty_tree_id(&self) -> Result<String, Error> {
        // Standard input is empty, so this hashes an empty tree; without -w nothing is written.
        let stdout = self.git.stdout(&["hash-object", "-t", "tree", "--stdin"])?;
        Ok(output_line(&stdout))
    }

    fn merge_base(
        &self,
        base_id: &str,
        head_id: &str,
        base: &str,
        head: &str,
    ) -> Result<String, Error> {
        let args = ["merge-base", base_id, head_id];
        let output = self.git.output(&args)?;
        let id = output_line(&output.stdout);
        // Exit status 1 with no output means that there is no merge base.
        if output.status.code() == Some(1) && id.is_empty() {
            return Err(Error::NoMergeBase {
                base: base.to_owned(),
                head: head.to_owned(),
                shallow: self.shallow,
            });
        }
        if !output.status.success() {
            return Err(crate::git::git_failure(&args, &output));
        }
        Ok(id)
    }
}

fn unsupported(cmp: &Comparison, reason: &str) -> Error {
    Error::UnsupportedComparison {
        base: cmp.base.clone(),
        head: cmp.head.clone(),
        reason: reason.to_owned(),
    }
}

/// Describes a new file as added: one hunk over all its lines, or no hunk
/// when it is empty or binary.
fn added_file_change(path: DecodedPath, contents: &[u8], mode: u32) -> FileChange {
    let check_len = contents.len().min(BINARY_CHECK_BYTES);
    let binary = memchr::memchr(0, &contents[..check_len]).is_some();
    let newline_count = memchr::memchr_iter(b'\n', contents).count();
    let unterminated_last = !contents.is_empty() && !contents.ends_with(b"\n");
    let line_count =
        u32::try_from(newline_count + usize::from(unterminated_last)).unwrap_or(u32::MAX);

    let hunks = if binary || line_count == 0 {
        Vec::new()
    } else {
        vec![Hunk {
            old_start: 0,
            old_lines: 0,
            new_start: 1,
            new_lines: line_count,
            removed: Vec::new(),
            added: vec![LineRange {
                start: 1,
                end: line_count,
            }],
        }]
    };
    FileChange {
        status: FileStatus::Added,
        old_path: None,
        new_path: Some(path.path),
        similarity: None,
        binary,
        old_mode: None,
        new_mode: Some(mode),
        hunks,
        lossy_path: path.lossy,
    }
}

/// Parses `git log -z --format=%H%x00%s%x00%(trailers:only,unfold)`: each
/// commit is three NUL-separated fields and is terminated by a NUL.
fn parse_log(stdout: &[u8]) -> Result<Vec<CommitInfo>, String> {
    if stdout.is_empty() {
        return Ok(Vec::new());
    }
    let body = stdout
        .strip_suffix(b"\0")
        .ok_or_else(|| "the output does not end with a NUL byte".to_owned())?;
    let fields: Vec<&[u8]> = body.split(|byte| *byte == 0).collect();
    if !fields.len().is_multiple_of(3) {
        return Err(format!(
            "expected three fields per commit, got {} fields",
            fields.len()
        ));
    }
    let commits = fields
        .chunks(3)
        .map(|chunk| CommitInfo {
            id: String::from_utf8_lossy(chunk[0]).trim().to_owned(),
            summary: String::from_utf8_lossy(chunk[1]).into_owned(),
            trailers: parse_trailers(&String::from_utf8_lossy(chunk[2])),
        })
        .collect();
    Ok(commits)
}

fn parse_trailers(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            let key = key.trim();
            (!key.is_empty()).then(|| (key.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Repo>();
        check::<Comparison>();
    }

    #[test]
    fn log_output_parses() {
        let stdout = b"aaa\0first\0Signed-off-by: A <a@b>\nCo-authored-by: B\n\0bbb\0second\0\0";
        let commits = parse_log(stdout).unwrap();
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].id, "aaa");
        assert_eq!(commits[0].summary, "first");
        assert_eq!(
            commits[0].trailers,
            vec![
                ("Signed-off-by".to_owned(), "A <a@b>".to_owned()),
                ("Co-authored-by".to_owned(), "B".to_owned())
            ]
        );
        assert_eq!(commits[1].summary, "second");
        assert!(commits[1].trailers.is_empty());
    }

    #[test]
    fn log_output_rejects_missing_fields() {
        assert!(parse_log(b"aaa\0first\0").is_err());
        assert!(parse_log(b"aaa\0first").is_err());
        assert!(parse_log(b"").unwrap().is_empty());
    }

    #[test]
    fn added_file_counts_lines() {
        let path = DecodedPath::from_bytes(b"new.py");
        let change = added_file_change(path.clone(), b"a\nb\nc", 0o100644);
        assert_eq!(change.hunks.len(), 1);
        assert_eq!(change.hunks[0].new_lines, 3);
        assert_eq!(change.hunks[0].added, vec![LineRange { start: 1, end: 3 }]);

        let empty = added_file_change(path.clone(), b"", 0o100644);
        assert!(empty.hunks.is_empty());

        let binary = added_file_change(path, b"PNG\0\x01\n", 0o100644);
        assert!(binary.binary);
        assert!(binary.hunks.is_empty());
    }
}
