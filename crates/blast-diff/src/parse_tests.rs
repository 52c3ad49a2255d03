//! Unit tests of the unified diff parser: hand-written patches for each
//! edge case, and real `git diff` output of the fixture repositories.

use super::*;
use crate::FileStatus;
use std::path::{Path, PathBuf};
use std::process::Command;

fn parse(patch: &str) -> Vec<FileChange> {
    parse_unified_diff(patch.as_bytes()).unwrap()
}

fn range(start: u32, end: u32) -> LineRange {
    LineRange { start, end }
}

fn file<'a>(files: &'a [FileChange], path: &str) -> &'a FileChange {
    files
        .iter()
        .find(|change| change.path() == path)
        .unwrap_or_else(|| panic!("no file {path} in {files:#?}"))
}

#[test]
fn hunk_counts_drive_line_numbers() {
    let files = parse(
        "diff --git a/f.py b/f.py\n\
         index 1111111..2222222 100644\n\
         --- a/f.py\n\
         +++ b/f.py\n\
         @@ -10,5 +10,6 @@ def f():\n \
         a\n\
         -b\n\
         -c\n\
         +B\n \
         d\n\
         +e\n\
         +f\n \
         g\n",
    );
    assert_eq!(files.len(), 1);
    let hunk = &files[0].hunks[0];
    assert_eq!(
        (
            hunk.old_start,
            hunk.old_lines,
            hunk.new_start,
            hunk.new_lines
        ),
        (10, 5, 10, 6)
    );
    assert_eq!(hunk.removed, vec![range(11, 12)]);
    assert_eq!(hunk.added, vec![range(11, 11), range(13, 14)]);
    assert_eq!(files[0].status, FileStatus::Modified);
    assert_eq!(files[0].old_mode, Some(0o100644));
    assert_eq!(files[0].new_mode, Some(0o100644));
}

#[test]
fn zero_count_hunks_are_gaps() {
    let files = parse(
        "--- a/f\n+++ b/f\n\
         @@ -2,0 +3 @@\n+ins\n\
         @@ -8,2 +8,0 @@\n-x\n-y\n",
    );
    let hunks = &files[0].hunks;
    assert_eq!((hunks[0].old_start, hunks[0].old_lines), (2, 0));
    assert!(hunks[0].removed.is_empty());
    assert_eq!(hunks[0].added, vec![range(3, 3)]);
    assert_eq!((hunks[1].new_start, hunks[1].new_lines), (8, 0));
    assert_eq!(hunks[1].removed, vec![range(8, 9)]);
    assert!(hunks[1].added.is_empty());
}

#[test]
fn omitted_count_means_one() {
    let files = parse("--- a/f\n+++ b/f\n@@ -14 +12,0 @@\n-gone\n@@ -20 +18 @@\n-old\n+new\n");
    let hunks = &files[0].hunks;
    assert_eq!(
        (hunks[0].old_start, hunks[0].old_lines, hunks[0].new_lines),
        (14, 1, 0)
    );
    assert_eq!(hunks[0].removed, vec![range(14, 14)]);
    assert_eq!((hunks[1].old_lines, hunks[1].new_lines), (1, 1));
    assert_eq!(hunks[1].added, vec![range(18, 18)]);
}

#[test]
fn no_newline_marker_is_not_a_line() {
    let files = parse(
        "--- a/f\n+++ b/f\n\
         @@ -5,2 +5,2 @@\n \
         keep\n\
         -old\n\
         \\ No newline at end of file\n\
         +new\n\
         \\ No newline at end of file\n\
         --- a/g\n+++ b/g\n@@ -1 +1 @@\n-x\n+y\n",
    );
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].hunks[0].removed, vec![range(6, 6)]);
    assert_eq!(files[0].hunks[0].added, vec![range(6, 6)]);
    assert_eq!(files[1].path(), "g");
}

