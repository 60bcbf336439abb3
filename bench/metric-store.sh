#!/usr/bin/env bash
# The metric store at scale (issue 15), through the HTTP API of the packaged service on a fresh embedded
# PostgreSQL (its durable default settings): one client uploads JSON batches of 100,000 points
# sequentially; queries are the median of 7 timed GETs after one warm-up.
#   1. run A: 1e6 points of one series (steps 0..999,999)      -> ingest rate
#   2. run B: 1e7 points of one series (steps 0..9,999,999)    -> ingest rate
#   3. queries: A whole at maxPoints=500, B whole at 500, a 1e5-step window of B at 500, a 400-step raw window
#   4. bytes per point on disk: the metric tables with their indexes and TOAST, over the points stored
#   5. DELETE of run A (1e6 points), when the service has the endpoint
#   6. with "1e8": 90 more runs of 1e6 points (A's batches again; A is deleted by then) -> 1e8 points; ingest, size and
#      the queries again on the big table
#   7. with LOAD_TEST=1: bench/load-test.sh 200 60 (reads while a run trains) on its own service, and its p99
#      and its server-side mean over the mix, weighted by requests
# Usage: [LOAD_TEST=1] bench/metric-store.sh [1e7|1e8]   (JAR=path/to/quarkus-run.jar to time another build)
# Needs python3, curl and psql. Prints as its last line:
#   ingest_1e6_points_per_s=… ingest_1e7_points_per_s=… query_1e6_ms=… query_1e7_ms=… query_1e5_window_ms=…
#   query_400_ms=… bytes_per_point=… delete_1e6_ms=… [table_points=… ingest_1e8_points_per_s=…
#   bytes_per_point_1e8=… query_1e7_in_1e8_ms=… query_1e6_in_1e8_ms=…] [load_p99_ms=… load_server_mean_ms=…
#   load_errors=…] load_avg=…
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1e7}
jar=${JAR:-target/quarkus-app/quarkus-run.jar}
[ -f "$jar" ] || ./mvnw -q package -DskipTests
data=$(mktemp -d)
port=${METRIC_STORE_PORT:-18084}
java -Dtwophase.embedded-postgres.data-dir="$data/pg" -Dquarkus.http.port=$port -Dtwophase.role=api \
     -jar "$jar" >"$data/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do curl -sf "localhost:$port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
auth="Authorization: Bearer $(cat "$data/api-token")"
pgport=$(grep -o 'embedded PostgreSQL started in [0-9]* ms on port [0-9]*' "$data/service.log" | grep -o '[0-9]*$')
export PGPASSWORD; PGPASSWORD=$(cat "$data/pg.password")
sql() { psql -qtAX -h localhost -p "$pgport" -U postgres -d postgres -c "$1"; }

new_run() {
  curl -sf -H "$auth" -XPOST -H 'Content-Type: application/json' "localhost:$port/api/v1/experiments" \
       -d "{\"name\": \"bench-$1\", \"external\": true}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["id"])'
}
# batch<k>.json: 100,000 points of test_loss at steps k*1e5 .. k*1e5+99,999 (a sine with noise)
python3 - "$data" <<'PY'
import json, math, random, sys
random.seed(1)
for b in range(100):
    pts = [{"name": "test_loss", "step": s, "value": math.sin(s / 5000) + random.random() * 0.1}
           for s in range(b * 100_000, (b + 1) * 100_000)]
    with open(f"{sys.argv[1]}/batch{b}.json", "w") as f:
        json.dump({"points": pts}, f)
PY
upload() {  # run, first batch, last batch; prints the seconds it took
  local start; start=$(date +%s.%N)
  for b in $(seq "$2" "$3"); do
    curl -sf -H "$auth" -XPOST -H 'Content-Type: application/json' --data-binary "@$data/batch$b.json" \
         "localhost:$port/api/v1/runs/$1/metrics" >/dev/null
  done
  python3 -c "print($(date +%s.%N) - $start)"
}
rate() { python3 -c "print(round($1 / $2))"; }
median_ms() {
  curl -sf -H "$auth" -o /dev/null "$1"
  for _ in $(seq 1 7); do curl -sf -H "$auth" -o /dev/null -w '%{time_total}\n' "$1"; done \
    | sort -n | sed -n 4p | python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000, 1))'
}
bytes_per_point() {
  sql "SELECT round(sum(pg_total_relation_size(c.oid))::numeric / $1, 2) FROM pg_class c
        WHERE c.relkind = 'r' AND c.relname IN ('metric_point', 'metric_series', 'metric_chunk', 'metric_rollup')"
}

