//! Every [`DiffSpec`] against real repositories: work tree, staged, one
//! revision, two-dot and three-dot ranges, `REV^!` on a merge commit,
//! renames and deletions, shallow clones and error cases.

mod common;

use blast_diff::{DiffSpec, Error, ExitKind, FileStatus, Repo, Side};
use common::{TestRepo, added_lines, change, git, lines, paths, removed_lines, run_fixture};

fn spec(args: &[&str]) -> DiffSpec {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    DiffSpec::parse_args(&args, false).unwrap()
}

#[test]
fn work_tree_mode_includes_untracked_not_ignored() {
    let (_temp, dest) = run_fixture("range-semantics");
    let repo = Repo::discover(&dest).unwrap();
    let cmp = repo.resolve(&DiffSpec::WorkTree).unwrap();
    let head = git(&dest, &["rev-parse", "HEAD"]).trim().to_owned();
    assert_eq!(cmp.base, Side::Commit(head));
    assert_eq!(cmp.head, Side::WorkTree);
    assert!(cmp.include_untracked);

    let changes = repo.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["newmod.py", "use.py"]);
    // Line 9 is the staged edit in use_beta, line 13 the unstaged one in standalone.
    assert_eq!(
        added_lines(change(&changes, "use.py")),
        vec![lines(9, 9), lines(13, 13)]
    );
    let new_module = change(&changes, "newmod.py");
    assert_eq!(new_module.status, FileStatus::Added);
    assert_eq!(added_lines(new_module), vec![lines(1, 5)]);
    assert_eq!(new_module.new_mode, Some(0o100644));
}

#[test]
fn staged_mode_compares_head_with_index() {
    let (_temp, dest) = run_fixture("range-semantics");
    let repo = Repo::discover(&dest).unwrap();
    let cmp = repo.resolve(&DiffSpec::Staged).unwrap();
    assert_eq!(cmp.head, Side::Index);
    let changes = repo.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["use.py"]);
    assert_eq!(added_lines(change(&changes, "use.py")), vec![lines(9, 9)]);
}

#[test]
fn revision_to_work_tree_is_tracked_only() {
    let (_temp, dest) = run_fixture("range-semantics");
    let repo = Repo::discover(&dest).unwrap();
    let cmp = repo.resolve(&spec(&["HEAD"])).unwrap();
    assert!(!cmp.include_untracked);
    assert_eq!(cmp.base_label, "HEAD");
    let changes = repo.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["use.py"]);
    assert_eq!(
        added_lines(change(&changes, "use.py")),
        vec![lines(9, 9), lines(13, 13)]
    );

    let cmp = repo.resolve(&spec(&["case-base"])).unwrap();
    let changes = repo.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["lib.py", "use.py"]);
}

#[test]
fn two_dot_range_compares_tips() {
    let (_temp, dest) = run_fixture("range-semantics");
    let repo = Repo::discover(&dest).unwrap();
    for args in [&["main", "feature"][..], &["main..feature"][..]] {
        let cmp = repo.resolve(&spec(args)).unwrap();
        assert_eq!(cmp.base_label, "main", "{args:?}");
        assert_eq!(cmp.head_label, "feature", "{args:?}");
        assert_eq!(cmp.merge_base, None, "{args:?}");
        let changes = repo.changes(&cmp).unwrap();
        assert_eq!(paths(&changes), vec!["lib.py"], "{args:?}");
        // alpha (line 2) changed on feature; beta (line 6) changed on main shows up reverted.
        assert_eq!(
            added_lines(change(&changes, "lib.py")),
            vec![lines(2, 2), lines(6, 6)],
            "{args:?}"
        );
    }
}

#[test]
fn three_dot_range_uses_merge_base() {
    let (_temp, dest) = run_fixture("range-semantics");
    let repo = Repo::discover(&dest).unwrap();
    let cmp = repo.resolve(&spec(&["main...feature"])).unwrap();
    let base = git(&dest, &["rev-parse", "case-base"]).trim().to_owned();
    assert_eq!(cmp.merge_base.as_deref(), Some(base.as_str()));
    assert_eq!(cmp.base, Side::Commit(base));
    let changes = repo.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["lib.py"]);
    assert_eq!(added_lines(change(&changes, "lib.py")), vec![lines(2, 2)]);

    let commits = repo.commits(&cmp).unwrap();
    assert_eq!(commits.len(), 1);
    assert_eq!(commits[0].summary, "feature: edit alpha");
}

