//! Patches given as a file or as bytes, applied in memory to the work tree.

mod common;

use blast_diff::{DiffSpec, Error, ExitKind, FileStatus, PatchSource, Side};
use common::{TestRepo, added_lines, change, lines, paths};

/// A repository whose work tree matches the base of the patch it returns.
fn repo_with_patch() -> (TestRepo, Vec<u8>) {
    let repo = TestRepo::new();
    repo.write("keep.py", "k = 1\n");
    repo.write(
        "edit.py",
        "def f():\n    return 1\n\n\ndef g():\n    return 2\n",
    );
    repo.write("gone.py", "g = 1\n");
    repo.write("old_name.py", "one\ntwo\nthree\nfour\nfive\nsix\nseven\n");
    repo.write("no_eol.py", "x = 1");
    repo.commit_all("base");

    repo.write(
        "edit.py",
        "def f():\n    return 10\n\n\ndef g():\n    return 2\n\n\ndef h():\n    return 3\n",
    );
    std::fs::remove_file(repo.path.join("gone.py")).unwrap();
    repo.write("added.py", "a = 1\nb = 2\n");
    repo.git(&["mv", "old_name.py", "new_name.py"]);
    repo.write("new_name.py", "one\ntwo\nthree\nfour\nfive\nsix\nSEVEN\n");
    repo.write("no_eol.py", "x = 2\n");
    repo.git(&["add", "-A"]);
    let patch = repo.git(&["diff", "--cached", "-M", "HEAD"]).into_bytes();

    // Back to the base state: the patch now describes the change to apply.
    repo.git(&["reset", "-q", "--hard", "HEAD"]);
    (repo, patch)
}

#[test]
fn patch_file_applies_in_memory() {
    let (repo, patch) = repo_with_patch();
    let patch_file = repo.path.parent().unwrap().join("change.diff");
    std::fs::write(&patch_file, &patch).unwrap();

    let opened = repo.open();
    let cmp = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::File(patch_file.clone()),
        })
        .unwrap();
    assert_eq!(cmp.base, Side::WorkTree);
    assert_eq!(cmp.head, Side::Patched);
    assert!(cmp.head_label.contains("change.diff"), "{}", cmp.head_label);

    let changes = opened.changes(&cmp).unwrap();
    assert_eq!(
        paths(&changes),
        vec!["added.py", "edit.py", "gone.py", "new_name.py", "no_eol.py"]
    );
    assert_eq!(change(&changes, "new_name.py").status, FileStatus::Renamed);
    assert_eq!(change(&changes, "gone.py").status, FileStatus::Deleted);
    assert_eq!(
        added_lines(change(&changes, "edit.py")),
        vec![lines(2, 2), lines(7, 10)]
    );

    let requested: Vec<String> = [
        "edit.py",
        "added.py",
        "gone.py",
        "old_name.py",
        "new_name.py",
        "keep.py",
        "no_eol.py",
    ]
    .iter()
    .map(|path| (*path).to_owned())
    .collect();
    let patched = opened.read_files(&Side::Patched, &requested).unwrap();
    assert_eq!(
        patched[0].as_deref(),
        Some(
            &b"def f():\n    return 10\n\n\ndef g():\n    return 2\n\n\ndef h():\n    return 3\n"[..]
        )
    );
    assert_eq!(patched[1].as_deref(), Some(&b"a = 1\nb = 2\n"[..]));
    assert_eq!(patched[2], None);
    assert_eq!(patched[3], None);
    assert_eq!(
        patched[4].as_deref(),
        Some(&b"one\ntwo\nthree\nfour\nfive\nsix\nSEVEN\n"[..])
    );
    assert_eq!(patched[5].as_deref(), Some(&b"k = 1\n"[..]));
    assert_eq!(patched[6].as_deref(), Some(&b"x = 2\n"[..]));

    // The base side is the untouched work tree.
    let base = opened.read_files(&Side::WorkTree, &requested).unwrap();
    assert_eq!(base[2].as_deref(), Some(&b"g = 1\n"[..]));
    assert_eq!(base[1], None);

    let listed: Vec<String> = opened
        .list_files(&Side::Patched)
        .unwrap()
        .into_iter()
        .map(|entry| entry.path)
        .collect();
    assert_eq!(
        listed,
        vec!["added.py", "edit.py", "keep.py", "new_name.py", "no_eol.py"]
    );
    assert!(opened.commits(&cmp).unwrap().is_empty());
}

#[test]
fn patch_bytes_apply_like_a_file() {
    let (repo, patch) = repo_with_patch();
    let opened = repo.open();
    let cmp = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(patch),
        })
        .unwrap();
    assert_eq!(cmp.patch.as_ref().map(|patch| patch.files().len()), Some(5));
    let patched = opened
        .read_files(&Side::Patched, &["added.py".to_owned()])
        .unwrap();
    assert_eq!(patched[0].as_deref(), Some(&b"a = 1\nb = 2\n"[..]));
}

