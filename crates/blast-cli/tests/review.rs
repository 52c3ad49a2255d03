//! What a reviewer gets from `blast diff`, on real git repositories built in
//! temporary folders. Every output format is produced, SARIF passes the
//! validator, and Markdown parses into the intended table, lists and HTML.
//! A formatting-only commit scores zero, and a deleted function that code
//! still calls is a likely break at `high` or above. Exit codes follow
//! `--fail-on`, and a module-level change reaches only the users of the
//! changed name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
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
        .output()
        .expect("blast runs")
}

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

fn init_repo(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.name", "Test"]);
    git(&dir, &["config", "user.email", "test@example.invalid"]);
    dir
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Runs blast on the last commit and returns its standard output, failing
/// on an exit code other than 0.
fn last_commit(dir: &Path, format: &str) -> String {
    let output = blast(dir, &["diff", "HEAD^!", "--format", format]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "blast --format {format} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("output is UTF-8")
}

fn json_of_last_commit(dir: &Path) -> Value {
    serde_json::from_str(&last_commit(dir, "json")).expect("output is JSON")
}

fn change_of<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no change {id} in {}", report["changes"]))
}

/// Returns the change of the symbol with this qualified name.
fn symbol_change<'r>(report: &'r Value, symbol: &str) -> &'r Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["symbol"] == symbol)
        .unwrap_or_else(|| panic!("no change of {symbol} in {}", report["changes"]))
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect()
}

/// Runs `tools/validate-sarif --strict` on a SARIF file of `repo`.
fn assert_valid_sarif(repo: &Path, sarif: &Path) {
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/validate-sarif");
    let check = Command::new("python3")
        .arg(&validator)
        .args(["--strict", "--repo-root"])
        .arg(repo)
        .arg(sarif)
        .output()
        .expect("python3 runs the validator");
    assert!(
        check.status.success(),
        "validate-sarif failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Builds a shop package where `shop.api.list_orders` calls
/// `shop.orders.Orders.load`, which calls `shop.db.connect`. The second
/// commit changes the body of `connect`.
fn shop_repo(root: &Path) -> PathBuf {
    let dir = init_repo(root, "shop");
    write(&dir, "shop/__init__.py", "");
    write(
        &dir,
        "shop/db.py",
        "def connect(url):\n    return url\n\n\ndef unused():\n    return 0\n",
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
    commit_all(&dir, "base");
    write(
        &dir,
        "shop/db.py",
        "def connect(url):\n    return url.strip()\n\n\ndef unused():\n    return 0\n",
    );
    commit_all(&dir, "strip urls");
    dir
}

#[test]
fn every_format_is_produced() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());

    let text = last_commit(&repo, "text");
    assert!(text.contains("modified function shop.db.connect"), "{text}");

    let json: Value = serde_json::from_str(&last_commit(&repo, "json")).unwrap();
    assert_eq!(json["schema_version"], 1);
    let connect = change_of(&json, "shop/db.py::connect");
    assert!(connect["raw"].as_f64().unwrap() > 0.0, "{connect}");

    let sarif: Value = serde_json::from_str(&last_commit(&repo, "sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    let markdown = last_commit(&repo, "markdown");
    assert!(markdown.starts_with("### blast radius: "), "{markdown}");

    // DOT: every arrow joins declared nodes, and the arrows follow the
    // dependency path api -> orders -> db.
    let dot = last_commit(&repo, "dot");
    assert!(dot.starts_with("digraph blast_radius {\n"), "{dot}");
    assert!(dot.ends_with("}\n"), "{dot}");
    let node_of = |label: &str, picture: &str, arrow: &str| -> String {
        picture
            .lines()
            .find(|l| l.contains(&format!("\"{label}")))
            .and_then(|l| l.trim().split([' ', '[']).next())
            .unwrap_or_else(|| panic!("no node {label} ({arrow}) in {picture}"))
            .to_owned()
    };
    let connect_node = node_of("shop.db.connect", &dot, "->");
    let load_node = node_of("shop.orders.Orders.load", &dot, "->");
    let api_node = node_of("shop.api.list_orders", &dot, "->");
    assert!(
        dot.contains(&format!("  {load_node} -> {connect_node};")),
        "{dot}"
    );
    assert!(
        dot.contains(&format!("  {api_node} -> {load_node};")),
        "{dot}"
    );
    let declared: Vec<&str> = dot
        .lines()
        .filter(|l| l.contains("[label="))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for arrow in dot.lines().filter(|l| l.contains(" -> ")) {
        let mut ends = arrow.trim().trim_end_matches(';').split(" -> ");
        let from = ends.next().unwrap();
        let to = ends.next().unwrap().split(' ').next().unwrap();
        assert!(declared.contains(&from), "{arrow} in {dot}");
        assert!(declared.contains(&to), "{arrow} in {dot}");
    }

    // Mermaid: the same nodes and arrows.
    let mermaid = last_commit(&repo, "mermaid");
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    let connect_node = node_of("shop.db.connect", &mermaid, "-->");
    let load_node = node_of("shop.orders.Orders.load", &mermaid, "-->");
    assert!(
        mermaid.contains(&format!("  {load_node} --> {connect_node}\n")),
        "{mermaid}"
    );
    assert!(
        mermaid.contains(&format!("  class {connect_node} changed\n")),
        "{mermaid}"
    );
}

/// The cells of each table row, as plain text with code spans kept apart.
#[derive(Debug, Default)]
struct Rendered {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Code spans in table cells, list items and paragraphs.
    code: Vec<String>,
    html: String,
    strong: Vec<String>,
    list_items: Vec<String>,
}

/// Parses Markdown as GitHub does (with tables) and collects what a reader
/// would see.
fn render(markdown: &str) -> Rendered {
    let mut out = Rendered::default();
    let mut in_head = false;
    let mut cell: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    let mut strong: Option<String> = None;
    let mut item: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                out.header = std::mem::take(&mut row);
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap_or_default()),
            Event::End(TagEnd::TableRow) if !in_head => out.rows.push(std::mem::take(&mut row)),
            Event::Start(Tag::Strong) => strong = Some(String::new()),
            Event::End(TagEnd::Strong) => out.strong.push(strong.take().unwrap_or_default()),
            Event::Start(Tag::Item) => item = Some(String::new()),
            Event::End(TagEnd::Item) => out.list_items.push(item.take().unwrap_or_default()),
            Event::Text(text) => {
                for open in [&mut cell, &mut strong, &mut item].into_iter().flatten() {
                    open.push_str(&text);
                }
            }
            Event::Code(text) => {
                out.code.push(text.to_string());
                for open in [&mut cell, &mut item].into_iter().flatten() {
                    open.push('`');
                    open.push_str(&text);
                    open.push('`');
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => out.html.push_str(&html),
            _ => {}
        }
    }
    out
}

#[test]
fn markdown_renders_names_with_pipes_and_backticks() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "odd");
    // Module names come from paths, so these symbols are `pkg.we|ird.f` and
    // `pkg.tick`s.f`; `pkg/__init__.py` would render as bold if unescaped.
    let weird = "def f():\n    return 1\n\n\ndef g():\n    return f()\n";
    write(
        &repo,
        "pkg/__init__.py",
        "def h():\n    return 1\n\n\ndef k():\n    return h()\n",
    );
    write(&repo, "pkg/we|ird.py", weird);
    write(&repo, "pkg/tick`s.py", weird);
    commit_all(&repo, "base");
    let edited = weird.replace("return 1", "return 2");
    write(&repo, "pkg/we|ird.py", &edited);
    write(&repo, "pkg/tick`s.py", &edited);
    write(
        &repo,
        "pkg/__init__.py",
        "def h():\n    return 2\n\n\ndef k():\n    return h()\n",
    );
    commit_all(&repo, "edit");

    let markdown = last_commit(&repo, "markdown");
    let rendered = render(&markdown);
    assert_eq!(
        rendered.header,
        vec!["score", "change", "symbol", "certain", "possible", "tests"],
        "{markdown}"
    );
    assert_eq!(rendered.rows.len(), 3, "{markdown}");
    for row in &rendered.rows {
        assert_eq!(row.len(), 6, "a pipe split a cell: {row:?} in {markdown}");
    }
    let symbols: Vec<&str> = rendered.rows.iter().map(|r| r[2].as_str()).collect();
    for expected in [
        "`pkg.we|ird.f` (pkg/we|ird.py:1)",
        "`pkg.tick`s.f` (pkg/tick`s.py:1)",
        "`pkg.h` (pkg/__init__.py:1)",
    ] {
        assert!(symbols.contains(&expected), "{expected} in {symbols:?}");
    }
    assert!(rendered.strong.is_empty(), "{:?}", rendered.strong);

    // The collapsible lists: the summary names the symbol in HTML, the
    // items name each dependent in a code span.
    for name in ["pkg.we|ird.f", "pkg.tick`s.f", "pkg.h"] {
        assert!(
            rendered.html.contains(&format!(
                "<details><summary><code>{name}</code>: 1 certainly affected</summary>"
            )),
            "{name} in {}",
            rendered.html
        );
    }
    assert!(rendered.html.contains("</details>"), "{}", rendered.html);
    for item in [
        "`pkg.we|ird.g` (pkg/we|ird.py:5), depth 1",
        "`pkg.tick`s.g` (pkg/tick`s.py:5), depth 1",
    ] {
        assert!(
            rendered.list_items.iter().any(|i| i == item),
            "{item} in {:?}",
            rendered.list_items
        );
    }
    assert!(
        rendered.code.iter().any(|c| c == "pkg.tick`s.g"),
        "{:?}",
        rendered.code
    );
}

