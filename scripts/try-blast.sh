#!/usr/bin/env bash
# Builds blast, makes a git repository from two released versions of a PyPI
# package (requests 2.31.0, then 2.32.3, by default) and runs
# `blast diff HEAD~1` on it.
#
#   scripts/try-blast.sh [PACKAGE OLD NEW] [-- BLAST DIFF ARGS...]
#   scripts/try-blast.sh flask 3.0.0 3.0.1 -- --format json
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

package=requests old=2.31.0 new=2.32.3
if [[ $# -ge 1 && $1 != -- ]]; then
  if [[ $# -lt 3 || $2 == -- || $3 == -- ]]; then
    echo "usage: $0 [PACKAGE OLD_VERSION NEW_VERSION] [-- BLAST DIFF ARGS...]" >&2
    echo "give all three of PACKAGE, OLD_VERSION and NEW_VERSION, or none for requests 2.31.0 and 2.32.3" >&2
    exit 2
  fi
  package=$1 old=$2 new=$3
  shift 3
fi
[[ ${1:-} == -- ]] && shift

cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml" -p blast-cli
repo=$("$here/pypi-pair.sh" "$package" "$old" "$new")
echo "repository: $repo ($package $old, then $new)" >&2
"${CARGO_TARGET_DIR:-$root/target}/release/blast" -C "$repo" diff HEAD~1 "$@"
