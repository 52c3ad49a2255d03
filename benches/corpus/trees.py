"""Source trees for the benchmark corpora, from what this machine has or can
download with its package managers. They are the running CPython's standard
library, the JDK's `java.base` sources, crates that cargo fetches, and
released versions of PyPI packages and of crates for the real changes."""

import json
import os
import shutil
import subprocess
import sysconfig
import zipfile
from pathlib import Path

import gitrepo

REPO_ROOT = Path(__file__).resolve().parents[2]
JDK_SRC_ZIP = Path("/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip")

# Standard-library folders that hold no library source: bytecode caches,
# installed third-party packages, compiled extension modules and the files
# used to build extensions.
STDLIB_SKIPPED_DIRS = {"__pycache__", "site-packages", "lib-dynload"}
STDLIB_SKIPPED_DIR_PREFIXES = ("config-",)
STDLIB_SKIPPED_SUFFIXES = {".pyc", ".pyo", ".so", ".exe", ".dll", ".a", ".o"}
# Inside test folders only the Python files are copied, not the test data.
STDLIB_TEST_DIRS = {"test", "tests", "idle_test"}
STDLIB_QUICK_PACKAGES = ["asyncio", "concurrent", "email", "http", "importlib", "json", "logging"]

JDK_MODULE = "java.base"
JDK_QUICK_PREFIX = "java.base/java/util/"

# Popular crates with the features most projects turn on. Their dependencies
# on x86_64 Linux come along. Versions are the newest that cargo resolves, and
# the corpus description records them.
CRATES = {
    "anyhow": {"version": "1"},
    "bytes": {"version": "1"},
    "chrono": {"version": "0.4"},
    "clap": {"version": "4", "features": ["derive"]},
    "hashbrown": {"version": "0.15"},
    "log": {"version": "0.4"},
    "rand": {"version": "0.8"},
    "rayon": {"version": "1"},
    "regex": {"version": "1"},
    "serde": {"version": "1", "features": ["derive"]},
    "serde_json": {"version": "1"},
    "syn": {"version": "2", "features": ["full", "visit", "visit-mut", "extra-traits"]},
    "thiserror": {"version": "2"},
    "tokio": {"version": "1", "features": ["full"]},
}
CRATES_QUICK = {"anyhow", "log", "regex", "regex-syntax", "serde", "serde_json", "itertools"}
HOST_TARGET = "x86_64-unknown-linux-gnu"

# The real changes: two released versions each. requests 2.32.0 to 2.32.2
# were yanked from PyPI, so the pair skips them.
PYPI_PAIR = ("requests", "2.31.0", "2.32.3")
CRATE_PAIR = ("itertools", "0.13.0", "0.14.0")

# Real small changes: a package and two consecutive releases of it, the old
# one in the base tree. Each change replaces the package's source with the
# new release. The requests patch starts from PYPI_PAIR's new release, which
# the real-pypi change installs. The other PyPI packages are pure Python,
# vendored as sdists under vendor/NAME like requests.
PYPI_PATCHES = [
    ("requests", "2.32.3", "2.32.4"),
    ("urllib3", "1.26.19", "1.26.20"),
    ("click", "8.1.7", "8.1.8"),
    ("jinja2", "3.1.4", "3.1.5"),
    ("werkzeug", "3.0.3", "3.0.4"),
]
# Crates that CRATES brings in exactly once. Each new release is the version
# cargo resolved for the corpus on 2026-12-05, so the tree after these changes
# is the one cargo resolved then. anyhow is left out because the synthetic
# `add` change needs an unpatched crate among anyhow, regex and serde_json,
# since the monorepo replays that edit onto the base tree.
CRATE_PATCHES = [
    ("memchr", "2.8.2", "2.8.3"),
    ("serde_json", "1.0.153", "1.0.154"),
    ("log", "0.4.34", "0.4.35"),
    ("itoa", "1.0.18", "1.0.19"),
    ("regex", "1.13.1", "1.13.2"),
    ("bytes", "1.12.1", "1.12.2"),
]


def stdlib_path():
    return Path(sysconfig.get_paths()["stdlib"])


def copy_stdlib(dest, quick):
    """Copy the standard library of the running CPython to `dest`."""
    source = stdlib_path()
    dest = Path(dest)
    for dirpath, dirnames, filenames in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        if rel == Path(".") and quick:
            dirnames[:] = [d for d in dirnames if d in STDLIB_QUICK_PACKAGES]
            filenames = []
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in STDLIB_SKIPPED_DIRS and not d.startswith(STDLIB_SKIPPED_DIR_PREFIXES)
        )
        in_tests = any(part in STDLIB_TEST_DIRS for part in rel.parts)
        for name in sorted(filenames):
            suffix = Path(name).suffix
            if suffix in STDLIB_SKIPPED_SUFFIXES or (in_tests and suffix != ".py"):
                continue
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            target = dest / rel / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def extract_jdk(dest, quick):
    """Extract the `java.base` module from the JDK's src.zip to `dest`."""
    if not JDK_SRC_ZIP.exists():
        raise SystemExit(f"{JDK_SRC_ZIP} not found: install a JDK with sources (the Temurin 25 JDK has them)")
    prefix = JDK_QUICK_PREFIX if quick else JDK_MODULE + "/"
    dest = Path(dest)
    with zipfile.ZipFile(JDK_SRC_ZIP) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.startswith(prefix):
                continue
            target = dest / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)


