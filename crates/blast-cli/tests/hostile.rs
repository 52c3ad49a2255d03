//! The `blast` binary on hostile repositories and diffs. The cases are odd
//! paths, binary files, symlinks that leave the repository, submodules,
//! mode-only changes, CRLF and BOM files, missing final newlines, merge
//! commits, conflicted work trees, empty diffs, patches that do not apply,
//! and deeply nested and huge one-line files.
//!
//! Every run must end with a documented exit code (0, or 2 with a one-line
//! message), never panic, leave the repository byte-identical, and still
//! report the ordinary change made next to the hostile one: every commit
//! here also edits `app/core.py::compute`, which `app/use.py::run` calls.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const CORE_BASE: &str = "def compute(x):\n    return x + 1\n\n\ndef other():\n    return 0\n";
const CORE_EDITED: &str = "def compute(x):\n    return x + 2\n\n\ndef other():\n    return 0\n";
const USE: &str = "from app.core import compute\n\n\ndef run():\n    return compute(1)\n";

fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_output(dir, args);
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn git_output(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        // One cache for the whole test binary: runs in parallel share it.
        .env(
            "BLAST_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/blast-cache"),
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs")
}

fn blast_with_stdin(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_blast"))
        // In GitHub Actions, `blast diff` without revisions takes the event's diff.
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("blast runs");
    if let Some(bytes) = stdin {
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), bytes).unwrap();
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn write(dir: &Path, path: &str, text: &str) {
    write_bytes(dir, path.as_bytes(), text.as_bytes());
}

/// Writes a file whose path may not be valid UTF-8.
fn write_bytes(dir: &Path, path: &[u8], bytes: &[u8]) {
    let full = dir.join(OsStr::from_bytes(path));
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

/// Creates a repository with `app/core.py` and its caller `app/use.py`, not yet committed.
fn base_repo(root: &Path) -> PathBuf {
    let dir = root.join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.name", "Test"]);
    git(&dir, &["config", "user.email", "test@example.invalid"]);
    write(&dir, "app/__init__.py", "");
    write(&dir, "app/core.py", CORE_BASE);
    write(&dir, "app/use.py", USE);
    dir
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Makes the ordinary change that every hostile commit carries.
fn edit_core(dir: &Path) {
    write(dir, "app/core.py", CORE_EDITED);
}

/// One entry of the repository: its path and what it is.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    File { bytes: Vec<u8>, mode: u32 },
    Symlink { target: PathBuf },
    Folder { mode: u32 },
}

/// Returns every entry under `dir`, `.git` included, without following symlinks.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Entry)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            let mode = metadata.permissions().mode();
            let recorded = if metadata.file_type().is_symlink() {
                Entry::Symlink {
                    target: std::fs::read_link(&path).unwrap(),
                }
            } else if metadata.is_dir() {
                stack.push(path.clone());
                Entry::Folder { mode }
            } else {
                Entry::File {
                    bytes: std::fs::read(&path).unwrap(),
                    mode,
                }
            };
            out.push((path, recorded));
        }
    }
    out.sort();
    out
}

/// Runs blast, checks that it exits with `expected` without panicking and,
/// for code 2, with one line on stderr; checks that the repository is
/// unchanged. Returns the output.
fn run_checked(dir: &Path, args: &[&str], stdin: Option<&[u8]>, expected: i32) -> Output {
    let before = snapshot(dir);
    let output = blast_with_stdin(dir, args, stdin);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "blast {args:?} panicked: {stderr}"
    );
    let code = output.status.code().unwrap_or_else(|| {
        panic!(
            "blast {args:?} was killed by a signal ({}); stderr: {stderr}",
            output.status
        )
    });
    assert_eq!(code, expected, "blast {args:?} exit code; stderr: {stderr}");
    if code == 2 {
        assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr}");
        assert!(stderr.starts_with("blast: error: "), "{stderr}");
    }
    assert!(
        snapshot(dir) == before,
        "blast {args:?} changed the repository"
    );
    output
}

fn run_json(dir: &Path, args: &[&str]) -> Value {
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--format", "json"]);
    let output = run_checked(dir, &full, None, 0);
    serde_json::from_slice(&output.stdout).expect("output is JSON")
}

fn change_ids(report: &Value) -> Vec<String> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["id"].as_str().unwrap().to_owned())
        .collect()
}

