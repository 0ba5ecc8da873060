package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.Txn;
import io.cairn.server.pubsub.PubSub;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * String commands: GET, SET and the rest of Redis's string family, with Redis 7's options, replies and error texts.
 *
 * <p>Every write goes through the connection's {@link io.cairn.Writer}: a plain {@code SET k v} as one put, anything
 * conditional or read-modify-write as one atomic block, so no other client ever sees half of it. Expiry times are
 * absolute epoch milliseconds; commands that modify a value in place (APPEND, SETRANGE, INCR...) keep its expiry, as
 * Redis does, and commands that replace it (SET without KEEPTTL, GETSET, MSET) drop it.
 *
 * <p>Each write sends Redis's keyspace events ({@link KeyEvents}): {@code set} (plus {@code expire} when SET, SETEX or
 * PSETEX give an expiry), {@code incrby}, {@code incrbyfloat}, {@code append}, {@code setrange}, and for GETDEL and
 * GETEX the generic {@code del}, {@code expire} and {@code persist}.
 */
final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("get", 2, "readonly fast").keys(1, 1, 1).group("string")
                .doc("Returns the string value of a key.", "1.0.0").run(StringCommands::get));
        t.add(Command.of("set", -3, "write denyoom").keys(1, 1, 1).group("string")
                .doc("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0")
                .run(StringCommands::set));
        t.add(Command.of("put", -3, "write denyoom").keys(1, 1, 1).group("string")
                .doc("Cairn's alias of SET.", "1.0.0").run(StringCommands::set));
        t.add(Command.of("setnx", 3, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Set the string value of a key only when the key doesn't exist.", "1.0.0").run(StringCommands::setnx));
        t.add(Command.of("setex", 4, "write denyoom").keys(1, 1, 1).group("string")
                .doc("Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "2.0.0")
                .run((c, a) -> setex(c, a, EX)));
        t.add(Command.of("psetex", 4, "write denyoom").keys(1, 1, 1).group("string")
                .doc("Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "2.6.0")
                .run((c, a) -> setex(c, a, PX)));
        t.add(Command.of("getset", 3, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Returns the previous string value of a key after setting it to a new value.", "1.0.0")
                .run(StringCommands::getset));
        t.add(Command.of("getdel", 2, "write fast").keys(1, 1, 1).group("string")
                .doc("Returns the string value of a key after deleting the key.", "6.2.0").run(StringCommands::getdel));
        t.add(Command.of("getex", -2, "write fast").keys(1, 1, 1).group("string")
                .doc("Returns the string value of a key after setting its expiration time.", "6.2.0").run(StringCommands::getex));
        t.add(Command.of("mget", -2, "readonly fast").keys(1, -1, 1).group("string")
                .doc("Atomically returns the string values of one or more keys.", "1.0.0").run(StringCommands::mget));
        t.add(Command.of("mset", -3, "write denyoom").keys(1, -1, 2).group("string")
                .doc("Atomically creates or modifies the string values of one or more keys.", "1.0.1").run(StringCommands::mset));
        t.add(Command.of("msetnx", -3, "write denyoom").keys(1, -1, 2).group("string")
                .doc("Atomically modifies the string values of one or more keys only when all keys don't exist.", "1.0.1")
                .run(StringCommands::msetnx));
        t.add(Command.of("append", 3, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0")
                .run(StringCommands::append));
        t.add(Command.of("strlen", 2, "readonly fast").keys(1, 1, 1).group("string")
                .doc("Returns the length of a string value.", "2.2.0").run(StringCommands::strlen));
        t.add(Command.of("incr", 2, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0")
                .run((c, a) -> incrBy(c, a[1], 1)));
        t.add(Command.of("decr", 2, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0")
                .run((c, a) -> incrBy(c, a[1], -1)));
        t.add(Command.of("incrby", 3, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "1.0.0")
                .run((c, a) -> incrBy(c, a[1], Args.toLong(a[2]))));
        t.add(Command.of("decrby", 3, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "1.0.0")
                .run((c, a) -> {
                    long by = Args.toLong(a[2]);
                    if (by == Long.MIN_VALUE) throw Errors.error("ERR decrement would overflow");
                    incrBy(c, a[1], -by);
                }));
        t.add(Command.of("incrbyfloat", 3, "write denyoom fast").keys(1, 1, 1).group("string")
                .doc("Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "2.6.0")
                .run(StringCommands::incrbyfloat));
        t.add(Command.of("getrange", 4, "readonly").keys(1, 1, 1).group("string")
                .doc("Returns a substring of the string stored at a key.", "2.4.0").run(StringCommands::getrange));
        t.add(Command.of("substr", 4, "readonly").keys(1, 1, 1).group("string")
                .doc("Returns a substring from a string value.", "1.0.0").run(StringCommands::getrange));
        t.add(Command.of("setrange", 4, "write denyoom").keys(1, 1, 1).group("string")
                .doc("Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "2.2.0")
                .run(StringCommands::setrange));
        t.add(Command.of("lcs", -3, "readonly").keys(1, 2, 1).group("string")
                .doc("Finds the longest common substring.", "7.0.0").run(StringCommands::lcs));
    }

    // ------------------------------------------------------------------ helpers

    /** Counts a read for INFO's keyspace_hits / keyspace_misses. */
    /** The expiry a rewrite of {@code key} keeps: its current one, or none. */
    static long keptExpiry(Txn tx, Keyspace ks, byte[] key) {
        long at = tx.expiresAt(ks, key);
        return at > 0 ? at : 0;
    }

    /** The longest string a command may build: proto-max-bulk-len, and never more than the store takes. */
    private static long maxStringLength(Client c) {
        return Math.min(c.server().config().getLong("proto-max-bulk-len"), c.server().store().options().maxValueSize());
    }

    private static void checkStringLength(long size, long append, long max) {
        long total = size + append;
        if (total > max || total < 0) throw Errors.error(Errors.STRING_TOO_LONG);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ GET / SET family

    private static void get(Client c, byte[][] a) {
        byte[] v = c.keyspace().get(a[1]);
        c.reply().bulk(v);
    }

    // option flags of SET and GETEX, as Redis's parseExtendedStringArgumentsOrReply reads them
    static final int NX = 1;
    static final int XX = 1 << 1;
    static final int GET = 1 << 2;
    static final int KEEPTTL = 1 << 3;
    static final int PERSIST = 1 << 4;
    static final int EX = 1 << 5;
    static final int PX = 1 << 6;
    static final int EXAT = 1 << 7;
    static final int PXAT = 1 << 8;
    private static final int ANY_EXPIRY = EX | PX | EXAT | PXAT;

    /** SET's or GETEX's options from {@code a[from]} on: the flags, and the expiry argument (or null). */
    private record Options(int flags, byte[] expire) {
    }

    private static Options parseOptions(byte[][] a, int from, boolean set) {
        int flags = 0;
        byte[] expire = null;
        for (int j = from; j < a.length; j++) {
            byte[] opt = a[j];
            boolean hasNext = j < a.length - 1;
            if (set && Args.is(opt, "NX") && (flags & XX) == 0) {
                flags |= NX;
            } else if (set && Args.is(opt, "XX") && (flags & NX) == 0) {
                flags |= XX;
            } else if (set && Args.is(opt, "GET")) {
                flags |= GET;
            } else if (set && Args.is(opt, "KEEPTTL") && (flags & (PERSIST | ANY_EXPIRY)) == 0) {
                flags |= KEEPTTL;
            } else if (!set && Args.is(opt, "PERSIST") && (flags & (KEEPTTL | ANY_EXPIRY)) == 0) {
                flags |= PERSIST;
            } else if (Args.is(opt, "EX") && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0 && hasNext) {
                flags |= EX;
                expire = a[++j];
            } else if (Args.is(opt, "PX") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0 && hasNext) {
                flags |= PX;
                expire = a[++j];
            } else if (Args.is(opt, "EXAT") && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0 && hasNext) {
                flags |= EXAT;
                expire = a[++j];
            } else if (Args.is(opt, "PXAT") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0 && hasNext) {
                flags |= PXAT;
                expire = a[++j];
            } else {
                throw Errors.syntax();
            }
        }
        return new Options(flags, expire);
    }

    /**
     * The absolute expiry (epoch ms) an EX/PX/EXAT/PXAT argument asks for, with Redis's checks: an integer, positive,
     * and not overflowing once converted and added to {@code now}.
     */
    static long expireAt(byte[] arg, int flags, long now, String command) {
        long v = Args.toLong(arg);
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) throw Errors.invalidExpire(command);
        if (seconds) v *= 1000;
        if ((flags & (EX | PX)) != 0) v += now; // wraps negative on overflow
        if (v <= 0) throw Errors.invalidExpire(command);
        return v;
    }

    private static void set(Client c, byte[][] a) {
        byte[] key = a[1];
        byte[] value = a[2];
        if (a.length == 3 && !KeyEvents.wantsNew(c)) { // the fast path: no options, no read
            c.writer().put(c.keyspace(), key, value);
            KeyEvents.fire(c, PubSub.STRING, "set", key);
            c.reply().ok();
            return;
        }
        Options o = parseOptions(a, 3, true);
        int flags = o.flags();
        String name = Args.str(a[0]).toLowerCase(java.util.Locale.ROOT);
        Keyspace ks = c.keyspace();
        boolean get = (flags & GET) != 0;
        byte[][] old = new byte[1][]; // the value before, read only for GET
        boolean[] created = new boolean[1];
        boolean done = c.writer().atomically(tx -> {
            long at = o.expire() == null ? 0 : expireAt(o.expire(), flags, tx.now(), name);
            byte[] prev = get ? tx.get(ks, key) : null;
            old[0] = prev;
            boolean found = get ? prev != null : tx.contains(ks, key);
            if (((flags & NX) != 0 && found) || ((flags & XX) != 0 && !found)) return false;
            if ((flags & KEEPTTL) != 0) at = keptExpiry(tx, ks, key);
            tx.put(ks, key, value, at);
            created[0] = !found;
            return true;
        });
        if (done) {
            KeyEvents.written(c, PubSub.STRING, "set", key, created[0]);
            if (o.expire() != null) KeyEvents.fire(c, PubSub.GENERIC, "expire", key);
        }
        if (get) {
            c.reply().bulk(old[0]);
        } else if (done) {
            c.reply().ok();
        } else {
            c.reply().nullBulk();
        }
    }

    private static void setnx(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        boolean set = c.writer().atomically(tx -> {
            if (tx.contains(ks, a[1])) return false;
            tx.put(ks, a[1], a[2], 0);
            return true;
        });
        if (set) KeyEvents.written(c, PubSub.STRING, "set", a[1], true);
        c.reply().integer(set ? 1 : 0);
    }

    /** SETEX key seconds value, PSETEX key milliseconds value. */
    private static void setex(Client c, byte[][] a, int unit) {
        Keyspace ks = c.keyspace();
        String name = unit == EX ? "setex" : "psetex";
        boolean created = c.writer().atomically(tx -> {
            boolean absent = KeyEvents.wantsNew(c) && !tx.contains(ks, a[1]);
            tx.put(ks, a[1], a[3], expireAt(a[2], unit, tx.now(), name));
            return absent;
        });
        KeyEvents.written(c, PubSub.STRING, "set", a[1], created);
        KeyEvents.fire(c, PubSub.GENERIC, "expire", a[1]);
        c.reply().ok();
    }

    private static void getset(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] old = c.writer().atomically(tx -> {
            byte[] prev = tx.get(ks, a[1]);
            tx.put(ks, a[1], a[2], 0);
            return prev;
        });
        KeyEvents.written(c, PubSub.STRING, "set", a[1], old == null);
        c.reply().bulk(old);
    }

    private static void getdel(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[] v = c.writer().atomically(tx -> {
            byte[] prev = tx.get(ks, a[1]);
            if (prev != null) tx.delete(ks, a[1]);
            return prev;
        });
        if (v != null) KeyEvents.fire(c, PubSub.GENERIC, "del", a[1]);
        c.reply().bulk(v);
    }

    private static void getex(Client c, byte[][] a) {
        Options o = parseOptions(a, 2, false);
        Keyspace ks = c.keyspace();
        byte[] key = a[1];
        byte[] v;
        String[] event = new String[1]; // del, expire or persist: what the expiry change did
        if (o.flags() == 0) {
            v = ks.get(key);
        } else {
            v = c.writer().atomically(tx -> {
                event[0] = null;
                byte[] cur = tx.get(ks, key);
                if (cur == null) return null; // Redis answers nil before looking at the expiry
                if (o.expire() != null) {
                    long at = expireAt(o.expire(), o.flags(), tx.now(), "getex");
                    tx.expireAt(ks, key, at); // a past EXAT/PXAT deletes
                    event[0] = at <= tx.now() ? "del" : "expire";
                } else if (tx.expiresAt(ks, key) > 0) { // PERSIST, and there is something to remove
                    tx.persist(ks, key);
                    event[0] = "persist";
                }
                return cur;
            });
        }
        if (event[0] != null) KeyEvents.fire(c, PubSub.GENERIC, event[0], key);
        c.reply().bulk(v);
    }

    private static void mget(Client c, byte[][] a) {
        List<byte[]> values = c.keyspace().getAll(Arrays.asList(a).subList(1, a.length));
        c.reply().array(values.size());
        for (byte[] v : values) {
            c.reply().bulk(v);
        }
    }

    private static void mset(Client c, byte[][] a) {
        if (a.length % 2 == 0) throw Errors.arity(Args.str(a[0]).toLowerCase(java.util.Locale.ROOT));
        Keyspace ks = c.keyspace();
        boolean wantsNew = KeyEvents.wantsNew(c);
        boolean[] created = new boolean[a.length];
        c.writer().atomically(tx -> {
            for (int i = 1; i < a.length; i += 2) {
                // a key given twice is new only the first time
                created[i] = wantsNew && !tx.contains(ks, a[i]);
                tx.put(ks, a[i], a[i + 1], 0);
            }
            return null;
        });
        for (int i = 1; i < a.length; i += 2) KeyEvents.written(c, PubSub.STRING, "set", a[i], created[i]);
        c.reply().ok();
    }

    private static void msetnx(Client c, byte[][] a) {
        if (a.length % 2 == 0) throw Errors.arity("msetnx");
        Keyspace ks = c.keyspace();
        boolean[] created = new boolean[a.length];
        boolean set = c.writer().atomically(tx -> {
            for (int i = 1; i < a.length; i += 2) if (tx.contains(ks, a[i])) return false;
            for (int i = 1; i < a.length; i += 2) {
                created[i] = !tx.contains(ks, a[i]); // a key given twice is new only the first time
                tx.put(ks, a[i], a[i + 1], 0);
            }
            return true;
        });
        if (set) for (int i = 1; i < a.length; i += 2) KeyEvents.written(c, PubSub.STRING, "set", a[i], created[i]);
        c.reply().integer(set ? 1 : 0);
    }

    // ------------------------------------------------------------------ in-place edits

    private static void append(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        long max = maxStringLength(c);
        byte[] add = a[2];
        boolean[] created = new boolean[1];
        long len = c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, a[1]);
            created[0] = cur == null;
            if (cur == null) {
                tx.put(ks, a[1], add, 0);
                return (long) add.length;
            }
            checkStringLength(cur.length, add.length, max);
            byte[] v = Arrays.copyOf(cur, cur.length + add.length);
            System.arraycopy(add, 0, v, cur.length, add.length);
            tx.put(ks, a[1], v, keptExpiry(tx, ks, a[1]));
            return (long) v.length;
        });
        KeyEvents.written(c, PubSub.STRING, "append", a[1], created[0]);
        c.reply().integer(len);
    }

    private static void strlen(Client c, byte[][] a) {
        byte[] v = c.keyspace().get(a[1]);
        c.reply().integer(v == null ? 0 : v.length);
    }

    private static void setrange(Client c, byte[][] a) {
        long offset = Args.toLong(a[2]);
        if (offset < 0) throw Errors.error("ERR offset is out of range");
        byte[] part = a[3];
        Keyspace ks = c.keyspace();
        long max = maxStringLength(c);
        boolean[] created = new boolean[1];
        long len = c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, a[1]);
            created[0] = cur == null;
            if (part.length == 0) return cur == null ? 0L : (long) cur.length; // nothing to write
            checkStringLength(offset, part.length, max);
            int end = (int) (offset + part.length);
            byte[] v = cur == null ? new byte[end] : Arrays.copyOf(cur, Math.max(cur.length, end));
            System.arraycopy(part, 0, v, (int) offset, part.length);
            tx.put(ks, a[1], v, cur == null ? 0 : keptExpiry(tx, ks, a[1]));
            return (long) v.length;
        });
        if (part.length > 0) KeyEvents.written(c, PubSub.STRING, "setrange", a[1], created[0]);
        c.reply().integer(len);
    }

    private static void getrange(Client c, byte[][] a) {
        long start = Args.toLong(a[2]);
        long end = Args.toLong(a[3]);
        byte[] v = c.keyspace().get(a[1]);
        if (v == null) {
            c.reply().bulk(new byte[0]);
            return;
        }
        long n = v.length;
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(new byte[0]);
            return;
        }
        if (start < 0) start = n + start;
        if (end < 0) end = n + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= n) end = n - 1;
        if (start > end || n == 0) c.reply().bulk(new byte[0]);
        else c.reply().bulk(v, (int) start, (int) (end - start + 1));
    }

    // ------------------------------------------------------------------ counters

    private static void incrBy(Client c, byte[] key, long by) {
        Keyspace ks = c.keyspace();
        boolean[] created = new boolean[1];
        long n = c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, key);
            created[0] = cur == null;
            long v = 0;
            if (cur != null) {
                Long parsed = Args.parseLong(cur);
                if (parsed == null) throw Errors.notInteger();
                v = parsed;
            }
            if ((by < 0 && v < 0 && by < Long.MIN_VALUE - v) || (by > 0 && v > 0 && by > Long.MAX_VALUE - v)) {
                throw Errors.error(Errors.OVERFLOW);
            }
            long r = v + by;
            tx.put(ks, key, ascii(Long.toString(r)), keptExpiry(tx, ks, key));
            return r;
        });
        KeyEvents.written(c, PubSub.STRING, "incrby", key, created[0]);
        c.reply().integer(n);
    }

    private static void incrbyfloat(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        boolean[] created = new boolean[1];
        byte[] out = c.writer().atomically(tx -> {
            byte[] cur = tx.get(ks, a[1]);
            created[0] = cur == null;
            LongDouble v = cur == null ? LongDouble.ZERO : LongDouble.parse(cur);
            LongDouble by = LongDouble.parse(a[2]);
            if (v == null || by == null) throw Errors.error(Errors.NOT_FLOAT);
            LongDouble r = v.add(by);
            if (r.isInfiniteOrNaN()) throw Errors.error("ERR increment would produce NaN or Infinity");
            byte[] s = ascii(r.toHumanString());
            tx.put(ks, a[1], s, keptExpiry(tx, ks, a[1]));
            return s;
        });
        KeyEvents.written(c, PubSub.STRING, "incrbyfloat", a[1], created[0]);
        c.reply().bulk(out);
    }

    /**
     * The x87 80-bit {@code long double} arithmetic Redis's INCRBYFLOAT does (a 64-bit significand), emulated exactly
     * with big decimals so results print as Redis prints them: {@code 10.5 + 0.1} is {@code 10.6}, not
     * {@code 10.59999999999999964}. A value is finite (held exactly as the decimal expansion of a long double) or
     * infinite/NaN.
     */
    static final class LongDouble {
        static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);
        /** The smallest binary exponent of a subnormal's unit in the last place: 2^-16445. */
        private static final int MIN_EXP = -16445;
        /** Values must stay below 2^16384. */
        private static final int MAX_EXP = 16384 - 64;
        private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
        private static final java.util.regex.Pattern DECIMAL =
                java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

        private final BigDecimal value; // null when special
        private final int special;      // 0 finite, 1 +inf, -1 -inf, 2 NaN

        private LongDouble(BigDecimal value, int special) {
            this.value = value;
            this.special = special;
        }

        boolean isInfiniteOrNaN() {
            return special != 0;
        }

        /** Reads a number as Redis's string2ld does (strtold, nothing before or after it); null if it is not one. */
        static LongDouble parse(byte[] b) {
            if (b.length == 0 || b.length >= 5 * 1024) return null;
            String s = new String(b, StandardCharsets.ISO_8859_1);
            String l = s.toLowerCase(java.util.Locale.ROOT);
            String unsigned = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
            if (unsigned.equals("inf") || unsigned.equals("infinity")) return new LongDouble(null, l.startsWith("-") ? -1 : 1);
            if (!DECIMAL.matcher(s).matches()) return null;
            BigDecimal d;
            try {
                d = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
            } catch (NumberFormatException | ArithmeticException e) {
                return null; // an exponent beyond int range
            }
            if (d.signum() == 0) return ZERO;
            long magnitude = (long) d.precision() - d.scale(); // about log10 |d|
            if (magnitude > 4940 || magnitude < -4960) return null; // strtold's ERANGE: overflow or underflow to 0
            LongDouble r = round(d);
            if (r.special != 0 || r.value.signum() == 0) return null;
            return r;
        }

        LongDouble add(LongDouble o) {
            if (special == 2 || o.special == 2) return new LongDouble(null, 2);
            if (special != 0 || o.special != 0) {
                if (special != 0 && o.special != 0 && special != o.special) return new LongDouble(null, 2);
                return new LongDouble(null, special != 0 ? special : o.special);
            }
            return round(value.add(o.value));
        }

        /** The long double nearest {@code x} (ties to even), or an infinity past the largest. */
        static LongDouble round(BigDecimal x) {
            if (x.signum() == 0) return ZERO;
            boolean neg = x.signum() < 0;
            BigInteger num;
            BigInteger den;
            if (x.scale() > 0) {
                num = x.unscaledValue().abs();
                den = BigInteger.TEN.pow(x.scale());
            } else {
                num = x.unscaledValue().abs().multiply(BigInteger.TEN.pow(-x.scale()));
                den = BigInteger.ONE;
            }
            // x = m * 2^e with 2^63 <= m < 2^64, or the subnormal exponent if that is below it
            int e = num.bitLength() - den.bitLength() - 64;
            BigInteger[] qr;
            while (true) {
                if (e < MIN_EXP) e = MIN_EXP;
                qr = divide(num, den, e);
                int bits = qr[0].bitLength();
                if (bits > 64) {
                    e++;
                } else if (bits < 64 && e > MIN_EXP) {
                    e--;
                } else {
                    break;
                }
            }
            BigInteger m = qr[0];
            BigInteger divisor = e > 0 ? den.shiftLeft(e) : den;
            int cmp = qr[1].shiftLeft(1).compareTo(divisor);
            if (cmp > 0 || (cmp == 0 && m.testBit(0))) m = m.add(BigInteger.ONE);
            if (m.bitLength() > 64) {
                m = TWO_63;
                e++;
            }
            if (e > MAX_EXP) return new LongDouble(null, neg ? -1 : 1);
            BigDecimal v = e >= 0 ? new BigDecimal(m.shiftLeft(e)) : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
            return new LongDouble(neg ? v.negate() : v, 0);
        }

        /** floor(num * 2^-e / den) and the remainder (of the scaled division). */
        private static BigInteger[] divide(BigInteger num, BigInteger den, int e) {
            BigInteger n = e < 0 ? num.shiftLeft(-e) : num;
            BigInteger d = e > 0 ? den.shiftLeft(e) : den;
            return n.divideAndRemainder(d);
        }

        /** As Redis's ld2string in LD_STR_HUMAN mode: {@code %.17Lf}, trailing zeros and point removed, no "-0". */
        String toHumanString() {
            if (special == 2) return "nan";
            if (special != 0) return special > 0 ? "inf" : "-inf";
            String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
            int end = s.length();
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
            s = s.substring(0, end);
            return s.equals("-0") ? "0" : s;
        }
    }

    // ------------------------------------------------------------------ LCS

    private static void lcs(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        List<byte[]> values = ks.getAll(List.of(a[1], a[2]));
        byte[] x = values.get(0) == null ? new byte[0] : values.get(0);
        byte[] y = values.get(1) == null ? new byte[0] : values.get(1);
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < a.length; j++) {
            boolean more = j < a.length - 1;
            if (Args.is(a[j], "IDX")) {
                getIdx = true;
            } else if (Args.is(a[j], "LEN")) {
                getLen = true;
            } else if (Args.is(a[j], "WITHMATCHLEN")) {
                withMatchLen = true;
            } else if (Args.is(a[j], "MINMATCHLEN") && more) {
                minMatchLen = Math.max(0, Args.toLong(a[++j]));
            } else {
                throw Errors.syntax();
            }
        }
        if (getIdx && getLen) throw Errors.error("ERR If you want both the length and indexes, please just use IDX.");

        int alen = x.length;
        int blen = y.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.server().config().getLong("proto-max-bulk-len")) {
            throw Errors.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int[] table;
        try {
            if (cells > Integer.MAX_VALUE - 8) throw new OutOfMemoryError();
            table = new int[(int) cells];
        } catch (OutOfMemoryError e) {
            throw Errors.error("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        int w = blen + 1;
        // table[i*w + j]: length of the LCS of x[0..i) and y[0..j)
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (x[i - 1] == y[j - 1]) {
                    table[i * w + j] = table[(i - 1) * w + j - 1] + 1;
                } else {
                    int up = table[(i - 1) * w + j];
                    int left = table[i * w + j - 1];
                    table[i * w + j] = Math.max(up, left);
                }
            }
        }
        int len = table[alen * w + blen];
        if (getLen) {
            c.reply().integer(len);
            return;
        }
        // walk back from the end, collecting the common subsequence and its runs of contiguous matches
        byte[] result = new byte[len];
        List<long[]> ranges = new ArrayList<>(); // {aStart, aEnd, bStart, bEnd}
        int idx = len;
        int i = alen;
        int j = blen;
        int aStart = -1;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (x[i - 1] == y[j - 1]) {
                result[--idx] = x[i - 1];
                if (aStart < 0) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) emit = true;
                i--;
                j--;
            } else {
                if (table[(i - 1) * w + j] > table[i * w + j - 1]) i--;
                else j--;
                if (aStart >= 0) emit = true;
            }
            if (emit) {
                long matchLen = aEnd - aStart + 1;
                if (minMatchLen == 0 || matchLen >= minMatchLen) ranges.add(new long[]{aStart, aEnd, bStart, bEnd});
                aStart = -1;
            }
        }
        if (!getIdx) {
            c.reply().bulk(result);
            return;
        }
        c.reply().map(2);
        c.reply().bulk("matches");
        c.reply().array(ranges.size());
        for (long[] r : ranges) {
            c.reply().array(withMatchLen ? 3 : 2);
            c.reply().array(2);
            c.reply().integer(r[0]);
            c.reply().integer(r[1]);
            c.reply().array(2);
            c.reply().integer(r[2]);
            c.reply().integer(r[3]);
            if (withMatchLen) c.reply().integer(r[1] - r[0] + 1);
        }
        c.reply().bulk("len");
        c.reply().integer(len);
    }
}
