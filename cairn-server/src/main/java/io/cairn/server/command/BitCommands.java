package io.cairn.server.command;

import io.cairn.Keyspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and BITFIELD on string values, with Redis 7's replies and
 * error texts. Bit 0 is the most significant bit of the first byte, and a BITFIELD field is read most significant bit
 * first, as in Redis.
 *
 * <p>Writes are one atomic block each (read, decide, put), so each is one log record; SETBIT keeps the key's expiry as
 * Redis does when it edits a string in place (so does BITFIELD), BITOP replaces the destination and drops its expiry. A SETBIT that would
 * grow a value past {@code proto-max-bulk-len} gets Redis's offset error; one that would grow it past what the store
 * takes ({@code CairnOptions.maxValueSize}, when that is the smaller) gets an error naming that limit, before anything
 * is allocated.
 */
final class BitCommands {
    private BitCommands() {
    }

    static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
    static final String BIT_VALUE = "ERR bit is not an integer or out of range";
    static final String BITPOS_BIT = "ERR The bit argument must be 1 or 0.";
    static final String BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";

    static void register(CommandTable t) {
        t.add(Command.of("setbit", 4, "write denyoom").keys(1, 1, 1).group("bitmap")
                .doc("Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", "2.2.0")
                .run(BitCommands::setbit));
        t.add(Command.of("getbit", 3, "readonly fast").keys(1, 1, 1).group("bitmap")
                .doc("Returns a bit value by offset.", "2.2.0").run(BitCommands::getbit));
        t.add(Command.of("bitcount", -2, "readonly").keys(1, 1, 1).group("bitmap")
                .doc("Counts the number of set bits (population counting) in a string.", "2.6.0").run(BitCommands::bitcount));
        t.add(Command.of("bitpos", -3, "readonly").keys(1, 1, 1).group("bitmap")
                .doc("Finds the first set (1) or clear (0) bit in a string.", "2.8.7").run(BitCommands::bitpos));
        t.add(Command.of("bitop", -4, "write denyoom").keys(2, -1, 1).group("bitmap")
                .doc("Performs bitwise operations on multiple strings, and stores the result.", "2.6.0").run(BitCommands::bitop));
        t.add(Command.of("bitfield", -2, "write denyoom").keys(1, 1, 1).group("bitmap")
                .doc("Performs arbitrary bitfield integer operations on strings.", "3.2.0").run((c, a) -> bitfield(c, a, false)));
        t.add(Command.of("bitfield_ro", -2, "readonly fast").keys(1, 1, 1).group("bitmap")
                .doc("Performs arbitrary read-only bitfield integer operations on strings.", "6.0.0")
                .run((c, a) -> bitfield(c, a, true)));
    }

    // ------------------------------------------------------------------ SETBIT / GETBIT

    /** A bit offset as Redis reads one: a non-negative integer whose byte lies below proto-max-bulk-len. */
    private static long bitOffset(Client c, byte[] arg) {
        Long v = Args.parseLong(arg);
        if (v == null || v < 0 || (v >>> 3) >= c.server().config().getLong("proto-max-bulk-len")) {
            throw Errors.error(BIT_OFFSET);
        }
        return v;
    }

    /** Refuses a write at bit {@code offset} that would make the value longer than the store takes. */
    private static void checkStoreLimit(Client c, long offset) {
        int maxValue = c.server().store().options().maxValueSize();
        if ((offset >>> 3) >= maxValue) {
            throw Errors.error("ERR bit offset " + offset + " would grow the value past the store's limit of " + maxValue
                    + " bytes (CairnOptions.maxValueSize)");
        }
    }