def cargo_packages(project, dependencies):
    """Fetch `dependencies` through a throwaway Cargo project in `project` and
    return the packages cargo resolves for x86_64 Linux, as (name, version,
    source folder) sorted by name and version."""
    project = Path(project)
    (project / "src").mkdir(parents=True, exist_ok=True)
    (project / "src" / "lib.rs").write_text("")
    lines = ["[package]", 'name = "blast-bench-fetch"', 'version = "0.0.0"', 'edition = "2021"', "", "[dependencies]"]
    for name, spec in sorted(dependencies.items()):
        features = ", ".join(f'"{f}"' for f in spec.get("features", []))
        lines.append(f'{name} = {{ version = "{spec["version"]}", features = [{features}] }}')
    (project / "Cargo.toml").write_text("\n".join(lines) + "\n")
    subprocess.run(["cargo", "fetch", "--quiet", "--target", HOST_TARGET], cwd=project, check=True)
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--filter-platform", HOST_TARGET],
            cwd=project,
            stdout=subprocess.PIPE,
            check=True,
        ).stdout
    )
    in_graph = {node["id"] for node in metadata["resolve"]["nodes"]}
    packages = []
    for package in metadata["packages"]:
        if package["id"] not in in_graph or package["source"] is None:
            continue
        folder = Path(package["manifest_path"]).parent
        packages.append((package["name"], package["version"], folder))
    return sorted(packages, key=lambda p: (p[0], p[1]))


def copy_crates(dest, cache, quick):
    """Copy the sources of CRATES and their dependencies to `dest`, one folder
    per package, with the old version of CRATE_PAIR and of each CRATE_PATCHES
    crate in place of the version cargo resolves. Return the package list for
    the corpus description and the folder of CRATE_PAIR and of each patched
    crate, by crate name. With `quick`, patched crates outside CRATES_QUICK
    are left out."""
    pair_name, pair_old, pair_new = CRATE_PAIR
    dependencies = dict(CRATES)
    dependencies[pair_name] = {"version": f"={pair_new}"}
    packages = cargo_packages(Path(cache) / "cargo-crates", dependencies)
    if quick:
        packages = [p for p in packages if p[0] in CRATES_QUICK]
    counts = {}
    for name, _, _ in packages:
        counts[name] = counts.get(name, 0) + 1
    patches = {name: old for name, old, _ in CRATE_PATCHES if not quick or name in CRATES_QUICK}
    for name in patches:
        if counts.get(name) != 1:
            raise SystemExit(
                f"cargo resolved {counts.get(name, 0)} versions of {name}, and a crate in CRATE_PATCHES "
                "needs exactly one: choose another crate in benches/corpus/trees.py"
            )
    dest = Path(dest)
    copied = []
    folders = {}
    for name, version, folder in packages:
        if name == pair_name and version == pair_new:
            continue
        folder_name = name if counts[name] == 1 else f"{name}-{version}"
        if name in patches:
            version = patches[name]
            folder = crate_source(cache, name, version)
            folders[name] = folder_name
        shutil.copytree(folder, dest / folder_name, symlinks=True, ignore=shutil.ignore_patterns("target"))
        copied.append({"name": name, "version": version, "folder": folder_name})
    pair_dir = pair_name if counts.get(pair_name, 0) <= 1 else f"{pair_name}-pair"
    shutil.copytree(crate_source(cache, pair_name, pair_old), dest / pair_dir, symlinks=True)
    copied.append({"name": pair_name, "version": pair_old, "folder": pair_dir})
    folders[pair_name] = pair_dir
    return copied, folders


def crate_source(cache, name, version):
    """Return the source folder of one version of the crate `name`, fetched by cargo."""
    packages = cargo_packages(Path(cache) / f"cargo-{name}-{version}", {name: {"version": f"={version}"}})
    for package_name, package_version, folder in packages:
        if package_name == name and package_version == version:
            return folder
    raise SystemExit(f"cargo did not resolve {name} {version}")


def pypi_release_trees(cache, name, old, new):
    """Return folders holding the sdists of the releases `old` and `new` of
    the PyPI package `name`, downloaded by scripts/pypi-pair.sh (pip) on
    first use."""
    pair_repo = Path(cache) / f"pypi-{name}-{old}-{new}"
    if not (pair_repo / ".git").exists():
        if pair_repo.exists():
            shutil.rmtree(pair_repo)
        subprocess.run(
            ["bash", str(REPO_ROOT / "scripts" / "pypi-pair.sh"), name, old, new, str(pair_repo)],
            stdout=subprocess.DEVNULL,
            check=True,
        )
    trees = []
    for rev, version in (("HEAD~1", old), ("HEAD", new)):
        tree = Path(cache) / f"pypi-{name}-{version}-tree"
        if not tree.exists():
            gitrepo.export_tree(pair_repo, rev, tree)
        trees.append(tree)
    return trees
