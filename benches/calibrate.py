#!/usr/bin/env python3
"""Calibrate blast's score on release-to-release diffs of real Python packages.

For each package, the script downloads the sdists of consecutive releases with
pip, commits each release's sources on top of the previous one in a git
repository, runs `blast diff COMMIT^! --format json` on every commit after the
first and collects the score, level, raw total and factor points of every
changed symbol and of every diff. It then prints the score distribution, the
share of each level, the factors behind high scores, and which values of the
scales in `score = round(100 * (1 - exp(-raw / scale)))` would put about 5%
of changed symbols (SYMBOL_SCALE) and of commits (DIFF_SCALE) at `high` or
above.

Release diffs are much larger than single commits. The script therefore also
builds synthetic commits, which are random subsets of 1 to 8 changed symbols
of one release diff. Each is scored the way blast scores a whole diff: over
the union of the symbols' dependents, each weighted by the largest change
multiplier among the symbols that reach it, and never below its riskiest
symbol. The script first recomputes every release diff's total that way and
compares it with blast's own total, so a drift between this model and blast
is reported rather than hidden.

Downloads, repositories and blast's output are cached under `--work`, so a
rerun only repeats the analysis. The blast output cache is keyed by the
binary's SHA-256, so a rebuilt blast is run again.

    python3 benches/calibrate.py --blast target/release/blast --work /tmp/calib
    python3 benches/calibrate.py --packages requests,flask --max-versions 4
    python3 benches/calibrate.py --packages 'tomli=2.0.0,2.0.1,2.1.0'

Needs python3 (3.11.4 or later, for tarfile's extraction filters), pip, git and a built blast binary. Only the
standard library is used. pip runs as a subprocess.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import itertools
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# Consecutive releases per package, oldest first. Yanked releases (requests
# 2.32.0 and 2.32.1) are left out. Every package is pure Python.
DEFAULT_PACKAGES: dict[str, list[str]] = {
    "requests": ["2.28.0", "2.28.1", "2.28.2", "2.29.0", "2.30.0", "2.31.0", "2.32.2", "2.32.3"],
    "flask": ["2.3.0", "2.3.1", "2.3.2", "2.3.3", "3.0.0", "3.0.1", "3.0.2", "3.0.3"],
    "click": ["8.1.0", "8.1.1", "8.1.2", "8.1.3", "8.1.4", "8.1.5", "8.1.6", "8.1.7"],
    "attrs": ["22.1.0", "22.2.0", "23.1.0", "23.2.0", "24.1.0", "24.2.0", "24.3.0", "25.1.0"],
    "rich": ["13.4.0", "13.4.1", "13.4.2", "13.5.0", "13.5.1", "13.5.2", "13.5.3", "13.6.0"],
    "jinja2": ["3.0.0", "3.0.1", "3.0.2", "3.0.3", "3.1.0", "3.1.1", "3.1.2", "3.1.3"],
    "werkzeug": ["2.3.0", "2.3.1", "2.3.2", "2.3.3", "2.3.4", "2.3.5", "2.3.6", "2.3.7"],
    "httpx": ["0.23.0", "0.23.1", "0.23.2", "0.23.3", "0.24.0", "0.24.1", "0.25.0", "0.25.1"],
    "urllib3": ["2.0.2", "2.0.3", "2.0.4", "2.0.5", "2.0.6", "2.0.7", "2.1.0", "2.2.0"],
    "packaging": ["21.0", "21.1", "21.2", "21.3", "22.0", "23.0", "23.1", "23.2"],
    "pluggy": ["1.0.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0", "1.6.0"],
    "itsdangerous": ["2.0.0", "2.0.1", "2.1.0", "2.1.1", "2.1.2", "2.2.0"],
}

# The constants of crates/blast-score/src/score.rs and the default tier
# weights of crates/blast-score/src/policy.rs. The consistency checks compare
# them with the binary's output and report any drift.
SYMBOL_SCALE = 60.0
DIFF_SCALE = 150.0
LEVELS = ("none", "low", "medium", "high", "critical")
TIER_WEIGHTS = {"auth": 2.0, "payments": 2.0, "database": 1.5, "api_contract": 1.5, "concurrency": 1.5}
# Factors that add points before the change multiplier, in blast's order.
ADDITIVE_FACTORS = ("reach", "breadth", "exposure", "criticality", "tests")

TARGET_SHARE = 0.05  # share of changes that `high` or above should cover
SIMULATED_SCALES = (20, 30, 40, 50, 60, 70, 80, 100, 120, 150, 200, 300, 400, 600)
SYNTHETIC_SIZES = (1, 2, 3, 5, 8)
PERCENTILES = (50, 75, 90, 95, 99)

# A git identity and fixed dates make the commit ids the same on every
# machine, so a command from the report can be rerun on a fresh --work.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "blast calibration",
    "GIT_AUTHOR_EMAIL": "calibration@example.invalid",
    "GIT_COMMITTER_NAME": "blast calibration",
    "GIT_COMMITTER_EMAIL": "calibration@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
REACH_DETAIL = re.compile(r"^(\d+) certain, (\d+) possible")


# ---------------------------------------------------------------------------
# Building the repositories


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command and return its standard output, raising with its stderr on failure."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"command failed with exit code {result.returncode}: {' '.join(command)}\n{result.stderr.strip()}"
        )
    return result.stdout


def download_sdist(package: str, version: str, downloads: Path) -> Path:
    """Return the sdist archive of PACKAGE==VERSION, downloading it with pip when it is not cached."""
    folder = downloads / package / version
    archive = find_archive(folder)
    if archive is not None:
        return archive
    partial = folder.with_name(version + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         f"{package}=={version}", "-d", str(partial)])
    if find_archive(partial) is None:
        raise RuntimeError(f"pip downloaded no source archive of {package} {version} into {partial}")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return find_archive(folder)


def find_archive(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    archives = sorted(p for p in folder.iterdir() if p.name.endswith((".tar.gz", ".zip")))
    return archives[0] if archives else None


def unpack_sdist(archive: Path, repo: Path) -> None:
    """Replace the work tree of REPO (all but .git) by the contents of the sdist's top-level folder."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch)
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as handle:
                handle.extractall(target)
        else:
            with tarfile.open(archive) as handle:
                handle.extractall(target, filter="data")
        tops = [p for p in target.iterdir() if p.is_dir()]
        if len(tops) != 1:
            raise RuntimeError(f"{archive} has {len(tops)} top-level folders, expected 1 (NAME-VERSION)")
        for entry in repo.iterdir():
            if entry.name == ".git":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        shutil.copytree(tops[0], repo, symlinks=True, dirs_exist_ok=True)


