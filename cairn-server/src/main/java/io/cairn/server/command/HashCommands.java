package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.TxnHash;
import io.cairn.collection.HashValue;
import io.cairn.index.Cells;
import io.cairn.server.pubsub.PubSub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hash commands: HSET, HGET and the rest of Redis's hash family, with Redis 7's replies and error texts.
 *
 * <p>Each command is one atomic block: it reads the hash through a {@link TxnHash}, decides, and its changes become
 * one log record (a read logs nothing). Replies are built from what the block read and written after it returns, so
 * nothing of a large hash's live structure is touched outside the store's lock. A change keeps the key's expiry, as
 * Redis does; the last field removed deletes the key.
 *
 * <p>Writes send Redis's keyspace events ({@link KeyEvents}, class h): {@code hset} (HSET, HMSET, and HSETNX when it
 * sets), {@code hdel} then {@code del} when the last field went, {@code hincrby}, {@code hincrbyfloat}; {@code new}
 * first when the write created the key.
 */
final class HashCommands {
    private HashCommands() {
    }

    static final String NOT_INTEGER = "ERR hash value is not an integer";
    static final String NOT_FLOAT = "ERR hash value is not a float";

    static void register(CommandTable t) {
        t.add(Command.of("hset", -4, "write denyoom fast").keys(1, 1, 1).group("hash")
                .doc("Creates or modifies the value of a field in a hash.", "2.0.0").run((c, a) -> hset(c, a, false)));
        t.add(Command.of("hmset", -4, "write denyoom fast").keys(1, 1, 1).group("hash")
                .doc("Sets the values of multiple fields.", "2.0.0").run((c, a) -> hset(c, a, true)));
        t.add(Command.of("hsetnx", 4, "write denyoom fast").keys(1, 1, 1).group("hash")
                .doc("Sets the value of a field in a hash only when the field doesn't exist.", "2.0.0").run(HashCommands::hsetnx));
        t.add(Command.of("hget", 3, "readonly fast").keys(1, 1, 1).group("hash")
                .doc("Returns the value of a field in a hash.", "2.0.0").run(HashCommands::hget));
        t.add(Command.of("hmget", -3, "readonly fast").keys(1, 1, 1).group("hash")
                .doc("Returns the values of all fields in a hash.", "2.0.0").run(HashCommands::hmget));
        t.add(Command.of("hgetall", 2, "readonly").keys(1, 1, 1).group("hash")
                .doc("Returns all fields and values in a hash.", "2.0.0").run((c, a) -> hgetall(c, a, true, true)));
        t.add(Command.of("hkeys", 2, "readonly").keys(1, 1, 1).group("hash")
                .doc("Returns all fields in a hash.", "2.0.0").run((c, a) -> hgetall(c, a, true, false)));
        t.add(Command.of("hvals", 2, "readonly").keys(1, 1, 1).group("hash")
                .doc("Returns all values in a hash.", "2.0.0").run((c, a) -> hgetall(c, a, false, true)));
        t.add(Command.of("hlen", 2, "readonly fast").keys(1, 1, 1).group("hash")
                .doc("Returns the number of fields in a hash.", "2.0.0").run(HashCommands::hlen));
        t.add(Command.of("hexists", 3, "readonly fast").keys(1, 1, 1).group("hash")
                .doc("Determines whether a field exists in a hash.", "2.0.0").run(HashCommands::hexists));
        t.add(Command.of("hstrlen", 3, "readonly fast").keys(1, 1, 1).group("hash")
                .doc("Returns the length of the value of a field.", "3.2.0").run(HashCommands::hstrlen));
        t.add(Command.of("hdel", -3, "write fast").keys(1, 1, 1).group("hash")
                .doc("Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", "2.0.0")
                .run(HashCommands::hdel));
        t.add(Command.of("hincrby", 4, "write denyoom fast").keys(1, 1, 1).group("hash")
                .doc("Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", "2.0.0")
                .run(HashCommands::hincrby));
        t.add(Command.of("hincrbyfloat", 4, "write denyoom fast").keys(1, 1, 1).group("hash")
                .doc("Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", "2.6.0")
                .run(HashCommands::hincrbyfloat));
        t.add(Command.of("hrandfield", -2, "readonly").keys(1, 1, 1).group("hash")
                .doc("Returns one or more random fields from a hash.", "6.2.0").run(HashCommands::hrandfield));
        t.add(Command.of("hscan", -3, "readonly").keys(1, 1, 1).group("hash")
                .doc("Iterates over fields and values of a hash.", "2.8.0").run(HashCommands::hscan));
    }

    // ------------------------------------------------------------------ writes

    /** HSET (replies how many fields are new) and HMSET (replies OK). */
    private static void hset(Client c, byte[][] a, boolean ok) {
        if (a.length % 2 != 0) throw Errors.arity(ok ? "hmset" : "hset");
        Keyspace ks = c.keyspace();
        byte[][] pairs = Arrays.copyOfRange(a, 2, a.length);
        boolean[] created = new boolean[1];
        int added = c.writer().atomically(tx -> {
            TxnHash h = tx.hash(ks, a[1]);
            created[0] = !h.exists();
            return h.put(pairs);
        });
        KeyEvents.written(c, PubSub.HASH, "hset", a[1], created[0]);
        if (ok) c.reply().ok();
        else c.reply().integer(added);
    }

