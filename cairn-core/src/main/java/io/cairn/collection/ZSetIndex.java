package io.cairn.collection;

import io.cairn.index.Memory;

import io.cairn.index.HashIndex;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The in-memory form of a large Redis sorted set: members ordered by {@code (score, member)}, with O(log n) lookup by
 * member, by rank and by score.
 *
 * <p>Structure: an indexable skip list (every forward link records its span, the number of level-0 steps it skips,
 * so a descent can count ranks) with a backward link at level 0 for reverse walks, plus an open-addressing table of
 * the skip-list nodes keyed by member contents for {@link #score} and as the starting point of {@link #rank}.
 * A node is the only object per member besides its link arrays; the table holds one reference per member.
 *
 * <p>Ordering: by score, then by member as unsigned bytes. Scores are never NaN; {@code -0.0} is stored as
 * {@code +0.0}, so the two are the same score (as in Redis). Infinities are ordinary scores.
 *
 * <p>Determinism: the skip list draws node levels at random, which changes only the shape and never a result; every
 * answer is a function of the set's contents and the arguments.
 *
 * <p>Lex ranges ({@code ZRANGEBYLEX}) are meaningful when all scores are equal. Otherwise the lower lex bound is
 * applied at the lowest score and the upper one at the highest: the range is every element from
 * {@code (lowestScore, min)} up to {@code (highestScore, max)} in set order. That is a contiguous run, as Redis's
 * answer is, but not always the same run Redis would return; Redis documents the result as unspecified.
 *
 * <p>Members are kept by reference: a caller must not modify an array after handing it to {@link #add}, and must not
 * modify an array this class hands out. {@link #copy()} shares the member arrays.
 *
 * <p>Not thread-safe: the owner serialises all access (in Cairn, the keyspace's write lock or a private copy).
 */
public final class ZSetIndex {
    /** Enough for 4^32 elements at a promotion chance of 1/4; size is bounded by {@code Integer.MAX_VALUE}. */
    static final int MAX_LEVEL = 32;
    private static final int MIN_TABLE = 16;

    /** Receives elements in the order of the call; returns {@code false} to stop the walk. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(byte[] member, double score);
    }

    /**
     * A score interval with Redis's bound syntax in mind: {@code (1 5} is {@code new ScoreRange(1, true, 5, false)}.
     * {@code -0.0} bounds are normalised to {@code +0.0}.
     */
    public record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
        public ScoreRange {
            if (Double.isNaN(min) || Double.isNaN(max)) throw new IllegalArgumentException("a score bound is NaN");
            min += 0.0;
            max += 0.0;
        }

        /** Every score, {@code -inf +inf}. */
        public static final ScoreRange ALL = new ScoreRange(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);
    }

    /** One end of a lex range: {@code -}, {@code +}, {@code [member} or {@code (member}. */
    public static final class LexBound {
        private static final int NEG_INF = 0, INCLUSIVE = 1, EXCLUSIVE = 2, POS_INF = 3;
        /** {@code -}: below every member. */
        public static final LexBound MIN = new LexBound(NEG_INF, null);
        /** {@code +}: above every member. */
        public static final LexBound MAX = new LexBound(POS_INF, null);

        private final int kind;
        private final byte[] member;

        private LexBound(int kind, byte[] member) {
            this.kind = kind;
            this.member = member;
        }

        public static LexBound inclusive(byte[] member) {
            return new LexBound(INCLUSIVE, Objects.requireNonNull(member, "member"));
        }

        public static LexBound exclusive(byte[] member) {
            return new LexBound(EXCLUSIVE, Objects.requireNonNull(member, "member"));
        }

        /** Parses Redis's syntax; throws with Redis's own words for anything else. */
        public static LexBound parse(byte[] arg) {
            if (arg.length == 1 && arg[0] == '-') return MIN;
            if (arg.length == 1 && arg[0] == '+') return MAX;
            if (arg.length >= 1 && arg[0] == '[') return inclusive(Arrays.copyOfRange(arg, 1, arg.length));
            if (arg.length >= 1 && arg[0] == '(') return exclusive(Arrays.copyOfRange(arg, 1, arg.length));
            throw new IllegalArgumentException("min or max not valid string range item");
        }

        @Override
        public String toString() {
            return switch (kind) {
                case NEG_INF -> "-";
                case POS_INF -> "+";
                default -> (kind == INCLUSIVE ? "[" : "(") + Arrays.toString(member);
            };
        }
    }

    /** A lex interval, {@code ZRANGEBYLEX key min max}. */
    public record LexRange(LexBound min, LexBound max) {
        public LexRange {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
        }

        public static LexRange parse(byte[] min, byte[] max) {
            return new LexRange(LexBound.parse(min), LexBound.parse(max));
        }
    }

    static final class Node {
        final byte[] member;
        final int hash;
        double score;
        /** Level-0 predecessor; {@code null} for the first node. */
        Node prev;
        final Node[] next;
        /** {@code span[i]}: rank of {@code next[i]} minus rank of this node (header rank 0, elements from 1). */
        final int[] span;

        Node(byte[] member, int hash, double score, int level) {
            this.member = member;
            this.hash = hash;
            this.score = score;
            this.next = new Node[level];
            this.span = new int[level];
        }
    }

    private final Node head = new Node(null, 0, Double.NaN, MAX_LEVEL);
    private Node tail;
    private int level = 1;
    private int size;
    private Node[] table = new Node[MIN_TABLE];
    /** What the element nodes cost, their member arrays included (shared ones too: see {@link #copy}). */
    private long nodeMemory;
    // Scratch for one mutation at a time; reads never touch them.
    private final Node[] update = new Node[MAX_LEVEL];
    private final long[] updateRank = new long[MAX_LEVEL];

    public ZSetIndex() {
    }

    /** A copy with the same contents and the same skip-list shape; the member arrays are shared. */
    public ZSetIndex copy() {
        ZSetIndex c = new ZSetIndex();
        c.resizeTable(tableCapacityFor(size));
        Node[] last = new Node[MAX_LEVEL];
        Arrays.fill(last, c.head);
        System.arraycopy(head.span, 0, c.head.span, 0, MAX_LEVEL);
        Node prev = null;
        for (Node x = head.next[0]; x != null; x = x.next[0]) {
            Node n = new Node(x.member, x.hash, x.score, x.next.length);
            System.arraycopy(x.span, 0, n.span, 0, x.span.length);
            for (int i = 0; i < n.next.length; i++) {
                last[i].next[i] = n;
                last[i] = n;
            }
            n.prev = prev;
            prev = n;
            c.tablePut(n);
        }
        c.tail = prev;
        c.level = level;
        c.size = size;
        c.nodeMemory = nodeMemory;
        return c;
    }

    public int size() {
        return size;
    }

    public boolean contains(byte[] member) {
        return find(member) != null;
    }

    /** The member's score, or {@code NaN} if it is absent (a score is never NaN, so the two cannot be confused). */
    public double score(byte[] member) {
        Node n = find(member);
        return n == null ? Double.NaN : n.score;
    }

    /**
     * Inserts {@code member} or moves it to {@code score}.
     *
     * @return {@code true} if the member is new
     * @throws IllegalArgumentException if {@code score} is NaN
     */
    public boolean add(byte[] member, double score) {
        if (Double.isNaN(score)) throw new IllegalArgumentException("score is NaN");
        score += 0.0; // -0.0 becomes +0.0
        Node n = find(member);
        if (n == null) {
            n = new Node(member, HashIndex.hashOf(member), score, randomLevel());
            insert(n);
            tablePut(n);
            return true;
        }
        if (n.score == score) return false;
        Node after = n.next[0];
        if ((n.prev == null || compare(n.prev, score, member) < 0) && (after == null || compare(after, score, member) > 0)) {
            n.score = score; // order unchanged: no relinking (the common ZINCRBY case)
        } else {
            unlink(n, findUpdate(n.score, member));
            n.score = score;
            insert(n);
        }
        return false;
    }

    /** Removes {@code member}; returns whether it was present. */
    public boolean remove(byte[] member) {
        Node n = find(member);
        if (n == null) return false;
        delete(n);
        return true;
    }

    /** The member's 0-based rank in ascending order, or -1 if it is absent. */
    public long rank(byte[] member) {
        Node n = find(member);
        return n == null ? -1 : countBefore(n.score, n.member, true) - 1;
    }

    /** The member's 0-based rank in descending order ({@code ZREVRANK}), or -1 if it is absent. */
    public long reverseRank(byte[] member) {
        long r = rank(member);
        return r < 0 ? -1 : size - 1 - r;
    }

    /**
     * The member at ascending rank {@code rank}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= rank < size()}
     */
    public byte[] memberAt(long rank) {
        return nodeAt(checkRank(rank)).member;
    }

    /**
     * The score at ascending rank {@code rank}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= rank < size()}
     */
    public double scoreAt(long rank) {
        return nodeAt(checkRank(rank)).score;
    }

    /** A member drawn uniformly by rank from {@code random}, or {@code null} if the set is empty. */
    public byte[] randomMember(RandomGenerator random) {
        return size == 0 ? null : nodeAt(random.nextLong(size)).member;
    }

    /** Visits every element in ascending order until the visitor stops. */
    public void forEach(Visitor v) {
        for (Node x = head.next[0]; x != null; x = x.next[0]) {
            if (!v.visit(x.member, x.score)) return;
        }
    }

    /**
     * Visits ranks {@code start..stopInclusive} ({@code ZRANGE} with non-negative indexes; the caller converts
     * negative ones). With {@code reverse}, ranks count from the highest element and the walk descends. Indexes past
     * either end are clamped.
     *
     * @return the number of elements visited
     */
    public long range(long start, long stopInclusive, boolean reverse, Visitor v) {
        long lo = Math.max(start, 0);
        long hi = Math.min(stopInclusive, (long) size - 1);
        if (lo > hi) return 0;
        return reverse ? walk(size - 1 - lo, hi - lo + 1, true, v) : walk(lo, hi - lo + 1, false, v);
    }

    /** The number of elements with a score in {@code range}, in O(log n). */
    public long countInScore(ScoreRange range) {
        return Math.max(0, scoreHi(range) - scoreLo(range));
    }

    /**
     * Visits the elements with a score in {@code range} ({@code ZRANGEBYSCORE}, or {@code ZREVRANGEBYSCORE} with
     * {@code reverse}), skipping {@code offset} of them first and visiting at most {@code limit} (negative: no
     * limit). A negative offset visits nothing, as in Redis.
     *
     * @return the number of elements visited
     */
    public long rangeByScore(ScoreRange range, boolean reverse, long offset, long limit, Visitor v) {
        return rangeOfRanks(scoreLo(range), scoreHi(range), reverse, offset, limit, v);
    }

    /** The number of elements in the lex range (see the class comment for unequal scores), in O(log n). */
    public long countInLex(LexRange range) {
        return Math.max(0, lexHi(range.max()) - lexLo(range.min()));
    }

    /** Like {@link #rangeByScore} for a lex range ({@code ZRANGEBYLEX}, {@code ZREVRANGEBYLEX}). */
    public long rangeByLex(LexRange range, boolean reverse, long offset, long limit, Visitor v) {
        return rangeOfRanks(lexLo(range.min()), lexHi(range.max()), reverse, offset, limit, v);
    }

    /**
     * Removes up to {@code count} lowest elements ({@code ZPOPMIN}), handing each to {@code removed} (may be null;
     * its return value is ignored) lowest first.
     *
     * @return the number removed
     */
    public long popMin(long count, Visitor removed) {
        return removeRanks(0, Math.min(Math.max(count, 0), size), removed);
    }

    /** Removes up to {@code count} highest elements ({@code ZPOPMAX}), handing each to {@code removed} highest first. */
    public long popMax(long count, Visitor removed) {
        long n = Math.min(Math.max(count, 0), size);
        for (long i = 0; i < n; i++) {
            Node x = tail;
            delete(x);
            if (removed != null) removed.visit(x.member, x.score);
        }
        return n;
    }

    /**
     * Removes ranks {@code start..stopInclusive} ({@code ZREMRANGEBYRANK}, non-negative indexes, clamped like
     * {@link #range}), handing each removed element to {@code removed} (may be null) in ascending order.
     *
     * @return the number removed
     */
    public long removeRangeByRank(long start, long stopInclusive, Visitor removed) {
        long lo = Math.max(start, 0);
        long hi = Math.min(stopInclusive, (long) size - 1);
        return lo > hi ? 0 : removeRanks(lo, hi + 1, removed);
    }

    /** Removes the elements with a score in {@code range} ({@code ZREMRANGEBYSCORE}); see {@link #removeRangeByRank}. */
    public long removeRangeByScore(ScoreRange range, Visitor removed) {
        return removeRanks(scoreLo(range), scoreHi(range), removed);
    }

    /** Removes the elements in the lex range ({@code ZREMRANGEBYLEX}); see {@link #removeRangeByRank}. */
    public long removeRangeByLex(LexRange range, Visitor removed) {
        return size == 0 ? 0 : removeRanks(lexLo(range.min()), lexHi(range.max()), removed);
    }

    // ---- ranks of range ends: [lo, hi) in ascending ranks; hi <= lo means empty ----

    private long scoreLo(ScoreRange r) {
        return countBefore(r.min(), null, r.minExclusive());
    }

    private long scoreHi(ScoreRange r) {
        return countBefore(r.max(), null, !r.maxExclusive());
    }

    private long lexLo(LexBound b) {
        return switch (b.kind) {
            case LexBound.NEG_INF -> 0;
            case LexBound.POS_INF -> size;
            default -> size == 0 ? 0 : countBefore(head.next[0].score, b.member, b.kind == LexBound.EXCLUSIVE);
        };
    }

    private long lexHi(LexBound b) {
        return switch (b.kind) {
            case LexBound.NEG_INF -> 0;
            case LexBound.POS_INF -> size;
            default -> size == 0 ? 0 : countBefore(tail.score, b.member, b.kind == LexBound.INCLUSIVE);
        };
    }

    private long rangeOfRanks(long lo, long hi, boolean reverse, long offset, long limit, Visitor v) {
        if (offset < 0 || hi - lo <= offset) return 0;
        long n = hi - lo - offset;
        if (limit >= 0) n = Math.min(n, limit);
        return n == 0 ? 0 : reverse ? walk(hi - 1 - offset, n, true, v) : walk(lo + offset, n, false, v);
    }

    /** Visits up to {@code n} elements from ascending rank {@code from}, upwards or downwards. */
    private long walk(long from, long n, boolean down, Visitor v) {
        Node x = nodeAt(from);
        long visited = 0;
        while (visited < n) {
            visited++;
            if (!v.visit(x.member, x.score)) break;
            x = down ? x.prev : x.next[0];
        }
        return visited;
    }

    // ---- skip list ----

    /** Sign of {@code (x.score, x.member)} against {@code (score, member)}; a null member compares by score only. */
    private static int compare(Node x, double score, byte[] member) {
        if (x.score < score) return -1;
        if (x.score > score) return 1;
        return member == null ? 0 : Arrays.compareUnsigned(x.member, member);
    }

    /** How many elements sort before {@code (score, member)}, or before-or-equal with {@code orEqual}. */
    private long countBefore(double score, byte[] member, boolean orEqual) {
        long rank = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            for (Node n = x.next[i]; n != null; n = x.next[i]) {
                int c = compare(n, score, member);
                if (c > 0 || (c == 0 && !orEqual)) break;
                rank += x.span[i];
                x = n;
            }
        }
        return rank;
    }

    private long checkRank(long rank) {
        if (rank < 0 || rank >= size) throw new IndexOutOfBoundsException("rank " + rank + " of " + size);
        return rank;
    }

    private Node nodeAt(long rank) {
        long target = rank + 1; // the header is rank 0
        long traversed = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] <= target) {
                traversed += x.span[i];
                x = x.next[i];
            }
            if (traversed == target) return x;
        }
        throw new AssertionError("rank " + rank + " not reached");
    }

    private static int randomLevel() {
        // Promotion chance 1/4 per level: two zero bits a level.
        int lvl = 1 + Long.numberOfTrailingZeros(ThreadLocalRandom.current().nextLong()) / 2;
        return Math.min(lvl, MAX_LEVEL);
    }

    /** Fills {@link #update} with the last node before {@code (score, member)} at each level. */
    private Node[] findUpdate(double score, byte[] member) {
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && compare(x.next[i], score, member) < 0) x = x.next[i];
            update[i] = x;
        }
        return update;
    }

    /** Links {@code node} (not in the list) at its {@code (score, member)}; its link arrays are overwritten. */
    private void insert(Node node) {
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            updateRank[i] = i == level - 1 ? 0 : updateRank[i + 1];
            while (x.next[i] != null && compare(x.next[i], node.score, node.member) < 0) {
                updateRank[i] += x.span[i];
                x = x.next[i];
            }
            update[i] = x;
        }
        int lvl = node.next.length;
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                updateRank[i] = 0;
                update[i] = head;
                head.span[i] = size;
            }
            level = lvl;
        }
        long rank0 = updateRank[0];
        for (int i = 0; i < lvl; i++) {
            Node u = update[i];
            node.next[i] = u.next[i];
            u.next[i] = node;
            long before = rank0 - updateRank[i];
            node.span[i] = (int) (u.span[i] - before);
            u.span[i] = (int) (before + 1);
        }
        for (int i = lvl; i < level; i++) update[i].span[i]++;
        node.prev = update[0] == head ? null : update[0];
        if (node.next[0] != null) node.next[0].prev = node;
        else tail = node;
        size++;
        nodeMemory += nodeMemory(node);
    }

    /** Unlinks {@code x}, given the last node before it at each level. */
    private void unlink(Node x, Node[] upd) {
        for (int i = 0; i < level; i++) {
            Node u = upd[i];
            if (u.next[i] == x) {
                u.span[i] += x.span[i] - 1;
                u.next[i] = x.next[i];
            } else {
                u.span[i]--;
            }
        }
        if (x.next[0] != null) x.next[0].prev = x.prev;
        else tail = x.prev;
        while (level > 1 && head.next[level - 1] == null) level--;
        size--;
        nodeMemory -= nodeMemory(x);
    }

    private void delete(Node x) {
        unlink(x, findUpdate(x.score, x.member));
        tableRemove(x);
    }

    /** Removes ascending ranks {@code [lo, hi)}, walking level 0 once from a single descent. */
    private long removeRanks(long lo, long hi, Visitor removed) {
        if (lo >= hi) return 0;
        Node x = head;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] <= lo) {
                traversed += x.span[i];
                x = x.next[i];
            }
            update[i] = x;
        }
        // The nodes in update[] stay the last ones before each next victim, so one descent serves every removal.
        x = update[0].next[0];
        for (long k = lo; k < hi; k++) {
            Node next = x.next[0];
            unlink(x, update);
            tableRemove(x);
            if (removed != null) removed.visit(x.member, x.score);
            x = next;
        }
        return hi - lo;
    }

    // ---- member table: linear probing over the nodes, deletion by backward shift (no tombstones) ----

    private Node find(byte[] member) {
        int h = HashIndex.hashOf(member);
        Node[] t = table;
        int mask = t.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Node n = t[i];
            if (n == null) return null;
            if (n.hash == h && Arrays.equals(n.member, member)) return n;
        }
    }

    private static int tableCapacityFor(int entries) {
        int cap = MIN_TABLE;
        while (cap / 4 * 3 < entries + 1) cap <<= 1;
        return cap;
    }

    /** Adds {@code n}, which is not in the table; {@code size} already counts it. */
    private void tablePut(Node n) {
        if (size > table.length / 4 * 3) resizeTable(table.length << 1);
        place(table, n);
    }

    private static void place(Node[] t, Node n) {
        int mask = t.length - 1;
        int i = n.hash & mask;
        while (t[i] != null) i = (i + 1) & mask;
        t[i] = n;
    }

    /** Removes {@code n}, which is in the table; {@code size} already excludes it. */
    private void tableRemove(Node n) {
        Node[] t = table;
        int mask = t.length - 1;
        int i = n.hash & mask;
        while (t[i] != n) i = (i + 1) & mask;
        // Shift later entries of the probe run back into the hole unless that would put one before its home slot.
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = t[j].hash & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                t[i] = t[j];
                i = j;
            }
        }
        t[i] = null;
        if (t.length > MIN_TABLE && size < t.length / 8) resizeTable(t.length >>> 1);
    }

    private void resizeTable(int capacity) {
        Node[] old = table;
        Node[] t = new Node[capacity];
        for (Node n : old) {
            if (n != null) place(t, n);
        }
        table = t;
    }

    /** A node: 40 bytes (header, member, hash, score, prev, next, span), its two arrays and its member. */
    private static long nodeMemory(Node n) {
        return 40 + 2 * Memory.refs(n.next.length) + Memory.bytes(n.member.length);
    }

    /**
     * Bytes held: this object, the head (with its full-height arrays), the member table and every node. A copy shares
     * the member arrays with its original and counts them again: an overestimate until one of them is dropped.
     */
    public long memory() {
        return 72 + 40 + 2 * Memory.refs(MAX_LEVEL) + 2 * Memory.refs(MAX_LEVEL) + 16 + 8 * MAX_LEVEL
                + Memory.refs(table.length) + nodeMemory;
    }

    // ---- for tests ----

    /** Checks every structural invariant; throws {@link AssertionError} naming the first one broken. */
    void checkInvariants() {
        Node prev = null;
        long n = 0;
        for (Node x = head.next[0]; x != null; x = x.next[0]) {
            check(!Double.isNaN(x.score) && Double.doubleToRawLongBits(x.score) != Double.doubleToRawLongBits(-0.0),
                    "score stored as NaN or -0.0");
            check(x.prev == prev, "backward link of rank " + n);
            check(prev == null || compare(prev, x.score, x.member) < 0, "order at rank " + n);
            check(x.next.length <= level, "node above the list level");
            check(find(x.member) == x, "table misses rank " + n);
            prev = x;
            n++;
        }
        check(tail == prev, "tail");
        check(n == size, "size " + size + " but " + n + " nodes");
        check(level == 1 || head.next[level - 1] != null, "empty top level");
        for (int i = 0; i < level; i++) {
            // Ranks at level 0 are positions; every link's span must equal the rank distance it jumps.
            long rank = 0;
            Node x = head;
            Node walker = head.next[0];
            long walkerRank = 1;
            while (x.next[i] != null) {
                Node target = x.next[i];
                while (walker != target) {
                    walker = walker.next[0];
                    walkerRank++;
                }
                check(x.span[i] == walkerRank - rank, "span at level " + i + " rank " + rank);
                x = target;
                rank = walkerRank;
            }
        }
        int inTable = 0;
        for (Node t : table) {
            if (t != null) inTable++;
        }
        check(inTable == size, "table holds " + inTable + " nodes for " + size + " members");
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("ZSetIndex invariant broken: " + what);
    }
}
