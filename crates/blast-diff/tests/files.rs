//! File lists, file contents and commit lists of each side.

mod common;

use blast_diff::{DiffSpec, Error, Side, TreeEntry};
use common::TestRepo;

fn entry_paths(entries: &[TreeEntry]) -> Vec<&str> {
    entries.iter().map(|entry| entry.path.as_str()).collect()
}

fn strings(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|path| (*path).to_owned()).collect()
}

/// Builds a repository whose commit, index and work tree all differ.
fn three_sided_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", "ignored.py\n");
    repo.write("a.py", "a = 1\n");
    repo.write("dir/b.py", "b = 1\n");
    repo.write("removed_on_disk.py", "r = 1\n");
    repo.write("run.sh", "#!/bin/sh\n");
    std::os::unix::fs::symlink("a.py", repo.path.join("link.py")).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            repo.path.join("run.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    repo.commit_all("base");

    repo.write("a.py", "a = 2\n");
    repo.write("staged_new.py", "s = 1\n");
    repo.git(&["add", "a.py", "staged_new.py"]);
    repo.write("a.py", "a = 3\n");
    repo.write("untracked.py", "u = 1\n");
    repo.write("ignored.py", "i = 1\n");
    std::fs::remove_file(repo.path.join("removed_on_disk.py")).unwrap();
    repo
}

#[test]
fn list_files_of_each_side() {
    let repo = three_sided_repo();
    let opened = repo.open();

    let commit = opened.list_files(&Side::Commit(repo.rev("HEAD"))).unwrap();
    assert_eq!(
        entry_paths(&commit),
        vec![
            ".gitignore",
            "a.py",
            "dir/b.py",
            "removed_on_disk.py",
            "run.sh"
        ]
    );
    assert!(commit.iter().all(|entry| entry.blob_id.is_some()));
    let script = commit.iter().find(|entry| entry.path == "run.sh").unwrap();
    assert_eq!(script.mode, 0o100755);

    let index = opened.list_files(&Side::Index).unwrap();
    assert_eq!(
        entry_paths(&index),
        vec![
            ".gitignore",
            "a.py",
            "dir/b.py",
            "removed_on_disk.py",
            "run.sh",
            "staged_new.py"
        ]
    );

    let work_tree = opened.list_files(&Side::WorkTree).unwrap();
    assert_eq!(
        entry_paths(&work_tree),
        vec![
            ".gitignore",
            "a.py",
            "dir/b.py",
            "run.sh",
            "staged_new.py",
            "untracked.py"
        ]
    );
    assert!(work_tree.iter().all(|entry| entry.blob_id.is_none()));
    let script = work_tree
        .iter()
        .find(|entry| entry.path == "run.sh")
        .unwrap();
    assert_eq!(script.mode, 0o100755);
}

#[test]
fn read_files_of_each_side() {
    let repo = three_sided_repo();
    let opened = repo.open();
    let paths = strings(&["a.py", "staged_new.py", "link.py", "missing.py", "dir/b.py"]);

    let commit = opened
        .read_files(&Side::Commit(repo.rev("HEAD")), &paths)
        .unwrap();
    assert_eq!(commit[0].as_deref(), Some(&b"a = 1\n"[..]));
    assert_eq!(commit[1], None);
    assert_eq!(commit[2], None, "symlinks are not regular files");
    assert_eq!(commit[3], None);
    assert_eq!(commit[4].as_deref(), Some(&b"b = 1\n"[..]));

    let index = opened.read_files(&Side::Index, &paths).unwrap();
    assert_eq!(index[0].as_deref(), Some(&b"a = 2\n"[..]));
    assert_eq!(index[1].as_deref(), Some(&b"s = 1\n"[..]));
    assert_eq!(index[2], None);

    let work_tree = opened.read_files(&Side::WorkTree, &paths).unwrap();
    assert_eq!(work_tree[0].as_deref(), Some(&b"a = 3\n"[..]));
    assert_eq!(work_tree[2], None, "symlinks are never followed");
    assert_eq!(work_tree[3], None);

    // The same blob asked twice, and an empty request.
    let twice = opened
        .read_files(&Side::Commit(repo.rev("HEAD")), &strings(&["a.py", "a.py"]))
        .unwrap();
    assert_eq!(twice[0], twice[1]);
    assert!(opened.read_files(&Side::Index, &[]).unwrap().is_empty());
}