    private static void setbit(Client c, byte[][] a) {
        long offset = bitOffset(c, a[2]);
        Long on = Args.parseLong(a[3]);
        if (on == null || (on & ~1L) != 0) throw Errors.error(BIT_VALUE);
        checkStoreLimit(c, offset);
        int index = (int) (offset >>> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        Keyspace ks = c.keyspace();
        byte[] key = a[1];
        int old = c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, key);
            int was = cur != null && index < cur.length && (cur[index] & mask) != 0 ? 1 : 0;
            boolean grows = cur == null || index >= cur.length;
            if (!grows && was == on) return was; // nothing changes: no record
            byte[] v = grown(cur, index + 1);
            if (on == 1) v[index] |= (byte) mask;
            else v[index] &= (byte) ~mask;
            tx.put(ks, key, v, cur == null ? 0 : StringCommands.keptExpiry(tx, ks, key));
            return was;
        });
        c.reply().integer(old);
    }

    /** A copy of {@code cur} (null: empty) at least {@code length} bytes long, zero padded. */
    private static byte[] grown(byte[] cur, int length) {
        try {
            return cur == null ? new byte[length] : Arrays.copyOf(cur, Math.max(cur.length, length));
        } catch (OutOfMemoryError e) {
            throw Errors.error("ERR Insufficient memory, failed allocating a value of " + length + " bytes");
        }
    }

    private static void getbit(Client c, byte[][] a) {
        long offset = bitOffset(c, a[2]);
        byte[] v = c.keyspace().get(a[1]);
        long index = offset >>> 3;
        int bit = v != null && index < v.length && (v[(int) index] & (1 << (7 - (int) (offset & 7)))) != 0 ? 1 : 0;
        c.reply().integer(bit);
    }

    // ------------------------------------------------------------------ BITCOUNT / BITPOS

    /**
     * A range of a string resolved the way BITCOUNT and BITPOS resolve it: negative positions count from the end,
     * then both are clamped into the string. {@code startBit..endBit} are inclusive bit positions; empty when start is
     * after end.
     */
    private record BitRange(long startBit, long endBit) {
        boolean empty() {
            return startBit > endBit;
        }

        /** {@code start}, {@code end} are in bits when {@code bits}, else in bytes; {@code length} in bytes. */
        static BitRange of(long start, long end, boolean bits, long length) {
            long total = bits ? length * 8 : length;
            if (start < 0) start = Math.max(0, total + start);
            if (end < 0) end = Math.max(0, total + end);
            if (end >= total) end = total - 1;
            if (start > end) return new BitRange(0, -1);
            return bits ? new BitRange(start, end) : new BitRange(start * 8, end * 8 + 7);
        }
    }

    /** The BYTE|BIT unit argument: true for BIT. */
    private static boolean bitUnit(byte[] arg) {
        if (Args.is(arg, "BIT")) return true;
        if (Args.is(arg, "BYTE")) return false;
        throw Errors.syntax();
    }

    private static void bitcount(Client c, byte[][] a) {
        byte[] v = c.keyspace().get(a[1]);
        if (v == null) { // Redis answers a missing key before it reads the range
            c.reply().integer(0);
            return;
        }
        BitRange r;
        if (a.length == 2) {
            r = new BitRange(0, (long) v.length * 8 - 1);
        } else if (a.length == 4 || a.length == 5) {
            long start = Args.toLong(a[2]);
            long end = Args.toLong(a[3]);
            if (start < 0 && end < 0 && start > end) { // Redis answers this before it reads the unit
                c.reply().integer(0);
                return;
            }
            boolean bits = a.length == 5 && bitUnit(a[4]);
            r = BitRange.of(start, end, bits, v.length);
        } else {
            throw Errors.syntax();
        }
        c.reply().integer(r.empty() ? 0 : popcount(v, r.startBit(), r.endBit()));
    }

    /** The number of set bits of {@code v} from bit {@code from} to bit {@code to}, both included. */
    static long popcount(byte[] v, long from, long to) {
        int first = (int) (from >>> 3);
        int last = (int) (to >>> 3);
        int headMask = 0xff >>> (int) (from & 7);          // bits of the first byte in range
        int tailMask = (0xff << (7 - (int) (to & 7))) & 0xff; // bits of the last byte in range
        if (first == last) return Integer.bitCount(v[first] & headMask & tailMask);
        long n = Integer.bitCount(v[first] & headMask) + Integer.bitCount(v[last] & tailMask);
        int i = first + 1;
        for (; i + 8 <= last; i += 8) n += Long.bitCount((long) LONGS.get(v, i));
        for (; i < last; i++) n += Integer.bitCount(v[i] & 0xff);
        return n;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static void bitpos(Client c, byte[][] a) {
        Long parsed = Args.parseLong(a[2]);
        if (parsed == null) throw Errors.notInteger();
        if (parsed != 0 && parsed != 1) throw Errors.error(BITPOS_BIT);
        int bit = (int) (long) parsed;
        byte[] v = c.keyspace().get(a[1]);
        if (v == null) { // an absent key is an infinite run of zeros
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        boolean endGiven = false;
        BitRange r;
        if (a.length == 3) {
            r = new BitRange(0, (long) v.length * 8 - 1);
        } else if (a.length <= 6) {
            long start = Args.toLong(a[3]);
            boolean bits = a.length == 6 && bitUnit(a[5]); // Redis reads the unit before the end
            long end = v.length - 1L;
            if (a.length > 4) {
                end = Args.toLong(a[4]);
                endGiven = true;
            }
            r = BitRange.of(start, end, bits, v.length);
        } else {
            throw Errors.syntax();
        }
        if (r.empty()) {
            c.reply().integer(-1);
            return;
        }
        long pos = find(v, bit, r.startBit(), r.endBit());
        if (pos < 0 && bit == 0 && !endGiven) {
            pos = r.endBit() + 1; // looking for a clear bit without an end: the string goes on with zeros
        }
        c.reply().integer(pos);
    }

    /** The first bit equal to {@code bit} from {@code from} to {@code to} (both included), or -1. */
    static long find(byte[] v, int bit, long from, long to) {
        int skip = bit == 1 ? 0 : 0xff; // a byte that cannot hold what is looked for
        long p = from;
        while (p <= to) {
            int i = (int) (p >>> 3);
            if ((p & 7) == 0 && p + 7 <= to && (v[i] & 0xff) == skip) {
                p += 8;
                continue;
            }
            if (((v[i] >> (7 - (int) (p & 7))) & 1) == bit) return p;
            p++;
        }
        return -1;
    }

    // ------------------------------------------------------------------ BITOP

    private static void bitop(Client c, byte[][] a) {
        int op;
        if (Args.is(a[1], "AND")) op = 0;
        else if (Args.is(a[1], "OR")) op = 1;
        else if (Args.is(a[1], "XOR")) op = 2;
        else if (Args.is(a[1], "NOT")) op = 3;
        else throw Errors.syntax();
        if (op == 3 && a.length != 4) throw Errors.error(BITOP_NOT);
        Keyspace ks = c.keyspace();
        byte[] dest = a[2];
        long length = c.writer().atomically(tx -> {
            List<byte[]> sources = new ArrayList<>(a.length - 3);
            int max = 0;
            for (int i = 3; i < a.length; i++) {
                byte[] v = tx.get(ks, a[i]);
                if (v == null) v = new byte[0]; // an absent key is an empty string
                sources.add(v);
                max = Math.max(max, v.length);
            }
            if (max == 0) {
                tx.delete(ks, dest);
                return 0L;
            }
            byte[] out = combine(op, sources, max);
            tx.put(ks, dest, out, 0);
            return (long) max;
        });
        c.reply().integer(length);
    }

    /** {@code op} (0 AND, 1 OR, 2 XOR, 3 NOT) of the sources, each padded with zero bytes to {@code length}. */
    private static byte[] combine(int op, List<byte[]> sources, int length) {
        byte[] out = new byte[length];
        byte[] first = sources.get(0);
        System.arraycopy(first, 0, out, 0, first.length);
        if (op == 3) {
            for (int i = 0; i < length; i++) out[i] = (byte) ~out[i];
            return out;
        }
        for (int s = 1; s < sources.size(); s++) {
            byte[] src = sources.get(s);
            int n = src.length;
            switch (op) {
                case 0 -> {
                    for (int i = 0; i < n; i++) out[i] &= src[i];
                    Arrays.fill(out, n, length, (byte) 0);
                }
                case 1 -> {
                    for (int i = 0; i < n; i++) out[i] |= src[i];
                }
                default -> {
                    for (int i = 0; i < n; i++) out[i] ^= src[i];
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ BITFIELD

    static final String BITFIELD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private static final int GET = 0;
    private static final int SET = 1;
    private static final int INCRBY = 2;
    private static final int WRAP = 0;
    private static final int SAT = 1;
    private static final int FAIL = 2;

    /** One GET, SET or INCRBY of a BITFIELD, with the OVERFLOW mode in force where it appeared. */
    private record FieldOp(int op, boolean signed, int bits, long offset, long value, int overflow) {
    }

    private static void bitfield(Client c, byte[][] a, boolean readOnly) {
        List<FieldOp> ops = new ArrayList<>();
        int overflow = WRAP;
        long highestWrite = -1;
        for (int j = 2; j < a.length; j++) {
            int remaining = a.length - j - 1;
            int op;
            if (Args.is(a[j], "GET") && remaining >= 2) {
                op = GET;
            } else if (Args.is(a[j], "SET") && remaining >= 3) {
                op = SET;
            } else if (Args.is(a[j], "INCRBY") && remaining >= 3) {
                op = INCRBY;
            } else if (Args.is(a[j], "OVERFLOW") && remaining >= 1) {
                byte[] mode = a[++j];
                if (Args.is(mode, "WRAP")) overflow = WRAP;
                else if (Args.is(mode, "SAT")) overflow = SAT;
                else if (Args.is(mode, "FAIL")) overflow = FAIL;
                else throw Errors.error("ERR Invalid OVERFLOW type specified");
                continue;
            } else {
                throw Errors.syntax();
            }
            byte[] type = a[j + 1];
            boolean signed;
            if (type.length > 0 && type[0] == 'i') signed = true;
            else if (type.length > 0 && type[0] == 'u') signed = false;
            else throw Errors.error(BITFIELD_TYPE);
            Long bits = Args.parseLong(Arrays.copyOfRange(type, 1, type.length));
            if (bits == null || bits < 1 || bits > (signed ? 64 : 63)) throw Errors.error(BITFIELD_TYPE);
            long offset = fieldOffset(c, a[j + 2], (int) (long) bits);
            long value = 0;
            if (op != GET) {
                value = Args.toLong(a[j + 3]);
                highestWrite = Math.max(highestWrite, offset + bits - 1);
            }
            ops.add(new FieldOp(op, signed, (int) (long) bits, offset, value, overflow));
            j += op == GET ? 2 : 3;
        }
        if (readOnly && highestWrite >= 0) { // Redis checks this once every operation has parsed
            throw Errors.error("ERR BITFIELD_RO only supports the GET subcommand");
        }
        Keyspace ks = c.keyspace();
        byte[] key = a[1];
        Long[] replies = new Long[ops.size()];
        if (highestWrite < 0) { // only reads: no write, no record
            byte[] v = c.keyspace().get(key);
            for (int i = 0; i < ops.size(); i++) replies[i] = run(ops.get(i), v == null ? new byte[0] : v);
        } else {
            checkStoreLimit(c, highestWrite);
            long last = highestWrite;
            c.writer().atomically(tx -> {
                byte[] cur = tx.get(ks, key);
                byte[] v = grown(cur, (int) (last >>> 3) + 1); // grown even if every write fails, as in Redis
                for (int i = 0; i < ops.size(); i++) replies[i] = run(ops.get(i), v);
                if (cur == null || !Arrays.equals(cur, v)) {
                    tx.put(ks, key, v, cur == null ? 0 : StringCommands.keptExpiry(tx, ks, key));
                }
                return null;
            });
        }
        c.reply().array(replies.length);
        for (Long r : replies) {
            if (r == null) c.reply().nullBulk();
            else c.reply().integer(r);
        }
    }

    /** A BITFIELD offset: a bit offset, or {@code #n} for the n-th field of this width. */
    private static long fieldOffset(Client c, byte[] arg, int bits) {
        if (arg.length > 0 && arg[0] == '#') {
            Long n = Args.parseLong(Arrays.copyOfRange(arg, 1, arg.length));
            if (n == null || n < 0 || n > Long.MAX_VALUE / bits) throw Errors.error(BIT_OFFSET);
            return bitOffset(c, Long.toString(n * bits).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return bitOffset(c, arg);
    }

    /** Runs one field operation on {@code v} (long enough for every write); the reply, or null when OVERFLOW FAIL refused it. */
    private static Long run(FieldOp f, byte[] v) {
        long old = readField(v, f.offset(), f.bits());
        if (f.signed() && f.bits() < 64 && (old & (1L << (f.bits() - 1))) != 0) old |= -1L << f.bits(); // sign-extend
        if (f.op() == GET) return old;
        boolean incrby = f.op() == INCRBY;
        long base = incrby ? old : f.value(); // a SET is checked as its value plus nothing
        long incr = incrby ? f.value() : 0;
        Long result = f.signed() ? signedResult(base, incr, f.bits(), f.overflow())
                : unsignedResult(base, incr, f.bits(), f.overflow());
        if (result == null) return null;
        writeField(v, f.offset(), f.bits(), result);
        return incrby ? result : old;
    }

    /**
     * {@code value + incr} as a signed field of {@code bits}: wrapped, saturated, or null (FAIL) when out of range.
     * The range test is Redis's, with its 64-bit wrap-around in {@code max - value} and {@code min - value} kept on
     * purpose: Redis then takes a SET of a large negative value to a narrow field as an overflow upwards (OVERFLOW SAT
     * stores the maximum), and matching Redis's bytes matters more here than the arithmetic's intent.
     */
    private static Long signedResult(long value, long incr, int bits, int overflow) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        int direction;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) direction = 1;
        else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) direction = -1;
        else return value + incr;
        return switch (overflow) {
            case SAT -> direction > 0 ? max : min;
            case FAIL -> null;
            default -> {
                long sum = value + incr;
                if (bits == 64) yield sum;
                yield (sum & (1L << (bits - 1))) != 0 ? sum | (-1L << bits) : sum & ~(-1L << bits);
            }
        };
    }

    /** {@code value + incr} as an unsigned field of {@code bits} (at most 63), with Redis's range test (see above). */
    private static Long unsignedResult(long value, long incr, int bits, int overflow) {
        long max = (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        int direction;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) direction = 1;
        else if (incr < 0 && incr < minIncr) direction = -1;
        else return value + incr;
        return switch (overflow) {
            case SAT -> direction > 0 ? max : 0L;
            case FAIL -> null;
            default -> (value + incr) & max;
        };
    }

    /** The {@code bits}-bit big-endian field at bit {@code offset}, zeros past the end of {@code v}. */
    private static long readField(byte[] v, long offset, int bits) {
        long out = 0;
        for (int i = 0; i < bits; i++) {
            long p = offset + i;
            long index = p >>> 3;
            int bit = index < v.length ? (v[(int) index] >> (7 - (int) (p & 7))) & 1 : 0;
            out = (out << 1) | bit;
        }
        return out;
    }

    private static void writeField(byte[] v, long offset, int bits, long value) {
        for (int i = 0; i < bits; i++) {
            long p = offset + i;
            int index = (int) (p >>> 3);
            int mask = 1 << (7 - (int) (p & 7));
            if (((value >>> (bits - 1 - i)) & 1) != 0) v[index] |= (byte) mask;
            else v[index] &= (byte) ~mask;
        }
    }
}
