//! The `blast` binary on real git repositories built in temporary folders:
//! exact changed symbols and dependents, exit codes, deterministic output,
//! SARIF that passes the validator, and a repository left untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn blast(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blast"))
        // In GitHub Actions, `blast diff` without revisions takes the event's diff.
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        // One cache for the whole test binary: runs in parallel share it.
        .env(
            "BLAST_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/blast-cache"),
        )
        .output()
        .expect("blast runs")
}

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A small shop package in two commits: the second changes the body of
/// `shop.db.connect`, which `shop.orders` calls directly and `shop.api`
/// through `shop.orders`. `shop.audit` imports `shop.db` but never calls
/// `connect`.
fn shop_repo(root: &Path) -> PathBuf {
    let dir = root.join("shop-repo");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.name", "Test"]);
    git(&dir, &["config", "user.email", "test@example.invalid"]);
    write(&dir, "shop/__init__.py", "");
    write(
        &dir,
        "shop/db.py",
        "def connect(url):\n    return url\n\n\ndef close(conn):\n    return None\n",
    );
    write(
        &dir,
        "shop/orders.py",
        "from shop.db import connect\n\n\nclass Orders:\n    def load(self):\n        return connect(\"db://orders\")\n",
    );
    write(
        &dir,
        "shop/api.py",
        "from shop.orders import Orders\n\n\ndef list_orders():\n    return Orders().load()\n",
    );
    write(
        &dir,
        "shop/audit.py",
        "import shop.db\n\n\ndef audit():\n    return shop.db.close(None)\n",
    );
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    write(
        &dir,
        "shop/db.py",
        "def connect(url):\n    return url.strip()\n\n\ndef close(conn):\n    return None\n",
    );
    git(&dir, &["commit", "-q", "-am", "strip urls"]);
    dir
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "blast failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("output is JSON")
}

#[test]
fn diff_reports_exact_symbols_and_dependents() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let report = json_of(&blast(
        &repo,
        &["diff", "HEAD~1", "HEAD", "--format", "json"],
    ));

    assert_eq!(report["schema_version"], 1);
    let changes = report["changes"].as_array().unwrap();
    let ids: Vec<&str> = changes.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["shop/db.py::connect"]);
    let change = &changes[0];
    assert_eq!(change["symbol"], "shop.db.connect");
    assert_eq!(change["symbol_kind"], "function");
    assert_eq!(change["change"], "modified");
    assert_eq!(
        (change["start_line"].as_u64(), change["end_line"].as_u64()),
        (Some(1), Some(2))
    );

    let certain: Vec<(String, u64)> = change["certain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["depth"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        certain,
        vec![
            ("shop/orders.py".to_owned(), 1),
            ("shop/orders.py::Orders.load".to_owned(), 1),
            ("shop/api.py::list_orders".to_owned(), 2),
        ]
    );
    assert!(change["possible"].as_array().unwrap().is_empty());
    assert!(change["score"].as_u64().unwrap() > 0);
    let factors: Vec<&str> = change["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        factors,
        vec![
            "reach",
            "breadth",
            "exposure",
            "criticality",
            "tests",
            "change"
        ]
    );
    assert_eq!(report["complete"], true);
}

#[test]
fn text_output_names_changes_and_dependents() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let output = blast(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("modified function shop.db.connect"), "{text}");
    assert!(text.contains("certainly affected (3)"), "{text}");
    assert!(text.contains("shop.api.list_orders"), "{text}");
}

#[test]
fn output_is_deterministic_across_threads_and_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let copy = tmp.path().join("elsewhere").join("clone");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            repo.to_str().unwrap(),
            copy.to_str().unwrap(),
        ],
    );
    for format in ["json", "sarif", "text", "markdown", "dot", "mermaid"] {
        let one = blast(
            &repo,
            &["-j", "1", "diff", "HEAD~1", "HEAD", "--format", format],
        )
        .stdout;
        let many = blast(
            &repo,
            &["-j", "4", "diff", "HEAD~1", "HEAD", "--format", format],
        )
        .stdout;
        let cloned = blast(
            &copy,
            &["-j", "2", "diff", "HEAD~1", "HEAD", "--format", format],
        )
        .stdout;
        assert!(!one.is_empty());
        assert_eq!(one, many, "{format} differs between -j 1 and -j 4");
        assert_eq!(one, cloned, "{format} differs between checkouts");
    }
    let graph_one = blast(&repo, &["-j", "1", "graph"]).stdout;
    let graph_many = blast(&repo, &["-j", "4", "graph"]).stdout;
    assert_eq!(graph_one, graph_many);
}

#[test]
fn sarif_passes_the_validator() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let sarif_path = tmp.path().join("blast.sarif");
    let output = blast(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "HEAD",
            "--format",
            "sarif",
            "-o",
            sarif_path.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "shop/db.py"
    );

    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/validate-sarif");
    let check = Command::new("python3")
        .arg(&validator)
        .args(["--strict", "--repo-root"])
        .arg(&repo)
        .arg(&sarif_path)
        .output()
        .expect("python3 runs the validator");
    assert!(
        check.status.success(),
        "validate-sarif failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn graph_tsv_has_the_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let output = blast(&repo, &["graph", "--format", "tsv"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("source_symbol\tsource_file\ttarget_symbol\ttarget_file\tkind\tresolution")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.contains(
            &"shop.orders.Orders.load\tshop/orders.py\tshop.db.connect\tshop/db.py\tcall\texact"
        ),
        "{text}"
    );
    assert!(rows.iter().all(|r| r.split('\t').count() == 6));

    let files = String::from_utf8(blast(&repo, &["graph", "--level", "file"]).stdout).unwrap();
    let pairs: Vec<(&str, &str)> = files
        .lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[1], cols[3])
        })
        .collect();
    let mut unique = pairs.clone();
    unique.dedup();
    assert_eq!(pairs, unique, "each file pair once");
    assert!(pairs.contains(&("shop/orders.py", "shop/db.py")));
}

#[test]
fn fail_on_sets_exit_code_one() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let below = blast(&repo, &["diff", "HEAD~1", "HEAD", "--fail-on", "critical"]);
    assert_eq!(below.status.code(), Some(0));
    let above = blast(&repo, &["diff", "HEAD~1", "HEAD", "--fail-on", "low"]);
    assert_eq!(above.status.code(), Some(1));
}

#[test]
fn errors_have_messages_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let not_repo = tmp.path().join("plain");
    std::fs::create_dir_all(&not_repo).unwrap();
    let output = blast(&not_repo, &["diff"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a git repository"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");

    let repo = shop_repo(tmp.path());
    let output = blast(&repo, &["diff", "no-such-rev"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-rev"));

    let output = blast(&repo, &["diff", "--patch", "missing.diff"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing patch file is a usage error"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("patch file 'missing.diff' not found"),
        "{stderr}"
    );

    let output = blast(&repo, &["diff", "--format", "yaml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn numeric_flags_explain_invalid_values() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let cases: [(&[&str], &str); 9] = [
        (&["diff", "--max-dependents", "0"], "at least 1"),
        (&["diff", "--max-dependents", "-5"], "at least 1"),
        (
            &["diff", "--show", "-1"],
            "invalid value '-1' for '--show <N>'",
        ),
        (&["diff", "--parse-timeout", "-2"], "invalid value '-2'"),
        (&["diff", "--max-total-edges", "0"], "at least 1"),
        (&["diff", "--max-file-size", "10x"], "K, M or G"),
        (&["graph", "--max-file-size", "0"], "K, M or G"),
        (&["diff", "--show", "ten"], "whole number"),
        (&["-j", "many", "diff"], "whole number"),
    ];
    for (args, expected) in cases {
        let output = blast(&repo, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("invalid digit"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }

    // A size with a suffix is accepted, and every file of the shop is below
    // 10K. Formats and levels are read in any case.
    let report = json_of(&blast(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "--max-file-size",
            "10k",
            "--format",
            "JSON",
            "--fail-on",
            "Critical",
        ],
    ));
    assert_eq!(report["complete"], true, "{report}");
    let output = blast(&repo, &["-j", "0", "diff", "HEAD~1", "--show", "0"]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn patch_from_stdin_is_applied_to_the_work_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let patch = "--- a/shop/db.py\n+++ b/shop/db.py\n@@ -5,2 +5,2 @@\n def close(conn):\n-    return None\n+    return conn\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_blast"))
        // In GitHub Actions, `blast diff` without revisions takes the event's diff.
        .env_remove("GITHUB_ACTIONS")
        .args(["diff", "--patch", "-", "--format", "json"])
        .current_dir(&repo)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), patch.as_bytes()).unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    let report = json_of(&output);
    let ids: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["shop/db.py::close"]);
    let certain: Vec<&str> = report["changes"][0]["certain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(certain, vec!["shop/audit.py::audit"]);
}

/// Every file under the repository, `.git` included, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn commands_leave_the_repository_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // Work-tree changes of every kind, so the work-tree modes have
    // something to compare.
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.lower()\n\n\ndef close(conn):\n    return None\n",
    );
    write(
        &repo,
        "shop/new.py",
        "from shop.db import close\n\n\ndef fresh():\n    return close(1)\n",
    );
    write(
        &repo,
        "shop/api.py",
        "from shop.orders import Orders\n\n\ndef list_orders():\n    return []\n",
    );
    git(&repo, &["add", "shop/api.py"]);
    let before = snapshot(&repo);
    for args in [
        vec!["diff"],
        vec!["diff", "--staged"],
        vec!["diff", "HEAD~1"],
        vec!["diff", "HEAD~1...HEAD", "--format", "sarif"],
        vec!["graph"],
        vec!["graph", "--rev", "HEAD~1", "--level", "file"],
    ] {
        let output = blast(&repo, &args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            snapshot(&repo) == before,
            "blast {args:?} changed the repository"
        );
    }
}