fn change<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["id"] == id)
        .unwrap_or_else(|| panic!("no change {id} in {:?}", change_ids(report)))
}

fn skipped(report: &Value) -> Vec<(String, String)> {
    report["stats"]["files_skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["path"].as_str().unwrap().to_owned(),
                entry["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Checks the ordinary change: `compute` modified, reaching `run`, and
/// `other`, next to it, untouched.
fn assert_core_change(report: &Value) {
    let compute = change(report, "app/core.py::compute");
    assert_eq!(compute["change"], "modified");
    let certain: Vec<&str> = compute["certain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|dependent| dependent["id"].as_str().unwrap())
        .collect();
    assert!(certain.contains(&"app/use.py::run"), "{certain:?}");
    assert!(
        !change_ids(report).contains(&"app/core.py::other".to_owned()),
        "{:?}",
        change_ids(report)
    );
}

#[test]
fn quoted_and_non_utf8_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    write(&repo, "odd/q\"uote.py", "def quoted():\n    return 1\n");
    write(
        &repo,
        "odd/back\\slash.py",
        "def slashed():\n    return 1\n",
    );
    write(&repo, "odd/tab\there.py", "def tabbed():\n    return 1\n");
    write(&repo, "odd/new\nline.py", "def newline():\n    return 1\n");
    write(
        &repo,
        "odd/\u{fc}ml\u{e4}ut.py",
        "def umlaut():\n    return 1\n",
    );
    write_bytes(
        &repo,
        b"odd/latin1-caf\xe9.py",
        b"def latin():\n    return 1\n",
    );
    write_bytes(
        &repo,
        b"odd/latin1-caf\xe8.py",
        b"def latin_e8():\n    return 1\n",
    );
    commit_all(&repo, "base");

    for path in [
        "odd/q\"uote.py",
        "odd/back\\slash.py",
        "odd/tab\there.py",
        "odd/new\nline.py",
        "odd/\u{fc}ml\u{e4}ut.py",
    ] {
        let text = std::fs::read_to_string(repo.join(path)).unwrap();
        write(&repo, path, &text.replace("return 1", "return 2"));
    }
    write_bytes(
        &repo,
        b"odd/latin1-caf\xe9.py",
        b"def latin():\n    return 2\n",
    );
    write_bytes(
        &repo,
        b"odd/latin1-caf\xe8.py",
        b"def latin_e8():\n    return 2\n",
    );
    edit_core(&repo);

    // The work tree, then the same change as a commit.
    let work_tree = run_json(&repo, &["diff"]);
    commit_all(&repo, "edit");
    let committed = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    for report in [&work_tree, &committed] {
        assert_core_change(report);
        let ids = change_ids(report);
        for id in [
            "odd/q\"uote.py::quoted",
            "odd/back\\slash.py::slashed",
            "odd/tab\there.py::tabbed",
            "odd/new\nline.py::newline",
            "odd/\u{fc}ml\u{e4}ut.py::umlaut",
        ] {
            assert!(ids.contains(&id.to_owned()), "{id} missing from {ids:?}");
        }
        // Latin-1 names are decoded with replacement characters. The two
        // such names here decode to the same text: each may be reported
        // under it or left out, but nothing else.
        for id in ids.iter().filter(|id| id.contains("latin")) {
            assert!(
                id == "odd/latin1-caf\u{fffd}.py::latin"
                    || id == "odd/latin1-caf\u{fffd}.py::latin_e8",
                "{id:?} in {ids:?}"
            );
        }
    }
    run_checked(
        &repo,
        &["diff", "HEAD~1", "HEAD", "--format", "sarif"],
        None,
        0,
    );
    run_checked(&repo, &["graph"], None, 0);
}

#[test]
fn paths_containing_b_slash() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    write(&repo, "x b/y.py", "def first():\n    return 1\n");
    write(&repo, "a b/b c.py", "def second():\n    return 1\n");
    write(&repo, "p/ b/q.py", "def third():\n    return 1\n");
    commit_all(&repo, "base");
    write(&repo, "x b/y.py", "def first():\n    return 2\n");
    write(&repo, "a b/b c.py", "def second():\n    return 2\n");
    write(&repo, "p/ b/q.py", "def third():\n    return 2\n");
    edit_core(&repo);
    commit_all(&repo, "edit");

    let report = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_core_change(&report);
    for id in ["x b/y.py::first", "a b/b c.py::second", "p/ b/q.py::third"] {
        assert_eq!(change(&report, id)["change"], "modified", "{id}");
    }

    // The same change as a patch on standard input, with the file headers'
    // paths ambiguous on the `diff --git` line.
    let patch = git(&repo, &["diff", "HEAD~1", "HEAD"]);
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    let output = run_checked(
        &repo,
        &["diff", "--patch", "-", "--format", "json"],
        Some(patch.as_bytes()),
        0,
    );
    let patched: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_core_change(&patched);
    assert_eq!(change(&patched, "x b/y.py::first")["change"], "modified");
}

#[test]
fn binary_files_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    write_bytes(&repo, b"data.bin", b"\x00\x01\x02\xff");
    write_bytes(
        &repo,
        b"app/binary.py",
        b"def looks_like_code():\n    return b'\x00'\n\x00\x00",
    );
    commit_all(&repo, "base");
    write_bytes(&repo, b"data.bin", b"\x00\x01\x03\xfe");
    write_bytes(
        &repo,
        b"app/binary.py",
        b"def looks_like_code():\n    return 2\n\x00\x00",
    );
    write_bytes(
        &repo,
        b"app/latin1.py",
        b"# caf\xe9\ndef latin():\n    return 1\n",
    );
    edit_core(&repo);
    commit_all(&repo, "edit");

    let report = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_core_change(&report);
    let ids = change_ids(&report);
    assert!(
        !ids.iter().any(|id| id.starts_with("app/binary.py")),
        "{ids:?}"
    );
    let skipped = skipped(&report);
    assert!(
        skipped.contains(&("app/binary.py".to_owned(), "binary".to_owned())),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&("app/latin1.py".to_owned(), "not_utf8".to_owned())),
        "{skipped:?}"
    );
}