#[test]
fn formatting_only_commit_scores_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // Comments, blank lines and spacing in a function with dependents, and
    // a comment at the top level.
    write(
        &repo,
        "shop/db.py",
        "# Database helpers.\n\ndef connect(url):   # open a connection\n\n    return   url.strip()\n\n\ndef unused():\n    return 0\n",
    );
    commit_all(&repo, "reformat");
    let report = json_of_last_commit(&repo);
    assert_eq!(report["total"]["score"], 0, "{}", report["total"]);
    assert_eq!(report["total"]["level"], "none");
    for change in report["changes"].as_array().unwrap() {
        assert_eq!(change["score"], 0, "{change}");
        assert_eq!(change["whitespace_only"], true, "{change}");
    }
    assert_eq!(
        change_of(&report, "shop/db.py::connect")["modification"],
        "formatting"
    );

    let text = last_commit(&repo, "text");
    assert!(
        text.contains("\n1 change scored 0 (none), one line each:\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\n  0 none     modified function shop.db.connect (formatting only) at shop/db.py:3-5\n"
        ),
        "{text}"
    );
    assert!(!text.contains("certainly affected"), "{text}");
    let markdown = last_commit(&repo, "markdown");
    assert!(
        markdown.contains("| modified function (formatting only) |"),
        "{markdown}"
    );

    let output = blast(&repo, &["diff", "HEAD^!", "--fail-on", "low"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn deleted_called_function_is_a_likely_break() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // `connect` goes, but orders.py still imports and calls it.
    write(&repo, "shop/db.py", "def unused():\n    return 0\n");
    commit_all(&repo, "drop connect");

    let report = json_of_last_commit(&repo);
    let connect = change_of(&report, "shop/db.py::connect");
    assert_eq!(connect["change"], "deleted");
    assert_eq!(
        ids(&connect["still_referenced"]),
        vec!["shop/orders.py", "shop/orders.py::Orders.load"]
    );
    let level = connect["level"].as_str().unwrap();
    assert!(level == "high" || level == "critical", "{connect}");
    assert!(
        connect["factors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "likely_break"),
        "a likely break raises the score: {connect}"
    );
    let total = report["total"]["level"].as_str().unwrap();
    assert!(
        total == "high" || total == "critical",
        "{}",
        report["total"]
    );

    let text = last_commit(&repo, "text");
    assert!(
        text.contains(
            "LIKELY BREAK: still referenced at head by shop.orders, shop.orders.Orders.load"
        ),
        "{text}"
    );
    let markdown = last_commit(&repo, "markdown");
    let rendered = render(&markdown);
    assert!(
        rendered.strong.contains(&"Likely breaks:".to_owned()),
        "{markdown}"
    );
    assert!(
        rendered.list_items.iter().any(|i| i
            == "`shop.db.connect` (deleted function): `shop.orders` (shop/orders.py:1), `shop.orders.Orders.load` (shop/orders.py:5)"),
        "{:?}",
        rendered.list_items
    );

    let sarif_path = tmp.path().join("blast.sarif");
    let output = blast(
        &repo,
        &[
            "diff",
            "HEAD^!",
            "--format",
            "sarif",
            "-o",
            sarif_path.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "BLAST002")
        .unwrap_or_else(|| panic!("no BLAST002 result in {sarif}"));
    assert_eq!(result["level"], "warning", "{result}");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .contains("2 of them still use it at the head revision and likely break"),
        "{result}"
    );
    assert_valid_sarif(&repo, &sarif_path);

    let output = blast(&repo, &["diff", "HEAD^!", "--fail-on", "high"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn dependents_are_shown_at_head_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    // `Orders.load` moves down three lines while `connect` changes.
    write(
        &repo,
        "shop/orders.py",
        "# Orders\n# of the shop\n# and their loading.\nfrom shop.db import connect\n\n\nclass Orders:\n    def load(self):\n        return connect(\"db://orders\")\n",
    );
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.strip().lower()\n\n\ndef unused():\n    return 0\n",
    );
    commit_all(&repo, "document orders");

    let report = json_of_last_commit(&repo);
    let connect = change_of(&report, "shop/db.py::connect");
    let load = connect["certain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "shop/orders.py::Orders.load")
        .unwrap_or_else(|| panic!("no Orders.load in {connect}"));
    assert_eq!(load["line"], 8, "{load}");

    let sarif = last_commit(&repo, "sarif");
    assert!(sarif.contains("\"startLine\": 8"), "{sarif}");
}

#[test]
fn java_field_does_not_replace_deleted_method() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "tasks");
    write(
        &repo,
        "src/demo/Util.java",
        "package demo;\n\npublic class Util {\n    public static String callable(String a, int b) {\n        return a + b;\n    }\n\n    public static String other() {\n        return \"\";\n    }\n}\n",
    );
    write(
        &repo,
        "src/demo/Task.java",
        "package demo;\n\npublic class Task {\n    private String callable;\n\n    public Task(String a) {\n        this.callable = Util.callable(a, 1);\n    }\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/demo/Util.java",
        "package demo;\n\npublic class Util {\n    public static String other() {\n        return \"\";\n    }\n}\n",
    );
    commit_all(&repo, "drop callable");

    let report = json_of_last_commit(&repo);
    let deleted = change_of(&report, "src/demo/Util.java::Util.callable(String,int)");
    assert_eq!(deleted["change"], "deleted");
    assert_eq!(
        ids(&deleted["still_referenced"]),
        vec!["src/demo/Task.java::Task.Task(String)"]
    );
}

#[test]
fn changed_test_is_in_no_tier() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    write(
        &repo,
        "tests/test_login.py",
        "def test_password_authentication():\n    assert True\n",
    );
    commit_all(&repo, "add a test");
    write(
        &repo,
        "tests/test_login.py",
        "def test_password_authentication():\n    assert 1 + 1 == 2\n",
    );
    commit_all(&repo, "change the test");

    let report = json_of_last_commit(&repo);
    let changed = change_of(&report, "tests/test_login.py::test_password_authentication");
    let criticality = changed["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "criticality")
        .unwrap_or_else(|| panic!("no criticality factor in {changed}"));
    assert_eq!(criticality["points"], 0.0, "{changed}");
    assert_eq!(report["total"]["level"], "none", "{}", report["total"]);
}

#[test]
fn deleting_an_unused_function_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let before = json_of_last_commit(&repo)["total"].clone();
    // The same body change as the last commit, plus a deletion that nothing
    // depends on.
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    write(
        &repo,
        "shop/db.py",
        "def connect(url):\n    return url.strip()\n",
    );
    commit_all(&repo, "strip urls, drop unused");
    let after = json_of_last_commit(&repo);
    assert_eq!(change_of(&after, "shop/db.py::unused")["change"], "deleted");
    assert_eq!(after["total"]["raw"], before["raw"], "{}", after["total"]);
    assert_eq!(after["total"]["score"], before["score"]);
    let change = after["total"]["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "change")
        .unwrap();
    assert_eq!(change["points"], 1.0, "{change}");
}

#[test]
fn exit_code_follows_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = shop_repo(tmp.path());
    let formatting = {
        write(
            &repo,
            "shop/db.py",
            "def connect(url):\n    return url.strip()  # trimmed\n\n\ndef unused():\n    return 0\n",
        );
        commit_all(&repo, "comment");
        "HEAD~1..HEAD"
    };
    let levels = ["none", "low", "medium", "high", "critical"];
    for range in ["HEAD~2..HEAD~1", formatting, "HEAD~2..HEAD"] {
        let report: Value =
            serde_json::from_slice(&blast(&repo, &["diff", range, "--format", "json"]).stdout)
                .unwrap();
        let total = report["total"]["level"].as_str().unwrap();
        let total_rank = levels.iter().position(|l| *l == total).unwrap();
        let score = report["total"]["score"].as_u64().unwrap();
        for (rank, level) in levels.iter().enumerate().skip(1) {
            let output = blast(&repo, &["diff", range, "--fail-on", level]);
            let expected = i32::from(score > 0 && total_rank >= rank);
            assert_eq!(
                output.status.code(),
                Some(expected),
                "{range} with total {total} ({score}) and --fail-on {level}"
            );
        }
    }

    // The policy's threshold applies without the option, and the option
    // overrides it.
    write(&repo, "blast.toml", "[thresholds]\nfail_on = \"low\"\n");
    assert_eq!(
        blast(&repo, &["diff", "HEAD~2..HEAD~1"]).status.code(),
        Some(1)
    );
    assert_eq!(
        blast(&repo, &["diff", "HEAD~2..HEAD~1", "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn module_level_change_reaches_users_of_the_name() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "consts");
    write(
        &repo,
        "pkg/__init__.py",
        "from .a import f\n\nA, B = 1, 2\n",
    );
    write(&repo, "pkg/a.py", "def f():\n    return 1\n");
    write(
        &repo,
        "users.py",
        "import pkg\n\n\ndef use_a():\n    return pkg.A\n\n\ndef use_b():\n    return pkg.B\n\n\ndef use_f():\n    return pkg.f()\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "pkg/__init__.py",
        "from .a import f\n\nA, B = 1, 3\n",
    );
    commit_all(&repo, "change B");

    let report = json_of_last_commit(&repo);
    let module = change_of(&report, "pkg/__init__.py");
    assert_eq!(module["change"], "modified");
    assert_eq!(
        ids(&module["certain"]),
        vec!["users.py::use_a", "users.py::use_b"],
        "the importer and users of f are not reached"
    );
}

#[test]
fn imports_reformatted_reach_dropped_names() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "imports");
    write(
        &repo,
        "pkg/core.py",
        "from typing import (\n    List,\n    Optional,\n    Set,\n)\n\n\ndef pick(items: List[int]) -> Optional[int]:\n    return items[0] if items else None\n",
    );
    write(
        &repo,
        "users.py",
        "from typing import List\n\nfrom pkg import core\nfrom pkg.core import Set\n\n\ndef first(items: List[int]):\n    return core.pick(items)\n\n\ndef unique(items) -> Set[int]:\n    return set(items)\n",
    );
    commit_all(&repo, "base");
    // The same import on one line, without `Set`.
    write(
        &repo,
        "pkg/core.py",
        "from typing import List, Optional\n\n\ndef pick(items: List[int]) -> Optional[int]:\n    return items[0] if items else None\n",
    );
    commit_all(&repo, "reformat imports");

    let report = json_of_last_commit(&repo);
    let module = change_of(&report, "pkg/core.py");
    assert_eq!(module["change"], "modified");
    assert_eq!(
        ids(&module["certain"]),
        vec!["users.py"],
        "only the importer of the dropped `Set` is reached, not `pick` or `first`, \
         which use `List` and `Optional` as before"
    );
}

#[test]
fn module_level_mutation_reaches_readers() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "registry");
    let module = |entry: &str, extra: &str| {
        format!(
            "from .other import helper\n\nTABLE = {{}}\nTABLE[\"a\"] = {entry}\n{extra}\n\n\
             def lookup(key, table=TABLE):\n    return table[key]\n\n\n\
             def lookup2(key):\n    return TABLE[key]\n\n\n\
             def unrelated():\n    return helper()\n"
        )
    };
    write(&repo, "pkg/__init__.py", "");
    write(&repo, "pkg/other.py", "def helper():\n    return 0\n");
    write(&repo, "pkg/reg.py", &module("1", ""));
    write(
        &repo,
        "pkg/use.py",
        "from pkg.reg import lookup, lookup2\n\n\ndef run():\n    return lookup(\"a\") + lookup2(\"a\")\n",
    );
    commit_all(&repo, "base");

    let readers = vec![
        "pkg/reg.py",
        "pkg/reg.py::lookup",
        "pkg/reg.py::lookup2",
        "pkg/use.py",
        "pkg/use.py::run",
    ];
    // Each changed top-level statement mutates TABLE in place.
    for (entry, extra) in [
        ("2", ""),
        ("1", "del TABLE[\"a\"]"),
        ("1", "TABLE.update(b=2)"),
        ("1", "TABLE[\"a\"] += 1"),
        ("1", "TABLE.limit = 3"),
    ] {
        write(&repo, "pkg/reg.py", &module(entry, extra));
        commit_all(&repo, "mutate TABLE");

        let report = json_of_last_commit(&repo);
        let table = symbol_change(&report, "pkg.reg.TABLE");
        assert_eq!(table["change"], "modified", "{entry} {extra}");
        assert_eq!(ids(&table["certain"]), readers, "{entry} {extra}");
        let reg = change_of(&report, "pkg/reg.py");
        assert_eq!(reg["change"], "modified", "{entry} {extra}");

        git(&repo, &["reset", "-q", "--hard", "HEAD^"]);
    }

    // A changed call that only reads TABLE is no mutation of it.
    write(&repo, "pkg/reg.py", &module("1", "print(TABLE.get(\"a\"))"));
    commit_all(&repo, "print TABLE");
    let report = json_of_last_commit(&repo);
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["symbol"] != "pkg.reg.TABLE"),
        "{}",
        report["changes"]
    );
}