#[test]
fn header_like_content_lines_stay_in_hunk() {
    let files = parse(
        "diff --git a/doc.py b/doc.py\n\
         --- a/doc.py\n\
         +++ b/doc.py\n\
         @@ -4,2 +4,2 @@\n\
         --- a/legacy\n\
         --- legacy header\n\
         +++ b/new\n\
         +++ new header\n\
         diff --git a/next.py b/next.py\n\
         --- a/next.py\n\
         +++ b/next.py\n\
         @@ -1 +1 @@\n\
         -1\n\
         +2\n",
    );
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].path(), "doc.py");
    assert_eq!(files[0].hunks[0].removed, vec![range(4, 5)]);
    assert_eq!(files[0].hunks[0].added, vec![range(4, 5)]);
    assert_eq!(files[1].path(), "next.py");
}

#[test]
fn quoted_paths_are_decoded() {
    let files = parse(
        "diff --git \"a/t\\303\\244st.py\" \"b/t\\303\\244st.py\"\n\
         index 1111111..2222222 100644\n\
         --- \"a/t\\303\\244st.py\"\n\
         +++ \"b/t\\303\\244st.py\"\n\
         @@ -1 +1 @@\n-a\n+b\n\
         diff --git \"a/tab\\there\" \"b/quote\\\"nl\\n\\\\\"\n\
         similarity index 100%\n\
         rename from \"tab\\there\"\n\
         rename to \"quote\\\"nl\\n\\\\\"\n",
    );
    assert_eq!(files[0].new_path.as_deref(), Some("täst.py"));
    assert_eq!(files[0].old_path.as_deref(), Some("täst.py"));
    assert!(!files[0].lossy_path);
    assert_eq!(files[1].old_path.as_deref(), Some("tab\there"));
    assert_eq!(files[1].new_path.as_deref(), Some("quote\"nl\n\\"));
}

#[test]
fn invalid_utf8_path_is_lossy() {
    let files = parse("diff --git \"a/caf\\351.py\" \"b/caf\\351.py\"\nnew file mode 100644\n");
    assert_eq!(files[0].new_path.as_deref(), Some("caf\u{fffd}.py"));
    assert!(files[0].lossy_path);
}

#[test]
fn paths_containing_b_slash() {
    // Same name on both sides: the header is split in the middle.
    let files = parse("diff --git a/x b/y.py b/x b/y.py\nold mode 100644\nnew mode 100755\n");
    assert_eq!(files[0].old_path.as_deref(), Some("x b/y.py"));
    assert_eq!(files[0].new_path.as_deref(), Some("x b/y.py"));

    // A rename: the rename lines decide.
    let files = parse(
        "diff --git a/x b/y.py b/z b/w.py\n\
         similarity index 100%\n\
         rename from x b/y.py\n\
         rename to z b/w.py\n",
    );
    assert_eq!(files[0].old_path.as_deref(), Some("x b/y.py"));
    assert_eq!(files[0].new_path.as_deref(), Some("z b/w.py"));

    // With hunks: `---`/`+++` decide, and git's trailing tab is dropped.
    let files = parse(
        "diff --git a/p b/q b/r\n\
         index 1111111..2222222 100644\n\
         --- a/p b/q\t\n\
         +++ b/p b/q\t\n\
         @@ -1 +1 @@\n-a\n+b\n",
    );
    assert_eq!(files[0].old_path.as_deref(), Some("p b/q"));
    assert_eq!(files[0].new_path.as_deref(), Some("p b/q"));
}

#[test]
fn rename_without_hunks_is_an_entry() {
    let files = parse(
        "diff --git a/pkg/geometry.py b/pkg/shapes.py\n\
         similarity index 100%\n\
         rename from pkg/geometry.py\n\
         rename to pkg/shapes.py\n\
         diff --git a/pkg/c.py b/pkg/d.py\n\
         similarity index 80%\n\
         copy from pkg/c.py\n\
         copy to pkg/d.py\n\
         --- a/pkg/c.py\n\
         +++ b/pkg/d.py\n\
         @@ -1 +1 @@\n-a\n+b\n",
    );
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].status, FileStatus::Renamed);
    assert_eq!(files[0].similarity, Some(100));
    assert_eq!(files[0].old_path.as_deref(), Some("pkg/geometry.py"));
    assert_eq!(files[0].new_path.as_deref(), Some("pkg/shapes.py"));
    assert!(files[0].hunks.is_empty());
    assert_eq!(files[1].status, FileStatus::Copied);
    assert_eq!(files[1].similarity, Some(80));
    assert_eq!(files[1].hunks.len(), 1);
}

