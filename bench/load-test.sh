#!/usr/bin/env bash
# Load test on loopback: starts the packaged service on a private data directory and port, submits a
# long variant of a spec (default examples/quick-two-phase.json, 20,000 steps) so its worker trains
# during the whole test, creates a reader token with the token CLI beside the running service,
# measures the run's steps/s for 30 s without load, then drives bench/LoadTest.java (open loop,
# constant rate, latency from the intended send time) against run status, experiment status, the
# series list and metric queries: a 10 s warm-up, then the measured phase.
# Usage: bench/load-test.sh [rate=300] [seconds=60] [spec=examples/quick-two-phase.json] [mix=reads|abusive]
# mix=abusive adds issue 18's abusive requests (bench/LoadTest.java says which and what each must get).
# Environment: LOAD_TEST_PORT (default 18470).
# Prints as its last line:
#   rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… errors=… requests=… steps_per_s_during=… service_cpu_cores_during=…
#   health_failures=… health_max_ms=… rss_mb_start=… rss_mb_max=… rss_mb_end=…
#   steps_per_s_before=… service_cpu_cores_before=… state_after=… load_avg=…
# and exits non-zero when any request failed (got another answer than its kind expects), a health
# probe failed, or the run stopped training during the test.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-300}
seconds=${2:-60}
spec=${3:-examples/quick-two-phase.json}
mix=${4:-reads}
port=${LOAD_TEST_PORT:-18470}
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -o package -DskipTests
data=$(mktemp -d)
log="$data/service.log"
jar=(java -Dtwophase.embedded-postgres.data-dir="$data/postgres" -jar target/quarkus-app/quarkus-run.jar)

python3 - "$spec" >"$data/spec.json" <<'EOF'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["name"] = spec["name"] + "-load-test"
spec["training"]["steps"] = 20000
json.dump(spec, sys.stdout)
EOF

"${jar[@]:0:2}" -Dquarkus.http.port="$port" "${jar[@]:2}" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
for _ in $(seq 1 600); do [ -s "$data/api-token" ] && curl -sf "localhost:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
[ -s "$data/api-token" ] || { echo "service did not come up; log: $log" >&2; tail -50 "$log" >&2; exit 1; }
submit="Authorization: Bearer $(cat "$data/api-token")"
created=$(curl -sf -H "$submit" -H 'Content-Type: application/json' --data-binary @"$data/spec.json" "localhost:$port/api/v1/experiments")
experiment=$(echo "$created" | json 'd["id"]')
run=$(echo "$created" | json 'd["runs"][0]["id"]')
echo "experiment $experiment, run $run"

# The load uses a reader token, made with the CLI while the service runs (it shares its database).
"${jar[@]}" token create load-test --role reader >"$data/reader-token" 2>>"$log"
reader="Authorization: Bearer $(cat "$data/reader-token")"

status() { curl -sf -H "$reader" "localhost:$port/api/v1/runs/$run"; }
for _ in $(seq 1 1200); do
  [ "$(status | json 'd["state"] == "running" and d["step"] >= 60')" = True ] && break
  sleep 0.5
done
status | json '"state %s, step %s" % (d["state"], d["step"])'

# CPU ticks (1/100 s) of the service and its descendants (the embedded PostgreSQL).
cpu() { local t=0 p; for p in $pid $(pgrep -d' ' -P "$pid") $(for c in $(pgrep -P "$pid"); do pgrep -P "$c"; done); do
  t=$((t + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
step0=$(status | json 'd["step"]'); cpu0=$(cpu); t0=$(date +%s.%N)
sleep 30
step1=$(status | json 'd["step"]'); cpu1=$(cpu); t1=$(date +%s.%N)
before=$(python3 -c "print(round(($step1 - $step0) / ($t1 - $t0), 2))")
cores_before=$(python3 -c "print(round(($cpu1 - $cpu0) / 100 / ($t1 - $t0), 2))")
echo "without load: $before steps/s (step $step0 -> $step1 in 30 s), service CPU $cores_before cores"

set +e
java bench/LoadTest.java --base "http://localhost:$port" --token-file "$data/reader-token" --run "$run" \
  --experiment "$experiment" --rate "$rate" --seconds "$seconds" --warmup 10 --service-pid "$pid" \
  --mix "$mix" --submitter-token-file "$data/api-token" | tee "$data/load.out"
rc=${PIPESTATUS[0]}
set -e
state=$(status | json 'd["state"]')
loadavg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)
[ "$state" = running ] || { echo "the run is $state after the test, not running" >&2; rc=1; }
[ "$rc" = 0 ] || { echo "service log (last 20 lines):" >&2; tail -20 "$log" >&2; }
echo "$(tail -1 "$data/load.out") steps_per_s_before=$before service_cpu_cores_before=$cores_before state_after=$state load_avg=$loadavg"
exit "$rc"
