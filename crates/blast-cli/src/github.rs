//! The diff of a GitHub Actions run, read from its event payload.
//!
//! A `pull_request` or `pull_request_target` event compares the merge base of
//! the pull request's base and head commits with the head commit, which is
//! what the pull request changes (`base...head`). A `push` event compares the
//! commit before the push with the commit after it.

use blast_diff::DiffSpec;
use serde_json::Value;

/// Reads the diff that the current GitHub Actions event describes.
///
/// # Errors
///
/// Returns a message that names what is missing or invalid and what to do.
pub(crate) fn event_spec(var: &dyn Fn(&str) -> Option<String>) -> Result<DiffSpec, String> {
    let event = var("GITHUB_EVENT_NAME").unwrap_or_default();
    let path = var("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()).ok_or_else(|| {
        "GITHUB_EVENT_PATH is not set; in GitHub Actions (GITHUB_ACTIONS=true) or with --github blast reads the event from it, so run it in such a job or pass the revisions (blast diff BASE...HEAD)".to_owned()
    })?;
    let text = std::fs::read_to_string(&path)
        .map_err(|err| format!("failed to read the GitHub event payload {path}: {err}"))?;
    let payload: Value = serde_json::from_str(&text)
        .map_err(|err| format!("the GitHub event payload {path} is not valid JSON: {err}"))?;
    spec_of(&event, &payload).map_err(|err| format!("{err} (event payload {path})"))
}

fn spec_of(event: &str, payload: &Value) -> Result<DiffSpec, String> {
    match event {
        "pull_request" | "pull_request_target" => {
            let base = commit(payload, &["pull_request", "base", "sha"])?;
            let head = commit(payload, &["pull_request", "head", "sha"])?;
            Ok(DiffSpec::MergeBase { base, head })
        }
        "push" => {
            let before = commit(payload, &["before"])?;
            let after = commit(payload, &["after"])?;
            if before.bytes().all(|b| b == b'0') {
                // A push that creates a branch has no commit before it: the
                // branch is compared with the default branch it came from.
                let default = default_branch(payload).ok_or_else(|| {
                    "this push created a branch, so it has no commit before it, and the event payload names no repository.default_branch; pass the base revision instead (blast diff BASE...HEAD)"
                        .to_owned()
                })?;
                return Ok(DiffSpec::MergeBase {
                    base: format!("origin/{default}"),
                    head: after,
                });
            }
            Ok(DiffSpec::Range {
                base: before,
                head: after,
            })
        }
        "" => Err(
            "GITHUB_EVENT_NAME is not set; in GitHub Actions (GITHUB_ACTIONS=true) or with --github blast takes the diff of a pull_request or push event, so run it in such a job or pass the revisions (blast diff BASE...HEAD)"
                .to_owned(),
        ),
        other => Err(format!(
            "blast takes the diff of a GitHub Actions run from pull_request, pull_request_target and push events, not {other:?}; pass the revisions instead (blast diff BASE...HEAD)"
        )),
    }
}

/// Returns the payload's `repository.default_branch` when it is a plain
/// branch name that git accepts after `origin/`.
fn default_branch(payload: &Value) -> Option<&str> {
    let name = payload.get("repository")?.get("default_branch")?.as_str()?;
    let plain = !name.is_empty()
        && !name.starts_with(['-', '/'])
        && !name.contains("..")
        && !name.contains("@{")
        && !name
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c));
    plain.then_some(name)
}

/// Returns the commit id at `path` in the payload, checked to be one.
fn commit(payload: &Value, path: &[&str]) -> Result<String, String> {
    let mut value = payload;
    for key in path {
        value = value.get(key).unwrap_or(&Value::Null);
    }
    let id = value
        .as_str()
        .ok_or_else(|| format!("the event payload has no {}", path.join(".")))?;
    let is_commit_id = matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_commit_id {
        return Err(format!(
            "the event payload's {} is {id:?}, not a commit id",
            path.join(".")
        ));
    }
    Ok(id.to_ascii_lowercase())
}

/// Returns true when blast runs in GitHub Actions, so a `blast diff`
/// without revisions takes the event's diff. An event that [`event_spec`]
/// cannot read, or a missing `GITHUB_EVENT_NAME`, is then an error rather
/// than a silent diff of the checkout against itself.
pub(crate) fn detected(var: &dyn Fn(&str) -> Option<String>) -> bool {
    var("GITHUB_ACTIONS").as_deref() == Some("true")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "1111111111111111111111111111111111111111";
    const HEAD: &str = "2222222222222222222222222222222222222222";

    #[test]
    fn pull_request_compares_from_the_merge_base() {
        let payload = serde_json::json!({
            "pull_request": {"base": {"sha": BASE}, "head": {"sha": HEAD}}
        });
        assert_eq!(
            spec_of("pull_request", &payload),
            Ok(DiffSpec::MergeBase {
                base: BASE.to_owned(),
                head: HEAD.to_owned()
            })
        );
    }

    #[test]
    fn push_compares_before_and_after() {
        let payload = serde_json::json!({"before": BASE, "after": HEAD});
        assert_eq!(
            spec_of("push", &payload),
            Ok(DiffSpec::Range {
                base: BASE.to_owned(),
                head: HEAD.to_owned()
            })
        );
        let created = serde_json::json!({
            "before": "0".repeat(40),
            "after": HEAD,
            "repository": {"default_branch": "main"}
        });
        assert_eq!(
            spec_of("push", &created),
            Ok(DiffSpec::MergeBase {
                base: "origin/main".to_owned(),
                head: HEAD.to_owned()
            })
        );
        let unnamed = serde_json::json!({"before": "0".repeat(40), "after": HEAD});
        let err = spec_of("push", &unnamed).unwrap_err();
        assert!(err.contains("created a branch"), "{err}");
        let hostile = serde_json::json!({
            "before": "0".repeat(40),
            "after": HEAD,
            "repository": {"default_branch": "--output=/tmp/x"}
        });
        let err = spec_of("push", &hostile).unwrap_err();
        assert!(err.contains("created a branch"), "{err}");
    }

    #[test]
    fn invalid_payloads_are_named() {
        let missing = serde_json::json!({"pull_request": {"base": {}}});
        let err = spec_of("pull_request", &missing).unwrap_err();
        assert!(err.contains("pull_request.base.sha"), "{err}");
        let injected = serde_json::json!({"before": "--output=/etc/x", "after": HEAD});
        let err = spec_of("push", &injected).unwrap_err();
        assert!(err.contains("not a commit id"), "{err}");
        let err = spec_of("schedule", &serde_json::json!({})).unwrap_err();
        assert!(err.contains("\"schedule\""), "{err}");
    }
}