    private static void hsetnx(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        boolean[] created = new boolean[1];
        boolean set = c.writer().atomically(tx -> {
            TxnHash h = tx.hash(ks, a[1]);
            if (h.get(a[2]) != null) return false;
            created[0] = !h.exists();
            h.put(a[2], a[3]);
            return true;
        });
        if (set) KeyEvents.written(c, PubSub.HASH, "hset", a[1], created[0]);
        c.reply().integer(set ? 1 : 0);
    }

    private static void hdel(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[][] fields = Arrays.copyOfRange(a, 2, a.length);
        boolean[] deleted = new boolean[1];
        int removed = c.writer().atomically(tx -> {
            TxnHash h = tx.hash(ks, a[1]);
            int n = h.remove(fields);
            deleted[0] = n > 0 && !h.exists();
            return n;
        });
        if (removed > 0) KeyEvents.removed(c, PubSub.HASH, "hdel", a[1], deleted[0]);
        c.reply().integer(removed);
    }

    private static void hincrby(Client c, byte[][] a) {
        long by = Args.toLong(a[3]); // Redis reads the increment before it looks at the key
        Keyspace ks = c.keyspace();
        boolean[] created = new boolean[1];
        long n = c.writer().atomically(tx -> {
            TxnHash h = tx.hash(ks, a[1]);
            created[0] = !h.exists();
            byte[] cur = h.get(a[2]);
            long v = 0;
            if (cur != null) {
                Long parsed = Args.parseLong(cur);
                if (parsed == null) throw Errors.error(NOT_INTEGER);
                v = parsed;
            }
            if ((by < 0 && v < 0 && by < Long.MIN_VALUE - v) || (by > 0 && v > 0 && by > Long.MAX_VALUE - v)) {
                throw Errors.error(Errors.OVERFLOW);
            }
            long r = v + by;
            h.put(a[2], ascii(Long.toString(r)));
            return r;
        });
        KeyEvents.written(c, PubSub.HASH, "hincrby", a[1], created[0]);
        c.reply().integer(n);
    }

    private static void hincrbyfloat(Client c, byte[][] a) {
        StringCommands.LongDouble by = StringCommands.LongDouble.parse(a[3]);
        if (by == null) throw Errors.error(Errors.NOT_FLOAT);
        if (by.isInfiniteOrNaN()) throw Errors.error("ERR value is NaN or Infinity");
        Keyspace ks = c.keyspace();
        boolean[] created = new boolean[1];
        byte[] out = c.writer().atomically(tx -> {
            TxnHash h = tx.hash(ks, a[1]);
            created[0] = !h.exists();
            byte[] cur = h.get(a[2]);
            StringCommands.LongDouble v = StringCommands.LongDouble.ZERO;
            if (cur != null) {
                v = StringCommands.LongDouble.parse(cur);
                if (v == null) throw Errors.error(NOT_FLOAT);
            }
            StringCommands.LongDouble r = v.add(by);
            if (r.isInfiniteOrNaN()) throw Errors.error("ERR increment would produce NaN or Infinity");
            byte[] s = ascii(r.toHumanString());
            h.put(a[2], s);
            return s;
        });
        KeyEvents.written(c, PubSub.HASH, "hincrbyfloat", a[1], created[0]);
        c.reply().bulk(out);
    }

    // ------------------------------------------------------------------ reads

