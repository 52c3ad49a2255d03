//! Applies a parsed patch in memory to the work tree files, for the
//! patched side of a [`crate::DiffSpec::Patch`] comparison.
//!
//! Hunks must match exactly at the line numbers of their headers: no fuzz,
//! no offset search and no whitespace leniency, because blast maps the
//! patch's line numbers to code and a shifted match would map them wrongly.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use crate::error::{Error, PatchError};
use crate::files::WorkTreeChecker;
use crate::parse::{HunkBody, LineKind, ParsedFile, parse_patch, warn_lossy_paths};
use crate::{FileChange, FileStatus, MODE_FILE, MODE_GITLINK, MODE_SYMLINK, TreeEntry};

/// A unified diff parsed and applied in memory to the work tree.
///
/// Built by [`crate::Repo::resolve`] for [`crate::DiffSpec::Patch`]; the
/// result of applying every file is computed up front, so a patch that does
/// not apply fails when it is resolved.
pub struct ParsedPatch {
    files: Vec<FileChange>,
    /// Contents on the patched side of every path the patch touches.
    patched: BTreeMap<String, PatchedFile>,
}

/// Contents of the patched side at a path the patch touches.
#[derive(Debug, Clone)]
pub(crate) enum PatchedFile {
    /// The patch deletes or renames the file away.
    Deleted,
    /// The result is a symlink or submodule, not a regular file.
    NotRegular,
    Text {
        contents: Vec<u8>,
        mode: u32,
    },
    /// A binary change, which blast cannot apply; reading it is an error.
    Binary {
        line: usize,
    },
}

impl fmt::Debug for ParsedPatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedPatch")
            .field("files", &self.files.len())
            .field("patched_paths", &self.patched.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ParsedPatch {
    /// Returns the file changes of the patch, in patch order.
    pub fn files(&self) -> &[FileChange] {
        &self.files
    }

    /// Parses `bytes` and applies every file change to the work tree at `root`.
    ///
    /// Only reads under `root`: a path that leaves it, or that goes through
    /// a symlink, is never followed. [`crate::Repo::resolve`] calls this for
    /// [`crate::DiffSpec::Patch`]; it is public so that tools such as the
    /// fuzzer can apply patches without a repository.
    ///
    /// # Errors
    ///
    /// [`Error::Patch`] when the patch is invalid, or is text without any
    /// file change, [`Error::PatchDoesNotApply`] when a hunk or file does not
    /// match the work tree, [`Error::InvalidPath`] for a path that would
    /// leave the work tree.
    pub fn apply_to_work_tree(bytes: &[u8], root: &Path) -> Result<ParsedPatch, Error> {
        let parsed = parse_patch(bytes, true)?;
        // An empty input is an empty diff, as `git diff` prints when nothing
        // changed; text without any file header is more likely a wrong file.
        if parsed.is_empty() && !bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Patch(PatchError {
                line: 0,
                message: "no file changes found: the input has no `diff --git` or `---`/`+++` file headers".to_owned(),
            }));
        }
        let files: Vec<FileChange> = parsed.iter().map(|file| file.change.clone()).collect();
        warn_lossy_paths(&files);

        let mut checker = WorkTreeChecker::new(root);
        let mut patched = BTreeMap::new();

        // Paths that the patch moves away may be taken by an added file of
        // the same patch, so they are recorded first.
        let vacated: BTreeSet<&str> = parsed
            .iter()
            .filter(|file| {
                matches!(
                    file.change.status,
                    FileStatus::Deleted | FileStatus::Renamed
                )
            })
            .filter_map(|file| file.change.old_path.as_deref())
            .collect();
        for path in &vacated {
            patched.insert((*path).to_owned(), PatchedFile::Deleted);
        }

        for file in &parsed {
            if let Some((path, result)) = apply_file(file, &mut checker, &vacated)? {
                patched.insert(path, result);
            }
        }
        Ok(ParsedPatch { files, patched })
    }

    /// Returns what the patched side contains at `path`, or `None` when the
    /// patch does not touch it.
    pub(crate) fn patched_file(&self, path: &str) -> Option<&PatchedFile> {
        self.patched.get(path)
    }

    /// Turns a work tree listing into the listing of the patched side.
    pub(crate) fn adjust_listing(&self, entries: &mut Vec<TreeEntry>) {
        entries.retain(|entry| !self.patched.contains_key(&entry.path));
        for (path, result) in &self.patched {
            let mode = match result {
                PatchedFile::Deleted | PatchedFile::NotRegular => continue,
                PatchedFile::Text { mode, .. } => *mode,
                PatchedFile::Binary { .. } => MODE_FILE,
            };
            entries.push(TreeEntry {
                path: path.clone(),
                mode,
                blob_id: None,
                lossy_path: false,
            });
        }
        entries.sort_by(|left, right| left.path.cmp(&right.path));
    }
}

