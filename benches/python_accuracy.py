#!/usr/bin/env python3
"""Measure blast's Python dependency graph against grimp, jedi and scip-python.

For each dataset (CPython 3.11 stdlib packages, flask 3.0.1), the oracle folder
contains the edges those tools found and a script that materialises the source
tree. This script runs `blast graph` on that tree at symbol and file level and
prints:

- file level: recall against grimp's import edges, precision against the union
  of grimp's, jedi's and scip-python's file edges, for exact edges and for
  exact plus candidate edges;
- symbol level: precision and recall of blast's exact edges against the edges
  that jedi and scip-python both report, and the precision of the edges blast
  reports only as candidates;
- the largest groups of missed and false symbol edges, with examples.

Blast's symbols are first mapped onto the symbols the oracles model (see
SymbolFolder), and only edges between files the oracles analysed count.
The exit code is 0 whatever the figures are, and non-zero only when the
measurement fails (sources.sh, blast or a missing oracle file).

Usage: python3 benches/python_accuracy.py [--blast PATH] [--oracles DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from python_sources import NameUse, ReferenceIndex

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("stdlib", "flask-3.0.1")
TSV_HEADER = "source_symbol\tsource_file\ttarget_symbol\ttarget_file\tkind\tresolution"

# Thresholds the figures are reported against.
FILE_PRECISION_TARGET = 0.95
FILE_RECALL_TARGET = 0.90
SYMBOL_PRECISION_TARGET = 0.90
SYMBOL_RECALL_TARGET = 0.80

# Definition kinds in defs.tsv that the oracles use as the source of an edge.
# They attribute code in a variable's initialiser to the enclosing module or
# class, never to the variable.
SOURCE_KINDS = {"module", "class", "function", "method"}
# Blast edge kinds that are not references in the source, so the
# symbol-level comparison leaves them out. `scope` ties a definition to its
# own module's top-level imports, and `constructor` a class to the `__init__`
# or `__new__` that calling it runs. No oracle models either.
UNCOMPARED_KINDS = {"scope", "constructor"}
# When a name has several definitions of different kinds, the first kind here names it.
KIND_PRIORITY = ("module", "class", "function", "method", "variable", "attribute")

FileEdge = tuple[str, str]
SymbolEdge = tuple[str, str]


# ---------------------------------------------------------------- input


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--blast",
        help="blast binary (default: `blast` on PATH, else target/release/blast in this repository)",
    )
    parser.add_argument(
        "--oracles",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "oracles",
        help="oracle folder with sources.sh and python/DATASET/ (default: %(default)s)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="folder for the materialised sources, kept and reused (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=list(DATASETS),
        choices=DATASETS,
        help="datasets to measure (default: all)",
    )
    parser.add_argument("--examples", type=int, default=10, help="examples printed per group (default: %(default)s)")
    parser.add_argument(
        "--groups",
        type=int,
        default=8,
        help="miss and false-edge groups printed with examples (default: %(default)s)",
    )
    return parser.parse_args()


def find_blast(requested: str | None) -> str:
    """Return the blast binary to run, or exit with a message naming the paths tried."""
    if requested:
        if shutil.which(requested) is None:
            sys.exit(f"blast binary not found or not executable: {requested}")
        return requested
    on_path = shutil.which("blast")
    if on_path:
        return on_path
    built = REPO_ROOT / "target" / "release" / "blast"
    if built.is_file():
        return str(built)
    sys.exit(
        f"blast not found on PATH nor at {built}: build it with `cargo build --release -p blast-cli` or pass --blast"
    )


def read_tsv(path: Path) -> list[list[str]]:
    """Return the rows of an oracle TSV, without `#` header lines."""
    if not path.is_file():
        sys.exit(f"oracle file not found: {path}")
    rows = []
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def materialise(oracles: Path, work: Path, dataset: str) -> Path:
    """Run sources.sh for one dataset and return the repository it made (or had made before)."""
    script = oracles / "sources.sh"
    result = subprocess.run(["bash", str(script), str(work), dataset], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{script} {work} {dataset} failed with exit code {result.returncode}:\n{result.stderr}")
    return work / dataset


def run_blast(blast: str, repository: Path, level: str) -> list[BlastEdge]:
    """Run `blast graph` at `level` on `repository` and parse its TSV."""
    command = [blast, "graph", "-C", str(repository), "--format", "tsv", "--level", level]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed with exit code {result.returncode}:\n{result.stderr}")
    lines = result.stdout.splitlines()
    if not lines or lines[0] != TSV_HEADER:
        sys.exit(f"unexpected header from `{' '.join(command)}`: {lines[:1]}")
    return [BlastEdge(*line.split("\t")) for line in lines[1:] if line]


@dataclass(frozen=True)
class BlastEdge:
    source_symbol: str
    source_file: str
    target_symbol: str
    target_file: str
    kind: str
    resolution: str


@dataclass
class Oracle:
    """One dataset's oracle files, loaded."""

    analysed_files: set[str]
    kinds: dict[str, set[str]]
    definitions: dict[str, tuple[str, int]]  # symbol -> (file, first line) of its first definition
    module_files: dict[str, str]  # file -> module
    import_files: set[FileEdge]
    reference_files: set[FileEdge]
    jedi: set[SymbolEdge]
    scip: set[SymbolEdge]

    @classmethod
    def load(cls, folder: Path) -> Oracle:
        analysed = set((folder / "analysed_files.txt").read_text().split())
        kinds: dict[str, set[str]] = collections.defaultdict(set)
        definitions: dict[str, tuple[str, int]] = {}
        module_files = {}
        for symbol, kind, path, first_line, _ in read_tsv(folder / "defs.tsv"):
            kinds[symbol].add(kind)
            definitions.setdefault(symbol, (path, int(first_line)))
            if kind == "module":
                module_files[path] = symbol
        import_files = {(row[2], row[3]) for row in read_tsv(folder / "import_edges.tsv")}
        reference_files = set(import_files)
        for name in ("file_edges.tsv", "scip_file_edges.tsv"):
            reference_files |= {(row[0], row[1]) for row in read_tsv(folder / name)}
        oracle = cls(analysed, dict(kinds), definitions, module_files, import_files, reference_files, set(), set())
        oracle.jedi = oracle.known_symbol_edges(read_tsv(folder / "symbol_edges.tsv"))
        oracle.scip = oracle.known_symbol_edges(read_tsv(folder / "scip_symbol_edges.tsv"))
        return oracle

    def known_symbol_edges(self, rows: list[list[str]]) -> set[SymbolEdge]:
        """Keep the edges between defined symbols in analysed files, without self-loops."""
        edges = set()
        for source, target, source_file, target_file in rows:
            if source_file not in self.analysed_files or target_file not in self.analysed_files:
                continue
            if source in self.kinds and target in self.kinds and source != target:
                edges.add((source, target))
        return edges

    def kind(self, symbol: str) -> str:
        kinds = self.kinds.get(symbol, set())
        return next((kind for kind in KIND_PRIORITY if kind in kinds), "unknown")


