#!/usr/bin/env python3
"""Measure blast's Rust graph against rust-analyzer's SCIP index.

Materialises the semver and regex-syntax crates with the oracles'
sources.sh, runs `blast graph --format tsv` at symbol and file level on
each, and prints precision and recall:

- file level: blast's exact file edges (`--level file`) against the
  oracle's file_edges.tsv;
- item level: blast's exact symbol edges, named the oracle's way, against
  item_edges.tsv.

Usage:
    benches/rust_accuracy.py [--blast CMD] [--sources DIR] [--oracles DIR]
                             [--show N]

`--blast` is the command that runs blast (default: `blast` on PATH, else
`cargo run --release -q -p blast-cli --`). `--sources` keeps the
materialised crates in DIR between runs. `--show N` prints N missing and
N extra item edges per dataset.

Naming, so that both sides compare: the oracle names items
`crate::module::Item`, methods of inherent impls `crate::module::Type::m`
(the impl's module) and of trait impls `crate::module::<Type as Trait>::m`;
integration tests and benches are `tests::<file>` and `benches::<file>`,
their submodule files `tests::<module>`. Blast names the same items
`<crate name>::module::...`, so the script replaces the crate name by
`crate`, `tests::<file>` or `benches::<file>`, from the symbol's file.
Generic arguments and path prefixes inside `<Type as Trait>` are dropped
on both sides (`<ast::Error as PartialEq<TestError>>` becomes
`<Error as PartialEq>`).

Folding, as the oracle folds: code in an impl header belongs to the impl's
self type, so blast's impl symbols (`<Type>`, `<Type as Trait>`) become the
self type that their header names. Blast's `Trait::m -> <T as Trait>::m`
override edges mean that callers of the trait method reach the impl. The
oracle records the same pair the other way round (`<T as Trait>::m
implements Trait::m`), so they are compared reversed. Scope edges lead from
a definition that uses a name imported at module level to its own module.
They carry import-line changes inside blast and have no oracle
counterpart, so they are left out. Edges that fold onto themselves are
dropped on both sides.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile

DATASETS = ["semver-1.0.28", "regex-syntax-0.8.12"]
TARGETS = {"file": (0.95, 0.90), "item": (0.90, 0.80)}


def split_segments(name):
    """Split a path at `::` outside `<...>`."""
    segments, depth, start, idx = [], 0, 0, 0
    while idx < len(name):
        char = name[idx]
        if char == "<":
            depth += 1
        elif char == ">" and idx > 0 and name[idx - 1] != "-":
            depth -= 1
        elif char == ":" and depth == 0 and name.startswith("::", idx):
            segments.append(name[start:idx])
            start = idx + 2
            idx += 1
        idx += 1
    segments.append(name[start:])
    return segments


def strip_generics(text):
    """Drop `<...>` arguments, a leading `&`/`mut` and path prefixes."""
    out, depth = [], 0
    for char in text:
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif depth == 0:
            out.append(char)
    base = "".join(out).strip().lstrip("&").strip()
    if base.startswith("mut "):
        base = base[4:]
    return split_segments(base)[-1].strip()


def normalize_impl_segment(segment):
    """`<ast::Error as PartialEq<TestError>>` -> `<Error as PartialEq>`."""
    if not (segment.startswith("<") and segment.endswith(">")):
        return segment
    inner = segment[1:-1]
    depth, split_at = 0, -1
    for idx, char in enumerate(inner):
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif depth == 0 and inner.startswith(" as ", idx):
            split_at = idx
            break
    if split_at < 0:
        return "<" + strip_generics(inner) + ">"
    self_ty, trait = inner[:split_at], inner[split_at + 4 :]
    return "<" + strip_generics(self_ty) + " as " + strip_generics(trait) + ">"


def normalize(name):
    return "::".join(normalize_impl_segment(s) for s in split_segments(name))


def is_impl_symbol(name):
    last = split_segments(name)[-1]
    return last.startswith("<") and last.endswith(">")


def impl_self_base(name):
    """Return the self type's base name from an impl symbol's last segment."""
    inner = split_segments(name)[-1][1:-1]
    depth = 0
    for idx, char in enumerate(inner):
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
        elif depth == 0 and inner.startswith(" as ", idx):
            inner = inner[:idx]
            break
    return strip_generics(inner)


def oracle_prefix(path):
    """Return the oracle's name for the crate root of a file's target.

    A test, bench or example root file `tests/x.rs` is `tests::x`. Its
    submodule files (`tests/util/mod.rs`) are `tests` followed by their
    module path, because the oracle drops the test crate's name there.
    """
    parts = path.split("/")
    if parts[0] in ("tests", "benches", "examples") and len(parts) >= 2:
        if len(parts) == 2 and parts[1].endswith(".rs"):
            return parts[0] + "::" + parts[1][:-3]
        return parts[0]
    return "crate"


def to_oracle_name(name, path):
    """Rename blast's `<crate>::rest` in the file `path` the oracle's way."""
    rest = split_segments(name)[1:]
    return normalize("::".join([oracle_prefix(path)] + rest))


def run(cmd, cwd=None):
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr}")
    return result.stdout


def read_tsv(text):
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("source_symbol\t"):
            continue
        rows.append(line.split("\t"))
    return rows


def item_edges_from_blast(rows):
    """Collect blast's exact symbol edges, folded and named the oracle's way."""
    names = {}
    for row in rows:
        names[(row[0], row[1])] = None
        names[(row[2], row[3])] = None

    # Impl symbols fold onto the self type that their header names: the
    # type_ref target whose last segment is the self type's base name,
    # preferring one in the impl's own file (`impl From<ast::Error> for
    # Error` names two types called `Error`).
    candidates = collections.defaultdict(list)
    for source, source_file, target, target_file, kind, resolution in rows:
        if kind != "type_ref" or resolution != "exact" or not is_impl_symbol(source):
            continue
        if split_segments(target)[-1] == impl_self_base(source):
            rank = 0 if target_file == source_file else 1
            candidates[(source, source_file)].append((rank, to_oracle_name(target, target_file)))
    impl_self = {key: min(found)[1] for key, found in candidates.items()}

    def mapped(name, path):
        if is_impl_symbol(name) and (name, path) in impl_self:
            return impl_self[(name, path)]
        return to_oracle_name(name, path)

    edges = set()
    for source, source_file, target, target_file, kind, resolution in rows:
        if resolution != "exact" or kind == "scope":
            continue
        a, b = mapped(source, source_file), mapped(target, target_file)
        if kind == "override":
            a, b = b, a
        if a != b:
            edges.add((a, b))
    return edges


def file_edges_from_blast(rows):
    edges = set()
    for _source, source_file, _target, target_file, kind, resolution in rows:
        if resolution != "exact" or source_file == target_file:
            continue
        # A file pair whose best edge is an override points from the trait
        # to the impl; the oracle's implements edge points back.
        if kind == "override":
            edges.add((target_file, source_file))
        else:
            edges.add((source_file, target_file))
    return edges


def compiled_out_files(crate_dir):
    """Files that start with `#![cfg(...)]` on a custom flag (not `test`, not a
    feature). The oracle's index was built with all features but no custom
    cfg flags, so it never saw these files; blast keeps every cfg variant on
    purpose, and its edges from them are real but invisible to the oracle."""
    gated = set()
    for folder, _dirs, files in os.walk(crate_dir):
        if "/.git" in folder or folder.endswith(".git"):
            continue
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    line = line.strip()
                    if not line or line.startswith("//"):
                        continue
                    if line.startswith("#![cfg(") and "feature" not in line and "#![cfg(test)]" not in line:
                        gated.add(os.path.relpath(path, crate_dir))
                    if not line.startswith("#!"):
                        break
    return gated


def read_oracle(path, file_level):
    edges = set()
    with open(path, encoding="utf-8") as handle:
        for row in read_tsv(handle.read()):
            if file_level:
                a, b = row[0], row[1]
            else:
                a, b = normalize(row[0]), normalize(row[1])
            if a != b:
                edges.add((a, b))
    return edges


def score(found, expected):
    hits = len(found & expected)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected) if expected else 0.0
    return precision, recall, hits


def oracle_kinds(path):
    """Map (from, to) to its reference kinds, from item_edges_detailed.tsv."""
    kinds = collections.defaultdict(set)
    with open(path, encoding="utf-8") as handle:
        for row in read_tsv(handle.read()):
            kinds[(normalize(row[0]), normalize(row[1]))].add(row[4])
    return kinds


def blast_command(arg):
    if arg:
        return arg.split()
    if shutil.which("blast"):
        return ["blast"]
    return ["cargo", "run", "--release", "-q", "-p", "blast-cli", "--"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blast", help="command that runs blast")
    parser.add_argument("--sources", help="folder for the materialised crates (kept)")
    parser.add_argument(
        "--oracles",
        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracles"),
        help="the oracles folder (default: ../shared/oracles next to the repository)",
    )
    parser.add_argument("--show", type=int, default=0, help="print N missing and N extra item edges")
    args = parser.parse_args()

    oracles = os.path.abspath(args.oracles)
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    blast = blast_command(args.blast)
    sources = args.sources or tempfile.mkdtemp(prefix="blast-rust-accuracy-")
    run([os.path.join(oracles, "sources.sh"), sources] + DATASETS)

    failed = False
    for dataset in DATASETS:
        crate_dir = os.path.join(sources, dataset)
        oracle_dir = os.path.join(oracles, "rust", dataset)
        symbol_rows = read_tsv(run(blast + ["graph", "-C", crate_dir, "--format", "tsv"], cwd=repo_root))
        file_rows = read_tsv(
            run(blast + ["graph", "-C", crate_dir, "--format", "tsv", "--level", "file"], cwd=repo_root)
        )

        results = {}
        found_files = file_edges_from_blast(file_rows)
        expected_files = read_oracle(os.path.join(oracle_dir, "file_edges.tsv"), True)
        gated = compiled_out_files(crate_dir)
        all_files = score(found_files, expected_files)
        if gated:
            print(
                f"{dataset}: every file pair: precision {all_files[0]:.3f} recall {all_files[1]:.3f}; "
                f"leaving out {len(gated)} file(s) the oracle compiled out: {', '.join(sorted(gated))}"
            )
        found_files = {(a, b) for a, b in found_files if a not in gated and b not in gated}
        results["file"] = score(found_files, expected_files) + (len(found_files), len(expected_files))
        found_items = item_edges_from_blast(symbol_rows)
        expected_items = read_oracle(os.path.join(oracle_dir, "item_edges.tsv"), False)
        results["item"] = score(found_items, expected_items) + (len(found_items), len(expected_items))

        print(f"{dataset}")
        for level, (precision, recall, hits, found, expected) in results.items():
            want_p, want_r = TARGETS[level]
            ok = precision >= want_p and recall >= want_r
            failed |= not ok
            print(
                f"  {level:4} precision {precision:.3f} (target {want_p:.2f})  "
                f"recall {recall:.3f} (target {want_r:.2f})  "
                f"hits {hits}, blast {found}, oracle {expected}  {'ok' if ok else 'BELOW TARGET'}"
            )

        kinds = oracle_kinds(os.path.join(oracle_dir, "item_edges_detailed.tsv"))
        by_kind = collections.Counter()
        missed_by_kind = collections.Counter()
        for edge in expected_items:
            for kind in kinds.get(edge, {"?"}):
                by_kind[kind] += 1
                if edge not in found_items:
                    missed_by_kind[kind] += 1
        summary = ", ".join(
            f"{kind} {by_kind[kind] - missed_by_kind[kind]}/{by_kind[kind]}" for kind in sorted(by_kind)
        )
        print(f"  item recall by oracle reference kind: {summary}")
        if args.show:
            print("  missing:")
            for edge in sorted(expected_items - found_items)[: args.show]:
                print(f"    {edge[0]} -> {edge[1]}  {sorted(kinds.get(edge, []))}")
            print("  extra:")
            for edge in sorted(found_items - expected_items)[: args.show]:
                print(f"    {edge[0]} -> {edge[1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