#[test]
fn stale_all_entry_is_a_likely_break() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "exports");
    write(&repo, "pkg/__init__.py", "from .tools import *\n");
    write(
        &repo,
        "pkg/tools.py",
        "__all__ = ('concat',)\n__all__ += ['other']\n\n\n\
         def concat(seqs):\n    return [x for s in seqs for x in s]\n\n\n\
         def other():\n    return 0\n",
    );
    write(&repo, "pkg/plain.py", "from .tools import other\n");
    commit_all(&repo, "base");

    // `concat` is renamed, and `other`, listed by `__all__ +=`, deleted.
    // Nothing calls either, but both names stay in `__all__`, so
    // `import pkg` fails.
    write(
        &repo,
        "pkg/tools.py",
        "__all__ = ('concat',)\n__all__ += ['other']\n\n\n\
         def chain_all(seqs):\n    return [x for s in seqs for x in s]\n",
    );
    commit_all(&repo, "rename concat, drop other");
    let report = json_of_last_commit(&repo);
    let renamed = symbol_change(&report, "pkg.tools.chain_all");
    assert_eq!(renamed["change"], "moved");
    assert_eq!(
        ids(&renamed["still_referenced"]),
        vec!["pkg/tools.py", "pkg/__init__.py"],
        "the module and the package that star-imports it, not pkg/plain.py"
    );
    let level = renamed["level"].as_str().unwrap();
    assert!(level == "high" || level == "critical", "{renamed}");
    let deleted = change_of(&report, "pkg/tools.py::other");
    assert_eq!(deleted["change"], "deleted");
    assert!(
        ids(&deleted["still_referenced"]).contains(&"pkg/tools.py"),
        "{deleted}"
    );

    // An alias under the old name keeps the export working.
    git(&repo, &["reset", "-q", "--hard", "HEAD^"]);
    write(
        &repo,
        "pkg/tools.py",
        "__all__ = ('concat',)\n__all__ += ['other']\n\n\n\
         def chain_all(seqs):\n    return [x for s in seqs for x in s]\n\n\n\
         concat = chain_all\n\n\n\
         def other():\n    return 0\n",
    );
    commit_all(&repo, "rename concat, keep an alias");
    let report = json_of_last_commit(&repo);
    for change in report["changes"].as_array().unwrap() {
        assert!(
            change["still_referenced"].as_array().unwrap().is_empty(),
            "{change}"
        );
    }
}

#[test]
fn markdown_table_counts_tests_once() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "counted");
    write(&repo, "pkg/core.py", "def f():\n    return 1\n");
    write(
        &repo,
        "pkg/use.py",
        "from pkg.core import f\n\n\ndef g():\n    return f()\n",
    );
    write(
        &repo,
        "tests/test_core.py",
        "from pkg.core import f\n\n\ndef test_f():\n    assert f() == 1\n",
    );
    commit_all(&repo, "base");
    write(&repo, "pkg/core.py", "def f():\n    return 2\n");
    commit_all(&repo, "edit");

    let json = json_of_last_commit(&repo);
    let f = change_of(&json, "pkg/core.py::f");
    assert_eq!(
        ids(&f["certain"]),
        vec![
            "pkg/use.py",
            "pkg/use.py::g",
            "tests/test_core.py",
            "tests/test_core.py::test_f"
        ],
        "the JSON lists every dependent"
    );
    let markdown = last_commit(&repo, "markdown");
    let rendered = render(&markdown);
    let row = rendered
        .rows
        .iter()
        .find(|r| r[2].starts_with("`pkg.core.f`"))
        .unwrap_or_else(|| panic!("no row of pkg.core.f in {markdown}"));
    assert_eq!(
        (row[3].as_str(), row[4].as_str(), row[5].as_str()),
        ("2", "0", "1"),
        "certain leaves out the test that the tests column counts: {markdown}"
    );
}

#[test]
fn method_moved_by_class_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "regrouped");
    let method =
        "    static int twice(int x) {\n        int y = x * 2;\n        return y;\n    }\n";
    write(
        &repo,
        "src/demo/Util.java",
        &format!("package demo;\n\nclass Util {{\n{method}}}\n\nclass Other {{\n}}\n"),
    );
    write(
        &repo,
        "src/demo/App.java",
        "package demo;\n\nclass App {\n    int run() { return Util.twice(3); }\n}\n",
    );
    commit_all(&repo, "base");
    // git's diff moves the class lines and leaves the method's lines alone.
    write(
        &repo,
        "src/demo/Util.java",
        &format!("package demo;\n\nclass Util {{\n}}\n\nclass Other {{\n{method}}}\n"),
    );
    commit_all(&repo, "move twice to Other");

    let report = json_of_last_commit(&repo);
    let moved = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["change"] == "moved")
        .unwrap_or_else(|| panic!("no move in {}", report["changes"]));
    assert_eq!(moved["symbol"], "demo.Other.twice(int)");
    assert_eq!(moved["old_symbol"], "demo.Util.twice(int)");
    assert_eq!(
        ids(&moved["still_referenced"]),
        vec!["src/demo/App.java::App.run()"]
    );

    let text = last_commit(&repo, "text");
    assert!(text.contains("    was demo.Util.twice(int)\n"), "{text}");
    let sarif = last_commit(&repo, "sarif");
    assert!(
        sarif.contains("1 of them still use its old name twice(int) at the head revision"),
        "{sarif}"
    );
}