def build_repository(package: str, versions: list[str], work: Path) -> list[str]:
    """Return the commit ids of VERSIONS in the package's repository, committing the missing ones.

    A cached repository is reused when its versions are a prefix of VERSIONS
    or VERSIONS are a prefix of its versions; otherwise it is rebuilt.
    """
    repo = work / "repos" / package
    manifest_path = work / "repos" / f"{package}.json"
    committed: list[dict[str, str]] = []
    if manifest_path.is_file() and (repo / ".git").is_dir():
        committed = json.loads(manifest_path.read_text())["commits"]
    cached_versions = [entry["version"] for entry in committed]
    if cached_versions[: len(versions)] == versions:
        return [entry["commit"] for entry in committed[: len(versions)]]
    if versions[: len(cached_versions)] != cached_versions:
        committed = []
    if not committed:
        shutil.rmtree(repo, ignore_errors=True)
        repo.mkdir(parents=True)
        run(["git", "-c", "init.defaultBranch=main", "init", "-q"], cwd=repo, env=git_env())
        run(["git", "config", "core.autocrlf", "false"], cwd=repo, env=git_env())

    for index in range(len(committed), len(versions)):
        version = versions[index]
        archive = download_sdist(package, version, work / "downloads")
        unpack_sdist(archive, repo)
        date = (datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
                + datetime.timedelta(days=index)).isoformat()
        env = git_env({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
        run(["git", "add", "-A"], cwd=repo, env=env)
        run(["git", "commit", "-q", "--allow-empty", "-m", f"{package} {version}"], cwd=repo, env=env)
        commit = run(["git", "rev-parse", "HEAD"], cwd=repo, env=env).strip()
        committed.append({"version": version, "commit": commit})
        manifest_path.write_text(json.dumps({"commits": committed}, indent=1))
        print(f"  {package} {version}: commit {commit[:12]}", file=sys.stderr)
    return [entry["commit"] for entry in committed]


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_ENV)
    env.update(extra or {})
    return env


def count_test_files(repo: Path, commit: str) -> int:
    """Count the files at COMMIT that blast's default test patterns would call Python test files."""
    names = run(["git", "ls-tree", "-r", "--name-only", commit], cwd=repo, env=git_env()).splitlines()
    return sum(1 for name in names if name.endswith(".py") and is_test_path(name))


# ---------------------------------------------------------------------------
# Running blast


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_blast(blast: Path, digest: str, repo: Path, commit: str, cache: Path, timeout: float) -> dict:
    """Return blast's JSON report for COMMIT against its parent, from the cache when present.

    Raises RuntimeError when blast exits with a code other than 0 or 1, or
    runs longer than TIMEOUT seconds. A timeout is cached too, so a rerun
    with the same or a shorter timeout does not wait again.
    """
    cached = cache / f"{commit}.{digest[:16]}.json"
    timed_out = cache / f"{commit}.{digest[:16]}.timeout"
    command = [str(blast), "-C", str(repo), "diff", f"{commit}^!", "--format", "json"]
    if cached.is_file():
        return json.loads(cached.read_text())
    if timed_out.is_file() and float(timed_out.read_text()) >= timeout:
        raise RuntimeError(f"blast timed out after {float(timed_out.read_text()):g} s (cached): {' '.join(command)}")
    cache.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out.write_text(f"{timeout:g}")
        raise RuntimeError(f"blast timed out after {timeout:g} s: {' '.join(command)}") from None
    if result.returncode not in (0, 1):
        raise RuntimeError(
            f"blast exited with code {result.returncode}: {' '.join(command)}\n{result.stderr.strip()}"
        )
    report = json.loads(result.stdout)
    cached.write_text(result.stdout)
    return report


# ---------------------------------------------------------------------------
# Records


@dataclass
class SymbolRecord:
    """One changed symbol of one release diff, with the parts the scale simulation and the synthetic commits need."""

    package: str
    diff: str  # "OLD..NEW"
    symbol: str
    kind: str  # symbol kind: function, method, class, module, ...
    change: str  # added, modified, deleted, moved
    file: str
    own_file: str  # the file at the base revision, as blast's diff total uses it
    public: bool
    whitespace_only: bool
    modification: str | None  # body, signature or formatting; None when the output has no such field
    is_test: bool
    score: int
    level: str
    raw: float
    points: dict[str, float]  # factor name -> points; "change" is the multiplier
    counted_exposure: float  # exposure as it enters raw: 0 without production dependents
    certain_count: int  # production dependents, as the reach detail counts them
    possible_count: int
    tier_own: set[str]
    tier_reached: set[str]
    # Production dependents (neither tests nor in test files), keyed by `id`,
    # that is by file and name, as blast merges them before scoring.
    certain: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (depth, file)
    possible: dict[str, tuple[int, float, str]] = field(default_factory=dict)  # id -> (depth, weight, file)

    @property
    def scorable(self) -> bool:
        """True when the change multiplier is above 0: modified, deleted or moved, and more than formatting."""
        return self.points["change"] > 0


@dataclass
class DiffRecord:
    package: str
    diff: str
    commit: str
    score: int
    level: str
    raw: float
    points: dict[str, float]
    symbols: list[SymbolRecord]
    complete: bool
    warnings: list[str]
    parse_errors: int

    @property
    def rated_raw(self) -> float:
        """Return the raw value whose score on DIFF_SCALE is the diff's score.

        blast raises a diff's total to the score of its riskiest changed
        symbol and reports the raw total that gives that score on the diff's
        scale, with the points added as the `floor` factor.
        """
        return self.raw

    @property
    def union_raw(self) -> float:
        """Return the raw total of the union of dependents, before the floor."""
        return round2(self.raw - self.points.get("floor", 0.0))


def parse_tiers(detail: str) -> tuple[set[str], set[str]]:
    """Split a criticality detail ("auth, database (reached)" or "no tier") into own and reached tiers."""
    own: set[str] = set()
    reached: set[str] = set()
    if detail == "no tier":
        return own, reached
    for part in detail.split(", "):
        if part.endswith(" (reached)"):
            reached.add(part.removesuffix(" (reached)"))
        else:
            own.add(part)
    return own, reached


def symbol_record(package: str, diff: str, change: dict) -> SymbolRecord:
    factors = {factor["name"]: factor for factor in change["factors"]}
    points = {name: float(factor["points"]) for name, factor in factors.items()}
    match = REACH_DETAIL.match(factors["reach"]["detail"])
    if match is None:
        raise RuntimeError(f"invalid reach detail {factors['reach']['detail']!r} of {change['id']}: "
                           "expected 'N certain, M possible ...'")
    certain_count, possible_count = int(match.group(1)), int(match.group(2))
    has_dependents = certain_count + possible_count > 0
    counted_exposure = points["exposure"] if has_dependents else 0.0
    if "raw" in change:
        raw = float(change["raw"])
    else:
        # Output of blast versions without a raw total per change.
        additive = points["reach"] + points["breadth"] + counted_exposure + points["criticality"] + points["tests"]
        raw = round2(additive * points["change"])
    tier_own, tier_reached = parse_tiers(factors["criticality"]["detail"])

    test_ids = {test["id"] for test in change.get("tests", [])}

    def production(dependent: dict) -> bool:
        return dependent["id"] not in test_ids and not is_test_path(dependent["file"])

    certain = {d["id"]: (d["depth"], d["file"]) for d in change["certain"] if production(d)}
    possible = {d["id"]: (d["depth"], d["weight"], d["file"]) for d in change["possible"] if production(d)}
    return SymbolRecord(
        package=package,
        diff=diff,
        symbol=change["symbol"],
        kind=change["symbol_kind"],
        change=change["change"],
        file=change["file"],
        own_file=change.get("old_file") or change["file"],
        public=change["public"],
        whitespace_only=change["whitespace_only"],
        modification=change.get("modification"),
        is_test=change.get("is_test", False),
        score=change["score"],
        level=change["level"],
        raw=raw,
        points=points,
        counted_exposure=counted_exposure,
        certain_count=certain_count,
        possible_count=possible_count,
        tier_own=tier_own,
        tier_reached=tier_reached,
        certain=certain,
        possible=possible,
    )


def diff_record(package: str, diff: str, commit: str, report: dict) -> DiffRecord:
    total = report["total"]
    return DiffRecord(
        package=package,
        diff=diff,
        commit=commit,
        score=total["score"],
        level=total["level"],
        raw=float(total["raw"]),
        points={factor["name"]: float(factor["points"]) for factor in total["factors"]},
        symbols=[symbol_record(package, diff, change) for change in report["changes"]],
        complete=report.get("complete", True),
        warnings=[str(w) for w in report.get("warnings", [])],
        parse_errors=len(report.get("stats", {}).get("files_with_parse_errors", [])),
    )


# ---------------------------------------------------------------------------
# The score model


def round2(value: float) -> float:
    return round(value * 100.0) / 100.0


def rust_round(value: float) -> float:
    """Round half away from zero, as Rust's f64::round does (Python's round() rounds half to even)."""
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def to_score(raw: float, scale: float) -> int:
    value = int(min(100.0, max(0.0, rust_round(100.0 * (1.0 - math.exp(-raw / scale))))))
    return 1 if value == 0 and raw > 0 else value


def level_of(score: int) -> str:
    if score == 0:
        return "none"
    if score < 30:
        return "low"
    if score < 60:
        return "medium"
    if score < 80:
        return "high"
    return "critical"


# A score rounds to 60 or more exactly when 100 * (1 - exp(-raw / SCALE))
# >= 59.5, that is when raw >= HIGH_RATIO * SCALE.
HIGH_RATIO = -math.log(1.0 - 0.595)
CRITICAL_RATIO = -math.log(1.0 - 0.795)


def union_total(members: list[SymbolRecord]) -> tuple[float, dict[str, float]]:
    """Score a set of changed symbols the way blast scores a whole diff: over the union of their dependents.

    Mirrors `total_score` in crates/blast-score/src/pipeline.rs and
    `compute_total` in crates/blast-score/src/score.rs. A dependent reached
    by several changes keeps its smallest depth and, if it is possible, its
    largest weight. It weighs with the largest change multiplier among the
    changes that reach it. A dependent that is both certain and possible
    counts once, as certain. Each other file and folder of a certain
    dependent, the exposure and each tier also weigh with the largest
    multiplier among the changes that reach them.
    Returns (raw, factor points before the multipliers, with the average
    multiplier as "change").
    """
    scored = [m for m in members if m.scorable]
    certain: dict[str, tuple[int, str, float]] = {}
    possible: dict[str, tuple[int, float, str, float]] = {}
    for member in scored:
        multiplier = member.points["change"]
        for key, (depth, path) in member.certain.items():
            old = certain.get(key)
            certain[key] = (depth, path, multiplier) if old is None else (
                min(depth, old[0]), path, max(multiplier, old[2]))
        for key, (depth, weight, path) in member.possible.items():
            old = possible.get(key)
            possible[key] = (depth, weight, path, multiplier) if old is None else (
                min(depth, old[0]), max(weight, old[1]), path, max(multiplier, old[3]))
    for key in certain:
        possible.pop(key, None)

    reach = sum(1.0 / max(d, 1) for d, _, _ in certain.values()) + sum(
        w / max(d, 1) for d, w, _, _ in possible.values())
    reach_weighted = sum(m / max(d, 1) for d, _, m in certain.values()) + sum(
        w * m / max(d, 1) for d, w, _, m in possible.values())
    own_files = {m.own_file for m in scored}
    own_dirs = {parent_dir(f) for f in own_files}
    files: dict[str, float] = {}
    for _, path, multiplier in certain.values():
        if path not in own_files:
            files[path] = max(files.get(path, 0.0), multiplier)
    dirs: dict[str, float] = {}
    for path, multiplier in files.items():
        if parent_dir(path) not in own_dirs:
            dirs[parent_dir(path)] = max(dirs.get(parent_dir(path), 0.0), multiplier)
    breadth = 2.0 * len(files) + 3.0 * len(dirs)
    breadth_weighted = sum(2.0 * m for m in files.values()) + sum(3.0 * m for m in dirs.values())
    exposed = [m.points["change"] for m in scored if m.counted_exposure > 0]
    exposure = 5.0 if exposed else 0.0
    exposure_weighted = 5.0 * max(exposed, default=0.0)
    criticality = 0.0
    criticality_weighted = 0.0
    for tier, weight in TIER_WEIGHTS.items():
        own = [m.points["change"] for m in scored if tier in m.tier_own]
        reached = [m.points["change"] for m in scored if tier in m.tier_reached]
        if own:
            criticality += 10.0 * weight
            criticality_weighted += 10.0 * weight * max(own)
        elif reached:
            criticality += 5.0 * weight
            criticality_weighted += 5.0 * weight * max(reached)
    unweighted = reach + breadth + exposure + criticality
    raw = round2(reach_weighted + breadth_weighted + exposure_weighted + criticality_weighted)
    points = {"reach": round2(reach), "breadth": breadth, "exposure": exposure,
              "criticality": round2(criticality), "tests": 0.0,
              "change": round2(raw / unweighted) if unweighted > 0 else 0.0}
    return raw, points


def rated_total(members: list[SymbolRecord], diff_scale: float = DIFF_SCALE) -> float:
    """Return the raw value of a set of changed symbols' diff score, with blast's floor at the riskiest symbol.

    The floor is the riskiest symbol's raw total rescaled to DIFF_SCALE, so it
    gives the symbol's score on the diff's scale.
    """
    union = union_total(members)[0]
    top = max((m.raw for m in members if m.scorable), default=0.0)
    return max(union, round2(top * diff_scale / SYMBOL_SCALE))


def diff_pair(members: list[SymbolRecord]) -> tuple[float, float]:
    """Return (union raw, riskiest symbol raw) of a set of changed symbols, for scale simulations."""
    return union_total(members)[0], max((m.raw for m in members if m.scorable), default=0.0)


def breadth_points(files: set[str], own_files: set[str]) -> float:
    """Return blast's breadth: 2 points per other file and 3 per other folder."""
    others = files - own_files
    own_dirs = {parent_dir(f) for f in own_files}
    dirs = {parent_dir(f) for f in others} - own_dirs
    return 2.0 * len(others) + 3.0 * len(dirs)


def parent_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def is_test_path(path: str) -> bool:
    """Match blast's default Python test-file patterns (tests/, test/, test_*.py, *_test.py, conftest.py)."""
    base = path.rsplit("/", 1)[-1]
    folders = path.split("/")[:-1]
    return ("tests" in folders or "test" in folders or base.startswith("test_")
            or base.endswith("_test.py") or base == "conftest.py")


# ---------------------------------------------------------------------------
# Statistics


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0 to 100) with linear interpolation between ranks, as numpy's default does."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def level_shares(raws: list[float], scale: float) -> dict[str, float]:
    counts = collections.Counter(level_of(to_score(raw, scale)) for raw in raws)
    return {level: counts[level] / len(raws) if raws else math.nan for level in LEVELS}


