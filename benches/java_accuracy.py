#!/usr/bin/env python3
"""Measure blast's Java file graph against jdeps on two JDK modules.

The oracle folder holds, for java.logging and java.net.http (JDK 25), the
class dependencies that `jdeps -verbose:class` found in the compiled module,
folded to source files, and a script that materialises the module's source
tree as a git repository. This script runs `blast graph --level file` (and
`--level symbol`, to explain each edge) on each tree and prints:

- recall against `file_edges_named.tsv` (jdeps edges whose target class the
  source file names), and separately how many of `file_edges_unnamed.tsv`
  (bytecode-only dependencies) blast finds;
- precision against `file_edges.tsv`, for exact edges and for exact plus
  candidate edges;
- the file pairs blast reports that jdeps lacks, with the symbol edges
  behind them, and the named jdeps edges that blast misses.

Precision is given twice. Two edge kinds model inheritance rather than a
name written in the source. Override edges run from an overridden method to
its override, so that a change to an implementation reaches the callers of
the interface method, which is the opposite direction of a compile-time
dependency. A `re_export` edge runs from a class to each method it inherits
without overriding, also from supertypes further up than bytecode records.
The headline figure counts only file pairs that some other edge kind joins,
and a second figure counts every exact file pair.

The exit code is 0 whatever the figures are, and non-zero only when the
measurement fails (sources.sh, blast or a missing oracle file).

Usage: python3 benches/java_accuracy.py [--blast PATH] [--oracles DIR] [--work DIR] [--list N]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("java.logging", "java.net.http")
TSV_HEADER = "source_symbol\tsource_file\ttarget_symbol\ttarget_file\tkind\tresolution"
FILE_PRECISION_TARGET = 0.95
FILE_RECALL_TARGET = 0.90
# Edge kinds that model inheritance, not a reference in the source (see
# above), and `scope`, which joins a definition to its own file's imports.
HIERARCHY_KINDS = {"override", "re_export", "scope"}

FileEdge = tuple[str, str]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--blast",
        help="blast binary (default: `blast` on PATH, else target/release/blast in this repository)",
    )
    parser.add_argument(
        "--oracles",
        type=Path,
        default=Path("/work/shared/oracles"),
        help="oracle folder with sources.sh and java/<dataset>/ (default: %(default)s)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="folder for the materialised sources, reused when present (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--list",
        type=int,
        default=15,
        help="number of false and missed file pairs to list per dataset (default: %(default)s)",
    )
    return parser.parse_args()


def find_blast(requested: str | None) -> str:
    """Return the blast binary to run, or exit with a message naming the paths tried."""
    if requested:
        if not (Path(requested).is_file() or shutil.which(requested)):
            sys.exit(f"blast binary not found or not executable: {requested}")
        return requested
    on_path = shutil.which("blast")
    if on_path:
        return on_path
    built = REPO_ROOT / "target" / "release" / "blast"
    if built.is_file():
        return str(built)
    sys.exit(f"blast not found on PATH nor at {built}: run `cargo build --release -p blast-cli` or pass --blast")


def materialise(oracles: Path, work: Path, dataset: str) -> Path:
    """Run the oracle's sources.sh for `dataset` under `work` and return the tree."""
    script = oracles / "sources.sh"
    if not script.is_file():
        sys.exit(f"missing {script}: pass --oracles with the folder that holds sources.sh")
    result = subprocess.run([str(script), str(work), dataset], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{script} {work} {dataset} failed with exit code {result.returncode}:\n{result.stderr}")
    return work / dataset


def read_pairs(path: Path) -> set[FileEdge]:
    """Read a two-column TSV of file pairs, skipping `#` header lines."""
    if not path.is_file():
        sys.exit(f"missing oracle file {path}")
    pairs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        source, target = line.split("\t")[:2]
        pairs.add((source, target))
    return pairs


def run_blast(blast: str, repository: Path, level: str) -> list[list[str]]:
    """Run `blast graph` at `level` and return its TSV rows without the header."""
    command = [blast, "graph", "-C", str(repository), "--format", "tsv", "--level", level]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed with exit code {result.returncode}:\n{result.stderr}")
    lines = result.stdout.splitlines()
    if not lines or lines[0] != TSV_HEADER:
        sys.exit(f"unexpected header from `{' '.join(command)}`: {lines[:1]}")
    return [line.split("\t") for line in lines[1:] if line]


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def show(value: float | None, target: float | None = None) -> str:
    if value is None:
        return "n/a"
    if target is None:
        return f"{value:.3f}"
    verdict = "meets" if value >= target else "below"
    return f"{value:.3f} ({verdict} {target:.2f})"


def measure(blast: str, tree: Path, oracle: Path, listed: int) -> dict[str, float | None]:
    """Print the figures for one dataset and return the headline ones."""
    all_jdeps = read_pairs(oracle / "file_edges.tsv")
    named = read_pairs(oracle / "file_edges_named.tsv")
    unnamed = read_pairs(oracle / "file_edges_unnamed.tsv")

    file_rows = run_blast(blast, tree, "file")
    symbol_rows = run_blast(blast, tree, "symbol")
    exact: set[FileEdge] = set()
    found: set[FileEdge] = set()
    for _, source_file, _, target_file, _, resolution in file_rows:
        if source_file == target_file:
            continue
        pair = (source_file, target_file)
        found.add(pair)
        if resolution == "exact":
            exact.add(pair)

    # The file level prints one kind per pair, so the symbol level shows
    # which pairs some reference (not only inheritance) joins.
    dependencies: set[FileEdge] = set()
    all_dependencies: set[FileEdge] = set()
    for _, source_file, _, target_file, kind, resolution in symbol_rows:
        if source_file == target_file or kind in HIERARCHY_KINDS:
            continue
        all_dependencies.add((source_file, target_file))
        if resolution == "exact":
            dependencies.add((source_file, target_file))
    hierarchy_only = exact - dependencies

    figures = {
        "recall_named": ratio(len(exact & named), len(named)),
        "recall_named_with_candidates": ratio(len(found & named), len(named)),
        "recall_unnamed": ratio(len(exact & unnamed), len(unnamed)),
        "precision": ratio(len(dependencies & all_jdeps), len(dependencies)),
        "precision_with_candidates": ratio(len(all_dependencies & all_jdeps), len(all_dependencies)),
        "precision_with_hierarchy": ratio(len(exact & all_jdeps), len(exact)),
    }
    print(f"  jdeps: {len(all_jdeps)} file edges ({len(named)} named, {len(unnamed)} unnamed)")
    print(
        f"  blast: {len(exact)} exact file edges ({len(hierarchy_only)} joined by inheritance edges only), "
        f"{len(found - exact)} more through candidates"
    )
    print(f"  recall, exact edges vs named:                {show(figures['recall_named'], FILE_RECALL_TARGET)}"
          f"  [{len(exact & named)}/{len(named)}]")
    print(f"  recall, exact + candidate edges vs named:    {show(figures['recall_named_with_candidates'])}"
          f"  [{len(found & named)}/{len(named)}]")
    print(f"  recall, exact edges vs unnamed:              {show(figures['recall_unnamed'])}"
          f"  [{len(exact & unnamed)}/{len(unnamed)}]")
    print(f"  precision, exact dependency edges:           {show(figures['precision'], FILE_PRECISION_TARGET)}"
          f"  [{len(dependencies & all_jdeps)}/{len(dependencies)}]")
    print(f"  precision, exact + candidate dependencies:   {show(figures['precision_with_candidates'])}"
          f"  [{len(all_dependencies & all_jdeps)}/{len(all_dependencies)}]")
    print(f"  precision, every exact file edge:            {show(figures['precision_with_hierarchy'])}"
          f"  [{len(exact & all_jdeps)}/{len(exact)}]")

    # Explain false pairs by the symbol edges behind them.
    behind: dict[FileEdge, list[str]] = collections.defaultdict(list)
    for source_symbol, source_file, target_symbol, target_file, kind, resolution in symbol_rows:
        if source_file != target_file:
            behind[(source_file, target_file)].append(f"{source_symbol} -> {target_symbol} ({kind}, {resolution})")
    false_pairs = sorted(all_dependencies - all_jdeps)
    if false_pairs:
        kinds = collections.Counter()
        for pair in false_pairs:
            for edge in behind[pair]:
                kinds[edge.rsplit("(", 1)[1].rstrip(")")] += 1
        print(f"  file pairs jdeps lacks: {len(false_pairs)}; their symbol edges by kind: "
              + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()))
        for pair in false_pairs[:listed]:
            print(f"    {pair[0]} -> {pair[1]}")
            for edge in behind[pair][:3]:
                print(f"        {edge}")
    missed = sorted(named - exact)
    if missed:
        print(f"  named jdeps edges without an exact blast edge: {len(missed)}")
        for source, target in missed[:listed]:
            note = " (candidate only)" if (source, target) in found else ""
            print(f"    {source} -> {target}{note}")
    return figures


def main() -> int:
    args = parse_args()
    blast = find_blast(args.blast)
    oracle_root = args.oracles / "java"
    temporary = None
    if args.work:
        work = args.work
        work.mkdir(parents=True, exist_ok=True)
    else:
        temporary = tempfile.mkdtemp(prefix="blast-java-accuracy-")
        work = Path(temporary)
    try:
        for dataset in DATASETS:
            tree = materialise(args.oracles, work, dataset)
            print(f"{dataset}:")
            measure(blast, tree, oracle_root / dataset, args.list)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
