package io.cairn.server.command;

import io.cairn.CloseableIterator;
import io.cairn.Entry;
import io.cairn.IndexKind;
import io.cairn.Keyspace;
import io.cairn.Txn;
import io.cairn.ValueType;
import io.cairn.server.pubsub.PubSub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generic key commands: DEL, EXISTS, EXPIRE, SCAN, ... with Redis 7's options, replies and error texts.
 *
 * <p>Writes send Redis's generic keyspace events ({@link KeyEvents}): {@code del} per key deleted, {@code rename_from}
 * and {@code rename_to}, {@code copy_to}, {@code move_from} and {@code move_to}, {@code expire} (or {@code del} for an
 * expiry already past), {@code persist}; {@code new} for a key RENAME, COPY or MOVE put in place, as Redis's dbAdd does.
 */
final class KeyCommands {
    private KeyCommands() {
    }

    static final String SAME_OBJECT = "ERR source and destination objects are the same";
    static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    static final String LRU_NOT_SELECTED = "ERR An LRU maxmemory policy is not selected, access time not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    static void register(CommandTable t) {
        t.add(Command.of("del", -2, "write").keys(1, -1, 1).group("generic")
                .doc("Deletes one or more keys.", "1.0.0").run(KeyCommands::del));
        t.add(Command.of("delete", -2, "write").keys(1, -1, 1).group("generic")
                .doc("Cairn's alias of DEL.", "1.0.0").run(KeyCommands::del));
        t.add(Command.of("unlink", -2, "write fast").keys(1, -1, 1).group("generic")
                .doc("Asynchronously deletes one or more keys.", "4.0.0").run(KeyCommands::del));
        t.add(Command.of("exists", -2, "readonly fast").keys(1, -1, 1).group("generic")
                .doc("Determines whether one or more keys exist.", "1.0.0").run(KeyCommands::exists));
        t.add(Command.of("touch", -2, "readonly fast").keys(1, -1, 1).group("generic")
                .doc("Returns the number of existing keys out of those specified after updating the time they were last accessed.", "3.2.1")
                .run(KeyCommands::exists));
        t.add(Command.of("type", 2, "readonly fast").keys(1, 1, 1).group("generic")
                .doc("Determines the type of value stored at a key.", "1.0.0")
                .run(KeyCommands::type));
        t.add(Command.of("rename", 3, "write").keys(1, 2, 1).group("generic")
                .doc("Renames a key and overwrites the destination.", "1.0.0").run((c, a) -> rename(c, a, false)));
        t.add(Command.of("renamenx", 3, "write fast").keys(1, 2, 1).group("generic")
                .doc("Renames a key only when the target key name doesn't exist.", "1.0.0").run((c, a) -> rename(c, a, true)));
        t.add(Command.of("copy", -3, "write denyoom").keys(1, 2, 1).group("generic")
                .doc("Copies the value of a key to a new key.", "6.2.0").run(KeyCommands::copy));
        t.add(Command.of("move", 3, "write fast").keys(1, 1, 1).group("generic")
                .doc("Moves a key to another database.", "1.0.0").run(KeyCommands::move));
        t.add(Command.of("keys", 2, "readonly").group("generic")
                .doc("Returns all key names that match a pattern.", "1.0.0").run(KeyCommands::keys));
        t.add(Command.of("scan", -2, "readonly").group("generic")
                .doc("Iterates over the key names in the database.", "2.8.0").run(KeyCommands::scan));
        t.add(Command.of("randomkey", 1, "readonly").group("generic")
                .doc("Returns a random key name from the database.", "1.0.0")
                .run((c, a) -> c.reply().bulk(c.keyspace().randomKey())));
        t.add(Command.of("expire", -3, "write fast").keys(1, 1, 1).group("generic")
                .doc("Sets the expiration time of a key in seconds.", "1.0.0").run((c, a) -> expire(c, a, true, false)));
        t.add(Command.of("pexpire", -3, "write fast").keys(1, 1, 1).group("generic")
                .doc("Sets the expiration time of a key in milliseconds.", "2.6.0").run((c, a) -> expire(c, a, false, false)));
        t.add(Command.of("expireat", -3, "write fast").keys(1, 1, 1).group("generic")
                .doc("Sets the expiration time of a key to a Unix timestamp.", "1.2.0").run((c, a) -> expire(c, a, true, true)));
        t.add(Command.of("pexpireat", -3, "write fast").keys(1, 1, 1).group("generic")
                .doc("Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0")
                .run((c, a) -> expire(c, a, false, true)));
        t.add(Command.of("ttl", 2, "readonly fast").keys(1, 1, 1).group("generic")
                .doc("Returns the expiration time in seconds of a key.", "1.0.0").run((c, a) -> ttl(c, a, false, false)));
        t.add(Command.of("pttl", 2, "readonly fast").keys(1, 1, 1).group("generic")
                .doc("Returns the expiration time in milliseconds of a key.", "2.6.0").run((c, a) -> ttl(c, a, true, false)));
        t.add(Command.of("expiretime", 2, "readonly fast").keys(1, 1, 1).group("generic")
                .doc("Returns the expiration time of a key as a Unix timestamp.", "7.0.0").run((c, a) -> ttl(c, a, false, true)));
        t.add(Command.of("pexpiretime", 2, "readonly fast").keys(1, 1, 1).group("generic")
                .doc("Returns the expiration time of a key as a Unix milliseconds timestamp.", "7.0.0")
                .run((c, a) -> ttl(c, a, true, true)));
        t.add(Command.of("persist", 2, "write fast").keys(1, 1, 1).group("generic")
                .doc("Removes the expiration time of a key.", "2.2.0").run(KeyCommands::persist));
        t.add(Command.of("object", -2, "").group("generic").doc("A container for object introspection commands.", "2.2.3")
                .sub(Command.of("object|encoding", 3, "readonly").keys(2, 2, 1).group("generic")
                        .doc("Returns the internal encoding of a Redis object.", "2.2.3")
                        .run((c, a) -> objectInfo(c, a, "encoding")))
                .sub(Command.of("object|freq", 3, "readonly").keys(2, 2, 1).group("generic")
                        .doc("Returns the logarithmic access frequency counter of a Redis object.", "4.0.0")
                        .run((c, a) -> objectInfo(c, a, "freq")))
                .sub(Command.of("object|idletime", 3, "readonly").keys(2, 2, 1).group("generic")
                        .doc("Returns the time since the last access to a Redis object.", "2.2.3")
                        .run((c, a) -> objectInfo(c, a, "idletime")))
                .sub(Command.of("object|refcount", 3, "readonly").keys(2, 2, 1).group("generic")
                        .doc("Returns the reference count of a value of a key.", "2.2.3")
                        .run((c, a) -> objectInfo(c, a, "refcount")))
                .sub(Command.of("object|help", 2, "loading stale").group("generic")
                        .doc("Returns helpful text about the different subcommands.", "6.2.0")
                        .run(KeyCommands::objectHelp))
                .container());
    }

    // ------------------------------------------------------------------ existence and deletion

    private static void del(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        boolean[] deleted = new boolean[a.length];
        long n = c.writer().atomically(tx -> {
            long d = 0;
            for (int i = 1; i < a.length; i++) {
                deleted[i] = tx.delete(ks, a[i]);
                if (deleted[i]) d++;
            }
            return d;
        });
        for (int i = 1; i < a.length; i++) if (deleted[i]) KeyEvents.fire(c, PubSub.GENERIC, "del", a[i]);
        c.reply().integer(n);
    }

    /** EXISTS and TOUCH: how many of the arguments name a live key, repeats counted each time. */
    private static void exists(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        long n = 0;
        for (int i = 1; i < a.length; i++) if (ks.type(a[i]) != null) n++;
        c.reply().integer(n);
    }

    private static void type(Client c, byte[][] a) {
        ValueType t = c.keyspace().type(a[1]);
        c.reply().simple(t == null ? "none" : t.redisName());
    }

    // ------------------------------------------------------------------ rename, copy, move

    private static void rename(Client c, byte[][] a, boolean nx) {
        Keyspace ks = c.keyspace();
        byte[] src = a[1];
        byte[] dst = a[2];
        boolean same = Arrays.equals(src, dst);
        int r = c.writer().atomically(tx -> {
            long at = tx.expiresAt(ks, src);
            if (at == Txn.ABSENT) return -1;
            if (same) return nx ? 0 : 1;
            if (nx && tx.contains(ks, dst)) return 0;
            tx.copyValue(ks, src, ks, dst, at); // any type; the source's expiry travels with it, the target's is replaced
            tx.delete(ks, src);
            return 1;
        });
        if (r < 0) throw Errors.error(Errors.NO_SUCH_KEY);
        if (r == 1 && !same) {
            // Redis deletes an existing target and adds the key anew: "new" whether or not the target existed
            if (KeyEvents.wantsNew(c)) KeyEvents.fire(c, PubSub.NEW, "new", dst);
            KeyEvents.fire(c, PubSub.GENERIC, "rename_from", src);
            KeyEvents.fire(c, PubSub.GENERIC, "rename_to", dst);
        }
        if (nx) c.reply().integer(r);
        else c.reply().ok();
    }

    /** A database number argument: an int, and one of this server's databases. */
    private static Keyspace database(Client c, byte[] arg) {
        int n = Args.toInt(arg);
        if (n < 0 || n >= c.server().databases()) throw Errors.error(Errors.DB_INDEX);
        return c.server().db(n);
    }

    private static void copy(Client c, byte[][] a) {
        Keyspace src = c.keyspace();
        Keyspace dst = src;
        boolean replace = false;
        for (int j = 3; j < a.length; j++) {
            if (Args.is(a[j], "REPLACE")) {
                replace = true;
            } else if (Args.is(a[j], "DB") && j + 1 < a.length) {
                dst = database(c, a[++j]);
            } else {
                throw Errors.syntax();
            }
        }
        if (c.server().cluster() != null && (src != c.server().db(0) || dst != c.server().db(0))) {
            throw Errors.error("ERR Copying to another database is not allowed in cluster mode");
        }
        byte[] key = a[1];
        byte[] newKey = a[2];
        if (src == dst && Arrays.equals(key, newKey)) throw Errors.error(SAME_OBJECT);
        Keyspace target = dst;
        boolean overwrite = replace;
        boolean copied = c.writer().atomically(tx -> {
            long at = tx.expiresAt(src, key);
            if (at == Txn.ABSENT) return false;
            if (!overwrite && tx.contains(target, newKey)) return false;
            return tx.copyValue(src, key, target, newKey, at);
        });
        if (copied) KeyEvents.written(c, PubSub.GENERIC, "copy_to", newKey, true, c.server().dbIndexOf(target));
        c.reply().integer(copied ? 1 : 0);
    }

    private static void move(Client c, byte[][] a) {
        if (c.server().cluster() != null) throw Errors.error("ERR MOVE is not allowed in cluster mode");
        Keyspace src = c.keyspace();
        Keyspace dst = database(c, a[2]);
        if (src == dst) throw Errors.error(SAME_OBJECT);
        byte[] key = a[1];
        boolean moved = c.writer().atomically(tx -> {
            long at = tx.expiresAt(src, key);
            if (at == Txn.ABSENT || tx.contains(dst, key)) return false;
            tx.copyValue(src, key, dst, key, at);
            tx.delete(src, key);
            return true;
        });
        if (moved) {
            int to = c.server().dbIndexOf(dst);
            if (KeyEvents.wantsNew(c)) c.server().pubsub().notify(c, PubSub.NEW, "new", key, to);
            KeyEvents.fire(c, PubSub.GENERIC, "move_from", key);
            c.server().pubsub().notify(c, PubSub.GENERIC, "move_to", key, to);
        }
        c.reply().integer(moved ? 1 : 0);
    }

    // ------------------------------------------------------------------ KEYS and SCAN

    private static boolean matchesAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static void keys(Client c, byte[][] a) {
        byte[] pattern = a[1];
        boolean all = matchesAll(pattern);
        List<byte[]> out = new ArrayList<>();
        try (CloseableIterator<Entry> it = c.keyspace().iterator()) {
            while (it.hasNext()) {
                byte[] k = it.next().key();
                if (all || Glob.match(pattern, k)) out.add(k);
            }
        }
        c.reply().array(out.size());
        for (byte[] k : out) c.reply().bulk(k);
    }

    /** Where an ORDERED keyspace's SCAN cursor stopped: the keyspace and the last key returned. */
    private record ScanPosition(Keyspace keyspace, byte[] lastKey) {
    }

    /** Cursors of ORDERED scans in progress, least recently used evicted past {@link #MAX_CURSORS}. */
    static final int MAX_CURSORS = 10_000;
    private static final Map<Long, ScanPosition> CURSORS = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ScanPosition> eldest) {
            return size() > MAX_CURSORS;
        }
    };

    private static ScanPosition cursorPosition(long cursor) {
        synchronized (CURSORS) {
            return CURSORS.get(cursor);
        }
    }

    private static long newCursor(Keyspace ks, byte[] lastKey) {
        synchronized (CURSORS) {
            long id;
            do {
                id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            } while (CURSORS.containsKey(id));
            CURSORS.put(id, new ScanPosition(ks, lastKey));
            return id;
        }
    }

    static int cursorsHeld() {
        synchronized (CURSORS) {
            return CURSORS.size();
        }
    }

    /** A cursor as Redis reads one: an unsigned 64-bit decimal. */
    static long parseCursor(byte[] arg) {
        String s = Args.str(arg);
        if (s.isEmpty() || s.charAt(0) == '-') throw Errors.error("ERR invalid cursor");
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw Errors.error("ERR invalid cursor");
        }
    }

    private static final List<String> TYPE_NAMES = List.of("string", "list", "set", "zset", "hash", "stream");

    private static void scan(Client c, byte[][] a) {
        long cursor = parseCursor(a[1]);
        long count = 10;
        byte[] pattern = null;
        String type = null;
        for (int i = 2; i < a.length; ) {
            boolean hasValue = i + 1 < a.length;
            if (Args.is(a[i], "COUNT") && hasValue) {
                count = Args.toLong(a[i + 1]);
                if (count < 1) throw Errors.syntax();
            } else if (Args.is(a[i], "MATCH") && hasValue) {
                pattern = matchesAll(a[i + 1]) ? null : a[i + 1];
            } else if (Args.is(a[i], "TYPE") && hasValue) {
                type = Args.str(a[i + 1]).toLowerCase(java.util.Locale.ROOT);
                if (!TYPE_NAMES.contains(type)) throw Errors.error("ERR unknown type name '" + Args.str(a[i + 1]) + "'");
            } else {
                throw Errors.syntax();
            }
            i += 2;
        }
        int n = (int) Math.min(count, Integer.MAX_VALUE - 8);
        Keyspace ks = c.keyspace();
        List<byte[]> found = new ArrayList<>();
        List<ValueType> types = new ArrayList<>(); // of found, when the scan tells (ORDERED), else null each
        long next;
        if (ks.kind() == IndexKind.HASH) {
            next = ks.scanKeys(cursor, n, k -> {
                found.add(k);
                types.add(null);
            });
        } else {
            ScanPosition at = cursor == 0 ? null : cursorPosition(cursor);
            if (at != null && at.keyspace() != ks) at = null; // another keyspace's cursor: start over
            io.cairn.Scan s = ks.scan().limit((long) n + 1); // one more than asked tells whether there is more
            if (at != null) s.after(at.lastKey());
            try (CloseableIterator<Entry> it = s.iterator()) {
                while (it.hasNext()) {
                    Entry e = it.next();
                    found.add(e.key());
                    types.add(e.type());
                }
            }
            if (found.size() > n) {
                found.remove(found.size() - 1);
                types.remove(types.size() - 1);
                next = newCursor(ks, found.get(found.size() - 1));
            } else {
                next = 0;
            }
        }
        List<byte[]> keys = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            byte[] k = found.get(i);
            if (pattern != null && !Glob.match(pattern, k)) continue;
            if (type != null) {
                ValueType t = types.get(i) != null ? types.get(i) : ks.type(k);
                if (t == null || !t.redisName().equals(type)) continue; // gone since, or another type
            }
            keys.add(k);
        }
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(next));
        c.reply().array(keys.size());
        for (byte[] k : keys) c.reply().bulk(k);
    }

    // ------------------------------------------------------------------ expiry

    /** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX, XX, GT, LT. */
    private static void expire(Client c, byte[][] a, boolean seconds, boolean absolute) {
        String name = (absolute ? (seconds ? "expireat" : "pexpireat") : (seconds ? "expire" : "pexpire"));
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int j = 3; j < a.length; j++) {
            if (Args.is(a[j], "NX")) nx = true;
            else if (Args.is(a[j], "XX")) xx = true;
            else if (Args.is(a[j], "GT")) gt = true;
            else if (Args.is(a[j], "LT")) lt = true;
            else throw Errors.error("ERR Unsupported option " + Errors.abbreviate(Args.str(a[j])));
        }
        if (nx && (xx || gt || lt)) throw Errors.error("ERR NX and XX, GT or LT options at the same time are not compatible");
        if (gt && lt) throw Errors.error("ERR GT and LT options at the same time are not compatible");
        long when = Args.toLong(a[2]);
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) throw Errors.invalidExpire(name);
            when *= 1000;
        }
        Keyspace ks = c.keyspace();
        byte[] key = a[1];
        boolean fNx = nx;
        boolean fXx = xx;
        boolean fGt = gt;
        boolean fLt = lt;
        long w = when;
        boolean[] deleted = new boolean[1];
        boolean set = c.writer().atomically(tx -> {
            deleted[0] = false;
            long base = absolute ? 0 : tx.now();
            if (w > Long.MAX_VALUE - base) throw Errors.invalidExpire(name);
            long at = w + base;
            long current = tx.expiresAt(ks, key);
            if (current == Txn.ABSENT) return false;
            // current == 0: no expiry, which GT and LT treat as infinite
            if (fNx && current != 0) return false;
            if (fXx && current == 0) return false;
            if (fGt && (current == 0 || at <= current)) return false;
            if (fLt && current != 0 && at >= current) return false;
            if (at <= tx.now()) { // already past: the key goes (an expiry of 0 would mean "none")
                tx.delete(ks, key);
                deleted[0] = true;
            } else {
                tx.expireAt(ks, key, at);
            }
            return true;
        });
        if (set) KeyEvents.fire(c, PubSub.GENERIC, deleted[0] ? "del" : "expire", key);
        c.reply().integer(set ? 1 : 0);
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for an absent key, -1 for one without expiry. */
    private static void ttl(Client c, byte[][] a, boolean millis, boolean absolute) {
        Keyspace ks = c.keyspace();
        long ttl = ks.ttlMillis(a[1]);
        if (ttl < 0) {
            c.reply().integer(ttl);
            return;
        }
        long v = ttl;
        if (absolute) {
            var at = ks.expiresAt(a[1]);
            if (at.isEmpty()) { // it went between the two reads
                c.reply().integer(ks.type(a[1]) != null ? -1 : -2);
                return;
            }
            v = at.get().toEpochMilli();
        }
        c.reply().integer(millis ? v : (v + 500) / 1000);
    }

    private static void persist(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        boolean removed = c.writer().atomically(tx -> {
            if (tx.expiresAt(ks, a[1]) <= 0) return false;
            tx.persist(ks, a[1]);
            return true;
        });
        if (removed) KeyEvents.fire(c, PubSub.GENERIC, "persist", a[1]);
        c.reply().integer(removed ? 1 : 0);
    }

    // ------------------------------------------------------------------ OBJECT

    private static void objectInfo(Client c, byte[][] a, String what) {
        Keyspace ks = c.keyspace();
        if (what.equals("freq") || what.equals("idletime")) { // read without counting as an access, as Redis's NOTOUCH
            boolean lfu = c.server().store().limits().policy().lfu();
            int freq = ks.frequency(a[2]);
            if (freq < 0) { // absent: nil before any policy error, as Redis
                c.reply().nullBulk();
                return;
            }
            if (what.equals("freq")) {
                if (!lfu) throw Errors.error(LFU_NOT_SELECTED);
                c.reply().integer(freq);
            } else {
                if (lfu) throw Errors.error(LRU_NOT_SELECTED);
                java.time.Duration idle = ks.idleTime(a[2]);
                if (idle == null) c.reply().nullBulk();
                else c.reply().integer(idle.toSeconds());
            }
            return;
        }
        String encoding = c.writer().atomically(tx -> tx.encoding(ks, a[2])); // null: absent
        if (encoding == null) {
            c.reply().nullBulk();
            return;
        }
        switch (what) {
            case "encoding" -> c.reply().bulk(encoding);
            case "refcount" -> c.reply().integer(1);
            default -> throw new IllegalStateException("OBJECT " + what);
        }
    }

    private static final String[] OBJECT_HELP = {
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Print this help.",
    };

    private static void objectHelp(Client c, byte[][] a) {
        c.reply().array(OBJECT_HELP.length);
        for (String line : OBJECT_HELP) c.reply().simple(line);
    }
}