/// Callers of `pkg.a.foo` that call it only inside f-strings, in each form
/// of replacement field, and one that calls it directly.
const F_STRING_CALLERS: &str = "from pkg.a import foo\n\n\ndef plain():\n    return f\"{foo(1)}\"\n\n\ndef debug():\n    return f\"{foo(1)=}\"\n\n\ndef converted():\n    return f\"{foo(1)!r:>10}\"\n\n\ndef in_spec():\n    return f\"{1:>{foo(1)}}\"\n\n\ndef nested():\n    return f\"{f'{foo(1)}'}\"\n\n\ndef direct():\n    return foo(1)\n";

fn f_string_repo(root: &Path) -> PathBuf {
    let repo = init_repo(root, "fstr");
    write(&repo, "pkg/__init__.py", "");
    write(&repo, "pkg/a.py", "def foo(x):\n    return x\n");
    write(&repo, "pkg/b.py", F_STRING_CALLERS);
    commit_all(&repo, "base");
    repo
}

fn sorted_ids(list: &Value) -> Vec<&str> {
    let mut out = ids(list);
    out.sort_unstable();
    out
}

#[test]
fn f_string_calls_are_still_referenced() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = f_string_repo(tmp.path());
    write(&repo, "pkg/a.py", "def bar(x):\n    return x\n");
    commit_all(&repo, "rename foo");

    let report = json_of_last_commit(&repo);
    let foo = change_of(&report, "pkg/a.py::foo");
    assert_eq!(
        sorted_ids(&foo["still_referenced"]),
        [
            "pkg/b.py",
            "pkg/b.py::converted",
            "pkg/b.py::debug",
            "pkg/b.py::direct",
            "pkg/b.py::in_spec",
            "pkg/b.py::nested",
            "pkg/b.py::plain",
        ]
    );
}

#[test]
fn f_string_calls_no_longer_match() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = f_string_repo(tmp.path());
    write(&repo, "pkg/a.py", "def foo(x, y):\n    return x\n");
    commit_all(&repo, "require y");

    let report = json_of_last_commit(&repo);
    let foo = change_of(&report, "pkg/a.py::foo");
    assert_eq!(foo["modification"], "signature");
    assert_eq!(
        sorted_ids(&foo["mismatched_calls"]),
        [
            "pkg/b.py::converted",
            "pkg/b.py::debug",
            "pkg/b.py::direct",
            "pkg/b.py::in_spec",
            "pkg/b.py::nested",
            "pkg/b.py::plain",
        ]
    );
}

#[test]
fn python_rejected_calls_break() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "params");
    write(
        &repo,
        "pkg/net.py",
        "def connect(url, timeout=5):\n    return url\n\n\nclass Client:\n    def send(self, data):\n        return data\n\n    def ping(self):\n        return self.send(b\"\")\n",
    );
    write(
        &repo,
        "pkg/api.py",
        "from pkg.net import connect\n\n\ndef fetch():\n    return connect(\"a\")\n\n\ndef fetch_fast():\n    return connect(\"a\", timeout=1)\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "pkg/net.py",
        "def connect(url, *, deadline=5):\n    return url\n\n\nclass Client:\n    def send(self, data, flags):\n        return data\n\n    def ping(self):\n        return self.send(b\"\")\n",
    );
    commit_all(&repo, "change parameters");

    let report = json_of_last_commit(&repo);
    let connect = change_of(&report, "pkg/net.py::connect");
    assert_eq!(connect["modification"], "signature");
    assert_eq!(
        ids(&connect["mismatched_calls"]),
        vec!["pkg/api.py::fetch_fast"],
        "connect(\"a\") still matches; timeout= no longer does"
    );
    assert_eq!(connect["level"], "high");
    let send = change_of(&report, "pkg/net.py::Client.send");
    assert_eq!(
        ids(&send["mismatched_calls"]),
        vec!["pkg/net.py::Client.ping"]
    );

    let text = last_commit(&repo, "text");
    assert!(
        text.contains("LIKELY BREAK: calls no longer match the new parameters in pkg.api.fetch_fast (pkg/api.py:8)"),
        "{text}"
    );
    let markdown = last_commit(&repo, "markdown");
    assert!(markdown.contains("**Likely broken calls:**"), "{markdown}");
}

#[test]
fn class_around_edited_method_formatting() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "classes");
    let python = "class Jar:\n    \"\"\"Cookies, as cookielib keeps them.\"\"\"\n\n    def get(self, name):\n        \"\"\"Looks up a cookie.\"\"\"\n        return name\n";
    let java = "package demo;\n\nclass Util {\n    static int twice(int x) {\n        return x * 2;\n    }\n}\n";
    write(&repo, "jar.py", python);
    write(&repo, "src/demo/Util.java", java);
    commit_all(&repo, "base");
    write(
        &repo,
        "jar.py",
        &python
            .replace("cookielib", "http.cookiejar")
            .replace("return name", "return name.lower()"),
    );
    write(
        &repo,
        "src/demo/Util.java",
        &java
            .replace("class Util {\n", "class Util {\n    // Helpers.\n")
            .replace("x * 2", "x + x"),
    );
    commit_all(&repo, "edit");

    let report = json_of_last_commit(&repo);
    for (class, method) in [
        ("jar.py::Jar", "jar.py::Jar.get"),
        (
            "src/demo/Util.java::Util",
            "src/demo/Util.java::Util.twice(int)",
        ),
    ] {
        // Its own lines changed only in comments, around a changed member.
        let listed = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == class);
        assert!(!listed, "{class} is listed: {}", report["changes"]);
        assert_eq!(
            change_of(&report, method)["modification"],
            "body",
            "{method}"
        );
    }
}

#[test]
fn rewrapped_overload_stub_is_formatting() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "overloads");
    let before = "import typing as t\n\nwrap: t.Optional[int] = None\n\n\n@t.overload\ndef wrap(x: int) -> int: ...\n\n\n@t.overload\ndef wrap(x: str, y: str) -> str: ...\n\n\ndef wrap(x, y=None):\n    return x\n";
    write(&repo, "pkg.py", before);
    commit_all(&repo, "base");
    write(
        &repo,
        "pkg.py",
        &before.replace(
            "def wrap(x: str, y: str)",
            "def wrap(\n    x: str, y: str\n)",
        ),
    );
    commit_all(&repo, "rewrap the second stub");

    let report = json_of_last_commit(&repo);
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["modification"], "formatting", "{changes:?}");
    assert_eq!(changes[0]["start_line"], 10, "the stub's own lines");
}

#[test]
fn java_widened_parameter_no_break() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "widened");
    let util = "package demo;\n\nclass Util {\n    static int pow2Size(int n) {\n        return Integer.highestOneBit(n) * 2;\n    }\n}\n";
    write(&repo, "src/demo/Util.java", util);
    write(
        &repo,
        "src/demo/Buffer.java",
        "package demo;\n\nclass Buffer {\n    int size(int n) { return Util.pow2Size(n); }\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/demo/Util.java",
        &util
            .replace("pow2Size(int n)", "pow2Size(long n)")
            .replace("highestOneBit(n) * 2", "highestOneBit((int) n) * 2"),
    );
    commit_all(&repo, "widen");

    let report = json_of_last_commit(&repo);
    let old = symbol_change(&report, "demo.Util.pow2Size(int)");
    assert_eq!(
        ids(&old["still_referenced"]),
        Vec::<&str>::new(),
        "the int call now resolves to pow2Size(long)"
    );
}

#[test]
fn dependents_in_renamed_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "renamed");
    write(&repo, "core.py", "def f():\n    return 1\n");
    let user =
        "from core import f\n\n\ndef helper():\n    return 0\n\n\ndef g():\n    return f()\n";
    write(&repo, "old/use.py", user);
    commit_all(&repo, "base");
    git(&repo, &["mv", "old/use.py", "new_use.py"]);
    write(
        &repo,
        "new_use.py",
        &user.replace("return 0", "return 0  # kept"),
    );
    write(&repo, "core.py", "def f():\n    return 2\n");
    commit_all(&repo, "move the user and edit f");

    let report = json_of_last_commit(&repo);
    let f = change_of(&report, "core.py::f");
    let g = f["certain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "new_use.py::g")
        .unwrap_or_else(|| panic!("no dependent g in {}", f["certain"]));
    assert_eq!(g["symbol"], "new_use.g", "named as at the head: {g}");
    assert_eq!(g["line"], 8, "{g}");

    let sarif: Value = serde_json::from_str(&last_commit(&repo, "sarif")).unwrap();
    let related: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["relatedLocations"].as_array().into_iter().flatten())
        .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(related.contains(&"new_use.py"), "{related:?}");
}

