#!/usr/bin/env bash
# The direct engine against PyTorch, step for step from the same weights (issue 19).
# Task: a + b mod 31, train fraction 0.6 (split seed 1), 2 layers, d_model 64, 4 heads, d_mlp 256,
# AdamW lr 1e-3, betas (0.9, 0.98), eps 1e-8, weight decay 1, 10 warm-up steps, batch 512.
#  1. trajectory: the engine (dev.twophase.training.TorchMatch) trains seed 0 for 2,000 steps in
#     float32 (and in float64), exporting its initial weights (.npy, docs/engine-weights.md), every
#     batch and every loss; bench/pytorch_match.py loads those weights, checks that its SplitMix64
#     sampler gives the same batches, trains the same model with torch.optim.AdamW and compares the
#     losses per window of steps (relative difference).
#  2. grok (skipped with --quick): 5 seeds each, steps until test accuracy >= 0.95 (checked every
#     50 steps, cap 6,000), the engine from its own initial weights, PyTorch from the same weights.
# Usage: bench/pytorch-match.sh [--quick] [--out DIR]   (heavy: run it with nice on a shared machine)
# Needs: apt-get install -y python3-torch python3-numpy. TorchMatch lives in src/jmh/java, outside the
# service jar; bench/jmh-classpath.sh (re)builds it when a source is newer than the last build.
# Last line: max_rel_diff_100=<x> max_rel_diff_2000=<x> median_grok_engine=<x> median_grok_torch=<x>
#   (--quick: max_rel_diff_100=<x> max_rel_diff_200=<x>, 200 float32 steps only: ~8 min even at the
#   ~6 % of a core this machine gave it under load, 2.2 s per PyTorch step)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
out=${TMPDIR:-/tmp}/pytorch-match
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cp=$(bench/jmh-classpath.sh)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
java() { command java -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "$cp" \
  dev.twophase.training.TorchMatch "$@" 2>&1 | grep -v '^SLF4J'; }
rm -rf "$out"
mkdir -p "$out"
if [ "$quick" = 1 ]; then
  java trajectory --out "$out/trajectory" --steps 200 --double-steps 0
  /usr/bin/python3 bench/pytorch_match.py trajectory "$out/trajectory" | tee "$out/trajectory.txt"
  exit 0
fi
java trajectory --out "$out/trajectory" --steps 2000 --double-steps 2000
/usr/bin/python3 bench/pytorch_match.py trajectory "$out/trajectory" --f64-steps 300 | tee "$out/trajectory.txt"
java grok --out "$out/grok" --seeds 5 --cap 6000 --every 50 --target 0.95
/usr/bin/python3 bench/pytorch_match.py grok "$out/grok" | tee "$out/grok.txt"
echo "$(tail -1 "$out/trajectory.txt") $(tail -1 "$out/grok.txt")"
