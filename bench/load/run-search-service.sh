#!/usr/bin/env bash
# Measures the search service end to end on this machine: UpsertCreators
# throughput into an empty SQLite store, then GetCreator through gRPC with a
# warm cache (Redis and search's in-process LRU, sized to hold the whole
# catalog: 512 MiB, or $LOCAL_PROFILE_CACHE_MB), the load generator running on
# the same machine.
#   bench/load/run-search-service.sh [build-dir] [creators]
#   GET_CONCURRENCY="4 8 16 64" (the default) sets the GetCreator runs.
#   PREENCODED=false builds and serializes each upsert message while
#   streaming (default true: encoded before the clock starts).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/release}"
creators="${2:-200000}"
work="$(mktemp -d)"
pids=()
cleanup() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port); grpc_port=$(free_port); metrics_port=$(free_port)
token="bench-token-0123456789abcdef"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" --maxmemory 4gb &
pids+=($!)
"$build/services/search/microreach-search" --grpc_address="127.0.0.1:$grpc_port" \
  --metrics_address="127.0.0.1:$metrics_port" --redis_address="127.0.0.1:$redis_port" \
  --data_dir="$work" --auth_tokens="$token=bench" --drain=0s \
  --local_profile_cache_mb="${LOCAL_PROFILE_CACHE_MB:-512}" 2>"$work/search.log" &
pids+=($!)
"$build/tools/probe/microreach-probe" health --address="127.0.0.1:$grpc_port" --wait=60s >/dev/null
"$build/tools/catalog_gen/microreach-catalog-gen" --count="$creators" --seed=11 \
  --format=binary --output="$work/catalog.pb" 2>/dev/null
load="$build/bench/load/search_load"
echo "creators: $creators, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU seconds (user + system) of a process, from /proc/<pid>/stat.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
search_pid=${pids[1]}; redis_pid=${pids[0]}
s0=$(cpu_seconds "$search_pid"); r0=$(cpu_seconds "$redis_pid")
"$load" --address="127.0.0.1:$grpc_port" --token="$token" --catalog="$work/catalog.pb" --mode=upsert \
  --preencoded="${PREENCODED:-true}"
s1=$(cpu_seconds "$search_pid"); r1=$(cpu_seconds "$redis_pid")
awk -v s0="$s0" -v s1="$s1" -v r0="$r0" -v r1="$r1" -v n="$creators" 'BEGIN {
  printf "upsert CPU: search %.1f s = %.1f us/profile, redis %.1f s\n", s1 - s0, (s1 - s0) * 1e6 / n, r1 - r0 }'
for c in ${GET_CONCURRENCY:-4 8 16 64}; do
  "$load" --address="127.0.0.1:$grpc_port" --token="$token" --catalog="$work/catalog.pb" \
    --mode=get --concurrency="$c" --duration=10s
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
