//! Every `Repo` call leaves the repository as it was: the same
//! `git status --porcelain` output and the same bytes in every file under
//! `.git`, the index included.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use blast_diff::{DiffSpec, PatchSource, Repo, Side};
use common::{TestRepo, git_command, snapshot_files};

fn status(repo: &Path) -> String {
    // GIT_OPTIONAL_LOCKS=0 keeps `git status` itself from refreshing the index.
    let output = git_command(repo, &["status", "--porcelain", "--untracked-files=all"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `call` and checks that the status and the `.git` folder are unchanged.
fn assert_unchanged(repo: &TestRepo, name: &str, call: impl FnOnce()) {
    let status_before = status(&repo.path);
    let git_before = snapshot_files(&repo.path.join(".git"));
    call();
    assert_eq!(
        status(&repo.path),
        status_before,
        "{name} changed `git status`"
    );
    let git_after = snapshot_files(&repo.path.join(".git"));
    let changed: Vec<_> = git_after
        .iter()
        .filter(|(path, bytes)| git_before.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .chain(
            git_before
                .keys()
                .filter(|path| !git_after.contains_key(*path))
                .cloned(),
        )
        .collect();
    assert!(
        changed.is_empty(),
        "{name} changed files under .git: {changed:?}"
    );
}

#[test]
fn repo_calls_never_write() {
    let repo = TestRepo::new();
    repo.write("a.py", "a = 1\n");
    repo.write("b.py", "b = 1\n");
    repo.write("c.py", "c = 1\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("a.py", "a = 2\n");
    repo.commit_all("feature edit");
    repo.write("b.py", "b = 2\n");
    repo.git(&["add", "b.py"]);
    repo.write("c.py", "c = 2\n");
    repo.write("untracked.py", "u = 1\n");

    // A file whose stat data no longer matches the index while its contents
    // do: porcelain `git diff` would refresh and rewrite the index here.
    std::fs::write(repo.path.join("a.py"), "a = 2\n").unwrap();
    let later = SystemTime::now() + Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(repo.path.join("a.py"))
        .unwrap()
        .set_modified(later)
        .unwrap();

    let patch = b"--- a/c.py\n+++ b/c.py\n@@ -1 +1 @@\n-c = 2\n+c = 3\n".to_vec();
    let specs = vec![
        DiffSpec::WorkTree,
        DiffSpec::Staged,
        DiffSpec::RevToWorkTree("main".to_owned()),
        DiffSpec::Range {
            base: "main".to_owned(),
            head: "feature".to_owned(),
        },
        DiffSpec::MergeBase {
            base: "main".to_owned(),
            head: "feature".to_owned(),
        },
        DiffSpec::Patch {
            source: PatchSource::Bytes(patch),
        },
    ];

    let mut opened = None;
    assert_unchanged(&repo, "discover", || {
        opened = Some(Repo::discover(&repo.path).unwrap())
    });
    let opened = opened.unwrap();
    let paths: Vec<String> = ["a.py", "b.py", "c.py", "untracked.py"]
        .iter()
        .map(|path| (*path).to_owned())
        .collect();

    for spec in &specs {
        let mut cmp = None;
        assert_unchanged(&repo, &format!("resolve {spec:?}"), || {
            cmp = Some(opened.resolve(spec).unwrap());
        });
        let cmp = cmp.unwrap();
        assert_unchanged(&repo, &format!("changes {spec:?}"), || {
            assert!(!opened.changes(&cmp).unwrap().files.is_empty());
        });
        assert_unchanged(&repo, &format!("commits {spec:?}"), || {
            opened.commits(&cmp).unwrap();
        });
        for side in [&cmp.base, &cmp.head] {
            assert_unchanged(&repo, &format!("list_files {side:?}"), || {
                assert!(!opened.list_files(side).unwrap().is_empty());
            });
            assert_unchanged(&repo, &format!("read_files {side:?}"), || {
                opened.read_files(side, &paths).unwrap();
            });
        }
    }
    assert_unchanged(&repo, "list_files index", || {
        opened.list_files(&Side::Index).unwrap();
    });
    assert_unchanged(&repo, "read_files index", || {
        opened.read_files(&Side::Index, &paths).unwrap();
    });
}