#[test]
fn binary_files_have_no_hunks() {
    let files = parse(
        "diff --git a/img.png b/img.png\n\
         index 1111111..2222222 100644\n\
         Binary files a/img.png and b/img.png differ\n\
         diff --git a/logo.bin b/logo.bin\n\
         new file mode 100644\n\
         index 0000000..3333333\n\
         GIT binary patch\n\
         literal 12\n\
         TcmZQzWMXDvWn*Sy<z)Z>1~>p)\n\
         \n\
         literal 0\n\
         HcmV?d00001\n\
         \n\
         diff --git a/after.txt b/after.txt\n\
         --- a/after.txt\n\
         +++ b/after.txt\n\
         @@ -1 +1 @@\n-a\n+b\n",
    );
    assert_eq!(files.len(), 3);
    assert!(files[0].binary);
    assert_eq!(files[0].status, FileStatus::Modified);
    assert!(files[1].binary);
    assert_eq!(files[1].status, FileStatus::Added);
    assert!(files[1].hunks.is_empty());
    assert!(!files[2].binary);
    assert_eq!(files[2].hunks.len(), 1);
}

#[test]
fn mode_only_change() {
    let files = parse("diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].status, FileStatus::Modified);
    assert_eq!(files[0].old_mode, Some(0o100644));
    assert_eq!(files[0].new_mode, Some(0o100755));
    assert!(files[0].hunks.is_empty());
}

#[test]
fn deleted_and_added_files() {
    let files = parse(
        "diff --git a/gone.py b/gone.py\n\
         deleted file mode 100644\n\
         index 1111111..0000000\n\
         --- a/gone.py\n\
         +++ /dev/null\n\
         @@ -1,2 +0,0 @@\n-a\n-b\n\
         diff --git a/new.py b/new.py\n\
         new file mode 100755\n\
         index 0000000..2222222\n\
         --- /dev/null\n\
         +++ b/new.py\n\
         @@ -0,0 +1 @@\n+x\n",
    );
    assert_eq!(files[0].status, FileStatus::Deleted);
    assert_eq!(files[0].old_path.as_deref(), Some("gone.py"));
    assert_eq!(files[0].new_path, None);
    assert_eq!(files[0].old_mode, Some(0o100644));
    assert_eq!(files[0].hunks[0].removed, vec![range(1, 2)]);
    assert_eq!(files[1].status, FileStatus::Added);
    assert_eq!(files[1].old_path, None);
    assert_eq!(files[1].new_mode, Some(0o100755));
    assert_eq!(files[1].hunks[0].added, vec![range(1, 1)]);
}

#[test]
fn type_change_merges_delete_and_add() {
    let files = parse(
        "diff --git a/f b/f\n\
         deleted file mode 100644\n\
         --- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n\
         diff --git a/f b/f\n\
         new file mode 120000\n\
         --- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+target\n\\ No newline at end of file\n",
    );
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].status, FileStatus::TypeChanged);
    assert_eq!(files[0].old_mode, Some(0o100644));
    assert_eq!(files[0].new_mode, Some(0o120000));
    assert_eq!(files[0].hunks.len(), 2);
}

#[test]
fn crlf_patch_keeps_cr_in_content() {
    let patch = "diff --git a/w.py b/w.py\r\n\
                 index 1111111..2222222 100644\r\n\
                 --- a/w.py\r\n\
                 +++ b/w.py\r\n\
                 @@ -1,2 +1,2 @@\r\n \
                 a\r\n\
                 -b\r\n\
                 +B\r\n";
    let parsed = parse_patch(patch.as_bytes(), true).unwrap();
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].change.path(), "w.py");
    assert_eq!(parsed[0].change.hunks[0].removed, vec![range(2, 2)]);
    assert_eq!(parsed[0].bodies[0].lines[1].text, b"b\r");
}

