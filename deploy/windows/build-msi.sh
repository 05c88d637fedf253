#!/usr/bin/env bash
# Build Upright's MSI on Linux:  bash deploy/windows/build-msi.sh [VERSION [OUT_DIR]]  ->  dist/upright-VERSION.msi
# Needs wixl (Debian: apt-get install wixl) and PyPI for the first build (downloads are cached in .cache/windows).
# VERSION defaults to the version in pyproject.toml; a higher one upgrades an installed lower one in place.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:-$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)}
python=${PYTHON:-$( [[ -x .venv/bin/python ]] && echo .venv/bin/python || echo python3 )}
program=build/windows/Upright
out=${2:-dist}
work=build/windows/msi
"$python" deploy/windows/runtime.py --out "$program" >/dev/null
mkdir -p "$work" "$out"
# Every file of the program folder as a component, ids and GUIDs fixed by its path (harvest.py).
"$python" deploy/windows/harvest.py "$program" > "$work/files.wxs"
# wixl warns that it ignores Package/@Platform and Property/@Secure: kept for WiX proper; -a x64 sets the platform.
wixl -a x64 -D Version="$version" -D SourceDir="$program" -D Win64=yes \
  -o "$out/upright-$version.msi" deploy/windows/upright.wxs "$work/files.wxs"
echo "$out/upright-$version.msi"
