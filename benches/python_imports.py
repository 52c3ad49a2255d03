#!/usr/bin/env python3
"""Measure how well blast's file graph covers Python import statements.

Copies CPython's standard-library packages json, email and http (from the
interpreter that runs this script) into a fresh git repository, runs
`blast graph --level file`, and compares its file edges with the import edges
that Python's `ast` module finds in the same files. The expected edges cover
every import statement in a file, including function-local ones and those
under `if TYPE_CHECKING:`, and only targets inside the three packages.

Prints precision and recall, then the first misses and extras. The exit code
is 0 whatever the figures are, and non-zero only when the measurement itself
fails (blast missing or crashing, git failing).

Usage: python3 benches/python_imports.py [--blast PATH] [--work DIR]
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("json", "email", "http")
# Edge kinds that blast emits for import statements. `type_ref` marks imports
# that only feed annotations, such as those under TYPE_CHECKING. `re_export`
# marks an import whose names the module exports again: names listed in
# `__all__`, `import x as x`, and any import in a package's __init__.py.
IMPORT_KINDS = {"import", "type_ref"}
RE_EXPORT_KINDS = IMPORT_KINDS | {"re_export"}
LISTED_EDGES = 20

FileEdge = tuple[str, str]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--blast",
        help="blast binary (default: `blast` on PATH, else target/release/blast in this repository)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="folder for the generated repository, kept afterwards (default: a temporary folder, removed)",
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
    sys.exit(f"blast not found on PATH nor at {built}: run `cargo build --release -p blast-cli` or pass --blast")


def build_repository(destination: Path) -> None:
    """Copy the three stdlib packages into `destination` and commit them."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if destination.exists() and any(destination.iterdir()):
        sys.exit(f"work folder is not empty: {destination} (remove it or pass another --work)")
    destination.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        source = stdlib / package
        if not (source / "__init__.py").is_file():
            sys.exit(f"package {package} not found in the standard library at {stdlib}")
        shutil.copytree(source, destination / package, ignore=shutil.ignore_patterns("__pycache__"))

    git = ["git", "-C", str(destination)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, *identity, "commit", "-q", "-m", "stdlib json, email, http"], check=True)


def module_name(relative_path: str) -> str:
    """Map `email/mime/text.py` to `email.mime.text` and `email/__init__.py` to `email`."""
    parts = relative_path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def list_modules(root: Path) -> dict[str, str]:
    """Return module name -> repository-relative file for every .py file under `root`."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(".git/"):
            continue
        modules[module_name(relative)] = relative
    return modules


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """Return the absolute module that `from <level dots><name> import ...` names, or None when it leaves the root."""
    if level == 0:
        return name
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    if name:
        base = [*base, *name.split(".")]
    return ".".join(base) if base else None


def longest_known_prefix(dotted: str, modules: dict[str, str]) -> str | None:
    """Return the longest prefix of `dotted` that is a module in the repository."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def expected_import_edges(root: Path, modules: dict[str, str]) -> set[FileEdge]:
    """Compute file edges from every import statement, wherever it sits in the file."""
    edges: set[FileEdge] = set()
    for module, relative in modules.items():
        source_path = root / relative
        tree = ast.parse(source_path.read_bytes(), filename=relative)
        is_package = relative.endswith("/__init__.py")
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    # `import a.b.c` loads a/b/c, which is the file it names.
                    target = longest_known_prefix(alias.name, modules)
                    if target:
                        targets.add(target)
            elif isinstance(node, ast.ImportFrom):
                base = resolve_relative(module, is_package, node.level, node.module)
                if base is None:
                    continue
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    if alias.name != "*" and submodule in modules:
                        targets.add(submodule)
                    elif base in modules:
                        targets.add(base)
                    else:
                        prefix = longest_known_prefix(base, modules)
                        if prefix:
                            targets.add(prefix)
        for target in targets:
            target_file = modules[target]
            if target_file != relative:
                edges.add((relative, target_file))
    return edges


def run_blast(blast: str, repository: Path, level: str) -> list[list[str]]:
    """Run `blast graph` at `level` and return its TSV rows without the header."""
    command = [blast, "graph", "-C", str(repository), "--format", "tsv", "--level", level]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed with exit code {result.returncode}:\n{result.stderr}")
    lines = result.stdout.splitlines()
    header = "source_symbol\tsource_file\ttarget_symbol\ttarget_file\tkind\tresolution"
    if not lines or lines[0] != header:
        sys.exit(f"unexpected header from `{' '.join(command)}`: {lines[:1]}")
    return [line.split("\t") for line in lines[1:] if line]


def kind_edges(symbol_rows: list[list[str]], kinds: set[str]) -> set[FileEdge]:
    """Return file pairs joined by at least one exact symbol edge of one of `kinds`.

    The file level cannot show this, because it prints one kind per file pair,
    the first in blast's kind order. A pair with both a call and an import reads `call`.
    """
    edges = set()
    for _, source_file, _, target_file, kind, resolution in symbol_rows:
        if kind in kinds and resolution == "exact" and source_file != target_file:
            edges.add((source_file, target_file))
    return edges


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "n/a"


def report(label: str, found: set[FileEdge], expected: set[FileEdge]) -> None:
    matched = len(found & expected)
    print(
        f"  {label:<38} precision {ratio(matched, len(found))}  recall {ratio(matched, len(expected))}"
        f"  ({matched} matched, {len(found)} from blast, {len(expected)} expected)"
    )


def list_edges(title: str, edges: set[FileEdge]) -> None:
    print(f"{title}: {len(edges)}" + (f", first {LISTED_EDGES}" if len(edges) > LISTED_EDGES else ""))
    for source, target in sorted(edges)[:LISTED_EDGES]:
        print(f"  {source} -> {target}")


def main() -> None:
    args = parse_args()
    blast = find_blast(args.blast)
    with tempfile.TemporaryDirectory(prefix="blast-python-imports-") as temporary:
        repository = args.work.resolve() if args.work else Path(temporary) / "repo"
        build_repository(repository)
        modules = list_modules(repository)
        expected = expected_import_edges(repository, modules)
        file_rows = run_blast(blast, repository, "file")
        symbol_rows = run_blast(blast, repository, "symbol")

    exact_files = {(row[1], row[3]) for row in file_rows if row[5] == "exact"}
    all_files = {(row[1], row[3]) for row in file_rows}
    import_files = kind_edges(symbol_rows, IMPORT_KINDS)
    re_export_files = kind_edges(symbol_rows, RE_EXPORT_KINDS)

    print(f"python_imports: {len(modules)} files from {', '.join(PACKAGES)} (Python {sys.version.split()[0]})")
    print(f"expected import edges between files: {len(expected)}")
    report("exact import/type_ref edges", import_files, expected)
    report("exact import/type_ref/re_export edges", re_export_files, expected)
    # Calls and references need no import in the same file, so an edge of the
    # next two sets that no import explains is not necessarily wrong.
    report("exact edges, any kind", exact_files, expected)
    report("all edges (exact and candidate)", all_files, expected)
    list_edges("misses (expected, no exact import/type_ref edge)", expected - import_files)
    list_edges("misses (expected, no exact import/type_ref/re_export edge)", expected - re_export_files)
    list_edges("extras (exact import/type_ref/re_export edge, not expected)", re_export_files - expected)
    list_edges("misses of all edges (expected, no edge at all)", expected - all_files)


if __name__ == "__main__":
    main()
