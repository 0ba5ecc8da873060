#!/usr/bin/env bash
# Restart time of a large store: Cairn from a snapshot plus a short log, Cairn from the log alone, and Redis from its
# RDB file, on the same data in one run (16-byte keys, 100-byte values of 16 random letters).
#
#   bench/restart-vs-redis.sh [-k keys]        (default 10,000,000; needs about 12 GiB of RAM)
#
# Cairn's figures come from SnapshotBench (cairn-bench, built with -Pbench); Redis's from redis-server's own log line
# "DB loaded from disk: N seconds" and the wall time until it answers PING. Data goes under /var/tmp (a real disk).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keys=10000000
while getopts "k:" o; do
    case "$o" in
        k) keys="$OPTARG" ;;
        *) echo "usage: $0 [-k keys]" >&2; exit 2 ;;
    esac
done
jar="$root/cairn-bench/target/benchmarks.jar"
if [[ ! -f "$jar" || -n "$(find "$root/cairn-core/src/main" "$root/cairn-bench/src/main" -newer "$jar" -print -quit)" ]]; then
    (cd "$root" && ./mvnw -q -B -Pbench -pl cairn-bench -am package -DskipTests) >&2
fi
work="$(mktemp -d /var/tmp/cairn-restart.XXXXXX)"
pid=""
cleanup() {
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
heap="-Xmx$(( keys / 1000000 + 4 ))g"

echo "== Cairn ($keys keys, java $heap)"
java "$heap" -XX:+UseG1GC -cp "$jar" io.cairn.bench.SnapshotBench restart "$work/cairn" "$keys"

if ! command -v redis-server >/dev/null; then
    echo "redis-server not found (apt-get install redis-server redis-tools): Redis skipped" >&2
    exit 0
fi
echo "== Redis $(redis-server --version | awk '{print $3}')"
port=$(( 20000 + RANDOM % 20000 ))
mkdir -p "$work/redis"
start_redis() {
    redis-server --bind 127.0.0.1 --port "$port" --dir "$work/redis" --save "" --appendonly no \
        --logfile "$work/redis/log" --daemonize no &
    pid=$!
}
wait_ping() {
    until [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; do sleep 0.01; done
}
start_redis
wait_ping
java -cp "$jar" io.cairn.bench.SnapshotBench resp "$work" "$keys" | redis-cli -p "$port" --pipe | tail -1
t0=$(date +%s.%N)
redis-cli -p "$port" save >/dev/null
t1=$(date +%s.%N)
rdb=$(stat -c %s "$work/redis/dump.rdb")
echo "RDB save: $(echo "$t1 - $t0" | bc) s, $rdb bytes"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$pid" 2>/dev/null || true
pid=""
t0=$(date +%s.%N)
start_redis
wait_ping
t1=$(date +%s.%N)
echo "restart from RDB: $(echo "$t1 - $t0" | bc) s to the first PONG; $(grep -o 'DB loaded from disk: [0-9.]* seconds' "$work/redis/log"); $(redis-cli -p "$port" dbsize) keys"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$pid" 2>/dev/null || true
pid=""
