#!/usr/bin/env bash
# What replication costs (issue 7): a three-node group on loopback against a single node, side by side in one run,
# with redis-benchmark.
#
#   bench/cluster-vs-single.sh [-n requests] [-c clients] [-P pipeline] [-r rounds] [-d value-size]
#                              [-w warm-up-requests] [--lease] [--netty]
#
# Defaults: -n 200000 -c 50 -P 1 -r 3 -d 16, -w a quarter of -n (at least 10,000).
#
# Each round starts, one after the other and each alone on the machine: a single node (./cairn server, appendfsync
# always, the default configuration); a group of three (./cairn server --cluster, each node on its own free loopback
# client and Raft ports and data directory under /var/tmp), measured on its leader; with --lease, the same group with
# cluster-read-lease yes (the leader answers reads on its lease instead of a ReadIndex round); with --netty, the same
# group with cluster-transport netty (Ratis's Netty transport between the nodes instead of gRPC). Each is loaded first
# with every key of the key space (100,000 keys key:000000000000.., -d bytes each, through redis-cli --pipe), so every
# GET hits, then warmed up, then measured with redis-benchmark -t set,get -r 100000: requests per second, p50
# and p99 latency. The warm-up repeats SET and GET runs of -w requests until the JIT compilers of the configuration's
# JVMs (their C1/C2 threads' CPU time, from /proc) took under 5% of a run, at most 10 runs: a three-node group keeps
# compiling (gRPC, protobuf, Ratis) far longer than a single node, and measured too early shows a fraction of its rate.
# The order of the configurations rotates from round to round. A round in which the group's leader changed, or
# redis-benchmark got an error reply, shows "failed" and does not count.
# Prints per round a Markdown table with each configuration's ratio to the single node, then the median over the
# rounds against issue 7's targets (replicated SET at least half the single node's rate, GET at least 80% of it).
# Needs redis-benchmark and redis-cli (Debian: apt-get install redis-tools). MVNW_ARGS goes to the build (e.g. -o).
set -euo pipefail
cmdline="bench/cluster-vs-single.sh $*"
n=200000; clients=50; pipeline=1; rounds=3; size=16; warm=""; lease=0; netty=0
args=()
for a in "$@"; do
    case "$a" in --lease) lease=1 ;; --netty) netty=1 ;; *) args+=("$a") ;; esac
done
set -- "${args[@]}"
usage="usage: $0 [-n requests] [-c clients] [-P pipeline] [-r rounds] [-d value-size] [-w warm-up-requests] [--lease]"
usage+=" [--netty]"
while getopts "n:c:P:r:d:w:" o; do
    case "$o" in
        n) n="$OPTARG" ;; c) clients="$OPTARG" ;; P) pipeline="$OPTARG" ;; r) rounds="$OPTARG" ;; d) size="$OPTARG" ;;
        w) warm="$OPTARG" ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