/// Symlinks to a folder and a file outside the repository, inside it,
/// dangling, and to themselves: none may be followed, so nothing of the
/// outside files may appear in any output.
#[test]
fn symlinks_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    write(
        &outside,
        "secret.py",
        "def secret_function():\n    return 1\n",
    );
    write(
        &outside,
        "pkg/leak.py",
        "def leaked_function():\n    return 1\n",
    );
    let repo = base_repo(tmp.path());
    let link = |target: &Path, name: &str| {
        let path = repo.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
    };
    link(&outside.join("secret.py"), "app/absolute.py");
    link(Path::new("../../outside/secret.py"), "app/relative.py");
    link(&outside.join("pkg"), "linked_folder");
    link(Path::new("core.py"), "app/inside.py");
    link(Path::new("missing.py"), "app/dangling.py");
    link(Path::new("self_loop.py"), "app/self_loop.py");
    commit_all(&repo, "base");

    // Retarget two links in the commit, next to the ordinary change.
    std::fs::remove_file(repo.join("app/inside.py")).unwrap();
    link(&outside.join("pkg/leak.py"), "app/inside.py");
    std::fs::remove_file(repo.join("app/dangling.py")).unwrap();
    link(&outside.join("secret.py"), "app/dangling.py");
    edit_core(&repo);
    commit_all(&repo, "edit");
    // Untracked links for the work-tree mode.
    link(&outside.join("secret.py"), "app/untracked_link.py");
    link(&outside.join("pkg"), "untracked_folder");

    for (args, has_core_change) in [
        (vec!["diff", "HEAD~1", "HEAD"], true),
        (vec!["diff", "HEAD~1"], true),
        (vec!["diff"], false),
    ] {
        let mut full = args.clone();
        full.extend(["--format", "json"]);
        let output = run_checked(&repo, &full, None, 0);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains("secret_function"), "{args:?}: {text}");
        assert!(!text.contains("leaked_function"), "{args:?}: {text}");
        if has_core_change {
            assert_core_change(&serde_json::from_str(&text).unwrap());
        }
    }
    for args in [vec!["graph"], vec!["graph", "--rev", "HEAD~1"]] {
        let output = run_checked(&repo, &args, None, 0);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains("secret"), "{args:?}: {text}");
        assert!(!text.contains("leak"), "{args:?}: {text}");
    }

    // A patch that edits the outside file through a link must not apply.
    let patch = "--- a/app/absolute.py\n+++ b/app/absolute.py\n@@ -1,2 +1,2 @@\n def secret_function():\n-    return 1\n+    return 2\n";
    let output = run_checked(&repo, &["diff", "--patch", "-"], Some(patch.as_bytes()), 2);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("app/absolute.py"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let patch = "--- a/linked_folder/leak.py\n+++ b/linked_folder/leak.py\n@@ -1,2 +1,2 @@\n def leaked_function():\n-    return 1\n+    return 2\n";
    run_checked(&repo, &["diff", "--patch", "-"], Some(patch.as_bytes()), 2);
    let outside_now = std::fs::read_to_string(outside.join("secret.py")).unwrap();
    assert_eq!(outside_now, "def secret_function():\n    return 1\n");
}

