package io.cairn.server.command;

import io.cairn.Keyspace;
import io.cairn.Txn;
import io.cairn.TxnSortedSet;
import io.cairn.ValueType;
import io.cairn.collection.SetValue;
import io.cairn.collection.ZSetIndex;
import io.cairn.collection.ZSetIndex.LexRange;
import io.cairn.collection.ZSetIndex.ScoreRange;
import io.cairn.collection.ZSetValue;
import io.cairn.server.pubsub.PubSub;
import io.cairn.server.resp.Reply;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorted-set commands: ZADD, ZRANGE and the rest of Redis 7's zset family (not the blocking BZ* ones), with its
 * options, replies and error texts.
 *
 * <p>Each command is one {@link io.cairn.Writer#atomically} block: it reads, decides every change (the final scores
 * after NX/XX/GT/LT/INCR, exactly which members a pop or a range removal takes) and writes them, so the block's one log
 * record replays to the same result. Read-only commands log nothing. Results are copied out of the block before the
 * reply is written: a large set's structure is live and must not be read after the block ends.
 *
 * <p>Scores are printed as Redis 7.0 prints them ({@link Scores#format}); in RESP3 they are doubles, and WITHSCORES
 * replies are arrays of [member, score] pairs, as Redis sends them.
 *
 * <p>Writes send Redis 7's keyspace events ({@link KeyEvents}, class z) only when they change something:
 * {@code zadd}, or {@code zincr} for ZINCRBY and ZADD INCR (a new member or a changed score); {@code zrem},
 * {@code zremrangebyrank}/{@code zremrangebyscore}/{@code zremrangebylex}, {@code zpopmin}/{@code zpopmax} (each
 * followed by {@code del} when the set was emptied); {@code zunionstore}/{@code zinterstore}/{@code zdiffstore} and
 * {@code zrangestore} (or {@code del} when an empty result deleted the destination); {@code new} first when a write
 * created the key.
 */
final class ZSetCommands {
    /** Sets up to this size are returned whole by one ZSCAN call (Redis's listpack limit, zset-max-listpack-entries). */
    static final int SCAN_WHOLE = 128;
    /** At most this many repetitions for ZRANDMEMBER with a negative count: the reply is built in memory. */
    static final long MAX_RANDOM_REPEATS = 1L << 24;

    private ZSetCommands() {
    }

    static void register(CommandTable t) {
        add(t, "zadd", -4, "write denyoom fast", 1, "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", "1.2.0", ZSetCommands::zadd);
        add(t, "zincrby", 4, "write denyoom fast", 1, "Increments the score of a member in a sorted set.", "1.2.0", ZSetCommands::zincrby);
        add(t, "zrem", -3, "write fast", 1, "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", "1.2.0", ZSetCommands::zrem);
        add(t, "zcard", 2, "readonly fast", 1, "Returns the number of members in a sorted set.", "1.2.0", ZSetCommands::zcard);
        add(t, "zscore", 3, "readonly fast", 1, "Returns the score of a member in a sorted set.", "1.2.0", ZSetCommands::zscore);
        add(t, "zmscore", -3, "readonly fast", 1, "Returns the score of one or more members in a sorted set.", "6.2.0", ZSetCommands::zmscore);
        add(t, "zrank", -3, "readonly fast", 1, "Returns the index of a member in a sorted set ordered by ascending scores.", "2.0.0", (c, a) -> zrank(c, a, false));
        add(t, "zrevrank", -3, "readonly fast", 1, "Returns the index of a member in a sorted set ordered by descending scores.", "2.0.0", (c, a) -> zrank(c, a, true));
        add(t, "zcount", 4, "readonly fast", 1, "Returns the count of members in a sorted set that have scores within a range.", "2.0.0", ZSetCommands::zcount);
        add(t, "zlexcount", 4, "readonly fast", 1, "Returns the number of members in a sorted set within a lexicographical range.", "2.8.9", ZSetCommands::zlexcount);
        add(t, "zrange", -4, "readonly", 1, "Returns members in a sorted set within a range of indexes.", "1.2.0", (c, a) -> range(c, a, null, null));
        add(t, "zrangebyscore", -4, "readonly", 1, "Returns members in a sorted set within a range of scores.", "1.0.5", (c, a) -> range(c, a, By.SCORE, false));
        add(t, "zrevrangebyscore", -4, "readonly", 1, "Returns members in a sorted set within a range of scores in reverse order.", "2.2.0", (c, a) -> range(c, a, By.SCORE, true));
        add(t, "zrangebylex", -4, "readonly", 1, "Returns members in a sorted set within a lexicographical range.", "2.8.9", (c, a) -> range(c, a, By.LEX, false));
        add(t, "zrevrangebylex", -4, "readonly", 1, "Returns members in a sorted set within a lexicographical range in reverse order.", "2.8.9", (c, a) -> range(c, a, By.LEX, true));
        add(t, "zrevrange", -4, "readonly", 1, "Returns members in a sorted set within a range of indexes in reverse order.", "1.2.0", (c, a) -> range(c, a, By.RANK, true));
        t.add(Command.of("zrangestore", -5, "write denyoom").keys(1, 2, 1).group("sorted-set")
                .doc("Stores a range of members from sorted set in a key.", "6.2.0").run(ZSetCommands::zrangestore));
        add(t, "zremrangebyrank", 4, "write", 1, "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", "2.0.0", (c, a) -> removeRange(c, a, By.RANK));
        add(t, "zremrangebyscore", 4, "write", 1, "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", "1.2.0", (c, a) -> removeRange(c, a, By.SCORE));
        add(t, "zremrangebylex", 4, "write", 1, "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", "2.8.9", (c, a) -> removeRange(c, a, By.LEX));
        add(t, "zpopmin", -2, "write fast", 1, "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", "5.0.0", (c, a) -> zpop(c, a, false));
        add(t, "zpopmax", -2, "write fast", 1, "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", "5.0.0", (c, a) -> zpop(c, a, true));
        t.add(Command.of("zmpop", -4, "write movablekeys").group("sorted-set")
                .doc("Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", "7.0.0")
                .run(ZSetCommands::zmpop));
        add(t, "zrandmember", -2, "readonly", 1, "Returns one or more random members from a sorted set.", "6.2.0", ZSetCommands::zrandmember);
        t.add(Command.of("zunion", -3, "readonly movablekeys").group("sorted-set")
                .doc("Returns the union of multiple sorted sets.", "6.2.0").run((c, a) -> combine(c, a, Op.UNION, false)));
        t.add(Command.of("zinter", -3, "readonly movablekeys").group("sorted-set")
                .doc("Returns the intersect of multiple sorted sets.", "6.2.0").run((c, a) -> combine(c, a, Op.INTER, false)));
        t.add(Command.of("zdiff", -3, "readonly movablekeys").group("sorted-set")
                .doc("Returns the difference between multiple sorted sets.", "6.2.0").run((c, a) -> combine(c, a, Op.DIFF, false)));
        t.add(Command.of("zunionstore", -4, "write denyoom movablekeys").keys(1, 1, 1).group("sorted-set")
                .doc("Stores the union of multiple sorted sets in a key.", "2.0.0").run((c, a) -> combine(c, a, Op.UNION, true)));
        t.add(Command.of("zinterstore", -4, "write denyoom movablekeys").keys(1, 1, 1).group("sorted-set")
                .doc("Stores the intersect of multiple sorted sets in a key.", "2.0.0").run((c, a) -> combine(c, a, Op.INTER, true)));
        t.add(Command.of("zdiffstore", -4, "write denyoom movablekeys").keys(1, 1, 1).group("sorted-set")
                .doc("Stores the difference of multiple sorted sets in a key.", "6.2.0").run((c, a) -> combine(c, a, Op.DIFF, true)));
        t.add(Command.of("zintercard", -3, "readonly movablekeys").group("sorted-set")
                .doc("Returns the number of members of the intersect of multiple sorted sets.", "7.0.0").run((c, a) -> combine(c, a, Op.CARD, false)));
        add(t, "zscan", -3, "readonly", 1, "Iterates over members and scores of a sorted set.", "2.8.0", ZSetCommands::zscan);
    }

    private static void add(CommandTable t, String name, int arity, String flags, int key, String summary, String since,
                            Handler h) {
        t.add(Command.of(name, arity, flags).keys(key, key, 1).group("sorted-set").doc(summary, since).run(h));
    }

    // ------------------------------------------------------------------ results

    /** Members with their scores, in the order found; the visitor the index walks fill it. */
    static final class Entries implements ZSetIndex.Visitor {
        byte[][] members = new byte[8][];
        double[] scores = new double[8];
        int size;

        @Override
        public boolean visit(byte[] member, double score) {
            if (size == members.length) {
                members = Arrays.copyOf(members, size * 2);
                scores = Arrays.copyOf(scores, size * 2);
            }
            members[size] = member;
            scores[size++] = score;
            return true;
        }

        byte[][] memberArray() {
            return Arrays.copyOf(members, size);
        }

        ZSetValue toValue() {
            ZSetValue z = new ZSetValue();
            for (int i = 0; i < size; i++) z.add(members[i], scores[i]);
            return z;
        }
    }

    private static final Entries EMPTY = new Entries();

    /**
     * A list of members, with their scores if asked: RESP2 a flat array (member, score, ...), RESP3 an array of
     * [member, score] pairs (as Redis 7 sends WITHSCORES replies).
     */
    private static void replyEntries(Reply r, Entries e, boolean withScores) {
        if (!withScores) {
            r.array(e.size);
            for (int i = 0; i < e.size; i++) r.bulk(e.members[i]);
        } else if (r.resp3()) {
            r.array(e.size);
            for (int i = 0; i < e.size; i++) {
                r.array(2);
                r.bulk(e.members[i]);
                Scores.reply(r, e.scores[i]);
            }
        } else {
            r.array(e.size * 2);
            for (int i = 0; i < e.size; i++) {
                r.bulk(e.members[i]);
                Scores.reply(r, e.scores[i]);
            }
        }
    }

    private static ZSetValue value(Txn tx, Keyspace ks, byte[] key) {
        return tx.sortedSet(ks, key).value();
    }

    // ------------------------------------------------------------------ ZADD, ZINCRBY, ZREM

    private static final int NX = 1, XX = 2, GT = 4, LT = 8, CH = 16, INCR = 32;

    private static void zadd(Client c, byte[][] a) {
        int flags = 0;
        int i = 2;
        for (; i < a.length; i++) {
            byte[] o = a[i];
            if (Args.is(o, "NX")) flags |= NX;
            else if (Args.is(o, "XX")) flags |= XX;
            else if (Args.is(o, "GT")) flags |= GT;
            else if (Args.is(o, "LT")) flags |= LT;
            else if (Args.is(o, "CH")) flags |= CH;
            else if (Args.is(o, "INCR")) flags |= INCR;
            else break;
        }
        int elements = a.length - i;
        if (elements == 0 || elements % 2 != 0) throw Errors.syntax();
        int pairs = elements / 2;
        if ((flags & NX) != 0 && (flags & XX) != 0) {
            throw Errors.error("ERR XX and NX options at the same time are not compatible");
        }
        if (((flags & NX) != 0 && (flags & (GT | LT)) != 0) || (flags & (GT | LT)) == (GT | LT)) {
            throw Errors.error("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if ((flags & INCR) != 0 && pairs > 1) throw Errors.error("ERR INCR option supports a single increment-element pair");
        double[] scores = new double[pairs];
        byte[][] members = new byte[pairs][];
        for (int j = 0; j < pairs; j++) {
            scores[j] = Scores.parse(a[i + 2 * j]);
            members[j] = a[i + 2 * j + 1];
        }
        zadd(c, a[1], flags, scores, members);
    }

    private static void zincrby(Client c, byte[][] a) {
        zadd(c, a[1], INCR, new double[]{Scores.parse(a[2])}, new byte[][]{a[3]});
    }

    /**
     * What ZADD did: new members, changed scores, members not skipped by a condition, the last score set, and whether
     * it created the key.
     */
    private record Added(int added, int updated, int processed, double score, boolean created) {
    }

    /** ZADD's decisions, member by member as Redis makes them (a member named twice sees its first change). */
    private static void zadd(Client c, byte[] key, int flags, double[] scores, byte[][] members) {
        Keyspace ks = c.keyspace();
        Added r = c.writer().atomically(tx -> {
            TxnSortedSet z = tx.sortedSet(ks, key);
            ZSetValue v = z.value();
            if (v == null && (flags & XX) != 0) return new Added(0, 0, 0, Double.NaN, false);
            Map<ByteBuffer, Integer> changed = new LinkedHashMap<>();
            double[] finals = new double[members.length];
            int added = 0, updated = 0, processed = 0;
            double last = Double.NaN;
            for (int j = 0; j < members.length; j++) {
                Integer earlier = changed.get(ByteBuffer.wrap(members[j]));
                double cur = earlier != null ? finals[earlier] : v == null ? Double.NaN : v.index().score(members[j]);
                double s = scores[j];
                if (!Double.isNaN(cur)) {
                    if ((flags & NX) != 0) continue;
                    if ((flags & INCR) != 0) {
                        s += cur;
                        if (Double.isNaN(s)) throw Errors.error("ERR resulting score is not a number (NaN)");
                    }
                    if (((flags & LT) != 0 && s >= cur) || ((flags & GT) != 0 && s <= cur)) continue;
                    processed++;
                    last = s;
                    if (s == cur) continue;
                    updated++;
                } else {
                    if ((flags & XX) != 0) continue;
                    processed++;
                    last = s;
                    added++;
                }
                finals[j] = s;
                if (earlier != null) changed.remove(ByteBuffer.wrap(members[j]));
                changed.put(ByteBuffer.wrap(members[j]), j);
            }
            if (!changed.isEmpty()) {
                byte[][] m = new byte[changed.size()][];
                double[] s = new double[changed.size()];
                int k = 0;
                for (int j : changed.values()) {
                    m[k] = members[j];
                    s[k++] = finals[j];
                }
                z.set(m, s);
            }
            return new Added(added, updated, processed, last, v == null && !changed.isEmpty());
        });
        if (r.added() + r.updated() > 0) {
            KeyEvents.written(c, PubSub.ZSET, (flags & INCR) != 0 ? "zincr" : "zadd", key, r.created());
        }
        Reply out = c.reply();
        if ((flags & INCR) != 0) {
            if (r.processed() > 0) Scores.reply(out, r.score());
            else out.nullBulk();
        } else {
            out.integer((flags & CH) != 0 ? r.added() + r.updated() : r.added());
        }
    }

    private static void zrem(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        byte[][] members = Arrays.copyOfRange(a, 2, a.length);
        boolean[] deleted = new boolean[1];
        int removed = c.writer().atomically(tx -> {
            TxnSortedSet z = tx.sortedSet(ks, a[1]);
            int n = z.remove(members);
            deleted[0] = n > 0 && !z.exists();
            return n;
        });
        if (removed > 0) KeyEvents.removed(c, PubSub.ZSET, "zrem", a[1], deleted[0]);
        c.reply().integer(removed);
    }

    // ------------------------------------------------------------------ single reads

    private static void zcard(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        c.reply().integer(c.writer().atomically(tx -> tx.sortedSet(ks, a[1]).size()));
    }

    private static void zscore(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        double s = c.writer().atomically(tx -> tx.sortedSet(ks, a[1]).score(a[2]));
        if (Double.isNaN(s)) c.reply().nullBulk();
        else Scores.reply(c.reply(), s);
    }

    private static void zmscore(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        double[] s = c.writer().atomically(tx -> {
            TxnSortedSet z = tx.sortedSet(ks, a[1]);
            double[] out = new double[a.length - 2];
            for (int i = 2; i < a.length; i++) out[i - 2] = z.score(a[i]);
            return out;
        });
        c.reply().array(s.length);
        for (double d : s) {
            if (Double.isNaN(d)) c.reply().nullBulk();
            else Scores.reply(c.reply(), d);
        }
    }

    /** ZRANK and ZREVRANK, with Redis 7.2's WITHSCORE. */
    private static void zrank(Client c, byte[][] a, boolean reverse) {
        if (a.length > 4 || (a.length == 4 && !Args.is(a[3], "WITHSCORE"))) throw Errors.syntax();
        boolean withScore = a.length == 4;
        Keyspace ks = c.keyspace();
        double[] found = c.writer().atomically(tx -> {
            ZSetValue v = value(tx, ks, a[1]);
            if (v == null) return null;
            long rank = reverse ? v.index().reverseRank(a[2]) : v.index().rank(a[2]);
            return rank < 0 ? null : new double[]{rank, v.index().score(a[2])};
        });
        Reply r = c.reply();
        if (found == null) {
            if (withScore) r.nullArray();
            else r.nullBulk();
        } else if (withScore) {
            r.array(2);
            r.integer((long) found[0]);
            Scores.reply(r, found[1]);
        } else {
            r.integer((long) found[0]);
        }
    }

    private static void zcount(Client c, byte[][] a) {
        ScoreRange range = Scores.range(a[2], a[3]);
        Keyspace ks = c.keyspace();
        long n = c.writer().atomically(tx -> {
            ZSetValue v = value(tx, ks, a[1]);
            return v == null ? 0L : v.index().countInScore(range);
        });
        c.reply().integer(n);
    }

    private static void zlexcount(Client c, byte[][] a) {
        LexRange range = Scores.lexRange(a[2], a[3]);
        Keyspace ks = c.keyspace();
        long n = c.writer().atomically(tx -> {
            ZSetValue v = value(tx, ks, a[1]);
            return v == null ? 0L : v.index().countInLex(range);
        });
        c.reply().integer(n);
    }

    // ------------------------------------------------------------------ ZRANGE and its older forms

    enum By { RANK, SCORE, LEX }

    /** A parsed range request: ZRANGE's options, or what an older command (ZREVRANGEBYSCORE, ...) implies. */
    record Range(By by, boolean reverse, long start, long stop, ScoreRange scores, LexRange lex, long offset,
                 long limit, boolean withScores) {

        /** The elements in range, in reply order. */
        Entries select(ZSetValue v) {
            Entries e = new Entries();
            if (v == null) return e;
            ZSetIndex index = v.index();
            switch (by) {
                case RANK -> {
                    long size = index.size();
                    long from = start < 0 ? start + size : start;
                    long to = stop < 0 ? stop + size : stop;
                    if (from < 0) from = 0;
                    if (from > to || from >= size) return e;
                    index.range(from, Math.min(to, size - 1), reverse, e);
                }
                case SCORE -> index.rangeByScore(scores, reverse, offset, limit, e);
                case LEX -> index.rangeByLex(lex, reverse, offset, limit, e);
            }
            return e;
        }
    }

    /**
     * Parses {@code a[from]} (min or start), {@code a[from + 1]} and the options after them as Redis's
     * zrangeGenericCommand does: options first (a syntax error before a bad range), then conflicts, then the range.
     * {@code by} and {@code reverse} are fixed by the older commands, null for ZRANGE and ZRANGESTORE, which read
     * BYSCORE, BYLEX and REV.
     */
    static Range parseRange(byte[][] a, int from, By by, Boolean reverse, boolean store) {
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = from + 2; j < a.length; j++) {
            int left = a.length - j - 1;
            if (!store && Args.is(a[j], "WITHSCORES")) {
                withScores = true;
            } else if (Args.is(a[j], "LIMIT") && left >= 2) {
                offset = Args.toLong(a[j + 1]);
                limit = Args.toLong(a[j + 2]);
                j += 2;
            } else if (reverse == null && Args.is(a[j], "REV")) {
                reverse = true;
            } else if (by == null && Args.is(a[j], "BYLEX")) {
                by = By.LEX;
            } else if (by == null && Args.is(a[j], "BYSCORE")) {
                by = By.SCORE;
            } else {
                throw Errors.syntax();
            }
        }
        boolean rev = reverse != null && reverse;
        if (by == null) by = By.RANK;
        if (limit != -1 && by == By.RANK) {
            throw Errors.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && by == By.LEX) throw Errors.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        // reversed score and lex ranges are written max first
        byte[] min = rev && by != By.RANK ? a[from + 1] : a[from];
        byte[] max = rev && by != By.RANK ? a[from] : a[from + 1];
        return switch (by) {
            case RANK -> new Range(by, rev, Args.toLong(min), Args.toLong(max), null, null, 0, -1, withScores);
            case SCORE -> new Range(by, rev, 0, 0, Scores.range(min, max), null, offset, limit, withScores);
            case LEX -> new Range(by, rev, 0, 0, null, Scores.lexRange(min, max), offset, limit, withScores);
        };
    }

    private static void range(Client c, byte[][] a, By by, Boolean reverse) {
        Range q = parseRange(a, 2, by, reverse, false);
        Keyspace ks = c.keyspace();
        Entries e = c.writer().atomically(tx -> q.select(value(tx, ks, a[1])));
        replyEntries(c.reply(), e, q.withScores());
    }

    private static void zrangestore(Client c, byte[][] a) {
        Range q = parseRange(a, 3, null, null, true);
        Keyspace ks = c.keyspace();
        boolean[] existed = new boolean[1];
        int n = c.writer().atomically(tx -> {
            Entries e = q.select(value(tx, ks, a[2]));
            existed[0] = tx.contains(ks, a[1]);
            tx.putValue(ks, a[1], e.toValue(), 0);
            return e.size;
        });
        KeyEvents.stored(c, PubSub.ZSET, "zrangestore", a[1], existed[0], n == 0);
        c.reply().integer(n);
    }

    /** ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX: the members in range are chosen, then removed by name. */
    private static void removeRange(Client c, byte[][] a, By by) {
        Range q = switch (by) {
            case RANK -> new Range(by, false, Args.toLong(a[2]), Args.toLong(a[3]), null, null, 0, -1, false);
            case SCORE -> new Range(by, false, 0, 0, Scores.range(a[2], a[3]), null, 0, -1, false);
            case LEX -> new Range(by, false, 0, 0, null, Scores.lexRange(a[2], a[3]), 0, -1, false);
        };
        Keyspace ks = c.keyspace();
        boolean[] deleted = new boolean[1];
        int removed = c.writer().atomically(tx -> {
            TxnSortedSet z = tx.sortedSet(ks, a[1]);
            Entries e = q.select(z.value());
            int n = e.size == 0 ? 0 : z.remove(e.memberArray());
            deleted[0] = n > 0 && !z.exists();
            return n;
        });
        if (removed > 0) {
            String event = switch (by) {
                case RANK -> "zremrangebyrank";
                case SCORE -> "zremrangebyscore";
                case LEX -> "zremrangebylex";
            };
            KeyEvents.removed(c, PubSub.ZSET, event, a[1], deleted[0]);
        }
        c.reply().integer(removed);
    }

    // ------------------------------------------------------------------ pops and random members

    /** Removes the {@code count} lowest (or highest) members of {@code z}, chosen before the write; returns them. */
    private static Entries pop(TxnSortedSet z, long count, boolean max) {
        ZSetValue v = z.value();
        if (v == null || count <= 0) return EMPTY;
        Entries e = new Entries();
        v.index().range(0, count - 1, max, e);
        z.remove(e.memberArray());
        return e;
    }

    private static void zpop(Client c, byte[][] a, boolean max) {
        if (a.length > 3) throw Errors.syntax();
        long count = 1;
        if (a.length == 3) {
            Long n = Args.parseLong(a[2]);
            if (n == null || n < 0) throw Errors.error("ERR value is out of range, must be positive");
            count = n;
        }
        long n = count;
        Keyspace ks = c.keyspace();
        boolean[] deleted = new boolean[1];
        Entries e = c.writer().atomically(tx -> {
            TxnSortedSet z = tx.sortedSet(ks, a[1]);
            Entries out = pop(z, n, max);
            deleted[0] = !z.exists();
            return out;
        });
        if (e.size > 0) KeyEvents.removed(c, PubSub.ZSET, max ? "zpopmax" : "zpopmin", a[1], deleted[0]);
        Reply r = c.reply();
        if (a.length == 3 && r.resp3()) {
            replyEntries(r, e, true);
        } else {
            r.array(e.size * 2);
            for (int i = 0; i < e.size; i++) {
                r.bulk(e.members[i]);
                Scores.reply(r, e.scores[i]);
            }
        }
    }

    private static void zmpop(Client c, byte[][] a) {
        Long numkeys = Args.parseLong(a[1]);
        if (numkeys == null || numkeys < 1) throw Errors.error("ERR numkeys should be greater than 0");
        if (numkeys > a.length - 3) throw Errors.syntax();
        int where = 2 + numkeys.intValue();
        boolean max;
        if (Args.is(a[where], "MIN")) max = false;
        else if (Args.is(a[where], "MAX")) max = true;
        else throw Errors.syntax();
        long count = -1;
        for (int j = where + 1; j < a.length; j++) {
            if (count == -1 && Args.is(a[j], "COUNT") && j + 1 < a.length) {
                Long n = Args.parseLong(a[++j]);
                if (n == null || n < 1) throw Errors.error("ERR count should be greater than 0");
                count = n;
            } else {
                throw Errors.syntax();
            }
        }
        long n = count == -1 ? 1 : count;
        Keyspace ks = c.keyspace();
        Object[] popped = c.writer().atomically(tx -> {
            for (int k = 2; k < where; k++) {
                TxnSortedSet z = tx.sortedSet(ks, a[k]);
                if (z.exists()) return new Object[]{a[k], pop(z, n, max), !z.exists()};
            }
            return null;
        });
        Reply r = c.reply();
        if (popped == null) {
            r.nullArray();
            return;
        }
        KeyEvents.removed(c, PubSub.ZSET, max ? "zpopmax" : "zpopmin", (byte[]) popped[0], (Boolean) popped[2]);
        r.array(2);
        r.bulk((byte[]) popped[0]);
        Entries e = (Entries) popped[1];
        r.array(e.size);
        for (int i = 0; i < e.size; i++) {
            r.array(2);
            r.bulk(e.members[i]);
            Scores.reply(r, e.scores[i]);
        }
    }

    private static void zrandmember(Client c, byte[][] a) {
        Keyspace ks = c.keyspace();
        if (a.length == 2) {
            byte[] m = c.writer().atomically(tx -> {
                ZSetValue v = value(tx, ks, a[1]);
                return v == null ? null : v.index().randomMember(ThreadLocalRandom.current());
            });
            c.reply().bulk(m);
            return;
        }
        long count = Args.toLong(a[2]);
        if (count == Long.MIN_VALUE) {
            throw Errors.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        if (a.length > 4 || (a.length == 4 && !Args.is(a[3], "WITHSCORES"))) throw Errors.syntax();
        boolean withScores = a.length == 4;
        if (withScores && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            throw Errors.error("ERR value is out of range");
        }
        if (count < -MAX_RANDOM_REPEATS) throw Errors.error("ERR value is out of range");
        Entries e = c.writer().atomically(tx -> {
            ZSetValue v = value(tx, ks, a[1]);
            return v == null || count == 0 ? EMPTY : random(v.index(), count);
        });
        replyEntries(c.reply(), e, withScores);
    }

    /** ZRANDMEMBER's choice: a negative count repeats members, a positive one gives distinct members. */
    private static Entries random(ZSetIndex index, long count) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Entries e = new Entries();
        int size = index.size();
        if (count < 0) {
            for (long i = 0; i < -count; i++) {
                long rank = rnd.nextLong(size);
                e.visit(index.memberAt(rank), index.scoreAt(rank));
            }
        } else if (count >= size) {
            index.forEach(e);
        } else if (count * 3 > size) {
            // most of the set: shuffle the ranks and keep the first count
            long[] ranks = new long[size];
            for (int i = 0; i < size; i++) ranks[i] = i;
            for (int i = 0; i < count; i++) {
                int j = i + rnd.nextInt(size - i);
                long t = ranks[i];
                ranks[i] = ranks[j];
                ranks[j] = t;
                e.visit(index.memberAt(ranks[i]), index.scoreAt(ranks[i]));
            }
        } else {
            Set<Long> seen = new HashSet<>();
            while (e.size < count) {
                long rank = rnd.nextLong(size);
                if (seen.add(rank)) e.visit(index.memberAt(rank), index.scoreAt(rank));
            }
        }
        return e;
    }

    // ------------------------------------------------------------------ ZUNION, ZINTER, ZDIFF, ZINTERCARD

    enum Op { UNION, INTER, DIFF, CARD }

    enum Aggregate { SUM, MIN, MAX }

    /** One input: a sorted set, or a plain set whose members all score 1. */
    private record Source(ZSetValue zset, SetValue set, double weight) {
        int size() {
            return zset != null ? zset.size() : set != null ? set.size() : 0;
        }

        /** The member's score, weight not applied; NaN if absent. */
        double score(byte[] member) {
            if (zset != null) return zset.index().score(member);
            return set != null && set.contains(member) ? 1 : Double.NaN;
        }

        void forEach(ZSetIndex.Visitor v) {
            if (zset != null) zset.index().forEach(v);
            else if (set != null) set.forEach(m -> v.visit(m, 1));
        }

        Source weighted(double w) {
            return new Source(zset, set, w);
        }
    }

    private static double aggregate(double target, double value, Aggregate how) {
        return switch (how) {
            case SUM -> {
                double s = target + value;
                yield Double.isNaN(s) ? 0 : s; // inf + -inf is 0, as in Redis
            }
            case MIN -> value < target ? value : target;
            case MAX -> value > target ? value : target;
        };
    }

    /**
     * The four multi-key commands and the STORE forms, in Redis's order of checks: numkeys, the keys' types (before
     * any option is read), then the options.
     */
    private static void combine(Client c, byte[][] a, Op op, boolean store) {
        String name = Args.str(a[0]).toLowerCase(java.util.Locale.ROOT);
        int numkeysAt = store ? 2 : 1;
        long n = Args.toLong(a[numkeysAt]);
        if (n < 1) throw Errors.error("ERR at least 1 input key is needed for '" + name + "' command");
        if (n > a.length - numkeysAt - 1) throw Errors.syntax();
        int keys = (int) n;
        int firstKey = numkeysAt + 1;
        Keyspace ks = c.keyspace();
        boolean[] existed = new boolean[1];
        Object result = c.writer().atomically(tx -> {
            Source[] src = new Source[keys];
            for (int i = 0; i < keys; i++) src[i] = source(tx, ks, a[firstKey + i]);
            Aggregate how = Aggregate.SUM;
            boolean withScores = false;
            long limit = 0;
            int j = firstKey + keys;
            while (j < a.length) {
                int remaining = a.length - j;
                if ((op == Op.UNION || op == Op.INTER) && remaining >= keys + 1 && Args.is(a[j], "WEIGHTS")) {
                    j++;
                    for (int i = 0; i < keys; i++, j++) {
                        Double w = Scores.strict(a[j]);
                        if (w == null) throw Errors.error("ERR weight value is not a float");
                        src[i] = src[i].weighted(w);
                    }
                } else if ((op == Op.UNION || op == Op.INTER) && remaining >= 2 && Args.is(a[j], "AGGREGATE")) {
                    byte[] w = a[j + 1];
                    if (Args.is(w, "SUM")) how = Aggregate.SUM;
                    else if (Args.is(w, "MIN")) how = Aggregate.MIN;
                    else if (Args.is(w, "MAX")) how = Aggregate.MAX;
                    else throw Errors.syntax();
                    j += 2;
                } else if (!store && op != Op.CARD && Args.is(a[j], "WITHSCORES")) {
                    withScores = true;
                    j++;
                } else if (op == Op.CARD && remaining >= 2 && Args.is(a[j], "LIMIT")) {
                    Long l = Args.parseLong(a[j + 1]);
                    if (l == null || l < 0) throw Errors.error("ERR LIMIT can't be negative");
                    limit = l;
                    j += 2;
                } else {
                    throw Errors.syntax();
                }
            }
            if (op == Op.CARD) return intersectionSize(src, limit);
            Entries e = switch (op) {
                case UNION -> union(src, how);
                case INTER -> intersection(src, how);
                default -> difference(src);
            };
            if (store) {
                existed[0] = tx.contains(ks, a[1]);
                tx.putValue(ks, a[1], e.toValue(), 0);
                return (long) e.size;
            }
            return new Object[]{e, withScores};
        });
        if (result instanceof Long count) {
            if (store) KeyEvents.stored(c, PubSub.ZSET, name, a[1], existed[0], count == 0);
            c.reply().integer(count);
        } else {
            Object[] r = (Object[]) result;
            replyEntries(c.reply(), (Entries) r[0], (Boolean) r[1]);
        }
    }

    private static Source source(Txn tx, Keyspace ks, byte[] key) {
        ValueType type = tx.type(ks, key);
        if (type == null) return new Source(null, null, 1);
        return switch (type) {
            case SORTED_SET -> new Source(tx.sortedSet(ks, key).value(), null, 1);
            case SET -> new Source(null, tx.set(ks, key).value(), 1);
            default -> throw Errors.error(Errors.WRONGTYPE);
        };
    }

    /** Sorted by score, then member as unsigned bytes: the order Redis replies and stores in. */
    private static Entries sorted(Map<ByteBuffer, double[]> scores, Map<ByteBuffer, byte[]> members) {
        List<ByteBuffer> keys = new ArrayList<>(scores.keySet());
        // -0 and 0 are one score (adding 0.0 makes -0 +0); the reply still shows a -0, as Redis's does
        keys.sort(Comparator.<ByteBuffer>comparingDouble(k -> scores.get(k)[0] + 0.0)
                .thenComparing((x, y) -> Arrays.compareUnsigned(members.get(x), members.get(y))));
        Entries e = new Entries();
        for (ByteBuffer k : keys) e.visit(members.get(k), scores.get(k)[0]);
        return e;
    }

    private static Entries union(Source[] src, Aggregate how) {
        Map<ByteBuffer, double[]> scores = new HashMap<>();
        Map<ByteBuffer, byte[]> members = new HashMap<>();
        for (Source s : bySize(src)) {
            s.forEach((m, score) -> {
                double v = score * s.weight();
                if (Double.isNaN(v)) v = 0; // 0 * inf
                ByteBuffer k = ByteBuffer.wrap(m);
                double[] cur = scores.get(k);
                if (cur == null) {
                    scores.put(k, new double[]{v});
                    members.put(k, m);
                } else {
                    cur[0] = aggregate(cur[0], v, how);
                }
                return true;
            });
        }
        return sorted(scores, members);
    }

    /**
     * Smallest input first, as Redis walks them for a union or an intersection; that order decides how scores are
     * summed and which of -0 and 0 an aggregate keeps, so replies match Redis's to the last bit.
     */
    private static Source[] bySize(Source[] src) {
        Source[] s = src.clone();
        Arrays.sort(s, Comparator.comparingInt(Source::size));
        return s;
    }

    private static Entries intersection(Source[] src, Aggregate how) {
        Source[] s = bySize(src);
        Map<ByteBuffer, double[]> scores = new HashMap<>();
        Map<ByteBuffer, byte[]> members = new HashMap<>();
        if (s[0].size() == 0) return new Entries();
        s[0].forEach((m, score) -> {
            double v = score * s[0].weight();
            if (Double.isNaN(v)) v = 0;
            for (int i = 1; i < s.length; i++) {
                double other = s[i].score(m);
                if (Double.isNaN(other)) return true;
                v = aggregate(v, other * s[i].weight(), how);
            }
            scores.put(ByteBuffer.wrap(m), new double[]{v});
            members.put(ByteBuffer.wrap(m), m);
            return true;
        });
        return sorted(scores, members);
    }

    private static long intersectionSize(Source[] src, long limit) {
        Source[] s = bySize(src);
        long[] n = {0};
        s[0].forEach((m, score) -> {
            for (int i = 1; i < s.length; i++) if (Double.isNaN(s[i].score(m))) return true;
            n[0]++;
            return limit == 0 || n[0] < limit;
        });
        return n[0];
    }

    private static Entries difference(Source[] src) {
        Entries e = new Entries();
        src[0].forEach((m, score) -> {
            for (int i = 1; i < src.length; i++) if (!Double.isNaN(src[i].score(m))) return true;
            return e.visit(m, score);
        });
        if (src[0].set() == null) return e;
        // a plain set's members come in no order: sort them as the result is sorted
        Map<ByteBuffer, double[]> scores = new HashMap<>();
        Map<ByteBuffer, byte[]> members = new HashMap<>();
        for (int i = 0; i < e.size; i++) {
            scores.put(ByteBuffer.wrap(e.members[i]), new double[]{e.scores[i]});
            members.put(ByteBuffer.wrap(e.members[i]), e.members[i]);
        }
        return sorted(scores, members);
    }

    // ------------------------------------------------------------------ ZSCAN

    /**
     * ZSCAN. A set of up to {@link #SCAN_WHOLE} members is returned whole with cursor 0, as Redis returns a listpack.
     * A larger one is walked in (score, member) order and the cursor is the rank to continue from: every member present
     * for the whole scan is returned unless members ranked before it are removed between calls (its rank then drops
     * below the cursor); members added meanwhile may be returned or not, and one may come twice.
     */
    private static void zscan(Client c, byte[][] a) {
        long cursor = parseCursor(a[2]);
        Keyspace ks = c.keyspace();
        Object[] page = c.writer().atomically(tx -> {
            ZSetValue v = value(tx, ks, a[1]);
            if (v == null) return null;
            long count = 10;
            byte[] pattern = null;
            for (int i = 3; i < a.length; i += 2) {
                if (Args.is(a[i], "COUNT") && i + 1 < a.length) {
                    count = Args.toLong(a[i + 1]);
                    if (count < 1) throw Errors.syntax();
                } else if (Args.is(a[i], "MATCH") && i + 1 < a.length) {
                    pattern = a[i + 1].length == 1 && a[i + 1][0] == '*' ? null : a[i + 1];
                } else {
                    throw Errors.syntax();
                }
            }
            Entries e = new Entries();
            long next = 0;
            ZSetIndex index = v.index();
            if (index.size() <= SCAN_WHOLE) {
                index.forEach(e);
            } else if (Long.compareUnsigned(cursor, index.size()) < 0) {
                long end = cursor + Math.min(count, index.size() - cursor);
                index.range(cursor, end - 1, false, e);
                next = end < index.size() ? end : 0;
            }
            if (pattern == null) return new Object[]{next, e};
            Entries matched = new Entries();
            for (int i = 0; i < e.size; i++) if (Glob.match(pattern, e.members[i])) matched.visit(e.members[i], e.scores[i]);
            return new Object[]{next, matched};
        });
        Reply r = c.reply();
        r.array(2);
        if (page == null) {
            r.bulk("0");
            r.array(0);
            return;
        }
        r.bulk(Long.toUnsignedString((Long) page[0]));
        Entries e = (Entries) page[1];
        r.array(e.size * 2);
        for (int i = 0; i < e.size; i++) {
            r.bulk(e.members[i]);
            r.bulk(Scores.formatBytes(e.scores[i]));
        }
    }

    /** An unsigned 64-bit cursor (a negative one wraps, as Redis's strtoul reads it). */
    private static long parseCursor(byte[] a) {
        String s = Args.str(a);
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            Long v = Args.parseLong(a);
            if (v == null) throw Errors.error("ERR invalid cursor");
            return v;
        }
    }
}