    private static void hget(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] v = c.writer().atomically(tx -> tx.hash(ks, a[1]).get(a[2]));
        c.reply().bulk(v);
    }

    private static void hmget(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[][] values = c.writer().atomically(tx -> {
            TxnHash h = tx.hash(ks, a[1]);
            byte[][] out = new byte[a.length - 2][];
            for (int i = 2; i < a.length; i++) out[i - 2] = h.get(a[i]);
            return out;
        });
        c.reply().array(values.length);
        for (byte[] v : values) c.reply().bulk(v);
    }

    /** HGETALL (a map under RESP3), HKEYS, HVALS. */
    private static void hgetall(Client c, byte[][] a, boolean fields, boolean values) {
        Keyspace ks = c.keyspace();
        List<byte[]> out = c.writer().atomically(tx -> {
            HashValue h = tx.hash(ks, a[1]).value();
            List<byte[]> l = new ArrayList<>(h == null ? 0 : (fields && values ? 2 : 1) * h.size());
            if (h != null) h.forEach((f, v) -> {
                if (fields) l.add(f);
                if (values) l.add(v);
            });
            return l;
        });
        if (fields && values) c.reply().map(out.size() / 2);
        else c.reply().array(out.size());
        for (byte[] b : out) c.reply().bulk(b);
    }

    private static void hlen(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.reply().integer(c.writer().atomically(tx -> tx.hash(ks, a[1]).size()));
    }

    private static void hexists(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.reply().integer(c.writer().atomically(tx -> tx.hash(ks, a[1]).get(a[2]) != null) ? 1 : 0);
    }

    private static void hstrlen(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] v = c.writer().atomically(tx -> tx.hash(ks, a[1]).get(a[2]));
        c.reply().integer(v == null ? 0 : v.length);
    }

    // ------------------------------------------------------------------ HRANDFIELD

    /** The most entries a random pick with repetition (a negative count) may reply with; Redis has no bound. */
    static final long MAX_RANDOM_REPLY = 1L << 22;

    /** What Redis's getRangeLongFromObjectOrReply says for a count outside {@code -LONG_MAX..LONG_MAX}. */
    static final String COUNT_RANGE = "ERR value is out of range, must be between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE;

    /** A random-pick count in Redis's range. */
    static long randomCount(byte[] arg) {
        long n = Args.toLong(arg);
        if (n == Long.MIN_VALUE) throw Errors.error(COUNT_RANGE);
        return n;
    }

    /** Refuses a negative count whose reply would pass {@link #MAX_RANDOM_REPLY} entries. */
    static void boundRepetition(long n) {
        if (n < -MAX_RANDOM_REPLY) {
            throw Errors.error("ERR value is out of range, a negative count may ask for at most " + MAX_RANDOM_REPLY + " entries");
        }
    }

    private static void hrandfield(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        if (a.length == 2) {
            byte[] f = c.writer().atomically(tx -> {
                HashValue h = tx.hash(ks, a[1]).value();
                if (h == null) return null;
                return Cells.key(h.randomCell(ThreadLocalRandom.current()));
            });
            c.reply().bulk(f);
            return;
        }
        long n = randomCount(a[2]);
        boolean withValues = false;
        if (a.length > 4 || (a.length == 4 && !Args.is(a[3], "WITHVALUES"))) throw Errors.syntax();
        if (a.length == 4) {
            withValues = true;
            if (n < -Long.MAX_VALUE / 2 || n > Long.MAX_VALUE / 2) throw Errors.error("ERR value is out of range");
        }
        boundRepetition(n);
        boolean repeat = n < 0;
        long count = Math.abs(n);
        // pairs of field, value (value null without WITHVALUES)
        List<byte[]> picked = c.writer().atomically(tx -> {
            HashValue h = tx.hash(ks, a[1]).value();
            List<byte[]> out = new ArrayList<>();
            if (h == null || count == 0) return out;
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int size = h.size();
            if (repeat || count == 1) {
                for (long i = 0; i < count; i++) {
                    byte[] cell = h.randomCell(r);
                    out.add(Cells.key(cell));
                    out.add(Cells.value(cell));
                }
            } else if (count >= size) {
                h.forEach((f, v) -> {
                    out.add(f);
                    out.add(v);
                });
            } else if (count * 3 > size) { // most of it: shuffle the whole and keep a prefix
                List<byte[][]> all = new ArrayList<>(size);
                h.forEach((f, v) -> all.add(new byte[][]{f, v}));
                for (int i = 0; i < count; i++) {
                    int j = i + r.nextInt(size - i);
                    byte[][] p = all.get(j);
                    all.set(j, all.get(i));
                    out.add(p[0]);
                    out.add(p[1]);
                }
            } else { // a few of many: draw until enough are distinct
                Set<ByteBuffer> seen = new HashSet<>();
                while (seen.size() < count) {
                    byte[] cell = h.randomCell(r);
                    byte[] f = Cells.key(cell);
                    if (seen.add(ByteBuffer.wrap(f))) {
                        out.add(f);
                        out.add(Cells.value(cell));
                    }
                }
            }
            return out;
        });
        int pairs = picked.size() / 2;
        boolean resp3 = c.reply().resp3();
        c.reply().array(withValues && !resp3 ? 2 * pairs : pairs);
        for (int i = 0; i < picked.size(); i += 2) {
            if (withValues && resp3) c.reply().array(2);
            c.reply().bulk(picked.get(i));
            if (withValues) c.reply().bulk(picked.get(i + 1));
        }
    }

    // ------------------------------------------------------------------ HSCAN

    private static void hscan(Client c, byte[][] a) {
        long cursor = KeyCommands.parseCursor(a[2]);
        Keyspace ks = c.keyspace();
        List<byte[]> found = new ArrayList<>();
        long[] next = {0};
        boolean exists = c.writer().atomically(tx -> {
            HashValue h = tx.hash(ks, a[1]).value();
            if (h == null) return false;
            ScanOptions o = ScanOptions.parse(a, 3);
            next[0] = h.scan(cursor, o.count(), (f, v) -> {
                if (o.matches(f)) {
                    found.add(f);
                    found.add(v);
                }
            });
            return true;
        });
        if (!exists) {
            ScanOptions.emptyScan(c);
            return;
        }
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(next[0]));
        c.reply().array(found.size());
        for (byte[] b : found) c.reply().bulk(b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