run_a=$(new_run a); run_b=$(new_run b)
ingest_a=$(rate 1000000 "$(upload "$run_a" 0 9)")
ingest_b=$(rate 10000000 "$(upload "$run_b" 0 99)")
sql "CHECKPOINT" >/dev/null
q6=$(median_ms "localhost:$port/api/v1/runs/$run_a/metrics?name=test_loss&maxPoints=500")
q7=$(median_ms "localhost:$port/api/v1/runs/$run_b/metrics?name=test_loss&maxPoints=500")
q5=$(median_ms "localhost:$port/api/v1/runs/$run_b/metrics?name=test_loss&fromStep=5000000&toStep=5099999&maxPoints=500")
q4=$(median_ms "localhost:$port/api/v1/runs/$run_b/metrics?name=test_loss&fromStep=5000000&toStep=5000399")
bpp=$(bytes_per_point 11000000)
start=$(date +%s.%N)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" -XDELETE "localhost:$port/api/v1/runs/$run_a")
del=$( [ "$code" = 204 ] && python3 -c "print(round(($(date +%s.%N) - $start) * 1000, 1))" || echo "n/a($code)")
line="ingest_1e6_points_per_s=$ingest_a ingest_1e7_points_per_s=$ingest_b query_1e6_ms=$q6 query_1e7_ms=$q7"
line="$line query_1e5_window_ms=$q5 query_400_ms=$q4 bytes_per_point=$bpp delete_1e6_ms=$del"

if [ "$scale" = 1e8 ]; then
  runs=()
  for i in $(seq 1 90); do runs+=("$(new_run "c$i")"); done
  start=$(date +%s.%N)
  for r in "${runs[@]}"; do upload "$r" 0 9 >/dev/null; done
  big=$(rate 90000000 "$(python3 -c "print($(date +%s.%N) - $start)")")
  points=$(sql "SELECT sum(n) FROM metric_rollup WHERE shift = 40")
  sql "CHECKPOINT" >/dev/null
  line="$line table_points=$points ingest_1e8_points_per_s=$big bytes_per_point_1e8=$(bytes_per_point "$points")"
  line="$line query_1e7_in_1e8_ms=$(median_ms "localhost:$port/api/v1/runs/$run_b/metrics?name=test_loss&maxPoints=500")"
  line="$line query_1e6_in_1e8_ms=$(median_ms "localhost:$port/api/v1/runs/${runs[44]}/metrics?name=test_loss&maxPoints=500")"
fi
if [ "${LOAD_TEST:-0}" = 1 ]; then
  # Reads while a run trains: bench/load-test.sh at 200 requests/s for 60 s, on its own service.
  kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
  bench/load-test.sh 200 60 >"$data/load.out" 2>&1 || true
  line="$line $(python3 - "$data/load.out" <<'PY'
import re, sys
out = open(sys.argv[1]).read()
n = s = 0
for count, mean in re.findall(r"^  /api\S+ \d+\s+(\d+) requests, mean ([\d.]+) ms", out, re.M):
    n += int(count); s += int(count) * float(mean)
p99 = re.search(r"^rps=\S+ p50_ms=\S+ p90_ms=\S+ p99_ms=(\S+)", out, re.M)
errors = re.search(r" errors=(\d+)", out)
print("load_p99_ms=%s load_server_mean_ms=%s load_errors=%s" % (p99.group(1) if p99 else "n/a",
      round(s / n, 1) if n else "n/a", errors.group(1) if errors else "n/a"))
PY
)"
fi
echo "$line load_avg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