#[test]
fn email_headers_and_trailing_garbage_are_ignored() {
    let files = parse(
        "From 1234 Mon Sep 17 00:00:00 2001\n\
         From: Someone <s@example.invalid>\n\
         Subject: [PATCH] fix\n\
         \n\
         ---\n \
         f.py | 2 +-\n\
         \n\
         diff --git a/f.py b/f.py\n\
         --- a/f.py\n\
         +++ b/f.py\n\
         @@ -1 +1 @@\n-a\n+b\n\
         -- \n\
         2.47.3\n\
         \n",
    );
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].hunks.len(), 1);
}

#[test]
fn plain_unified_diff_paths() {
    let files = parse(
        "--- src/old.c\t2024-01-01 10:00:00.000000000 +0000\n\
         +++ src/new.c\t2024-01-02 10:00:00.000000000 +0000\n\
         @@ -1 +1 @@\n-a\n+b\n\
         --- a/lib.c\n+++ b/lib.c\n@@ -3 +3 @@\n-c\n+d\n\
         --- /dev/null\n+++ b/added.c\n@@ -0,0 +1 @@\n+e\n",
    );
    assert_eq!(files.len(), 3);
    assert_eq!(files[0].old_path.as_deref(), Some("src/old.c"));
    assert_eq!(files[0].new_path.as_deref(), Some("src/new.c"));
    assert_eq!(files[0].status, FileStatus::Modified);
    assert_eq!(files[1].path(), "lib.c");
    assert_eq!(files[2].status, FileStatus::Added);
    assert_eq!(files[2].path(), "added.c");
}

#[test]
fn empty_input_has_no_files() {
    assert!(parse("").is_empty());
    assert!(parse("just some text\nwithout a diff\n").is_empty());
}

#[test]
fn errors_carry_line_numbers() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "--- a/f\n+++ b/f\n@@ -1,x +1 @@\n",
            3,
            "invalid hunk header",
        ),
        ("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n", 5, "ends early"),
        (
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\nxyz\n",
            5,
            "found \"xyz\"",
        ),
        (
            "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-a\n-b\n",
            5,
            "more old lines",
        ),
        ("@@ -1 +1 @@\n-a\n+b\n", 1, "without a file header"),
        ("diff --cc f\n", 1, "combined diffs"),
        (
            "--- a/f\n+++ b/f\n@@ -0,1 +1 @@\n-a\n+b\n",
            3,
            "invalid hunk header",
        ),
    ];
    for (patch, line, message) in cases {
        let error = parse_unified_diff(patch.as_bytes()).unwrap_err();
        assert_eq!(error.line, *line, "{patch:?}: {error}");
        assert!(error.message.contains(message), "{patch:?}: {error}");
    }
}

/// Runs a fixture's setup script into a new temporary folder.
fn run_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join("setup.sh");
    let temp = tempfile::tempdir().unwrap();
    let dest = temp.path().join("case");
    let output = Command::new("bash")
        .arg(&script)
        .arg(&dest)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    (temp, dest)
}

fn git_output(repo: &Path, args: &[&str]) -> Vec<u8> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn header_counts(hunk: &Hunk) -> (u32, u32, u32, u32) {
    (
        hunk.old_start,
        hunk.old_lines,
        hunk.new_start,
        hunk.new_lines,
    )
}