#[test]
fn submodule_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let library = tmp.path().join("library");
    std::fs::create_dir_all(&library).unwrap();
    git(&library, &["init", "-q", "-b", "main"]);
    git(&library, &["config", "user.name", "Test"]);
    git(&library, &["config", "user.email", "test@example.invalid"]);
    write(
        &library,
        "lib.py",
        "def library_function():\n    return 1\n",
    );
    commit_all(&library, "one");
    write(
        &library,
        "lib.py",
        "def library_function():\n    return 2\n",
    );
    commit_all(&library, "two");

    let repo = base_repo(tmp.path());
    commit_all(&repo, "base");
    git(
        &repo,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            library.to_str().unwrap(),
            "vendor/library",
        ],
    );
    git(&repo.join("vendor/library"), &["checkout", "-q", "HEAD~1"]);
    commit_all(&repo, "add the submodule");

    // Move the submodule to its next commit, next to the ordinary change.
    git(&repo.join("vendor/library"), &["checkout", "-q", "main"]);
    edit_core(&repo);
    let work_tree = run_json(&repo, &["diff"]);
    assert_core_change(&work_tree);
    commit_all(&repo, "move the submodule");
    for args in [
        vec!["diff", "HEAD~1", "HEAD"],
        vec!["diff", "HEAD~2", "HEAD"],
    ] {
        let report = run_json(&repo, &args);
        assert_core_change(&report);
        let ids = change_ids(&report);
        assert!(
            !ids.iter().any(|id| id.starts_with("vendor/")),
            "{args:?}: the submodule's files are not part of the repository: {ids:?}"
        );
    }
    run_checked(&repo, &["graph"], None, 0);
}

#[test]
fn mode_only_change_changes_no_symbol() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    commit_all(&repo, "base");
    let path = repo.join("app/use.py");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    edit_core(&repo);
    commit_all(&repo, "edit");

    for args in [vec!["diff", "HEAD~1", "HEAD"], vec!["diff", "HEAD~1"]] {
        let report = run_json(&repo, &args);
        assert_core_change(&report);
        let ids = change_ids(&report);
        assert_eq!(ids, vec!["app/core.py::compute"], "{args:?}");
    }
}

#[test]
fn crlf_bom_and_missing_final_newline() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    write(
        &repo,
        "app/crlf.py",
        "def first():\r\n    return 1\r\n\r\n\r\ndef second():\r\n    return 1\r\n",
    );
    write(
        &repo,
        "app/bom.py",
        "\u{feff}def first():\n    return 1\n\n\ndef second():\n    return 1\n",
    );
    write(
        &repo,
        "app/tail.py",
        "def first():\n    return 1\n\n\ndef second():\n    return 1",
    );
    write(
        &repo,
        "app/crlf_bom_tail.py",
        "\u{feff}def first():\r\n    return 1\r\n\r\n\r\ndef second():\r\n    return 1",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "app/crlf.py",
        "def first():\r\n    return 1\r\n\r\n\r\ndef second():\r\n    return 2\r\n",
    );
    write(
        &repo,
        "app/bom.py",
        "\u{feff}def first():\n    return 1\n\n\ndef second():\n    return 2\n",
    );
    write(
        &repo,
        "app/tail.py",
        "def first():\n    return 1\n\n\ndef second():\n    return 2",
    );
    write(
        &repo,
        "app/crlf_bom_tail.py",
        "\u{feff}def first():\r\n    return 1\r\n\r\n\r\ndef second():\r\n    return 2",
    );
    edit_core(&repo);

    let work_tree = run_json(&repo, &["diff"]);
    commit_all(&repo, "edit");
    let committed = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    for report in [&work_tree, &committed] {
        assert_core_change(report);
        for file in [
            "app/crlf.py",
            "app/bom.py",
            "app/tail.py",
            "app/crlf_bom_tail.py",
        ] {
            let second = change(report, &format!("{file}::second"));
            assert_eq!(second["change"], "modified", "{file}");
            assert_eq!(second["start_line"], 5, "{file}");
            assert_eq!(second["end_line"], 6, "{file}");
            let ids = change_ids(report);
            assert!(!ids.contains(&format!("{file}::first")), "{file}: {ids:?}");
        }
    }

    // Only the final newline changes: the last line is modified.
    write(
        &repo,
        "app/tail.py",
        "def first():\n    return 1\n\n\ndef second():\n    return 2\n",
    );
    let report = run_json(&repo, &["diff"]);
    assert_eq!(change_ids(&report), vec!["app/tail.py::second"]);
}

