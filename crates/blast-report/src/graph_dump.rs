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

/// A row as ids, 16 bytes instead of the 104 of a [`Row`]: a large graph
/// has millions of rows, and they are all held to be sorted. The endpoints
/// are symbol ids at symbol level and file ids at file level.
#[derive(Clone, Copy, Debug)]
struct RowIds {
    source: u32,
    target: u32,
    weight_milli: u32,
    kind: EdgeKind,
    resolution: Resolution,
}

/// The sorted rows of one level of a graph.
struct Rows<'a> {
    graph: &'a Graph,
    level: GraphLevel,
    ids: Vec<RowIds>,
}

impl<'a> Rows<'a> {
    /// Sorts `ids` by the text of their rows and, when `dedup` is set,
    /// removes rows whose text equals the previous one's.
    fn sorted(graph: &'a Graph, level: GraphLevel, mut ids: Vec<RowIds>, dedup: bool) -> Rows<'a> {
        let mut rows = Rows {
            graph,
            level,
            ids: Vec::new(),
        };
        let rank = rows.endpoint_ranks();
        let key = |ids: &RowIds| {
            (
                rank[ids.source as usize],
                rank[ids.target as usize],
                ids.kind.name(),
                ids.resolution.name(),
                ids.weight_milli,
            )
        };

        // Rows with equal keys have equal texts, so their order does not
        // show in the output.
        ids.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        if dedup {
            ids.dedup_by(|a, b| key(a) == key(b));
        }
        rows.ids = ids;
        rows
    }

    /// Returns each endpoint's rank in the order of its (symbol, file)
    /// text, equal for equal texts. Rows compare by those texts first, and
    /// there are many more rows than endpoints, so the rows sort by ranks.
    fn endpoint_ranks(&self) -> Vec<u32> {
        let endpoints = match self.level {
            GraphLevel::Symbol => self.graph.symbols.len(),
            GraphLevel::File => self.graph.files.len(),
        };
        let mut by_text: Vec<u32> = (0..u32::try_from(endpoints).unwrap_or(u32::MAX)).collect();
        by_text.sort_unstable_by(|&a, &b| self.endpoint(a).cmp(&self.endpoint(b)));
        let mut rank = vec![0u32; endpoints];
        let mut current = 0;
        for pair in by_text.windows(2) {
            if self.endpoint(pair[0]) != self.endpoint(pair[1]) {
                current += 1;
            }
            rank[pair[1] as usize] = current;
        }
        rank
    }

    /// Returns the (symbol, file) names of a row's endpoint.
    fn endpoint(&self, id: u32) -> (&'a str, &'a str) {
        let graph = self.graph;
        match self.level {
            GraphLevel::Symbol => {
                let symbol = &graph.symbols[id as usize];
                (&symbol.name, &graph.files[symbol.file as usize].path)
            }
            GraphLevel::File => {
                let file = &graph.files[id as usize];
                (&file.module, &file.path)
            }
        }
    }

    fn row(&self, ids: &RowIds) -> Row<'a> {
        let (source_symbol, source_file) = self.endpoint(ids.source);
        let (target_symbol, target_file) = self.endpoint(ids.target);
        Row {
            source_symbol,
            source_file,
            target_symbol,
            target_file,
            kind: ids.kind.name(),
            resolution: ids.resolution.name(),
            weight_milli: ids.weight_milli,
        }
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = Row<'a>> + '_ {
        self.ids.iter().map(|ids| self.row(ids))
    }
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

fn symbol_rows(graph: &Graph) -> Rows<'_> {
    let ids: Vec<RowIds> = graph
        .edges
        .iter()
        .map(|e| RowIds {
            source: e.source,
            target: e.target,
            weight_milli: weight_milli(e.weight),
            kind: e.kind,
            resolution: e.resolution,
        })
        .collect();
    Rows::sorted(graph, GraphLevel::Symbol, ids, true)
}

fn file_rows(graph: &Graph) -> Rows<'_> {
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
    let ids: Vec<RowIds> = pairs
        .into_iter()
        .map(
            |((source, target), (resolution, kind, inverted_weight))| RowIds {
                source,
                target,
                weight_milli: u32::MAX - inverted_weight,
                kind,
                resolution,
            },
        )
        .collect();
    Rows::sorted(graph, GraphLevel::File, ids, false)
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

fn tsv(rows: &Rows<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"source_symbol\tsource_file\ttarget_symbol\ttarget_file\tkind\tresolution\n")?;
    // Each row is put together in one buffer and written at once. A graph
    // has hundreds of thousands of rows, so `writeln!` per row was a
    // visible part of `blast graph`'s work.
    let mut line = String::new();
    for row in rows.iter() {
        line.clear();
        for field in [
            row.source_symbol,
            row.source_file,
            row.target_symbol,
            row.target_file,
        ] {
            line.push_str(&clean(field));
            line.push('\t');
        }
        line.push_str(row.kind);
        line.push('\t');
        line.push_str(row.resolution);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Tabs and newlines cannot appear inside a TSV field.
fn clean(field: &str) -> std::borrow::Cow<'_, str> {
    if field.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        std::borrow::Cow::Owned(field.replace(['\t', '\n', '\r'], " "))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    schema_version: u32,
    files: Vec<JsonFile<'a>>,
    edges: JsonEdges<'a>,
}

/// The edges of the JSON document, serialized one row at a time rather
/// than collected first.
struct JsonEdges<'a>(&'a Rows<'a>);

impl Serialize for JsonEdges<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|r| JsonEdge {
            source_symbol: r.source_symbol,
            source_file: r.source_file,
            target_symbol: r.target_symbol,
            target_file: r.target_file,
            kind: r.kind,
            resolution: r.resolution,
            weight: f64::from(r.weight_milli) / 1000.0,
        }))
    }
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

fn json(graph: &Graph, rows: &Rows<'_>, out: &mut dyn Write) -> io::Result<()> {
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
        edges: JsonEdges(rows),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

fn dot(rows: &Rows<'_>, level: GraphLevel, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"digraph blast {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    )?;
    for row in rows.iter() {
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::clean;

    #[test]
    fn tsv_fields_lose_tabs_and_line_breaks() {
        assert_eq!(clean("odd/tab\there.py"), "odd/tab here.py");
        assert_eq!(clean("a\r\nb"), "a  b");
        assert!(matches!(clean("plain/path.py"), Cow::Borrowed(_)));
    }
}
