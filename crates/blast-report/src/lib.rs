//! Renders blast's results: a [`blast_score::Report`] as text, JSON,
//! SARIF 2.1.0, Markdown, or a DOT or Mermaid picture of the blast radius,
//! and a [`blast_graph::Graph`] as TSV, JSON or DOT.
//!
//! Every renderer is a pure function from the data to a `String`, and every
//! output is sorted, so the same input gives byte-identical output. The JSON
//! and SARIF shapes are private serde structs in this crate: the internal
//! model can change without changing the documented formats.

mod graph_dump;
mod json;
mod markdown;
mod radius;
mod sarif;
mod text;

pub use graph_dump::{GraphFormat, GraphLevel, render_graph, write_graph};
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use markdown::render_markdown;
pub use radius::{RadiusFormat, render_radius};
pub use sarif::{SarifOmissions, SarifOptions, render_sarif, sarif_omissions};
pub use text::{TextOptions, render_text};

/// The version of blast written into reports.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Returns the word for what happened to a changed symbol in the reports: a
/// move that keeps the file and the enclosing definition is a rename, and a
/// Java method whose parameter list changed is modified.
pub(crate) fn change_word(change: &blast_score::ChangedSymbol) -> &'static str {
    // The qualified name without its last segment (`pkg.mod.Class`).
    fn scope(name: &str) -> &str {
        let bare = name.split('(').next().unwrap_or(name);
        bare.rfind(['.', ':']).map_or("", |at| &bare[..at])
    }
    let renamed = change.kind == blast_score::ChangeKind::Moved
        && change.old_file.is_none()
        && change
            .old_name
            .as_deref()
            .is_some_and(|old| scope(old) == scope(&change.name));
    if parameters_changed(change) {
        "modified"
    } else if renamed {
        "renamed"
    } else {
        change.kind.name()
    }
}

/// Returns true when a move only changed a method's parameter list: the file
/// and the name before `(` stay, as with `check(String)` to
/// `check(String, int)` in Java, whose methods are named with their
/// parameter types.
fn parameters_changed(change: &blast_score::ChangedSymbol) -> bool {
    fn bare(name: &str) -> &str {
        name.split('(').next().unwrap_or(name)
    }
    change.kind == blast_score::ChangeKind::Moved
        && change.old_file.is_none()
        && change.name.contains('(')
        && change
            .old_name
            .as_deref()
            .is_some_and(|old| bare(old) == bare(&change.name))
}

/// Returns the mark that follows a modified symbol's name in the text and
/// Markdown reports: its signature changed, or only its formatting did.
pub(crate) fn modification_mark(change: &blast_score::ChangedSymbol) -> &'static str {
    if parameters_changed(change) {
        return " (signature)";
    }
    match change.modification {
        Some(blast_score::Modification::Formatting) => " (formatting only)",
        Some(blast_score::Modification::Signature) => " (signature)",
        _ => "",
    }
}

/// The id of a symbol in reports: its file and its name inside the file
/// (`pkg/mod.py::Class.method`; a module is its file alone).
pub fn symbol_id(file: &str, local_name: &str) -> String {
    if local_name.is_empty() {
        file.to_owned()
    } else {
        format!("{file}::{local_name}")
    }
}

/// The id a test runner takes for a test: a pytest node id for Python
/// (`tests/test_api.py::TestApi::test_get`), the qualified name otherwise.
pub fn test_id(test: &blast_score::Dependent) -> String {
    if test.file.ends_with(".py") {
        format!("{}::{}", test.file, test.local_name.replace('.', "::"))
    } else {
        test.name.clone()
    }
}
