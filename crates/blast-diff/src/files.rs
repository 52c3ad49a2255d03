//! File lists and file contents of one side: a commit, the index, the work
//! tree, or the work tree with a patch applied.
//!
//! Work tree access never follows a symbolic link, neither for the file
//! itself nor for a folder on its path, and rejects paths that would leave
//! the work tree root.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::error::Error;
use crate::git::Git;
use crate::quote::DecodedPath;
use crate::{MODE_EXECUTABLE, MODE_FILE, MODE_GITLINK, MODE_SYMLINK, TreeEntry};

/// Lists the regular files of a commit (or tree) with `git ls-tree`,
/// skipping submodules and symbolic links. Sorted by path.
pub(crate) fn list_commit(git: &Git, id: &str) -> Result<Vec<TreeEntry>, Error> {
    let args = ["ls-tree", "-r", "-z", "--full-tree", id];
    let stdout = git.stdout(&args)?;
    let mut entries = Vec::new();
    for record in split_records(&stdout) {
        // `<mode> SP <type> SP <object> TAB <path>`
        let (mode, object, path) =
            parse_listing_record(record, 3).ok_or_else(|| invalid_record(&args, record))?;
        if mode == MODE_GITLINK || mode == MODE_SYMLINK {
            continue;
        }
        entries.push(tree_entry(path, mode, Some(object)));
    }
    finish_listing(entries)
}

/// Lists the regular files of the index with `git ls-files -s`, skipping
/// submodules and symbolic links. For a path with merge conflicts the
/// entry of stage 2 (the checked-out side) is used. Sorted by path.
pub(crate) fn list_index(git: &Git) -> Result<Vec<TreeEntry>, Error> {
    let args = ["ls-files", "-z", "-s"];
    let stdout = git.stdout(&args)?;
    let mut by_path: BTreeMap<String, (u8, TreeEntry)> = BTreeMap::new();
    for record in split_records(&stdout) {
        // `<mode> SP <object> SP <stage> TAB <path>`
        let (mode, object, path) =
            parse_listing_record(record, 2).ok_or_else(|| invalid_record(&args, record))?;
        let stage = stage_of(record).ok_or_else(|| invalid_record(&args, record))?;
        if mode == MODE_GITLINK || mode == MODE_SYMLINK {
            continue;
        }
        let rank = match stage {
            0 => 0,
            2 => 1,
            _ => continue,
        };
        let entry = tree_entry(path, mode, Some(object));
        match by_path.get(&entry.path) {
            Some((existing, _)) if *existing <= rank => {}
            _ => {
                by_path.insert(entry.path.clone(), (rank, entry));
            }
        }
    }
    finish_listing(by_path.into_values().map(|(_, entry)| entry).collect())
}

/// Lists the regular files of the work tree: tracked files still on disk
/// plus untracked files that are not ignored. Sorted by path.
pub(crate) fn list_work_tree(git: &Git, root: &Path) -> Result<Vec<TreeEntry>, Error> {
    let stdout = git.stdout(&[
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ])?;
    let mut checker = WorkTreeChecker::new(root);
    let mut entries = Vec::new();
    let mut seen = BTreeSet::new();
    for record in split_records(&stdout) {
        if !seen.insert(record) {
            continue;
        }
        let decoded = DecodedPath::from_bytes(record);
        let Some(relative) = path_from_bytes(record) else {
            continue;
        };
        if let Some(mode) = checker.regular_file_mode(&relative)? {
            entries.push(TreeEntry {
                path: decoded.path,
                mode,
                blob_id: None,
                lossy_path: decoded.lossy,
            });
        }
    }
    finish_listing(entries)
}

/// Lists the untracked files that are not ignored, as raw path bytes.
pub(crate) fn list_untracked(git: &Git) -> Result<Vec<Vec<u8>>, Error> {
    let stdout = git.stdout(&["ls-files", "-z", "--others", "--exclude-standard"])?;
    Ok(split_records(&stdout)
        // A nested repository is listed as its folder, with a trailing slash.
        .filter(|record| !record.ends_with(b"/"))
        .map(<[u8]>::to_vec)
        .collect())
}

/// Reads the blobs of `paths` from a sorted listing of a commit or the index.
pub(crate) fn read_from_listing(
    git: &Git,
    listing: &[TreeEntry],
    paths: &[String],
) -> Result<Vec<Option<Vec<u8>>>, Error> {
    let blob_ids: Vec<Option<&str>> = paths
        .iter()
        .map(|path| {
            listing
                .binary_search_by(|entry| entry.path.as_str().cmp(path))
                .ok()
                .and_then(|index| listing[index].blob_id.as_deref())
        })
        .collect();
    let requested: BTreeSet<&str> = blob_ids.iter().flatten().copied().collect();
    let blobs = git.read_blobs(&requested)?;
    Ok(blob_ids
        .into_iter()
        .map(|id| id.and_then(|id| blobs.get(id).cloned()))
        .collect())
}