#[test]
fn java_retyped_parameter_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "retyped");
    let util = "package demo;\n\nclass Util {\n    static int size(int n) {\n        return n * 2;\n    }\n}\n";
    write(&repo, "src/demo/Util.java", util);
    write(
        &repo,
        "src/demo/App.java",
        "package demo;\n\nclass App {\n    int run() { int k = 3; return Util.size(k); }\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/demo/Util.java",
        &util
            .replace("size(int n)", "size(String n)")
            .replace("n * 2", "n.length() * 2"),
    );
    commit_all(&repo, "retype");

    let report = json_of_last_commit(&repo);
    let old = symbol_change(&report, "demo.Util.size(int)");
    assert_eq!(
        ids(&old["still_referenced"]),
        vec!["src/demo/App.java::App.run()"],
        "an int argument does not convert to String"
    );
}

#[test]
fn dependents_in_deleted_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "deleted");
    write(
        &repo,
        "core.py",
        "def f():\n    return 1\n\n\ndef h():\n    return 2\n",
    );
    write(
        &repo,
        "old_user.py",
        "from core import f, h\n\n\ndef g():\n    return f() + h()\n",
    );
    write(
        &repo,
        "user.py",
        "from core import h\n\n\ndef k():\n    return h()\n",
    );
    commit_all(&repo, "base");
    git(&repo, &["rm", "-q", "old_user.py"]);
    write(&repo, "core.py", "def h():\n    return 3\n");
    commit_all(&repo, "drop f and its only user");

    let report = json_of_last_commit(&repo);
    let f = change_of(&report, "core.py::f");
    assert_eq!(f["change"], "deleted");
    assert_eq!(
        ids(&f["certain"]),
        Vec::<&str>::new(),
        "old_user.py is gone too"
    );
    assert_eq!(f["score"], 0, "{f}");
    let h = change_of(&report, "core.py::h");
    assert_eq!(ids(&h["certain"]), vec!["user.py", "user.py::k"]);
}

#[test]
fn rust_struct_moved_to_submodule() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "moved-struct");
    write(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&repo, "src/lib.rs", "pub mod ascii;\npub mod user;\n");
    let caseless = "pub struct Caseless<T>(pub T);\n\nimpl Caseless<&str> {\n    pub fn as_bytes(&self) -> &[u8] {\n        self.0.as_bytes()\n    }\n}\n";
    write(&repo, "src/ascii/mod.rs", caseless);
    write(
        &repo,
        "src/user.rs",
        "use crate::ascii::Caseless;\n\npub fn wrap(s: &str) -> Caseless<&str> {\n    Caseless(s)\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/ascii/mod.rs",
        "mod caseless;\n\npub use self::caseless::Caseless;\n",
    );
    write(&repo, "src/ascii/caseless.rs", caseless);
    commit_all(&repo, "move Caseless into a submodule");

    let report = json_of_last_commit(&repo);
    let moved = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["change"] == "moved")
        .unwrap_or_else(|| panic!("no move in {}", report["changes"]));
    assert_eq!(moved["old_symbol"], "demo::ascii::Caseless");
    assert_eq!(moved["symbol"], "demo::ascii::caseless::Caseless");
    let method = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["old_symbol"] == "demo::ascii::Caseless::as_bytes")
        .unwrap_or_else(|| {
            panic!(
                "the method did not move with its type: {}",
                report["changes"]
            )
        });
    assert_eq!(method["change"], "moved");
    assert!(
        !report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["change"] == "deleted"
                || c["change"] == "added" && c["symbol_kind"] == "struct"),
        "{}",
        report["changes"]
    );
}

#[test]
fn java_updated_callers_not_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "new-parameter");
    write(
        &repo,
        "src/demo/Task.java",
        "package demo;\n\ninterface Task {\n    void run(int count);\n}\n",
    );
    write(
        &repo,
        "src/demo/Stale.java",
        "package demo;\n\nclass Stale {\n    void go(Task task) { task.run(1); }\n}\n",
    );
    write(
        &repo,
        "src/demo/Fresh.java",
        "package demo;\n\nclass Fresh {\n    void go(Task task) { task.run(1); }\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/demo/Task.java",
        "package demo;\n\ninterface Task {\n    void run(int count, boolean force);\n}\n",
    );
    write(
        &repo,
        "src/demo/Fresh.java",
        "package demo;\n\nclass Fresh {\n    void go(Task task) { task.run(1, false); }\n}\n",
    );
    commit_all(&repo, "add a parameter and update one caller");

    let report = json_of_last_commit(&repo);
    let old = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["symbol"] == "demo.Task.run(int)" || c["old_symbol"] == "demo.Task.run(int)")
        .unwrap_or_else(|| panic!("no change of run(int) in {}", report["changes"]));
    assert_eq!(
        ids(&old["still_referenced"]),
        vec!["src/demo/Stale.java::Stale.go(Task)"],
        "Fresh calls the new run(int,boolean)"
    );
}

#[test]
fn java_interface_change_breaks_implementations() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "contract");
    let task = |methods: &str| format!("package demo;\n\npublic interface Task {{\n{methods}}}\n");
    write(
        &repo,
        "src/demo/Task.java",
        &task("    void run(int times);\n"),
    );
    write(
        &repo,
        "src/demo/Base.java",
        "package demo;\n\npublic abstract class Base implements Task {\n}\n",
    );
    write(
        &repo,
        "src/demo/Printer.java",
        "package demo;\n\npublic class Printer extends Base {\n    @Override\n    public void run(int times) {\n    }\n}\n",
    );
    write(
        &repo,
        "src/demo/Quiet.java",
        "package demo;\n\npublic class Quiet implements Task {\n    public void run(int times) {\n    }\n}\n",
    );
    // Its superclass defines both signatures, so it never breaks.
    write(
        &repo,
        "src/demo/Helper.java",
        "package demo;\n\npublic class Helper {\n    public void run(long times) {\n    }\n\n    public void run(int times) {\n    }\n}\n",
    );
    write(
        &repo,
        "src/demo/Reuse.java",
        "package demo;\n\npublic class Reuse extends Helper implements Task {\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/demo/Task.java",
        &task("    void run(long times);\n\n    default void stop() {\n    }\n"),
    );
    commit_all(&repo, "widen run and add a default method");

    let report = json_of_last_commit(&repo);
    let added = change_of(&report, "src/demo/Task.java::Task.run(long)");
    assert_eq!(
        ids(&added["broken_implementations"]),
        vec![
            "src/demo/Printer.java::Printer",
            "src/demo/Quiet.java::Quiet"
        ],
        "Base is abstract and Reuse inherits run(long) from Helper"
    );
    assert_eq!(added["level"], "high");
    let deleted = change_of(&report, "src/demo/Task.java::Task.run(int)");
    assert_eq!(
        ids(&deleted["broken_implementations"]),
        vec!["src/demo/Printer.java::Printer.run(int)"],
        "only an @Override annotation makes a leftover method fail"
    );
    let stop = change_of(&report, "src/demo/Task.java::Task.stop()");
    assert_eq!(ids(&stop["broken_implementations"]), Vec::<&str>::new());
    assert_eq!(stop["score"], 0);

    let text = last_commit(&repo, "text");
    assert!(
        text.contains("LIKELY BREAK: implementations that do not define it: demo.Printer (src/demo/Printer.java:3), demo.Quiet (src/demo/Quiet.java:3)"),
        "{text}"
    );
    let markdown = last_commit(&repo, "markdown");
    assert!(
        markdown.contains("**Likely broken implementations:**"),
        "{markdown}"
    );
}

#[test]
fn rust_trait_change_breaks_impls() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "traits");
    write(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"traits\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&repo, "src/lib.rs", "pub mod task;\npub mod printer;\n");
    let task = |methods: &str| format!("pub trait Task {{\n{methods}}}\n");
    write(
        &repo,
        "src/task.rs",
        &task("    fn run(&self);\n    fn pause(&self);\n"),
    );
    write(
        &repo,
        "src/printer.rs",
        "use crate::task::Task;\n\npub struct Printer;\npub struct Full;\n\nimpl Task for Printer {\n    fn run(&self) {}\n    fn pause(&self) {}\n}\n\nimpl Task for Full {\n    fn run(&self) {}\n    fn pause(&self) {}\n}\n\nimpl Printer {\n    fn stop(&self) {}\n}\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "src/task.rs",
        &task(
            "    fn run(&self);\n    fn stop(&self);\n    fn name(&self) -> &str {\n        \"task\"\n    }\n",
        ),
    );
    commit_all(&repo, "replace pause with stop");

    let report = json_of_last_commit(&repo);
    let stop = change_of(&report, "src/task.rs::Task::stop");
    assert_eq!(
        ids(&stop["broken_implementations"]),
        vec![
            "src/printer.rs::<Printer as Task>",
            "src/printer.rs::<Full as Task>"
        ],
        "an inherent method of the same name does not implement it"
    );
    let pause = change_of(&report, "src/task.rs::Task::pause");
    assert_eq!(
        ids(&pause["broken_implementations"]),
        vec![
            "src/printer.rs::<Printer as Task>::pause",
            "src/printer.rs::<Full as Task>::pause"
        ]
    );
    let name = change_of(&report, "src/task.rs::Task::name");
    assert_eq!(ids(&name["broken_implementations"]), Vec::<&str>::new());
}