#[test]
fn work_tree_mode_includes_untracked_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "shop/new.py",
        "from shop.db import close\n\n\ndef fresh():\n    return close(1)\n",
    );
    write(&repo, ".gitignore", "scratch.py\n");
    write(&repo, "scratch.py", "def scratch():\n    return 1\n");
    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let changes: Vec<(&str, &str)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert!(
        changes.contains(&("shop/new.py::fresh", "added")),
        "{changes:?}"
    );
    assert!(
        !changes.iter().any(|(id, _)| id.starts_with("scratch.py")),
        "{changes:?}"
    );
    assert_eq!(report["head"]["label"], "work tree");
}

#[test]
fn policy_file_sets_ignores_and_thresholds() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "blast.toml",
        "[paths]\nignore = [\"shop/api.py\"]\n\n[thresholds]\nfail_on = \"low\"\n",
    );
    let output = blast(&repo, &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the policy's fail_on applies"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["fail_on"], "low");
    let certain: Vec<&str> = report["changes"][0]["certain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(
        !certain.iter().any(|id| id.starts_with("shop/api.py")),
        "ignored file: {certain:?}"
    );

    let overridden = blast(&repo, &["diff", "HEAD~1", "HEAD", "--fail-on", "critical"]);
    assert_eq!(overridden.status.code(), Some(0), "the command line wins");

    // A changed file that the policy ignores is listed, not analysed.
    write(&repo, "blast.toml", "[paths]\nignore = [\"shop/db.py\"]\n");
    let report: Value = serde_json::from_slice(
        &blast(&repo, &["diff", "HEAD~1", "HEAD", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(report["files"][0]["path"], "shop/db.py");
    assert_eq!(report["files"][0]["ignored"], true);
    let text = String::from_utf8(blast(&repo, &["diff", "HEAD~1", "HEAD"]).stdout).unwrap();
    assert!(text.contains("1 file changed (0 analysed)"), "{text}");
}

#[test]
fn invalid_policy_names_key_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "blast.toml",
        "[thresholds]\nfail_on = \"low\"\nfail_onn = \"high\"\n",
    );
    let output = blast(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("fail_onn"), "{stderr}");
    assert!(stderr.contains("blast.toml"), "{stderr}");
}

#[test]
fn policy_entries_matching_nothing_warn() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "blast.toml",
        "[tests]\npatterns = [\"tset/**\"]\n\n[python]\nroots = [\"nonexistent\"]\n",
    );
    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("[tests] patterns")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("\"nonexistent\"")),
        "{warnings:?}"
    );
}

#[test]
fn tests_command_lists_reaching_tests() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "tests/test_orders.py",
        "from shop.orders import Orders\n\n\nclass TestOrders:\n    def test_load(self):\n        assert Orders().load()\n\n\ndef test_unrelated():\n    assert True\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "add tests"]);
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.upper()\n\n\ndef close(conn):\n    return None\n",
    );
    let output = blast(&repo, &["tests"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout, "tests/test_orders.py::TestOrders::test_load\n");

    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let change = &report["changes"][0];
    assert_eq!(
        change["tests"][0]["id"],
        "tests/test_orders.py::TestOrders.test_load"
    );
    let test_factor = change["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "tests")
        .unwrap();
    assert_eq!(test_factor["points"], 0.0);

    // The text counts the dependents that are test code.
    let text = String::from_utf8(blast(&repo, &["diff"]).stdout).unwrap();
    assert!(
        text.contains("certainly affected (4, 1 of them in test code):"),
        "{text}"
    );

    // A comment and blank lines change no behaviour: no test to run.
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    # Without spaces.\n    return url.strip()\n\n\ndef close(conn):\n    return None\n",
    );
    let output = blast(&repo, &["tests"]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("whitespace and comments only"), "{stderr}");
}

/// Makes a repository from `files`, commits it, then writes `edit` over
/// one of them in the work tree.
fn repo_with(root: &Path, files: &[(&str, &str)], edit: (&str, &str)) -> PathBuf {
    let dir = root.join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.name", "Test"]);
    git(&dir, &["config", "user.email", "test@example.invalid"]);
    for (path, text) in files {
        write(&dir, path, text);
    }
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "initial"]);
    write(&dir, edit.0, edit.1);
    dir
}

fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn tests_command_lists_what_pytest_collects() {
    let tmp = tempfile::tempdir().unwrap();
    let connect = "def connect(url):\n    return url\n";
    let repo = repo_with(
        tmp.path(),
        &[
            ("shop/__init__.py", ""),
            ("shop/db.py", connect),
            (
                "tests/base.py",
                "import unittest\n\nfrom shop.db import connect\n\n\nclass BaseCase(unittest.TestCase):\n    def setUp(self):\n        self.conn = connect(\"db://base\")\n\n\nclass PlainBase:\n    pass\n",
            ),
            (
                "tests/test_db.py",
                "import unittest\nfrom unittest import IsolatedAsyncioTestCase\n\nfrom shop.db import connect\nfrom tests.base import BaseCase, PlainBase\n\n\ndef test_module_level():\n    connect(\"a\")\n\n    def test_nested():\n        connect(\"b\")\n\n\nclass TestNamed:\n    def test_method(self):\n        connect(\"c\")\n\n    class TestInner:\n        def test_inner(self):\n            connect(\"d\")\n\n\nclass DbCase(unittest.TestCase):\n    def test_case(self):\n        connect(\"e\")\n\n\nclass AsyncCase(IsolatedAsyncioTestCase):\n    async def test_async(self):\n        connect(\"f\")\n\n\nclass DerivedCase(BaseCase):\n    def test_derived(self):\n        connect(\"g\")\n\n\nclass MySchema:\n    def test_validate(self):\n        connect(\"h\")\n\n\nclass Plain(PlainBase):\n    def test_plain(self):\n        connect(\"i\")\n\n\nclass Outer:\n    class TestHidden:\n        def test_hidden(self):\n            connect(\"j\")\n",
            ),
        ],
        ("shop/db.py", "def connect(url):\n    return url.strip()\n"),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    let listed: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        listed,
        [
            "tests/test_db.py::test_module_level",
            "tests/test_db.py::TestNamed::test_method",
            "tests/test_db.py::TestNamed::TestInner::test_inner",
            "tests/test_db.py::DbCase::test_case",
            "tests/test_db.py::AsyncCase::test_async",
            "tests/test_db.py::DerivedCase::test_derived",
        ]
    );
}

#[test]
fn staged_without_commits_compares_with_empty_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(&repo, "staged.py", "def staged():\n    return 1\n");
    write(&repo, "unstaged.py", "def unstaged():\n    return 2\n");
    git(&repo, &["add", "staged.py"]);

    let report = json_of(&blast(&repo, &["diff", "--staged", "--format", "json"]));
    let files: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"staged.py"), "{report}");
    assert!(!files.contains(&"unstaged.py"), "{report}");
}

#[test]
fn tests_command_lists_junit_tests_not_their_helpers() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(
        tmp.path(),
        &[
            (
                "src/main/java/shop/Db.java",
                "package shop;\n\npublic class Db {\n    public static String connect(String url) {\n        return url;\n    }\n}\n",
            ),
            (
                "src/test/java/shop/DbTest.java",
                "package shop;\n\nimport org.junit.jupiter.api.Test;\n\nclass DbTest {\n    private String open() {\n        return Db.connect(\"db://test\");\n    }\n\n    @Test\n    void connects() {\n        open();\n    }\n\n    @org.junit.jupiter.params.ParameterizedTest\n    void connectsTo(String url) {\n        Db.connect(url);\n    }\n}\n",
            ),
            (
                "src/test/java/shop/LegacyDbTest.java",
                "package shop;\n\npublic class LegacyDbTest extends junit.framework.TestCase {\n    public void testConnect() {\n        Db.connect(\"db://legacy\");\n    }\n}\n",
            ),
        ],
        (
            "src/main/java/shop/Db.java",
            "package shop;\n\npublic class Db {\n    public static String connect(String url) {\n        return url.trim();\n    }\n}\n",
        ),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    assert_eq!(
        stdout,
        "shop.DbTest.connects()\nshop.DbTest.connectsTo(String)\nshop.LegacyDbTest.testConnect()\n"
    );
}

/// Test module text whose classes inherit test methods from a collected
/// `TestCase` and from a mixin that pytest does not collect.
const INHERITING_TESTS: &str = "import unittest\n\nfrom shop.db import connect\n\n\nclass Checks:\n    def test_mixin(self):\n        connect(\"m\")\n\n\nclass Test02_Without(unittest.TestCase):\n    def test_connect(self):\n        connect(\"a\")\n\n    def test_other(self):\n        pass\n\n\nclass Test04_With(Test02_Without):\n    pass\n\n\nclass Test05_Override(Test02_Without):\n    def test_connect(self):\n        pass\n\n\nclass Test06_Deeper(Test05_Override):\n    pass\n\n\nclass TestMixed(Checks):\n    pass\n";

#[test]
fn tests_command_lists_inherited_tests() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(
        tmp.path(),
        &[
            ("shop/__init__.py", ""),
            ("shop/db.py", "def connect(url):\n    return url\n"),
            ("tests/__init__.py", ""),
            ("tests/test_unit.py", INHERITING_TESTS),
            (
                "tests/test_other.py",
                "from tests import test_unit\n\n\nclass TestImported(test_unit.Test02_Without):\n    pass\n",
            ),
        ],
        ("shop/db.py", "def connect(url):\n    return url.strip()\n"),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    assert_eq!(
        stdout,
        "tests/test_other.py::TestImported::test_connect\n\
         tests/test_unit.py::Test02_Without::test_connect\n\
         tests/test_unit.py::Test04_With::test_connect\n\
         tests/test_unit.py::TestMixed::test_mixin\n"
    );
}

