#!/usr/bin/env bash
# Builds a git repository from two released versions of a PyPI package (one
# commit each, sources from the sdists) and prints its path.
#
#   scripts/pypi-pair.sh PACKAGE OLD NEW [DEST]
#   scripts/pypi-pair.sh requests 2.31.0 2.32.0
#
# Needs python3 with pip (to download the sdists) and git. DEST defaults to a
# new temporary folder; an existing DEST must not hold a repository.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 PACKAGE OLD_VERSION NEW_VERSION [DEST]" >&2
  exit 2
fi
package=$1 old=$2 new=$3
dest=${4:-$(mktemp -d "${TMPDIR:-/tmp}/blast-$package-XXXXXX")}
if [[ -e $dest/.git ]]; then
  echo "$dest already holds a git repository; choose another DEST" >&2
  exit 2
fi
mkdir -p "$dest"
downloads=$(mktemp -d)
trap 'rm -rf "$downloads"' EXIT

unpack() {
  local version=$1 into=$2
  python3 -m pip download --quiet --no-deps --no-binary :all: "$package==$version" -d "$downloads/$version" >/dev/null
  local archive
  archive=$(find "$downloads/$version" -maxdepth 1 -type f \( -name '*.tar.gz' -o -name '*.zip' \) | head -n 1)
  if [[ -z $archive ]]; then
    echo "pip did not download a source archive of $package $version" >&2
    exit 1
  fi
  mkdir -p "$downloads/$version/src"
  case $archive in
    *.zip) python3 -m zipfile -e "$archive" "$downloads/$version/src" ;;
    *) tar -xzf "$archive" -C "$downloads/$version/src" ;;
  esac
  # The archive holds one top-level folder, NAME-VERSION.
  local top
  top=$(find "$downloads/$version/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  find "$into" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -R "$top/." "$into/"
}

git -C "$dest" init -q
git -C "$dest" config user.name "blast example"
git -C "$dest" config user.email "example@example.invalid"
git -C "$dest" config core.autocrlf false
unpack "$old" "$dest"
git -C "$dest" add -A && git -C "$dest" commit -q -m "$package $old"
unpack "$new" "$dest"
git -C "$dest" add -A && git -C "$dest" commit -q -m "$package $new"
echo "$dest"
