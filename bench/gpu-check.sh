#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU, a driver and Maven Central in reach, builds the service with
# ND4J's CUDA 11.6 backend (Maven profile cuda), trains the paper's division model (floordiv 96, 2 layers,
# d 128, MLP 512, batch 512) for a few hundred steps on the GPU, and prints the step time and whether the CUDA
# backend loaded on that card. ND4J 1.0.0-M2.1 has no CUDA 12 build: on Hopper (H100/H200, sm_90) the 11.6
# kernels can only run through the driver's PTX JIT, if at all; this script says which happened.
#   bench/gpu-check.sh [steps]          (default 300; everything within 8 minutes)
# Last line: gpu=<name> backend=<loaded backend> cuda=<yes|no> median_ms=<float> p90_ms=<float> (or error=<why>)
set -uo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-300}
deadline=$((SECONDS + 480))
gpu=$(nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader 2>/dev/null | head -1 | tr ' ,' '_;')
if [ -z "$gpu" ]; then
  echo "nvidia-smi found no GPU"
  echo "gpu=none error=no_nvidia_gpu"
  exit 1
fi
echo "GPU: $gpu"
out=target/gpu-check
mkdir -p "$out"
# The cuda profile swaps nd4j-native for nd4j-cuda-11.6 (and its natives, ~600 MB); the build gets 5 minutes.
# EngineBenchmark lives in src/jmh/java (profile jmh), outside the service jar.
if ! cp=$(timeout $((deadline - SECONDS - 150)) bench/jmh-classpath.sh cuda 2> "$out/build.log"); then
  tail -20 "$out/build.log"
  echo "gpu=$gpu error=cuda_build_failed_or_timed_out"
  exit 1
fi
left=$((deadline - SECONDS - 5))
timeout "$left" java -Xmx4g -cp "$cp" \
    dev.twophase.training.EngineBenchmark --operation floordiv --modulus 96 --train-fraction 0.4 \
    --batch 512 --steps "$STEPS" --warmup 20 > "$out/run.log" 2>&1
status=$?
cat "$out/run.log" | grep -v "^\s*at " | tail -15
backend=$(grep -o 'backend=[A-Za-z0-9]*' "$out/run.log" | head -1 | cut -d= -f2)
cuda=no
grep -q 'backend=JCublasBackend' "$out/run.log" && cuda=yes
if [ $status -ne 0 ] || ! grep -q '^median_ms=' "$out/run.log"; then
  why=run_failed
  [ $status -eq 124 ] && why=timed_out
  grep -qi 'no kernel image\|CUDA_ERROR\|cudaError\|PTX' "$out/run.log" && why=cuda_kernels_not_runnable_on_this_gpu
  echo "gpu=$gpu backend=${backend:-none} cuda=$cuda error=$why"
  exit 1
fi
timing=$(grep '^median_ms=' "$out/run.log" | tail -1 | awk '{print $1, $2}')
echo "gpu=$gpu backend=$backend cuda=$cuda $timing"