#[test]
fn caret_bang_on_merge_uses_first_parent() {
    let repo = TestRepo::new();
    repo.write("main.py", "a = 1\n");
    repo.write("side.py", "b = 1\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.py", "b = 2\n");
    repo.commit_all("side edit");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main.py", "a = 2\n");
    repo.commit_all("main edit");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
    let merge = repo.rev("HEAD");

    let opened = repo.open();
    let cmp = opened.resolve(&spec(&[&format!("{merge}^!")])).unwrap();
    assert_eq!(cmp.base, Side::Commit(repo.rev("HEAD^1")));
    assert_eq!(cmp.head, Side::Commit(merge));
    let changes = opened.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["side.py"]);

    let commits = opened.commits(&cmp).unwrap();
    let summaries: Vec<&str> = commits
        .iter()
        .map(|commit| commit.summary.as_str())
        .collect();
    assert_eq!(summaries, vec!["merge side", "side edit"]);
}

#[test]
fn renames_copies_and_deletions() {
    let (_temp, dest) = run_fixture("rename-copy-delete");
    git(&dest, &["checkout", "-q", "case-pure-rename"]);
    let repo = Repo::discover(&dest).unwrap();
    let changes = repo
        .changes(&repo.resolve(&spec(&["HEAD~1", "HEAD"])).unwrap())
        .unwrap();
    assert_eq!(changes.files.len(), 1);
    let moved = &changes.files[0];
    assert_eq!(moved.status, FileStatus::Renamed);
    assert_eq!(moved.old_path.as_deref(), Some("pkg/geometry.py"));
    assert_eq!(moved.new_path.as_deref(), Some("pkg/shapes.py"));
    assert_eq!(moved.similarity, Some(100));
    assert!(moved.hunks.is_empty());

    git(&dest, &["checkout", "-q", "case-mixed"]);
    let changes = repo
        .changes(&repo.resolve(&spec(&["HEAD~1"])).unwrap())
        .unwrap();
    assert_eq!(
        paths(&changes),
        vec![
            "pkg/legacy.py",
            "pkg/report.py",
            "pkg/shared_copy.py",
            "pkg/validators.py"
        ]
    );
    let renamed = change(&changes, "pkg/legacy.py");
    assert_eq!(renamed.status, FileStatus::Renamed);
    assert_eq!(renamed.old_path.as_deref(), Some("pkg/old_name.py"));
    assert_eq!(added_lines(renamed), vec![lines(5, 5)]);
    let deleted = change(&changes, "pkg/validators.py");
    assert_eq!(deleted.status, FileStatus::Deleted);
    assert_eq!(deleted.new_path, None);
    assert_eq!(removed_lines(deleted), vec![lines(1, 4)]);
    assert_eq!(
        change(&changes, "pkg/shared_copy.py").status,
        FileStatus::Added
    );
    assert_eq!(
        change(&changes, "pkg/report.py").status,
        FileStatus::Modified
    );
}

#[test]
fn user_config_does_not_change_results() {
    let repo = TestRepo::new();
    repo.write("täst.py", "x = 1\ny = 2\n");
    repo.write(
        "plain.py",
        "def f():\n    return 1\n\n\ndef g():\n    return 2\n",
    );
    repo.write(
        "moved_from.py",
        "alpha = 1\nbeta = 2\ngamma = 3\ndelta = 4\nepsilon = 5\nzeta = 6\n",
    );
    repo.commit_all("base");
    repo.write("täst.py", "x = 1\ny = 3\n");
    repo.write(
        "plain.py",
        "def f():\n    return 10\n\n\ndef g():\n    return 2\n",
    );
    repo.git(&["mv", "moved_from.py", "moved_to.py"]);
    repo.write(
        "moved_to.py",
        "alpha = 1\nbeta = 2\ngamma = 3\ndelta = 4\nepsilon = 5\nzeta = 7\n",
    );
    repo.commit_all("change");
    // An unstaged change for the work tree comparison.
    repo.write(
        "plain.py",
        "def f():\n    return 10\n\n\ndef g():\n    return 20\n",
    );

    let specs = [
        DiffSpec::WorkTree,
        spec(&["HEAD~1", "HEAD"]),
        spec(&["HEAD~1"]),
    ];
    let collect = || {
        let opened = repo.open();
        specs
            .iter()
            .map(|spec| {
                let cmp = opened.resolve(spec).unwrap();
                (opened.changes(&cmp).unwrap(), opened.commits(&cmp).unwrap())
            })
            .collect::<Vec<_>>()
    };
    let before = collect();

    let hostile = [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("color.ui", "always"),
        ("color.diff", "always"),
        ("diff.external", "false"),
        ("diff.renames", "false"),
        ("core.quotepath", "false"),
        ("diff.algorithm", "patience"),
        ("diff.context", "7"),
        ("diff.interHunkContext", "10"),
        ("diff.relative", "true"),
        ("diff.suppressBlankEmpty", "true"),
        ("log.showSignature", "true"),
        ("format.pretty", "oneline"),
        ("core.pager", "false"),
    ];
    for (key, value) in hostile {
        repo.git(&["config", key, value]);
    }
    let after = collect();
    assert_eq!(before, after);

    let (changes, _) = &before[1];
    assert_eq!(paths(changes), vec!["moved_to.py", "plain.py", "täst.py"]);
    assert_eq!(change(changes, "moved_to.py").status, FileStatus::Renamed);
    assert!(!change(changes, "täst.py").lossy_path);
}

