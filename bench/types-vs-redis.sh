#!/usr/bin/env bash
# Cairn against Redis on redis-benchmark's data-type tests, side by side in one run.
#
#   bench/types-vs-redis.sh [-n requests-p1] [-N requests-p16] [-r rounds] [-m "none everysec"]
#
# For each persistence mode it starts Cairn (./cairn server) and Redis with matching persistence on free loopback
# ports, each with its own data directory under /var/tmp, and runs redis-benchmark's LPUSH, LPOP, SADD, SPOP, HSET,
# ZADD, ZPOPMIN and LRANGE_100 tests (in that order, so the pops find something) with 50 clients at pipeline 1 and 16
# against both, alternating, and prints the median of the rounds as a Markdown table with Cairn/Redis per row.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n1=100000; n16=1000000; rounds=3; modes="none everysec"
while getopts "n:N:r:m:" o; do
    case "$o" in
        n) n1="$OPTARG" ;; N) n16="$OPTARG" ;; r) rounds="$OPTARG" ;; m) modes="$OPTARG" ;;
        *) echo "usage: $0 [-n requests-p1] [-N requests-p16] [-r rounds] [-m modes]" >&2; exit 2 ;;
    esac
done
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 1; }


# port test pipeline requests -> requests per second of that test's own line
bench() {
    local want
    case "$2" in
        lrange_100) want="LRANGE_100" ;;
        *) want="${2^^}" ;;
    esac
    redis-benchmark -h 127.0.0.1 -p "$1" -t "$2" -P "$3" -n "$4" -c 50 -r 100000 -d 16 -q --csv 2>/dev/null \
        | awk -F'"' -v w="$want" '$2 == w || index($2, w " ") == 1 {v=$4} END{print v}'
}

(cd "$root" && ./mvnw -q -B -pl cairn-server -am package -DskipTests)
tests="lpush lpop sadd spop hset zadd zpopmin lrange_100"
echo "| mode | test | pipeline | Cairn req/s | Redis req/s | Cairn/Redis |"
echo "|---|---|---:|---:|---:|---:|"
for mode in $modes; do
    start_cairn "$mode"; cpid=$PID; cport=$PORT
    start_redis "$mode"; rpid=$PID; rport=$PORT
    wait_ready "$cport"; wait_ready "$rport"
    for t in $tests; do bench "$cport" "$t" 16 200000 >/dev/null; done # warm Cairn's JIT
    for p in 1 16; do
        n=$n1; (( p == 16 )) && n=$n16
        declare -A cs=() rs=()
        for i in $(seq 1 "$rounds"); do
            for t in $tests; do
                cs[$t]+="$(bench "$cport" "$t" "$p" "$n") "
                rs[$t]+="$(bench "$rport" "$t" "$p" "$n") "
            done
        done
        for t in $tests; do
            cm="$(printf '%s\n' ${cs[$t]} | median)"
            rm_="$(printf '%s\n' ${rs[$t]} | median)"
            echo "| $mode | ${t^^} | $p | $cm | $rm_ | $(ratio "$cm" "$rm_") |"
        done
        unset cs rs
    done
    stop "$cpid"; stop "$rpid"
done
