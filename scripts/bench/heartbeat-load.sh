#!/usr/bin/env bash
# Session heartbeat benchmark: a release server pinned to core 0 (one event loop), the heartbeat
# generator pinned to core 1, and in redis mode a throwaway redis-server on core 1 beside it. The
# generator creates SESSIONS sessions over AGENTS agents (default SESSIONS / 2: a console and a
# softphone each), then heartbeats each one every 5 s for DURATION seconds (SESSIONS / 5 heartbeats
# per second over 128 keep-alive connections). Prints one summary per mode: ack latency
# percentiles and the generator's own send delay, the CPU of the server and of the generator, and,
# measured inside the heartbeat phase, Redis's CPU, commands per second and the server's Redis round
# trips per second. Keeps each JSON summary in $OUT. REDIS_CPU moves
# redis-server to another core (default 1, the generator's; 0 is the server's). REDIS_SCHED
# schedules it: beating (the default) is normal during set-up and SCHED_IDLE from the first
# heartbeat line on; idle is SCHED_IDLE throughout, nice nice 19, normal never changed. Beside the
# generator, a normal Redis holds it off for each write burst (12-17 ms of Redis CPU per
# coalescing window at 20,000 beats/s), and the beats the generator sends late count as ack
# latency; in SCHED_IDLE Redis takes only the time the generator leaves (most of core 1), and the
# generator preempts it when a beat is due. In set-up the generator can fill core 1 and starve an
# idle Redis, so it stays normal until then. BIN runs a
# switchboard binary built before (an A/B comparison) instead of building this checkout.
#   scripts/bench/heartbeat-load.sh [DURATION] [SESSIONS] [MODES...]     (modes: redis memory)
# e.g. scripts/bench/heartbeat-load.sh 30 100000 redis memory
#      SCRATCH=.build-other scripts/bench/heartbeat-load.sh 10 10000 memory
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-30}; sessions=${2:-100000}; shift $(( $# > 2 ? 2 : $# ))
modes=("$@"); [ ${#modes[@]} -eq 0 ] && modes=(redis memory)
for mode in "${modes[@]}"; do
    case "$mode" in redis|memory) ;; *) echo "heartbeat-load: unknown mode $mode (redis or memory)" >&2; exit 64;; esac
done
if [[ " ${modes[*]} " == *" redis "* ]]; then
    source scripts/lib/ensure-packages.sh
    ensure_packages redis-server
fi
scratch=${SCRATCH:-.build}
agents=${AGENTS:-$(( sessions / 2 > 0 ? sessions / 2 : 1 ))}
redis_cpu=${REDIS_CPU:-1}
case ${REDIS_SCHED:=beating} in
    normal|beating) redis_sched=() ;;
    idle) redis_sched=(chrt --idle 0) ;;
    nice) redis_sched=(nice -n 19) ;;
    *) echo "heartbeat-load: unknown REDIS_SCHED $REDIS_SCHED (beating, normal, idle or nice)" >&2; exit 64 ;;
esac
port=${PORT:-18383}; redis_port=${REDIS_PORT:-16399}; key=bench-admin-key-0123456789
out=${OUT:-/tmp/switchboard-bench}
mkdir -p "$out"
if [ -n "${BIN:-}" ]; then bin=$BIN; else
    swift build -c release --product switchboard --scratch-path "$scratch" >/dev/null
    bin=$scratch/release/switchboard
fi
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

rcli() { taskset -c "$redis_cpu" redis-cli -p "$redis_port" "$@"; }

# One reading of Redis: the time, `cmdstat_NAME calls` lines, and its CPU (user + system) in
# milliseconds.
redis_snapshot() {
    date +%s.%N
    rcli INFO cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { ms += $2 * 1000 } END { printf "cpu_ms %d\n", ms }'
    rcli INFO commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p'
    rcli INFO stats | tr -d '\r' | sed -n 's/^total_commands_processed:\([0-9]*\)/total_commands_processed \1/p'
    # The server's own count of writes to Redis: each is one pipelined round trip.
    curl -sf "http://127.0.0.1:$port/metrics" | sed -n 's/^switchboard_redis_writes_total \([0-9]*\).*/round_trips \1/p'
}

start_redis() {
    mkdir -p "$work/redis"
    taskset -c "$redis_cpu" "${redis_sched[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$work/redis" --logfile "$work/redis/log" &
    redis_pid=$!; pids+=("$redis_pid")
    for _ in $(seq 50); do rcli PING 2>/dev/null | grep -q PONG && return; sleep 0.1; done
    echo "heartbeat-load: redis-server did not start" >&2; cat "$work/redis/log" >&2; exit 1
}

