#!/usr/bin/env python3
"""Measure how fast blast runs on real code, next to the floor of tree-sitter
parsing plus the tags queries alone.

    cargo build --release -p blast-cli -p blast-bench
    python3 benches/speed.py [--corpus NAME ...] [--quick] [--work DIR]
                             [--change ID ...] [--no-warm] [--repeat N]
                             [--timeout SECONDS] [--stack-graphs-timeout SECONDS]
                             [--json FILE]

For each corpus (built by benches/corpus/build.py on first use) it prints the
files, bytes and lines that blast parses, then one row per measured command:

- the floor: `blast-floor`, which parses every file and runs its language's
  tags query on one thread, with blast's own grammars and compiled queries;
- `blast graph -o /dev/null` on the work tree: the full graph. The floor
  and the graph run in turns, three times each (`--repeat`). The table
  keeps each one's run with the least CPU time, because other work on the
  machine only adds to it, and a note lists every run's CPU time;
- `blast diff REV^!` for each change commit of the corpus: cold (with
  `--no-cache`), then twice with the cache on, the second run being warm. A
  build of blast without a cache runs each diff twice, cold and warm;
- `tree-sitter-stack-graphs-LANG index` on the same files, when the corpus
  has one language and that command is on PATH.

Each row has wall and CPU seconds, the corpus's parsed files and MB per
CPU-second, and peak resident memory. It also gives CPU and wall time as
multiples of the floor's parse + query time, which leaves out the floor's
own reading of the files. A line under the table gives, over the corpus's
real changes (released versions of packages), the median cold blast diff as
a share of blast graph's wall and CPU time, and the median warm wall time.
The --json output stores them under "real_changes". A table per corpus
then checks the targets (GRAPH_FLOOR_MAX and the constants after it).

CPU time and peak memory come from os.wait4 on each child process, so they
include every thread and the git processes blast starts. Only the Python
standard library is imported. The script exits 0 when every blast and floor
command ran, whatever the figures, and 1 when one failed, crashed or timed
out (the row names which). A failed stack-graphs run is only reported.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO_ROOT / "benches" / "corpus" / "build.py"
CORPORA = ["cpython", "jdk", "crates", "monorepo"]

# File extensions per language, to count a corpus's files whether or not
# this build of blast parses them.
LANGUAGE_EXTENSIONS = {"python": (".py", ".pyi"), "rust": (".rs",), "java": (".java",)}
# The extensions of the files blast parses, which stack-graphs indexes too.
BLAST_EXTENSIONS = {"python": (".py",), "rust": (".rs",), "java": (".java",)}
STACK_GRAPHS = "tree-sitter-stack-graphs"
# Files per stack-graphs run (see StackGraphsRun).
STACK_GRAPHS_CHUNK_FILES = 200


# ---------------------------------------------------------------------------
# Running and measuring one command


class Measurement:
    """Wall and CPU seconds, peak resident memory and outcome of one child.

    `max_rss_kib` is an upper bound when `rss_is_bound` is set. Linux starts a
    child's ru_maxrss at the parent's peak RSS, because the memory map that
    exec replaces is a copy of the parent's. So a child that stays below this
    script's peak reports the script's peak instead of its own."""

    def __init__(self, wall, cpu, max_rss_kib, rss_is_bound, exit_code, timed_out, stderr_tail):
        self.wall = wall
        self.cpu = cpu
        self.max_rss_kib = max_rss_kib
        self.rss_is_bound = rss_is_bound
        self.exit_code = exit_code
        self.timed_out = timed_out
        self.stderr_tail = stderr_tail

    @property
    def ok(self):
        return self.exit_code == 0 and not self.timed_out

    def failure(self):
        """Describe why the command failed, or return None when it succeeded."""
        if self.timed_out:
            return f"timed out after {self.wall:.0f} s"
        if self.exit_code < 0:
            name = signal.Signals(-self.exit_code).name
            return f"killed by {name}: {self.stderr_tail}"
        if self.exit_code != 0:
            return f"exit {self.exit_code}: {self.stderr_tail}"
        return None

    def as_dict(self):
        return {
            "wall_seconds": round(self.wall, 3),
            "cpu_seconds": round(self.cpu, 3),
            "max_rss_kib": self.max_rss_kib,
            "max_rss_is_upper_bound": self.rss_is_bound,
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "error": self.failure(),
        }


def run_measured(command, timeout, stdout=subprocess.DEVNULL):
    """Run `command` and measure it with os.wait4, which reports the child's
    CPU time and peak RSS including the descendants it waited for. A command
    that runs longer than `timeout` seconds is killed."""
    own_peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        # os.wait4 reaped the child, so Popen must not wait for it again.
        process.returncode = os.waitstatus_to_exitcode(status)
        timed_out = wall >= timeout and process.returncode == -signal.SIGKILL
        stderr.seek(0)
        lines = stderr.read().decode(errors="replace").strip().splitlines()
    tail = " / ".join(lines[-2:])[:300]
    rss_is_bound = usage.ru_maxrss <= own_peak_kib
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(wall, cpu, usage.ru_maxrss, rss_is_bound, process.returncode, timed_out, tail)


def git_output(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], stdout=subprocess.PIPE, check=True).stdout.decode()


# ---------------------------------------------------------------------------
# The machine, the binaries and the corpora


def machine_description():
    cpu_model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = git_output(REPO_ROOT, "rev-parse", "HEAD").strip()
        dirty = bool(git_output(REPO_ROOT, "status", "--porcelain", "--untracked-files=no").strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", False
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gib": memory_gib(),
        "cpu_model": cpu_model,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "blast_commit": commit,
        "work_tree_modified": dirty,
        "load_average_at_start": os.getloadavg(),
    }


def format_load(load):
    return " ".join(f"{value:.2f}" for value in load)


def memory_gib():
    """Return the machine's total memory in GiB from /proc/meminfo, or 0.0
    when that file cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def default_binary(name):
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    return str(target / "release" / name)