#[test]
fn shallow_clone_reports_missing_history() {
    let (_temp, dest) = run_fixture("shallow-clones");

    let full = Repo::discover(&dest.join("full")).unwrap();
    assert!(!full.is_shallow());
    let changes = full
        .changes(&full.resolve(&spec(&["HEAD~1"])).unwrap())
        .unwrap();
    assert_eq!(paths(&changes), vec!["calc.py"]);
    assert_eq!(added_lines(change(&changes, "calc.py")), vec![lines(6, 6)]);
    let changes = full
        .changes(&full.resolve(&spec(&["main...feature"])).unwrap())
        .unwrap();
    assert_eq!(
        added_lines(change(&changes, "calc.py")),
        vec![lines(10, 10)]
    );

    let shallow = Repo::discover(&dest.join("shallow")).unwrap();
    assert!(shallow.is_shallow());
    let error = shallow.resolve(&spec(&["HEAD~1"])).unwrap_err();
    assert!(
        matches!(&error, Error::UnknownRevision { rev, shallow: true, .. } if rev == "HEAD~1"),
        "{error:?}"
    );
    assert_eq!(error.exit_kind(), ExitKind::MissingHistory);
    let message = error.to_string();
    assert!(message.contains("HEAD~1"), "{message}");
    assert!(message.contains("shallow"), "{message}");
    assert!(message.contains("git fetch --deepen=1"), "{message}");
    assert!(message.contains("fetch-depth: 0"), "{message}");

    let shallow_pr = Repo::discover(&dest.join("shallow-pr")).unwrap();
    let error = shallow_pr.resolve(&spec(&["main...feature"])).unwrap_err();
    assert!(
        matches!(&error, Error::NoMergeBase { shallow: true, .. }),
        "{error:?}"
    );
    assert_eq!(error.exit_kind(), ExitKind::MissingHistory);
    let message = error.to_string();
    assert!(message.contains("merge base"), "{message}");
    assert!(message.contains("shallow"), "{message}");
    assert!(message.contains("git fetch --deepen"), "{message}");
}

#[test]
fn unrelated_histories_have_no_merge_base() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n");
    repo.commit_all("main");
    repo.git(&["checkout", "-q", "--orphan", "other"]);
    repo.write("b.py", "b = 1\n");
    repo.commit_all("other");
    let error = repo.open().resolve(&spec(&["main...other"])).unwrap_err();
    assert!(
        matches!(&error, Error::NoMergeBase { shallow: false, .. }),
        "{error:?}"
    );
    assert_eq!(error.exit_kind(), ExitKind::Usage);
    assert!(error.to_string().contains("unrelated"), "{error}");
}

#[test]
fn unknown_revision_is_an_error() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n");
    repo.commit_all("only");
    let opened = repo.open();
    for args in [
        &["no-such-branch"][..],
        &["HEAD~5"][..],
        &["HEAD", "nope"][..],
        &["nope...HEAD"][..],
    ] {
        let error = opened.resolve(&spec(args)).unwrap_err();
        assert!(
            matches!(&error, Error::UnknownRevision { shallow: false, .. }),
            "{args:?}: {error:?}"
        );
        assert_eq!(error.exit_kind(), ExitKind::Usage);
    }
    let error = opened.resolve(&spec(&["no-such-branch"])).unwrap_err();
    assert!(error.to_string().contains("'no-such-branch'"), "{error}");
    let branch = repo.git(&["symbolic-ref", "--short", "HEAD"]);
    assert!(
        error
            .to_string()
            .ends_with(&format!("its local branches are {}", branch.trim())),
        "{error}"
    );
    let error = opened.resolve(&spec(&["HEAD~5"])).unwrap_err();
    assert!(!error.to_string().contains("branches"), "{error}");
    // Without a remote, fetching `origin/main` cannot work.
    let error = opened.resolve(&spec(&["origin/main"])).unwrap_err();
    assert!(
        error.to_string().contains("no remote named origin"),
        "{error}"
    );
    assert!(!error.to_string().contains("git fetch"), "{error}");
    // A root commit has no first parent.
    let error = opened.resolve(&spec(&["HEAD^!"])).unwrap_err();
    assert!(
        matches!(&error, Error::UnknownRevision { rev, .. } if rev == "HEAD^1"),
        "{error:?}"
    );
}

