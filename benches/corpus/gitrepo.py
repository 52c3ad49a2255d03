"""Git helpers for the benchmark corpora: a repository with fixed author,
committer and dates, so that rebuilding a corpus from the same sources gives
the same commit ids, and the corpus description file next to it."""

import json
import os
import shutil
import subprocess
from pathlib import Path

# Fixed identity and time for every commit, so commit ids depend only on the
# trees and the messages.
COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "blast benchmark",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "blast benchmark",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
}


def git(repo, *args, capture=False, stdin=None):
    """Run git in `repo`, and return its standard output when `capture` is set."""
    env = dict(os.environ, **COMMIT_ENV)
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=env,
        input=stdin,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        check=True,
    )
    return result.stdout.decode() if capture else None


def init(repo):
    """Create an empty repository at `repo`, which must not exist yet."""
    repo = Path(repo)
    if repo.exists():
        raise SystemExit(f"{repo} already exists: remove it or pass another --work folder")
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "core.autocrlf", "false")
    return repo


def commit_all(repo, message):
    """Stage everything in the work tree, commit it and return the commit id."""
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD", capture=True).strip()


def replace_dir(target, source):
    """Make `target` an exact copy of the folder `source`."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True)


def export_tree(repo, rev, dest):
    """Write the files of `rev` in `repo` to the new folder `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", rev],
        stdout=subprocess.PIPE,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def write_description(corpus_dir, description):
    """Store the corpus description (`corpus.json`) next to its repository."""
    path = Path(corpus_dir) / "corpus.json"
    path.write_text(json.dumps(description, indent=2) + "\n")
    return path


def read_description(corpus_dir):
    """Return the stored corpus description, or None when the corpus is not built."""
    path = Path(corpus_dir) / "corpus.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())
