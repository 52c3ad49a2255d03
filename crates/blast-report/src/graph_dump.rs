//! The dependency graph as data for checking and reuse: TSV, JSON or DOT,
//! at symbol level or folded to files.

use std::collections::BTreeMap;
use std::io::{self, Write};

use blast_graph::{EdgeKind, Graph, Resolution};
use serde::Serialize;

/// Output format of `blast graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Tsv,
    Json,
    Dot,
}

/// Granularity of `blast graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphLevel {
    Symbol,
    /// Each pair of distinct files once: exact when any edge between them is
    /// exact, with the kind of the first such edge in kind order.
    File,
}

/// One output row: `source` depends on `target`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
struct Row<'a> {
    source_symbol: &'a str,
    source_file: &'a str,
    target_symbol: &'a str,
    target_file: &'a str,
    kind: &'static str,
    resolution: &'static str,
    #[serde(skip)]
    weight_milli: u32,
}

/// Renders the graph. Rows are sorted, so the output is deterministic.
pub fn render_graph(graph: &Graph, format: GraphFormat, level: GraphLevel) -> String {
    let mut out = Vec::new();
    write_graph(graph, format, level, &mut out)
        .unwrap_or_else(|err| panic!("writing to memory failed: {err}"));
    String::from_utf8(out).unwrap_or_else(|err| panic!("the graph is not UTF-8: {err}"))
}

/// Writes the graph as [`render_graph`] renders it, without holding the
/// whole text in memory.
///
/// # Errors
///
/// Fails when `out` fails.
pub fn write_graph(
    graph: &Graph,
    format: GraphFormat,
    level: GraphLevel,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rows = match level {
        GraphLevel::Symbol => symbol_rows(graph),
        GraphLevel::File => file_rows(graph),
    };
    match format {
        GraphFormat::Tsv => tsv(&rows, out),
        GraphFormat::Json => json(graph, &rows, out),
        GraphFormat::Dot => dot(&rows, level, out),
    }
}

fn symbol_rows(graph: &Graph) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = graph
        .edges
        .iter()
        .map(|e| {
            let source = &graph.symbols[e.source as usize];
            let target = &graph.symbols[e.target as usize];
            Row {
                source_symbol: &source.name,
                source_file: &graph.files[source.file as usize].path,
                target_symbol: &target.name,
                target_file: &graph.files[target.file as usize].path,
                kind: e.kind.name(),
                resolution: e.resolution.name(),
                weight_milli: weight_milli(e.weight),
            }
        })
        .collect();
    rows.sort();
    rows.dedup();
    rows
}

fn file_rows(graph: &Graph) -> Vec<Row<'_>> {
    // (source file, target file) -> best (resolution, kind, weight).
    let mut pairs: BTreeMap<(u32, u32), (Resolution, EdgeKind, u32)> = BTreeMap::new();
    for edge in &graph.edges {
        let source = graph.symbols[edge.source as usize].file;
        let target = graph.symbols[edge.target as usize].file;
        if source == target {
            continue;
        }
        let candidate = (
            edge.resolution,
            edge.kind,
            u32::MAX - weight_milli(edge.weight),
        );
        pairs
            .entry((source, target))
            .and_modify(|best| {
                if candidate < *best {
                    *best = candidate;
                }
            })
            .or_insert(candidate);
    }
    let mut rows: Vec<Row<'_>> = pairs
        .into_iter()
        .map(|((source, target), (resolution, kind, inverted_weight))| {
            let source = &graph.files[source as usize];
            let target = &graph.files[target as usize];
            Row {
                source_symbol: &source.module,
                source_file: &source.path,
                target_symbol: &target.module,
                target_file: &target.path,
                kind: kind.name(),
                resolution: resolution.name(),
                weight_milli: u32::MAX - inverted_weight,
            }
        })
        .collect();
    rows.sort();
    rows
}

fn weight_milli(weight: f32) -> u32 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "weights are in 0..=1"
    )]
    let milli = (weight.clamp(0.0, 1.0) * 1000.0).round() as u32;
    milli
}

fn tsv(rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"source_symbol\tsource_file\ttarget_symbol\ttarget_file\tkind\tresolution\n")?;
    for row in rows {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            clean(row.source_symbol),
            clean(row.source_file),
            clean(row.target_symbol),
            clean(row.target_file),
            row.kind,
            row.resolution
        )?;
    }
    Ok(())
}

/// Tabs and newlines cannot appear inside a TSV field.
fn clean(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains(['\t', '\n', '\r']) {
        std::borrow::Cow::Owned(field.replace(['\t', '\n', '\r'], " "))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    schema_version: u32,
    files: Vec<JsonFile<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    language: &'static str,
    module: &'a str,
    lines: u32,
    parse_errors: u32,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    source_symbol: &'a str,
    source_file: &'a str,
    target_symbol: &'a str,
    target_file: &'a str,
    kind: &'static str,
    resolution: &'static str,
    weight: f64,
}

fn json(graph: &Graph, rows: &[Row<'_>], out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonGraph {
        schema_version: 1,
        files: graph
            .files
            .iter()
            .map(|f| JsonFile {
                path: &f.path,
                language: f.lang.name(),
                module: &f.module,
                lines: f.line_count,
                parse_errors: f.parse_errors,
            })
            .collect(),
        edges: rows
            .iter()
            .map(|r| JsonEdge {
                source_symbol: r.source_symbol,
                source_file: r.source_file,
                target_symbol: r.target_symbol,
                target_file: r.target_file,
                kind: r.kind,
                resolution: r.resolution,
                weight: f64::from(r.weight_milli) / 1000.0,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

fn dot(rows: &[Row<'_>], level: GraphLevel, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"digraph blast {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    )?;
    for row in rows {
        let (source, target) = match level {
            GraphLevel::Symbol => (row.source_symbol, row.target_symbol),
            GraphLevel::File => (row.source_file, row.target_file),
        };
        let style = if row.resolution == "candidate" {
            ", style=dashed"
        } else {
            ""
        };
        writeln!(
            out,
            "  {} -> {} [label=\"{}\"{style}];",
            quote(source),
            quote(target),
            row.kind
        )?;
    }
    out.write_all(b"}\n")
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