/// Applies one file of the patch; returns the path on the patched side and
/// its contents, or `None` for deletions (already recorded as vacated).
fn apply_file(
    file: &ParsedFile,
    checker: &mut WorkTreeChecker<'_>,
    vacated: &BTreeSet<&str>,
) -> Result<Option<(String, PatchedFile)>, Error> {
    let change = &file.change;
    let does_not_apply = |path: &str, line: usize, reason: &str| Error::PatchDoesNotApply {
        path: path.to_owned(),
        line,
        reason: reason.to_owned(),
    };

    if change.status == FileStatus::Deleted {
        let path = change.old_path.as_deref().unwrap_or_default();
        if change.old_mode == Some(MODE_GITLINK) || change.old_mode == Some(MODE_SYMLINK) {
            return Ok(None);
        }
        let Some(base) = checker.read(Path::new(path))? else {
            return Err(does_not_apply(
                path,
                file.header_line,
                "the file to delete is not in the work tree",
            ));
        };
        if !change.binary {
            let rest = apply_hunks(&base, &file.bodies).map_err(|line| {
                does_not_apply(
                    path,
                    line,
                    "the lines to delete do not match the work tree file",
                )
            })?;
            if !rest.is_empty() {
                return Err(does_not_apply(
                    path,
                    file.header_line,
                    "the work tree file has lines that the patch does not delete",
                ));
            }
        }
        return Ok(None);
    }

    let new_path = change.new_path.clone().unwrap_or_default();
    let new_mode = change.new_mode.unwrap_or(MODE_FILE);
    if new_mode == MODE_GITLINK || new_mode == MODE_SYMLINK {
        return Ok(Some((new_path, PatchedFile::NotRegular)));
    }

    let base = match change.status {
        FileStatus::Added => {
            if !vacated.contains(new_path.as_str()) && checker.exists(Path::new(&new_path))? {
                return Err(does_not_apply(
                    &new_path,
                    file.header_line,
                    "the file to add already exists in the work tree",
                ));
            }
            Vec::new()
        }
        _ => read_base(file, checker)?,
    };

    if change.binary {
        return Ok(Some((
            new_path,
            PatchedFile::Binary {
                line: file.header_line,
            },
        )));
    }

    let contents = if change.status == FileStatus::TypeChanged {
        // A deletion (the old kind) followed by an addition (the new kind):
        // the two halves are in separate line coordinates.
        let mut deletion = Vec::new();
        let mut addition = Vec::new();
        for (body, hunk) in file.bodies.iter().zip(&change.hunks) {
            if hunk.new_start == 0 && hunk.new_lines == 0 {
                deletion.push(body.clone());
            } else {
                addition.push(body.clone());
            }
        }
        if change.old_mode != Some(MODE_SYMLINK) && change.old_mode != Some(MODE_GITLINK) {
            let rest = apply_hunks(&base, &deletion).map_err(|line| {
                does_not_apply(
                    &new_path,
                    line,
                    "the hunk does not match the work tree file",
                )
            })?;
            if !rest.is_empty() {
                return Err(does_not_apply(
                    &new_path,
                    file.header_line,
                    "the work tree file has lines that the patch does not delete",
                ));
            }
        }
        apply_hunks(&[], &addition).map_err(|line| {
            does_not_apply(
                &new_path,
                line,
                "the hunk does not match the work tree file",
            )
        })?
    } else {
        apply_hunks(&base, &file.bodies).map_err(|line| {
            does_not_apply(
                &new_path,
                line,
                "the hunk does not match the work tree file",
            )
        })?
    };
    Ok(Some((
        new_path,
        PatchedFile::Text {
            contents,
            mode: new_mode,
        },
    )))
}

/// Reads the base of a modified, renamed, copied or retyped file from the
/// work tree. A plain diff whose old name does not exist (as in
/// `diff -u file.orig file`) falls back to the new name.
fn read_base(file: &ParsedFile, checker: &mut WorkTreeChecker<'_>) -> Result<Vec<u8>, Error> {
    let change = &file.change;
    if change.old_mode == Some(MODE_SYMLINK) || change.old_mode == Some(MODE_GITLINK) {
        // The old side is not a regular file, so there is nothing to check against.
        return Ok(Vec::new());
    }
    let old_path = change.old_path.as_deref().unwrap_or_default();
    if let Some(base) = checker.read(Path::new(old_path))? {
        return Ok(base);
    }
    if change.status == FileStatus::Modified
        && let Some(new_path) = change.new_path.as_deref()
        && new_path != old_path
        && let Some(base) = checker.read(Path::new(new_path))?
    {
        return Ok(base);
    }
    Err(Error::PatchDoesNotApply {
        path: old_path.to_owned(),
        line: file.header_line,
        reason: "the file to change is not in the work tree (or is not a regular file)".to_owned(),
    })
}