def high_share(raws: list[float], scale: float) -> float:
    return sum(1 for raw in raws if to_score(raw, scale) >= 60) / len(raws) if raws else math.nan


def scale_for_share(raws: list[float], share: float) -> float:
    """Return the SCALE that puts about SHARE of RAWS at `high` or above.

    `high` starts where raw >= HIGH_RATIO * SCALE, so the result is the
    (1 - SHARE) quantile of the raw totals divided by HIGH_RATIO.
    """
    return percentile(raws, 100.0 * (1.0 - share)) / HIGH_RATIO


def scale_interval(raws: list[float], min_share: float, max_share: float) -> tuple[float, float]:
    """Return the SCALE range whose share at `high` or above lies between MIN_SHARE and MAX_SHARE."""
    return scale_for_share(raws, max_share), scale_for_share(raws, min_share)


def bootstrap_scale(groups: list[list[float]], share: float, rounds: int, rng: random.Random) -> tuple[float, float]:
    """Return the 5th and 95th percentiles of the 5%-scale over resamples of whole diffs.

    Resampling diffs rather than symbols keeps the symbols of one release
    together, because they share dependents and are not independent.
    """
    estimates = []
    for _ in range(rounds):
        sample = [raw for _ in groups for raw in rng.choice(groups)]
        if sample:
            estimates.append(scale_for_share(sample, share))
    return percentile(estimates, 5), percentile(estimates, 95)