run_mode() {
    local mode=$1 redis_env=()
    rm -f "$work/first" "$work/last"
    if [ "$mode" = redis ]; then start_redis; redis_env=(REDIS_URL="redis://127.0.0.1:$redis_port/0"); fi
    mkdir -p "$work/$mode"
    env "${redis_env[@]}" NIO_SINGLETON_GROUP_LOOP_COUNT=1 taskset -c 0 "$bin" serve --port "$port" \
        --data-dir "$work/$mode" --api-keys "$key:admin" --rate-limit 0 --log-level warning &
    local server=$!; pids+=("$server")
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
    echo "== $mode: $sessions sessions of $agents agents, one heartbeat each every 5 s for ${duration} s"
    if [ "$mode" = redis ]; then echo "redis-server on core $redis_cpu, REDIS_SCHED=$REDIS_SCHED"; fi
    # Progress lines pass through to stderr; Redis is read at the first and the last lines of the
    # heartbeat phase (from the DURATION-3rd on: a loaded generator can merge two seconds into one
    # line), so the rate covers only steady heartbeating (no set-up, no drain). Only there: a
    # scrape of /metrics every second is load of its own.
    taskset -c 1 "$bin" heartbeats --port "$port" --api-key "$key" --sessions "$sessions" --agents "$agents" \
        --interval 5 --duration "$duration" --connections 128 --server-pid "$server" \
        --json "$out/heartbeats-$mode.json" 2>&1 >/dev/null |
        { seen=0
        while IFS= read -r line; do
            printf '%s\n' "$line" >&2
            if [ "$mode" = redis ] && [[ "$line" == *" heartbeats "* ]]; then
                seen=$((seen + 1))
                if [ "$seen" -eq 1 ]; then
                    # Every Redis thread, from here to the end of the run (see REDIS_SCHED above).
                    if [ "$REDIS_SCHED" = beating ]; then chrt --all-tasks --idle --pid 0 "$redis_pid"; fi
                    redis_snapshot > "$work/first"
                elif [ "$seen" -ge $((duration - 3)) ]; then redis_snapshot > "$work/last"; fi
            fi
        done; }
    python3 - "$out/heartbeats-$mode.json" "$work/first" "$work/last" <<'PY'
import json, os, sys
report = json.load(open(sys.argv[1]))
s, hb, lat, srv = report["sessions"], report["heartbeats"], report["latencyMs"], report.get("server") or {}
beats = hb["beats"]
print(f"sessions={s['created']}/{s['requested']} created/s={s['perSecond']} "
      f"beats scheduled={hb['scheduled']} sent={beats['sent']} ok={beats['acknowledged']} "
      f"non204={json.dumps(beats['otherStatus'])} conn_errors={beats['connectionErrors']} "
      f"timeouts={beats['timedOut']} skipped={beats['skipped']} unsent={beats['unsent']} "
      f"sent/s={hb['sentPerSecond']}")
print(f"ack latency p50={lat['p50']}ms p90={lat['p90']}ms p99={lat['p99']}ms p99.9={lat['p99_9']}ms "
      f"max={lat['max']}ms  server_cpu={srv.get('cpuPercent')}% of one core  "
      f"rss={(srv.get('rssEndKiB') or 0) / 1024:.1f}MiB")
send = report.get("sendDelayMs") or {}
print(f"generator send delay (scheduled time to the request's write, a part of the latency above) p50={send.get('p50')}ms "
      f"p99={send.get('p99')}ms p99.9={send.get('p99_9')}ms max={send.get('max')}ms")
print(f"generator_cpu={report.get('generatorCPUPercent')}% of one core over the measured phase")
calm = report.get("calmLatencyMs")
if calm is not None:
    print(f"calm seconds (VM host steal under 2 % on every CPU): {report.get('calmSeconds')} of the measured phase, "
          f"ack latency in them p50={calm.get('p50')}ms p90={calm.get('p90')}ms p99={calm.get('p99')}ms "
          f"p99.9={calm.get('p99_9')}ms max={calm.get('max')}ms")
if not (os.path.exists(sys.argv[2]) and os.path.exists(sys.argv[3])):
    sys.exit(0)
def load(path):
    lines = open(path).read().split("\n")
    return float(lines[0]), {k: int(v) for k, v in (l.split() for l in lines[1:] if l.strip())}
t0, a = load(sys.argv[2]); t1, b = load(sys.argv[3])
if t1 - t0 < 1:
    print("redis: heartbeat phase too short to measure (need DURATION >= 3)")
    sys.exit(0)
seconds = t1 - t0
# This script's own INFO calls are left out: three per reading.
def rate(name): return (b.get(name, 0) - a.get(name, 0)) / seconds
print(f"redis_cpu={rate('cpu_ms') / 10:.1f}% of one core (INFO cpu over {seconds:.1f} s of heartbeating)")
total = rate("total_commands_processed") - rate("info")
calls = {k: rate(k) for k in b if k not in ("info", "total_commands_processed", "round_trips", "cpu_ms")}
top = ", ".join(f"{k}={v:.1f}/s" for k, v in sorted(calls.items(), key=lambda kv: -kv[1]) if v > 0)
print(f"redis commands/s={total:.1f} (total_commands_processed over {seconds:.1f} s of heartbeating, "
      f"this script's INFO excluded); per command: {top or 'none'}")
print(f"redis round trips/s={rate('round_trips'):.1f} (the server's switchboard_redis_writes_total)")
PY
    kill "$server"; wait "$server" 2>/dev/null || true
    if [ "$mode" = redis ]; then rcli SHUTDOWN NOSAVE >/dev/null 2>&1 || true; fi
}

# This VM's speed moves from hour to hour (2026-12-03: the same loop took 1.29-1.84 s): a fixed
# loop on each core first, so runs on different days can be told apart from code changes.
for core in 0 1; do
    taskset -c "$core" python3 -c 'import time
t = time.perf_counter()
s = 0
for i in range(10_000_000): s += i
print(f"machine: 10 M Python additions on core '"$core"' took {time.perf_counter() - t:.2f} s")'
done
for mode in "${modes[@]}"; do run_mode "$mode"; done