/// Many blobs are read by several `git cat-file` processes at once; the
/// contents still come back in the order of the paths.
#[test]
fn read_many_files_of_a_commit() {
    let repo = TestRepo::new();
    let count = 900;
    for idx in 0..count {
        repo.write(&format!("pkg/m{idx}.py"), &format!("value = {idx}\n"));
    }
    repo.commit_all("many");
    let opened = repo.open();
    let mut paths: Vec<String> = (0..count)
        .rev()
        .map(|idx| format!("pkg/m{idx}.py"))
        .collect();
    paths.push("pkg/missing.py".to_owned());
    let read = opened
        .read_files(&Side::Commit(repo.rev("HEAD")), &paths)
        .unwrap();
    assert_eq!(read.len(), count + 1);
    for (path, contents) in paths.iter().zip(&read).take(count) {
        let idx = path.trim_start_matches("pkg/m").trim_end_matches(".py");
        assert_eq!(
            contents.as_deref(),
            Some(format!("value = {idx}\n").as_bytes()),
            "{path}"
        );
    }
    assert_eq!(read[count], None);
}

#[test]
fn work_tree_reads_stay_inside_root() {
    let repo = three_sided_repo();
    let outside = repo.path.parent().unwrap().join("secret.txt");
    std::fs::write(&outside, "secret\n").unwrap();
    std::os::unix::fs::symlink(repo.path.parent().unwrap(), repo.path.join("escape")).unwrap();
    let opened = repo.open();

    for bad in ["../secret.txt", "/etc/hostname", "dir/../../secret.txt"] {
        let result = opened.read_files(&Side::WorkTree, &strings(&[bad]));
        assert!(
            matches!(result, Err(Error::InvalidPath { .. })),
            "{bad}: {result:?}"
        );
    }
    // A symlinked folder on the way is not followed.
    let through_link = opened
        .read_files(&Side::WorkTree, &strings(&["escape/secret.txt"]))
        .unwrap();
    assert_eq!(through_link, vec![None]);
    let listed = opened.list_files(&Side::WorkTree).unwrap();
    assert!(!entry_paths(&listed).contains(&"escape"));
}

#[test]
fn commits_with_trailers() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n");
    repo.commit_all("base");
    repo.write("a.py", "a = 2\n");
    repo.git(&["add", "a.py"]);
    repo.git(&[
        "commit",
        "-q",
        "-m",
        "Change a",
        "-m",
        "Body text.",
        "-m",
        "Signed-off-by: Someone <s@example.invalid>\nCo-authored-by: Other\n  Person <o@example.invalid>",
    ]);
    repo.write("a.py", "a = 3\n");
    repo.commit_all("Change a again");

    let opened = repo.open();
    let cmp = opened
        .resolve(&DiffSpec::Range {
            base: "HEAD~2".to_owned(),
            head: "HEAD".to_owned(),
        })
        .unwrap();
    let commits = opened.commits(&cmp).unwrap();
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[0].summary, "Change a again");
    assert_eq!(commits[0].id, repo.rev("HEAD"));
    assert!(commits[0].trailers.is_empty());
    assert_eq!(commits[1].summary, "Change a");
    assert_eq!(
        commits[1].trailers,
        vec![
            (
                "Signed-off-by".to_owned(),
                "Someone <s@example.invalid>".to_owned()
            ),
            (
                "Co-authored-by".to_owned(),
                "Other Person <o@example.invalid>".to_owned()
            ),
        ]
    );

    let work_tree = opened.resolve(&DiffSpec::WorkTree).unwrap();
    assert!(opened.commits(&work_tree).unwrap().is_empty());
}