#[test]
fn changed_test_lists_inherited_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let changed = INHERITING_TESTS.replace(
        "    def test_other(self):\n        pass\n",
        "    def test_other(self):\n        assert True\n",
    );
    let repo = repo_with(
        tmp.path(),
        &[
            ("shop/__init__.py", ""),
            ("shop/db.py", "def connect(url):\n    return url\n"),
            ("tests/test_unit.py", INHERITING_TESTS),
        ],
        ("tests/test_unit.py", &changed),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    assert_eq!(
        stdout,
        "tests/test_unit.py::Test02_Without::test_other\n\
         tests/test_unit.py::Test04_With::test_other\n\
         tests/test_unit.py::Test05_Override::test_other\n\
         tests/test_unit.py::Test06_Deeper::test_other\n"
    );
}

#[test]
fn added_test_class_lists_inherited_tests() {
    let tmp = tempfile::tempdir().unwrap();
    let added = format!("{INHERITING_TESTS}\n\nclass Test07_Added(Test02_Without):\n    pass\n");
    let repo = repo_with(
        tmp.path(),
        &[
            ("shop/__init__.py", ""),
            ("shop/db.py", "def connect(url):\n    return url\n"),
            ("tests/test_unit.py", INHERITING_TESTS),
        ],
        ("tests/test_unit.py", &added),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    assert_eq!(
        stdout,
        "tests/test_unit.py::Test07_Added::test_connect\n\
         tests/test_unit.py::Test07_Added::test_other\n"
    );
}

#[test]
fn added_java_class_brings_its_tests() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(
        tmp.path(),
        &[(
            "src/main/java/shop/Db.java",
            "package shop;\n\npublic class Db {\n    public static String connect(String url) {\n        return url;\n    }\n}\n",
        )],
        (
            "src/test/java/shop/DbTest.java",
            "package shop;\n\nimport org.junit.jupiter.api.Test;\n\nclass DbTest {\n    private String open() {\n        return Db.connect(\"db://test\");\n    }\n\n    @Test\n    void connects() {\n        open();\n    }\n}\n",
        ),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    assert_eq!(stdout, "shop.DbTest.connects()\n");
}

#[test]
fn tests_command_lists_rust_tests_not_their_helpers() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(
        tmp.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            (
                "src/lib.rs",
                "pub fn connect(url: &str) -> String {\n    url.to_owned()\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    fn open() -> String {\n        connect(\"db://test\")\n    }\n\n    #[test]\n    fn connects() {\n        open();\n    }\n\n    #[tokio::test]\n    async fn connects_async() {\n        connect(\"db://async\");\n    }\n}\n",
            ),
        ],
        (
            "src/lib.rs",
            "pub fn connect(url: &str) -> String {\n    url.trim().to_owned()\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    fn open() -> String {\n        connect(\"db://test\")\n    }\n\n    #[test]\n    fn connects() {\n        open();\n    }\n\n    #[tokio::test]\n    async fn connects_async() {\n        connect(\"db://async\");\n    }\n}\n",
        ),
    );
    let stdout = stdout_of(&blast(&repo, &["tests"]));
    assert_eq!(
        stdout,
        "shop::tests::connects\nshop::tests::connects_async\n"
    );
}

#[test]
fn tool_assisted_commits_get_the_stricter_threshold() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(&repo, "blast.toml", "[provenance]\nfail_on = \"low\"\n");
    git(&repo, &["add", "blast.toml"]);
    git(&repo, &["commit", "-q", "-m", "add policy"]);
    let plain = blast(&repo, &["diff", "HEAD~2", "HEAD", "--format", "json"]);
    assert_eq!(plain.status.code(), Some(0), "no tool-assisted commit");
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.lower()\n\n\ndef close(conn):\n    return None\n",
    );
    git(
        &repo,
        &[
            "commit",
            "-q",
            "-am",
            "lower urls\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        ],
    );
    let output = blast(&repo, &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["tool_assisted"], true);
    assert_eq!(
        report["commits"][0]["tool_trailers"][0],
        "Co-authored-by: Claude <noreply@anthropic.com>"
    );

    // Against the work tree, the commits up to HEAD are in the range too.
    let work_tree = blast(&repo, &["diff", "HEAD~1", "--format", "json"]);
    assert_eq!(work_tree.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&work_tree.stdout).unwrap();
    assert_eq!(report["tool_assisted"], true);
    let plain_work_tree = blast(&repo, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(
        json_of(&plain_work_tree)["commits"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "HEAD against the work tree holds no commit"
    );
}

#[test]
fn tiers_raise_the_score_of_critical_code() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let plain = json_of(&blast(
        &repo,
        &["diff", "HEAD~1", "HEAD", "--format", "json"],
    ));
    write(
        &repo,
        "blast.toml",
        "[[tiers]]\nname = \"storage\"\npaths = [\"shop/db.py\"]\nweight = 2\n",
    );
    let tiered = json_of(&blast(
        &repo,
        &["diff", "HEAD~1", "HEAD", "--format", "json"],
    ));
    assert_eq!(tiered["changes"][0]["tiers"][0], "storage");
    assert!(tiered["changes"][0]["score"].as_u64() > plain["changes"][0]["score"].as_u64());
}

#[test]
fn markdown_summarises_for_pull_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let output = blast(&repo, &["diff", "HEAD~1", "HEAD", "--format", "markdown"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("### blast radius: "), "{text}");
    assert!(
        text.contains("| `shop.db.connect` (shop/db.py:1) |")
            || text.contains("`shop.db.connect` (shop/db.py:1)"),
        "{text}"
    );
    assert!(text.contains("<details>"), "{text}");
}

/// Commits `files` on top of the shop repository and returns the JSON
/// report of that last commit.
fn report_after(repo: &Path, files: &[(&str, &str)], removed: &[&str]) -> Value {
    for (path, text) in files {
        write(repo, path, text);
    }
    for path in removed {
        std::fs::remove_file(repo.join(path)).unwrap();
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "edit"]);
    json_of(&blast(
        repo,
        &["diff", "HEAD~1", "HEAD", "--format", "json"],
    ))
}

fn change_of<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no change {id} in {}", report["changes"]))
}

#[test]
fn change_kinds_are_told_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let report = report_after(
        &repo,
        &[(
            "shop/db.py",
            "def connect(url, timeout=3):\n    return url.strip()\n\n\ndef close(conn):  # idempotent\n    return   None\n",
        )],
        &[],
    );
    let connect = change_of(&report, "shop/db.py::connect");
    assert_eq!(connect["modification"], "signature");
    let close = change_of(&report, "shop/db.py::close");
    assert_eq!(close["modification"], "formatting");
    assert_eq!(close["score"], 0);

    let report = report_after(
        &repo,
        &[(
            "shop/db.py",
            "def connect(url, timeout=3):\n    return url.strip().lower()\n\n\ndef close(conn):  # idempotent\n    return   None\n",
        )],
        &[],
    );
    assert_eq!(
        change_of(&report, "shop/db.py::connect")["modification"],
        "body"
    );
}

/// Lists the id, kind, modification and number of likely-break dependents
/// of each change.
fn change_summary(report: &Value) -> Vec<(String, String, String, usize)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["change"].as_str().unwrap().to_owned(),
                c["modification"].as_str().unwrap_or_default().to_owned(),
                c["still_referenced"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[test]
fn java_local_class_survives_parameter_change() {
    let tmp = tempfile::tempdir().unwrap();
    let scanner = "package p;\npublic class Scanner {\n    public int scan(int node, int target) { return node; }\n    public int scanAll(int[] nodes, int target) {\n        for (int n : nodes) { scan(n, target); }\n        return 0;\n    }\n}\n";
    let paths = |params: &str, test: &str| {
        format!(
            "package p;\npublic class Paths {{\n    public static int find(int[] nodes) {{\n        return find(nodes, 0);\n    }}\n\n    public static int find({params}) {{\n        class Finder extends Scanner {{\n            private int result;\n\n            @Override\n            public int scan(int node, int target) {{\n                if ({test}) {{ result = node; }}\n                return result;\n            }}\n\n            @Override\n            public int scanAll(int[] nodes, int target) {{\n                super.scanAll(nodes, target);\n                return result;\n            }}\n        }}\n        return new Finder().scanAll(nodes, target);\n    }}\n}}\n"
        )
    };

    let repo = repo_with(
        tmp.path(),
        &[
            ("src/p/Scanner.java", scanner),
            (
                "src/p/Paths.java",
                &paths("int[] nodes, int target", "node == target"),
            ),
        ],
        (
            "src/p/Paths.java",
            &paths("int[] nodes, int target, boolean strict", "node >= target"),
        ),
    );
    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));

    // The method's text changed with the local class in it, so its old and
    // new overloads are a deletion and an addition.
    let old_find = "src/p/Paths.java::Paths.find(int[],int)";
    let new_find = "src/p/Paths.java::Paths.find(int[],int,boolean)";
    let scan = "src/p/Paths.java::Paths.find(int[],int,boolean).Finder.scan(int,int)";
    assert_eq!(
        change_summary(&report),
        [
            (old_find.to_owned(), "deleted".to_owned(), String::new(), 1),
            (scan.to_owned(), "modified".to_owned(), "body".to_owned(), 0),
            (new_find.to_owned(), "added".to_owned(), String::new(), 0),
        ],
        "the unchanged field and override of the local class are not reported"
    );
    let still = &change_of(&report, old_find)["still_referenced"][0]["symbol"];
    assert_eq!(still, "p.Paths.find(int[])");
}

