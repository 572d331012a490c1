#!/usr/bin/env bash
# Runs the README's demo once (--smoke) on its own ports and checks that it
# succeeded and showed each service and a search answer. Its fixed ports lie
# below the kernel's ephemeral range (32768-60999 by default), so no client
# socket or FreePort() of a test running beside it can take them first.
#   demo_smoke.sh <build-dir>
set -euo pipefail
build_dir="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
env MR_BUILD_DIR="$build_dir" MR_SKIP_INSTALL=1 MR_DATA_DIR="$build_dir/demo-smoke" \
  MR_REDIS_PORT=16379 MR_SEARCH_PORT=21051 MR_SCORING_PORT=21052 MR_OUTREACH_PORT=21053 \
  MR_CAMPAIGN_PORT=21054 MR_SEARCH_METRICS_PORT=19464 MR_SCORING_METRICS_PORT=19465 \
  MR_OUTREACH_METRICS_PORT=19466 MR_CAMPAIGN_METRICS_PORT=19467 MR_DEMO_CREATORS=5000 \
  "$root/scripts/demo.sh" --smoke >"$out" 2>&1 || { cat "$out"; echo "demo.sh failed"; exit 1; }
cat "$out"
for expected in \
  "search grpc=127.0.0.1:21051 metrics=http://127.0.0.1:19464/metrics" \
  "scoring grpc=127.0.0.1:21052 metrics=http://127.0.0.1:19465/metrics" \
  "outreach grpc=127.0.0.1:21053 metrics=http://127.0.0.1:19466/metrics" \
  "campaign grpc=127.0.0.1:21054 metrics=http://127.0.0.1:19467/metrics" \
  "microreach.search.v1.SearchService/SearchCreators" \
  "imported 5000" \
  "total_creators:" \
  "total_size:"; do
  grep -qF "$expected" "$out" || { echo "missing from the demo's output: $expected"; exit 1; }
done
echo "demo smoke: ok"