def diff_high_share(pairs: list[tuple[float, float]], diff_scale: float) -> float:
    """Return the share of diffs at `high` or above on DIFF_SCALE, with the floor at their riskiest symbol."""
    if not pairs:
        return math.nan
    high = sum(1 for union, top in pairs
               if to_score(max(union, round2(top * diff_scale / SYMBOL_SCALE)), diff_scale) >= 60)
    return high / len(pairs)


def diff_scale_for_share(pairs: list[tuple[float, float]], share: float) -> float:
    """Return the DIFF_SCALE that puts about SHARE of the diffs at `high` or above.

    The floor keeps a diff at least as high as its riskiest symbol on
    SYMBOL_SCALE, so no DIFF_SCALE brings the share below the floor's share.
    When that share is above SHARE, the result is infinite. Otherwise the
    share falls as the scale grows, and a bisection finds the smallest scale
    whose share is at most SHARE.
    """
    if not pairs or diff_high_share(pairs, 1e9) > share:
        return math.inf
    low, high = 1.0, 1e6
    for _ in range(60):
        middle = math.sqrt(low * high)
        if diff_high_share(pairs, middle) > share:
            low = middle
        else:
            high = middle
    return high


def format_row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.rjust(width) if i else cell.ljust(width) for i, (cell, width) in enumerate(zip(cells, widths)))


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(format_row(header, widths))
    for row in rows:
        print(format_row([str(c) for c in row], widths))


def fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{100.0 * value:.1f}%"


def lists_fewer_dependents(record: SymbolRecord) -> bool:
    """Tell whether blast lists fewer production dependents than its reach factor counts.

    blast merges repeated dependents (same file and name) in the listing
    after scoring, so the score can count dependents that the report omits.
    """
    return len(record.certain) + len(record.possible) < record.certain_count + record.possible_count