#[test]
fn rust_trait_path_respelling_is_formatting() {
    let tmp = tempfile::tempdir().unwrap();
    let lib = |trait_path: &str| {
        format!(
            "pub trait Entries {{\n    type Entry;\n    fn count(&self) -> usize;\n}}\n\npub struct Core<K> {{\n    items: Vec<K>,\n}}\n\nimpl<K> {trait_path} for Core<K> {{\n    type Entry = K;\n\n    fn count(&self) -> usize {{\n        self.items.len()\n    }}\n}}\n\npub fn total<K>(core: &Core<K>) -> usize {{\n    core.count()\n}}\n"
        )
    };
    let repo = repo_with(
        tmp.path(),
        &[("src/lib.rs", &lib("Entries"))],
        ("src/lib.rs", &lib("crate::Entries")),
    );
    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));
    assert_eq!(
        change_summary(&report),
        [(
            "src/lib.rs::<Core<K> as crate::Entries>".to_owned(),
            "modified".to_owned(),
            "formatting".to_owned(),
            0
        )]
    );
    assert_eq!(report["total"]["score"], 0);
}

#[test]
fn constant_value_is_body_change() {
    let tmp = tempfile::tempdir().unwrap();
    let rust = |ty: &str, value: &str| {
        format!("pub const LIMIT: {ty} = {value};\n\npub fn limit() -> {ty} {{\n    LIMIT\n}}\n")
    };
    let java = |ty: &str, value: &str| {
        format!(
            "package p;\npublic class Limits {{\n    public static final {ty} LIMIT = {value};\n    private java.util.List<String> names = new java.util.ArrayList<>();\n}}\n"
        )
    };
    let python = |annotation: &str, value: &str| format!("LIMIT: {annotation} = {value}\n");
    let repo = repo_with(
        tmp.path(),
        &[
            ("src/lib.rs", &rust("usize", "3")),
            ("src/p/Limits.java", &java("int", "3")),
            ("limits.py", &python("int", "3")),
        ],
        ("src/lib.rs", &rust("usize", "4")),
    );
    write(
        &repo,
        "src/p/Limits.java",
        &java("int", "4").replace("ArrayList", "LinkedList"),
    );
    write(&repo, "limits.py", &python("int", "4"));
    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let modification = |id| change_of(&report, id)["modification"].clone();
    assert_eq!(modification("src/lib.rs::LIMIT"), "body");
    assert_eq!(modification("src/p/Limits.java::Limits.LIMIT"), "body");
    assert_eq!(modification("src/p/Limits.java::Limits.names"), "body");
    assert_eq!(modification("limits.py::LIMIT"), "body");

    write(&repo, "src/lib.rs", &rust("u64", "3"));
    write(&repo, "src/p/Limits.java", &java("long", "3"));
    write(&repo, "limits.py", &python("str", "3"));
    let report = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let modification = |id| change_of(&report, id)["modification"].clone();
    assert_eq!(modification("src/lib.rs::LIMIT"), "signature");
    assert_eq!(modification("src/p/Limits.java::Limits.LIMIT"), "signature");
    assert_eq!(
        modification("limits.py::LIMIT"),
        "body",
        "Python does not check annotations"
    );
}

#[test]
fn renames_are_moves_and_stale_callers_are_likely_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // `connect` becomes `open_connection` with the same body; orders.py
    // still calls the old name.
    let report = report_after(
        &repo,
        &[(
            "shop/db.py",
            "def open_connection(url):\n    return url.strip()\n\n\ndef close(conn):\n    return None\n",
        )],
        &[],
    );
    let moved = change_of(&report, "shop/db.py::open_connection");
    assert_eq!(moved["change"], "moved");
    assert_eq!(moved["old_symbol"], "shop.db.connect");
    let still: Vec<&str> = moved["still_referenced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        still,
        vec!["shop/orders.py", "shop/orders.py::Orders.load"],
        "the import line and the call"
    );

    // Updating the caller clears the finding.
    let report = report_after(
        &repo,
        &[(
            "shop/orders.py",
            "from shop.db import open_connection\n\n\nclass Orders:\n    def load(self):\n        return open_connection(\"db://orders\")\n",
        )],
        &[],
    );
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["still_referenced"].as_array().unwrap().is_empty())
    );
}

/// The JSON report without the counters that legitimately differ between
/// the prefiltered and the full run (how many files were parsed).
fn without_stats(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("stats");
    report
}

#[test]
fn prefilter_matches_full_graph_on_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "tests/test_orders.py",
        "from shop.orders import Orders\n\n\ndef test_load():\n    assert Orders().load()\n",
    );
    write(
        &repo,
        "shop/unrelated.py",
        "def elsewhere():\n    return 1\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "more files"]);
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.casefold()\n\n\ndef close(conn):\n    return conn\n",
    );
    let fast = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let full = json_of(&blast(&repo, &["diff", "--full-graph", "--format", "json"]));
    assert!(
        fast["stats"]["files_parsed"].as_u64() < full["stats"]["files_parsed"].as_u64(),
        "the prefilter parses fewer files"
    );
    assert_eq!(without_stats(fast), without_stats(full));
}

#[test]
fn prefilter_matches_full_graph_on_stdlib() {
    // The machine's CPython standard library `email` package, with an edit
    // to a widely used helper and one to a rarely used one.
    let stdlib = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs");
    let stdlib = PathBuf::from(String::from_utf8(stdlib.stdout).unwrap().trim());
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("stdlib");
    init_repo(&repo);
    for package in ["email", "json"] {
        let status = Command::new("cp")
            .arg("-R")
            .arg(stdlib.join(package))
            .arg(&repo)
            .status()
            .unwrap();
        assert!(status.success());
    }
    write(&repo, ".gitignore", "__pycache__/\n");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "stdlib"]);
    let utils = repo.join("email/utils.py");
    let text = std::fs::read_to_string(&utils).unwrap();
    let edited = text.replacen(
        "                           fallback_charset='us-ascii'):\n",
        "                           fallback_charset='us-ascii'):\n    errors = errors or 'replace'\n",
        1,
    );
    assert_ne!(
        text, edited,
        "collapse_rfc2231_value is where it was expected"
    );
    std::fs::write(&utils, edited).unwrap();
    // Cold, then warm: the warm run's prefilter reads the base side's words
    // from the cache instead of the files.
    let cache = tmp.path().join("cache");
    let fast = json_of(&blast_cached(&repo, &cache, &["diff", "--format", "json"]));
    let warm = json_of(&blast_cached(&repo, &cache, &["diff", "--format", "json"]));
    let full = json_of(&blast(
        &repo,
        &["diff", "--full-graph", "--no-cache", "--format", "json"],
    ));
    assert!(
        !fast["changes"][0]["certain"].as_array().unwrap().is_empty(),
        "collapse_rfc2231_value has dependents"
    );
    assert!(fast["stats"]["files_parsed"].as_u64() < full["stats"]["files_parsed"].as_u64());
    assert_eq!(without_stats(warm), without_stats(fast.clone()));
    assert_eq!(without_stats(fast), without_stats(full));
}

/// Runs `blast diff HEAD~1 HEAD` with `extra` arguments in JSON, text and
/// SARIF, and checks that each output names the limit `name` with its flag
/// and value and marks the result as a lower bound.
fn assert_limit_reported(repo: &Path, extra: &[&str], name: &str, flag: &str, value: &str) {
    let run = |format: &str| -> Output {
        let mut args = vec!["diff", "HEAD~1", "HEAD", "--format", format];
        args.extend_from_slice(extra);
        let output = blast(repo, &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    };
    let named = format!("{flag} ({value}");

    let report = json_of(&run("json"));
    assert_eq!(report["complete"], false, "{extra:?}");
    let limits = report["limits_reached"].as_array().unwrap();
    let limit = limits
        .iter()
        .find(|limit| limit["limit"] == name)
        .unwrap_or_else(|| panic!("{name} missing from {limits:?}"));
    assert_eq!(limit["flag"], flag);
    assert_eq!(limit["value"].to_string(), value);
    assert!(limit["count"].as_u64().unwrap() >= 1);
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|warning| warning.contains(&named)),
        "no warning names {named}: {warnings:?}"
    );

    let text = String::from_utf8(run("text").stdout).unwrap();
    assert!(text.contains("INCOMPLETE"), "{text}");
    assert!(text.contains(&named), "{text}");

    let sarif = run("sarif").stdout;
    let log: Value = serde_json::from_slice(&sarif).unwrap();
    let sarif_run = &log["runs"][0];
    assert_eq!(sarif_run["properties"]["complete"], false);
    assert!(
        sarif_run["properties"]["limitsReached"]
            .as_array()
            .unwrap()
            .contains(&Value::from(name)),
        "{}",
        sarif_run["properties"]
    );
    let notes = sarif_run["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains(&named), "{notes}");
    let sarif_path = repo.parent().unwrap().join("limits.sarif");
    std::fs::write(&sarif_path, &sarif).unwrap();
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/validate-sarif");
    let check = Command::new("python3")
        .arg(&validator)
        .args(["--strict", "--repo-root"])
        .arg(repo)
        .arg(&sarif_path)
        .output()
        .expect("python3 runs the validator");
    assert!(
        check.status.success(),
        "validate-sarif failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn limits_are_named_and_mark_the_result_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());

    // Within the default limits, the result is complete.
    let report = json_of(&blast(
        &repo,
        &["diff", "HEAD~1", "HEAD", "--format", "json"],
    ));
    assert_eq!(report["complete"], true);
    assert_eq!(report["limits_reached"], Value::Array(Vec::new()));

    assert_limit_reported(
        &repo,
        &["--max-file-size", "40"],
        "max_file_size",
        "--max-file-size",
        "40",
    );
    assert_limit_reported(
        &repo,
        &["--max-dependents", "1"],
        "max_dependents",
        "--max-dependents",
        "1",
    );
    assert_limit_reported(
        &repo,
        &["--max-total-edges", "1"],
        "max_total_edges",
        "--max-total-edges",
        "1",
    );
}

/// A file whose tree-sitter query runs past `--parse-timeout` is skipped
/// as timed out, and the report names the limit.
#[test]
fn parse_timeout_is_named_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // 200,000 nested casts: a second or more to query in any build.
    let casts = "(Object)".repeat(200_000);
    let java = |value: &str| {
        format!("package p;\nclass Casts {{\n  Object casts() {{ return {casts}{value}; }}\n}}\n")
    };
    write(&repo, "src/p/Casts.java", &java("1"));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "casts"]);
    write(&repo, "src/p/Casts.java", &java("2"));
    git(&repo, &["commit", "-q", "-am", "edit casts"]);

    let output = blast(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "HEAD",
            "--format",
            "json",
            "--parse-timeout",
            "0.2",
        ],
    );
    let report = json_of(&output);
    let skipped = report["stats"]["files_skipped"].to_string();
    assert!(
        skipped.contains(r#"{"path":"src/p/Casts.java","reason":"timed_out"}"#),
        "{skipped}"
    );
    assert_limit_reported(
        &repo,
        &["--parse-timeout", "0.2"],
        "parse_timeout",
        "--parse-timeout",
        "0.2",
    );
}

