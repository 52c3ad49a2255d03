//! The hard cases under `fixtures/cases/`: each builds a real git repository
//! with its `setup.sh`, runs the `blast` binary as its `expected.json` says,
//! and checks the changed symbols, dependents, edges and exit codes.
//!
//! Symbol ids in `expected.json` are `path::Name.inside.file`; a trailing
//! note in brackets (`pkg/a.py::f (deleted)`) is dropped before matching.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cases")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

fn blast(dir: &Path, args: &[String]) -> Output {
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

/// Normalises the spelling of ids that languages write in several ways:
/// generic arguments are dropped (`Wrapper.wrap(List<String>)` is
/// `Wrapper.wrap(List)`, `<ChunkFeed<T> as Feed>` is `<ChunkFeed as Feed>`),
/// and paths inside `<Type as Trait>` keep their last segment.
fn normalise(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    let mut idx = 0;
    while idx < chars.len() {
        let c = chars[idx];
        let after_name = idx > 0 && (chars[idx - 1].is_alphanumeric() || chars[idx - 1] == '_');
        if c == '<' && after_name {
            // Skip the generic argument list.
            let mut depth = 0;
            while idx < chars.len() {
                match chars[idx] {
                    '<' => depth += 1,
                    '>' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                idx += 1;
            }
            idx += 1;
            continue;
        }
        out.push(c);
        idx += 1;
    }
    // `<a::b::Type as c::Trait>` becomes `<Type as Trait>`.
    if let (Some(open), Some(close)) = (out.find("::<"), out.find(">::"))
        && let Some((ty, tr)) = out[open + 3..close].split_once(" as ")
    {
        let last = |p: &str| p.rsplit("::").next().unwrap_or(p).to_owned();
        out = format!(
            "{}::<{} as {}>{}",
            &out[..open],
            last(ty),
            last(tr),
            &out[close + 1..]
        );
    }
    out
}

/// Strips a trailing `(note)` from an id. For the module-scope form
/// `file.py (module scope: NAME)`, returns both accepted ids.
fn ids_of(raw: &str) -> Vec<String> {
    ids_of_raw(raw).iter().map(|id| normalise(id)).collect()
}

fn ids_of_raw(raw: &str) -> Vec<String> {
    let raw = raw.trim();
    // A Java parameter list is part of the id, not a note.
    if raw.ends_with(')') && !raw.contains(" (") {
        return vec![raw.to_owned()];
    }
    if let Some((id, note)) = raw.split_once(" (") {
        if let Some(name) = note
            .strip_prefix("module scope: ")
            .and_then(|n| n.strip_suffix(')'))
        {
            return vec![id.to_owned(), format!("{id}::{name}")];
        }
        return vec![id.to_owned()];
    }
    vec![raw.to_owned()]
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Edge kinds of blast that an `expected.json` kind name stands for.
fn kinds_for(name: &str) -> &'static [&'static str] {
    match name {
        "imports" | "re-exports" | "re-exports(glob)" => &["import", "re_export", "type_ref"],
        "calls" => &["call"],
        "references-type" => &["type_ref"],
        "decorated-by" => &["decorator"],
        "references" => &["reference", "type_ref", "call"],
        "inherits" | "extends" => &["inherit"],
        "implements" => &["inherit", "override"],
        "overrides" => &["override"],
        "uses" | "imports-type" => &["import", "type_ref", "reference"],
        _ => panic!("unknown edge kind in expected.json: {name}"),
    }
}

/// One graph edge by ids: (source id, source file, target id, target file, kind).
type EdgeRow = (String, String, String, String, String);

fn graph_edges(dir: &Path) -> Vec<EdgeRow> {
    let output = blast(
        dir,
        &["graph".to_owned(), "--format".to_owned(), "json".to_owned()],
    );
    assert!(
        output.status.success(),
        "blast graph failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: Value = serde_json::from_slice(&output.stdout).expect("graph JSON parses");
    let modules: Vec<(String, String)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["module"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let id = |symbol: &str, file: &str| {
        let module = modules
            .iter()
            .find(|(p, _)| p == file)
            .map(|(_, m)| m.as_str())
            .unwrap_or("");
        let local = if symbol == module {
            ""
        } else if module.is_empty() {
            symbol
        } else {
            symbol
                .strip_prefix(module)
                .and_then(|rest| rest.strip_prefix('.').or_else(|| rest.strip_prefix("::")))
                .unwrap_or(symbol)
        };
        if local.is_empty() {
            file.to_owned()
        } else {
            normalise(&format!("{file}::{local}"))
        }
    };
    doc["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resolution"] == "exact")
        .map(|e| {
            let source_file = e["source_file"].as_str().unwrap();
            let target_file = e["target_file"].as_str().unwrap();
            (
                id(e["source_symbol"].as_str().unwrap(), source_file),
                source_file.to_owned(),
                id(e["target_symbol"].as_str().unwrap(), target_file),
                target_file.to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// blast's override edges run from the overridden method to the
/// implementation (dependents follow edges backwards, and a change to an
/// implementation reaches the callers of the method it overrides), the
/// reverse of how `expected.json` writes them.
fn edge_matches(edge: &EdgeRow, from: &str, kind: &str, to: &str) -> bool {
    match kind {
        "overrides" => edge_matches_directed(edge, to, kind, from),
        // A method implementing a trait method: an override edge the other way.
        "implements" => {
            edge_matches_directed(edge, from, "inherits", to)
                || edge_matches_directed(edge, to, "overrides", from)
        }
        _ => edge_matches_directed(edge, from, kind, to),
    }
}

fn edge_matches_directed(edge: &EdgeRow, from: &str, kind: &str, to: &str) -> bool {
    let end_matches = |id: &str, file: &str, wanted: &str| {
        if wanted.contains("::") {
            id == wanted
        } else {
            file == wanted
        }
    };
    kinds_for(kind).contains(&edge.4.as_str())
        && end_matches(&edge.0, &edge.1, from)
        && end_matches(&edge.2, &edge.3, to)
}

fn expected_of(name: &str) -> Value {
    let path = cases_dir().join(name).join("expected.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Builds a case's repository with its `setup.sh` in a temporary folder
/// and returns the folder (deleted on drop) and the repository root.
fn set_up(name: &str) -> (tempfile::TempDir, PathBuf) {
    let case_dir = cases_dir().join(name);
    let dest = tempfile::tempdir().unwrap();
    let setup = Command::new("bash")
        .arg(case_dir.join("setup.sh"))
        .arg(dest.path().join("case"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "setup.sh of {name} failed: {}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let root = dest.path().join("case");
    (dest, root)
}

/// Runs every run of one case and returns the list of failed expectations.
fn run_case(name: &str) -> Vec<String> {
    let (_dest, root) = set_up(name);
    run_case_in(name, &root)
}

/// Runs every run of one case in a repository that `set_up` built.
fn run_case_in(name: &str, root: &Path) -> Vec<String> {
    let expected = expected_of(name);
    let root = root.to_path_buf();
    let mut failures = Vec::new();
    for (run_idx, run) in expected["runs"].as_array().unwrap().iter().enumerate() {
        let dir = match run.get("cwd").and_then(Value::as_str) {
            Some(cwd) => root.join(cwd),
            None => root.clone(),
        };
        if let Some(checkout) = run.get("checkout").and_then(Value::as_str) {
            git(&dir, &["checkout", "-q", checkout]);
        }
        // The checks read JSON, whatever format the run names.
        let mut args: Vec<String> = Vec::new();
        let mut written = strings(run, "args").into_iter();
        while let Some(arg) = written.next() {
            if arg == "--format" {
                written.next();
            } else if !arg.starts_with("json|") {
                args.push(arg);
            }
        }
        args.extend(["--format".to_owned(), "json".to_owned()]);
        let output = blast(&dir, &args);
        let label = format!("{name} run {run_idx} ({})", args.join(" "));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = output.status.code().unwrap_or(-1);

        // Exit code: a number, "non-zero", or "0 (...)".
        match &run["exit"] {
            Value::Number(n) => {
                if i64::from(code) != n.as_i64().unwrap() {
                    failures.push(format!(
                        "{label}: exit {code}, expected {n}; stderr: {stderr}"
                    ));
                    continue;
                }
            }
            Value::String(s) if s.starts_with("non-zero") => {
                if code == 0 {
                    failures.push(format!("{label}: exit 0, expected non-zero"));
                }
            }
            Value::String(s) if s.starts_with('0') => {
                if code != 0 {
                    failures.push(format!(
                        "{label}: exit {code}, expected 0; stderr: {stderr}"
                    ));
                    continue;
                }
            }
            other => panic!("unreadable exit expectation {other}"),
        }
        for needle in strings(run, "stderr_must_contain_all") {
            if !stderr.contains(&needle) {
                failures.push(format!("{label}: stderr lacks {needle:?}: {stderr}"));
            }
        }
        if code != 0 {
            continue;
        }

        let report: Value = match serde_json::from_slice(&output.stdout) {
            Ok(report) => report,
            Err(err) => {
                failures.push(format!("{label}: output is not JSON: {err}"));
                continue;
            }
        };
        let changes = report["changes"].as_array().unwrap();
        let ids_where = |pred: &dyn Fn(&Value) -> bool| -> Vec<String> {
            changes
                .iter()
                .filter(|c| pred(c))
                .map(|c| normalise(c["id"].as_str().unwrap()))
                .collect()
        };
        let changed = ids_where(&|c| c["change"] != "moved");
        let added = ids_where(&|c| c["change"] == "added");
        let affected: Vec<String> = changes
            .iter()
            .flat_map(|c| {
                c["certain"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .chain(c["possible"].as_array().unwrap())
            })
            .map(|d| normalise(d["id"].as_str().unwrap()))
            .collect();

        let check = |failures: &mut Vec<String>, key: &str, set: &[String], want: bool| {
            for raw in strings(run, key) {
                let found = ids_of(&raw).iter().any(|id| set.contains(id));
                if found != want {
                    failures.push(format!(
                        "{label}: {key}: {raw} {}; have {set:?}",
                        if want { "missing" } else { "present" }
                    ));
                }
            }
        };
        check(&mut failures, "changed_include", &changed, true);
        check(&mut failures, "changed_exclude", &changed, false);
        check(&mut failures, "added_include", &added, true);
        check(&mut failures, "affected_include", &affected, true);
        check(&mut failures, "affected_exclude", &affected, false);

        if let Some(pairs) = run.get("moved_include").and_then(Value::as_array) {
            for pair in pairs {
                let old = pair[0].as_str().unwrap();
                let new = pair[1].as_str().unwrap();
                let (old_file, old_local) = old.split_once("::").unwrap();
                let found = changes.iter().any(|c| {
                    c["change"] == "moved"
                        && c["id"] == new
                        && c["old_file"] == old_file
                        && c["local_name"] == old_local
                });
                if !found {
                    failures.push(format!("{label}: moved_include: {old} -> {new} missing"));
                }
            }
        }
        if let Some(files) = run.get("file_changes").and_then(Value::as_array) {
            for file in files {
                let status = file["status"].as_str().unwrap();
                let path = file
                    .get("new")
                    .or(file.get("old"))
                    .and_then(Value::as_str)
                    .unwrap();
                let accepted: Vec<&str> = status
                    .split("-or-")
                    .map(|s| if s == "copied" { "added" } else { s })
                    .collect();
                let found = report["files"].as_array().unwrap().iter().any(|f| {
                    f["path"] == path
                        && accepted.iter().any(|s| {
                            f["status"] == *s || (*s == "added" && f["status"] == "copied")
                        })
                });
                if !found {
                    failures.push(format!(
                        "{label}: file_changes: {path} as {status} missing: {}",
                        report["files"]
                    ));
                }
            }
        }
        if run.get("parse_errors").and_then(Value::as_u64) == Some(0) {
            let with_errors = &report["stats"]["files_with_parse_errors"];
            if with_errors.as_array().is_some_and(|a| !a.is_empty()) {
                failures.push(format!("{label}: parse errors in {with_errors}"));
            }
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        for needle in strings(run, "output_must_not_contain") {
            let needle = needle.replace("$DEST", &root.display().to_string());
            if stdout.contains(&needle) {
                failures.push(format!("{label}: output contains {needle:?}"));
            }
        }

        let has_edges = run.get("edges_include").is_some() || run.get("edges_exclude").is_some();
        if has_edges {
            let edges = graph_edges(&dir);
            for (key, want) in [("edges_include", true), ("edges_exclude", false)] {
                for edge in run.get(key).and_then(Value::as_array).into_iter().flatten() {
                    let from = &ids_of(edge[0].as_str().unwrap())[0];
                    let kind = edge[1].as_str().unwrap();
                    let to_ids = ids_of(edge[2].as_str().unwrap());
                    let found = to_ids
                        .iter()
                        .any(|to| edges.iter().any(|e| edge_matches(e, from, kind, to)));
                    if found != want {
                        failures.push(format!(
                            "{label}: {key}: {edge} {}",
                            if want { "missing" } else { "present" }
                        ));
                    }
                }
            }
        }
    }
    failures
}

#[track_caller]
fn assert_case(name: &str) {
    let failures = run_case(name);
    assert!(
        failures.is_empty(),
        "{} expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn case_001_relative_imports() {
    assert_case("001-py-relative-imports");
}

#[test]
fn case_002_from_import_submodule() {
    assert_case("002-py-from-import-submodule");
}

#[test]
fn case_003_module_attribute_calls() {
    assert_case("003-py-module-attribute-calls");
}

#[test]
fn case_021_shallow_clone_missing_base() {
    assert_case("021-git-shallow-clone-missing-base");
}

#[test]
fn case_022_rename_copy_delete() {
    assert_case("022-git-rename-copy-delete");
}

#[test]
fn case_025_diff_line_mapping() {
    assert_case("025-diff-line-mapping-edge-cases");
}

#[test]
fn case_026_range_semantics_worktree() {
    assert_case("026-git-range-semantics-worktree");
}

#[test]
fn case_004_init_reexports_star_all() {
    assert_case("004-py-init-reexports-star-all");
}

#[test]
fn case_006_src_layout_workspace() {
    assert_case("006-py-src-layout-workspace");
}

#[test]
fn case_007_conditional_imports() {
    assert_case("007-py-conditional-imports");
}

#[test]
fn case_009_class_attrs_decorators() {
    assert_case("009-py-class-attrs-decorators");
}

#[test]
fn case_010_java_same_package_inner_class() {
    assert_case("010-java-same-package-inner-class");
}

#[test]
fn case_011_java_static_wildcard_imports() {
    assert_case("011-java-static-wildcard-imports");
}

#[test]
fn case_012_java_overloads() {
    assert_case("012-java-overloads");
}

#[test]
fn case_013_java_interface_dispatch() {
    assert_case("013-java-interface-dispatch-default-methods");
}

#[test]
fn case_016_rust_reexports_aliases_globs() {
    assert_case("016-rust-reexports-aliases-globs");
}

#[test]
fn case_017_rust_impl_other_file_trait_dispatch() {
    assert_case("017-rust-impl-other-file-trait-dispatch");
}

#[test]
fn case_018_rust_path_attr_super_paths() {
    assert_case("018-rust-path-attr-super-paths");
}

/// Runs blast in `dir`, checks that it exits with 0, and returns stdout
/// and stderr.
fn blast_ok(dir: &Path, args: &[&str]) -> (Vec<u8>, String) {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let output = blast(dir, &args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(0),
        "blast {args:?} in {}: {stderr}",
        dir.display()
    );
    (output.stdout, stderr)
}

/// Checks a SARIF log with `tools/validate-sarif --strict`, which also
/// checks that every result's file exists under `repo`.
fn assert_valid_sarif(repo: &Path, sarif: &[u8]) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), sarif).unwrap();
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/validate-sarif");
    let check = Command::new("python3")
        .arg(&validator)
        .args(["--strict", "--repo-root"])
        .arg(repo)
        .arg(file.path())
        .output()
        .expect("python3 runs the validator");
    assert!(
        check.status.success(),
        "validate-sarif failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Returns every URI of a result: its locations, then its related locations.
fn result_uris(result: &Value) -> Vec<String> {
    ["locations", "relatedLocations"]
        .iter()
        .flat_map(|key| result[*key].as_array().cloned().unwrap_or_default())
        .map(|location| {
            location["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn case_027_deep_nesting_huge_files() {
    let name = "027-parse-deep-nesting-huge-files";
    let (dest, root) = set_up(name);
    let started = std::time::Instant::now();
    let failures = run_case_in(name, &root);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let limit = expected_of(name)["runs"][0]["time_limit_seconds"]
        .as_u64()
        .unwrap();
    assert!(
        started.elapsed().as_secs() < limit,
        "took {:?}",
        started.elapsed()
    );

    let (stdout, _) = blast_ok(&root, &["diff", "HEAD~1", "--format", "json"]);
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    let listed = |key: &str, path: &str| -> Option<String> {
        report["stats"][key]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["path"] == path)
            .map(|entry| entry["reason"].as_str().unwrap().to_owned())
    };
    let analysed = |path: &str| {
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|change| change["file"] == path)
    };

    // Vendored code: left out of the results and listed with its reason.
    assert_eq!(
        listed("files_excluded", "vendor/third/lib.py").as_deref(),
        Some("vendored")
    );
    assert!(!analysed("vendor/third/lib.py"));
    // The generated megabyte table: listed with a reason or analysed,
    // never dropped without a word.
    let table = "gen/huge_table.py";
    assert!(
        listed("files_excluded", table).is_some()
            || listed("files_skipped", table).is_some()
            || analysed(table),
        "{table} is neither listed nor analysed: {}",
        report["stats"]
    );
    // With the exclusion turned off, the vendored change is analysed.
    let (stdout, _) = blast_ok(
        &root,
        &["diff", "HEAD~1", "--format", "json", "--include-vendored"],
    );
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    assert!(
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|change| change["id"] == "vendor/third/lib.py::vendored_helper"),
        "{}",
        report["changes"]
    );

    // 20,000 nested parentheses parse, and the function holding them is a
    // symbol: a patch to its first line changes it.
    let patch = dest.path().join("parens.diff");
    std::fs::write(
        &patch,
        "--- a/deep/parens.py\n+++ b/deep/parens.py\n@@ -1 +1 @@\n-def nested():\n+def nested(x):\n",
    )
    .unwrap();
    let (stdout, _) = blast_ok(
        &root,
        &[
            "diff",
            "--patch",
            patch.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    let ids: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"deep/parens.py::nested"), "{ids:?}");
}

#[test]
fn case_029_sarif_limits() {
    let name = "029-sarif-limits";
    let (_dest, root) = set_up(name);
    let failures = run_case_in(name, &root);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let args = ["diff", "HEAD~1", "--format", "sarif"];

    let (stdout, stderr) = blast_ok(&root, &args);
    let (again, _) = blast_ok(&root, &args);
    assert!(stdout == again, "two runs wrote different SARIF");
    assert!(
        stdout.len() < 10 * 1024 * 1024,
        "{} bytes before compression",
        stdout.len()
    );
    assert_valid_sarif(&root, &stdout);
    let log: Value = serde_json::from_slice(&stdout).unwrap();
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() <= 5);
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.len() <= 5_000, "{} results", results.len());
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);

    // hub.core has 30,300 dependents: 100 related locations at most, and
    // the true count in the properties, the message and a notification.
    let core = results
        .iter()
        .find(|result| result["properties"]["symbol"] == "hub.core")
        .expect("a result for hub.core");
    let related = core["relatedLocations"].as_array().unwrap().len();
    assert!(related > 0);
    assert!(related <= 100, "{related} related locations");
    assert_eq!(core["properties"]["certainDependents"], 30_300);
    assert_eq!(core["properties"]["relatedOmitted"], 30_300 - related);
    assert!(
        core["message"]["text"]
            .as_str()
            .unwrap()
            .contains("30300 certain"),
        "{}",
        core["message"]["text"]
    );
    let notes: Vec<&str> = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| note["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|note| note.contains("related locations")),
        "{notes:?}"
    );
    assert!(stderr.contains("related locations"), "{stderr}");

    // Every changed symbol gets a result: 5,000 are kept, highest score
    // first, and the rest are counted in the log and on stderr.
    let (stdout, stderr) = blast_ok(
        &root,
        &[
            "diff",
            "HEAD~1",
            "--format",
            "sarif",
            "--sarif-level",
            "none",
        ],
    );
    assert_valid_sarif(&root, &stdout);
    let log: Value = serde_json::from_slice(&stdout).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5_000);
    assert_eq!(results[0]["properties"]["symbol"], "hub.core");
    let scores: Vec<u64> = results
        .iter()
        .map(|result| result["properties"]["score"].as_u64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "results are not sorted by score"
    );
    assert_eq!(run["properties"]["resultsOmitted"], 30_001 - 5_000);
    assert!(stderr.contains("25001 results were left out"), "{stderr}");

    // The JSON output is complete.
    let (stdout, _) = blast_ok(&root, &["diff", "HEAD~1", "--format", "json"]);
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["changes"].as_array().unwrap().len(), 30_001);
    assert_eq!(report["complete"], true);
}

#[test]
fn case_030_sarif_paths_locations() {
    let name = "030-sarif-paths-locations";
    let (_dest, root) = set_up(name);
    let failures = run_case_in(name, &root);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let expected = expected_of(name);
    let run = &expected["runs"][0];
    let args = ["diff", "HEAD~1", "--format", "sarif"];

    let (stdout, _) = blast_ok(&root, &args);
    for folder in strings(run, "also_run_from") {
        let (from_folder, _) = blast_ok(&root.join(&folder), &args);
        assert!(
            from_folder == stdout,
            "the SARIF differs when blast runs from {folder}"
        );
    }
    assert_valid_sarif(&root, &stdout);

    let log: Value = serde_json::from_slice(&stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mut all_uris: Vec<String> = Vec::new();
    for result in results {
        let locations = result["locations"].as_array().unwrap();
        assert!(!locations.is_empty(), "a result without location: {result}");
        for location in locations
            .iter()
            .chain(result["relatedLocations"].as_array().into_iter().flatten())
        {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            assert!(
                !uri.is_empty()
                    && !uri.starts_with("./")
                    && !uri.starts_with('/')
                    && !uri.contains(':')
                    && !uri.contains('\\'),
                "uri {uri:?}"
            );
            assert!(physical["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(
                physical["region"].get("startColumn").is_none(),
                "columns without a columnKind"
            );
        }
        all_uris.extend(result_uris(result));
    }
    for uri in strings(run, "expected_uris") {
        assert!(all_uris.contains(&uri), "{uri} missing from {all_uris:?}");
    }
    for uri in strings(run, "forbidden_uris") {
        assert!(
            all_uris.iter().all(|found| !found.starts_with(&uri)),
            "{uri} present in {all_uris:?}"
        );
    }

    // The modified function and the module constant are shown where they
    // are, with their dependents as related locations.
    let find = |symbol: &str| {
        results
            .iter()
            .find(|result| result["properties"]["symbol"] == symbol)
            .unwrap_or_else(|| panic!("no result for {symbol}"))
    };
    for (symbol, uri, related) in [
        (
            "pkg.\u{fc}mlaut.pr\u{fc}fen",
            "pkg/%C3%BCmlaut.py",
            "web%20app/views.py",
        ),
        ("pkg.settings.LIMIT", "pkg/settings.py", "pkg/consumer.py"),
    ] {
        let result = find(symbol);
        let uris = result_uris(result);
        assert_eq!(uris[0], uri, "{symbol}");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        assert!(
            uris[1..].contains(&related.to_owned()),
            "{symbol}: {uris:?}"
        );
    }
    // The deleted function is shown at its dependent, and its message
    // names what was deleted.
    let gone = find("pkg.old.gone");
    assert_eq!(result_uris(gone)[0], "pkg/user.py");
    assert!(
        gone["message"]["text"]
            .as_str()
            .unwrap()
            .contains("pkg/old.py::gone was deleted"),
        "{}",
        gone["message"]["text"]
    );
}

#[test]
fn ids_normalise_generics_and_paths() {
    assert_eq!(
        normalise("src/source.rs::<ChunkFeed<T> as Feed>::pull"),
        "src/source.rs::<ChunkFeed as Feed>::pull"
    );
    assert_eq!(
        normalise("src/a.rs::<crate::x::Y as crate::t::Tr>::m"),
        "src/a.rs::<Y as Tr>::m"
    );
    assert_eq!(
        normalise("src/W.java::Wrapper.wrap(List<String>)"),
        "src/W.java::Wrapper.wrap(List)"
    );
    assert_eq!(
        ids_of("src/source.rs::<ChunkFeed<T> as Feed>::pull"),
        vec!["src/source.rs::<ChunkFeed as Feed>::pull"]
    );
}