done
(( OPTIND > $# )) || { echo "$usage" >&2; exit 2; }
[[ -n "$warm" ]] || warm=$(( n / 4 > 10000 ? n / 4 : 10000 ))
for c in redis-benchmark redis-cli; do
    command -v "$c" >/dev/null || { echo "$c not found (apt-get install redis-tools)" >&2; exit 1; }
done
keys=100000

# $root, $work (removed on exit with every server), start_cairn, start_cairn_cluster, cluster_leader, median, ratio
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(cd "$root" && ./mvnw -q -B ${MVNW_ARGS:-} -pl cairn-server -am package -DskipTests) # MVNW_ARGS: e.g. -o

echo "command: $cmdline"
echo "machine: $(nproc) cores, $(awk '/^MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
    "$(java -version 2>&1 | head -1), $(redis-benchmark --version), $(uname -sr)," \
    "data on $(df -T "$work" | awk 'NR==2{print $2}')," \
    "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(
        git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' with local changes')," \
    "load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# every key the benchmark's -r draws from, so each GET hits (redis-benchmark: key:%012d)
python3 - "$keys" "$size" >"$work/load.resp" <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
v = "x" * size
for i in range(n):
    k = "key:%012d" % i
    out.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY

# wait_ready with room for three JVMs starting at once on a busy machine; on failure, the server's log
up() { # pid port log
    local i
    for i in $(seq 1 1200); do
        [[ "$(redis-cli -p "$2" ping 2>/dev/null)" == "PONG" ]] && return 0
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    echo "server on port $2 did not start; the end of $3:" >&2
    tail -n 20 "$3" >&2
    exit 1
}
# pid... -> CPU clock ticks used so far by these JVMs' JIT compiler threads (comm "C1 CompilerThre", "C2 ...")
jit_ticks() {
    local p t v sum=0
    for p in "$@"; do
        for t in /proc/"$p"/task/*; do
            # comm holds a space, so the fields are counted after its closing parenthesis: utime, stime are 12, 13;
            # a compiler thread that ends meanwhile (the JVM adds and removes them) counts 0
            if [[ "$(cat "$t/comm" 2>/dev/null)" == C[12]" CompilerThre"* ]]; then
                v="$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
                sum=$(( sum + ${v:-0} ))
            fi
        done
    done
    echo "$sum"
}
now_ms() { date +%s%3N; }
# ticks-before ms-before jvms pid... -> the JIT compilers' share of one CPU per JVM since then, in percent
jit_share() {
    local j0="$1" t0="$2" jvms="$3"
    shift 3
    awk -v j="$(( $(jit_ticks "$@") - j0 ))" -v ms="$(( $(now_ms) - t0 ))" -v hz="$(getconf CLK_TCK)" -v k="$jvms" \
        'BEGIN{ printf "%d", (ms > 0 ? 100 * j / hz * 1000 / ms / k : 0) }'
}
# port pid... -> SET and GET runs of $warm requests until the JIT compilers took under 5% of one (at most 10);
# sets WARMUP to what it took
warm_up() {
    local port="$1" i j0 t0 share=100
    shift
    for i in $(seq 1 10); do
        j0="$(jit_ticks "$@")"; t0="$(now_ms)"
        bench "$port" "$warm" >/dev/null
        share="$(jit_share "$j0" "$t0" "$#" "$@")"
        if (( share < 5 )); then break; fi
    done
    WARMUP="$i × $warm requests (JIT ${share}% of the last)"
}
misses() { redis-cli -p "$1" info stats | awk -F: '/^keyspace_misses/{print $2+0}'; }

# port requests -> "SET rps p50 p99" and "GET rps p50 p99" lines, or nothing and the error on stderr
bench() {
    local out
    if ! out="$(redis-benchmark -h 127.0.0.1 -p "$1" -t set,get -n "$2" -c "$clients" -P "$pipeline" -r "$keys" \
            -d "$size" --csv 2>&1)"; then
        # its error message, without the CSV lines it printed before (or on the same line as) it
        echo "redis-benchmark on port $1 failed:" \
            "$(sed -E 's/^"[^"]*"(,"[^"]*")*//' <<<"$out" | grep . | tr '\n' ' ')" >&2
        return 0
    fi
    awk -F, '{gsub(/"/, "")} $1 == "SET" || $1 == "GET" {print $1, $2, $5, $7}' <<<"$out"
}

# config -> starts it, loads and warms it; sets TARGET (the port measured), NODES (its PIDs) and LEADER_PORTS (the
# ports to probe for the leader: empty for the single node)
start_config() {
    case "$1" in
        single)
            start_cairn always; NODES=("$PID"); TARGET=$PORT; LEADER_PORTS=()
            up "$PID" "$TARGET" "$work/cairn-always.log"
            ;;
        cluster|lease|netty)
            local flags=()
            [[ "$1" == lease ]] && flags=(--cluster-read-lease yes)
            [[ "$1" == netty ]] && flags=(--cluster-transport netty)
            start_cairn_cluster "$1" 3 "${flags[@]}"; NODES=("${PIDS[@]}"); LEADER_PORTS=("${PORTS[@]}")
            local i
            for i in "${!PORTS[@]}"; do up "${PIDS[i]}" "${PORTS[i]}" "$work/$1-$i.log"; done
            TARGET="$(cluster_leader "${PORTS[@]}")"
            [[ -n "$TARGET" ]] || { tail -n 20 "$work/$1"-*.log >&2; exit 1; }
            ;;
    esac
    redis-cli -p "$TARGET" --pipe <"$work/load.resp" >/dev/null
    local have
    have="$(redis-cli -p "$TARGET" dbsize)"
    [[ "$have" =~ ^[0-9]+$ ]] && (( have >= keys )) || { echo "$1: $have keys after loading $keys" >&2; exit 1; }
    warm_up "$TARGET" "${NODES[@]}"
}
stop_config() { # config
    local p
    for p in "${NODES[@]}"; do stop "$p"; done
    rm -rf "$work/cairn-always" "$work/$1"-*
}