#[test]
fn renamed_method_on_unknown_receiver_may_break() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "receiver");
    let store = |name: &str| {
        format!(
            "class Store:\n    def {name}(self):\n        return []\n\n    def size(self):\n        return 1\n\n    def rows(self):\n        return self.{name}()\n"
        )
    };
    write(&repo, "pkg/store.py", &store("fetch_rows"));
    // `both` reaches the method for certain through Store.rows, and calls it
    // on a value of unknown type too.
    write(
        &repo,
        "pkg/use.py",
        "from pkg.store import Store\n\n\ndef count(store):\n    return len(store.fetch_rows())\n\n\ndef other(store):\n    return store.size()\n\n\ndef both(store):\n    return Store().rows() + store.fetch_rows()\n",
    );
    commit_all(&repo, "base");
    write(&repo, "pkg/store.py", &store("load_rows"));
    commit_all(&repo, "rename fetch_rows");

    let report = json_of_last_commit(&repo);
    let renamed = change_of(&report, "pkg/store.py::Store.fetch_rows");
    assert_eq!(
        ids(&renamed["still_referenced"]),
        Vec::<&str>::new(),
        "Store.rows was updated"
    );
    assert_eq!(
        ids(&renamed["possibly_still_referenced"]),
        vec!["pkg/use.py::count", "pkg/use.py::both"],
        "the receiver's type is unknown, so the call is a candidate edge"
    );

    let text = last_commit(&repo, "text");
    assert!(
        text.contains("POSSIBLE BREAK: still named at head, on a receiver of unknown type, by pkg.use.count (pkg/use.py:4)"),
        "{text}"
    );
    let markdown = last_commit(&repo, "markdown");
    assert!(markdown.contains("**Possible breaks:**"), "{markdown}");
}

#[test]
fn added_caller_with_old_arguments_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "added_caller");
    write(&repo, "pkg/net.py", "def connect(url):\n    return url\n");
    write(
        &repo,
        "pkg/api.py",
        "from pkg.net import connect\n\n\ndef fetch():\n    return connect(\"a\", 1)\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "pkg/net.py",
        "def connect(url, timeout):\n    return url\n",
    );
    write(
        &repo,
        "pkg/api.py",
        "from pkg.net import connect\n\n\ndef fetch():\n    return connect(\"a\", 1)\n",
    );
    write(
        &repo,
        "pkg/extra.py",
        "from pkg.net import connect\n\n\ndef probe():\n    return connect(\"b\")\n",
    );
    commit_all(&repo, "require a timeout and add a caller");

    let report = json_of_last_commit(&repo);
    let connect = change_of(&report, "pkg/net.py::connect");
    assert_eq!(
        ids(&connect["mismatched_calls"]),
        vec!["pkg/extra.py::probe"],
        "the caller in the added file passes one argument"
    );
    assert_eq!(connect["level"], "high");
}

/// Returns the `modification` of each change of `symbol`, one per change.
fn modifications_of<'r>(report: &'r Value, symbol: &str) -> Vec<(&'r str, &'r Value)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["symbol"] == symbol)
        .map(|c| (c["change"].as_str().unwrap(), &c["modification"]))
        .collect()
}

#[test]
fn rust_attributes_and_mut_bindings_are_no_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "attributes");
    let base = "pub fn put(src: u32) -> u32 {\n    src + 1\n}\n\n\
                pub fn take(src: u32) -> u32 {\n    src - 1\n}\n\n\
                pub fn documented() -> u32 {\n    1\n}\n\n\
                pub fn gated() -> u32 {\n    2\n}\n";
    write(&repo, "src/lib.rs", base);
    commit_all(&repo, "base");
    let head = "#[inline]\n#[must_use]\npub fn put(src: u32) -> u32 {\n    src + 1\n}\n\n\
                pub fn take(mut src: u32) -> u32 {\n    src -= 1;\n    src\n}\n\n\
                #[doc = \"Returns one.\"]\n#[allow(clippy::all)]\npub fn documented() -> u32 {\n    1\n}\n\n\
                #[cfg(feature = \"std\")]\npub fn gated() -> u32 {\n    2\n}\n";
    write(&repo, "src/lib.rs", head);
    commit_all(&repo, "add attributes");

    let report = json_of_last_commit(&repo);
    let only = |symbol: &str| {
        let found = modifications_of(&report, symbol);
        assert_eq!(found.len(), 1, "changes of {symbol}: {found:?}");
        found[0].1.as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(only("crate::put"), "body", "`#[inline]` and `#[must_use]`");
    assert_eq!(only("crate::take"), "body", "`mut src`");
    assert_eq!(
        only("crate::documented"),
        "formatting",
        "doc and lint attributes"
    );
    assert_eq!(
        only("crate::gated"),
        "signature",
        "`#[cfg]` removes the function"
    );
}

#[test]
fn overload_stubs_added_above_implementation() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "stubs");
    let implementation =
        "    def send(self, event):\n        data = self.encode(event)\n        return data\n";
    write(
        &repo,
        "pkg/conn.py",
        &format!("class Connection:\n{implementation}"),
    );
    write(
        &repo,
        "pkg/use.py",
        "from pkg.conn import Connection\n\n\ndef run(c: Connection):\n    return c.send(1)\n",
    );
    commit_all(&repo, "base");
    let stubs = "    @overload\n    def send(self, event: int) -> bytes:\n        ...\n\n\
                 \x20   @typing.overload\n    def send(self, event: str) -> None:\n        ...\n\n";
    write(
        &repo,
        "pkg/conn.py",
        &format!(
            "import typing\nfrom typing import overload\n\n\nclass Connection:\n{stubs}{implementation}"
        ),
    );
    commit_all(&repo, "add overloads");

    let report = json_of_last_commit(&repo);
    let send = modifications_of(&report, "pkg.conn.Connection.send");
    assert!(
        !send.is_empty(),
        "no change of send in {}",
        report["changes"]
    );
    for (change, modification) in send {
        assert_eq!(change, "added", "the implementation did not change");
        assert!(modification.is_null());
    }
}

#[test]
fn renamed_overload_set_is_one_move() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "rename");
    let set = |name: &str| {
        format!(
            "from typing import overload\n\n\n\
             @overload\ndef {name}(x: int) -> int:\n    ...\n\n\n\
             @overload\ndef {name}(x: str) -> str:\n    ...\n\n\n\
             def {name}(x):\n    y = x * 2\n    return y + x\n"
        )
    };
    write(&repo, "pkg/norm.py", &set("normalize"));
    write(
        &repo,
        "pkg/use.py",
        "from pkg.norm import normalize\n\n\ndef run():\n    return normalize(1)\n",
    );
    commit_all(&repo, "base");
    write(&repo, "pkg/norm.py", &set("normalize_all"));
    commit_all(&repo, "rename normalize");

    let report = json_of_last_commit(&repo);
    let changes: Vec<(&str, &str)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["file"] == "pkg/norm.py" && c["symbol_kind"] == "function")
        .map(|c| (c["change"].as_str().unwrap(), c["symbol"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, vec![("moved", "pkg.norm.normalize_all")]);
    let moved = symbol_change(&report, "pkg.norm.normalize_all");
    assert_eq!(moved["start_line"], 14, "placed at the implementation");
    assert_eq!(
        ids(&moved["still_referenced"]),
        vec!["pkg/use.py", "pkg/use.py::run"]
    );

    let text = last_commit(&repo, "text");
    assert_eq!(text.matches("LIKELY BREAK").count(), 1, "{text}");
}

#[test]
fn src_layout_move_keeps_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "src_layout");
    let init = "try:\n    from ._version import version as __version__\nexcept ImportError:\n    __version__ = 'unknown'\n\n__all__ = ['easter']\n";
    let easter = "def easter(year):\n    golden = year % 19\n    return golden + 1\n";
    let common = "class Mixin:\n    def check(self, value):\n        return value is not None\n";
    let test = "from ._common import Mixin\n\n\nclass TestEaster(Mixin):\n    def test_year(self):\n        assert self.check(1)\n";
    write(&repo, "pkg/__init__.py", init);
    write(&repo, "pkg/easter.py", easter);
    write(&repo, "pkg/test/__init__.py", "");
    write(&repo, "pkg/test/_common.py", common);
    write(&repo, "pkg/test/test_easter.py", test);
    write(
        &repo,
        "docs/conf.py",
        "import pkg\n\nversion = pkg.__version__\n",
    );
    commit_all(&repo, "base");
    // Enough new text that git reports a deleted and an added `__init__.py`.
    git(&repo, &["rm", "-q", "pkg/__init__.py"]);
    write(
        &repo,
        "src/pkg/__init__.py",
        &format!(
            "import sys\n\n{init}\n\ndef __getattr__(name):\n    import importlib\n\n    if name in __all__:\n        return importlib.import_module('.' + name, __name__)\n    raise AttributeError(name)\n"
        ),
    );
    git(&repo, &["mv", "pkg/easter.py", "src/pkg/easter.py"]);
    git(&repo, &["mv", "pkg/test", "tests"]);
    commit_all(&repo, "move to a src layout");

    let report = json_of_last_commit(&repo);
    let changes = report["changes"].as_array().unwrap();
    let kinds_of = |symbol: &str| -> Vec<&str> {
        changes
            .iter()
            .filter(|c| c["symbol"] == symbol)
            .map(|c| c["change"].as_str().unwrap())
            .collect()
    };
    assert_eq!(kinds_of("pkg"), vec!["modified"], "{}", report["changes"]);
    assert_eq!(kinds_of("pkg.__version__"), Vec::<&str>::new());
    assert_eq!(kinds_of("pkg.__getattr__"), vec!["added"]);
    assert_eq!(kinds_of("tests._common"), vec!["moved"]);
    for change in changes {
        assert!(
            ids(&change["still_referenced"]).is_empty(),
            "{} still imports fine: {change}",
            change["symbol"]
        );
    }
}