def factor_line(points: dict[str, float]) -> str:
    return ", ".join(f"{name} {points[name]:g}" for name in ADDITIVE_FACTORS) + f", x{points['change']:g}"


# ---------------------------------------------------------------------------
# Report sections


def print_distribution(title: str, scores: list[int], raws: list[float]) -> None:
    print(f"\n{title} (n = {len(scores)})")
    header = ["", *[f"p{q}" for q in PERCENTILES], "max"]
    rows = [
        ["score", *[fmt(percentile(scores, q), 0) for q in PERCENTILES], fmt(max(scores, default=math.nan), 0)],
        ["raw", *[fmt(percentile(raws, q)) for q in PERCENTILES], fmt(max(raws, default=math.nan))],
    ]
    print_table(header, rows)
    shares = collections.Counter(level_of(s) for s in scores)
    print("levels: " + ", ".join(f"{level} {pct(shares[level] / len(scores)) if scores else '-'}" for level in LEVELS))


def print_dominance(title: str, records: list, scale: float) -> None:
    """Print, for the records at `high` or above under SCALE, how much each factor contributes."""
    high = [r for r in records if to_score(rated_raw_of(r), scale) >= 60]
    print(f"\n{title}: {len(high)} of {len(records)} at high or above with scale {scale:g}")
    if not high:
        return
    rows = []
    for population_name, population in (("high+", high), ("all", records)):
        totals = collections.Counter()
        largest = collections.Counter()
        for record in population:
            contributions = contributions_of(record)
            totals.update(contributions)
            if any(contributions.values()):
                largest[max(contributions, key=contributions.get)] += 1
        grand = sum(totals.values()) or 1.0
        for name in ADDITIVE_FACTORS:
            rows.append([
                population_name,
                name,
                fmt(totals[name] / len(population)),
                pct(totals[name] / grand),
                pct(largest[name] / len(population)),
            ])
    print_table(["population", "factor", "mean points", "share of points", "largest factor in"], rows)
    multipliers = collections.Counter(r.points["change"] for r in high)
    print("change multiplier among high+: " + ", ".join(f"x{k:g} {v}" for k, v in sorted(multipliers.items())))


def rated_raw_of(record: SymbolRecord | DiffRecord) -> float:
    return record.rated_raw if isinstance(record, DiffRecord) else record.raw


def contributions_of(record) -> dict[str, float]:
    """Return the points each additive factor puts into raw (exposure only when it is counted)."""
    points = dict(record.points)
    if isinstance(record, SymbolRecord):
        points["exposure"] = record.counted_exposure
    return {name: points[name] for name in ADDITIVE_FACTORS}


def print_scale_simulation(symbol_populations: dict[str, list[float]],
                           diff_populations: dict[str, list[tuple[float, float]]]) -> None:
    print(f"\nShare at high or above per scale (SYMBOL_SCALE is {SYMBOL_SCALE:g}, DIFF_SCALE {DIFF_SCALE:g}; "
          f"diffs keep the floor at their riskiest symbol on SYMBOL_SCALE {SYMBOL_SCALE:g})")
    header = ["scale", *symbol_populations, *diff_populations]
    rows = [[str(scale), *[pct(high_share(raws, scale)) for raws in symbol_populations.values()],
             *[pct(diff_high_share(pairs, scale)) for pairs in diff_populations.values()]]
            for scale in SIMULATED_SCALES]
    print_table(header, rows)


def print_diff_recommendation(name: str, pairs: list[tuple[float, float]]) -> float:
    scale = diff_scale_for_share(pairs, TARGET_SHARE)
    narrow = diff_scale_for_share(pairs, 0.06), diff_scale_for_share(pairs, 0.04)
    floor_share = diff_high_share(pairs, 1e9)
    union_scale = scale_for_share([union for union, _ in pairs], TARGET_SHARE)
    print(f"{name}: DIFF_SCALE {fmt(scale)} puts {pct(diff_high_share(pairs, scale) if math.isfinite(scale) else floor_share)} "
          f"at high or above (4% to 6%: {fmt(narrow[0])} to {fmt(narrow[1])}); "
          f"the floor alone puts {pct(floor_share)} there; at DIFF_SCALE {DIFF_SCALE:g}: "
          f"{pct(diff_high_share(pairs, DIFF_SCALE))}; without the floor, DIFF_SCALE {fmt(union_scale)} puts "
          f"{pct(TARGET_SHARE)} of the unions alone at high or above")
    return scale


def print_recommendation(name: str, raws: list[float], groups: list[list[float]], rng: random.Random,
                         rounds: int) -> float:
    scale = scale_for_share(raws, TARGET_SHARE)
    narrow = scale_interval(raws, 0.04, 0.06)
    interval = ""
    if groups and rounds:
        low, high = bootstrap_scale(groups, TARGET_SHARE, rounds, rng)
        interval = f"; bootstrap over diffs, 90%: {low:.1f} to {high:.1f}"
    shares = level_shares(raws, scale)
    now = level_shares(raws, SYMBOL_SCALE)
    print(f"{name}: SCALE {scale:.1f} puts {pct(high_share(raws, scale))} at high or above "
          f"(4% to 6%: SCALE {narrow[0]:.1f} to {narrow[1]:.1f}{interval}); "
          "levels then: " + ", ".join(f"{level} {pct(shares[level])}" for level in LEVELS)
          + f"; at SYMBOL_SCALE {SYMBOL_SCALE:g}: " + ", ".join(f"{level} {pct(now[level])}" for level in LEVELS))
    return scale


def print_examples(title: str, records: list[SymbolRecord], limit: int) -> None:
    print(f"\n{title}: {len(records)}")
    for record in records[:limit]:
        print(f"  {record.package} {record.diff} {record.symbol} ({record.kind}, {record.change}): "
              f"score {record.score}, raw {record.raw:g}; {factor_line(record.points)}; "
              f"{record.certain_count} certain, {record.possible_count} possible"
              + (f"; tiers {', '.join(sorted(record.tier_own))}" if record.tier_own else "")
              + (f"; reached tiers {', '.join(sorted(record.tier_reached))}" if record.tier_reached else ""))


# ---------------------------------------------------------------------------
# Main