#[test]
fn merge_commit_against_first_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    write(&repo, "app/side.py", "def side():\n    return 1\n");
    commit_all(&repo, "base");
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    edit_core(&repo);
    commit_all(&repo, "feature edit");
    git(&repo, &["checkout", "-q", "main"]);
    write(&repo, "app/side.py", "def side():\n    return 2\n");
    commit_all(&repo, "main edit");
    git(&repo, &["merge", "-q", "--no-edit", "feature"]);

    let report = run_json(&repo, &["diff", "HEAD^!"]);
    assert_core_change(&report);
    assert_eq!(change_ids(&report), vec!["app/core.py::compute"]);
    let report = run_json(&repo, &["diff", "HEAD^2^!"]);
    assert_eq!(change_ids(&report), vec!["app/core.py::compute"]);
    let report = run_json(&repo, &["diff", "HEAD^2", "HEAD"]);
    assert_eq!(change_ids(&report), vec!["app/side.py::side"]);

    // A combined diff of the merge as a patch is rejected with a hint.
    let combined = git(&repo, &["show", "--cc", "--format=", "HEAD"]);
    let patch = if combined.contains("diff --cc") {
        combined
    } else {
        "diff --cc app/core.py\nindex 1,1..2\n--- a/app/core.py\n+++ b/app/core.py\n@@@ -1,2 -1,2 +1,2 @@@\n".to_owned()
    };
    let output = run_checked(&repo, &["diff", "--patch", "-"], Some(patch.as_bytes()), 2);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("combined diff"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn conflicted_work_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    write(&repo, "app/conflict.py", "def clash():\n    return 0\n");
    commit_all(&repo, "base");
    git(&repo, &["checkout", "-q", "-b", "feature"]);
    write(&repo, "app/conflict.py", "def clash():\n    return 1\n");
    edit_core(&repo);
    commit_all(&repo, "feature edit");
    git(&repo, &["checkout", "-q", "main"]);
    write(&repo, "app/conflict.py", "def clash():\n    return 2\n");
    commit_all(&repo, "main edit");
    let merge = git_output(&repo, &["merge", "-q", "feature"]);
    assert!(!merge.status.success(), "the merge must conflict");
    let unmerged = git(&repo, &["ls-files", "-u"]);
    assert!(unmerged.contains("app/conflict.py"), "{unmerged}");

    // HEAD against the work tree: the conflict markers are a syntax error
    // that makes the conflicted file's change a change of its module code,
    // and the cleanly merged change is reported as usual.
    let report = run_json(&repo, &["diff"]);
    assert_core_change(&report);
    let ids = change_ids(&report);
    assert!(
        ids.iter().any(|id| id.starts_with("app/conflict.py")),
        "{ids:?}"
    );

    // The index has no single version of the conflicted file.
    let output = run_checked(&repo, &["diff", "--staged", "--format", "json"], None, 0);
    let staged: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_core_change(&staged);

    run_checked(&repo, &["diff", "HEAD~1"], None, 0);
    run_checked(&repo, &["graph"], None, 0);
}

