#!/usr/bin/env bash
# Cairn against Redis on this machine, side by side in one run, with redis-benchmark.
#
#   bench/vs-redis.sh [-n requests-p1] [-N requests-p16] [-r rounds] [-k keys-for-memory]
#
# For each persistence mode (none, fsync every second, fsync always) it starts Cairn (./cairn server) and, if
# redis-server is installed, Redis with matching persistence, each on a free loopback port with its own data directory
# under /var/tmp, and runs redis-benchmark SET and GET with 50 clients at pipeline 1 and 16 against both, alternating,
# taking the median of the rounds. Then it loads the same keys into each (redis-cli --pipe) and reports resident
# memory. Prints a Markdown table with the ratio Cairn/Redis per row (throughput: higher is better for Cairn; memory:
# lower is better). Needs redis-benchmark and redis-cli (Debian: apt-get install redis-tools redis-server).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n1=200000; n16=2000000; rounds=3; keys=1000000
while getopts "n:N:r:k:" o; do
    case "$o" in
        n) n1="$OPTARG" ;; N) n16="$OPTARG" ;; r) rounds="$OPTARG" ;; k) keys="$OPTARG" ;;
        *) echo "usage: $0 [-n requests-p1] [-N requests-p16] [-r rounds] [-k keys]" >&2; exit 2 ;;
    esac
done
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
have_redis=1; command -v redis-server >/dev/null || have_redis=0

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
rss_part_kb() { awk -v f="$2:" '$1==f{print $2}' "/proc/$1/status"; } # pid RssAnon|RssFile


bench() { # port test pipeline requests -> requests per second
    redis-benchmark -h 127.0.0.1 -p "$1" -t "$2" -P "$3" -n "$4" -c 50 -r 100000 -d 16 -q --csv 2>/dev/null \
        | awk -F'"' 'NR==2 || /^"(SET|GET)"/{v=$4} END{print v}'
}

# build first, so startup time is not build time
(cd "$root" && ./mvnw -q -B -pl cairn-server -am package -DskipTests)

echo "| mode | test | pipeline | Cairn req/s | Redis req/s | Cairn/Redis |"
echo "|---|---|---:|---:|---:|---:|"
for mode in none everysec always; do
    start_cairn "$mode"; cpid=$PID; cport=$PORT
    rpid=""; rport=""
    if (( have_redis )); then start_redis "$mode"; rpid=$PID; rport=$PORT; fi
    wait_ready "$cport"; [[ -n "$rport" ]] && wait_ready "$rport"
    # warm Cairn's JIT before measuring (Redis needs none)
    bench "$cport" set 16 500000 >/dev/null; bench "$cport" get 16 500000 >/dev/null
    bench "$cport" set 1 50000 >/dev/null; bench "$cport" get 1 50000 >/dev/null
    for p in 1 16; do
        n=$n1; (( p == 16 )) && n=$n16
        # fsync always at pipeline 1 is bound by the disk: fewer requests keep the run short
        [[ "$mode" == always ]] && n=$(( n / 4 ))
        for t in set get; do
            c=(); r=()
            for i in $(seq 1 "$rounds"); do
                c+=("$(bench "$cport" "$t" "$p" "$n")")
                [[ -n "$rport" ]] && r+=("$(bench "$rport" "$t" "$p" "$n")")
            done
            cm="$(printf '%s\n' "${c[@]}" | median)"
            rm_="-"; [[ -n "$rport" ]] && rm_="$(printf '%s\n' "${r[@]}" | median)"
            echo "| $mode | ${t^^} | $p | $cm | $rm_ | $(ratio "$cm" "$rm_") |"
        done
    done
    stop "$cpid"; [[ -n "$rpid" ]] && stop "$rpid"
done

# memory after loading the same keys into each (no persistence mode; Cairn still keeps its log, on disk)
gen="$work/load.resp"
python3 - "$keys" >"$gen" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(n):
    k = "key:%012d" % i
    v = "v" * 16
    out.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
echo
echo "| server | keys | resident memory (MiB) | of which anonymous | of which file-backed | Cairn/Redis |"
echo "|---|---:|---:|---:|---:|---:|"
start_cairn none; cpid=$PID; cport=$PORT; wait_ready "$cport"
redis-cli -p "$cport" --pipe <"$gen" >/dev/null
sleep 15 # let an idle collection give memory back (the launcher asks G1 for one every 5 s)
ckeys="$(redis-cli -p "$cport" dbsize)"; crss="$(rss_kb "$cpid")"
canon="$(rss_part_kb "$cpid" RssAnon)"; cfile="$(rss_part_kb "$cpid" RssFile)"
if (( have_redis )); then
    start_redis none; rpid=$PID; rport=$PORT; wait_ready "$rport"
    redis-cli -p "$rport" --pipe <"$gen" >/dev/null
    sleep 2
    rkeys="$(redis-cli -p "$rport" dbsize)"; rrss="$(rss_kb "$rpid")"
    echo "| Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-) | $rkeys | $(( rrss / 1024 )) | $(( $(rss_part_kb "$rpid" RssAnon) / 1024 )) | $(( $(rss_part_kb "$rpid" RssFile) / 1024 )) | |"
fi
echo "| Cairn | $ckeys | $(( crss / 1024 )) | $(( canon / 1024 )) | $(( cfile / 1024 )) | $( (( have_redis )) && ratio "$crss" "$rrss" || echo -) |"