/// Checks paths against the work tree without following symbolic links,
/// remembering folders already checked.
pub(crate) struct WorkTreeChecker<'a> {
    root: &'a Path,
    real_folders: BTreeSet<PathBuf>,
}

impl<'a> WorkTreeChecker<'a> {
    pub(crate) fn new(root: &'a Path) -> WorkTreeChecker<'a> {
        WorkTreeChecker {
            root,
            real_folders: BTreeSet::new(),
        }
    }

    /// Returns the absolute path of `path` when every folder on the way is
    /// a real folder (not a symlink), or `None` when one is missing or is
    /// not a real folder.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`] when `path` is empty or absolute, or contains
    /// a `.` or `..` component or a NUL byte.
    fn locate(&mut self, path: &Path) -> Result<Option<PathBuf>, Error> {
        validate_relative_path(path)?;
        let mut current = self.root.to_path_buf();
        let components: Vec<Component<'_>> = path.components().collect();
        let Some((last, folders)) = components.split_last() else {
            return Err(invalid_path(path, "the path is empty"));
        };
        for folder in folders {
            current.push(folder.as_os_str());
            if self.real_folders.contains(&current) {
                continue;
            }
            match std::fs::symlink_metadata(&current) {
                Ok(metadata) if metadata.file_type().is_dir() => {
                    self.real_folders.insert(current.clone());
                }
                Ok(_) => return Ok(None),
                Err(error) if is_missing(&error) => return Ok(None),
                Err(source) => {
                    return Err(Error::Io {
                        context: format!("failed to inspect {}", current.display()),
                        source,
                    });
                }
            }
        }
        current.push(last.as_os_str());
        Ok(Some(current))
    }

    /// Returns the absolute path and metadata of `path` when it is a
    /// regular file in the work tree, and `None` when it is missing or
    /// something else.
    fn regular_file(&mut self, path: &Path) -> Result<Option<(PathBuf, std::fs::Metadata)>, Error> {
        let Some(absolute) = self.locate(path)? else {
            return Ok(None);
        };
        match std::fs::symlink_metadata(&absolute) {
            Ok(metadata) if metadata.file_type().is_file() => Ok(Some((absolute, metadata))),
            Ok(_) => Ok(None),
            Err(error) if is_missing(&error) => Ok(None),
            Err(source) => Err(Error::Io {
                context: format!("failed to inspect {}", absolute.display()),
                source,
            }),
        }
    }

    /// Returns the git mode of `path` when it is a regular file in the work
    /// tree, and `None` when it is missing or something else.
    pub(crate) fn regular_file_mode(&mut self, path: &Path) -> Result<Option<u32>, Error> {
        Ok(self
            .regular_file(path)?
            .map(|(_, metadata)| mode_of(&metadata)))
    }

    /// Returns whether anything (file, folder, symlink) exists at `path`.
    pub(crate) fn exists(&mut self, path: &Path) -> Result<bool, Error> {
        let Some(absolute) = self.locate(path)? else {
            return Ok(false);
        };
        match std::fs::symlink_metadata(&absolute) {
            Ok(_) => Ok(true),
            Err(error) if is_missing(&error) => Ok(false),
            Err(source) => Err(Error::Io {
                context: format!("failed to inspect {}", absolute.display()),
                source,
            }),
        }
    }

    /// Reads `path` when it is a regular file; `None` when it is missing or
    /// something else.
    pub(crate) fn read(&mut self, path: &Path) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.read_with_mode(path)?.map(|(contents, _)| contents))
    }

    /// Reads `path` and returns its contents and git mode when it is a
    /// regular file; `None` when it is missing or something else.
    pub(crate) fn read_with_mode(&mut self, path: &Path) -> Result<Option<(Vec<u8>, u32)>, Error> {
        let Some((absolute, metadata)) = self.regular_file(path)? else {
            return Ok(None);
        };
        match std::fs::read(&absolute) {
            Ok(bytes) => Ok(Some((bytes, mode_of(&metadata)))),
            Err(error) if is_missing(&error) => Ok(None),
            Err(source) => Err(Error::Io {
                context: format!("failed to read {}", absolute.display()),
                source,
            }),
        }
    }
}