#[test]
fn alias_of_package_names_renamed_function() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "alias");
    write(
        &repo,
        "pkg/__init__.py",
        "from .recipes import *  # noqa\nfrom .recipes import take\n",
    );
    let recipes = "def take(n, iterable):\n    return list(iterable)[:n]\n";
    write(&repo, "pkg/recipes.py", recipes);
    write(
        &repo,
        "tests/test_recipes.py",
        "import itertools as it\nimport pkg as p\n\n\ndef test_take():\n    assert p.take(2, it.count()) == [0, 1]\n",
    );
    commit_all(&repo, "base");
    write(&repo, "pkg/recipes.py", &recipes.replace("take", "take_n"));
    commit_all(&repo, "rename take");

    let report = json_of_last_commit(&repo);
    let moved = symbol_change(&report, "pkg.recipes.take_n");
    assert_eq!(moved["change"], "moved");
    let still = ids(&moved["still_referenced"]);
    assert!(
        still.contains(&"tests/test_recipes.py::test_take"),
        "p.take names the re-exported function: {still:?}"
    );
    assert_eq!(moved["level"], "high");
}

#[test]
fn static_method_made_instance_method() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "static");
    let converter = "class Converter:\n    @staticmethod\n    def dispatch(union, use_literals=True):\n        return union\n\n    def structure(self, cl):\n        return self.dispatch(cl, use_literals=False)\n\n    def strict(self, cl):\n        return self.dispatch(cl, True)\n";
    write(&repo, "conv.py", converter);
    commit_all(&repo, "base");
    write(
        &repo,
        "conv.py",
        &converter.replace(
            "    @staticmethod\n    def dispatch(union, use_literals=True):",
            "    def dispatch(self, union, *, use_literals=True, overrides=None):",
        ),
    );
    commit_all(&repo, "make dispatch an instance method");

    let report = json_of_last_commit(&repo);
    let dispatch = change_of(&report, "conv.py::Converter.dispatch");
    assert_eq!(dispatch["modification"], "signature");
    assert_eq!(
        ids(&dispatch["mismatched_calls"]),
        vec!["conv.py::Converter.strict"],
        "self is bound, so only the positional use_literals breaks"
    );
}

#[test]
fn black_parentheses_are_formatting() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "black");
    let source = "def merge(self, other, skip=0):\n    other.pairs = self.pairs[:-skip] + other.pairs\n    for can_handle, handler in self.pairs:\n        if can_handle(other) and handler:\n            return handler(other)\n    return None\n\n\ndef run(pipeline):\n    return merge(pipeline, pipeline)\n";
    write(&repo, "dispatch.py", source);
    commit_all(&repo, "base");
    // What `black -l 30` makes of the first function.
    let split = "def merge(\n    self, other, skip=0\n):\n    other.pairs = (\n        self.pairs[:-skip]\n        + other.pairs\n    )\n    for (\n        can_handle,\n        handler,\n    ) in self.pairs:\n        if (\n            can_handle(other)\n            and handler\n        ):\n            return handler(\n                other\n            )\n    return None\n";
    let rest = &source[source.find("\n\n\ndef run").unwrap()..];
    write(&repo, "dispatch.py", &format!("{split}{rest}"));
    commit_all(&repo, "black");

    let report = json_of_last_commit(&repo);
    assert_eq!(report["total"]["score"], 0, "{}", report["total"]);
    let merge = change_of(&report, "dispatch.py::merge");
    assert_eq!(merge["modification"], "formatting", "{merge}");

    // Regrouping inside the parentheses black added is a real change.
    write(
        &repo,
        "dispatch.py",
        &format!(
            "{}{rest}",
            split.replace(
                "self.pairs[:-skip]\n        + other.pairs",
                "(self.pairs + other.pairs)[:-skip]"
            )
        ),
    );
    commit_all(&repo, "regroup");
    let report = json_of_last_commit(&repo);
    let merge = change_of(&report, "dispatch.py::merge");
    assert_eq!(merge["modification"], "body", "{merge}");
    assert!(merge["score"].as_u64().unwrap() > 0, "{merge}");
}

#[test]
fn test_helper_change_scores_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "helpers");
    let helper = |value: &str| {
        format!("class Fixture:\n    size = {value}\n\n    def make(self):\n        return 1\n")
    };
    write(&repo, "tests/_common.py", &helper("1"));
    write(
        &repo,
        "tests/test_make.py",
        "from ._common import Fixture\n\n\nclass TestMake(Fixture):\n    def test_make(self):\n        assert self.make()\n",
    );
    write(&repo, "tests/__init__.py", "");
    commit_all(&repo, "base");
    write(&repo, "tests/_common.py", &helper("2"));
    commit_all(&repo, "change the fixture");

    let report = json_of_last_commit(&repo);
    // Its dependents are the test class and module, which are test code.
    let fixture = change_of(&report, "tests/_common.py::Fixture");
    assert_eq!(fixture["score"], 0, "{fixture}");
}

#[test]
fn deletion_with_updated_users_scores_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "cleared");
    write(
        &repo,
        "pkg/compat.py",
        "import sys\n\nMSYS2 = sys.platform == \"msys\"\nWIN = sys.platform == \"win32\" or MSYS2\n",
    );
    write(
        &repo,
        "pkg/term.py",
        "from pkg.compat import WIN\n\n\ndef colours():\n    return not WIN\n",
    );
    commit_all(&repo, "base");
    write(
        &repo,
        "pkg/compat.py",
        "import sys\n\nWIN = sys.platform.startswith(\"win\")\n",
    );
    commit_all(&repo, "fold MSYS2 into WIN");

    let report = json_of_last_commit(&repo);
    let deleted = change_of(&report, "pkg/compat.py::MSYS2");
    assert_eq!(deleted["score"], 0, "{deleted}");
    let factor = deleted["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "change")
        .unwrap();
    assert_eq!(
        factor["detail"],
        "deleted, and the diff updated every direct dependent: x0"
    );
    let win = change_of(&report, "pkg/compat.py::WIN");
    assert!(win["score"].as_u64().unwrap() > 0, "{win}");
}

#[test]
fn rename_in_place_reads_as_renamed() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "rename");
    let utils = |name: &str| format!("def {name}(text):\n    return text.strip().lower()\n");
    write(&repo, "pkg/utils.py", &utils("parse_date"));
    write(
        &repo,
        "pkg/api.py",
        "from pkg.utils import parse_date\n\n\ndef load(text):\n    return parse_date(text)\n",
    );
    commit_all(&repo, "base");
    write(&repo, "pkg/utils.py", &utils("parse_date_value"));
    commit_all(&repo, "rename parse_date");

    let report = json_of_last_commit(&repo);
    let renamed = change_of(&report, "pkg/utils.py::parse_date_value");
    assert_eq!(renamed["change"], "moved", "the JSON keeps the kind");
    let text = last_commit(&repo, "text");
    assert!(
        text.contains("renamed function pkg.utils.parse_date_value"),
        "{text}"
    );
    assert!(text.contains("change renamed: x"), "{text}");
}

#[test]
fn java_parameter_change_reads_as_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "parameters");
    let util = |parameters: &str| {
        format!(
            "package demo;\n\nclass Util {{\n    static int check({parameters}) {{\n        return 1;\n    }}\n}}\n"
        )
    };
    write(&repo, "src/demo/Util.java", &util("String name"));
    write(
        &repo,
        "src/demo/App.java",
        "package demo;\n\nclass App {\n    int run() { return Util.check(\"a\"); }\n}\n",
    );
    commit_all(&repo, "base");
    write(&repo, "src/demo/Util.java", &util("String name, int limit"));
    commit_all(&repo, "add a parameter to check");

    let report = json_of_last_commit(&repo);
    let changed = change_of(&report, "src/demo/Util.java::Util.check(String,int)");
    assert_eq!(changed["change"], "moved", "the JSON keeps the kind");
    let text = last_commit(&repo, "text");
    assert!(
        text.contains("modified method demo.Util.check(String,int) (signature)"),
        "{text}"
    );
    assert!(!text.contains("renamed"), "{text}");
    assert!(
        text.contains("change modified: x"),
        "the change factor uses the same word: {text}"
    );
    let dot = last_commit(&repo, "dot");
    assert!(dot.contains("modified (signature)"), "{dot}");
    assert!(!dot.contains("moved"), "{dot}");
    let sarif = last_commit(&repo, "sarif");
    assert!(
        sarif.contains("Modified method demo.Util.check(String,int) (signature) has"),
        "{sarif}"
    );
}

