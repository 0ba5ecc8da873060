package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.Txn;
import io.cairn.TxnSet;
import io.cairn.collection.SetValue;
import io.cairn.server.pubsub.PubSub;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Set commands: SADD, SMEMBERS and the rest of Redis's set family, with Redis 7's replies (sets as RESP3 sets) and
 * error texts.
 *
 * <p>Each command is one atomic block. Random picks that change the set (SPOP) are drawn inside the block and then
 * removed by name, so the log record says exactly which members went and replay does not depend on chance. The STORE
 * forms build the whole result and write it as one value, dropping the destination's expiry as Redis does.
 *
 * <p>Writes send Redis's keyspace events ({@link KeyEvents}, class s) only when they change something: {@code sadd},
 * {@code srem}, {@code spop} (each followed by {@code del} when the set was emptied), SMOVE's {@code srem} on the
 * source and {@code sadd} on the destination, {@code sinterstore}/{@code sunionstore}/{@code sdiffstore} (or
 * {@code del} when an empty result deleted the destination); {@code new} first when a write created the key.
 */
final class SetCommands {
    private SetCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("sadd", -3, "write denyoom fast").keys(1, 1, 1).group("set")
                .doc("Adds one or more members to a set. Creates the key if it doesn't exist.", "1.0.0").run(SetCommands::sadd));
        t.add(Command.of("srem", -3, "write fast").keys(1, 1, 1).group("set")
                .doc("Removes one or more members from a set. Deletes the set if the last member was removed.", "1.0.0")
                .run(SetCommands::srem));
        t.add(Command.of("smembers", 2, "readonly").keys(1, 1, 1).group("set")
                .doc("Returns all members of a set.", "1.0.0").run(SetCommands::smembers));
        t.add(Command.of("sismember", 3, "readonly fast").keys(1, 1, 1).group("set")
                .doc("Determines whether a member belongs to a set.", "1.0.0").run(SetCommands::sismember));
        t.add(Command.of("smismember", -3, "readonly fast").keys(1, 1, 1).group("set")
                .doc("Determines whether multiple members belong to a set.", "6.2.0").run(SetCommands::smismember));
        t.add(Command.of("scard", 2, "readonly fast").keys(1, 1, 1).group("set")
                .doc("Returns the number of members in a set.", "1.0.0").run(SetCommands::scard));
        t.add(Command.of("spop", -2, "write fast").keys(1, 1, 1).group("set")
                .doc("Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", "1.0.0")
                .run(SetCommands::spop));
        t.add(Command.of("srandmember", -2, "readonly").keys(1, 1, 1).group("set")
                .doc("Get one or multiple random members from a set", "1.0.0").run(SetCommands::srandmember));
        t.add(Command.of("smove", 4, "write fast").keys(1, 2, 1).group("set")
                .doc("Moves a member from one set to another.", "1.0.0").run(SetCommands::smove));
        t.add(Command.of("sinter", -2, "readonly").keys(1, -1, 1).group("set")
                .doc("Returns the intersect of multiple sets.", "1.0.0").run((c, a) -> combine(c, a, INTER, false)));
        t.add(Command.of("sunion", -2, "readonly").keys(1, -1, 1).group("set")
                .doc("Returns the union of multiple sets.", "1.0.0").run((c, a) -> combine(c, a, UNION, false)));
        t.add(Command.of("sdiff", -2, "readonly").keys(1, -1, 1).group("set")
                .doc("Returns the difference of multiple sets.", "1.0.0").run((c, a) -> combine(c, a, DIFF, false)));
        t.add(Command.of("sinterstore", -3, "write denyoom").keys(1, -1, 1).group("set")
                .doc("Stores the intersect of multiple sets in a key.", "1.0.0").run((c, a) -> combine(c, a, INTER, true)));
        t.add(Command.of("sunionstore", -3, "write denyoom").keys(1, -1, 1).group("set")
                .doc("Stores the union of multiple sets in a key.", "1.0.0").run((c, a) -> combine(c, a, UNION, true)));
        t.add(Command.of("sdiffstore", -3, "write denyoom").keys(1, -1, 1).group("set")
                .doc("Stores the difference of multiple sets in a key.", "1.0.0").run((c, a) -> combine(c, a, DIFF, true)));
        // its keys follow a count (Redis's "movablekeys"), which first/last/step cannot say: 0, 0, 0 as in Redis
        t.add(Command.of("sintercard", -3, "readonly movablekeys").group("set")
                .doc("Returns the number of members of the intersect of multiple sets.", "7.0.0").run(SetCommands::sintercard));
        t.add(Command.of("sscan", -3, "readonly").keys(1, 1, 1).group("set")
                .doc("Iterates over members of a set.", "2.8.0").run(SetCommands::sscan));
    }

    /** The members of {@code s} in its iteration order. */
    private static List<byte[]> members(SetValue s) {
        List<byte[]> out = new ArrayList<>(s == null ? 0 : s.size());
        if (s != null) s.forEach(out::add);
        return out;
    }

    private static void replySet(Client c, List<byte[]> members) {
        c.reply().set(members.size());
        for (byte[] m : members) c.reply().bulk(m);
    }

    // ------------------------------------------------------------------ single-set commands

    private static void sadd(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[][] members = Arrays.copyOfRange(a, 2, a.length);
        boolean[] created = new boolean[1];
        int added = c.writer().atomically(tx -> {
            TxnSet s = tx.set(ks, a[1]);
            created[0] = !s.exists();
            return s.add(members);
        });
        if (added > 0) KeyEvents.written(c, PubSub.SET, "sadd", a[1], created[0]);
        c.reply().integer(added);
    }

    private static void srem(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[][] members = Arrays.copyOfRange(a, 2, a.length);
        boolean[] deleted = new boolean[1];
        int removed = c.writer().atomically(tx -> {
            TxnSet s = tx.set(ks, a[1]);
            int n = s.remove(members);
            deleted[0] = n > 0 && !s.exists();
            return n;
        });
        if (removed > 0) KeyEvents.removed(c, PubSub.SET, "srem", a[1], deleted[0]);
        c.reply().integer(removed);
    }

    private static void smembers(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        replySet(c, c.writer().atomically(tx -> members(tx.set(ks, a[1]).value())));
    }

    private static void sismember(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.reply().integer(c.writer().atomically(tx -> tx.set(ks, a[1]).contains(a[2])) ? 1 : 0);
    }

    private static void smismember(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        boolean[] in = c.writer().atomically(tx -> {
            TxnSet s = tx.set(ks, a[1]);
            boolean[] r = new boolean[a.length - 2];
            for (int i = 2; i < a.length; i++) r[i - 2] = s.contains(a[i]);
            return r;
        });
        c.reply().array(in.length);
        for (boolean b : in) c.reply().integer(b ? 1 : 0);
    }

    private static void scard(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.reply().integer(c.writer().atomically(tx -> tx.set(ks, a[1]).size()));
    }

    /**
     * {@code count} distinct members of {@code s} (0 < count < size) in random order: a shuffle's prefix when that is
     * most of the set, else draws until enough are distinct.
     */
    private static List<byte[]> distinctRandom(SetValue s, int count) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int size = s.size();
        List<byte[]> out = new ArrayList<>(count);
        if ((long) count * 3 > size) {
            List<byte[]> all = members(s);
            for (int i = 0; i < count; i++) {
                int j = i + r.nextInt(size - i);
                byte[] m = all.get(j);
                all.set(j, all.get(i));
                out.add(m);
            }
        } else {
            Set<ByteBuffer> seen = new HashSet<>();
            while (out.size() < count) {
                byte[] m = s.random(r);
                if (seen.add(ByteBuffer.wrap(m))) out.add(m);
            }
        }
        return out;
    }

    private static void spop(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        if (a.length > 3) throw Errors.syntax();
        boolean[] deleted = new boolean[1];
        if (a.length == 2) {
            byte[] m = c.writer().atomically(tx -> {
                TxnSet s = tx.set(ks, a[1]);
                SetValue v = s.value();
                if (v == null) return null;
                byte[] pick = v.random(ThreadLocalRandom.current());
                s.remove(pick);
                deleted[0] = !s.exists();
                return pick;
            });
            if (m != null) KeyEvents.removed(c, PubSub.SET, "spop", a[1], deleted[0]);
            c.reply().bulk(m);
            return;
        }
        long count = Args.toLong(a[2]);
        if (count < 0) throw Errors.error("ERR value is out of range, must be positive");
        List<byte[]> popped = c.writer().atomically(tx -> {
            TxnSet s = tx.set(ks, a[1]);
            SetValue v = s.value();
            if (v == null || count == 0) return List.<byte[]>of();
            List<byte[]> picks = count >= v.size() ? members(v) : distinctRandom(v, (int) count);
            s.remove(picks.toArray(new byte[0][]));
            deleted[0] = !s.exists();
            return picks;
        });
        if (!popped.isEmpty()) KeyEvents.removed(c, PubSub.SET, "spop", a[1], deleted[0]);
        replySet(c, popped);
    }

    private static void srandmember(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        if (a.length > 3) throw Errors.syntax();
        if (a.length == 2) {
            byte[] m = c.writer().atomically(tx -> {
                SetValue v = tx.set(ks, a[1]).value();
                return v == null ? null : v.random(ThreadLocalRandom.current());
            });
            c.reply().bulk(m);
            return;
        }
        long n = HashCommands.randomCount(a[2]);
        HashCommands.boundRepetition(n);
        List<byte[]> picked = c.writer().atomically(tx -> {
            SetValue v = tx.set(ks, a[1]).value();
            if (v == null || n == 0) return List.<byte[]>of();
            if (n < 0) {
                List<byte[]> out = new ArrayList<>((int) -n);
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (long i = 0; i < -n; i++) out.add(v.random(r));
                return out;
            }
            return n >= v.size() ? members(v) : distinctRandom(v, (int) n);
        });
        c.reply().array(picked.size());
        for (byte[] m : picked) c.reply().bulk(m);
    }

    private static void smove(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] member = a[3];
        // what the move did, for its events: emptied the source, created the destination, added to the destination
        boolean[] did = new boolean[3];
        boolean[] changed = new boolean[1];
        boolean moved = c.writer().atomically(tx -> {
            changed[0] = false;
            if (tx.type(ks, a[1]) == null) return false; // an absent source answers 0 whatever the destination holds
            TxnSet src = tx.set(ks, a[1]);
            TxnSet dst = tx.set(ks, a[2]);
            if (src == dst) return src.contains(member); // a no-op, as in Redis: no events
            if (src.remove(member) == 0) return false;
            changed[0] = true;
            did[0] = !src.exists();
            did[1] = !dst.exists();
            did[2] = dst.add(member) > 0;
            return true;
        });
        if (changed[0]) {
            KeyEvents.removed(c, PubSub.SET, "srem", a[1], did[0]);
            if (did[2]) KeyEvents.written(c, PubSub.SET, "sadd", a[2], did[1]);
        }
        c.reply().integer(moved ? 1 : 0);
    }

    // ------------------------------------------------------------------ SINTER, SUNION, SDIFF and their STORE forms

    static final int INTER = 0;
    static final int UNION = 1;
    static final int DIFF = 2;

    /**
     * The sets at {@code keys} (null for an absent key), every key's type checked before any is combined, as Redis 7
     * does.
     */
    private static SetValue[] sets(Txn tx, Keyspace ks, byte[][] keys) {
        SetValue[] sets = new SetValue[keys.length];
        for (int i = 0; i < keys.length; i++) sets[i] = tx.set(ks, keys[i]).value();
        return sets;
    }

    /** The intersection, walking the smallest set; empty if any set is absent. */
    private static SetValue intersect(SetValue[] sets) {
        SetValue out = new SetValue();
        SetValue smallest = null;
        for (SetValue s : sets) {
            if (s == null) return out;
            if (smallest == null || s.size() < smallest.size()) smallest = s;
        }
        SetValue from = smallest;
        from.forEach(m -> {
            for (SetValue s : sets) if (s != from && !s.contains(m)) return;
            out.add(m);
        });
        return out;
    }

    private static SetValue combine(SetValue[] sets, int op) {
        if (op == INTER) return intersect(sets);
        if (op == UNION) {
            SetValue out = new SetValue();
            for (SetValue s : sets) if (s != null) s.forEach(out::add);
            return out;
        }
        if (sets[0] == null) return new SetValue();
        SetValue out = sets[0].copy();
        for (int i = 1; i < sets.length && out.size() > 0; i++) if (sets[i] != null) sets[i].forEach(out::remove);
        return out;
    }

    private static void combine(Client c, byte[][] a, int op, boolean store) {
        Keyspace ks = c.keyspace();
        byte[][] keys = Arrays.copyOfRange(a, store ? 2 : 1, a.length);
        boolean[] existed = new boolean[1];
        Object result = c.writer().atomically(tx -> {
            SetValue r = combine(sets(tx, ks, keys), op);
            if (!store) return members(r);
            existed[0] = tx.contains(ks, a[1]);
            tx.putValue(ks, a[1], r, 0); // an empty result deletes the destination
            return (long) r.size();
        });
        if (store) {
            long n = (Long) result;
            String event = op == INTER ? "sinterstore" : op == UNION ? "sunionstore" : "sdiffstore";
            KeyEvents.stored(c, PubSub.SET, event, a[1], existed[0], n == 0);
            c.reply().integer(n);
        } else {
            @SuppressWarnings("unchecked")
            List<byte[]> members = (List<byte[]>) result;
            replySet(c, members);
        }
    }

    private static void sintercard(Client c, byte[][] a) {
        String numkeysError = "ERR numkeys should be greater than 0";
        Long numkeys = Args.parseLong(a[1]);
        if (numkeys == null || numkeys < 1) throw Errors.error(numkeysError);
        if (numkeys > a.length - 2) throw Errors.error("ERR Number of keys can't be greater than number of args");
        int n = numkeys.intValue();
        long limit = 0;
        for (int i = 2 + n; i < a.length; i += 2) {
            if (Args.is(a[i], "LIMIT") && i + 1 < a.length) {
                Long l = Args.parseLong(a[i + 1]);
                if (l == null || l < 0) throw Errors.error("ERR LIMIT can't be negative");
                limit = l;
            } else {
                throw Errors.syntax();
            }
        }
        Keyspace ks = c.keyspace();
        byte[][] keys = Arrays.copyOfRange(a, 2, 2 + n);
        long max = limit;
        long card = c.writer().atomically(tx -> {
            long r = intersect(sets(tx, ks, keys)).size();
            return max > 0 ? Math.min(r, max) : r;
        });
        c.reply().integer(card);
    }

    // ------------------------------------------------------------------ SSCAN

    private static void sscan(Client c, byte[][] a) {
        long cursor = KeyCommands.parseCursor(a[2]);
        Keyspace ks = c.keyspace();
        List<byte[]> found = new ArrayList<>();
        long[] next = {0};
        boolean exists = c.writer().atomically(tx -> {
            SetValue s = tx.set(ks, a[1]).value();
            if (s == null) return false;
            ScanOptions o = ScanOptions.parse(a, 3);
            next[0] = s.scan(cursor, o.count(), m -> {
                if (o.matches(m)) found.add(m);
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
        for (byte[] m : found) c.reply().bulk(m);
    }
}
