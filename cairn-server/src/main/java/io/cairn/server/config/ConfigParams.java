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
        l.add(p("protected-mode", "yes", true, yesNo(), "refuse non-loopback clients while no password is set"));
        l.add(p("requirepass", "", true, s -> s, "password for AUTH; empty means none"));
        l.add(p("maxclients", "10000", true, range(1, 1_000_000), "most connected clients; more are refused"));
        l.add(p("timeout", "0", true, range(0, Integer.MAX_VALUE), "close a client idle this many seconds; 0 never"));
        l.add(p("tcp-keepalive", "300", true, range(0, Integer.MAX_VALUE), "TCP keepalive on client sockets (0 off)"));
        l.add(p("tcp-backlog", "511", false, range(0, 65535), "listen backlog"));
        l.add(p("io-threads", String.valueOf(Runtime.getRuntime().availableProcessors()), false, range(1, 128),
                "event-loop threads; commands run on them"));
        // persistence
        l.add(p("dir", "./data", false, s -> s, "data directory (the store's directory)"));
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
        l.add(p("save", "3600 1 300 100 60 10000", true, s -> s.trim(),
                "accepted for tools; the write-ahead log already persists every write (snapshots: SAVE)"));
        l.add(p("cairn-segment-size", "64mb", false, bytes(4096, 1L << 30), "write-ahead log segment size"));
        l.add(p("cairn-default-index", "hash", false, s -> IndexKind.valueOf(s.trim().toUpperCase(Locale.ROOT)).name().toLowerCase(Locale.ROOT),
                "index kind of keyspaces created without one: hash or ordered"));
        l.add(p("databases", "16", false, range(1, 10_000), "numbered databases (db 0 is the default keyspace)"));
        // memory
        l.add(p("maxmemory", "0", true, bytes(0, Long.MAX_VALUE), "memory limit for data; 0 none; also sizes the heap at launch"));
        l.add(p("maxmemory-policy", "noeviction", true, s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("noeviction")) {
                throw new IllegalArgumentException("maxmemory-policy " + v + " is not supported yet; Cairn refuses writes past maxmemory (noeviction)");
            }
            return v;
        }, "noeviction: writes past maxmemory get an OOM error"));
        // protocol limits
        l.add(p("proto-max-bulk-len", "512mb", true, bytes(1024 * 1024, Long.MAX_VALUE), "longest bulk string a client may send"));
        l.add(p("client-query-buffer-limit", "1gb", true, bytes(1024 * 1024, Long.MAX_VALUE), "most unparsed bytes held for one client"));
        l.add(p("cairn-max-inline-len", "64kb", true, bytes(16, 1L << 30), "longest inline (telnet) command line"));
        l.add(p("cairn-max-multibulk-len", "1073741824", true, range(1, Integer.MAX_VALUE), "most arguments in one request"));
        l.add(p("client-output-buffer-limit", "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60", true, s -> s.trim(),
                "normal class: hard limit, soft limit, soft seconds for a client's unsent replies; 0 none"));
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
        return l;
    }

    static ConfigParam p(String name, String def, boolean mutable, UnaryOperator<String> norm, String meaning) {
        return new ConfigParam(name, List.of(), def, mutable, norm, meaning);
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
