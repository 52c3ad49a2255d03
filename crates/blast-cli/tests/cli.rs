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
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
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
    assert_ne!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.diff"));

    let output = blast(&repo, &["diff", "--format", "yaml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn patch_from_stdin_is_applied_to_the_work_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let patch = "--- a/shop/db.py\n+++ b/shop/db.py\n@@ -5,2 +5,2 @@\n def close(conn):\n-    return None\n+    return conn\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_blast"))
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
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.name", "Test"]);
    git(&repo, &["config", "user.email", "test@example.invalid"]);
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
    let fast = json_of(&blast(&repo, &["diff", "--format", "json"]));
    let full = json_of(&blast(&repo, &["diff", "--full-graph", "--format", "json"]));
    assert!(
        !fast["changes"][0]["certain"].as_array().unwrap().is_empty(),
        "collapse_rfc2231_value has dependents"
    );
    assert!(fast["stats"]["files_parsed"].as_u64() < full["stats"]["files_parsed"].as_u64());
    assert_eq!(without_stats(fast), without_stats(full));
}
