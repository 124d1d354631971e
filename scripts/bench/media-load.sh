#!/usr/bin/env bash
# Media load benchmark: a release server pinned to core 0 (one event loop) and the load generator
# pinned to core 1, on loopback. Prints one summary line per run and keeps each JSON summary.
#   scripts/bench/media-load.sh CALLS [DURATION] [extra loadgen flags...]
# e.g. scripts/bench/media-load.sh 1000 30
#      scripts/bench/media-load.sh 1100 65 --stall 1000 --stall-after 5
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:?calls}; duration=${2:-30}; shift $(( $# > 1 ? 2 : 1 ))
port=${PORT:-18181}
out=${OUT:-/tmp/switchboard-bench}
mkdir -p "$out"
swift build -c release --product switchboard >/dev/null
data=$(mktemp -d)
NIO_SINGLETON_GROUP_LOOP_COUNT=1 taskset -c 0 .build/release/switchboard serve --port "$port" \
    --data-dir "$data" --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
before=$(ticks); started=$(date +%s.%N)
taskset -c 1 .build/release/switchboard loadgen --port "$port" --calls "$calls" --duration "$duration" \
    --server-pid "$server" ${QUIET---quiet} --json "$out/run-$calls.json" "$@"
after=$(ticks); ended=$(date +%s.%N)
python3 - "$out/run-$calls.json" "$before" "$after" "$started" "$ended" "$(getconf CLK_TCK)" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[6]) / (float(sys.argv[5]) - float(sys.argv[4]))
lat, frames, calls = report["latencyMs"], report["frames"], report["calls"]
rss = report.get("serverMemory", report.get("serverRSS", {}))
print(f"calls={calls['connected']}/{calls['requested']} failed={calls['failed']} "
      f"sent={frames['sent']} echoed={frames['echoed']} lost={frames['lost']} gaps={frames['gaps']} "
      f"p50={lat['p50']}ms p90={lat['p90']}ms p99={lat['p99']}ms p99.9={lat['p99_9']}ms max={lat['max']}ms "
      f"server_cpu={cpu*100:.0f}% rss={json.dumps(rss)}")
PY
