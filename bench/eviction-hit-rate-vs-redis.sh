#!/usr/bin/env bash
# Eviction quality, Cairn against Redis: the hit rate of a cache-aside workload (GET, and SET on a miss) replaying one
# Zipf-distributed trace, with maxmemory room for a tenth of the keys, under allkeys-lru and allkeys-lfu (and
# allkeys-random as a floor). io.cairn.bench.EvictionHitRate drives each server; both get the same trace (fixed seed)
# and a limit that holds the same number of keys by their own accounting.
#
#   bench/eviction-hit-rate-vs-redis.sh [-k keys] [-n requests] [-s zipf-exponent] [-f fraction] [-p "policies"]
#
# Needs redis-server and redis-cli (apt-get install redis-server redis-tools). Loopback only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
keys=1000000; requests=10000000; exponent=0.99; fraction=0.1; policies="allkeys-lru allkeys-lfu allkeys-random"
while getopts "k:n:s:f:p:" o; do
    case "$o" in
        k) keys="$OPTARG" ;; n) requests="$OPTARG" ;; s) exponent="$OPTARG" ;; f) fraction="$OPTARG" ;;
        p) policies="$OPTARG" ;;
        *) echo "usage: $0 [-k keys] [-n requests] [-s zipf-exponent] [-f fraction] [-p policies]" >&2; exit 2 ;;
    esac
done
command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 1; }

(cd "$root" && ./mvnw -q -B -pl cairn-server -am package -DskipTests)
(cd "$root" && ./mvnw -q -B -Pbench -pl cairn-bench -am package -DskipTests)
start_cairn none; cpid=$PID; cport=$PORT
start_redis none; rpid=$PID; rport=$PORT
wait_ready "$cport"; wait_ready "$rport"
run() { # port label policy
    java -cp "$root/cairn-bench/target/benchmarks.jar" io.cairn.bench.EvictionHitRate --port "$1" --label "$2" \
        --policy "$3" --keys "$keys" --requests "$requests" --exponent "$exponent" --fraction "$fraction" \
        2> >(grep -v SLF4J >&2)
}
echo "keys $keys, requests $requests, Zipf exponent $exponent, memory for $fraction of the keys"
for p in $policies; do
    run "$rport" redis "$p"
    run "$cport" cairn "$p"
done
stop "$cpid"; stop "$rpid"
