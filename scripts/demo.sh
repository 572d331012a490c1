#!/usr/bin/env bash
# Brings the whole suite up on one machine with the embedded default store
# (SQLite) and a local redis-server, shows it working, and keeps it running
# until Ctrl-C or SIGTERM, then stops everything cleanly. Safe to re-run.
#
#   scripts/demo.sh            # run until Ctrl-C
#   scripts/demo.sh --smoke    # bring up, show, stop (used by the tests)
#
# Ports and paths can be overridden: MR_SEARCH_PORT, MR_SCORING_PORT,
# MR_OUTREACH_PORT, MR_CAMPAIGN_PORT, MR_SEARCH_METRICS_PORT, ...,
# MR_REDIS_PORT, MR_DATA_DIR, MR_BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

smoke=0
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

[ "${MR_SKIP_INSTALL:-0}" = 1 ] || scripts/install-deps.sh

build_dir="${MR_BUILD_DIR:-build/release}"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMR_BUILD_TESTS=OFF
fi
services=(search scoring outreach campaign)
cmake --build "$build_dir" -j "$(nproc)" --target microreach-probe microreach-call \
  microreach-import microreach-catalog-gen "${services[@]/#/microreach-}"

data_dir="${MR_DATA_DIR:-$root/var/demo}"
mkdir -p "$data_dir/redis" "$data_dir/logs"
redis_port="${MR_REDIS_PORT:-6379}"
declare -A grpc_port=(
  [search]="${MR_SEARCH_PORT:-50051}" [scoring]="${MR_SCORING_PORT:-50052}"
  [outreach]="${MR_OUTREACH_PORT:-50053}" [campaign]="${MR_CAMPAIGN_PORT:-50054}")
declare -A metrics_port=(
  [search]="${MR_SEARCH_METRICS_PORT:-9464}" [scoring]="${MR_SCORING_METRICS_PORT:-9465}"
  [outreach]="${MR_OUTREACH_METRICS_PORT:-9466}" [campaign]="${MR_CAMPAIGN_METRICS_PORT:-9467}")
# A fixed demo token; real deployments pass their own with --auth_tokens_file.
demo_token="demo-token-0123456789abcdef"

pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ "${#pids[@]}" -gt 0 ]; then
    echo "stopping..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  echo "stopped; data and logs are in $data_dir"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$redis_port" "${grpc_port[@]}" "${metrics_port[@]}"; do
  if port_busy "$p"; then
    echo "port $p is already in use (is another demo running?); override with MR_*_PORT" >&2
    exit 1
  fi
done

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data_dir/redis" --save "" \
  --appendonly no --logfile "$data_dir/logs/redis.log" &
pids+=($!)

for s in "${services[@]}"; do
  "$build_dir/services/$s/microreach-$s" \
    --grpc_address="127.0.0.1:${grpc_port[$s]}" \
    --metrics_address="127.0.0.1:${metrics_port[$s]}" \
    --redis_address="127.0.0.1:$redis_port" \
    --search_address="127.0.0.1:${grpc_port[search]}" \
    --scoring_address="127.0.0.1:${grpc_port[scoring]}" \
    --outreach_address="127.0.0.1:${grpc_port[outreach]}" \
    --data_dir="$data_dir" \
    --auth_tokens="$demo_token=demo" \
    --drain=1s \
    2>"$data_dir/logs/$s.log" &
  pids+=($!)
done

probe="$build_dir/tools/probe/microreach-probe"
for s in "${services[@]}"; do
  if ! "$probe" health --address="127.0.0.1:${grpc_port[$s]}" --wait=60s >/dev/null; then
    echo "$s did not become SERVING; last log lines:" >&2
    tail -n 20 "$data_dir/logs/$s.log" >&2
    exit 1
  fi
done

for s in "${services[@]}"; do
  echo "$s grpc=127.0.0.1:${grpc_port[$s]} metrics=http://127.0.0.1:${metrics_port[$s]}/metrics"
done
echo
echo "Services and their RPCs (server reflection):"
for s in "${services[@]}"; do
  "$probe" list --address="127.0.0.1:${grpc_port[$s]}" | grep -v '^grpc\.' | sed 's/^/  /'
done

# Data: a synthetic catalog (deterministic, so re-runs change nothing) and,
# where present, the real 2022 exports.
call="$build_dir/tools/call/microreach-call"
import="$build_dir/tools/importer/microreach-import"
search_addr="127.0.0.1:${grpc_port[search]}"
catalog_size="${MR_DEMO_CREATORS:-20000}"
echo
echo "Loading $catalog_size synthetic creators into search..."
"$build_dir/tools/catalog_gen/microreach-catalog-gen" --count="$catalog_size" --seed=7 \
  --format=binary --output="$data_dir/synthetic.pb" 2>/dev/null
"$import" --input="$data_dir/synthetic.pb" --target="$search_addr" --token="$demo_token" \
  --errors="$data_dir/logs/import-synthetic-errors.csv" 2>&1 | tail -n 1 | sed 's/^/  /'
exports="${MR_DEMO_DATA:-$root/../shared/data/social-influencers-2022}"
if [ -d "$exports" ]; then
  echo "Importing the 2022 exports from $exports (growth from the September snapshots)..."
  for platform in instagram tiktok youtube; do
    "$import" --input="$exports/$platform-dec-2022.csv" --previous="$exports/$platform-sep-2022.csv" \
      --target="$search_addr" --token="$demo_token" \
      --errors="$data_dir/logs/import-$platform-errors.csv" 2>&1 | tail -n 1 | sed "s/^/  $platform: /"
  done
fi

echo
echo "Catalog:"
"$call" --address="$search_addr" --token="$demo_token" \
  microreach.search.v1.SearchService/GetCatalogStats | grep -E '^(total_creators|catalog_version)' |
  sed 's/^/  /'
echo
echo "Search: micro fitness creators with an audience at least 30% in the US, by engagement:"
"$call" --address="$search_addr" --token="$demo_token" \
  microreach.search.v1.SearchService/SearchCreators '
    filter {
      creator { tiers { include: TIER_MICRO } categories { include: CATEGORY_FITNESS } }
      audience { countries { include: "US" min_share: 0.3 } }
    }
    sort { field: SORT_FIELD_ENGAGEMENT_RATE }
    page_size: 5 view: CREATOR_VIEW_BASIC facets: FACET_FIELD_PLATFORM' |
  grep -E '^ *(handle|country_code|engagement_rate|total_size):' | sed 's/^ */  /'
echo
echo "Calls need 'authorization: Bearer $demo_token' (workspace \"demo\"), e.g.:"
echo "  $call --address=$search_addr --token=$demo_token \\"
echo "    microreach.search.v1.SearchService/SearchCreators 'query: \"running\" page_size: 3'"

if [ "$smoke" = 1 ]; then
  exit 0
fi
echo "Running; press Ctrl-C to stop."
wait -n "${pids[@]}" || true
echo "a process exited; see $data_dir/logs" >&2
exit 1