/// Applies hunks in order to `base`. Each hunk's old side must equal the
/// base lines at its header position, line endings included. Returns the
/// patch line of the first hunk that does not match.
pub(crate) fn apply_hunks(base: &[u8], bodies: &[HunkBody]) -> Result<Vec<u8>, usize> {
    let lines: Vec<&[u8]> = base.split_inclusive(|byte| *byte == b'\n').collect();
    let mut out = Vec::with_capacity(base.len());
    let mut cursor = 0;

    for body in bodies {
        let old_side: Vec<Vec<u8>> = side_lines(body, LineKind::Removed);
        let new_side: Vec<Vec<u8>> = side_lines(body, LineKind::Added);
        let start = hunk_start_index(body, old_side.len()).ok_or(body.header_line)?;
        if start < cursor || start + old_side.len() > lines.len() {
            return Err(body.header_line);
        }
        let matches = old_side
            .iter()
            .zip(&lines[start..start + old_side.len()])
            .all(|(expected, actual)| expected.as_slice() == *actual);
        if !matches {
            return Err(body.header_line);
        }

        for line in &lines[cursor..start] {
            out.extend_from_slice(line);
        }
        for line in &new_side {
            out.extend_from_slice(line);
        }
        cursor = start + old_side.len();
    }
    for line in &lines[cursor..] {
        out.extend_from_slice(line);
    }
    Ok(out)
}

/// Returns the 0-based index of the first old line of a hunk: the old start
/// minus one, or the old start itself when the hunk has no old lines
/// (`-N,0` inserts after line N).
fn hunk_start_index(body: &HunkBody, old_count: usize) -> Option<usize> {
    let old_start = body.old_start as usize;
    if old_count == 0 {
        Some(old_start)
    } else {
        old_start.checked_sub(1)
    }
}

/// Returns the lines of one side of a hunk (context plus `kind`), each
/// with its `\n` unless `\ No newline at end of file` followed it.
fn side_lines(body: &HunkBody, kind: LineKind) -> Vec<Vec<u8>> {
    body.lines
        .iter()
        .filter(|line| line.kind == LineKind::Context || line.kind == kind)
        .map(|line| {
            let mut bytes = line.text.clone();
            if !line.no_newline {
                bytes.push(b'\n');
            }
            bytes
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(patch: &str) -> Vec<HunkBody> {
        let files = parse_patch(patch.as_bytes(), true).unwrap();
        files.into_iter().next().unwrap().bodies
    }

    #[test]
    fn apply_replaces_inserts_and_deletes() {
        let patch = "--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+inserted\n@@ -3 +3,0 @@\n-three\n@@ -4 +4 @@\n-four\n+FOUR\n";
        let result = apply_hunks(b"one\ntwo\nthree\nfour\n", &bodies(patch)).unwrap();
        assert_eq!(result, b"one\ninserted\ntwo\nFOUR\n");
    }

    #[test]
    fn apply_insert_before_first_line() {
        let patch = "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+first\n";
        let result = apply_hunks(b"second\n", &bodies(patch)).unwrap();
        assert_eq!(result, b"first\nsecond\n");
    }

    #[test]
    fn apply_respects_missing_final_newline() {
        let patch = "--- a/f\n+++ b/f\n@@ -2 +2 @@\n-b\n\\ No newline at end of file\n+c\n";
        assert_eq!(apply_hunks(b"a\nb", &bodies(patch)).unwrap(), b"a\nc\n");
        assert_eq!(apply_hunks(b"a\nb\n", &bodies(patch)), Err(3));
    }

    #[test]
    fn apply_rejects_mismatched_context() {
        let patch = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n";
        assert_eq!(apply_hunks(b"a\ny\n", &bodies(patch)), Err(3));
        assert_eq!(apply_hunks(b"x\n", &bodies(patch)), Err(3));
    }

    #[test]
    fn apply_keeps_crlf_in_content() {
        let patch = "--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n";
        assert_eq!(
            apply_hunks(b"a\r\nrest\r\n", &bodies(patch)).unwrap(),
            b"b\r\nrest\r\n"
        );
        assert_eq!(apply_hunks(b"a\nrest\n", &bodies(patch)), Err(3));
    }
}
