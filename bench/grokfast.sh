#!/usr/bin/env bash
# Grokfast through the service: optimiser steps until test accuracy >= 0.95, with and without the
# EMA gradient filter (alpha 0.98, lambda 2), for several seeds, on a CPU-sized task
# (a + b mod 31, train fraction 0.6, 1 block d 64 / 4 heads / MLP 256, AdamW lr 1e-3 wd 1, full batch).
# Test accuracy is measured every 25 steps, so steps are multiples of 25. A run is cancelled once
# it reaches 0.95; one that never does within max-steps counts as "> max-steps".
# Usage: bench/grokfast.sh [seeds, default 3] [max-steps, default 6000]
# Last line: baseline_median_steps=<int> ema_median_steps=<int> speedup=<float>
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-3}
max_steps=${2:-6000}
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
data=$(mktemp -d)
port=18085
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} \
java -Xmx1g -Dtwophase.embedded-postgres.data-dir="$data/pg" -Dquarkus.http.port=$port \
     -Dtwophase.worker.threads=2 -jar target/quarkus-app/quarkus-run.jar >"$data/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do curl -sf "localhost:$port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
python3 - "$port" "$seeds" "$max_steps" <<'PY'
import json, statistics, sys, time, urllib.request

port, seeds, max_steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = f"http://localhost:{port}/api/v1"

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None

runs = []  # (arm, seed, run id)
for seed in range(1, seeds + 1):
    for arm in ("baseline", "ema"):
        optimizer = {"learningRate": 1e-3, "weightDecay": 1.0, "beta1": 0.9, "beta2": 0.98, "warmupSteps": 10}
        if arm == "ema":
            optimizer["gradientFilter"] = {"type": "ema", "alpha": 0.98, "lambda": 2.0}
        spec = {"name": f"grokfast-{arm}-seed{seed}",
                "task": {"type": "modular", "operation": "add", "modulus": 31, "trainFraction": 0.6, "seed": seed},
                "model": {"layers": 1, "dModel": 64, "heads": 4, "dMlp": 256},
                "optimizer": optimizer,
                "training": {"steps": max_steps, "batchSize": 512, "seed": seed},
                "measures": {"every": 25}}
        runs.append((arm, seed, call("POST", "/experiments", spec)["runs"][0]["id"]))

result = {}
while len(result) < len(runs):
    for arm, seed, run in runs:
        if run in result:
            continue
        series = call("GET", f"/runs/{run}/metrics?name=test_acc&maxPoints=10000")["series"]
        hit = next((int(s) for s, v in (series[0]["points"] if series else []) if v >= 0.95), None)
        state = call("GET", f"/runs/{run}")["state"]
        if hit is not None:
            result[run] = hit
            if state not in ("succeeded", "failed", "cancelled"):
                call("POST", f"/runs/{run}/cancel")
            print(f"{arm} seed {seed}: test accuracy >= 0.95 at step {hit}", flush=True)
        elif state in ("succeeded", "failed", "cancelled"):
            result[run] = None
            print(f"{arm} seed {seed}: not reached within {max_steps} steps ({state})", flush=True)
    time.sleep(5)

def steps(arm):
    return [max_steps + 1 if result[r] is None else result[r] for a, _, r in runs if a == arm]

b, e = statistics.median(steps("baseline")), statistics.median(steps("ema"))
print(f"baseline steps per seed: {steps('baseline')}; ema: {steps('ema')}")
print(f"baseline_median_steps={b:.0f} ema_median_steps={e:.0f} speedup={b / e:.2f}")
PY