#[test]
fn edge_case_patch_with_zero_context() {
    let (_temp, dest) = run_fixture("diff-edge-cases");
    let patch = std::fs::read(dest.join("patches/U0.diff")).unwrap();
    let files = parse_unified_diff(&patch).unwrap();
    assert_eq!(files.len(), 8);

    // `@@ -2,0 +3 @@`, `@@ -8,2 +8,0 @@`, `@@ -14 +12,0 @@`
    let insert_delete = &file(&files, "edge/insert_delete.py").hunks;
    assert_eq!(insert_delete.len(), 3);
    assert_eq!(header_counts(&insert_delete[0]), (2, 0, 3, 1));
    assert!(insert_delete[0].removed.is_empty());
    assert_eq!(insert_delete[0].added, vec![range(3, 3)]);
    assert_eq!(header_counts(&insert_delete[1]), (8, 2, 8, 0));
    assert_eq!(insert_delete[1].removed, vec![range(8, 9)]);
    assert!(
        insert_delete[1].added.is_empty(),
        "new line 8 (keep's last line) must not be marked"
    );
    assert_eq!(header_counts(&insert_delete[2]), (14, 1, 12, 0));
    assert_eq!(insert_delete[2].removed, vec![range(14, 14)]);
    assert!(insert_delete[2].added.is_empty());

    // `@@ -6 +6 @@` followed by two no-newline markers.
    let no_eol = &file(&files, "edge/no_eol.py").hunks;
    assert_eq!(no_eol.len(), 1);
    assert_eq!(header_counts(&no_eol[0]), (6, 1, 6, 1));
    assert_eq!(no_eol[0].removed, vec![range(6, 6)]);
    assert_eq!(no_eol[0].added, vec![range(6, 6)]);

    let append = &file(&files, "edge/no_eol_append.py").hunks;
    assert_eq!(append[0].removed, vec![range(6, 6)]);
    assert_eq!(append[0].added, vec![range(6, 10)]);

    // The `--- legacy header` and `+++ new header` content lines.
    let dashes = file(&files, "edge/dashes.py");
    assert_eq!(dashes.hunks.len(), 2);
    assert_eq!(dashes.hunks[0].removed, vec![range(4, 4)]);
    assert_eq!(dashes.hunks[0].added, vec![range(4, 4)]);
    assert_eq!(dashes.hunks[1].added, vec![range(11, 11)]);

    let crlf = &file(&files, "edge/crlf.py").hunks;
    assert_eq!(crlf[0].removed, vec![range(6, 6)]);
    let flip = &file(&files, "edge/eol_flip.py").hunks;
    assert_eq!(flip[0].removed, vec![range(1, 6)]);
    assert_eq!(flip[0].added, vec![range(1, 6)]);
    assert_eq!(
        file(&files, "edge/tabs_unicode.py").hunks[0].added,
        vec![range(2, 2)]
    );
    assert_eq!(
        file(&files, "edge/bom.py").hunks[0].added,
        vec![range(2, 2)]
    );
}

#[test]
fn edge_case_patch_with_context() {
    let (_temp, dest) = run_fixture("diff-edge-cases");
    let patch = std::fs::read(dest.join("patches/default.diff")).unwrap();
    let files = parse_unified_diff(&patch).unwrap();
    assert_eq!(files.len(), 8);

    let insert_delete = file(&files, "edge/insert_delete.py");
    let removed: Vec<LineRange> = insert_delete
        .hunks
        .iter()
        .flat_map(|hunk| hunk.removed.clone())
        .collect();
    let added: Vec<LineRange> = insert_delete
        .hunks
        .iter()
        .flat_map(|hunk| hunk.added.clone())
        .collect();
    assert_eq!(removed, vec![range(8, 9), range(14, 14)]);
    assert_eq!(added, vec![range(3, 3)]);

    let dashes = file(&files, "edge/dashes.py");
    let removed: Vec<LineRange> = dashes
        .hunks
        .iter()
        .flat_map(|hunk| hunk.removed.clone())
        .collect();
    assert_eq!(removed, vec![range(4, 4), range(11, 11)]);

    let no_eol = file(&files, "edge/no_eol.py");
    assert_eq!(no_eol.hunks[0].removed, vec![range(6, 6)]);
    assert_eq!(no_eol.hunks[0].added, vec![range(6, 6)]);
}