def check_binary(path, build_hint):
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise SystemExit(f"{path} not found or not executable: build it with `{build_hint}` or pass its path")


def build_corpus(name, work, quick):
    """Build corpus `name` unless it exists, and return its description."""
    command = [sys.executable, str(BUILD_SCRIPT), name, "--work", str(work)]
    if quick:
        command.append("--quick")
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    corpus_dir = Path(work) / ("quick" if quick else "full") / name
    return json.loads((corpus_dir / "corpus.json").read_text())


def check_work_tree(repo, description):
    """Require the corpus's work tree to be clean and at its last change."""
    head = git_output(repo, "rev-parse", "HEAD").strip()
    last = description["changes"][-1]["commit"] if description["changes"] else description["base"]
    if head != last:
        raise SystemExit(f"{repo} is at {head}, not at the corpus's last commit {last}: run `git -C {repo} checkout {last}`")
    if git_output(repo, "status", "--porcelain").strip():
        raise SystemExit(f"{repo} has local changes: run `git -C {repo} reset --hard` to measure the corpus as built")


def count_tracked_files(repo):
    """Count the tracked files of the work tree per language: files, bytes,
    lines. Files of no listed language are counted under "other"."""
    listing = git_output(repo, "ls-files", "-z")
    counts = {}
    for path in filter(None, listing.split("\0")):
        language = next((lang for lang, exts in LANGUAGE_EXTENSIONS.items() if path.endswith(exts)), "other")
        entry = counts.setdefault(language, {"files": 0, "bytes": 0, "lines": 0})
        entry["files"] += 1
        full = Path(repo) / path
        if language != "other" and full.is_file() and not full.is_symlink():
            data = full.read_bytes()
            entry["bytes"] += len(data)
            entry["lines"] += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return counts


# ---------------------------------------------------------------------------
# One corpus

