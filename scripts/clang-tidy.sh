#!/usr/bin/env bash
# Runs clang-tidy (the repo's .clang-tidy) over every C++ source we own,
# using the compile commands of a configured build directory.
#   scripts/clang-tidy.sh [build-dir]     (default build/ci)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build/ci}"
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "no $build_dir/compile_commands.json: configure first (scripts/test.sh does)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files -- 'common/*.cc' 'services/*.cc' 'tools/*.cc' 'tests/*.cc' 'bench/*.cc')
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$build_dir" --quiet >"$report" 2>/dev/null || true
if grep -qE '(warning|error):' "$report"; then
  cat "$report"
  echo "clang-tidy: findings above" >&2
  exit 1
fi
echo "clang-tidy: ${#files[@]} files clean"