#[test]
fn rename_copy_delete_patches() {
    let (_temp, dest) = run_fixture("rename-copy-delete");

    let pure = git_output(
        &dest,
        &[
            "diff",
            "-M",
            "--full-index",
            "-U0",
            "case-base",
            "case-pure-rename",
        ],
    );
    let files = parse_unified_diff(&pure).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].status, FileStatus::Renamed);
    assert_eq!(files[0].old_path.as_deref(), Some("pkg/geometry.py"));
    assert_eq!(files[0].new_path.as_deref(), Some("pkg/shapes.py"));
    assert_eq!(files[0].similarity, Some(100));
    assert!(files[0].hunks.is_empty());

    let mixed = git_output(
        &dest,
        &["diff", "-M", "-U0", "case-pure-rename", "case-mixed"],
    );
    let files = parse_unified_diff(&mixed).unwrap();
    assert_eq!(files.len(), 4);
    let renamed = file(&files, "pkg/legacy.py");
    assert_eq!(renamed.status, FileStatus::Renamed);
    assert_eq!(renamed.old_path.as_deref(), Some("pkg/old_name.py"));
    assert_eq!(renamed.hunks[0].removed, vec![range(5, 5)]);
    assert_eq!(renamed.hunks[0].added, vec![range(5, 5)]);
    let deleted = file(&files, "pkg/validators.py");
    assert_eq!(deleted.status, FileStatus::Deleted);
    assert_eq!(deleted.hunks[0].removed, vec![range(1, 4)]);
    let copy = file(&files, "pkg/shared_copy.py");
    assert_eq!(copy.status, FileStatus::Added);
    assert_eq!(copy.hunks[0].added, vec![range(1, 17)]);
    assert_eq!(file(&files, "pkg/report.py").status, FileStatus::Modified);

    // With copy detection against unmodified files, git reports the copy.
    let copies = git_output(
        &dest,
        &[
            "diff",
            "-M",
            "-C",
            "--find-copies-harder",
            "-U0",
            "case-pure-rename",
            "case-mixed",
        ],
    );
    let files = parse_unified_diff(&copies).unwrap();
    let copy = file(&files, "pkg/shared_copy.py");
    assert_eq!(copy.status, FileStatus::Copied);
    assert_eq!(copy.old_path.as_deref(), Some("pkg/shared.py"));
    assert!(copy.similarity.is_some());
}

#[test]
fn rename_with_one_path_is_invalid() {
    // Found by the fuzzer: a rename without `rename to` and without paths
    // on the `diff --git` line became a rename with no new path.
    let error = parse_unified_diff(b"diff --git \nrename from src/net.rs\n").unwrap_err();
    assert_eq!(error.line, 1);
    assert!(error.message.contains("`rename to`"), "{}", error.message);
    let error = parse_unified_diff(b"diff --git \ncopy to b.py\n").unwrap_err();
    assert!(error.message.contains("copy"), "{}", error.message);
    // An empty path names no file.
    let error = parse_unified_diff(b"diff --git \nrename from \n").unwrap_err();
    assert!(error.message.contains("names no path"), "{}", error.message);
}

#[test]
fn modified_file_named_once_has_both_paths() {
    let files = parse("diff --git \"a/x.py\"\nold mode 100644\nnew mode 100755\n");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].status, FileStatus::Modified);
    assert_eq!(files[0].old_path.as_deref(), Some("x.py"));
    assert_eq!(files[0].new_path.as_deref(), Some("x.py"));
}

#[test]
fn binary_half_of_type_change_drops_hunks() {
    // Found by the fuzzer: a binary deletion merged with a text addition of
    // the same path kept the addition's hunk on a binary entry.
    let files = parse(
        "diff --git a/t.txt b/t.txt\n\
         deleted file mode 100644\n\
         Binary files a/t.txt and /dev/null differ\n\
         diff --git a/t.txt b/t.txt\n\
         new file mode 120000\n\
         --- /dev/null\n\
         +++ b/t.txt\n\
         @@ -0,0 +1 @@\n\
         +target\n",
    );
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].status, FileStatus::TypeChanged);
    assert!(files[0].binary);
    assert!(files[0].hunks.is_empty(), "{:?}", files[0].hunks);
}
