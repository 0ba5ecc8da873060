package io.cairn.server.config;

import io.cairn.FsyncPolicy;
import io.cairn.IndexKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The table of parameters: Redis's names wherever the meaning matches, {@code cairn-*} for Cairn's own. */
final class ConfigParams {
    private ConfigParams() {
    }

    static List<ConfigParam> all() {
        List<ConfigParam> l = new ArrayList<>();
        // network
        l.add(p("port", "6379", false, range(0, 65535), "TCP port; 0 disables plain TCP (with tls-port set)"));
        l.add(p("bind", "127.0.0.1", false, s -> s.isBlank() ? "127.0.0.1" : s.trim().replaceAll("\\s+", " "),
                "addresses to listen on, space separated; * or 0.0.0.0 for all"));
        l.add(p("metrics-port", "0", false, range(0, 65535),
                "serve Prometheus metrics over HTTP at /metrics on this port; 0: off. Fixed while the server runs"));
        l.add(p("metrics-bind", "127.0.0.1", false, s -> s.isBlank() ? "127.0.0.1" : s.trim(),
                "the address /metrics listens on (one address; 0.0.0.0 for all). Fixed while the server runs"));
        l.add(p("protected-mode", "yes", true, yesNo(), "refuse non-loopback clients while no password is set"));
        l.add(p("requirepass", "", true, s -> s, "password for AUTH; empty means none"));
        l.add(p("maxclients", "10000", true, range(1, 1_000_000), "most connected clients; more are refused"));
        l.add(p("timeout", "0", true, range(0, Integer.MAX_VALUE), "close a client idle this many seconds; 0 never"));
        l.add(p("tcp-keepalive", "300", true, range(0, Integer.MAX_VALUE), "TCP keepalive on client sockets (0 off)"));
        l.add(p("tcp-backlog", "511", false, range(0, 65535), "listen backlog"));
        // half the cores: a client on the same machine (or the kernel's network stack) needs the rest; measured on 2
        // cores, one event loop beat two by about 10-15% at pipeline 16 (docs/benchmarks.md)
        l.add(p("io-threads", String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)), false, range(1, 128),
                "event-loop threads; commands run on them (default: half the cores)"));
        // persistence
        l.add(p("dir", "./data", false, s -> s, "data directory (the store's directory)"));
        l.add(p("backup-dir", "", false, s -> s,
                "where BACKUP name writes its copies: backup-dir/name; empty: dir/backups. Fixed while the server runs,"
                        + " so a client cannot make the server write elsewhere"));
        l.add(p("appendonly", "yes", true, s -> {
            String v = yesNo().apply(s);
            if (!v.equals("yes")) throw new IllegalArgumentException("Cairn always logs every write; appendonly cannot be turned off");
            return v;
        }, "always yes: every write goes to the write-ahead log"));
        l.add(p("appendfsync", "always", false, s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            FsyncPolicy.parse(v); // throws with a sentence
            if (!Set.of("always", "everysec", "no").contains(v)) throw new IllegalArgumentException("appendfsync must be always, everysec or no");
            return v;
        }, "always: reply after fsync (group commit); everysec: fsync every second; no: leave it to the OS"));
        l.add(p("save", "3600 1 300 100 60 10000", true, ConfigParams::save,
                "Redis's save points (\"seconds changes ...\" pairs, or \"\" for none), mapped onto checkpoint-interval when the"
                        + " server starts, unless checkpoint-interval is set itself: \"\" turns timed checkpoints off (0), otherwise"
                        + " the smallest seconds value becomes the interval; the change counts are not used (checkpoint-log-size"
                        + " bounds the log instead). CONFIG SET stores it, for CONFIG GET and REWRITE; the running store keeps"
                        + " its schedule until the next start"));
        // checkpoints: CairnOptions the store takes when it opens
        l.add(p("checkpoint-interval", "300", false, range(0, Integer.MAX_VALUE),
                "take a checkpoint (a snapshot, then deletion of the log it covers) this many seconds after the last one,"
                        + " if anything was written; 0: never on a timer. A shutdown takes one too unless this is 0 (or"
                        + " SHUTDOWN NOSAVE). Fixed while the server runs"));
        l.add(p("checkpoint-log-size", "256mb", false, bytes(0, Long.MAX_VALUE),
                "take a checkpoint once this many bytes of log were written since the last one (bounds the disk the log"
                        + " takes and the replay at start); 0: never by size. Fixed while the server runs"));
        l.add(p("snapshots-to-keep", "2", false, range(1, 1_000_000),
                "snapshots kept, newest first; a start falls back to an older one (and the longer log after it) if the"
                        + " newest is damaged. Fixed while the server runs"));
        l.add(p("log-retention", "0", false, range(0, Integer.MAX_VALUE),
                "keep snapshots and log covering this many seconds of the past, for point-in-time restores (cairn tool"
                        + " restore, Cairn.restore);"
                        + " 0: only snapshots-to-keep. Fixed while the server runs"));
        l.add(p("appendfilename", "appendonly.aof", false, ConfigParams::fileName,
                "accepted, no effect: Cairn's log is the segment files under dir/wal"));
        l.add(p("appenddirname", "appendonlydir", false, ConfigParams::fileName,
                "accepted, no effect: Cairn's log is the segment files under dir/wal"));
        l.add(p("dbfilename", "dump.rdb", true, ConfigParams::fileName,
                "accepted, no effect: checkpoints are written under dir/snapshots"));
        l.add(p("stop-writes-on-bgsave-error", "yes", true, yesNo(),
                "accepted, no effect: a failed checkpoint leaves the store writable (the log holds every write); a failed"
                        + " fsync of the log turns the store read-only by itself"));
        l.add(p("rdbcompression", "yes", true, yesNo(), "accepted, no effect: snapshot blocks are always LZ4-compressed (stored raw when that is no smaller)"));
        l.add(p("rdbchecksum", "yes", true, yesNo(), "accepted, no effect: every snapshot block and log record always has a CRC"));
        l.add(p("no-appendfsync-on-rewrite", "no", true, yesNo(), "accepted, no effect: the log is never rewritten"));
        l.add(p("auto-aof-rewrite-percentage", "100", true, range(0, Integer.MAX_VALUE), "accepted, no effect: the log is never rewritten"));
        l.add(p("auto-aof-rewrite-min-size", "64mb", true, bytes(0, Long.MAX_VALUE), "accepted, no effect: the log is never rewritten"));
        l.add(p("aof-use-rdb-preamble", "yes", true, yesNo(), "accepted, no effect: no RDB preamble"));
        l.add(p("aof-load-truncated", "yes", true, yesNo(),
                "accepted, no effect: a torn log tail is always cut and reported at startup"));
        l.add(p("cairn-segment-size", "64mb", false, bytes(4096, 1L << 30), "write-ahead log segment size"));
        l.add(p("cairn-default-index", "hash", false, s -> IndexKind.valueOf(s.trim().toUpperCase(Locale.ROOT)).name().toLowerCase(Locale.ROOT),
                "index kind of keyspaces created without one: hash or ordered"));
        l.add(p("databases", "16", false, range(1, 10_000), "numbered databases (db 0 is the default keyspace)"));
        // memory
        l.add(p("maxmemory", "0", true, bytes(0, Long.MAX_VALUE),
                "limit on the data's memory by the store's account (INFO used_memory); 0 none; also sizes the heap at launch"));
        l.add(p("maxkeys", "0", true, range(0, Long.MAX_VALUE), "Cairn's limit on keys held in all databases, enforced like maxmemory; 0 none"));
        l.add(p("maxmemory-policy", "noeviction", true, s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (io.cairn.EvictionPolicy.ofConfigName(v) == null) {
                throw new IllegalArgumentException("argument(s) must be one of the following: volatile-lru, volatile-lfu, "
                        + "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
            }
            return v;
        }, "what to do past maxmemory or maxkeys: noeviction (OOM error) or evict (allkeys-/volatile- lru, lfu, random; volatile-ttl)"));
        l.add(p("maxmemory-samples", "5", true, range(1, 64), "keys sampled per database for each eviction"));
        l.add(p("maxmemory-eviction-tenacity", "10", true, range(0, 100),
                "accepted, no effect: a command evicts until the store is within its limits, however long that takes"));
        l.add(p("maxmemory-clients", "0", true, bytes(0, Long.MAX_VALUE), "accepted, no effect: client memory is not limited as a whole"));
        l.add(p("lfu-log-factor", "10", true, range(0, Integer.MAX_VALUE), "how slowly the LFU counter grows"));
        l.add(p("lfu-decay-time", "1", true, range(0, Integer.MAX_VALUE), "minutes of idleness per decrement of the LFU counter; 0 never"));
        l.add(p("active-expire-effort", "1", true, range(1, 10),
                "accepted, no effect: expired keys are invisible at once and reclaimed by the store's own expirer"));
        l.add(p("lazyfree-lazy-eviction", "no", true, yesNo(), "accepted, no effect: memory is freed by the JVM's collector"));
        l.add(p("lazyfree-lazy-expire", "no", true, yesNo(), "accepted, no effect: memory is freed by the JVM's collector"));
        l.add(p("lazyfree-lazy-server-del", "no", true, yesNo(), "accepted, no effect: memory is freed by the JVM's collector"));
        l.add(p("lazyfree-lazy-user-del", "no", true, yesNo(), "accepted, no effect: memory is freed by the JVM's collector"));
        l.add(p("lazyfree-lazy-user-flush", "no", true, yesNo(), "accepted, no effect: FLUSHDB and FLUSHALL are one log record either way"));
        l.add(p("replica-lazy-flush", "no", true, yesNo(), "accepted, no effect: no replication yet"));
        l.add(p("activerehashing", "yes", true, yesNo(), "accepted, no effect: Cairn's hash index resizes itself"));
        l.add(p("activedefrag", "no", true, yesNo(), "accepted, no effect: the JVM's collector compacts memory"));
        l.add(p("jemalloc-bg-thread", "yes", true, yesNo(), "accepted, no effect: no jemalloc (mem_allocator jvm)"));
        // encodings Redis tunes; Cairn stores every value one way
        l.add(a("hash-max-listpack-entries", List.of("hash-max-ziplist-entries"), "128", true, range(0, Long.MAX_VALUE),
                "accepted, no effect: Cairn has no listpack encodings"));
        l.add(a("hash-max-listpack-value", List.of("hash-max-ziplist-value"), "64", true, range(0, Long.MAX_VALUE),
                "accepted, no effect: Cairn has no listpack encodings"));
        l.add(a("list-max-listpack-size", List.of("list-max-ziplist-size"), "-2", true, range(Integer.MIN_VALUE, Integer.MAX_VALUE),
                "accepted, no effect: Cairn has no listpack encodings"));
        l.add(p("list-compress-depth", "0", true, range(0, Integer.MAX_VALUE), "accepted, no effect: lists are not compressed"));
        l.add(p("set-max-intset-entries", "512", true, range(0, Long.MAX_VALUE), "accepted, no effect: Cairn has no intset encoding"));
        l.add(p("set-max-listpack-entries", "128", true, range(0, Long.MAX_VALUE), "accepted, no effect: Cairn has no listpack encodings"));
        l.add(p("set-max-listpack-value", "64", true, range(0, Long.MAX_VALUE), "accepted, no effect: Cairn has no listpack encodings"));
        l.add(a("zset-max-listpack-entries", List.of("zset-max-ziplist-entries"), "128", true, range(0, Long.MAX_VALUE),
                "accepted, no effect: Cairn has no listpack encodings"));
        l.add(a("zset-max-listpack-value", List.of("zset-max-ziplist-value"), "64", true, range(0, Long.MAX_VALUE),
                "accepted, no effect: Cairn has no listpack encodings"));
        l.add(p("stream-node-max-bytes", "4kb", true, bytes(0, Long.MAX_VALUE), "accepted, no effect: no streams yet"));
        l.add(p("stream-node-max-entries", "100", true, range(0, Long.MAX_VALUE), "accepted, no effect: no streams yet"));
        l.add(p("hll-sparse-max-bytes", "3000", true, bytes(0, Long.MAX_VALUE), "longest sparse HyperLogLog value; an edit that would pass it turns the value dense"));
        // events, diagnostics
        l.add(p("notify-keyspace-events", "", true, ConfigParams::keyspaceEvents,
                "keyspace events to publish, Redis's classes (K keyspace, E keyevent, g generic, $ string, n new, A all,"
                        + " ...); Cairn's string and generic commands send them, expired (x) and evicted (e) keys do not"));
        l.add(p("hz", "10", true, s -> {
            long v = Long.parseLong(range(0, Integer.MAX_VALUE).apply(s));
            return Long.toString(Math.max(1, Math.min(500, v))); // Redis clamps to 1..500
        }, "accepted, no effect: Cairn's periodic work runs on its own schedule (clamped to 1..500 as Redis does)"));
        l.add(p("dynamic-hz", "yes", true, yesNo(), "accepted, no effect: see hz"));
        l.add(p("slowlog-log-slower-than", "10000", true, range(-1, Long.MAX_VALUE),
                "microseconds of execution from which a command enters the slow log (SLOWLOG); -1 none, 0 every command"));
        l.add(p("slowlog-max-len", "128", true, range(0, Long.MAX_VALUE), "entries the slow log keeps, the oldest dropped first"));
        l.add(p("latency-monitor-threshold", "0", true, range(0, Long.MAX_VALUE),
                "milliseconds from which commands, fsyncs and checkpoints are latency events (LATENCY); 0 off"));
        l.add(p("latency-tracking", "yes", true, yesNo(), "per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM)"));
        l.add(p("latency-tracking-info-percentiles", "50 99 99.9", true, ConfigParams::percentiles,
                "the percentiles INFO latencystats reports"));
        l.add(a("busy-reply-threshold", List.of("lua-time-limit"), "5000", true, range(0, Long.MAX_VALUE),
                "accepted, no effect: no scripting yet"));
        l.add(p("acllog-max-len", "128", true, range(0, Long.MAX_VALUE), "accepted, no effect: no ACL log (one user: default)"));
        l.add(p("enable-debug-command", "no", false, s -> oneOf(s, "yes", "no", "local"), "accepted, no effect: no DEBUG command"));
        l.add(p("enable-protected-configs", "no", false, s -> oneOf(s, "yes", "no", "local"),
                "accepted, no effect: every mutable parameter may be set with CONFIG SET"));
        l.add(p("enable-module-command", "no", false, s -> oneOf(s, "yes", "no", "local"), "accepted, no effect: no modules"));
        // process
        l.add(p("daemonize", "no", false, s -> {
            if (!oneOf(s, "yes", "no").equals("no")) {
                throw new IllegalArgumentException("Cairn does not daemonize; run it under a supervisor (systemd, docker) instead");
            }
            return "no";
        }, "always no: Cairn runs in the foreground"));
        l.add(p("supervised", "no", false, s -> oneOf(s, "no", "upstart", "systemd", "auto"),
                "accepted, no effect: Cairn sends no readiness notifications"));
        l.add(p("pidfile", "", false, s -> s, "accepted, no effect: Cairn writes no pid file"));
        l.add(p("unixsocket", "", false, s -> {
            if (!s.isBlank()) throw new IllegalArgumentException("unix sockets are not supported; use bind and port");
            return "";
        }, "must be empty: unix sockets are not supported"));
        l.add(p("unixsocketperm", "0", false, s -> s.trim(), "accepted, no effect: unix sockets are not supported"));
        l.add(p("io-threads-do-reads", "no", false, yesNo(), "accepted, no effect: every io-thread reads and runs commands"));
        l.add(p("shutdown-timeout", "10", true, range(0, Integer.MAX_VALUE), "accepted, no effect: no replicas to wait for on shutdown"));
        l.add(p("crash-log-enabled", "yes", true, yesNo(), "accepted, no effect"));
        l.add(p("set-proc-title", "yes", false, yesNo(), "accepted, no effect: the JVM's process title is not changed"));
        l.add(p("always-show-logo", "no", true, yesNo(), "accepted, no effect: no logo"));
        l.add(p("syslog-enabled", "no", false, yesNo(), "accepted, no effect: logs go to logfile or standard output"));
        // replication (none yet)
        l.add(p("cluster-enabled", "no", false, yesNo(),
                "run as a member of a replicated group (Raft), shown to clients as a Redis Cluster of one shard whose master is"
                        + " the leader (docs/commands.md, Cluster mode): the group of cluster-nodes, or with none a group of this"
                        + " server alone that CLUSTER MEET grows. Set by cluster-nodes. Fixed while the server runs"));
        l.add(a("replica-read-only", List.of("slave-read-only"), "yes", true, yesNo(), "accepted, no effect: no replication yet"));
        l.add(a("replica-serve-stale-data", List.of("slave-serve-stale-data"), "yes", true, yesNo(), "accepted, no effect: no replication yet"));
        l.add(p("repl-diskless-sync", "yes", true, yesNo(), "accepted, no effect: no replication yet"));
        l.add(p("repl-diskless-sync-delay", "5", true, range(0, Integer.MAX_VALUE), "accepted, no effect: no replication yet"));
        l.add(p("repl-backlog-size", "1mb", true, bytes(1, Long.MAX_VALUE), "accepted, no effect: no replication yet"));
        l.add(a("min-replicas-to-write", List.of("min-slaves-to-write"), "0", true, range(0, Integer.MAX_VALUE),
                "accepted, no effect: no replication yet"));
        l.add(a("min-replicas-max-lag", List.of("min-slaves-max-lag"), "10", true, range(0, Integer.MAX_VALUE),
                "accepted, no effect: no replication yet"));
        // protocol limits
        l.add(p("proto-max-bulk-len", "512mb", true, bytes(1024 * 1024, Long.MAX_VALUE), "longest bulk string a client may send"));
        l.add(p("client-query-buffer-limit", "1gb", true, bytes(1024 * 1024, Long.MAX_VALUE), "most unparsed bytes held for one client"));
        l.add(p("cairn-max-inline-len", "64kb", true, bytes(16, 1L << 30), "longest inline (telnet) command line"));
        l.add(p("cairn-max-multibulk-len", "1073741824", true, range(1, Integer.MAX_VALUE), "most arguments in one request"));
        l.add(new ConfigParam("client-output-buffer-limit", List.of(), "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60", true,
                s -> clientOutputBufferLimit(DEFAULT_OUTPUT_LIMITS, s),
                "<class> <hard> <soft> <soft seconds>, per class (normal, replica, pubsub); the normal class limits a client's "
                        + "unsent replies (0: none); setting one class keeps the others", ConfigParams::clientOutputBufferLimit));
        // tls
        l.add(p("tls-port", "0", false, range(0, 65535), "TLS port; 0 off"));
        l.add(p("tls-cert-file", "", false, s -> s, "PEM certificate chain"));
        l.add(p("tls-key-file", "", false, s -> s, "PEM private key (PKCS#8)"));
        l.add(p("tls-key-file-pass", "", false, s -> s, "password of an encrypted key"));
        l.add(p("tls-ca-cert-file", "", false, s -> s, "PEM CA certificates to verify clients"));
        l.add(p("tls-auth-clients", "yes", false, s -> oneOf(s, "yes", "no", "optional"), "require client certificates"));
        l.add(p("tls-protocols", "TLSv1.2 TLSv1.3", false, s -> s.trim(), "enabled TLS versions"));
        // logging
        l.add(p("loglevel", "notice", true, s -> oneOf(s, "debug", "verbose", "notice", "warning", "nothing"), "log level"));
        l.add(p("logfile", "", false, s -> s, "log file; empty for standard output"));
        clusterParams(l);
        return l;
    }

    /** Replication on Raft (cairn-cluster): fixed while the server runs. */
    private static void clusterParams(List<ConfigParam> l) {
        l.add(a("cluster-nodes", List.of("cluster"), "", false, ConfigParams::members,
                "the group's initial members, host:port[@busport] separated by commas (busport: port + 10000 unless given);"
                        + " set, the server is one replica of a group replicated on Raft and shows itself as a Redis Cluster"
                        + " of one shard. A server not among them starts empty and waits to be added (CLUSTER MEET)"));
        l.add(p("cluster-announce-ip", "", false, s -> s.trim(),
                "the address this node is known by in the group (cluster-nodes, MOVED, CLUSTER SLOTS); empty: the first"
                        + " bind address, 127.0.0.1 for 0.0.0.0 or *"));
        l.add(p("cluster-announce-bus-port", "0", false, range(0, 65535),
                "the Raft port this node listens on for the group (cluster-transport); 0: port + 10000"));
        l.add(p("cluster-transport", "grpc", false, s -> oneOf(s, "grpc", "netty"),
                "how the group's members talk on their bus ports, the same on every member: grpc (Ratis's gRPC, several"
                        + " requests in flight per follower) or netty (Ratis's Netty transport, one request in flight"
                        + " carrying every entry queued meanwhile; faster here, see docs/benchmarks.md)"));
        l.add(p("cluster-node-timeout", "1000", false, range(50, 600_000),
                "milliseconds without a leader before a follower calls an election (the Raft election timeout; a random"
                        + " wait between it and twice it): a dead leader is replaced within about 1-3 of these"));
        l.add(p("cluster-snapshot-entries", "100000", false, range(1, Long.MAX_VALUE),
                "Raft log entries between snapshots; the log keeps this many entries before the newest snapshot, so a"
                        + " node away for fewer catches up from the log, one further behind receives a snapshot"));
        l.add(p("cluster-read-lease", "no", false, yesNo(),
                "yes: the leader answers linearizable reads on its lease (no round trip to the followers; assumes clocks"
                        + " that run at about the same rate); no: ReadIndex, a heartbeat round per batch of reads"));
    }

    /** host:port[@busport],... checked and normalised. */
    static String members(String s) {
        String t = s.trim();
        if (t.isEmpty()) return "";
        List<String> out = new ArrayList<>();
        for (String part : t.split("[,\\s]+")) {
            if (part.isEmpty()) continue;
            String addr = part;
            int at = part.indexOf('@');
            if (at >= 0) {
                range(1, 65535).apply(part.substring(at + 1));
                addr = part.substring(0, at);
            }
            int colon = addr.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("'" + part + "' is not host:port[@busport]");
            range(1, 65535).apply(addr.substring(colon + 1));
            out.add(part);
        }
        return String.join(",", out);
    }

    static ConfigParam p(String name, String def, boolean mutable, UnaryOperator<String> norm, String meaning) {
        return new ConfigParam(name, List.of(), def, mutable, norm, meaning);
    }

    /** A parameter with old names (Redis 7 renamed *-ziplist-* to *-listpack-* and slave to replica). */
    static ConfigParam a(String name, List<String> aliases, String def, boolean mutable, UnaryOperator<String> norm, String meaning) {
        return new ConfigParam(name, aliases, def, mutable, norm, meaning);
    }

    // ---------------------------------------------------------------- client-output-buffer-limit

    private static final String DEFAULT_OUTPUT_LIMITS = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
    private static final List<String> CLASSES = List.of("normal", "slave", "pubsub");

    /**
     * Applies {@code given} ("class hard soft seconds", one or more classes) over {@code current} (all three classes,
     * normalised) and returns all three as Redis's CONFIG GET shows them: {@code "normal 0 0 0 slave 268435456 67108864
     * 60 pubsub 33554432 8388608 60"}. Classes {@code replica} and {@code slave} are one. Nothing is applied if any part
     * is wrong.
     */
    static String clientOutputBufferLimit(String current, String given) {
        String[] cur = current.trim().split("\\s+");
        String[][] limits = new String[3][];
        for (int i = 0; i + 3 < cur.length; i += 4) limits[classIndex(cur[i])] = new String[]{cur[i + 1], cur[i + 2], cur[i + 3]};
        String[] w = given.trim().isEmpty() ? new String[0] : given.trim().split("\\s+");
        if (w.length == 0 || w.length % 4 != 0) {
            throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
        }
        for (int i = 0; i < w.length; i += 4) {
            int cls = classIndex(w[i]);
            if (cls < 0) throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
            long hard;
            long soft;
            long seconds;
            try {
                hard = parseBytes(w[i + 1]);
                soft = parseBytes(w[i + 2]);
                seconds = Long.parseLong(w[i + 3]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            if (hard < 0 || soft < 0 || seconds < 0) {
                throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            limits[cls] = new String[]{Long.toString(hard), Long.toString(soft), Long.toString(seconds)};
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            String[] l = limits[i] == null ? new String[]{"0", "0", "0"} : limits[i];
            if (i > 0) sb.append(' ');
            sb.append(CLASSES.get(i)).append(' ').append(l[0]).append(' ').append(l[1]).append(' ').append(l[2]);
        }
        return sb.toString();
    }

    private static int classIndex(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> 0;
            case "slave", "replica" -> 1;
            case "pubsub" -> 2;
            default -> -1;
        };
    }

    // ---------------------------------------------------------------- other checkers

    /**
     * {@code save}: pairs of seconds (at least 1) and changes (at least 0), or empty, as Redis checks them; normalised
     * to single spaces. {@code ""} (two quotes, as redis.conf and some clients write "none") is empty.
     */
    static String save(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.equals("\"\"")) return "";
        String[] w = t.split("\\s+");
        if (w.length % 2 != 0) throw new IllegalArgumentException("Invalid save parameters");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            long v;
            try {
                v = Long.parseLong(w[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid save parameters");
            }
            if (v < (i % 2 == 0 ? 1 : 0) || v > Integer.MAX_VALUE) throw new IllegalArgumentException("Invalid save parameters");
            if (sb.length() > 0) sb.append(' ');
            sb.append(v);
        }
        return sb.toString();
    }

    /** The checkpoint-interval a normalised {@code save} value stands for: 0 for none, else its smallest seconds. */
    static String checkpointIntervalOf(String save) {
        if (save.isEmpty()) return "0";
        String[] w = save.split(" ");
        long min = Long.MAX_VALUE;
        for (int i = 0; i < w.length; i += 2) min = Math.min(min, Long.parseLong(w[i]));
        return Long.toString(min);
    }

    /** A bare file name, as Redis requires for dbfilename and appendfilename. */
    static String fileName(String s) {
        if (s.isEmpty() || s.contains("/") || s.contains("\\")) {
            throw new IllegalArgumentException("a file name without a directory is required");
        }
        return s;
    }

    static String percentiles(String s) {
        String t = s.trim();
        if (t.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        for (String x : t.split("\\s+")) {
            double d;
            try {
                d = Double.parseDouble(x);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (!(d >= 0 && d <= 100)) throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
            if (sb.length() > 0) sb.append(' ');
            sb.append(x);
        }
        return sb.toString();
    }

    /**
     * Redis's keyspace-event classes: g $ l s h z x e t d n (A is g$lshzxetd), K, E, m. Normalised as Redis shows them:
     * "A" when all of g$lshzxetd are on, else those letters in that order; then K, E and m.
     */
    static String keyspaceEvents(String s) {
        String all = "g$lshzxetd";
        java.util.Set<Character> on = new java.util.HashSet<>();
        for (char ch : s.toCharArray()) {
            if (ch == 'A') {
                for (char x : all.toCharArray()) on.add(x);
            } else if (all.indexOf(ch) >= 0 || ch == 'K' || ch == 'E' || ch == 'm' || ch == 'n') {
                on.add(ch);
            } else {
                throw new IllegalArgumentException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
        }
        StringBuilder sb = new StringBuilder();
        boolean everything = all.chars().allMatch(c -> on.contains((char) c));
        if (everything) sb.append('A');
        for (char x : (all + "n").toCharArray()) {
            if (on.contains(x) && !(everything && all.indexOf(x) >= 0)) sb.append(x);
        }
        for (char x : "KEm".toCharArray()) if (on.contains(x)) sb.append(x);
        return sb.toString();
    }

    static String oneOf(String s, String... allowed) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) if (a.equals(v)) return v;
        throw new IllegalArgumentException("argument must be one of " + String.join(", ", allowed));
    }

    static UnaryOperator<String> yesNo() {
        return s -> oneOf(s, "yes", "no");
    }

    static UnaryOperator<String> range(long min, long max) {
        return s -> {
            long v;
            try {
                v = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("argument couldn't be parsed into an integer");
            }
            if (v < min || v > max) throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            return Long.toString(v);
        };
    }

    /** Memory sizes as redis.conf writes them: 1k = 1000, 1kb = 1024, likewise m/mb, g/gb. */
    static UnaryOperator<String> bytes(long min, long max) {
        return s -> {
            long v = parseBytes(s);
            if (v < min || v > max) throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            return Long.toString(v);
        };
    }

    static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("argument must be a memory value");
        }
    }
}
