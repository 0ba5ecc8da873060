# Shared by the bench/*-vs-redis.sh scripts and bench/cluster-vs-single.sh: source it after setting nothing; it defines
# $root and $work (a fresh directory under /var/tmp, removed on exit with every server started through it) and the
# functions below.
# Loopback only: every server binds 127.0.0.1 on a free port.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "/var/tmp/cairn-$(basename "$0" .sh).XXXXXX")"
pids=()
cleanup() {
    local p
    for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # port
    local i
    for i in $(seq 1 300); do
        [[ "$(redis-cli -p "$1" ping 2>/dev/null)" == "PONG" ]] && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2; exit 1
}

# One server per (product, mode): none (no persistence), everysec, always. Sets PID and PORT (no subshell, so the
# calling shell can stop it). Further arguments go to the server as flags.
start_cairn() { # mode [--name value ...]
    local port fsync mode="$1"; shift
    port="$(free_port)"
    case "$mode" in none) fsync=no ;; everysec) fsync=everysec ;; always) fsync=always ;; esac
    "$root/cairn" server --port "$port" --dir "$work/cairn-$mode" --appendfsync "$fsync" --loglevel warning "$@" \
        >"$work/cairn-$mode.log" 2>&1 &
    PID=$!; PORT=$port; pids+=("$PID")
}
start_redis() { # mode [--name value ...]
    local port mode="$1"; shift
    port="$(free_port)"
    mkdir -p "$work/redis-$mode"
    case "$mode" in
        none) redis-server --port "$port" --bind 127.0.0.1 --dir "$work/redis-$mode" --save '' --appendonly no \
                  --loglevel warning "$@" >"$work/redis-$mode.log" 2>&1 & ;;
        *) redis-server --port "$port" --bind 127.0.0.1 --dir "$work/redis-$mode" --save '' --appendonly yes \
               --appendfsync "$mode" --loglevel warning "$@" >"$work/redis-$mode.log" 2>&1 & ;;
    esac
    PID=$!; PORT=$port; pids+=("$PID")
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# A replicated group (cairn server --cluster) of `nodes` members, each with its own free loopback client port and Raft
# port (host:port@busport, and cluster-announce-bus-port for the node itself) and data directory $work/NAME-I. Sets PIDS and PORTS (arrays, in member order; no subshell,
# so the calling shell can stop them). Further arguments go to every node as flags.
start_cairn_cluster() { # name nodes [--name value ...]
    local name="$1" nodes="$2" i p members=() bus=()
    shift 2
    PIDS=(); PORTS=()
    local used=" "
    for i in $(seq 1 $(( 2 * nodes ))); do # distinct ports: free_port may hand out one it just gave
        p="$(free_port)"
        while [[ "$used" == *" $p "* ]]; do p="$(free_port)"; done
        used+="$p "
        (( i <= nodes )) && PORTS+=("$p") || { bus+=("$p"); members+=("127.0.0.1:${PORTS[i - nodes - 1]}@$p"); }
    done
    for i in $(seq 0 $(( nodes - 1 ))); do
        "$root/cairn" server --port "${PORTS[i]}" --dir "$work/$name-$i" --cluster "$(IFS=,; echo "${members[*]}")" \
            --cluster-announce-bus-port "${bus[i]}" --loglevel warning "$@" >"$work/$name-$i.log" 2>&1 &
        PIDS+=("$!"); pids+=("$!")
    done
}
# The port of the group's leader: the node that accepts a write (SET of the key cairn:bench:leader; the others refuse
# it), waiting up to a minute for an election. Empty, and a message, if there is none by then.
cluster_leader() { # port...
    local i p
    for i in $(seq 1 300); do
        for p in "$@"; do
            if [[ "$(timeout 10 redis-cli -p "$p" set cairn:bench:leader "$p" 2>/dev/null)" == "OK" ]]; then
                echo "$p"; return 0
            fi
        done
        sleep 0.2
    done
    echo "no leader among ports $* after a minute" >&2
}

median() { sort -n | awk -v OFMT='%.10g' '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }'; }