/// When the edge budget runs out, the same symbols are cut short on every
/// run, whatever the number of threads.
#[test]
fn edge_budget_truncation_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let mut db = String::new();
    for idx in 0..40 {
        db.push_str(&format!("def f{idx}():\n    return {idx}\n\n\n"));
    }
    let mut users = String::from("from shop.db import *\n\n\n");
    for idx in 0..40 {
        users.push_str(&format!(
            "def use{idx}():\n    return f{idx}() + f{}()\n\n\n",
            (idx + 1) % 40
        ));
    }
    write(&repo, "shop/many.py", &db);
    write(
        &repo,
        "shop/users.py",
        &users.replace("shop.db", "shop.many"),
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "many"]);
    write(&repo, "shop/many.py", &db.replace("return", "return 1 +"));
    git(&repo, &["commit", "-q", "-am", "edit many"]);

    let args = [
        "diff",
        "HEAD~1",
        "HEAD",
        "--format",
        "json",
        "--max-total-edges",
        "30",
    ];
    let first = blast(&repo, &args);
    let report = json_of(&first);
    assert_eq!(report["complete"], false);
    let truncated = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|change| change["truncated"] == true)
        .count();
    assert!(truncated > 0, "the budget cut nothing short");
    for threads in ["1", "2", "4"] {
        let mut with_threads = vec!["-j", threads];
        with_threads.extend_from_slice(&args);
        let again = blast(&repo, &with_threads);
        assert!(
            again.stdout == first.stdout,
            "output differs with {threads} threads"
        );
    }
}

#[test]
fn constructor_change_reaches_callers_of_subclasses() {
    // `Repo.__init__` changes. `make` calls `Repo()`, and `make_cached`
    // calls `Cached()`, a subclass in another file that inherits the
    // constructor. The file of `make_cached` never spells `Repo` or
    // `__init__`, so the prefilter finds it through `Cached` only.
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("constructor-repo");
    init_repo(&repo);
    write(
        &repo,
        "store/repo.py",
        "class Repo:\n    def __init__(self, url):\n        self.url = url\n",
    );
    write(
        &repo,
        "store/cached.py",
        "from store.repo import Repo\n\n\nclass Cached(Repo):\n    pass\n",
    );
    write(
        &repo,
        "app/make.py",
        "from store.repo import Repo\n\n\ndef make():\n    return Repo(\"db://\")\n",
    );
    write(
        &repo,
        "app/fast.py",
        "from store.cached import Cached\n\n\ndef make_cached():\n    return Cached(\"db://\")\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    write(
        &repo,
        "store/repo.py",
        "class Repo:\n    def __init__(self, url):\n        self.url = url.strip()\n",
    );

    let fast = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let change = change_of(&fast, "store/repo.py::Repo.__init__");
    let certain: Vec<&str> = change["certain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(certain.contains(&"app/make.py::make"), "{certain:?}");
    assert!(certain.contains(&"store/cached.py::Cached"), "{certain:?}");
    assert!(certain.contains(&"app/fast.py::make_cached"), "{certain:?}");
    let full = json_of(&blast(&repo, &["diff", "--full-graph", "--format", "json"]));
    assert_eq!(without_stats(fast), without_stats(full));
}

fn blast_cached(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blast"))
        // In GitHub Actions, `blast diff` without revisions takes the event's diff.
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("BLAST_CACHE_DIR", cache)
        .output()
        .expect("blast runs")
}

fn cache_entries(cache: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(cache, &mut out);
    out.sort();
    out
}

#[test]
fn cache_changes_speed_not_results() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let cache = tmp.path().join("cache");
    let args = ["diff", "HEAD~1", "HEAD", "--format", "json", "--full-graph"];

    let uncached = blast_cached(&repo, &cache, &[&["--no-cache"][..], &args].concat());
    assert!(uncached.status.success());
    assert!(!cache.exists(), "--no-cache must not create the cache");

    let cold = blast_cached(&repo, &cache, &args);
    let entries = cache_entries(&cache);
    // Every Python file of both sides, each under its blob id.
    assert_eq!(entries.len(), 6, "{entries:?}");
    let warm = blast_cached(&repo, &cache, &[&["-v"][..], &args].concat());
    let log = String::from_utf8_lossy(&warm.stderr);
    assert!(log.contains("6 hits, 0 misses"), "{log}");
    assert_eq!(uncached.stdout, cold.stdout);
    assert_eq!(cold.stdout, warm.stdout);

    // Damaged entries are reported, rebuilt, and never trusted.
    for (i, entry) in entries.iter().enumerate() {
        let bytes = std::fs::read(entry).unwrap();
        let damaged = if i % 2 == 0 {
            bytes[..bytes.len() / 2].to_vec()
        } else {
            let mut flipped = bytes.clone();
            let last = flipped.len() - 1;
            flipped[last] ^= 0xff;
            flipped
        };
        std::fs::write(entry, damaged).unwrap();
    }
    let repaired = blast_cached(&repo, &cache, &args);
    let log = String::from_utf8_lossy(&repaired.stderr);
    assert!(log.contains("is corrupt or stale"), "{log}");
    assert_eq!(repaired.stdout, cold.stdout);
    let again = blast_cached(&repo, &cache, &[&["-v"][..], &args].concat());
    assert!(String::from_utf8_lossy(&again.stderr).contains("6 hits, 0 misses"));
    assert_eq!(again.stdout, cold.stdout);

    // A cache that cannot be created costs speed only.
    let blocked = tmp.path().join("not-a-folder");
    std::fs::write(&blocked, b"").unwrap();
    let without = blast_cached(&repo, &blocked, &args);
    assert!(without.status.success());
    assert_eq!(without.stdout, cold.stdout);
}

#[test]
fn github_event_gives_the_pull_request_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let base = git(&repo, &["rev-parse", "HEAD~1"]).trim().to_owned();
    let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_owned();
    let payload = tmp.path().join("event.json");
    std::fs::write(
        &payload,
        format!(
            r#"{{"pull_request": {{"base": {{"sha": "{base}"}}, "head": {{"sha": "{head}"}}}}}}"#
        ),
    )
    .unwrap();
    let run = |args: &[&str], actions: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_blast"));
        command
            .args(args)
            .current_dir(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("BLAST_CACHE_DIR", tmp.path().join("cache"))
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &payload)
            .env_remove("GITHUB_ACTIONS");
        if actions {
            command.env("GITHUB_ACTIONS", "true");
        }
        command.output().expect("blast runs")
    };
    let range = format!("{base}...{head}");
    let expected = run(&["diff", &range, "--format", "json"], false);
    assert!(expected.status.success());
    let explicit = run(&["diff", "--github", "--format", "json"], false);
    assert_eq!(
        String::from_utf8_lossy(&explicit.stdout),
        String::from_utf8_lossy(&expected.stdout)
    );
    // In Actions, no revisions means the event's diff, and a missing event
    // name is an error, not a diff of the work tree.
    let detected = run(&["diff", "--format", "json"], true);
    assert_eq!(detected.stdout, expected.stdout);
    let nameless = Command::new(env!("CARGO_BIN_EXE_blast"))
        .args(["diff"])
        .current_dir(&repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_PATH", &payload)
        .env_remove("GITHUB_EVENT_NAME")
        .output()
        .expect("blast runs");
    assert_eq!(nameless.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&nameless.stderr).contains("GITHUB_EVENT_NAME is not set"),
        "{}",
        String::from_utf8_lossy(&nameless.stderr)
    );

    // Combined with revisions, or with a payload that names no commits, it
    // is a usage error whose message names the problem.
    let combined = run(&["diff", "--github", "HEAD"], false);
    assert_eq!(combined.status.code(), Some(2));
    std::fs::write(&payload, r#"{"pull_request": {}}"#).unwrap();
    let broken = run(&["diff", "--github"], false);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("pull_request.base.sha"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
}

#[test]
fn marking_a_file_generated_is_not_a_deletion() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // The head commit marks the changed file generated: it is left out of
    // both sides, not reported as deleted.
    write(&repo, ".gitattributes", "shop/db.py linguist-generated\n");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "mark db.py generated"]);
    let report = json_of(&blast(
        &repo,
        &["diff", "HEAD~2", "HEAD", "--format", "json"],
    ));
    let kinds: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert!(!kinds.contains(&"deleted"), "{kinds:?}");
    let excluded = report["stats"]["files_excluded"].to_string();
    assert!(excluded.contains("shop/db.py"), "{excluded}");
}

#[test]
fn fail_on_says_why_and_none_never_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let failed = blast(
        &repo,
        &[
            "diff",
            "HEAD~1",
            "HEAD",
            "--format",
            "json",
            "--fail-on",
            "low",
        ],
    );
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("reaches the fail-on level low"), "{stderr}");

    // `none` turns failing off, also over a policy's fail_on.
    write(&repo, "blast.toml", "[thresholds]\nfail_on = \"low\"\n");
    let never = blast(&repo, &["diff", "HEAD~1", "HEAD", "--fail-on", "none"]);
    assert_eq!(never.status.code(), Some(0));
    let policy = blast(&repo, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(policy.status.code(), Some(1));
}