def parse_packages(spec: str | None) -> dict[str, list[str]]:
    """Parse --packages: names from DEFAULT_PACKAGES, or NAME=V1,V2,... entries separated by ';'."""
    if not spec:
        return dict(DEFAULT_PACKAGES)
    selected: dict[str, list[str]] = {}
    entries = spec.split(";") if "=" in spec else spec.split(",")
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        if "=" in entry:
            name, versions = entry.split("=", 1)
            selected[name.strip()] = [v.strip() for v in versions.split(",") if v.strip()]
        elif entry in DEFAULT_PACKAGES:
            selected[entry] = list(DEFAULT_PACKAGES[entry])
        else:
            known = ", ".join(DEFAULT_PACKAGES)
            raise SystemExit(f"error: unknown package {entry!r}; use one of {known}, or NAME=V1,V2,...")
    return selected


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Score release-to-release diffs of Python packages with blast and calibrate the SCALE constant.",
    )
    parser.add_argument("--blast", type=Path, default=Path(__file__).resolve().parent.parent / "target/release/blast",
                        help="the blast binary (default: target/release/blast of this repository)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "blast-calibrate",
                        help="folder for downloads, repositories and cached blast output (default: %(default)s)")
    parser.add_argument("--packages",
                        help="comma-separated names from the built-in list, or 'NAME=V1,V2,...' entries "
                             "separated by ';' (default: all built-in packages)")
    parser.add_argument("--max-versions", type=int, default=8,
                        help="use at most this many consecutive versions per package, oldest first (default: 8)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic commits and the bootstrap")
    parser.add_argument("--samples", type=int, default=40,
                        help="synthetic commits drawn per release diff and size (default: 40)")
    parser.add_argument("--bootstrap", type=int, default=500,
                        help="bootstrap rounds for the scale interval (default: 500)")
    parser.add_argument("--examples", type=int, default=8, help="examples printed per finding (default: 8)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds one blast run may take before it counts as failed (default: 300)")
    parser.add_argument("--dump", type=Path, help="also write one JSON line per changed symbol to this file")
    args = parser.parse_args(argv)
    if args.max_versions < 2:
        parser.error("--max-versions must be at least 2: a diff needs two versions")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    packages = {name: versions[: args.max_versions] for name, versions in parse_packages(args.packages).items()}
    if not args.blast.is_file():
        raise SystemExit(f"error: blast binary not found at {args.blast}; build it or pass --blast")
    args.work.mkdir(parents=True, exist_ok=True)
    digest = file_digest(args.blast)
    rng = random.Random(args.seed)

    diffs: list[DiffRecord] = []
    failures: list[str] = []
    test_files: dict[str, int] = {}
    for package, versions in packages.items():
        if len(versions) < 2:
            failures.append(f"{package}: fewer than two versions, skipped")
            continue
        print(f"{package}: {', '.join(versions)}", file=sys.stderr)
        try:
            commits = build_repository(package, versions, args.work)
        except RuntimeError as error:
            failures.append(f"{package}: repository not built: {error}")
            continue
        repo = args.work / "repos" / package
        test_files[package] = count_test_files(repo, commits[-1])
        for index in range(1, len(versions)):
            label = f"{versions[index - 1]}..{versions[index]}"
            try:
                report = run_blast(args.blast, digest, repo, commits[index], args.work / "blast" / package,
                                   args.timeout)
            except (RuntimeError, json.JSONDecodeError) as error:
                failures.append(f"{package} {label}: {error}")
                continue
            diffs.append(diff_record(package, label, commits[index], report))

    symbols = [s for d in diffs for s in d.symbols]
    if args.dump:
        write_dump(args.dump, symbols)
    print_report(args, packages, diffs, symbols, failures, test_files, rng)
    return 0


def write_dump(path: Path, symbols: list[SymbolRecord]) -> None:
    with path.open("w") as handle:
        for s in symbols:
            handle.write(json.dumps({
                "package": s.package, "diff": s.diff, "symbol": s.symbol, "kind": s.kind, "change": s.change,
                "file": s.file, "public": s.public, "whitespace_only": s.whitespace_only,
                "modification": s.modification, "is_test": s.is_test,
                "score": s.score, "level": s.level, "raw": s.raw, "points": s.points,
                "certain": s.certain_count, "possible": s.possible_count,
                "tiers": sorted(s.tier_own), "reached_tiers": sorted(s.tier_reached),
            }) + "\n")


def print_report(args, packages, diffs, symbols, failures, test_files, rng) -> None:
    print(f"blast calibration, {datetime.date.today().isoformat()}")
    print(f"blast: {args.blast} (sha256 {file_digest(args.blast)[:16]})")
    print(f"command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}")
    if failures:
        print(f"\nFailures ({len(failures)}):")
        for failure in failures:
            print("  " + failure.replace("\n", "\n    "))
    if not diffs:
        print("\nNo diff was scored.")
        return

    scorable = [s for s in symbols if s.scorable]
    print_sample(packages, diffs, symbols, scorable, test_files)
    check_output(diffs, symbols, args.examples)

    print_distribution("Per changed symbol, all", [s.score for s in symbols], [s.raw for s in symbols])
    print_distribution("Per changed symbol, scorable (modified, deleted or moved, more than formatting)",
                       [s.score for s in scorable], [s.raw for s in scorable])
    print_distribution("Per release diff (blast's total; raw includes the floor, see DiffRecord.rated_raw)",
                       [d.score for d in diffs], [d.rated_raw for d in diffs])
    print_per_package(packages, diffs, test_files)

    synthetic_subsets = synthetic_commits(diffs, rng, args.samples)
    synthetic = {size: [rated_total(subset) for subset in subsets] for size, subsets in synthetic_subsets.items()}
    for size, raws in synthetic.items():
        print_distribution(f"Synthetic commit of {size} scorable symbol{'s' if size > 1 else ''} "
                           "(random subset of one release diff, scored over the union)",
                           [to_score(r, DIFF_SCALE) for r in raws], raws)

    print_dominance("Factors of changed symbols (scorable)", scorable, SYMBOL_SCALE)
    print_dominance("Factors of release diffs", diffs, DIFF_SCALE)

    symbol_populations = {
        "symbols, all": [s.raw for s in symbols],
        "symbols, scorable": [s.raw for s in scorable],
    }
    diff_populations = {
        **{f"synthetic {size}": [diff_pair(subset) for subset in subsets]
           for size, subsets in synthetic_subsets.items()},
        "release diffs": [diff_pair(d.symbols) for d in diffs],
    }
    print_scale_simulation(symbol_populations, diff_populations)

    print(f"\nSYMBOL_SCALE for {pct(TARGET_SHARE)} of changed symbols at high or above")
    groups_all = [[s.raw for s in d.symbols] for d in diffs]
    groups_scorable = [[s.raw for s in d.symbols if s.scorable] for d in diffs]
    print_recommendation("symbols, all", symbol_populations["symbols, all"], groups_all, rng, args.bootstrap)
    scorable_scale = print_recommendation("symbols, scorable", symbol_populations["symbols, scorable"],
                                          groups_scorable, rng, args.bootstrap)
    print(f"\nDIFF_SCALE for {pct(TARGET_SHARE)} of commits at high or above, with the floor on "
          f"SYMBOL_SCALE {SYMBOL_SCALE:g}")
    for name, pairs in diff_populations.items():
        print_diff_recommendation(name, pairs)
    print(f"(the 5% of release diffs is {TARGET_SHARE * len(diffs):.1f} diffs: "
          "that estimate rests on a handful of diffs)")

    print_dominance("Factors of changed symbols (scorable) at the scorable 5% scale", scorable, round(scorable_scale))
    print_findings(diffs, scorable, args.examples)


