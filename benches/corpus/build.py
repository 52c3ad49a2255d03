#!/usr/bin/env python3
"""Build the git repositories that benches/speed.py measures.

    python3 benches/corpus/build.py [NAME ...] [--work DIR] [--quick] [--rebuild]

NAME is one or more of cpython, jdk, crates, monorepo (default: all). Each
corpus is WORK/full/NAME/repo (WORK/quick/NAME/repo with --quick, a small
subset), with a base commit and one later commit per change, and
WORK/.../NAME/corpus.json, which lists the changes and their commits. A
corpus that is already built is reused unless --rebuild is given. Downloads
(pip, cargo) are kept in WORK/cache.

Needs git, python3 with pip, cargo, and for the jdk corpus the Temurin 25
JDK's src.zip. Only the Python standard library is imported.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True

import edits  # noqa: E402  (after turning off bytecode files in the source tree)
import gitrepo  # noqa: E402
import trees  # noqa: E402

CORPORA = ["cpython", "jdk", "crates", "monorepo"]

# Files in the synthetic monorepo: one copy of each other corpus's base tree
# per numbered prefix, until the count is reached.
MONOREPO_FILES = 100_000
MONOREPO_QUICK_FILES = 10_000
# Changes of the other corpora that are replayed inside the monorepo's first
# copy, as (corpus, change id).
MONOREPO_CHANGES = [
    ("cpython", "real-pypi"),
    ("crates", "real-crate"),
    ("cpython", "rare"),
    ("cpython", "wide"),
    ("crates", "add"),
]


def synthetic_changes(repo, root, language, add_file, changes):
    """Commit the three synthetic changes in `repo`: an edit to a rarely used
    function under `root`, one to a widely used function, and `add_file`."""
    rare, wide = edits.pick_functions(repo / root, language)
    for change_id, function, usage in (("rare", rare, "rarely"), ("wide", wide, "widely")):
        edits.edit_function_body(repo / root, function, language)
        path = f"{root}/{function['file']}"
        description = (
            f"edit the body of the {usage} used {language} function {function['name']} "
            f"({path}:{function['line']}, about {function['calls']} calls by name)"
        )
        commit = gitrepo.commit_all(repo, f"Synthetic: {description}")
        changes.append({"id": change_id, "kind": "synthetic", "commit": commit, "description": description})
    description = add_file()
    commit = gitrepo.commit_all(repo, f"Synthetic: {description}")
    changes.append({"id": "add", "kind": "synthetic", "commit": commit, "description": description})


def real_change(repo, change_id, description):
    """Commit the work tree as a real change and return its entry for the
    corpus description."""
    commit = gitrepo.commit_all(repo, f"Real: {description}")
    return {"id": change_id, "kind": "real", "commit": commit, "description": description}


def build_cpython(corpus_dir, cache, quick):
    repo = gitrepo.init(corpus_dir / "repo")
    trees.copy_stdlib(repo / "Lib", quick)
    package, old, new = trees.PYPI_PAIR
    old_tree, new_tree = trees.pypi_release_trees(cache, package, old, new)
    vendored = repo / "vendor" / package
    gitrepo.replace_dir(vendored, old_tree)
    # The base contains the old release of every patched package, except
    # PYPI_PAIR's package, whose patch starts from the release real-pypi installs.
    patch_trees = {}
    base_versions = [f"{package} {old}"]
    for name, patch_old, patch_new in trees.PYPI_PATCHES:
        patch_trees[name] = trees.pypi_release_trees(cache, name, patch_old, patch_new)
        if name == package:
            if patch_old != new:
                raise SystemExit(f"the {name} patch must start from {new}, the release that real-pypi installs")
            continue
        gitrepo.replace_dir(repo / "vendor" / name, patch_trees[name][0])
        base_versions.append(f"{name} {patch_old}")
    version = ".".join(map(str, sys.version_info[:3]))
    base = gitrepo.commit_all(repo, f"Base: CPython {version} standard library, {', '.join(base_versions)}")

    gitrepo.replace_dir(vendored, new_tree)
    changes = [
        real_change(
            repo, "real-pypi", f"update the vendored {package} sdist from {old} to {new} (released versions from PyPI)"
        )
    ]
    for name, patch_old, patch_new in trees.PYPI_PATCHES:
        gitrepo.replace_dir(repo / "vendor" / name, patch_trees[name][1])
        description = f"update the vendored {name} sdist from {patch_old} to {patch_new} (consecutive releases from PyPI)"
        changes.append(real_change(repo, f"patch-{name}", description))

    def add_file():
        edits.add_python_file(repo / "Lib" / "blast_bench_added.py")
        return "add the module Lib/blast_bench_added.py"

    synthetic_changes(repo, "Lib", "python", add_file, changes)
    return {
        "base": base,
        "changes": changes,
        "sources": {
            "stdlib": str(trees.stdlib_path()),
            "python": version,
            "pypi_pair": list(trees.PYPI_PAIR),
            "pypi_patches": [list(patch) for patch in trees.PYPI_PATCHES],
        },
    }


def build_jdk(corpus_dir, cache, quick):
    repo = gitrepo.init(corpus_dir / "repo")
    trees.extract_jdk(repo, quick)
    base = gitrepo.commit_all(repo, f"Base: {trees.JDK_MODULE} sources from {trees.JDK_SRC_ZIP}")
    changes = []

    def add_file():
        edits.add_java_file(repo / "java.base/java/util/BlastBenchAdded.java", "java.util")
        return "add the class java.base/java/util/BlastBenchAdded.java"

    synthetic_changes(repo, "java.base", "java", add_file, changes)
    return {"base": base, "changes": changes, "sources": {"src_zip": str(trees.JDK_SRC_ZIP)}}


def build_crates(corpus_dir, cache, quick):
    repo = gitrepo.init(corpus_dir / "repo")
    packages, folders = trees.copy_crates(repo / "crates", cache, quick)
    name, old, new = trees.CRATE_PAIR
    base = gitrepo.commit_all(repo, f"Base: {len(packages)} crates from crates.io, {name} {old}")

    pair_dir = folders[name]
    gitrepo.replace_dir(repo / "crates" / pair_dir, trees.crate_source(cache, name, new))
    description = f"update the crate {name} in crates/{pair_dir} from {old} to {new} (released versions from crates.io)"
    changes = [real_change(repo, "real-crate", description)]
    patches = [patch for patch in trees.CRATE_PATCHES if patch[0] in folders]
    for patch_name, patch_old, patch_new in patches:
        folder = folders[patch_name]
        gitrepo.replace_dir(repo / "crates" / folder, trees.crate_source(cache, patch_name, patch_new))
        description = (
            f"update the crate {patch_name} in crates/{folder} from {patch_old} to {patch_new} "
            "(consecutive releases from crates.io)"
        )
        changes.append(real_change(repo, f"patch-{patch_name}", description))

    def add_file():
        # The crate must be one that no patch replaces, because the monorepo
        # replays this change onto the base tree, where patched crates differ.
        crate = next(
            p["folder"]
            for p in packages
            if p["name"] in ("serde_json", "regex", "anyhow") and p["folder"] == p["name"] and p["name"] not in folders
        )
        edits.add_rust_file(repo / "crates" / crate)
        return f"add the module crates/{crate}/src/blast_bench_added.rs and declare it in src/lib.rs"

    synthetic_changes(repo, "crates", "rust", add_file, changes)
    return {
        "base": base,
        "changes": changes,
        "sources": {
            "packages": packages,
            "crate_pair": list(trees.CRATE_PAIR),
            "crate_patches": [list(patch) for patch in patches],
        },
    }


def build_monorepo(corpus_dir, cache, quick, work):
    """Copy the base trees of the other corpora under numbered prefixes
    (m000/python, m000/java, m000/rust, m001/...) and replay some of their
    changes inside m000."""
    components = {"cpython": "python", "jdk": "java", "crates": "rust"}
    descriptions = {name: ensure_built(name, work, cache, quick) for name in components}
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        exported = {}
        files_per_copy = 0
        for name, folder in components.items():
            tree = Path(scratch) / folder
            gitrepo.export_tree(component_repo(work, name, quick), descriptions[name]["base"], tree)
            exported[folder] = tree
            files_per_copy += sum(1 for p in tree.rglob("*") if p.is_file() or p.is_symlink())
        target = MONOREPO_QUICK_FILES if quick else MONOREPO_FILES
        copies = -(-target // files_per_copy)
        repo = gitrepo.init(corpus_dir / "repo")
        for index in range(copies):
            for folder, tree in exported.items():
                shutil.copytree(tree, repo / f"m{index:03d}" / folder, symlinks=True)
    base = gitrepo.commit_all(repo, f"Base: {copies} copies of the cpython, jdk and crates corpora")

    changes = []
    for name, change_id in MONOREPO_CHANGES:
        change = next(c for c in descriptions[name]["changes"] if c["id"] == change_id)
        patch = gitrepo.git(
            component_repo(work, name, quick), "diff", "--binary", f"{change['commit']}^", change["commit"], capture=True
        )
        gitrepo.git(repo, "apply", f"--directory=m000/{components[name]}", "-", stdin=patch.encode())
        description = f"{change['description']}, inside m000/{components[name]}"
        commit = gitrepo.commit_all(repo, f"{change['kind'].capitalize()}: {description}")
        changes.append({"id": f"{name}-{change_id}", "kind": change["kind"], "commit": commit, "description": description})
    return {"base": base, "changes": changes, "sources": {"copies": copies, "files_per_copy": files_per_copy}}


def corpus_dir_for(work, name, quick):
    return Path(work) / ("quick" if quick else "full") / name


def component_repo(work, name, quick):
    return corpus_dir_for(work, name, quick) / "repo"


def ensure_built(name, work, cache, quick, rebuild=False):
    """Build corpus `name` unless it is already built, and return its description."""
    corpus_dir = corpus_dir_for(work, name, quick)
    description = gitrepo.read_description(corpus_dir)
    if description is not None and not rebuild:
        return description
    if corpus_dir.exists():
        shutil.rmtree(corpus_dir)
    corpus_dir.mkdir(parents=True)
    print(f"building the {name} corpus in {corpus_dir}", file=sys.stderr)
    if name == "monorepo":
        built = build_monorepo(corpus_dir, cache, quick, work)
    else:
        builder = {"cpython": build_cpython, "jdk": build_jdk, "crates": build_crates}[name]
        built = builder(corpus_dir, cache, quick)
    description = {"name": name, "quick": quick, "repo": str(corpus_dir / "repo"), **built}
    gitrepo.write_description(corpus_dir, description)
    return description


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"corpora to build: {', '.join(CORPORA)} (default: all)")
    parser.add_argument(
        "--work",
        default=str(Path(tempfile.gettempdir()) / "blast-bench"),
        help="folder for the corpora and the download cache (default: %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help="build the small subsets")
    parser.add_argument("--rebuild", action="store_true", help="rebuild corpora that are already built")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in CORPORA]
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}: choose from {', '.join(CORPORA)}")
    work = Path(args.work).resolve()
    cache = work / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for name in args.names or CORPORA:
        description = ensure_built(name, work, cache, args.quick, args.rebuild)
        print(description["repo"])


if __name__ == "__main__":
    main()
