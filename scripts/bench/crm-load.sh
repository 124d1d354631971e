#!/usr/bin/env bash
# CRM read benchmark with wrk: a release server pinned to core 0 (one event loop; its storage
# threads share that core), wrk pinned to core 1, 10,000 seeded tickets. Runs on SQLite, then on a
# throwaway PostgreSQL cluster (also on core 1, beside wrk). Prints wrk's summary per route.
#   scripts/bench/crm-load.sh [DURATION_SECONDS] [CONNECTIONS] [BACKENDS...]
# e.g. scripts/bench/crm-load.sh 20 32 sqlite postgresql
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/ensure-packages.sh
ensure_packages wrk postgresql
duration=${1:-20}; connections=${2:-32}; shift $(( $# > 2 ? 2 : $# ))
backends=("$@"); [ ${#backends[@]} -eq 0 ] && backends=(sqlite postgresql)
port=${PORT:-18282}; key=bench-admin-key-0123456789
swift build -c release --product switchboard >/dev/null
work=$(mktemp -d); chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -n "${pgbin:-}" ] && [ -d "$work/pg" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

start_postgres() {
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    mkdir -p "$work/pg" && chown postgres "$work/pg"
    runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust -U switchboard -E UTF8 --no-locale >/dev/null
    runuser -u postgres -- taskset -c 1 "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
        -o "-p 15433 -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null
    "$pgbin/createdb" -h 127.0.0.1 -p 15433 -U switchboard bench
}

run_backend() {
    local backend=$1 url=()
    [ "$backend" = postgresql ] && { start_postgres; url=(--database-url postgresql://switchboard@127.0.0.1:15433/bench); }
    mkdir -p "$work/$backend"
    NIO_SINGLETON_GROUP_LOOP_COUNT=1 taskset -c 0 .build/release/switchboard serve --port "$port" \
        --data-dir "$work/$backend" --api-keys "$key:admin" --rate-limit 0 --log-level warning "${url[@]}" &
    local server=$!; pids+=("$server")
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
    taskset -c 1 python3 scripts/bench/seed-tickets.py "$port" "$key" 10000 "$work/ids.txt"
    # What autovacuum does within a minute of a bulk load: planner statistics for the new rows.
    [ "$backend" = postgresql ] && "$pgbin/psql" -q -h 127.0.0.1 -p 15433 -U switchboard bench -c ANALYZE
    cat > "$work/get.lua" <<LUA
local ids = {}
for line in io.lines("$work/ids.txt") do ids[#ids + 1] = line end
math.randomseed(1)
request = function()
    return wrk.format("GET", "/v1/tickets/" .. ids[math.random(#ids)], { ["X-API-Key"] = "$key" })
end
LUA
    cat > "$work/list.lua" <<LUA
wrk.headers["X-API-Key"] = "$key"
LUA
    echo "== $backend: GET /v1/tickets/{id} (random of 10,000)"
    taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/get.lua" "http://127.0.0.1:$port" \
        | grep -E "Requests/sec|Latency|99%|Non-2xx"
    echo "== $backend: GET /v1/tickets?status=open (first page of 50)"
    taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/list.lua" \
        "http://127.0.0.1:$port/v1/tickets?status=open" | grep -E "Requests/sec|Latency|99%|Non-2xx"
    kill "$server"; wait "$server" 2>/dev/null || true
}

for backend in "${backends[@]}"; do run_backend "$backend"; done
