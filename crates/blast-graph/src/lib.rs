//! Builds the cross-file symbol dependency graph of a repository.
//!
//! Extraction ([`extract_all`]) parses each file on its own with tree-sitter
//! and the queries under `queries/`, in parallel, and yields an
//! [`ExtractedFile`] per file: its symbols ([`model::FileSyntax`]) and the
//! language's facts (imports, references, bindings). Resolution
//! ([`Graph::build`]) then joins the files with each language's scoping
//! rules into a [`Graph`] of [`Symbol`]s and typed [`Edge`]s, each marked as
//! exact or candidate.
//!
//! ```
//! use std::sync::Arc;
//! use blast_graph::{extract_all, ExtractOptions, Graph, GraphOptions, SourceFile};
//!
//! let files = vec![
//!     SourceFile { path: "app/db.py".into(), bytes: b"def connect():\n    return 1\n".to_vec() },
//!     SourceFile { path: "app/api.py".into(), bytes: b"from app.db import connect\n\ndef handler():\n    return connect()\n".to_vec() },
//! ];
//! let extracted: Vec<_> = extract_all(&files, &ExtractOptions::default()).into_iter().map(Arc::new).collect();
//! let graph = Graph::build(&extracted, &GraphOptions::default());
//! let connect = graph.symbols.iter().position(|s| s.name == "app.db.connect").unwrap() as u32;
//! let callers: Vec<&str> = graph.dependents(connect).map(|e| graph.symbols[e.source as usize].name.as_str()).collect();
//! assert!(callers.contains(&"app.api.handler"));
//! ```

pub mod cache;
pub mod floor;
mod graph;
pub mod lang;
pub mod model;

pub use graph::{
    Edge, ExtractOptions, ExtractedFile, FileId, FileNode, Graph, GraphOptions, GraphStats,
    LangFacts, SkipReason, SourceFile, Symbol, SymbolId, extract_all, extract_all_cached,
    extract_file,
};
pub use lang::python::{ModuleLayout, PythonStats};
pub use lang::rust::{PackageReach, RustLayout, RustStats};
pub use model::{EdgeKind, Lang, Resolution, Span, SymbolKind};
