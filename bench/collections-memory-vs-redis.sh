#!/usr/bin/env bash
# Bytes per collection element in Redis for the shapes io.cairn.bench.CollectionMemory loads into Cairn:
# small (100,000 keys of 10 elements: listpack) and large (one key of 1,000,000 elements) hashes, sets and sorted sets.
# Needs redis-server and redis-cli (apt-get install redis-server redis-tools). Loopback only.
#   bench/collections-memory-vs-redis.sh [port]
set -euo pipefail
port=${1:-6391}
work=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
trap 'kill "$(cat "$work/redis.pid")" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]] && break; sleep 0.1; done
used() { redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r'; }
printf '%-12s %12s %14s %12s\n' case elements "used MiB" "B/element"
for c in small-hash large-hash small-set large-set small-zset large-zset; do
  redis-cli -p "$port" flushall >/dev/null
  before=$(used)
  python3 - "$c" > "$work/cmds" <<'PY'
import sys
c = sys.argv[1]
small = c.startswith("small")
t = c.split("-")[1]
out = sys.stdout
def cmd(*a):
    out.write("*%d\r\n" % len(a))
    for x in a:
        out.write("$%d\r\n%s\r\n" % (len(x), x))
if small:
    for k in range(100000):
        key = "%s:%d" % (t[0], k)
        args = []
        for i in range(10):
            el = "%02d" % i
            if t == "hash": args += ["field:" + el, "v%07d" % k]
            elif t == "set": args += ["member:" + el]
            else: args += [str(i), "member:" + el]
        cmd({"hash": "HSET", "set": "SADD", "zset": "ZADD"}[t], key, *args)
else:
    for i0 in range(0, 1000000, 1000):
        args = []
        for i in range(i0, i0 + 1000):
            el = "%07d" % i
            if t == "hash": args += ["field:" + el, "v%07d" % i]
            elif t == "set": args += ["member:" + el]
            else: args += [str(i), "member:" + el]
        cmd({"hash": "HSET", "set": "SADD", "zset": "ZADD"}[t], t, *args)
PY
  redis-cli -p "$port" --pipe < "$work/cmds" >/dev/null
  after=$(used)
  awk -v c="$c" -v b="$before" -v a="$after" 'BEGIN { printf "%-12s %12d %14.1f %12.1f\n", c, 1000000, (a-b)/1048576, (a-b)/1000000 }'
done
redis-cli -p "$port" info server | grep -E '^redis_version' | tr -d '\r'