configs=(single cluster)
(( lease )) && configs+=(lease)
(( netty )) && configs+=(netty)
label() {
    case "$1" in
        single) echo "single node, appendfsync always" ;;
        cluster) echo "3 nodes, leader (ReadIndex reads)" ;;
        lease) echo "3 nodes, leader, cluster-read-lease yes" ;;
        netty) echo "3 nodes, leader, cluster-transport netty" ;;
    esac
}

declare -A rps p50 p99 ratios
for r in $(seq 1 "$rounds"); do
    k=${#configs[@]}
    order=()
    for i in $(seq 0 $(( k - 1 ))); do order+=("${configs[(i + r - 1) % k]}"); done
    note=()
    for cfg in "${order[@]}"; do
        echo "round $r: $(label "$cfg")..." >&2
        start_config "$cfg"
        m0="$(misses "$TARGET")"; j0="$(jit_ticks "${NODES[@]}")"; t0="$(now_ms)"
        result="$(bench "$TARGET" "$n")"
        jit="$(jit_share "$j0" "$t0" "${#NODES[@]}" "${NODES[@]}")"
        m1="$(misses "$TARGET")"
        note+=("$(label "$cfg"): warmed up with $WARMUP; JIT ${jit}% during the run")
        # the leader after the run must be the one measured: a new one would have refused some of the writes
        if [[ -n "$result" && ${#LEADER_PORTS[@]} -gt 0 \
                && "$(cluster_leader "${LEADER_PORTS[@]}")" != "$TARGET" ]]; then
            echo "round $r, $cfg: the leader changed during the run" >&2
            result=""
        fi
        [[ "$m1" == "$m0" ]] || note+=("$(label "$cfg"): keyspace_misses went from $m0 to $m1 during the run")
        for t in SET GET; do
            line="$(awk -v t="$t" '$1 == t' <<<"$result")"
            if [[ -n "$line" ]]; then
                read -r _ rps[$r,$cfg,$t] p50[$r,$cfg,$t] p99[$r,$cfg,$t] <<<"$line"
            fi
        done
        stop_config "$cfg"
    done
    echo "Round $r of $rounds (order: ${order[*]}):"
    echo
    echo "| configuration | test | req/s | p50 ms | p99 ms | req/s against the single node |"
    echo "|---|---|---:|---:|---:|---:|"
    for cfg in "${configs[@]}"; do
        for t in SET GET; do
            v="${rps[$r,$cfg,$t]:-}"
            if [[ -z "$v" ]]; then
                echo "| $(label "$cfg") | $t | failed | | | |"
                continue
            fi
            x="-"
            if [[ "$cfg" != single && -n "${rps[$r,single,$t]:-}" ]]; then
                x="$(ratio "$v" "${rps[$r,single,$t]}")"; ratios[$cfg,$t]+="$x "
            fi
            echo "| $(label "$cfg") | $t | $v | ${p50[$r,$cfg,$t]} | ${p99[$r,$cfg,$t]} | $x |"
        done
    done
    echo
    printf -- '- %s\n' "${note[@]}"
    echo
done

# median over the rounds that did not fail
med() { # array-name config test
    local -n a="$1"
    local r vs=()
    for r in $(seq 1 "$rounds"); do
        if [[ -n "${a[$r,$2,$3]:-}" ]]; then vs+=("${a[$r,$2,$3]}"); fi
    done
    if (( ${#vs[@]} )); then printf '%s\n' "${vs[@]}" | median; else echo "-"; fi
}
echo "Median over $rounds rounds ($n requests each, $clients clients, pipeline $pipeline, $keys keys," \
    "$size-byte values):"
echo
echo "| configuration | test | req/s | p50 ms | p99 ms | req/s against the single node (median of the rounds' ratios)" \
    "| target |"
echo "|---|---|---:|---:|---:|---:|---|"
for cfg in "${configs[@]}"; do
    for t in SET GET; do
        x="-"; target=""
        if [[ "$cfg" != single ]]; then
            [[ -n "${ratios[$cfg,$t]:-}" ]] && x="$(tr ' ' '\n' <<<"${ratios[$cfg,$t]}" | grep . | median)"
            want=0.5; [[ "$t" == GET ]] && want=0.8
            target="≥ $want: $(awk -v x="$x" -v w="$want" \
                'BEGIN{ if (x == "-") print "no figure"; else print (x + 0 >= w ? "met" : "not met") }')"
        fi
        echo "| $(label "$cfg") | $t | $(med rps "$cfg" "$t") | $(med p50 "$cfg" "$t") | $(med p99 "$cfg" "$t")" \
            "| $x | $target |"
    done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