# ---------------------------------------------------------------- folding


def parent(symbol: str) -> str | None:
    return symbol.rsplit(".", 1)[0] if "." in symbol else None


class SymbolFolder:
    """Map blast's symbols onto the symbols the oracles model.

    The oracles merge functions nested in functions into the outermost one, do
    not model `self.x` attributes, and attribute module-level and class-level
    code, variable initialisers included, to the module or class. So a source
    symbol becomes its nearest ancestor that defs.tsv lists as a module, class,
    function or method, and a target symbol its nearest ancestor that defs.tsv
    lists at all. A decorator expression runs in the scope around the decorated
    definition, where the oracles attribute it, so a decorator edge starts
    there.
    """

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.counts: collections.Counter[str] = collections.Counter()

    def fold(self, symbol: str, as_source: bool) -> str | None:
        current: str | None = symbol
        while current is not None:
            kinds = self.oracle.kinds.get(current)
            if kinds and (not as_source or kinds & SOURCE_KINDS):
                return current
            current = parent(current)
        return None

    def fold_edge(self, edge: BlastEdge) -> SymbolEdge | None:
        """Return the oracle-level edge for `edge`, or None when it has no such edge."""
        known = self.oracle.kinds
        source = self.fold(edge.source_symbol, as_source=True)
        target = self.fold(edge.target_symbol, as_source=False)
        if source is None or target is None:
            self.counts["dropped: symbol unknown to the oracles, even its module"] += 1
            return None
        if edge.kind == "decorator" and edge.source_symbol in known:
            enclosing = parent(edge.source_symbol)
            source = self.fold(enclosing, as_source=True) if enclosing else source
            self.counts["decorator edge moved to the enclosing scope"] += 1
        elif source != edge.source_symbol:
            if edge.source_symbol in known:
                self.counts["source variable or class attribute folded into its module or class"] += 1
            else:
                self.counts["source folded into its parent (nested function, unknown name)"] += 1
        if target != edge.target_symbol:
            self.counts["target folded into its parent (field or name unknown to the oracles)"] += 1
        if source is None or source == target:
            self.counts["dropped: self-loop after folding"] += 1
            return None
        return source, target


