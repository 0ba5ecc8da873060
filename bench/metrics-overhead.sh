#!/usr/bin/env bash
# What /metrics costs: redis-benchmark SET and GET (50 clients, pipeline 16) against Cairn with metrics-port off and
# on, alternating, median of the rounds. With metrics on, /metrics is scraped once a second during the run (Prometheus
# scrapes every 15 s by default, so this is the harsher case) and the per-command latency histograms are observed on
# every command.
#
#   bench/metrics-overhead.sh [-N requests] [-r rounds] [-f appendfsync]
#
# Needs redis-benchmark (Debian: apt-get install redis-tools) and curl. Prints a Markdown table.
set -euo pipefail
n=2000000; rounds=3; fsync=no
while getopts "N:r:f:" o; do
    case "$o" in
        N) n="$OPTARG" ;; r) rounds="$OPTARG" ;; f) fsync="$OPTARG" ;;
        *) echo "usage: $0 [-N requests] [-r rounds] [-f always|everysec|no]" >&2; exit 2 ;;
    esac
done
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }

# $root, $work (removed on exit with the servers), free_port, wait_ready
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench() { # port test -> requests per second
    redis-benchmark -h 127.0.0.1 -p "$1" -t "$2" -P 16 -n "$n" -c 50 -r 100000 -d 16 -q --csv 2>/dev/null \
        | awk -F'"' '/^"(SET|GET)"/{v=$4} END{print v}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # the server's user + system CPU time, in clock ticks
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

(cd "$root" && ./mvnw -q -B ${MVNW_ARGS:-} -pl cairn-server -am package -DskipTests) # MVNW_ARGS: e.g. -o
cp "$root/cairn-server/target/cairn.jar" "$work/cairn.jar" # a rebuild during the run does not change what runs

declare -A results cpu
for r in $(seq 1 "$rounds"); do
    for mode in off on; do
        port="$(free_port)"; mport=0; [[ "$mode" == on ]] && mport="$(free_port)"
        rm -rf "$work/data"
        java -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xss512k -jar "$work/cairn.jar" server --port "$port" \
            --dir "$work/data" --appendfsync "$fsync" --loglevel warning --metrics-port "$mport" >"$work/$mode.log" 2>&1 &
        pid=$!; pids+=("$pid")
        wait_ready "$port"
        scraper=""
        if [[ "$mode" == on ]]; then
            (while true; do curl -s -o /dev/null "http://127.0.0.1:$mport/metrics"; sleep 1; done) &
            scraper=$!; pids+=("$scraper")
        fi
        for t in set get; do
            c0="$(cpu_ticks "$pid")"
            results[$mode,$t]+="$(bench "$port" "$t") "
            c1="$(cpu_ticks "$pid")"
            # server CPU microseconds per request: less sensitive than throughput to other load on the machine
            cpu[$mode,$t]+="$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN{printf "%.3f", (b-a)*1e6/hz/n}') "
        done
        [[ -n "$scraper" ]] && { kill "$scraper"; wait "$scraper" 2>/dev/null || true; }
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done

echo "| test | pipeline | appendfsync | metrics off req/s | metrics on req/s | on/off | off CPU µs/req | on CPU µs/req | on/off |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for t in set get; do
    off="$(tr ' ' '\n' <<<"${results[off,$t]}" | grep . | median)"
    on="$(tr ' ' '\n' <<<"${results[on,$t]}" | grep . | median)"
    coff="$(tr ' ' '\n' <<<"${cpu[off,$t]}" | grep . | median)"
    con="$(tr ' ' '\n' <<<"${cpu[on,$t]}" | grep . | median)"
    echo "| ${t^^} | 16 | $fsync | $off | $on | $(awk -v a="$on" -v b="$off" 'BEGIN{printf "%.3f", a/b}') | $coff | $con |" \
        "$(awk -v a="$con" -v b="$coff" 'BEGIN{printf "%.3f", a/b}') |"
done
echo
echo "rounds (req/s): off set ${results[off,set]}/ on set ${results[on,set]}/ off get ${results[off,get]}/ on get ${results[on,get]}"
