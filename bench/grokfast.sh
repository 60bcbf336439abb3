#!/usr/bin/env bash
# Grokfast through the service: optimiser steps until test accuracy >= 0.95, with and without the
# EMA gradient filter (alpha 0.98, lambda 2), for several seeds, on a CPU-sized modular task
# (1 block d 64 / 4 heads / MLP 256, AdamW, warm-up 10, batch 512 = full batch at p 31 / fraction 0.6).
# Test accuracy is measured every --every steps, so steps are multiples of it. A run is cancelled
# once it reaches 0.95; one that never does within --max-steps is censored: "> max-steps", and the
# speed-up it enters is then a lower bound (printed with ">=").
# Usage: bench/grokfast.sh [--seeds 3] [--max-steps 6000] [--operation add] [--modulus 31]
#          [--train-fraction 0.6] [--lr 1e-3] [--wd 1] [--every 25] [--port 18085] [--app target/quarkus-app]
#        bench/grokfast.sh SEEDS MAX_STEPS   (the first version's form: the weight-decay-1 regime)
# The service runs 2 worker threads (2 runs at once), 1 OMP thread each. Runs are queued seed by
# seed, baseline then EMA. Last line: baseline_median_steps=.. ema_median_steps=.. speedup=..
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=3 max_steps=6000 operation=add modulus=31 fraction=0.6 lr=1e-3 wd=1 every=25 port=18085 app=target/quarkus-app
if [ $# -ge 1 ] && [[ $1 != --* ]]; then seeds=$1; max_steps=${2:-6000}; set --; fi
while [ $# -gt 0 ]; do
  case $1 in
    --seeds) seeds=$2 ;; --max-steps) max_steps=$2 ;; --operation) operation=$2 ;; --modulus) modulus=$2 ;;
    --train-fraction) fraction=$2 ;; --lr) lr=$2 ;; --wd) wd=$2 ;; --every) every=$2 ;; --port) port=$2 ;;
    --app) app=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -f "$app/quarkus-run.jar" ] || ./mvnw -q package -DskipTests
data=$(mktemp -d)
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} \
java -Xmx1g -Dtwophase.embedded-postgres.data-dir="$data/pg" -Dquarkus.http.port="$port" \
     -Dtwophase.worker.threads=2 -jar "$app/quarkus-run.jar" >"$data/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 900); do curl -sf "localhost:$port/q/health/ready" >/dev/null 2>&1 && [ -s "$data/api-token" ] && break; sleep 0.2; done
echo "regime: $operation mod $modulus, train fraction $fraction, lr $lr, weight decay $wd, every $every, budget $max_steps steps, $seeds seeds"
python3 - "$port" "$seeds" "$max_steps" "$operation" "$modulus" "$fraction" "$lr" "$wd" "$every" "$data/api-token" <<'PY'
import json, statistics, sys, time, urllib.request

port, seeds, max_steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
operation, modulus, fraction, lr, wd, every = sys.argv[4], int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
token = open(sys.argv[10]).read().strip()
base = f"http://localhost:{port}/api/v1"

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        text = r.read()
        return json.loads(text) if text else None

runs = []  # (arm, seed, run id)
start = time.time()
for seed in range(1, seeds + 1):
    for arm in ("baseline", "ema"):
        optimizer = {"learningRate": lr, "weightDecay": wd, "beta1": 0.9, "beta2": 0.98, "warmupSteps": 10}
        if arm == "ema":
            optimizer["gradientFilter"] = {"type": "ema", "alpha": 0.98, "lambda": 2.0}
        spec = {"name": f"grokfast-{arm}-seed{seed}",
                "task": {"type": "modular", "operation": operation, "modulus": modulus, "trainFraction": fraction, "seed": seed},
                "model": {"layers": 1, "dModel": 64, "heads": 4, "dMlp": 256},
                "optimizer": optimizer,
                "training": {"steps": max_steps, "batchSize": 512, "seed": seed},
                "measures": {"every": every}}
        runs.append((arm, seed, call("POST", "/experiments", spec)["runs"][0]["id"]))

result = {}
while len(result) < len(runs):
    for arm, seed, run in runs:
        if run in result:
            continue
        series = call("GET", f"/runs/{run}/metrics?name=test_acc&maxPoints=10000")["series"]
        points = series[0]["points"] if series else []
        hit = next((int(s) for s, v in points if v >= 0.95), None)
        state = call("GET", f"/runs/{run}")["state"]
        if hit is not None:
            result[run] = hit
            if state not in ("succeeded", "failed", "cancelled"):
                call("POST", f"/runs/{run}/cancel")
            print(f"{arm} seed {seed}: test accuracy >= 0.95 at step {hit} ({time.time() - start:.0f} s)", flush=True)
        elif state in ("succeeded", "failed", "cancelled"):
            result[run] = None
            last = points[-1] if points else None
            print(f"{arm} seed {seed}: not reached within {max_steps} steps ({state}; last test accuracy {last})", flush=True)
    time.sleep(5)

def steps(arm):
    return [result[r] for a, _, r in runs if a == arm]

def show(values):
    return [f"> {max_steps}" if v is None else v for v in values]

print(f"baseline steps per seed: {show(steps('baseline'))}; ema: {show(steps('ema'))}")
for (b, e, seed) in zip(steps("baseline"), steps("ema"), range(1, seeds + 1)):
    if b is None and e is None:
        print(f"seed {seed}: speed-up unknown (both censored)")
    elif e is None:
        print(f"seed {seed}: speed-up <= {b / max_steps:.2f} (EMA censored)")
    else:
        print(f"seed {seed}: speed-up {'>= ' if b is None else ''}{(max_steps if b is None else b) / e:.2f}")
# censored runs enter the medians as max_steps + every (any value above the budget orders the same)
med = lambda arm: statistics.median([max_steps + every if v is None else v for v in steps(arm)])
b, e = med("baseline"), med("ema")
censored = b > max_steps or e > max_steps
print(f"baseline_median_steps={'>' + str(max_steps) if b > max_steps else f'{b:.0f}'} "
      f"ema_median_steps={'>' + str(max_steps) if e > max_steps else f'{e:.0f}'} "
      f"speedup={'>=' if b > max_steps and e <= max_steps else ''}{min(b, max_steps) / min(e, max_steps):.2f}"
      + (" (censored)" if censored else ""))
PY
