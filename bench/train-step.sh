#!/usr/bin/env bash
# Times the training engine alone on the paper's model (2 layers, d 128, 4 heads, MLP 512; a + b mod p).
# Usage: bench/train-step.sh [--modulus 97] [--batch 512 (0 = full batch)] [--steps 60] [--warmup 20]
#                            [--train-fraction 0.3] [--engine direct|samediff] [--mode train|forward]
#                            [--operation add|sub|mul|div|floordiv]
# 2 threads for OpenBLAS (the direct engine puts ND4J's element-wise ops on one OpenMP thread itself), heap 512 MB.
# EngineBenchmark lives in src/jmh/java, outside the service jar; bench/jmh-classpath.sh builds it when needed. Last line:
# median_ms=<float> p90_ms=<float> rss_mb=<float>   (rss = peak resident set of the process)
# bench/train_step_pytorch.py takes the same flags and prints the same last line.
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(bench/jmh-classpath.sh)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
exec java -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.twophase.training.EngineBenchmark "$@"