def print_sample(packages, diffs, symbols, scorable, test_files) -> None:
    print("\nSample")
    for package, versions in packages.items():
        count = sum(1 for d in diffs if d.package == package)
        print(f"  {package}: {', '.join(versions)} ({count} diff{'s' if count != 1 else ''}, {test_files.get(package, 0)} test files at the last version)")
    kinds = collections.Counter(s.change for s in symbols)
    modifications = collections.Counter(s.modification for s in symbols if s.modification)
    print(f"diffs: {len(diffs)}; changed symbols: {len(symbols)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
          f"formatting only (whitespace_only): {sum(s.whitespace_only for s in symbols)}; tests: {sum(s.is_test for s in symbols)}; "
          f"scorable: {len(scorable)}")
    if modifications:
        print("modified symbols by modification: " + ", ".join(f"{k} {v}" for k, v in sorted(modifications.items())))
    incomplete = [d for d in diffs if not d.complete]
    warned = [d for d in diffs if d.warnings]
    parse_errors = sum(d.parse_errors for d in diffs)
    print(f"incomplete diffs: {len(incomplete)}; diffs with warnings: {len(warned)}; "
          f"files with parse errors (summed over diffs): {parse_errors}")


def print_per_package(packages, diffs, test_files) -> None:
    print("\nPer package (scorable symbols)")
    rows = []
    for package in packages:
        own = [d for d in diffs if d.package == package]
        if not own:
            continue
        raws = [s.raw for d in own for s in d.symbols if s.scorable]
        rows.append([
            package, str(len(own)), str(len(raws)), fmt(percentile(raws, 50)), fmt(percentile(raws, 95)),
            pct(high_share(raws, SYMBOL_SCALE)), fmt(percentile([d.rated_raw for d in own], 50)),
            str(test_files.get(package, 0)),
        ])
    print_table(["package", "diffs", "symbols", "raw p50", "raw p95", f"high+ at {SYMBOL_SCALE:g}", "diff raw p50",
                 "test files"], rows)


def synthetic_commits(diffs: list[DiffRecord], rng: random.Random,
                      samples: int) -> dict[int, list[list[SymbolRecord]]]:
    """Draw random subsets of the scorable symbols of each release diff, up to SAMPLES per diff and size."""
    result: dict[int, list[list[SymbolRecord]]] = {}
    for size in SYNTHETIC_SIZES:
        drawn: list[list[SymbolRecord]] = []
        for diff in diffs:
            pool = [s for s in diff.symbols if s.scorable]
            if len(pool) < size:
                continue
            if math.comb(len(pool), size) <= samples:
                subsets = [list(c) for c in itertools.combinations(pool, size)]
            else:
                subsets = [rng.sample(pool, size) for _ in range(samples)]
            drawn.extend(subsets)
        result[size] = drawn
    return result


def check_output(diffs: list[DiffRecord], symbols: list[SymbolRecord], limit: int) -> None:
    """Check blast's output against itself and this script's model: scores against raw totals, and the union."""
    print("\nConsistency of blast's output")
    mismatched = [s for s in symbols if to_score(s.raw, SYMBOL_SCALE) != s.score]
    print(f"symbols whose score differs from the score of their raw total on SYMBOL_SCALE: {len(mismatched)}")
    for s in mismatched[:limit]:
        print(f"  {s.package} {s.diff} {s.symbol}: score {s.score}, raw {s.raw:g} "
              f"gives {to_score(s.raw, SYMBOL_SCALE)}")
    total_mismatch = [d for d in diffs if to_score(d.rated_raw, DIFF_SCALE) != d.score]
    print(f"diffs whose score differs from the score of their raw total on DIFF_SCALE: {len(total_mismatch)}")
    for d in total_mismatch[:limit]:
        print(f"  {d.package} {d.diff} ({d.commit[:12]}): score {d.score}, raw {d.raw:g}")
    floored = sum(1 for d in diffs if d.points.get("floor", 0.0) > 0)
    print(f"diffs whose score is raised to their riskiest symbol's: {floored} of {len(diffs)}")
    breadth_mismatch = [s for s in symbols if s.scorable and abs(
        breadth_points({p for _, p in s.certain.values()}, {s.own_file}) - s.points["breadth"]) > 0.01]
    print(f"scorable symbols whose breadth differs from this script's recomputation: {len(breadth_mismatch)}")
    for s in breadth_mismatch[:limit]:
        print(f"  {s.package} {s.diff} {s.symbol}: blast breadth {s.points['breadth']:g}")
    fewer = [s for s in symbols if lists_fewer_dependents(s)]
    print(f"symbols listing fewer production dependents than their reach detail counts: {len(fewer)}")
    for s in fewer[:limit]:
        print(f"  {s.package} {s.diff} {s.symbol}: reach counts {s.certain_count} certain and {s.possible_count} "
              f"possible, the report lists {len(s.certain)} and {len(s.possible)}")
    model_mismatch = []
    for d in diffs:
        raw, _ = union_total(d.symbols)
        if abs(raw - d.union_raw) > 0.05:
            model_mismatch.append((d, raw))
    print(f"diffs whose union total differs from this script's model: {len(model_mismatch)} of {len(diffs)}")
    for d, raw in model_mismatch[:limit]:
        print(f"  {d.package} {d.diff} ({d.commit[:12]}): blast union raw {d.union_raw:g}, model raw {raw:g}; "
              f"blast factors {factor_line(d.points)}; model {factor_line(union_total(d.symbols)[1])}")