#[test]
fn not_a_repository_names_the_path() {
    let temp = tempfile::tempdir().unwrap();
    let error = Repo::discover(temp.path()).unwrap_err();
    assert!(
        matches!(&error, Error::NotARepository { path } if path == temp.path()),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains(&temp.path().display().to_string()),
        "{error}"
    );
    assert_eq!(error.exit_kind(), ExitKind::Usage);

    let missing = temp.path().join("missing");
    assert!(matches!(Repo::discover(&missing), Err(Error::Io { .. })));
}

#[test]
fn discover_from_subfolder_file_and_bare() {
    let repo = TestRepo::new();
    repo.write("src/deep/mod.py", "x = 1\n");
    repo.commit_all("base");
    let root = std::fs::canonicalize(&repo.path).unwrap();

    let from_folder = Repo::discover(&repo.path.join("src/deep")).unwrap();
    assert_eq!(std::fs::canonicalize(from_folder.root()).unwrap(), root);
    let from_file = Repo::discover(&repo.path.join("src/deep/mod.py")).unwrap();
    assert_eq!(std::fs::canonicalize(from_file.root()).unwrap(), root);

    let error = Repo::discover(&repo.path.join(".git")).unwrap_err();
    assert!(matches!(error, Error::NoWorkTree { .. }), "{error:?}");

    let bare = repo.path.parent().unwrap().join("bare.git");
    git(
        repo.path.parent().unwrap(),
        &["clone", "-q", "--bare", "repo", "bare.git"],
    );
    let error = Repo::discover(&bare).unwrap_err();
    assert!(matches!(error, Error::NoWorkTree { .. }), "{error:?}");
}

#[test]
fn repository_without_commits() {
    let repo = TestRepo::new();
    repo.write("first.py", "a = 1\nb = 2\n");
    repo.write("staged.py", "s = 1\n");
    repo.git(&["add", "staged.py"]);
    let opened = repo.open();

    let cmp = opened.resolve(&DiffSpec::WorkTree).unwrap();
    assert_eq!(cmp.base, Side::Commit(blast_diff::EMPTY_TREE_ID.to_owned()));
    let changes = opened.changes(&cmp).unwrap();
    assert_eq!(paths(&changes), vec!["first.py", "staged.py"]);
    assert!(
        changes
            .files
            .iter()
            .all(|file| file.status == FileStatus::Added)
    );
    assert_eq!(added_lines(change(&changes, "first.py")), vec![lines(1, 2)]);
    assert!(opened.commits(&cmp).unwrap().is_empty());
    assert!(opened.list_files(&cmp.base).unwrap().is_empty());

    // --staged compares the index with the empty tree, so only the added
    // file is in it.
    let staged = opened.resolve(&DiffSpec::Staged).unwrap();
    assert_eq!(
        staged.base,
        Side::Commit(blast_diff::EMPTY_TREE_ID.to_owned())
    );
    assert_eq!(staged.head, Side::Index);
    let staged_changes = opened.changes(&staged).unwrap();
    assert_eq!(paths(&staged_changes), vec!["staged.py"]);
    assert_eq!(
        change(&staged_changes, "staged.py").status,
        FileStatus::Added
    );
    assert_eq!(
        added_lines(change(&staged_changes, "staged.py")),
        vec![lines(1, 1)]
    );
}

#[test]
fn head_revision_without_commits_is_unknown() {
    let repo = TestRepo::new();
    repo.write("first.py", "a = 1\n");
    let opened = repo.open();
    let error = opened.resolve(&spec(&["HEAD"])).unwrap_err();
    assert!(
        matches!(&error, Error::UnknownRevision { rev, .. } if rev == "HEAD"),
        "{error:?}"
    );
}

