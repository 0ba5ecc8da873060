# Shared by the bench/*-vs-redis.sh scripts: source it after setting nothing; it defines $root and $work (a fresh
# directory under /var/tmp, removed on exit with every server started through it) and the functions below.
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

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }'; }