#[test]
fn empty_diffs() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    commit_all(&repo, "base");
    for args in [
        vec!["diff"],
        vec!["diff", "--staged"],
        vec!["diff", "HEAD"],
        vec!["diff", "HEAD", "HEAD"],
        vec!["diff", "HEAD...HEAD"],
    ] {
        let report = run_json(&repo, &args);
        assert!(change_ids(&report).is_empty(), "{args:?}");
        assert!(report["files"].as_array().unwrap().is_empty(), "{args:?}");
    }
    run_checked(&repo, &["diff", "--fail-on", "low"], None, 0);

    // An empty commit.
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "empty"]);
    let report = run_json(&repo, &["diff", "HEAD^!"]);
    assert!(change_ids(&report).is_empty());

    // An empty patch, as `git diff | blast diff --patch -` gives when
    // nothing changed, is an empty diff.
    for patch in ["", "\n"] {
        let output = run_checked(
            &repo,
            &[
                "diff",
                "--patch",
                "-",
                "--format",
                "json",
                "--fail-on",
                "low",
            ],
            Some(patch.as_bytes()),
            0,
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(change_ids(&report).is_empty(), "{patch:?}");
    }

    // Text without file headers is more likely a wrong file: an error.
    let output = run_checked(
        &repo,
        &["diff", "--patch", "-"],
        Some(b"just some text\nwithout headers\n"),
        2,
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no file changes"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn patches_that_do_not_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    commit_all(&repo, "base");

    let long_name = "n".repeat(300);
    let cases: Vec<(String, &str)> = vec![
        // Context that does not match the work tree.
        (
            "--- a/app/core.py\n+++ b/app/core.py\n@@ -1,2 +1,2 @@\n def compute(x):\n-    return x + 100\n+    return x + 2\n".to_owned(),
            "does not apply",
        ),
        // A file that does not exist.
        (
            "--- a/app/missing.py\n+++ b/app/missing.py\n@@ -1 +1 @@\n-a\n+b\n".to_owned(),
            "not in the work tree",
        ),
        // A file to add that exists.
        (
            "--- /dev/null\n+++ b/app/core.py\n@@ -0,0 +1 @@\n+x = 1\n".to_owned(),
            "already exists",
        ),
        // Paths that leave the work tree.
        (
            "--- a/../outside.py\n+++ b/../outside.py\n@@ -1 +1 @@\n-a\n+b\n".to_owned(),
            "invalid path",
        ),
        (
            "--- a//etc/passwd\n+++ b//etc/passwd\n@@ -1 +1 @@\n-a\n+b\n".to_owned(),
            "invalid path",
        ),
        (
            "diff --git a/.git/config b/.git/config\n--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-a\n+b\n".to_owned(),
            "",
        ),
        // Hunk counts that do not match the body.
        (
            "--- a/app/core.py\n+++ b/app/core.py\n@@ -1,5 +1,5 @@\n def compute(x):\n".to_owned(),
            "invalid patch",
        ),
        // A hunk header with numbers past 32 bits.
        (
            "--- a/app/core.py\n+++ b/app/core.py\n@@ -99999999999,1 +1 @@\n-a\n+b\n".to_owned(),
            "invalid hunk header",
        ),
        // A name longer than any file system allows.
        (
            format!("--- a/{long_name}.py\n+++ b/{long_name}.py\n@@ -1 +1 @@\n-a\n+b\n"),
            "not in the work tree",
        ),
        // Binary garbage.
        ("\u{0}\u{1}\u{2}--- \n+++ \n@@ -".to_owned(), "invalid patch"),
    ];
    for (patch, expected) in cases {
        let output = run_checked(&repo, &["diff", "--patch", "-"], Some(patch.as_bytes()), 2);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "patch {patch:?}: {stderr}");
    }
}