# ---------------------------------------------------------------- measurement


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def show(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return "meets" if value >= target else "below"


def measure_files(oracle: Oracle, rows: list[BlastEdge], examples: int) -> dict[str, float | None]:
    """Print file-level precision and recall and return the exact edges' figures."""
    inside = [
        row for row in rows if row.source_file in oracle.analysed_files and row.target_file in oracle.analysed_files
    ]
    exact = {(row.source_file, row.target_file) for row in inside if row.resolution == "exact"}
    every = {(row.source_file, row.target_file) for row in inside}
    expected, reference = oracle.import_files, oracle.reference_files

    print(
        f"file level: {len(expected)} grimp import edges (recall), "
        f"{len(reference)} edges in grimp ∪ jedi ∪ scip-python (precision)"
    )
    figures = {}
    for label, found in (("exact", exact), ("exact+candidate", every)):
        precision = ratio(len(found & reference), len(found))
        recall = ratio(len(found & expected), len(expected))
        figures[label] = (precision, recall)
        print(
            f"  {label:<16} precision {show(precision)}  recall {show(recall)}"
            f"  ({len(found)} blast edges, {len(found - reference)} in no oracle,"
            f" {len(expected - found)} imports missed)"
        )
    print_file_edges("  imports missed by exact edges", expected - exact, examples)
    print_file_edges("  exact edges in no oracle", exact - reference, examples)
    return {"precision": figures["exact"][0], "recall": figures["exact"][1]}


def print_file_edges(title: str, edges: set[FileEdge], examples: int) -> None:
    if not edges:
        return
    print(f"{title}: {len(edges)}")
    for source, target in sorted(edges)[:examples]:
        print(f"    {source} -> {target}")


@dataclass
class SymbolGraph:
    """Blast's symbol edges after folding: the first raw edge behind each folded pair."""

    exact: dict[SymbolEdge, BlastEdge]
    candidate_only: dict[SymbolEdge, BlastEdge]


def fold_symbol_edges(folder: SymbolFolder, rows: list[BlastEdge]) -> SymbolGraph:
    analysed = folder.oracle.analysed_files
    exact: dict[SymbolEdge, BlastEdge] = {}
    candidate: dict[SymbolEdge, BlastEdge] = {}
    for row in rows:
        if row.source_file not in analysed or row.target_file not in analysed:
            continue
        if row.kind in UNCOMPARED_KINDS:
            folder.counts[f"left out: {row.kind} edge, not a reference in the source"] += 1
            continue
        pair = folder.fold_edge(row)
        if pair is None:
            continue
        chosen = exact if row.resolution == "exact" else candidate
        chosen.setdefault(pair, row)
    candidate_only = {pair: row for pair, row in candidate.items() if pair not in exact}
    return SymbolGraph(exact, candidate_only)


def measure_symbols(oracle: Oracle, folder: SymbolFolder, graph: SymbolGraph) -> dict[str, float | None]:
    """Print symbol-level precision and recall and return the exact edges' figures."""
    shared = oracle.jedi & oracle.scip
    either = oracle.jedi | oracle.scip
    exact = set(graph.exact)
    candidate = set(graph.candidate_only)
    both = exact | candidate

    agreement = show(ratio(len(shared), len(either)))
    jedi_precision = show(ratio(len(shared), len(oracle.jedi)))
    scip_precision = show(ratio(len(shared), len(oracle.scip)))
    print(
        f"symbol level: {len(shared)} edges that jedi and scip-python share "
        f"(jedi {len(oracle.jedi)}, scip-python {len(oracle.scip)}, agreement {agreement})"
    )
    print(
        "  for scale, precision of each oracle against the shared edges: "
        f"jedi {jedi_precision}, scip-python {scip_precision}"
    )

    precision = ratio(len(exact & shared), len(exact))
    recall = ratio(len(exact & shared), len(shared))
    lenient = show(ratio(len(exact & either), len(exact)))
    print(
        f"  exact            precision {show(precision)}  recall {show(recall)}"
        f"  ({len(exact)} blast edges; precision against either oracle {lenient})"
    )
    candidate_lenient = show(ratio(len(candidate & either), len(candidate)))
    print(
        f"  candidate only   precision {show(ratio(len(candidate & shared), len(candidate)))}"
        f"  ({len(candidate)} blast edges; against either oracle {candidate_lenient};"
        f" recall of exact+candidate {show(ratio(len(both & shared), len(shared)))})"
    )

    print("  folding blast's raw edges onto oracle symbols:")
    for reason, count in sorted(folder.counts.items(), key=lambda item: -item[1]):
        print(f"    {count:6d}  {reason}")
    return {"precision": precision, "recall": recall}


# ---------------------------------------------------------------- diagnosis


@dataclass(frozen=True)
class Example:
    edge: SymbolEdge
    detail: str
    site: str


def site_of(oracle: Oracle, index: ReferenceIndex, source: str, target: str) -> tuple[str, NameUse | None]:
    """Return `file:line` where `source` writes the target's name, or its definition line."""
    name = target.rsplit(".", 1)[-1]
    uses = index.lookup(source, name)
    if not uses and name == "__init__":
        # A constructor call writes the class name, not `__init__`.
        uses = index.lookup(source, (parent(target) or "").rsplit(".", 1)[-1])
    if uses:
        return f"{uses[0].file}:{uses[0].line}", uses[0]
    path, line = oracle.definitions.get(source, ("?", 0))
    return f"{path}:{line} (definition)", None


def miss_reason(oracle: Oracle, index: ReferenceIndex, graph: SymbolGraph, edge: SymbolEdge) -> tuple[str, str]:
    """Guess why blast has no exact edge for `edge`, and where the reference is."""
    source, target = edge
    site, use = site_of(oracle, index, source, target)
    form = use.form if use else "name not written in the source symbol"
    if edge in graph.candidate_only:
        return "blast has only a candidate edge", f"{form}; {site}"
    kind = oracle.kind(target)
    target_parent = parent(target) or ""
    name = target.rsplit(".", 1)[-1]
    if kind == "variable" and (target_parent, name) in index.import_bound:
        return "variable also bound by an import (try/except fallback, alias)", site
    if kind == "variable" and (source, name) in index.global_declared:
        return "module variable that the function declares `global`", site
    if kind == "variable" and (target_parent, name) in index.block_variables:
        return "module variable assigned only inside an if/try/with block", site
    if kind == "module" and form == "module path of a from-import":
        return "package of `from package import submodule`", site
    where = {"module": " in module-level code", "class": " in a class body"}.get(oracle.kind(source), "")
    return f"{kind} via {form}{where}", site


def module_of(oracle: Oracle, symbol: str) -> str | None:
    current: str | None = symbol
    while current is not None and oracle.kind(current) != "module":
        current = parent(current)
    return current


def false_reason(oracle: Oracle, index: ReferenceIndex, edge: SymbolEdge, raw: BlastEdge) -> str:
    """Guess why an exact blast edge is not in the shared oracle edges."""
    if edge in oracle.jedi:
        return "jedi only"
    if edge in oracle.scip:
        return "scip-python only"
    if raw.kind == "re_export" and (edge[0], module_of(oracle, edge[1])) in index.star_imports:
        return "name re-exported by `from module import *`"
    if raw.target_symbol not in oracle.kinds:
        return "target folded into its parent"
    if raw.source_symbol not in oracle.kinds:
        return "source folded into its parent"
    if oracle.kind(raw.target_symbol) == "class" and raw.source_symbol.startswith(raw.target_symbol + "."):
        return "method refers to its own class (cls, cls(), the class name)"
    return f"neither oracle, target is a {oracle.kind(raw.target_symbol)}"


def print_groups(title: str, groups: dict[str, list[Example]], total: int, max_groups: int, examples: int) -> None:
    print(f"{title}: {total}")
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    for position, (name, members) in enumerate(ranked):
        print(f"  {len(members):6d}  {name}")
        if position >= max_groups:
            continue
        for example in members[:examples]:
            source, target = example.edge
            detail = f" [{example.detail}]" if example.detail else ""
            print(f"            {source} -> {target}{detail}  {example.site}")


def diagnose(oracle: Oracle, index: ReferenceIndex, graph: SymbolGraph, max_groups: int, examples: int) -> None:
    shared = oracle.jedi & oracle.scip
    misses: dict[str, list[Example]] = collections.defaultdict(list)
    for edge in sorted(shared - set(graph.exact)):
        reason, site = miss_reason(oracle, index, graph, edge)
        misses[reason].append(Example(edge, "", site))
    print_groups("missed shared edges, by guessed reason", misses, len(shared - set(graph.exact)), max_groups, examples)

    false: dict[str, list[Example]] = collections.defaultdict(list)
    false_edges = sorted(set(graph.exact) - shared)
    for edge in false_edges:
        raw = graph.exact[edge]
        site, _ = site_of(oracle, index, edge[0], raw.target_symbol)
        detail = false_reason(oracle, index, edge, raw)
        if raw.target_symbol != edge[1]:
            detail += f"; blast target {raw.target_symbol}"
        false[raw.kind].append(Example(edge, detail, site))
    print_groups(
        "exact edges not shared by both oracles, by blast's kind", false, len(false_edges), max_groups, examples
    )
    reasons: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for edge in false_edges:
        raw = graph.exact[edge]
        reasons[raw.kind][false_reason(oracle, index, edge, raw)] += 1
    print("  by kind and guessed reason:")
    for kind, counter in sorted(reasons.items(), key=lambda item: -sum(item[1].values())):
        print(f"    {kind}: " + ", ".join(f"{reason} {count}" for reason, count in counter.most_common()))


# ---------------------------------------------------------------- main


def measure_dataset(blast: str, oracles: Path, work: Path, dataset: str, args: argparse.Namespace) -> list[str]:
    """Print one dataset's figures and return a summary line per level."""
    oracle = Oracle.load(oracles / "python" / dataset)
    repository = materialise(oracles, work, dataset)
    symbol_rows = run_blast(blast, repository, "symbol")
    file_rows = run_blast(blast, repository, "file")

    print(f"\n=== {dataset}: {len(oracle.analysed_files)} analysed files, blast {len(symbol_rows)} symbol edges")
    file_figures = measure_files(oracle, file_rows, args.examples)
    folder = SymbolFolder(oracle)
    graph = fold_symbol_edges(folder, symbol_rows)
    symbol_figures = measure_symbols(oracle, folder, graph)
    modules_by_file = {path: oracle.module_files[path] for path in oracle.analysed_files if path in oracle.module_files}
    index = ReferenceIndex.build(repository, modules_by_file)
    diagnose(oracle, index, graph, args.groups, args.examples)

    return [
        summary_line(dataset, "file", file_figures, FILE_PRECISION_TARGET, FILE_RECALL_TARGET),
        summary_line(dataset, "symbol", symbol_figures, SYMBOL_PRECISION_TARGET, SYMBOL_RECALL_TARGET),
    ]


def summary_line(dataset: str, level: str, figures: dict[str, float | None], precision: float, recall: float) -> str:
    return (
        f"{dataset:<12} {level:<6} exact  "
        f"precision {show(figures['precision'])} ({verdict(figures['precision'], precision)} {precision})  "
        f"recall {show(figures['recall'])} ({verdict(figures['recall'], recall)} {recall})"
    )


def main() -> None:
    args = parse_args()
    blast = find_blast(args.blast)
    oracles = args.oracles.resolve()
    if not (oracles / "sources.sh").is_file():
        sys.exit(f"oracle folder not found: {oracles} has no sources.sh (pass --oracles)")

    summary: list[str] = []
    with tempfile.TemporaryDirectory(prefix="blast-python-accuracy-") as temporary:
        work = args.work.resolve() if args.work else Path(temporary)
        for dataset in args.datasets:
            summary += measure_dataset(blast, oracles, work, dataset, args)

    print("\n=== summary against the targets")
    for line in summary:
        print(line)


if __name__ == "__main__":
    main()