# The targets, checked per corpus on the figures of one run.
GRAPH_FLOOR_MAX = 1.3  # blast graph CPU seconds over the floor's parse + query CPU seconds
STACK_GRAPHS_MIN = 20  # stack-graphs indexing CPU seconds over blast graph's
COLD_DIFF_MAX = 0.10  # cold blast diff of the median real change, wall seconds over blast graph's
WARM_DIFF_MAX_SECONDS = 0.3  # warm blast diff, wall seconds, for every change
MEMORY_MAX_MB_PER_MILLION_LINES = 500  # blast graph's peak RSS per million parsed lines


def no_cache_option(blast, subcommand):
    """Return the option that turns off blast's extraction cache for
    `subcommand`, or None when this build of blast has no cache."""
    result = subprocess.run(
        [blast, subcommand, "--help"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True
    )
    return "--no-cache" if "--no-cache" in result.stdout.decode() else None


def measure_corpus(description, blast, floor, options):
    repo = Path(description["repo"])
    timeout = options.timeout
    check_work_tree(repo, description)
    result = {"name": description["name"], "quick": description["quick"], "repo": str(repo), "rows": [], "notes": []}
    result["tracked"] = count_tracked_files(repo)

    def add_row(step, measurement, kind, detail="", **extra):
        row = {"step": step, "kind": kind, "detail": detail, **extra, **measurement.as_dict()}
        result["rows"].append(row)
        print(f"  {step}: {measurement.cpu:.2f} s CPU, {measurement.wall:.2f} s wall"
              + (f", {measurement.failure()}" if not measurement.ok else ""), file=sys.stderr, flush=True)
        return row

    graph_command = [blast, "-C", str(repo), "graph", "-o", "/dev/null"]
    graph_switch = no_cache_option(blast, "graph")
    if graph_switch:
        graph_command.append(graph_switch)
    graph_step = "blast graph (full graph, -o /dev/null" + (f", {graph_switch})" if graph_switch else ")")

    # The floor and the graph run in turns, `--repeat` times each, and the
    # table shows each one's run with the least CPU time. Other work on a
    # shared machine only adds time, so the least is closest to the cost of
    # the work itself.
    # blast graph also runs on one thread, as the floor does: on all CPUs
    # it pays for coordinating threads and sharing caches, which makes the
    # same work take more CPU time than the floor's single thread would.
    one_thread_command = graph_command + ["-j", "1"]
    floor_runs = []
    graph_runs = []
    one_thread_runs = []
    for _ in range(max(1, options.repeat)):
        # The floor's JSON output also lists the languages this build parses.
        with tempfile.TemporaryFile() as out:
            measurement = run_measured([floor, "--json", str(repo)], timeout, stdout=out)
            out.seek(0)
            output = json.loads(out.read() or "null") if measurement.ok else None
        floor_runs.append((measurement, output))
        graph_runs.append(run_measured(graph_command, timeout))
        one_thread_runs.append(run_measured(one_thread_command, timeout))
    measurement, floor_output = min(
        floor_runs,
        key=lambda run: (run[1] is None, run[1]["floor_cpu_seconds"] if run[1] else run[0].cpu),
    )
    row = add_row("floor: blast-floor, 1 thread", measurement, "floor")
    if floor_output is not None:
        row["detail"] = (
            f"parse + query alone: {floor_output['floor_cpu_seconds']:.2f} s CPU, "
            f"{floor_output['floor_wall_seconds']:.2f} s wall"
        )
        result["parsed"] = floor_output
        for language, counts in result["tracked"].items():
            if language != "other" and counts["files"] and language not in floor_output["languages"]:
                result["notes"].append(
                    f"this build of blast does not parse {language}: {counts['files']} files are not analysed"
                )
    add_row(graph_step, min(graph_runs, key=lambda m: (not m.ok, m.cpu)), "graph")
    add_row(graph_step.replace("blast graph", "blast graph -j 1", 1),
            min(one_thread_runs, key=lambda m: (not m.ok, m.cpu)), "graph-one-thread")
    if len(floor_runs) > 1:
        floor_cpus = ", ".join(f"{o['floor_cpu_seconds']:.2f}" for _, o in floor_runs if o)
        graph_cpus = ", ".join(f"{m.cpu:.2f}" for m in graph_runs if m.ok)
        one_thread_cpus = ", ".join(f"{m.cpu:.2f}" for m in one_thread_runs if m.ok)
        result["notes"].append(
            f"the floor, blast graph and blast graph -j 1 ran {len(floor_runs)} times each, in turns; the table "
            f"shows each one's run with the least CPU time. Floor parse + query CPU s of every run: {floor_cpus}; "
            f"blast graph CPU s: {graph_cpus}; blast graph -j 1 CPU s: {one_thread_cpus}"
        )

    diff_switch = no_cache_option(blast, "diff")
    if diff_switch:
        # Cold turns the cache off. The first run with the cache on fills it
        # (unless an earlier run of this script already did), and the second
        # one is warm.
        runs = [("cold", [diff_switch]), ("cache on, 1st run", []), ("warm", [])]
    else:
        runs = [("cold", []), ("warm", [])]
        result["notes"].append(
            "this build of blast has no extraction cache (no --no-cache option): warm is the second of two "
            "runs, so it differs from cold only by what the operating system has cached"
        )
    if options.no_warm:
        runs = runs[:1]
    changes = [c for c in description["changes"] if not options.change or c["id"] in options.change]
    for change in changes:
        for run, extra_args in runs:
            with tempfile.NamedTemporaryFile(suffix=".json") as report:
                command = [blast, "-C", str(repo), "diff", f"{change['commit']}^!", "-f", "json", "-o", report.name]
                measurement = run_measured(command + extra_args, timeout)
                detail = summarize_report(report.name) if measurement.ok else ""
            add_row(
                f"blast diff {change['id']} ({run})",
                measurement,
                "diff",
                detail,
                change=change["id"],
                change_kind=change["kind"],
                run=run,
            )

    measure_stack_graphs(result, floor_output, options, add_row)
    result["real_changes"] = summarize_real_changes(result["rows"])
    result["targets"] = check_targets(result)
    return result


def measure_stack_graphs(result, floor_output, options, add_row):
    """Index the corpus with stack-graphs when a CLI for its one language is
    on PATH, and add the row."""
    languages = [] if floor_output is None else [
        lang for lang, counts in floor_output["languages"].items() if counts["files"]
    ]
    if len(languages) != 1:
        result["notes"].append(
            "stack-graphs column skipped: its command-line tools index one language each, and this corpus has "
            + (", ".join(languages) or "no parsed files")
        )
        return
    language = languages[0]
    command_name = f"{STACK_GRAPHS}-{language}"
    stack_graphs = shutil.which(command_name)
    if stack_graphs is None:
        result["notes"].append(f"stack-graphs column skipped: no {command_name} on PATH")
        return

    repo = Path(result["repo"])
    extensions = BLAST_EXTENSIONS[language]
    paths = [p for p in git_output(repo, "ls-files", "-z").split("\0") if p.endswith(extensions)]
    run = StackGraphsRun(stack_graphs, repo, options.stack_graphs_timeout)
    for start in range(0, len(paths), STACK_GRAPHS_CHUNK_FILES):
        run.index(paths[start : start + STACK_GRAPHS_CHUNK_FILES])
    detail = (
        f"{len(paths)} files in runs of up to {STACK_GRAPHS_CHUNK_FILES}, one database each; "
        f"{run.failed_files} files failed to index"
    )
    if run.crashed_files:
        detail += f", {len(run.crashed_files)} crashed the indexer ({', '.join(run.crashed_files)})"
    add_row(f"stack-graphs index ({command_name})", run.measurement(), "stack-graphs", detail)


class StackGraphsRun:
    """Totals of one stack-graphs indexing of many files, which runs the
    tool several times.

    Every run writes a new database that is deleted when the run ends,
    because the databases are large (about 15 KB per line of Java with
    tree-sitter-stack-graphs-java 0.5.0). Indexing is per file, so several
    runs cost what one run over all files costs, plus their start-up."""

    # After this many files that crash the tool, the remaining files are
    # not tried, because the crash is then unlikely to depend on the file.
    MAX_CRASHED_FILES = 10

    def __init__(self, command, repo, timeout):
        self.command = command
        self.repo = Path(repo)
        self.timeout = timeout
        self.wall = 0.0
        self.cpu = 0.0
        # Wall seconds of every run, the dropped ones too, for the timeout.
        self.elapsed = 0.0
        self.max_rss_kib = 0
        self.rss_is_bound = False
        self.timed_out = False
        self.failed_files = 0
        self.crashed_files = []
        self.stderr_tail = ""

    def index(self, paths):
        """Index `paths` (relative to the repository) in one run. When the
        run crashes, its time is dropped and each half of `paths` is indexed
        apart, down to the single file that crashes the tool. That file's
        run counts, and the file is listed in `crashed_files`."""
        if not paths or self.timed_out or len(self.crashed_files) >= self.MAX_CRASHED_FILES:
            return
        if self.elapsed >= self.timeout:
            self.timed_out = True
            return
        with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile() as out:
            database = Path(scratch) / "index.sqlite"
            files = [str(self.repo / path) for path in paths]
            command = [self.command, "index", "--database", str(database), *files]
            part = run_measured(command, self.timeout - self.elapsed, stdout=out)
            self.elapsed += part.wall
            out.seek(0)
            # The tool prints "PATH: failed" for each file it could not
            # index, and exits 0 all the same.
            lines = out.read().decode(errors="replace").splitlines()
        if not part.ok and not part.timed_out and len(paths) > 1:
            middle = len(paths) // 2
            self.index(paths[:middle])
            self.index(paths[middle:])
            return
        self.wall += part.wall
        self.cpu += part.cpu
        if part.max_rss_kib > self.max_rss_kib:
            self.max_rss_kib, self.rss_is_bound = part.max_rss_kib, part.rss_is_bound
        self.failed_files += sum(1 for line in lines if line.endswith(": failed"))
        if part.timed_out:
            self.timed_out = True
        elif not part.ok:
            self.crashed_files.append(paths[0])
            self.stderr_tail = part.failure()

    def measurement(self):
        """Return the totals as one Measurement. It is a failure only when
        the time ran out or too many files crashed the tool."""
        gave_up = len(self.crashed_files) >= self.MAX_CRASHED_FILES
        exit_code = -signal.SIGKILL if self.timed_out else int(gave_up)
        tail = f"{len(self.crashed_files)} files crashed the indexer, last: {self.stderr_tail}" if gave_up else ""
        return Measurement(self.wall, self.cpu, self.max_rss_kib, self.rss_is_bound, exit_code, self.timed_out, tail)


# Runs in a separate Python process, because a report can be tens of MB and
# loading it here would raise this process's peak RSS (see run_measured).
SUMMARIZE_REPORT = """
import json, sys
try:
    with open(sys.argv[1]) as file:
        report = json.load(file)
except (OSError, ValueError) as err:
    print(f"report unreadable: {err}")
    sys.exit()
total = report.get("total", {})
reach = next((f["detail"] for f in total.get("factors", []) if f.get("name") == "reach"), "")
print(f"{len(report.get('changes', []))} changed symbols; total {total.get('score')} {total.get('level')}; {reach}")
"""


def summarize_report(path):
    """Summarise a `blast diff --format json` report in a few words."""
    result = subprocess.run([sys.executable, "-c", SUMMARIZE_REPORT, path], stdout=subprocess.PIPE, check=True)
    return result.stdout.decode().strip()


# ---------------------------------------------------------------------------
# Summary of the real changes


def median_row(rows, key):
    """Return the row whose `key` is the low median of the rows' (as
    statistics.median_low picks it), so that the median names one change."""
    return sorted(rows, key=key)[(len(rows) - 1) // 2]


def summarize_real_changes(rows):
    """Summarise the diffs of the real changes that ran without error: the
    median cold wall and CPU time as shares of blast graph's, and the median
    warm wall time. Each median is an entry with the value and the change it
    comes from, or None when there is nothing to divide or no such run."""
    graph = next((r for r in rows if r["kind"] == "graph" and r["error"] is None), None)
    real = [r for r in rows if r["kind"] == "diff" and r["change_kind"] == "real"]
    cold = [r for r in real if r["run"] == "cold" and r["error"] is None]
    warm = [r for r in real if r["run"] == "warm" and r["error"] is None]

    summary = {
        "changes": len({r["change"] for r in real}),
        "failed_runs": sum(1 for r in real if r["error"] is not None),
        "cold_wall_share_of_graph": None,
        "cold_cpu_share_of_graph": None,
        "warm_wall_seconds": None,
    }
    if cold and graph is not None and graph["wall_seconds"] > 0 and graph["cpu_seconds"] > 0:
        row = median_row(cold, lambda r: r["wall_seconds"])
        summary["cold_wall_share_of_graph"] = {
            "median": round(row["wall_seconds"] / graph["wall_seconds"], 4),
            "change": row["change"],
        }
        row = median_row(cold, lambda r: r["cpu_seconds"])
        summary["cold_cpu_share_of_graph"] = {
            "median": round(row["cpu_seconds"] / graph["cpu_seconds"], 4),
            "change": row["change"],
        }
    if warm:
        row = median_row(warm, lambda r: r["wall_seconds"])
        summary["warm_wall_seconds"] = {"median": row["wall_seconds"], "change": row["change"]}
    return summary


def render_real_changes(summary):
    """Describe the summary of the real changes in one or two sentences."""
    if summary["changes"] == 0:
        return "Real changes: none measured."
    heading = f"Real changes ({summary['changes']}"
    if summary["failed_runs"]:
        heading += f", failed runs left out: {summary['failed_runs']}"
    sentences = []
    wall_share = summary["cold_wall_share_of_graph"]
    cpu_share = summary["cold_cpu_share_of_graph"]
    if wall_share is None:
        sentences.append("no cold blast diff succeeded, or blast graph failed.")
    else:
        sentences.append(
            f"the cold blast diff takes a median {wall_share['median']:.1%} of blast graph's wall time "
            f"({wall_share['change']}) and {cpu_share['median']:.1%} of its CPU time ({cpu_share['change']})."
        )
    warm = summary["warm_wall_seconds"]
    if warm is not None:
        sentences.append(f"The warm blast diff takes a median {warm['median']:.2f} s of wall time ({warm['change']}).")
    return f"{heading}): " + " ".join(sentences)


# ---------------------------------------------------------------------------
# Targets


def check_targets(result):
    """Check the targets on one corpus's rows. Each entry has the target, the
    measured value as text, and `met` (None when a step failed or is missing)."""
    rows = result["rows"]
    parsed = result.get("parsed")
    floor_cpu = parsed["floor_cpu_seconds"] if parsed and rows[0]["error"] is None else None
    graph = next((r for r in rows if r["kind"] == "graph" and r["error"] is None), None)
    targets = []

    def add(target, value, met):
        targets.append({"target": target, "value": value, "met": met})

    if graph is None or not floor_cpu:
        add(f"blast graph CPU ≤ {GRAPH_FLOOR_MAX}x the floor", "floor or graph failed", None)
    else:
        ratio = graph["cpu_seconds"] / floor_cpu
        add(f"blast graph CPU ≤ {GRAPH_FLOOR_MAX}x the floor", f"{ratio:.2f}x", ratio <= GRAPH_FLOOR_MAX)
    one_thread = next((r for r in rows if r["kind"] == "graph-one-thread"), None)
    if one_thread is not None and floor_cpu:
        target = f"blast graph -j 1 CPU ≤ {GRAPH_FLOOR_MAX}x the floor (both on one thread)"
        if one_thread["error"] is None:
            ratio = one_thread["cpu_seconds"] / floor_cpu
            add(target, f"{ratio:.2f}x", ratio <= GRAPH_FLOOR_MAX)
        else:
            add(target, "blast graph -j 1 failed", None)

    stack_graphs = next((r for r in rows if r["kind"] == "stack-graphs"), None)
    if stack_graphs is not None and graph is not None:
        ratio = stack_graphs["cpu_seconds"] / graph["cpu_seconds"]
        if stack_graphs["timed_out"]:
            add(f"stack-graphs CPU ≥ {STACK_GRAPHS_MIN}x blast graph's", f"> {ratio:.0f}x (timed out)", ratio >= STACK_GRAPHS_MIN or None)
        elif stack_graphs["error"] is None:
            add(f"stack-graphs CPU ≥ {STACK_GRAPHS_MIN}x blast graph's", f"{ratio:.0f}x", ratio >= STACK_GRAPHS_MIN)
        else:
            add(f"stack-graphs CPU ≥ {STACK_GRAPHS_MIN}x blast graph's", "stack-graphs failed", None)

    cold_real = [r for r in rows if r["kind"] == "diff" and r["run"] == "cold" and r["change_kind"] == "real"]
    if cold_real and graph is not None:
        row = median_row(cold_real, lambda r: r["wall_seconds"])
        ratio = row["wall_seconds"] / graph["wall_seconds"]
        met = None if row["error"] else ratio < COLD_DIFF_MAX
        add(
            f"cold blast diff of the median real change < {COLD_DIFF_MAX:.0%} of blast graph's wall time",
            f"{ratio:.0%} ({row['change']})",
            met,
        )
    elif graph is not None:
        add(f"cold blast diff of the median real change < {COLD_DIFF_MAX:.0%} of blast graph's wall time", "no real change in this corpus", None)

    warm = [r for r in rows if r["kind"] == "diff" and r["run"] == "warm"]
    if warm:
        slowest = max(warm, key=lambda r: r["wall_seconds"])
        met = None if any(r["error"] for r in warm) else slowest["wall_seconds"] < WARM_DIFF_MAX_SECONDS
        add(
            f"warm blast diff < {WARM_DIFF_MAX_SECONDS * 1000:.0f} ms wall, every change",
            f"{slowest['wall_seconds'] * 1000:.0f} ms (slowest: {slowest['change']})",
            met,
        )

    if graph is not None and parsed and parsed["total"]["lines"]:
        megabytes = graph["max_rss_kib"] * 1024 / 1e6
        per_million = megabytes / (parsed["total"]["lines"] / 1e6)
        add(
            f"blast graph peak RSS < {MEMORY_MAX_MB_PER_MILLION_LINES} MB per million lines",
            f"{per_million:.0f} MB ({megabytes:.0f} MB for {parsed['total']['lines'] / 1e6:.2f} M lines)",
            per_million < MEMORY_MAX_MB_PER_MILLION_LINES,
        )
    return targets


# ---------------------------------------------------------------------------
# Output


def render_corpus(result):
    lines = []
    parsed = result.get("parsed")
    label = f"{result['name']} ({'quick' if result['quick'] else 'full'})"
    tracked_files = sum(c["files"] for c in result["tracked"].values())
    lines.append(f"## {label}: {result['repo']}")
    floor_cpu = floor_wall = files = megabytes = None
    if parsed is None:
        lines.append(f"{tracked_files} tracked files; the floor failed, so no parsed counts and no ratios")
    else:
        total = parsed["total"]
        per_language = ", ".join(
            f"{lang} {counts['files']}" for lang, counts in parsed["languages"].items() if counts["files"]
        )
        lines.append(
            f"{tracked_files} tracked files; blast parses {total['files']} ({per_language or 'none'}), "
            f"{total['bytes'] / 1e6:.1f} MB, {total['lines']:,} lines; "
            f"{parsed['skipped']} source files skipped (too large, binary or not UTF-8)"
        )
        if result["rows"][0]["error"] is None:
            floor_cpu = parsed["floor_cpu_seconds"]
            floor_wall = parsed["floor_wall_seconds"]
        files = total["files"]
        megabytes = total["bytes"] / 1e6

    lines.append("")
    lines.append(
        "| step | wall s | CPU s | files/CPU-s | MB/CPU-s | peak RSS MB | CPU / floor | wall / floor | result |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in result["rows"]:
        cpu = row["cpu_seconds"]
        wall = row["wall_seconds"]
        rate_files = f"{files / cpu:,.0f}" if files and cpu > 0 else "-"
        rate_mb = f"{megabytes / cpu:.2f}" if megabytes and cpu > 0 else "-"
        cpu_ratio = f"{cpu / floor_cpu:.2f}" if floor_cpu else "-"
        wall_ratio = f"{wall / floor_wall:.2f}" if floor_wall else "-"
        rss = f"{'≤ ' if row['max_rss_is_upper_bound'] else ''}{row['max_rss_kib'] * 1024 / 1e6:.0f}"
        outcome = row["error"] or row["detail"]
        lines.append(
            f"| {row['step']} | {wall:.2f} | {cpu:.2f} | {rate_files} | {rate_mb} | {rss} | "
            f"{cpu_ratio} | {wall_ratio} | {outcome} |"
        )
    lines.append("")
    lines.append(render_real_changes(result["real_changes"]))
    lines.append("")
    for note in result["notes"]:
        lines.append(f"- {note}")

    lines.append("")
    lines.append("| target | measured | met |")
    lines.append("|---|---|---|")
    for target in result["targets"]:
        met = {True: "yes", False: "no", None: "not measured"}[target["met"]]
        lines.append(f"| {target['target']} | {target['value']} | {met} |")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", choices=CORPORA, help="corpus to measure; repeatable (default: all)")
    parser.add_argument("--quick", action="store_true", help="use the small subsets of the corpora")
    parser.add_argument(
        "--work",
        default=str(Path(tempfile.gettempdir()) / "blast-bench"),
        help="folder for the corpora, as for benches/corpus/build.py (default: %(default)s)",
    )
    parser.add_argument("--blast", default=default_binary("blast"), help="blast binary (default: %(default)s)")
    parser.add_argument("--floor", default=default_binary("blast-floor"), help="blast-floor binary (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds before one command is killed (default: %(default)s)")
    parser.add_argument(
        "--change",
        action="append",
        metavar="ID",
        help="measure only this change of each corpus, by the id in its corpus.json (repeatable; default: all)",
    )
    parser.add_argument(
        "--stack-graphs-timeout",
        type=float,
        default=3600,
        help="seconds before stack-graphs indexing is killed; its row then gives a lower bound (default: %(default)s)",
    )
    parser.add_argument("--no-warm", action="store_true", help="run each blast diff once (cold only)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="run the floor and blast graph N times each, in turns, and keep each one's least CPU time (default: %(default)s)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the raw results to FILE")
    args = parser.parse_args()

    check_binary(args.blast, "cargo build --release -p blast-cli")
    check_binary(args.floor, "cargo build --release -p blast-bench")
    machine = machine_description()
    print(
        f"# blast speed, {machine['date']}\n\n"
        f"{machine['nproc']} CPUs ({machine['cpu_model']}), Linux {machine['kernel']}, Python {machine['python']}, "
        f"{machine['memory_gib']:.1f} GiB of memory, "
        f"load average {format_load(machine['load_average_at_start'])} (1, 5, 15 min) at the start; "
        f"this script's checkout is at {machine['blast_commit'][:12]}"
        + (" with uncommitted changes" if machine["work_tree_modified"] else "")
        + f"\nblast: {args.blast}\nfloor: {args.floor}\n"
        "Rates are the corpus's parsed files and bytes per CPU-second of the step. "
        "CPU / floor and wall / floor divide by the floor's parse + query time. "
        "A peak RSS marked ≤ is this script's own peak, which Linux reports for a child that used less.\n",
        flush=True,
    )
    results = []
    failed = False
    for name in args.corpus or CORPORA:
        print(f"{name}: building or reusing the corpus", file=sys.stderr, flush=True)
        description = build_corpus(name, args.work, args.quick)
        result = measure_corpus(description, args.blast, args.floor, args)
        results.append(result)
        failed |= any(row["error"] for row in result["rows"] if row["kind"] != "stack-graphs")
        print(render_corpus(result), flush=True)
    machine["load_average_at_end"] = os.getloadavg()
    print(f"load average {format_load(machine['load_average_at_end'])} (1, 5, 15 min) at the end")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "corpora": results}, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
