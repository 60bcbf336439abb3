#!/usr/bin/env bash
# Prints the class path of the bench programs in src/jmh/java (EngineBenchmark, TorchMatch, the JMH
# benchmarks): Maven profile jmh compiles them as test sources, so they are not in the service jar.
# Rebuilds first when a source or the pom is newer than the last build for this backend.
# Usage: CP=$(bench/jmh-classpath.sh [cuda])      (cuda: ND4J's CUDA backend, Maven profile cuda)
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-cpu}
profiles=jmh
[ "$backend" = cuda ] && profiles=jmh,cuda
cp_file=target/bench-$backend.cp
if [ ! -f "$cp_file" ] || [ -n "$(find src/main src/jmh pom.xml -newer "$cp_file" -type f | head -1)" ]; then
  rm -f "$cp_file"
  ./mvnw -q -B -P"$profiles" test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
fi
echo "target/test-classes:target/classes:$(cat "$cp_file")"
