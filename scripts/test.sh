#!/usr/bin/env bash
# Runs every test: installs missing packages, configures and builds with
# warnings as errors, then runs unit, integration (real redis-server and
# service processes) and lint tests through CTest. Safe to re-run.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh -L unit         # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

build_dir="${MR_BUILD_DIR:-build/ci}"
jobs="${MR_JOBS:-$(nproc)}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMR_WERROR=ON
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" "$@"