#[test]
fn patch_that_does_not_apply_is_an_error() {
    let (repo, patch) = repo_with_patch();
    // The work tree moved on: the hunk for edit.py no longer matches.
    repo.write(
        "edit.py",
        "def f():\n    return 99\n\n\ndef g():\n    return 2\n",
    );
    let opened = repo.open();
    let error = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(patch.clone()),
        })
        .unwrap_err();
    let Error::PatchDoesNotApply { path, line, .. } = &error else {
        panic!("expected PatchDoesNotApply, got {error:?}");
    };
    assert_eq!(path, "edit.py");
    let header_line = String::from_utf8_lossy(&patch)
        .lines()
        .position(|text| text.starts_with("@@ -1,6 +1,10 @@"))
        .unwrap()
        + 1;
    assert_eq!(*line, header_line);
    let message = error.to_string();
    assert!(
        message.contains("does not apply to the work tree"),
        "{message}"
    );
    assert!(message.contains("check out the revision"), "{message}");
    assert_eq!(error.exit_kind(), ExitKind::Usage);

    // An added file that already exists.
    let (repo, patch) = repo_with_patch();
    repo.write("added.py", "already here\n");
    let error = repo
        .open()
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(patch),
        })
        .unwrap_err();
    assert!(
        matches!(&error, Error::PatchDoesNotApply { path, .. } if path == "added.py"),
        "{error:?}"
    );

    // A deleted file that is missing.
    let (repo, patch) = repo_with_patch();
    std::fs::remove_file(repo.path.join("gone.py")).unwrap();
    let error = repo
        .open()
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(patch),
        })
        .unwrap_err();
    assert!(
        matches!(&error, Error::PatchDoesNotApply { path, .. } if path == "gone.py"),
        "{error:?}"
    );
}

#[test]
fn invalid_and_empty_patches() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n");
    repo.commit_all("base");
    let opened = repo.open();

    let error = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(
                b"--- a/a.py\n+++ b/a.py\n@@ -1 +1,2 @@\n-a = 1\n+a = 2\n".to_vec(),
            ),
        })
        .unwrap_err();
    let Error::Patch(patch_error) = &error else {
        panic!("expected Patch, got {error:?}");
    };
    assert_eq!(patch_error.line, 6, "the line after the end of the patch");

    let error = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(b"not a patch\n".to_vec()),
        })
        .unwrap_err();
    assert!(
        matches!(&error, Error::Patch(patch_error) if patch_error.line == 0),
        "{error:?}"
    );

    let error = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::File(repo.path.join("missing.diff")),
        })
        .unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
}

#[test]
fn binary_patch_is_reported_on_read() {
    let repo = TestRepo::new();
    repo.write_bytes("image.bin", b"\x00\x01\x02");
    repo.write("a.py", "a = 1\n");
    repo.commit_all("base");
    repo.write_bytes("image.bin", b"\x00\x01\x03");
    repo.write("a.py", "a = 2\n");
    let patch = repo.git(&["diff", "--binary"]).into_bytes();
    repo.git(&["checkout", "-q", "--", "."]);

    let opened = repo.open();
    opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(patch),
        })
        .unwrap();
    let text = opened
        .read_files(&Side::Patched, &["a.py".to_owned()])
        .unwrap();
    assert_eq!(text[0].as_deref(), Some(&b"a = 2\n"[..]));
    let error = opened
        .read_files(&Side::Patched, &["image.bin".to_owned()])
        .unwrap_err();
    assert!(
        matches!(&error, Error::BinaryPatch { path, .. } if path == "image.bin"),
        "{error:?}"
    );
}

#[test]
fn overlong_path_does_not_apply() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n");
    repo.commit_all("base");
    let opened = repo.open();
    // No file system holds a 300-byte name, so no such file can be in the
    // work tree: a usage error (exit code 2), not a file system failure.
    let long_name = "n".repeat(300);
    let modify =
        format!("--- a/{long_name}.py\n+++ b/{long_name}.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n");
    let error = opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(modify.into_bytes()),
        })
        .unwrap_err();
    assert!(
        matches!(&error, Error::PatchDoesNotApply { path, .. } if path.starts_with("nnn")),
        "{error:?}"
    );
    assert_eq!(error.exit_kind(), ExitKind::Usage);

    let nested = format!("{long_name}/a.py");
    let add = format!("--- /dev/null\n+++ b/{nested}\n@@ -0,0 +1 @@\n+b = 1\n");
    opened
        .resolve(&DiffSpec::Patch {
            source: PatchSource::Bytes(add.into_bytes()),
        })
        .unwrap();
    let text = opened.read_files(&Side::Patched, &[nested]).unwrap();
    assert_eq!(text[0].as_deref(), Some(&b"b = 1\n"[..]));
}
