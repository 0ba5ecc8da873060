package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.Txn;

import java.util.Arrays;
import java.util.List;

/**
 * HyperLogLog commands: PFADD, PFCOUNT, PFMERGE and PFDEBUG, on string values in Redis's own format
 * ({@link HyperLogLog}), so GET returns the bytes Redis would hold and a value SET from Redis works here.
 *
 * <p>Each write is one atomic block (read, check, edit, put), so it is one log record; an edit keeps the key's expiry,
 * as Redis's in-place edits do. PFCOUNT of one key stores the cardinality it computed in the value's cache, as Redis
 * does (a write, only when the cache was stale). A string that is not an HLL gets Redis's
 * {@code WRONGTYPE Key is not a valid HyperLogLog string value.}; an HLL whose sparse body is damaged gets
 * {@code INVALIDOBJ Corrupted HLL object detected}, and nothing is written.
 */
final class HyperLogLogCommands {
    private HyperLogLogCommands() {
    }

    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPTED = "INVALIDOBJ Corrupted HLL object detected";

    static void register(CommandTable t) {
        t.add(Command.of("pfadd", -2, "write denyoom fast").keys(1, 1, 1).group("hyperloglog")
                .doc("Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.", "2.8.9")
                .run(HyperLogLogCommands::pfadd));
        t.add(Command.of("pfcount", -2, "readonly").keys(1, -1, 1).group("hyperloglog")
                .doc("Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).", "2.8.9")
                .run(HyperLogLogCommands::pfcount));
        t.add(Command.of("pfmerge", -2, "write denyoom").keys(1, -1, 1).group("hyperloglog")
                .doc("Merges one or more HyperLogLog values into a single key.", "2.8.9")
                .run(HyperLogLogCommands::pfmerge));
        t.add(Command.of("pfdebug", 3, "write denyoom admin").keys(2, 2, 1).group("hyperloglog")
                .doc("Internal commands for debugging HyperLogLog values.", "2.8.9")
                .run(HyperLogLogCommands::pfdebug));
    }

    /** The HLL in {@code value}, its header checked; the sparse body is checked when read. */
    private static HyperLogLog open(byte[] value) {
        if (!HyperLogLog.looksValid(value)) throw Errors.error(NOT_HLL);
        return HyperLogLog.of(value);
    }

    private static long sparseMaxBytes(Client c) {
        return c.server().config().getLong("hll-sparse-max-bytes");
    }

    /** Runs {@code body}, answering a damaged HLL with Redis's INVALIDOBJ error. */
    private static <T> T checked(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (HyperLogLog.Corrupted e) {
            throw Errors.error(CORRUPTED);
        }
    }

    private static void pfadd(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] key = a[1];
        long sparseMax = sparseMaxBytes(c);
        boolean updated = checked(() -> c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, key);
            HyperLogLog h;
            boolean changed = cur == null;
            if (cur == null) {
                h = HyperLogLog.empty();
            } else {
                h = open(cur);
                h.checkSparse();
            }
            for (int i = 2; i < a.length; i++) changed |= h.add(a[i], sparseMax);
            if (!changed) return false;
            h.invalidateCache();
            tx.put(ks, key, h.toBytes(), cur == null ? 0 : StringCommands.keptExpiry(tx, ks, key));
            return true;
        }));
        c.reply().integer(updated ? 1 : 0);
    }

    private static void pfcount(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        if (a.length > 2) { // the union's cardinality; nothing is written
            List<byte[]> values = ks.getAll(Arrays.asList(a).subList(1, a.length));
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (byte[] v : values) {
                if (v == null) continue;
                HyperLogLog h = open(v);
                checked(() -> {
                    h.mergeInto(max);
                    return null;
                });
            }
            c.reply().integer(HyperLogLog.count(max));
            return;
        }
        byte[] key = a[1];
        byte[] v = ks.get(key);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        HyperLogLog seen = open(v);
        if (seen.cacheValid()) {
            c.reply().integer(seen.cachedCount());
            return;
        }
        long n = checked(() -> c.writer().atomically(tx -> { // compute, and keep it in the value's cache
            byte[] cur = tx.get(ks, key);
            if (cur == null) return 0L;
            HyperLogLog h = open(cur);
            if (h.cacheValid()) return h.cachedCount();
            long count = h.count();
            h.cacheCount(count);
            tx.put(ks, key, h.toBytes(), keptExpiry(tx, ks, key));
            return count;
        }));
        c.reply().integer(n);
    }

    private static long keptExpiry(Txn tx, Keyspace ks, byte[] key) {
        return StringCommands.keptExpiry(tx, ks, key);
    }

    private static void pfmerge(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] dest = a[1];
        long sparseMax = sparseMaxBytes(c);
        checked(() -> c.writer().atomically(tx -> {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            boolean anyDense = false;
            for (int i = 1; i < a.length; i++) { // the destination's own registers count too
                byte[] v = tx.get(ks, a[i]);
                if (v == null) continue;
                HyperLogLog h = open(v);
                anyDense |= h.dense();
                h.mergeInto(max);
            }
            byte[] cur = tx.get(ks, dest);
            HyperLogLog out = cur == null ? HyperLogLog.empty() : HyperLogLog.of(cur);
            if (anyDense) out.toDense();
            // register by register, as Redis does, so a sparse result has Redis's bytes
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                if (max[i] != 0) out.set(i, max[i], sparseMax);
            }
            out.invalidateCache();
            tx.put(ks, dest, out.toBytes(), cur == null ? 0 : keptExpiry(tx, ks, dest));
            return null;
        }));
        c.reply().ok();
    }

    private static int[] registerValues(HyperLogLog h) {
        byte[] r = h.registers();
        int[] out = new int[r.length];
        for (int i = 0; i < r.length; i++) out[i] = r[i];
        return out;
    }

    private static void pfdebug(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] key = a[2];
        String sub = Args.str(a[1]);
        boolean getreg = Args.is(a[1], "GETREG");
        boolean decode = Args.is(a[1], "DECODE");
        boolean encoding = Args.is(a[1], "ENCODING");
        boolean todense = Args.is(a[1], "TODENSE");
        Object result = checked(() -> c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, key);
            if (cur == null) throw Errors.error("ERR The specified key does not exist");
            HyperLogLog h = open(cur);
            if (getreg || todense) {
                boolean converted = h.toDense();
                if (converted) tx.put(ks, key, h.toBytes(), keptExpiry(tx, ks, key));
                return getreg ? registerValues(h) : (Object) converted;
            }
            if (decode) {
                if (h.dense()) throw Errors.error("ERR HLL encoding is not sparse");
                return h.decode().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            if (encoding) return h.dense() ? "dense" : "sparse";
            throw Errors.error("ERR Unknown PFDEBUG subcommand '" + Errors.abbreviate(sub) + "'");
        }));
        if (result instanceof byte[] decoded) {
            c.reply().bulk(decoded);
        } else if (result instanceof int[] registers) {
            c.reply().array(registers.length);
            for (int r : registers) c.reply().integer(r);
        } else if (result instanceof Boolean converted) {
            c.reply().integer(converted ? 1 : 0);
        } else {
            c.reply().simple((String) result);
        }
    }
}
