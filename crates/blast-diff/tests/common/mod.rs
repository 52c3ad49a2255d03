//! Helpers shared by the integration tests: throw-away git repositories
//! built with the `git` command, isolated from the machine's git
//! configuration.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use blast_diff::{ChangeSet, FileChange, LineRange};

/// Environment for the git commands that build test repositories, so that
/// the machine's global and system configuration play no part.
const GIT_ENV: &[(&str, &str)] = &[
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Test Author"),
    ("GIT_AUTHOR_EMAIL", "author@example.invalid"),
    ("GIT_COMMITTER_NAME", "Test Committer"),
    ("GIT_COMMITTER_EMAIL", "committer@example.invalid"),
    ("LC_ALL", "C"),
];

/// Runs git in `dir` and returns its standard output; panics on failure.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir, args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir).args(args);
    for (key, value) in GIT_ENV {
        command.env(key, value);
    }
    command
}

/// A git repository in a temporary folder, removed when dropped.
pub(crate) struct TestRepo {
    _temp: tempfile::TempDir,
    pub(crate) path: PathBuf,
}

impl TestRepo {
    /// Creates an empty repository on branch `main`.
    pub(crate) fn new() -> TestRepo {
        let temp = tempfile::tempdir().expect("temporary folder");
        let path = temp.path().join("repo");
        std::fs::create_dir(&path).unwrap();
        git(&path, &["init", "-q", "-b", "main"]);
        git(&path, &["config", "user.name", "Test Author"]);
        git(&path, &["config", "user.email", "author@example.invalid"]);
        git(&path, &["config", "core.autocrlf", "false"]);
        TestRepo { _temp: temp, path }
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        git(&self.path, args)
    }

    pub(crate) fn write(&self, path: &str, contents: &str) {
        self.write_bytes(path, contents.as_bytes());
    }

    pub(crate) fn write_bytes(&self, path: &str, contents: &[u8]) {
        let absolute = self.path.join(path);
        if let Some(parent) = absolute.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(absolute, contents).unwrap();
    }

    /// Stages everything and commits; returns the new commit id.
    pub(crate) fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.rev("HEAD")
    }

    pub(crate) fn rev(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev]).trim().to_owned()
    }

    pub(crate) fn open(&self) -> blast_diff::Repo {
        blast_diff::Repo::discover(&self.path).expect("repository opens")
    }
}

/// Runs a fixture's setup script into a new temporary folder and returns
/// the folder guard and the destination path.
pub(crate) fn run_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join("setup.sh");
    let temp = tempfile::tempdir().unwrap();
    let dest = temp.path().join("case");
    let mut command = Command::new("bash");
    command.arg(&script).arg(&dest);
    for (key, value) in GIT_ENV {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    (temp, dest)
}

/// Paths of a change set, in order.
pub(crate) fn paths(changes: &ChangeSet) -> Vec<&str> {
    changes.files.iter().map(FileChange::path).collect()
}

/// Finds the change of `path`; panics with the whole set when it is absent.
pub(crate) fn change<'a>(changes: &'a ChangeSet, path: &str) -> &'a FileChange {
    changes
        .files
        .iter()
        .find(|file| file.path() == path)
        .unwrap_or_else(|| panic!("no change for {path} in {changes:#?}"))
}

/// Returns all added line ranges of a file change, across hunks.
pub(crate) fn added_lines(file: &FileChange) -> Vec<LineRange> {
    file.hunks
        .iter()
        .flat_map(|hunk| hunk.added.clone())
        .collect()
}

/// Returns all removed line ranges of a file change, across hunks.
pub(crate) fn removed_lines(file: &FileChange) -> Vec<LineRange> {
    file.hunks
        .iter()
        .flat_map(|hunk| hunk.removed.clone())
        .collect()
}

pub(crate) fn lines(start: u32, end: u32) -> LineRange {
    LineRange { start, end }
}

/// Contents of every file under `dir`, keyed by relative path.
pub(crate) fn snapshot_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let file_type = entry.file_type().unwrap();
            if file_type.is_dir() {
                pending.push(entry.path());
            } else if file_type.is_file() {
                let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}
