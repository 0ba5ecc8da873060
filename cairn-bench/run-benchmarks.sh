#!/usr/bin/env bash
# Builds cairn-bench/target/benchmarks.jar and runs the benchmark suite with short settings sized for a
# 2-core machine (about 25 minutes for everything). Results go under /tmp, never into the repository.
#
#   cairn-bench/run-benchmarks.sh                  # everything: point, scan, durable, heap
#   cairn-bench/run-benchmarks.sh point durable    # a subset, in that order
#
# Environment:
#   OUT=/tmp/dir            where the results go (default /tmp/cairn-bench-results-<timestamp>)
#   CAIRN_BENCH_DIR=dir     where the stores' data directories are made (default /var/tmp/cairn-bench-data);
#                           it must be on a real disk, not tmpfs, or the fsync figures mean nothing
#   SKIP_BUILD=1            use the jar as it is
#   USE_INSTALLED_CORE=1    build only cairn-bench against the cairn-core in ~/.m2 (no -am)
#   JMH_OPTS="..."          replaces the default JMH settings below
#   JMH_EXTRA="..."         appended to them, e.g. "-prof gc" or "-p keys=100000"
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/cairn-bench/target/benchmarks.jar"
OUT=${OUT:-/tmp/cairn-bench-results-$(date +%Y%m%d-%H%M%S)}
DATA_DIR=${CAIRN_BENCH_DIR:-/var/tmp/cairn-bench-data}
# One fork per benchmark and parameter set, 2 x 5 s warm-up, 3 x 5 s measured.
read -r -a OPTS <<< "${JMH_OPTS:--f 1 -wi 2 -w 5s -i 3 -r 5s}"
read -r -a EXTRA <<< "${JMH_EXTRA:-}"

case "$OUT" in
  "$ROOT"|"$ROOT"/*) echo "OUT must be outside the repository (it is $OUT)" >&2; exit 2 ;;
esac

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cd "$ROOT"
  if [ "${USE_INSTALLED_CORE:-0}" = 1 ]; then
    ./mvnw -q -Pbench -pl cairn-bench package -DskipTests
  else
    ./mvnw -q -Pbench -pl cairn-bench -am package -DskipTests
  fi
fi

mkdir -p "$OUT" "$DATA_DIR"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -version 2>&1
  echo "data dir: $DATA_DIR ($(df -PT "$DATA_DIR" | awk 'NR==2 {print $2}'))"
} | tee "$OUT/machine.txt"

jmh() {
  local name=$1
  shift
  echo "=== $name: java -jar $JAR ${OPTS[*]} ${EXTRA[*]} $*" | tee -a "$OUT/commands.txt"
  java -jar "$JAR" "${OPTS[@]}" -jvmArgsPrepend "-Dcairn.bench.dir=$DATA_DIR" "${EXTRA[@]}" "$@" \
      -rf text -rff "$OUT/$name-summary.txt" 2>&1 | tee "$OUT/$name.log"
}

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(point scan durable heap)
for suite in "${suites[@]}"; do
  case "$suite" in
    # 1M keys, get/put/mixed with 1 and 4 threads; cairn-ordered is Cairn with an ORDERED keyspace.
    point) jmh point 'io.cairn.bench.PointOpsBenchmark' -p engine=cairn,cairn-ordered,rocksdb,mvstore,mapdb ;;
    # 1M keys, seek + 1,000 entries, 1 and 4 threads.
    scan) jmh scan 'io.cairn.bench.ScanBenchmark' ;;
    # 100k keys, fsync per acknowledged put, 8 threads and 1 thread.
    durable) jmh durable 'io.cairn.bench.DurablePutBenchmark' ;;
    heap)
      echo "=== heap: java -Xmx4g -cp $JAR io.cairn.bench.HeapPerEntry" | tee -a "$OUT/commands.txt"
      java -Xmx4g -Dcairn.bench.dir="$DATA_DIR" -cp "$JAR" io.cairn.bench.HeapPerEntry 2>&1 | tee "$OUT/heap.txt" ;;
    *) echo "unknown suite '$suite' (expected point, scan, durable or heap)" >&2; exit 2 ;;
  esac
done
echo "results in $OUT"