def print_findings(diffs: list[DiffRecord], scorable: list[SymbolRecord], limit: int) -> None:
    print("\nFindings")
    by_score = sorted(scorable, key=lambda s: (-s.raw, s.package, s.symbol))
    print_examples("Highest-scoring changed symbols", by_score, limit)
    print_reach_findings(scorable, limit)
    print_tier_findings(scorable)
    print_multiplier_findings(diffs, limit)
    print_size_table(diffs)


def print_reach_findings(scorable: list[SymbolRecord], limit: int) -> None:
    """Print the symbols whose score comes from something other than their certain dependents."""
    no_dependents = sorted((s for s in scorable if s.certain_count + s.possible_count == 0 and s.score > 0),
                           key=lambda s: -s.raw)
    print_examples("Scored above 0 without any production dependent", no_dependents, limit)
    tests = sorted((s for s in scorable if s.is_test and s.score > 0), key=lambda s: -s.raw)
    print_examples("Changed test functions scored above 0", tests, limit)

    high = [s for s in scorable if to_score(s.raw, SYMBOL_SCALE) >= 60]
    candidate_breadth = sorted(
        (s for s in high if s.points["breadth"] > s.points["reach"]
         and s.possible_count > 4 * max(s.certain_count, 1)),
        key=lambda s: -s.points["breadth"])
    print_examples("High or above, breadth above reach, possible dependents over 4x the certain ones",
                   candidate_breadth, limit)
    share_breadth = sum(1 for s in high if s.points["breadth"] > s.points["reach"]) / len(high) if high else math.nan
    print(f"share of high+ symbols whose breadth exceeds their reach: {pct(share_breadth)}")

    modules = [s for s in scorable if s.kind == "module"]
    module_high = [s for s in high if s.kind == "module"]
    module_raws = [s.raw for s in modules]
    print(f"module-level code (kind module): {len(modules)} of {len(scorable)} scorable symbols, "
          f"raw p50 {fmt(percentile(module_raws, 50))}, p95 {fmt(percentile(module_raws, 95))}; "
          f"{len(module_high)} of {len(high)} high+ symbols")
    print_examples("Module-level code at high or above", sorted(module_high, key=lambda s: -s.raw), limit)


def print_tier_findings(scorable: list[SymbolRecord]) -> None:
    print("\nTiers of scorable symbols (own: the symbol matches; reached: only a dependent does)")
    rows = []
    for tier in TIER_WEIGHTS:
        own = [s for s in scorable if tier in s.tier_own]
        reached = [s for s in scorable if tier in s.tier_reached]
        rows.append([tier, str(len(own)), str(len(reached)), pct((len(own) + len(reached)) / len(scorable))])
    print_table(["tier", "own", "reached", "share of scorable"], rows)
    for tier in TIER_WEIGHTS:
        own = [s for s in scorable if tier in s.tier_own]
        files = collections.Counter(f"{s.package}:{s.file}" for s in own)
        if files:
            print(f"  {tier} own, by file: " + ", ".join(f"{n} ({c})" for n, c in files.most_common(6)))
            print(f"  {tier} own, symbols: " + ", ".join(sorted({s.symbol for s in own})[:10]))
    level_changed = [s for s in scorable if s.points["criticality"] > 0
                     and level_of(to_score(s.raw - s.points["criticality"] * s.points["change"], SYMBOL_SCALE))
                     != level_of(s.score)]
    print(f"scorable symbols whose level the criticality factor changes: {len(level_changed)} of {len(scorable)}")


def print_multiplier_findings(diffs: list[DiffRecord], limit: int) -> None:
    """Print how the per-dependent change multiplier weighs release diffs."""
    averages = [d.points["change"] for d in diffs if d.points.get("change", 0.0) > 0]
    print(f"\nAverage change multiplier of release diff totals: p50 {fmt(percentile(averages, 50), 2)}, "
          f"p90 {fmt(percentile(averages, 90), 2)}, max {fmt(max(averages, default=math.nan), 2)}")
    deletions = []
    for d in diffs:
        triggers = [s for s in d.symbols if s.scorable and s.change in ("deleted", "moved")]
        if triggers and all(s.certain_count + s.possible_count == 0 for s in triggers):
            deletions.append((d, triggers))
    print(f"release diffs whose deleted or moved symbols have no production dependent: {len(deletions)}; "
          "their deletions add nothing to the total")
    for d, triggers in deletions[:limit]:
        names = ", ".join(s.symbol for s in triggers[:3])
        print(f"  {d.package} {d.diff} ({d.commit[:12]}): total raw {d.raw:g}, change factor "
              f"x{d.points.get('change', 0.0):g}; e.g. {names}")


def print_size_table(diffs: list[DiffRecord]) -> None:
    print("\nRelease diff totals by number of scorable symbols")
    sizes = [(d, sum(s.scorable for s in d.symbols)) for d in diffs]
    rows = []
    for low, high in ((0, 0), (1, 5), (6, 20), (21, 50), (51, None)):
        members = [d for d, size in sizes if low <= size and (high is None or size <= high)]
        raws = [d.rated_raw for d in members]
        label = f"{low}" if low == high else f"{low}-{high if high is not None else 'more'}"
        rows.append([label, str(len(members)), fmt(percentile(raws, 50)), fmt(max(raws, default=math.nan)),
                     pct(high_share(raws, DIFF_SCALE))])
    print_table(["scorable symbols", "diffs", "raw p50", "raw max", f"high+ at {DIFF_SCALE:g}"], rows)


if __name__ == "__main__":
    sys.exit(main())