#[test]
fn work_tree_type_change_and_deletion() {
    let repo = TestRepo::new();
    repo.write("target.py", "t = 1\n");
    repo.write("becomes_link.py", "a = 1\nb = 2\n");
    repo.write("deleted.py", "d = 1\n");
    repo.write("staged_delete.py", "s = 1\n");
    repo.commit_all("base");
    std::fs::remove_file(repo.path.join("becomes_link.py")).unwrap();
    std::os::unix::fs::symlink("target.py", repo.path.join("becomes_link.py")).unwrap();
    std::fs::remove_file(repo.path.join("deleted.py")).unwrap();
    repo.git(&["rm", "-q", "staged_delete.py"]);

    let opened = repo.open();
    let changes = opened
        .changes(&opened.resolve(&DiffSpec::WorkTree).unwrap())
        .unwrap();
    assert_eq!(
        paths(&changes),
        vec!["becomes_link.py", "deleted.py", "staged_delete.py"]
    );
    let retyped = change(&changes, "becomes_link.py");
    assert_eq!(retyped.status, FileStatus::TypeChanged);
    assert_eq!(retyped.old_mode, Some(0o100644));
    assert_eq!(retyped.new_mode, Some(0o120000));
    assert_eq!(change(&changes, "deleted.py").status, FileStatus::Deleted);
    assert_eq!(
        change(&changes, "staged_delete.py").status,
        FileStatus::Deleted
    );
}

#[test]
fn quoted_and_non_utf8_paths() {
    use std::os::unix::ffi::OsStrExt;

    let repo = TestRepo::new();
    repo.write("tab\there.py", "a = 1\n");
    repo.write("umlaut_ä.py", "b = 1\n");
    repo.commit_all("base");
    repo.write("tab\there.py", "a = 2\n");
    repo.write("umlaut_ä.py", "b = 2\n");
    let raw_name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(repo.path.join(raw_name), "c = 1\n").unwrap();

    let opened = repo.open();
    let changes = opened
        .changes(&opened.resolve(&DiffSpec::WorkTree).unwrap())
        .unwrap();
    assert_eq!(
        paths(&changes),
        vec!["caf\u{fffd}.py", "tab\there.py", "umlaut_ä.py"]
    );
    let lossy = change(&changes, "caf\u{fffd}.py");
    assert!(lossy.lossy_path);
    assert_eq!(added_lines(lossy), vec![lines(1, 1)]);
    assert!(!change(&changes, "umlaut_ä.py").lossy_path);
    assert_eq!(
        added_lines(change(&changes, "tab\there.py")),
        vec![lines(1, 1)]
    );

    let listed = opened.list_files(&Side::WorkTree).unwrap();
    assert!(
        listed
            .iter()
            .any(|entry| entry.lossy_path && entry.path == "caf\u{fffd}.py")
    );
}

#[test]
fn submodule_changes_have_gitlink_mode() {
    let sub = TestRepo::new();
    sub.write("lib.py", "x = 1\n");
    sub.commit_all("sub base");

    let repo = TestRepo::new();
    repo.write("main.py", "m = 1\n");
    repo.commit_all("base");
    let sub_path = sub.path.to_str().unwrap();
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub_path,
        "vendor",
    ]);
    repo.commit_all("add submodule");

    let opened = repo.open();
    let listed = opened.list_files(&Side::Commit(repo.rev("HEAD"))).unwrap();
    let listed_paths: Vec<&str> = listed.iter().map(|entry| entry.path.as_str()).collect();
    assert_eq!(listed_paths, vec![".gitmodules", "main.py"]);
    let work_tree: Vec<String> = opened
        .list_files(&Side::WorkTree)
        .unwrap()
        .into_iter()
        .map(|entry| entry.path)
        .collect();
    assert_eq!(work_tree, vec![".gitmodules", "main.py"]);

    let changes = opened
        .changes(&opened.resolve(&spec(&["HEAD~1", "HEAD"])).unwrap())
        .unwrap();
    assert_eq!(paths(&changes), vec![".gitmodules", "vendor"]);
    let gitlink = change(&changes, "vendor");
    assert_eq!(gitlink.status, FileStatus::Added);
    assert_eq!(gitlink.new_mode, Some(0o160000));

    // A new commit checked out in the submodule shows as a modified gitlink.
    let checkout = repo.path.join("vendor");
    std::fs::write(checkout.join("lib.py"), "x = 2\n").unwrap();
    git(
        &checkout,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.invalid",
            "commit",
            "-q",
            "-am",
            "sub edit",
        ],
    );
    let changes = opened
        .changes(&opened.resolve(&DiffSpec::WorkTree).unwrap())
        .unwrap();
    assert_eq!(paths(&changes), vec!["vendor"]);
    assert_eq!(change(&changes, "vendor").old_mode, Some(0o160000));
}