#[test]
fn deeply_nested_python_expression() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    let depth = 20_000;
    let nested = |value: &str| {
        format!(
            "def deep():\n    return {}{value}{}\n\n\ndef after():\n    return 1\n",
            "(".repeat(depth),
            ")".repeat(depth)
        )
    };
    write(&repo, "app/deep.py", &nested("1"));
    let lists = format!("DATA = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    write(&repo, "app/lists.py", &lists);
    let chain = format!("def chained(x):\n    return x{}\n", ".attr".repeat(depth));
    write(&repo, "app/chain.py", &chain);
    let unclosed = format!("def unclosed():\n    return {}\n", "(".repeat(depth));
    write(&repo, "app/unclosed.py", &unclosed);
    commit_all(&repo, "base");
    write(&repo, "app/deep.py", &nested("2"));
    write(&repo, "app/lists.py", &lists.replace("1", "2"));
    write(&repo, "app/chain.py", &chain.replace("(x)", "(y)"));
    write(
        &repo,
        "app/unclosed.py",
        &unclosed.replace("return", "yield"),
    );
    edit_core(&repo);
    commit_all(&repo, "edit");

    let started = std::time::Instant::now();
    let report = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_core_change(&report);
    let ids = change_ids(&report);
    let skipped = skipped(&report);
    // Each file is either analysed or listed as skipped, never lost.
    for (file, symbol) in [
        ("app/deep.py", "app/deep.py::deep"),
        ("app/lists.py", "app/lists.py::DATA"),
        ("app/chain.py", "app/chain.py::chained"),
    ] {
        assert!(
            ids.contains(&symbol.to_owned()) || skipped.iter().any(|(path, _)| path == file),
            "{symbol} is neither changed nor skipped: {ids:?} {skipped:?}"
        );
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    run_checked(&repo, &["graph"], None, 0);
}

#[test]
fn huge_minified_one_line_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    // 3 MB of Python statements on one line.
    let mut line = String::with_capacity(3_100_000);
    let mut index = 0;
    while line.len() < 3_000_000 {
        line.push_str(&format!("v{index}=len({index});"));
        index += 1;
    }
    line.push_str("import os\n");
    write(&repo, "app/minified.py", &line);
    commit_all(&repo, "base");
    write(&repo, "app/minified.py", &line.replacen("v0=", "w0=", 1));
    edit_core(&repo);
    commit_all(&repo, "edit");

    // Above the default limit of 2 MiB: skipped and listed.
    let report = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_core_change(&report);
    assert!(
        skipped(&report).contains(&("app/minified.py".to_owned(), "too_large".to_owned())),
        "{:?}",
        skipped(&report)
    );
    assert_eq!(report["complete"], false);

    // With the limit raised, the file is parsed and the run still ends.
    // Extracting 3 MB takes several seconds in a debug build on a loaded
    // machine, near the default parse timeout, so that limit is raised too.
    let started = std::time::Instant::now();
    let report = run_json(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "HEAD",
            "--max-file-size",
            "4000000",
            "--parse-timeout",
            "100",
        ],
    );
    assert_core_change(&report);
    // Every symbol of the file is on line 1, so the changed line maps to
    // one of them; which one is not specified.
    let ids = change_ids(&report);
    assert!(
        ids.iter().any(|id| id.starts_with("app/minified.py")),
        "{ids:?}"
    );
    assert!(skipped(&report).is_empty(), "{:?}", skipped(&report));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
}

/// Files nested tens of thousands of levels deep in every language. Each
/// must be analysed or listed as skipped (a query that runs past the
/// per-file time limit skips the file as `timed_out`), without a stack
/// overflow and well within the time limit of the whole run.
#[test]
fn deeply_nested_files_in_every_language() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = base_repo(tmp.path());
    let depth = 50_000;
    let open = "(".repeat(depth);
    let close = ")".repeat(depth);
    let casts = "(Object)".repeat(depth);
    let files = |value: &str| {
        vec![
            (
                "app/nested.py",
                format!("def nested():\n    return {open}{value}{close}\n"),
                "app/nested.py::nested",
            ),
            (
                "src/lib.rs",
                format!("pub fn nested() -> i32 {{ {open}{value}{close} }}\n"),
                "src/lib.rs::nested",
            ),
            (
                "src/main/java/p/Casts.java",
                format!(
                    "package p;\nclass Casts {{\n  Object casts() {{ return {casts}{value}; }}\n}}\n"
                ),
                "src/main/java/p/Casts.java::Casts.casts()",
            ),
            (
                "src/main/java/p/Parens.java",
                format!(
                    "package p;\nclass Parens {{\n  int parens() {{ return {open}{value}{close}; }}\n}}\n"
                ),
                "src/main/java/p/Parens.java::Parens.parens()",
            ),
        ]
    };
    for (path, text, _) in files("1") {
        write(&repo, path, &text);
    }
    commit_all(&repo, "base");
    for (path, text, _) in files("2") {
        write(&repo, path, &text);
    }
    edit_core(&repo);
    commit_all(&repo, "edit");

    let started = std::time::Instant::now();
    let report = run_json(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_core_change(&report);
    let ids = change_ids(&report);
    let skipped = skipped(&report);
    for (path, _, symbol) in files("2") {
        assert!(
            ids.contains(&symbol.to_owned()) || skipped.iter().any(|(file, _)| file == path),
            "{symbol} is neither changed nor skipped: {ids:?} {skipped:?}"
        );
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}