/// Returns the ids of a change's certain and possible dependents.
fn dependent_ids(change: &Value) -> Vec<&str> {
    let mut all = ids(&change["certain"]);
    all.extend(ids(&change["possible"]));
    all
}

#[test]
fn rust_test_only_helpers_reach_no_library_code() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "hashes");
    write(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"hashes\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let lib = |value: &str| {
        format!(
            "pub struct Digest;\n\nimpl Digest {{\n    pub fn finish(&self) -> u64 {{\n        7\n    }}\n}}\n\npub fn hash_all<H>(hasher: H) -> u64 {{\n    hasher.finish()\n}}\n\npub fn api() -> u64 {{\n    hash_all(Digest)\n}}\n\n#[cfg(all(test, feature = \"rayon\"))]\nmod test_par {{\n    struct Droppable;\n\n    impl Droppable {{\n        fn finish(&self) -> u64 {{\n            {value}\n        }}\n    }}\n\n    #[test]\n    fn drops() {{\n        super::hash_all(Droppable);\n    }}\n}}\n"
        )
    };
    let hasher = |value: &str| {
        format!(
            "#[test]\nfn max() {{\n    struct MaxHasher;\n\n    impl MaxHasher {{\n        fn finish(&self) -> u64 {{\n            {value}\n        }}\n    }}\n\n    hashes::hash_all(MaxHasher);\n}}\n"
        )
    };
    write(&repo, "src/lib.rs", &lib("1"));
    write(&repo, "tests/hasher.rs", &hasher("u64::max_value()"));
    commit_all(&repo, "base");
    write(&repo, "src/lib.rs", &lib("2"));
    write(&repo, "tests/hasher.rs", &hasher("u64::MAX"));
    commit_all(&repo, "change the test hashers");

    let report = json_of_last_commit(&repo);
    for symbol in [
        "hashes::test_par::Droppable::finish",
        "hasher::max::MaxHasher::finish",
    ] {
        let change = symbol_change(&report, symbol);
        let dependents = dependent_ids(change);
        for library in ["src/lib.rs::hash_all", "src/lib.rs::api"] {
            assert!(
                !dependents.contains(&library),
                "{symbol} reaches {library}: {dependents:?}"
            );
        }
        assert_eq!(change["score"], 0, "{symbol}: {change}");
    }
}

#[test]
fn rust_cfg_variants_are_listed_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "tables");
    write(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"tables\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let lib = |methods: &str| {
        format!(
            "pub struct Table<T>(T);\n\ntrait TableClone {{\n    fn clone_from_spec(&mut self, source: &Self);\n{methods}}}\n\nimpl<T: Clone> TableClone for Table<T> {{\n    fn clone_from_spec(&mut self, source: &Self) {{}}\n}}\n\n#[cfg(feature = \"nightly\")]\nimpl<T: Copy> TableClone for Table<T> {{\n    fn clone_from_spec(&mut self, source: &Self) {{}}\n}}\n"
        )
    };
    write(&repo, "src/lib.rs", &lib(""));
    commit_all(&repo, "base");
    write(
        &repo,
        "src/lib.rs",
        &lib("    fn clone_cost(&self) -> usize;\n"),
    );
    commit_all(&repo, "add a required method");

    let report = json_of_last_commit(&repo);
    let added = change_of(&report, "src/lib.rs::TableClone::clone_cost");
    let broken: Vec<(&str, u64)> = added["broken_implementations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        broken,
        vec![
            ("src/lib.rs::<Table<T> as TableClone>", 8),
            ("src/lib.rs::<Table<T> as TableClone>", 12),
        ]
    );
    let text = last_commit(&repo, "text");
    assert!(
        text.contains("(src/lib.rs:8), tables::<Table<T> as TableClone> (src/lib.rs:12)"),
        "{text}"
    );
}

#[test]
fn rust_cfg_variant_callers_are_listed_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "vecs");
    write(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"vecs\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let lib = |name: &str| {
        format!(
            "pub struct Small(Vec<u8>);\n\nimpl Small {{\n    pub fn {name}(&self) -> bool {{\n        self.0.len() > 4\n    }}\n}}\n\n#[cfg(feature = \"nightly\")]\nimpl Drop for Small {{\n    fn drop(&mut self) {{\n        if self.spilled() {{}}\n    }}\n}}\n\n#[cfg(not(feature = \"nightly\"))]\nimpl Drop for Small {{\n    fn drop(&mut self) {{\n        if self.spilled() {{}}\n    }}\n}}\n"
        )
    };
    write(&repo, "src/lib.rs", &lib("spilled"));
    commit_all(&repo, "base");
    write(&repo, "src/lib.rs", &lib("is_spilled"));
    commit_all(&repo, "rename spilled");

    let report = json_of_last_commit(&repo);
    let renamed = symbol_change(&report, "vecs::Small::is_spilled");
    let places = |key: &str| -> Vec<(&str, u64)> {
        renamed[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["id"].as_str().unwrap(), d["line"].as_u64().unwrap()))
            .collect()
    };
    let both = vec![
        ("src/lib.rs::<Small as Drop>::drop", 11),
        ("src/lib.rs::<Small as Drop>::drop", 18),
    ];
    assert_eq!(places("still_referenced"), both);
    assert_eq!(places("certain"), both);

    let text = last_commit(&repo, "text");
    assert!(
        text.contains(
            "vecs::<Small as Drop>::drop (src/lib.rs:11), vecs::<Small as Drop>::drop (src/lib.rs:18)"
        ),
        "{text}"
    );
    assert!(text.contains("2 direct dependents still name it"), "{text}");

    // Both variants share an id, so the order between them must not
    // depend on anything but the line.
    assert_eq!(last_commit(&repo, "json"), last_commit(&repo, "json"));
    assert_eq!(last_commit(&repo, "sarif"), last_commit(&repo, "sarif"));

    // The total counts each variant as the change does, and the picture
    // draws one node per variant.
    let report = json_of_last_commit(&repo);
    let certain_of = |score: &Value| {
        score["factors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "reach")
            .map(|f| f["detail"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let change = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|c| c["score"].as_u64())
        .unwrap();
    let change_certain = certain_of(change);
    let total_certain = certain_of(&report["total"]);
    assert_eq!(
        change_certain.split(' ').next(),
        total_certain.split(' ').next(),
        "{change_certain} / {total_certain}"
    );
    let dot = last_commit(&repo, "dot");
    assert!(
        dot.contains("vecs::<Small as Drop>::drop (line 11)"),
        "{dot}"
    );
    assert!(
        dot.contains("vecs::<Small as Drop>::drop (line 18)"),
        "{dot}"
    );
}

#[test]
fn tests_are_counted_certain_and_possible() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = init_repo(tmp.path(), "store");
    write(&repo, "pkg/__init__.py", "");
    let store = |value: &str| {
        format!(
            "class Disk:\n    def save(self):\n        return {value}\n\n\nclass Cloud:\n    def save(self):\n        return 2\n"
        )
    };
    write(&repo, "pkg/store.py", &store("1"));
    write(
        &repo,
        "pkg/app.py",
        "from pkg.store import Disk\n\n\ndef backup():\n    return Disk().save()\n",
    );
    // `store.save()` is on a value of unknown type, so the test only
    // possibly reaches `Disk.save`.
    write(
        &repo,
        "tests/test_store.py",
        "from pkg.store import Disk\n\n\ndef test_disk():\n    assert Disk().save() == 1\n\n\ndef test_any_store(store):\n    assert store.save()\n",
    );
    commit_all(&repo, "base");
    write(&repo, "pkg/store.py", &store("3"));
    commit_all(&repo, "save 3");

    let text = last_commit(&repo, "text");
    assert!(
        text.contains("tests reaching it: 1 certain, 1 possible"),
        "{text}"
    );
    assert!(
        text.contains("tests +0 (1 test certainly and 1 possibly reach it)"),
        "{text}"
    );
    let markdown = last_commit(&repo, "markdown");
    assert!(markdown.contains(" | 1 +1 |\n"), "{markdown}");

    let report = json_of_last_commit(&repo);
    let change = symbol_change(&report, "pkg.store.Disk.save");
    let tests: Vec<(&str, bool)> = change["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["certain"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        tests,
        vec![
            ("tests/test_store.py::test_disk", true),
            ("tests/test_store.py::test_any_store", false),
        ]
    );
    assert_eq!(change["tests"][0].get("weight"), None);
    assert_eq!(change["tests"][1]["weight"], 0.5);

    // `blast tests` lists the certain one, and both with --include-possible.
    let certain = blast(&repo, &["tests", "HEAD^!"]);
    assert_eq!(
        String::from_utf8_lossy(&certain.stdout),
        "tests/test_store.py::test_disk\n"
    );
    let all = blast(&repo, &["tests", "HEAD^!", "--include-possible"]);
    assert_eq!(
        String::from_utf8_lossy(&all.stdout),
        "tests/test_store.py::test_disk\ntests/test_store.py::test_any_store\n"
    );
}