fn validate_relative_path(path: &Path) -> Result<(), Error> {
    if path.as_os_str().is_empty() {
        return Err(invalid_path(path, "the path is empty"));
    }
    if path.to_string_lossy().contains('\0') {
        return Err(invalid_path(path, "the path contains a NUL byte"));
    }
    for component in path.components() {
        match component {
            Component::Normal(_) => {}
            Component::ParentDir => {
                return Err(invalid_path(path, "`..` would leave the work tree"));
            }
            Component::CurDir => {
                return Err(invalid_path(path, "paths must not contain `.` components"));
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(invalid_path(
                    path,
                    "the path is absolute; expected a path relative to the work tree root",
                ));
            }
        }
    }
    Ok(())
}

fn invalid_path(path: &Path, reason: &str) -> Error {
    Error::InvalidPath {
        path: path.to_string_lossy().into_owned(),
        reason: reason.to_owned(),
    }
}

fn is_missing(error: &std::io::Error) -> bool {
    // NotADirectory: a regular file sits where a folder of the path was
    // expected. InvalidFilename (ENAMETOOLONG): a name longer than the file
    // system allows, which no file in the work tree can have; a patch may
    // name one, and that must not fail like a broken file system.
    matches!(
        error.kind(),
        std::io::ErrorKind::NotFound
            | std::io::ErrorKind::NotADirectory
            | std::io::ErrorKind::InvalidFilename
    )
}

#[cfg(unix)]
fn mode_of(metadata: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    if metadata.permissions().mode() & 0o111 != 0 {
        MODE_EXECUTABLE
    } else {
        MODE_FILE
    }
}

#[cfg(not(unix))]
fn mode_of(_metadata: &std::fs::Metadata) -> u32 {
    MODE_FILE
}

/// Converts raw path bytes from git into a path. On Unix every byte
/// sequence is a valid path; elsewhere only UTF-8 is, and `None` is returned
/// for other bytes.
pub(crate) fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

fn split_records(stdout: &[u8]) -> impl Iterator<Item = &[u8]> {
    stdout
        .split(|byte| *byte == 0)
        .filter(|record| !record.is_empty())
}

/// Parses `<mode> SP ... TAB <path>` records of `ls-tree` and `ls-files -s`,
/// where the object id is field `object_field` (1-based) before the tab.
fn parse_listing_record(record: &[u8], object_field: usize) -> Option<(u32, String, &[u8])> {
    let tab = memchr::memchr(b'\t', record)?;
    let info = std::str::from_utf8(&record[..tab]).ok()?;
    let fields: Vec<&str> = info.split(' ').collect();
    let mode = u32::from_str_radix(fields.first()?, 8).ok()?;
    let object = (*fields.get(object_field - 1)?).to_owned();
    Some((mode, object, &record[tab + 1..]))
}

fn stage_of(record: &[u8]) -> Option<u8> {
    let tab = memchr::memchr(b'\t', record)?;
    let info = std::str::from_utf8(&record[..tab]).ok()?;
    info.split(' ').nth(2)?.parse().ok()
}

fn tree_entry(path: &[u8], mode: u32, blob_id: Option<String>) -> TreeEntry {
    let decoded = DecodedPath::from_bytes(path);
    TreeEntry {
        path: decoded.path,
        mode,
        blob_id,
        lossy_path: decoded.lossy,
    }
}

fn invalid_record(args: &[&str], record: &[u8]) -> Error {
    Error::GitOutput {
        command: crate::git::display_command(args),
        message: format!("invalid record {:?}", String::from_utf8_lossy(record)),
    }
}

/// Sorts a listing by path and logs one warning for lossy paths.
fn finish_listing(mut entries: Vec<TreeEntry>) -> Result<Vec<TreeEntry>, Error> {
    entries.sort_by(|left, right| left.path.cmp(&right.path));
    let lossy = entries.iter().filter(|entry| entry.lossy_path).count();
    if lossy > 0 {
        log::warn!(
            "{lossy} file path(s) are not valid UTF-8 and were decoded with replacement characters; \
             their contents cannot be read from the work tree"
        );
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_validated() {
        assert!(validate_relative_path(Path::new("src/lib.rs")).is_ok());
        for bad in ["", "../x", "a/../../x", "/etc/passwd", "./x", "a\0b"] {
            assert!(
                matches!(
                    validate_relative_path(Path::new(bad)),
                    Err(Error::InvalidPath { .. })
                ),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn listing_records_parse() {
        let (mode, object, path) =
            parse_listing_record(b"100644 blob abc123\tdir/a b.txt", 3).unwrap();
        assert_eq!(mode, 0o100644);
        assert_eq!(object, "abc123");
        assert_eq!(path, b"dir/a b.txt");
        assert_eq!(stage_of(b"100644 abc123 2\tx"), Some(2));
    }
}
