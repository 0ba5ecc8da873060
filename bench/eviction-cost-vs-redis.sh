#!/usr/bin/env bash
# What memory limits and eviction cost, Cairn against Redis on this machine, with redis-benchmark.
#
#   bench/eviction-cost-vs-redis.sh [-N requests] [-r rounds]
#
# Starts Cairn (./cairn server, appendfsync no) and Redis (no persistence) once per setting, each on a free loopback
# port, and runs redis-benchmark SET then GET with 50 clients at pipeline 16 over 100,000 random keys (-r 100000,
# 16-byte values), the median of the rounds, requests per second. Settings: no limit; allkeys-lru and allkeys-lfu with
# a limit never reached (the cost of tracking accesses); allkeys-lru and allkeys-lfu with a limit of half the key space
# (Cairn: maxkeys 50000; Redis, which has no key limit: maxmemory set to what 50,000 keys take), so about every other
# SET evicts. Needs redis-benchmark, redis-cli and redis-server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n=2000000; rounds=3
while getopts "N:r:" o; do
    case "$o" in
        N) n="$OPTARG" ;; r) rounds="$OPTARG" ;;
        *) echo "usage: $0 [-N requests] [-r rounds]" >&2; exit 2 ;;
    esac
done
for c in redis-benchmark redis-cli redis-server; do
    command -v "$c" >/dev/null || { echo "$c not found (apt-get install redis-tools redis-server)" >&2; exit 1; }
done

bench() { # port test -> requests per second
    redis-benchmark -h 127.0.0.1 -p "$1" -t "$2" -P 16 -n "$n" -c 50 -r 100000 -d 16 -q --csv 2>/dev/null \
        | awk -F'"' 'NR==2 || /^"(SET|GET)"/{v=$4} END{print v}'
}
evicted() { redis-cli -p "$1" info stats | awk -F: '/^evicted_keys/{print $2+0}'; }

(cd "$root" && ./mvnw -q -B -pl cairn-server -am package -DskipTests)

# Redis's memory for 50,000 such keys, measured: the maxmemory that holds about half the key space
port="$(free_port)"
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --loglevel warning \
    >"$work/redis-probe.log" 2>&1 &
rp=$!; pids+=("$rp"); wait_ready "$port"
base="$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/{print $2+0}')"
redis-benchmark -h 127.0.0.1 -p "$port" -t set -n 50000 -c 50 -r 50000 -d 16 -q >/dev/null 2>&1
keys="$(redis-cli -p "$port" dbsize)"
used="$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/{print $2+0}')"
stop "$rp"
half=$(( base + (used - base) * 50000 / keys ))

echo "| setting | test | Cairn req/s | Redis req/s | Cairn evicted | Redis evicted |"
echo "|---|---|---:|---:|---:|---:|"
for setting in none lru lfu lru-evicting lfu-evicting; do
    ca=(); ra=()
    case "$setting" in
        none) ca=(); ra=() ;;
        lru) ca=(--maxmemory-policy allkeys-lru --maxmemory 4gb); ra=(--maxmemory-policy allkeys-lru --maxmemory 4gb) ;;
        lfu) ca=(--maxmemory-policy allkeys-lfu --maxmemory 4gb); ra=(--maxmemory-policy allkeys-lfu --maxmemory 4gb) ;;
        lru-evicting) ca=(--maxmemory-policy allkeys-lru --maxkeys 50000); ra=(--maxmemory-policy allkeys-lru --maxmemory "$half") ;;
        lfu-evicting) ca=(--maxmemory-policy allkeys-lfu --maxkeys 50000); ra=(--maxmemory-policy allkeys-lfu --maxmemory "$half") ;;
    esac
    cport="$(free_port)"
    # maxmemory would size the heap from 4gb: keep the launcher's default heap for every setting
    JAVA_OPTS="-Xmx2g" "$root/cairn" server --port "$cport" --dir "$work/cairn-$setting" --appendfsync no \
        --loglevel warning "${ca[@]}" >"$work/cairn-$setting.log" 2>&1 &
    cpid=$!; pids+=("$cpid")
    rport="$(free_port)"
    redis-server --port "$rport" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --loglevel warning \
        "${ra[@]}" >"$work/redis-$setting.log" 2>&1 &
    rpid=$!; pids+=("$rpid")
    wait_ready "$cport"; wait_ready "$rport"
    bench "$cport" set >/dev/null; bench "$cport" get >/dev/null # JIT warm-up
    for t in set get; do
        c=(); r=()
        for i in $(seq 1 "$rounds"); do
            c+=("$(bench "$cport" "$t")")
            r+=("$(bench "$rport" "$t")")
        done
        echo "| $setting | ${t^^} | $(printf '%s\n' "${c[@]}" | median) | $(printf '%s\n' "${r[@]}" | median) | $(evicted "$cport") | $(evicted "$rport") |"
    done
    stop "$cpid"; stop "$rpid"
done