/// Makes an empty git repository at `repo` with a committer set.
fn init_repo(repo: &Path) {
    std::fs::create_dir_all(repo).unwrap();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["config", "user.name", "Test"]);
    git(repo, &["config", "user.email", "test@example.invalid"]);
}

/// Commits the files as the next commit of `repo`. `None` deletes a file.
fn commit_files(repo: &Path, files: &[(&str, Option<&str>)], message: &str) {
    for (path, text) in files {
        match text {
            Some(text) => write(repo, path, text),
            None => std::fs::remove_file(repo.join(path)).unwrap(),
        }
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

/// Returns a `Cargo.toml` for package `name` with the `[dependencies]`
/// lines `deps`.
fn cargo_manifest(name: &str, deps: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
    )
}

/// Returns the `-vv` log of a cold `blast diff HEAD^!`, which reports what
/// the prefilter parsed and left out.
fn verbose_diff_log(repo: &Path, cache: &Path) -> String {
    let output = blast_cached(repo, cache, &["-vv", "diff", "HEAD^!", "--no-cache"]);
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks that `blast diff REV^!` reports the same with the prefilter as
/// with the full graph, cold and warm, and returns the prefiltered report.
fn assert_prefilter_matches(repo: &Path, cache: &Path, rev: &str) -> Value {
    let range = format!("{rev}^!");
    let args = ["diff", range.as_str(), "--format", "json"];
    let cold = json_of(&blast_cached(repo, cache, &args));
    let warm = json_of(&blast_cached(repo, cache, &args));
    let full = json_of(&blast(
        repo,
        &[
            "diff",
            range.as_str(),
            "--full-graph",
            "--no-cache",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        without_stats(warm),
        without_stats(cold.clone()),
        "{rev}: warm"
    );
    assert_eq!(
        without_stats(cold.clone()),
        without_stats(full),
        "{rev}: full"
    );
    cold
}

/// Python files that reach a change only through star imports, which spell
/// none of its names: `pkg/__init__.py` star-imports `pkg.core`,
/// `outer/__init__.py` star-imports `pkg`, and the callers import `helper`
/// from those packages. `app/noise.py` star-imports a module outside the
/// repository, so the prefilter leaves it out.
#[test]
fn prefilter_matches_full_graph_on_star_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("star-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let core = "def helper():\n    return 1\n\n\ndef other():\n    return 2\n";
    commit_files(
        &repo,
        &[
            ("pkg/core.py", Some(core)),
            ("pkg/__init__.py", Some("from .core import *\n")),
            ("outer/__init__.py", Some("from pkg import *\n")),
            (
                "app/direct.py",
                Some("from pkg import helper\n\n\ndef run():\n    return helper()\n"),
            ),
            (
                "app/chained.py",
                Some("from outer import helper\n\n\ndef go():\n    return helper()\n"),
            ),
            (
                "app/noise.py",
                Some("from json import *\n\n\ndef quiet():\n    return dumps(1)\n"),
            ),
        ],
        "base",
    );

    commit_files(
        &repo,
        &[("pkg/core.py", Some(&core.replace("return 1", "return 10")))],
        "edit helper",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    let certain: Vec<&str> = report["changes"][0]["certain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(certain.contains(&"app/direct.py"), "{certain:?}");
    assert!(certain.contains(&"app/chained.py"), "{certain:?}");
    assert_eq!(
        report["stats"]["files_base"], 5,
        "app/noise.py is left out: {}",
        report["stats"]
    );

    // A star import the text scan cannot read keeps its file in.
    commit_files(
        &repo,
        &[(
            "app/noise.py",
            Some("from json \\\n    import *\n\n\ndef quiet():\n    return dumps(2)\n"),
        )],
        "continue a star import",
    );
    commit_files(
        &repo,
        &[("pkg/core.py", Some(&core.replace("return 1", "return 11")))],
        "edit helper again",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert_eq!(report["stats"]["files_base"], 6, "{}", report["stats"]);
}

/// Java files that a change reaches only through types they never name:
/// `Report` calls `new Registry().circle().area()` and spells neither
/// `Circle` nor `Base`, and `Circle.area` reaches `Shape.area` through the
/// superclass `Base`, whose file spells no changed name.
#[test]
fn prefilter_matches_full_graph_on_java() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("java-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let circle = "package shapes;\n\npublic class Circle extends Base {\n    public double area() {\n        return 3.0;\n    }\n\n    public double rarely() {\n        return 1.0;\n    }\n}\n";
    let registry = "package shapes;\n\npublic class Registry {\n    public Circle circle() {\n        return new Circle();\n    }\n}\n";
    commit_files(
        &repo,
        &[
            (
                "src/shapes/Shape.java",
                Some("package shapes;\n\npublic interface Shape {\n    double area();\n}\n"),
            ),
            (
                "src/shapes/Sized.java",
                Some("package shapes;\n\npublic interface Sized {\n    double area();\n}\n"),
            ),
            (
                "src/shapes/Base.java",
                Some(
                    "package shapes;\n\npublic abstract class Base implements Shape {\n    public String label() {\n        return \"shape\";\n    }\n}\n",
                ),
            ),
            ("src/shapes/Circle.java", Some(circle)),
            ("src/shapes/Registry.java", Some(registry)),
            (
                "src/app/Report.java",
                Some(
                    "package app;\n\nimport shapes.Registry;\n\npublic class Report {\n    public double total() {\n        return new Registry().circle().area();\n    }\n}\n",
                ),
            ),
            (
                "src/app/Totals.java",
                Some(
                    "package app;\n\nimport shapes.*;\n\npublic class Totals {\n    public double sum(Shape shape) {\n        return shape.area();\n    }\n\n    public String name(Registry registry) {\n        return registry.circle().label();\n    }\n}\n",
                ),
            ),
            (
                "src/app/Main.java",
                Some(
                    "package app;\n\npublic class Main {\n    public static void main(String[] args) {\n        System.out.println(new Report().total() + new Totals().name(null));\n    }\n}\n",
                ),
            ),
            (
                "src/util/Unrelated.java",
                Some(
                    "package util;\n\npublic class Unrelated {\n    public int elsewhere() {\n        return 1;\n    }\n}\n",
                ),
            ),
        ],
        "base",
    );

    // The body of an override that `Report` calls through types it never
    // names.
    commit_files(
        &repo,
        &[(
            "src/shapes/Circle.java",
            Some(&circle.replace("3.0", "3.14")),
        )],
        "edit Circle.area",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("app.Report.total()"),
        "Circle.area reaches Report.total"
    );
    assert_eq!(
        report["stats"]["files_base"], 8,
        "Unrelated.java is left out: {}",
        report["stats"]
    );
    // A warm run reads only the changed file from git: the cache entries
    // keep the outlines that the Java type index needs.
    let warm = blast_cached(&repo, &cache, &["-v", "diff", "HEAD^!", "--format", "json"]);
    let log = String::from_utf8_lossy(&warm.stderr);
    assert!(log.contains("listed 9 base files (1 read,"), "{log}");

    // A rarely used method.
    commit_files(
        &repo,
        &[(
            "src/shapes/Circle.java",
            Some(&circle.replace("1.0", "2.0")),
        )],
        "edit Circle.rarely",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD");

    // The supertypes of a class.
    commit_files(
        &repo,
        &[(
            "src/shapes/Circle.java",
            Some(&circle.replace("extends Base", "extends Base implements Sized")),
        )],
        "Circle implements Sized",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD");

    // An interface method with overrides.
    commit_files(
        &repo,
        &[(
            "src/shapes/Shape.java",
            Some(
                "package shapes;\n\npublic interface Shape {\n    double area();\n\n    default double twice() {\n        return 2 * area();\n    }\n}\n",
            ),
        )],
        "add Shape.twice",
    );
    commit_files(
        &repo,
        &[(
            "src/shapes/Shape.java",
            Some(
                "package shapes;\n\npublic interface Shape {\n    double area(int scale);\n\n    default double twice() {\n        return 2 * area(1);\n    }\n}\n",
            ),
        )],
        "Shape.area takes a scale",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD~1");
    assert_prefilter_matches(&repo, &cache, "HEAD");

    // A deleted class that others still name.
    commit_files(
        &repo,
        &[("src/shapes/Registry.java", None)],
        "delete Registry",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("\"deleted\""),
        "Registry is deleted"
    );
}

#[test]
fn prefilter_matches_full_graph_on_rust() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("rust-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let lib = "#[macro_use]\nmod mac;\npub mod calc;\npub mod colors;\npub mod inner;\npub mod items;\npub mod other;\npub mod paint;\npub mod shop;\npub mod user;\n\npub use colors::Color::*;\npub use inner::price as cost;\n";
    let mac = "macro_rules! twice {\n    ($e:expr) => {\n        $e * 2\n    };\n}\n";
    let colors = "pub enum Color {\n    Red,\n    Green,\n}\n";
    let inner = "pub trait Priced {\n    fn price(&self) -> u32;\n}\n\npub fn price(n: u32) -> u32 {\n    n * 2\n}\n\npub fn rarely() -> u32 {\n    1\n}\n";
    let items = "use crate::inner::Priced;\n\npub struct Item;\n\nimpl Priced for Item {\n    fn price(&self) -> u32 {\n        5\n    }\n}\n\npub fn bill(item: &Item) -> u32 {\n    item.price()\n}\n";
    commit_files(
        &repo,
        &[
            (
                "Cargo.toml",
                Some("[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
            ),
            ("src/lib.rs", Some(lib)),
            ("src/inner.rs", Some(inner)),
            ("src/items.rs", Some(items)),
            ("src/mac.rs", Some(mac)),
            ("src/colors.rs", Some(colors)),
            (
                "src/calc.rs",
                Some("pub fn doubled() -> u32 {\n    twice!(3)\n}\n"),
            ),
            // Names a variant, through a glob of the crate root, but never
            // its enum.
            (
                "src/paint.rs",
                Some(
                    "use crate::*;\n\npub fn warm() -> u32 {\n    match Red {\n        Red => 1,\n        _ => 2,\n    }\n}\n",
                ),
            ),
            // Spells only the alias, through `crate::`.
            (
                "src/user.rs",
                Some("pub fn total() -> u32 {\n    crate::cost(3)\n}\n"),
            ),
            (
                "src/shop.rs",
                Some(
                    "use crate::items::{bill, Item};\n\npub fn checkout() -> u32 {\n    bill(&Item)\n}\n",
                ),
            ),
            (
                "src/other.rs",
                Some("pub fn unrelated() -> u32 {\n    7\n}\n"),
            ),
        ],
        "base",
    );

    // A function that another file reaches only by its re-exported alias.
    commit_files(
        &repo,
        &[("src/inner.rs", Some(&inner.replace("n * 2", "n * 3")))],
        "edit price",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("src/user.rs::total"),
        "price reaches total through the alias cost"
    );

    // A rarely used function.
    commit_files(
        &repo,
        &[("src/inner.rs", Some(&inner.replace("    1\n", "    2\n")))],
        "edit rarely",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD");

    // An impl's method, which a function of another file reaches through
    // a method call in the impl's file.
    commit_files(
        &repo,
        &[(
            "src/items.rs",
            Some(&items.replace("        5\n", "        6\n")),
        )],
        "edit Item::price",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("src/shop.rs::checkout"),
        "Item::price reaches checkout through bill"
    );

    // A macro's body: the search looks for `twice`, not `twice!`.
    commit_files(
        &repo,
        &[("src/mac.rs", Some(&mac.replace("$e * 2", "$e + $e")))],
        "edit twice!",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("src/calc.rs::doubled"),
        "twice! reaches doubled"
    );

    // A new variant, which reaches the file that names only another one.
    commit_files(
        &repo,
        &[(
            "src/colors.rs",
            Some(&colors.replace("Green,", "Green,\n    Blue,")),
        )],
        "add Blue",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("src/paint.rs::warm"),
        "Color reaches warm through the variant Red"
    );
}

/// A Rust workspace: the search leaves out the packages that cannot name a
/// changed package, and parses those that name a package where a dependent
/// turns up, which an impl of another package's trait can lead to.
#[test]
fn prefilter_matches_full_graph_on_rust_packages() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("workspace-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let core = "pub trait Render {\n    fn render(&self) -> u32;\n}\n\npub struct Engine;\n\npub fn engine() -> Engine {\n    Engine\n}\n";
    let app = "use core_lib::{Engine, Render};\n\npub trait Loud {\n    fn shout(&self) -> u32;\n}\n\nimpl Loud for Engine {\n    fn shout(&self) -> u32 {\n        1\n    }\n}\n\npub struct Page;\n\nimpl Render for Page {\n    fn render(&self) -> u32 {\n        2\n    }\n}\n";
    let tool = "use core_lib::{engine, Engine, Render};\n\npub fn draw(item: &dyn Render) -> u32 {\n    item.render()\n}\n\npub fn start() -> Engine {\n    engine()\n}\n";
    let other = "pub fn render() -> u32 {\n    3\n}\n";
    commit_files(
        &repo,
        &[
            (
                "Cargo.toml",
                Some("[workspace]\nmembers = [\"core\", \"app\", \"tool\", \"other\"]\n"),
            ),
            ("core/Cargo.toml", Some(&cargo_manifest("core-lib", ""))),
            ("core/src/lib.rs", Some(core)),
            (
                "app/Cargo.toml",
                Some(&cargo_manifest(
                    "app",
                    "core-lib = { path = \"../core\" }\n",
                )),
            ),
            ("app/src/lib.rs", Some(app)),
            (
                "tool/Cargo.toml",
                Some(&cargo_manifest(
                    "tool",
                    "core-lib = { path = \"../core\" }\n",
                )),
            ),
            ("tool/src/lib.rs", Some(tool)),
            ("other/Cargo.toml", Some(&cargo_manifest("other", ""))),
            ("other/src/lib.rs", Some(other)),
            ("scripts/report.py", Some("def report():\n    return 1\n")),
            (
                "java/Report.java",
                Some("class Report {\n    int report() {\n        return 1;\n    }\n}\n"),
            ),
        ],
        "base",
    );

    // An impl in `app` of a trait of `core`: callers of the trait method in
    // `tool`, which does not depend on `app`, reach it.
    commit_files(
        &repo,
        &[(
            "app/src/lib.rs",
            Some(&app.replace("        2\n", "        4\n")),
        )],
        "edit Page::render",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("tool/src/lib.rs::draw"),
        "Page::render reaches draw through Render::render: {report}"
    );
    let log = verbose_diff_log(&repo, &cache);
    assert!(
        log.contains("left out 3 files of languages without a changed file"),
        "other/src/lib.rs, scripts/report.py and java/Report.java are left out:\n{log}"
    );

    // A trait of `app` implemented for a type of `core`: the type depends on
    // it, and so does `tool`, which names the type.
    commit_files(
        &repo,
        &[(
            "app/src/lib.rs",
            Some(&app.replace("fn shout(&self) -> u32;", "fn shout(&self) -> u64;")),
        )],
        "change Loud::shout",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD");

    // `core` tests itself with `kit`, which depends on `core`. Only `core`
    // and `kit` can name `kit`: the packages that depend on `core` cannot
    // use its dev-dependencies.
    let kit = "pub fn fixture() -> u32 {\n    1\n}\n\npub fn spare() -> u32 {\n    2\n}\n";
    commit_files(
        &repo,
        &[
            (
                "Cargo.toml",
                Some("[workspace]\nmembers = [\"core\", \"app\", \"tool\", \"other\", \"kit\"]\n"),
            ),
            (
                "core/Cargo.toml",
                Some(&format!(
                    "{}\n[dev-dependencies]\nkit = {{ path = \"../kit\" }}\n",
                    cargo_manifest("core-lib", "")
                )),
            ),
            (
                "core/tests/with_kit.rs",
                Some("#[test]\nfn fixture_is_one() {\n    assert_eq!(kit::fixture(), 1);\n}\n"),
            ),
            (
                "kit/Cargo.toml",
                Some(&cargo_manifest(
                    "kit",
                    "core-lib = { path = \"../core\" }\n",
                )),
            ),
            ("kit/src/lib.rs", Some(kit)),
        ],
        "add kit",
    );
    commit_files(
        &repo,
        &[("kit/src/lib.rs", Some(&kit.replace("    2\n", "    3\n")))],
        "edit kit::spare",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD");
    let log = verbose_diff_log(&repo, &cache);
    assert!(
        log.contains("left out 5 files of languages without a changed file"),
        "app, tool and other, the Python file and the Java file are left out:\n{log}"
    );

    // A Python change parses no Rust or Java file.
    commit_files(
        &repo,
        &[("scripts/report.py", Some("def report():\n    return 2\n"))],
        "edit report",
    );
    assert_prefilter_matches(&repo, &cache, "HEAD");
    let log = verbose_diff_log(&repo, &cache);
    assert!(
        log.contains("left out 7 files of languages without a changed file"),
        "every Rust file and the Java file are left out:\n{log}"
    );
}

/// The search takes every file, and a dependent turns up in a package that
/// others name. When the packages parsed then make up most of the files,
/// the packages still left out are parsed in the same round.
#[test]
fn prefilter_parses_remaining_packages_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("most-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let core_dep = "core-lib = { path = \"../core\" }\n";
    let app = "use core_lib::Render;\n\npub struct Page;\n\nimpl Render for Page {\n    fn render(&self) -> u32 {\n        2\n    }\n}\n";
    // `core` spells `render` in 70 files and `tool` in 40, so the search
    // takes every file of `app` and `core` at once.
    let mut owned: Vec<(String, String)> = vec![
        (
            "Cargo.toml".to_owned(),
            "[workspace]\nmembers = [\"core\", \"app\", \"tool\", \"other\"]\n".to_owned(),
        ),
        ("core/Cargo.toml".to_owned(), cargo_manifest("core-lib", "")),
        ("app/Cargo.toml".to_owned(), cargo_manifest("app", core_dep)),
        ("app/src/lib.rs".to_owned(), app.to_owned()),
        (
            "tool/Cargo.toml".to_owned(),
            cargo_manifest("tool", core_dep),
        ),
        ("other/Cargo.toml".to_owned(), cargo_manifest("other", "")),
        (
            "other/src/lib.rs".to_owned(),
            "pub fn render() -> u32 {\n    3\n}\n".to_owned(),
        ),
    ];
    let mut core = "pub trait Render {\n    fn render(&self) -> u32;\n}\n".to_owned();
    let mut tool = String::new();
    for idx in 0..70 {
        core.push_str(&format!("pub mod m{idx};\n"));
        owned.push((
            format!("core/src/m{idx}.rs"),
            format!(
                "pub fn draw{idx}(item: &dyn crate::Render) -> u32 {{\n    item.render()\n}}\n"
            ),
        ));
    }
    for idx in 0..40 {
        tool.push_str(&format!("pub mod t{idx};\n"));
        owned.push((
            format!("tool/src/t{idx}.rs"),
            format!(
                "pub fn show{idx}(item: &dyn core_lib::Render) -> u32 {{\n    item.render()\n}}\n"
            ),
        ));
    }
    owned.push(("core/src/lib.rs".to_owned(), core));
    owned.push(("tool/src/lib.rs".to_owned(), tool));
    let files: Vec<(&str, Option<&str>)> = owned
        .iter()
        .map(|(path, text)| (path.as_str(), Some(text.as_str())))
        .collect();
    commit_files(&repo, &files, "base");
    commit_files(
        &repo,
        &[(
            "app/src/lib.rs",
            Some(&app.replace("        2\n", "        4\n")),
        )],
        "edit Page::render",
    );

    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("tool/src/t7.rs::show7"),
        "Page::render reaches show7 through Render::render: {report}"
    );
    let log = verbose_diff_log(&repo, &cache);
    assert!(
        log.contains("parsing 42 more Rust files"),
        "tool's 41 files and other's file are parsed in one round:\n{log}"
    );
    assert!(
        log.contains("left out 0 files"),
        "no package is left out:\n{log}"
    );
}

/// An added function has dependents only at the head. `z.py` reaches it
/// through `y.py` without spelling its name, so the search must follow the
/// dependents that the head graph gives it.
#[test]
fn prefilter_matches_full_graph_on_added_symbols() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("added-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let module = "def old():\n    return 1\n";
    commit_files(
        &repo,
        &[
            ("pkg/__init__.py", Some("")),
            ("pkg/m.py", Some(module)),
            (
                "y.py",
                Some("from pkg.m import fresh\n\n\ndef middle():\n    return fresh()\n"),
            ),
            (
                "z.py",
                Some("from y import middle\n\n\ndef top():\n    return middle()\n"),
            ),
        ],
        "base",
    );
    let added = format!("{module}\n\ndef fresh():\n    return 2\n");
    commit_files(&repo, &[("pkg/m.py", Some(&added))], "add fresh");
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("z.top"),
        "fresh reaches z.top through y.middle: {report}"
    );
}

/// A change to a module's top-level lines that define no symbol reaches the
/// files that name what those lines bind, even through a relative import
/// or a package that re-exports it.
#[test]
fn prefilter_matches_full_graph_on_module_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("module-repo");
    let cache = tmp.path().join("cache");
    init_repo(&repo);
    let init = "import sys\n\nfrom .a import LIMIT\n\nif sys.platform == \"win32\":\n    X = 1\nelse:\n    X = 2\n";
    commit_files(
        &repo,
        &[
            ("pkg/__init__.py", Some(init)),
            ("pkg/a.py", Some("LIMIT, SPARE = 1, 2\n")),
            (
                "pkg/sub.py",
                Some("from . import X\n\n\ndef run():\n    return X\n"),
            ),
            (
                "user.py",
                Some("from pkg import LIMIT\n\n\ndef check():\n    return LIMIT\n"),
            ),
            ("other.py", Some("def unrelated():\n    return 7\n")),
        ],
        "base",
    );

    // An `if` block of a package: `sub.py` names neither the package nor
    // anything but `X`.
    commit_files(
        &repo,
        &[("pkg/__init__.py", Some(&init.replace("X = 2", "X = 3")))],
        "edit the if block",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("\"pkg/sub.py\""),
        "the if block reaches sub.py"
    );

    // A tuple assignment that the package re-exports.
    commit_files(
        &repo,
        &[("pkg/a.py", Some("LIMIT, SPARE = 5, 2\n"))],
        "edit the tuple",
    );
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        report.to_string().contains("user.py::check"),
        "the tuple reaches check through the package"
    );

    // A docstring line and a line in a function body change beside a
    // top-level statement. Only the statement's names narrow the module
    // change, and only they are searched.
    // `reader.py` imports the package but spells only a docstring word.
    // `spare.py` spells only a name from the function body.
    let init = "\"\"\"The package.\n\nIt counts items.\n\"\"\"\nimport sys\n\nMODE = sys.platform\n\n\ndef helper():\n    return 1\n";
    commit_files(
        &repo,
        &[
            ("pkg/__init__.py", Some(init)),
            (
                "reader.py",
                Some("import pkg\n\n\ndef read(items):\n    return pkg.MODE, items\n"),
            ),
            (
                "spare.py",
                Some("def spare(limit_value):\n    return limit_value\n"),
            ),
        ],
        "add a docstring and a helper",
    );
    let edited = init
        .replace("counts items", "counts the items")
        .replace("import sys\n", "import os\nimport sys\n")
        .replace("return 1", "return limit_value");
    commit_files(&repo, &[("pkg/__init__.py", Some(&edited))], "edit around");
    let report = assert_prefilter_matches(&repo, &cache, "HEAD");
    assert!(
        !report.to_string().contains("reader.py::read"),
        "a docstring word does not make read a dependent: {report}"
    );
    let log = verbose_diff_log(&repo, &cache);
    let searched: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("searching for"))
        .collect();
    assert!(
        searched
            .iter()
            .all(|l| !l.contains("\"limit_value\"") && !l.contains("\"items\"")),
        "only the top-level statement's names are searched: {searched:?}"
    );
}

/// The Java cases under `fixtures/cases/`: every commit of each, with the
/// prefilter and with the full graph.
#[test]
fn prefilter_matches_full_graph_on_java_cases() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cases");
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(&cases).unwrap() {
        let case = entry.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if !name.contains("-java-") {
            continue;
        }
        let repo = tmp.path().join(&name);
        let status = Command::new("bash")
            .arg(case.join("setup.sh"))
            .arg(&repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("bash runs setup.sh");
        assert!(status.success(), "{name}: setup.sh failed");
        let cache = tmp.path().join(format!("{name}-cache"));
        let commits = git(&repo, &["rev-list", "--reverse", "HEAD"]);
        for commit in commits.lines().skip(1) {
            assert_prefilter_matches(&repo, &cache, commit);
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} Java commits were checked");
}

#[test]
fn paths_after_double_dash_scope_the_reported_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(&repo, "notes/todo.py", "def later():\n    return 0\n");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "notes"]);

    let ids_of = |report: &Value| -> Vec<String> {
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = json_of(&blast(&repo, &["diff", "HEAD~2", "--format", "json"]));
    assert!(ids_of(&all).contains(&"notes/todo.py::later".to_owned()));
    assert!(ids_of(&all).contains(&"shop/db.py::connect".to_owned()));

    let scoped = json_of(&blast(
        &repo,
        &["diff", "HEAD~2", "--format", "json", "--", "shop/"],
    ));
    let ids = ids_of(&scoped);
    assert!(ids.contains(&"shop/db.py::connect".to_owned()), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("notes/")), "{ids:?}");
    let connect = scoped["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "shop/db.py::connect")
        .unwrap();
    assert!(
        connect["certain"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "shop/orders.py::Orders.load"),
        "dependents outside the path are still found: {connect}"
    );

    let none = json_of(&blast(
        &repo,
        &["diff", "HEAD~2", "--format", "json", "--", "docs"],
    ));
    assert!(ids_of(&none).is_empty());
    assert_eq!(none["files"].as_array().unwrap().len(), 0);
    let warnings = none["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with(
                "no changed file is at or under the paths given after -- (from the repository root: docs)"
            )),
        "{warnings:?}"
    );

    // As in git, a relative path starts at the current folder, or at the
    // folder of -C, and an absolute path inside the repository is accepted.
    let absolute = repo.join("shop").join("db.py");
    let absolute = absolute.to_str().unwrap();
    let runs: [(&Path, &[&str]); 4] = [
        (
            &repo.join("shop"),
            &["diff", "HEAD~2", "--format", "json", "--", "db.py"],
        ),
        (
            &repo,
            &[
                "-C", "shop", "diff", "HEAD~2", "--format", "json", "--", "db.py",
            ],
        ),
        (
            &repo.join("notes"),
            &["diff", "HEAD~2", "--format", "json", "--", "../shop/db.py"],
        ),
        (
            &repo.join("notes"),
            &["diff", "HEAD~2", "--format", "json", "--", absolute],
        ),
    ];
    for (folder, args) in runs {
        let report = json_of(&blast(folder, args));
        let files: Vec<&str> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|file| file["path"].as_str().unwrap())
            .collect();
        assert_eq!(files, ["shop/db.py"], "{args:?} in {}", folder.display());
    }
    let tests = stdout_of(&blast(&repo.join("shop"), &["tests", "HEAD~2", "--", "."]));
    assert!(!tests.contains("notes/"), "{tests}");

    let outside = blast(&repo.join("shop"), &["diff", "HEAD~2", "--", "../.."]);
    assert_eq!(outside.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&outside.stderr);
    assert!(
        stderr.contains("the path '../..' after -- is outside the repository"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn argument_errors_are_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    for (args, expected) in [
        (
            &["tests", "--format", "json"][..],
            "unexpected argument '--format' found; 'blast tests --help' lists the options",
        ),
        (
            &["diff", "--formt", "json"][..],
            "tip: a similar argument exists: '--format'",
        ),
        (
            &["diff", "--format", "xml"][..],
            "[possible values: text, json, sarif, markdown, dot, mermaid]",
        ),
    ] {
        let output = blast(&repo, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("blast: error: "), "{stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn size_limit_applies_to_cached_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("sized");
    init_repo(&repo);
    write(&repo, "shop/db.py", "def connect(url):\n    return url\n");
    write(
        &repo,
        "shop/orders.py",
        "from shop.db import connect\n\n\ndef load():\n    return connect(\"db://orders-and-a-long-name\")\n",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.strip()\n",
    );
    git(&repo, &["commit", "-q", "-am", "edit"]);

    let run = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_blast"));
        command
            .args(["diff", "HEAD~1", "HEAD", "--format", "json"])
            .args(extra)
            .current_dir(&repo)
            .env_remove("GITHUB_ACTIONS")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("BLAST_CACHE_DIR", tmp.path().join("cache"));
        json_of(&command.output().expect("blast runs"))
    };
    // Fill the cache under the default limit, which every file fits.
    assert_eq!(
        run(&[])["stats"]["files_skipped"].as_array().unwrap().len(),
        0
    );
    let cached = run(&["--max-file-size", "60"]);
    let uncached = run(&["--max-file-size", "60", "--no-cache"]);
    let skipped = |report: &Value| report["stats"]["files_skipped"].to_string();
    assert!(
        skipped(&uncached).contains("shop/orders.py"),
        "{}",
        skipped(&uncached)
    );
    assert_eq!(skipped(&cached), skipped(&uncached));
    assert_eq!(cached["complete"], uncached["complete"]);
}
