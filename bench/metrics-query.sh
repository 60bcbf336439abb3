#!/usr/bin/env bash
# Ingest and query speed of one long series: uploads 1,000,000 points of an external run through
# the API (10 batches of 100,000), then times downsampled queries. Uses the packaged service
# (role api, fresh embedded PostgreSQL). Prints as its last line:
# ingest_points_per_s=<float> query_1e6_ms=<median> query_1e5_ms=<median> query_400_ms=<median>
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
data=$(mktemp -d)
port=18083
java -Dtwophase.embedded-postgres.data-dir="$data/pg" -Dquarkus.http.port=$port -Dtwophase.role=api \
     -jar target/quarkus-app/quarkus-run.jar >"$data/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -sf "localhost:$port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
auth="Authorization: Bearer $(cat "$data/api-token")"  # created at first start beside the data directory
run=$(curl -sf -H "$auth" -XPOST -H 'Content-Type: application/json' "localhost:$port/api/v1/experiments" \
      -d '{"name": "bench-long-series", "external": true}' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["id"])')
python3 - "$data" <<'PY'
import json, math, random, sys
random.seed(1)
for b in range(10):
    pts = [{"name": "test_loss", "step": s, "value": math.sin(s / 5000) + random.random() * 0.1}
           for s in range(b * 100_000, (b + 1) * 100_000)]
    with open(f"{sys.argv[1]}/batch{b}.json", "w") as f:
        json.dump({"points": pts}, f)
PY
start=$(date +%s.%N)
for b in $(seq 0 9); do
  curl -sf -H "$auth" -XPOST -H 'Content-Type: application/json' --data-binary "@$data/batch$b.json" \
       "localhost:$port/api/v1/runs/$run/metrics" >/dev/null
done
ingest=$(python3 -c "print(round(1_000_000 / ($(date +%s.%N) - $start)))")
median_ms() {  # median of 7 timed GETs, after one warm-up
  curl -sf -H "$auth" -o /dev/null "$1"
  for _ in $(seq 1 7); do curl -sf -H "$auth" -o /dev/null -w '%{time_total}\n' "$1"; done \
    | sort -n | sed -n 4p | python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000, 1))'
}
base="localhost:$port/api/v1/runs/$run/metrics?name=test_loss"
q6=$(median_ms "$base&maxPoints=500")
q5=$(median_ms "$base&fromStep=500000&toStep=599999&maxPoints=500")
q4=$(median_ms "$base&fromStep=500000&toStep=500399")
echo "ingest_points_per_s=$ingest query_1e6_ms=$q6 query_1e5_ms=$q5 query_400_ms=$q4"
