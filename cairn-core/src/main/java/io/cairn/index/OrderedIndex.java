package io.cairn.index;

import io.cairn.IndexKind;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A skip list in unsigned-lexicographic key order, written by one thread (the store's write lock) and read by any
 * number of threads without locks.
 *
 * <p>Memory: a base node per entry (24 bytes: its {@link Cells cell}, which holds the key, and the next node) and on
 * average a third of an index node (24 bytes each), plus the cell's array header: about 50 bytes beyond the key and
 * value, where a {@code ConcurrentSkipListMap<byte[], byte[]>} costs 72 (a separate key array, a value array, a node and
 * more index nodes).
 *
 * <p>Concurrency: every link is a volatile field and a node is fully built before it is linked, so a reader sees a node
 * either not at all or complete. An update swaps the node's cell (one volatile write: the key cannot change). A delete
 * unlinks the node's index entries first, then the node itself; a reader already standing on it walks on through its
 * unchanged next link. So a reader never misses a key that is present for the whole of its search.
 */
public final class OrderedIndex implements Index {
    /** A base-level node; the head's cell is null. */
    private static final class Node {
        volatile byte[] cell;
        volatile Node next;
        /** The access stamp ({@link Access}); plain and racy by design. Free: the node is 24 bytes with or without it. */
        int stamp;

        Node(byte[] cell, Node next) {
            this.cell = cell;
            this.next = next;
        }
    }

    /** An index node: a shortcut to {@code node} one level up; {@code down} is null on the lowest index level. */
    private static final class Level {
        final Node node;
        final Level down;
        volatile Level right;

        Level(Node node, Level down, Level right) {
            this.node = node;
            this.down = down;
            this.right = right;
        }
    }

    private static final int MAX_LEVELS = 30;

    /** The head's highest index node; following {@code down} reaches the head's lowest, whose node is the head. */
    private volatile Level top = new Level(new Node(null, null), null, null);
    private int levels = 1; // writer only: index levels of the head
    private volatile int size;
    /** Index nodes linked, the head's included: their memory. Writer only. */
    private long levelNodes = 1;
    /** What the cells cost ({@link Memory#cell}) plus {@link #addExternal}. Writer only; read with opaque loads. */
    private long cellMemory;
    private Access access;
    private static final java.lang.invoke.VarHandle CELL_MEMORY;
    private static final java.lang.invoke.VarHandle LEVEL_NODES;

    static {
        try {
            var l = java.lang.invoke.MethodHandles.lookup();
            CELL_MEMORY = l.findVarHandle(OrderedIndex.class, "cellMemory", long.class);
            LEVEL_NODES = l.findVarHandle(OrderedIndex.class, "levelNodes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void addMemory(long delta) {
        CELL_MEMORY.setOpaque(this, cellMemory + delta);
    }

    private void addLevels(long delta) {
        LEVEL_NODES.setOpaque(this, levelNodes + delta);
    }

    private static final int NODE_BYTES = 24, LEVEL_BYTES = 24;

    @Override
    public long memory() {
        return 40 + (long) NODE_BYTES * (size + 1) + LEVEL_BYTES * (long) LEVEL_NODES.getOpaque(this)
                + (long) CELL_MEMORY.getOpaque(this);
    }

    @Override
    public long entriesMemory() {
        return (long) CELL_MEMORY.getOpaque(this);
    }

    @Override
    public void addExternal(long delta) {
        addMemory(delta);
    }

    @Override
    public void access(Access access) {
        boolean first = this.access == null;
        this.access = access;
        if (first) { // entries loaded before (a snapshot) count as created now
            int created = access.created();
            for (Node n = top.node.next; n != null; n = n.next) n.stamp = created;
        }
    }

    @Override
    public byte[] touch(byte[] key) {
        Node n = find(key);
        if (n == null) return null;
        Access a = access;
        if (a != null) {
            int old = n.stamp;
            int now = a.touched(old);
            if (now != old) n.stamp = now;
        }
        return n.cell;
    }

    @Override
    public int stamp(byte[] key) {
        Node n = find(key);
        return n == null ? 0 : n.stamp;
    }

    @Override
    public void sample(java.util.random.RandomGenerator random, int count, Sampler sampler) {
        if (size == 0) return;
        for (int i = 0; i < count; i++) {
            Node n = randomNode(random);
            if (n != null) sampler.accept(n.cell, n.stamp);
        }
    }

    @Override
    public IndexKind kind() {
        return IndexKind.ORDERED;
    }

    /** Compares the key held in {@code cell} with {@code key}, unsigned. */
    private static int compare(byte[] cell, byte[] key) {
        return Cells.compareKey(cell, key);
    }

    /** The base node with the greatest key below {@code key}, reached through the index, or the head. */
    private Node indexPredecessor(byte[] key) {
        Level q = top;
        while (true) {
            Level r = q.right;
            while (r != null && compare(r.node.cell, key) < 0) {
                q = r;
                r = q.right;
            }
            if (q.down == null) return q.node;
            q = q.down;
        }
    }

    /** The base node with the greatest key below {@code key}, or the head. */
    private Node predecessor(byte[] key) {
        Node b = indexPredecessor(key);
        Node n = b.next;
        while (n != null && compare(n.cell, key) < 0) {
            b = n;
            n = n.next;
        }
        return b;
    }

    /**
     * The node holding {@code key}, or null. Walks on from the predecessor rather than trusting its next link alone:
     * the writer may have linked a new, smaller key in between since the predecessor was found.
     */
    private Node find(byte[] key) {
        return firstAtLeast(predecessor(key), key, true);
    }

    /**
     * The first node after {@code b} whose key is at least {@code key}; with {@code exact}, only a node whose key equals
     * it, else null.
     */
    private static Node firstAtLeast(Node b, byte[] key, boolean exact) {
        Node n = b.next;
        int c = 1;
        while (n != null && (c = compare(n.cell, key)) < 0) n = n.next;
        return !exact || (n != null && c == 0) ? n : null;
    }

    /**
     * A held cell (perhaps expired) picked at random, or null if the index is empty: descends the levels choosing
     * uniformly among the nodes of each span between two nodes of the level above. Not exactly uniform (spans differ in
     * length) but close, and O(log n) expected; never a walk of the whole list.
     */
    public byte[] random(java.util.random.RandomGenerator rnd) {
        Node n = randomNode(rnd);
        return n == null ? null : n.cell;
    }

    /**
     * A node picked at random, near uniformly: a descent that picks uniformly within each span reaches a node with
     * probability 1 / (the product of the span lengths on its path), which favours nodes under short spans (measured:
     * one node of 1,000 came up 50 times too often). So a descent is kept with probability proportional to that
     * product (rejection sampling, capped at 4 × size, about the product a typical path has), which makes every node
     * about equally likely at a few descents per pick.
     */
    private Node randomNode(java.util.random.RandomGenerator rnd) {
        Node picked = null;
        double bound = 4.0 * Math.max(1, size);
        for (int attempt = 0; attempt < 64; attempt++) {
            double weight = 1;
            Node stop = null; // the span ends before this base node (null: the end of the list)
            Level q = top;
            Node base;
            while (true) {
                int n = 0;
                for (Level r = q; r != null && r.node != stop; r = r.right) n++;
                weight *= Math.max(1, n);
                Level chosen = q;
                for (int i = rnd.nextInt(Math.max(1, n)); i > 0 && chosen.right != null; i--) chosen = chosen.right;
                Level after = chosen.right;
                if (after != null && after.node != stop) stop = after.node;
                if (chosen.down == null) {
                    base = chosen.node;
                    break;
                }
                q = chosen.down;
            }
            // the base nodes from base (the head excluded) up to stop
            Node first = base.cell == null ? base.next : base;
            int n = 0;
            for (Node x = first; x != null && x != stop; x = x.next) n++;
            if (n == 0) continue; // an empty span (the head's, before the first node): descend again
            weight *= n;
            Node x = first;
            for (int i = rnd.nextInt(n); i > 0 && x.next != null; i--) x = x.next;
            picked = x;
            if (rnd.nextDouble() * bound < weight) return x;
        }
        if (picked != null) return picked;
        Node any = top.node;
        while (any != null && any.cell == null) any = any.next;
        return any;
    }

    @Override
    public byte[] get(byte[] key) {
        Node n = find(key);
        return n == null ? null : n.cell;
    }

    @Override
    public byte[] put(byte[] key, byte[] value, long expireAt) {
        return replace(key, Cells.make(key, true, value, expireAt));
    }

    @Override
    public byte[] replace(byte[] key, byte[] cell) {
        Node b = predecessor(key);
        Node n = b.next;
        if (n != null && compare(n.cell, key) == 0) {
            byte[] old = n.cell;
            n.cell = cell;
            addMemory(Memory.cell(cell) - Memory.cell(old));
            if (access != null) n.stamp = access.touched(n.stamp);
            return old;
        }
        Node z = new Node(cell, n);
        if (access != null) z.stamp = access.created();
        b.next = z; // publishes the complete node
        size = size + 1;
        addMemory(Memory.cell(cell));
        int height = randomHeight();
        if (height > 0) addIndex(z, key, height);
        return null;
    }

    /** No index with probability 3/4; then each further level with probability 1/4 (a third of a level per node). */
    private static int randomHeight() {
        int r = ThreadLocalRandom.current().nextInt();
        if ((r & 3) != 0) return 0;
        int h = 1;
        r >>>= 2;
        while ((r & 3) == 0 && h < MAX_LEVELS) {
            h++;
            r >>>= 2;
        }
        return h;
    }

    private void addIndex(Node z, byte[] key, int height) {
        Level[] tower = new Level[height + 1];
        Level below = null;
        for (int i = 1; i <= height; i++) {
            below = new Level(z, below, null);
            tower[i] = below;
        }
        if (height > levels) {
            Level t = top;
            for (int i = levels + 1; i <= height; i++) t = new Level(t.node, t, null);
            addLevels(height - levels);
            levels = height;
            top = t;
        }
        addLevels(height);
        Level q = top;
        for (int level = levels; level >= 1; level--) {
            Level r = q.right;
            while (r != null && compare(r.node.cell, key) < 0) {
                q = r;
                r = q.right;
            }
            if (level <= height) {
                tower[level].right = r;
                q.right = tower[level];
            }
            q = q.down;
        }
    }

    @Override
    public byte[] remove(byte[] key) {
        // index entries first, so no new search can arrive at the node once it leaves the base list
        Level q = top;
        while (q != null) {
            Level r = q.right;
            int c = -1;
            while (r != null && (c = compare(r.node.cell, key)) < 0) {
                q = r;
                r = q.right;
            }
            if (r != null && c == 0) {
                q.right = r.right;
                addLevels(-1);
            }
            q = q.down;
        }
        Node b = predecessor(key);
        Node n = b.next;
        if (n == null || compare(n.cell, key) != 0) return null;
        b.next = n.next;
        size = size - 1;
        addMemory(-Memory.cell(n.cell));
        return n.cell;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void clear() {
        top = new Level(new Node(null, null), null, null);
        levels = 1;
        size = 0;
        addMemory(-cellMemory);
        addLevels(1 - levelNodes);
    }

    @Override
    public Iterator<Slot> iterator() {
        return range(null, true, null, false, false);
    }

    // ------------------------------------------------------------------ bulk loading

    /** While loading in key order: the last base node and the last index node of each level. */
    private Node loadTail;
    private Level[] loadTails;
    private byte[] loadLastKey; // the last cell loaded
    private int loaded;

    /**
     * Adds a cell to an index being loaded (before it is shared with readers), in O(1) when cells come in ascending
     * key order, as a snapshot part of an ORDERED keyspace holds them; a cell out of order (or a repeated key) falls
     * back to {@link #replace}. Call {@link #endLoad()} when done.
     */
    public void load(byte[] cell) {
        if (loadTails == null) {
            if (size != 0) {
                replace(Cells.key(cell), cell);
                return;
            }
            loadTails = new Level[MAX_LEVELS + 1];
            Level q = top;
            for (int l = levels; l >= 1; l--) {
                loadTails[l] = q;
                q = q.down;
            }
            Level lowest = loadTails[1];
            loadTail = lowest.node;
        }
        if (loadLastKey != null && compareCells(loadLastKey, cell) >= 0) {
            replace(Cells.key(cell), cell);
            return;
        }
        Node z = new Node(cell, null);
        if (access != null) z.stamp = access.created();
        loadTail.next = z;
        loadTail = z;
        loadLastKey = cell;
        loaded++;
        addMemory(Memory.cell(cell));
        int height = randomHeight();
        if (height == 0) return;
        if (height > levels) {
            Level t = top;
            for (int i = levels + 1; i <= height; i++) {
                t = new Level(t.node, t, null);
                loadTails[i] = t;
            }
            addLevels(height - levels);
            levels = height;
            top = t;
        }
        addLevels(height);
        Level below = null;
        for (int l = 1; l <= height; l++) {
            Level lv = new Level(z, below, null);
            loadTails[l].right = lv;
            loadTails[l] = lv;
            below = lv;
        }
    }

    /** Compares the keys held in two cells, unsigned. */
    private static int compareCells(byte[] a, byte[] b) {
        int ao = Cells.keyOffset(a);
        int bo = Cells.keyOffset(b);
        return java.util.Arrays.compareUnsigned(a, ao, ao + Cells.keyLength(a), b, bo, bo + Cells.keyLength(b));
    }

    /** Ends a bulk load: publishes the size. */
    public void endLoad() {
        size = size + loaded;
        loaded = 0;
        loadTails = null;
        loadTail = null;
        loadLastKey = null;
    }

    @Override
    public Iterator<byte[]> cells() {
        Level q = top;
        while (q.down != null) q = q.down;
        Node first = q.node.next;
        return new Iterator<>() {
            Node next = first;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public byte[] next() {
                Node n = next;
                if (n == null) throw new NoSuchElementException();
                next = n.next;
                return n.cell;
            }
        };
    }

    @Override
    public Iterator<Slot> range(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive, boolean reverse) {
        if (from != null && to != null && Arrays.compareUnsigned(from, to) > 0) return Collections.emptyIterator();
        return reverse ? new Descending(from, fromInclusive, to, toInclusive)
                : new Ascending(from, fromInclusive, to, toInclusive);
    }

    private boolean belowUpper(byte[] cell, byte[] to, boolean toInclusive) {
        if (to == null) return true;
        int c = compare(cell, to);
        return c < 0 || (toInclusive && c == 0);
    }

    private boolean aboveLower(byte[] cell, byte[] from, boolean fromInclusive) {
        if (from == null) return true;
        int c = compare(cell, from);
        return c > 0 || (fromInclusive && c == 0);
    }

    private final class Ascending implements Iterator<Slot> {
        private final byte[] to;
        private final boolean toInclusive;
        private Node next;
        private byte[] nextCell;

        Ascending(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive) {
            this.to = to;
            this.toInclusive = toInclusive;
            Node n;
            if (from == null) {
                Level q = top;
                while (q.down != null) q = q.down;
                n = q.node.next;
            } else {
                n = predecessor(from).next;
                while (n != null && !aboveLower(n.cell, from, fromInclusive)) n = n.next;
            }
            settle(n);
        }

        private void settle(Node n) {
            byte[] c = n == null ? null : n.cell;
            if (c != null && !belowUpper(c, to, toInclusive)) {
                n = null;
                c = null;
            }
            next = n;
            nextCell = c;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Slot next() {
            if (next == null) throw new NoSuchElementException();
            byte[] c = nextCell;
            settle(next.next);
            return new Slot(Cells.key(c), c);
        }
    }

    private final class Descending implements Iterator<Slot> {
        private final byte[] from;
        private final boolean fromInclusive;
        private byte[] nextCell;

        Descending(byte[] from, boolean fromInclusive, byte[] to, boolean toInclusive) {
            this.from = from;
            this.fromInclusive = fromInclusive;
            byte[] c;
            if (to == null) {
                c = last();
            } else {
                Node n = predecessor(to);
                Node at = toInclusive ? firstAtLeast(n, to, true) : null;
                c = at != null ? at.cell : n.cell;
            }
            settle(c);
        }

        /** The cell of the greatest key, or null. */
        private byte[] last() {
            Level q = top;
            while (true) {
                Level r = q.right;
                while (r != null) {
                    q = r;
                    r = q.right;
                }
                if (q.down == null) break;
                q = q.down;
            }
            Node n = q.node;
            while (n.next != null) n = n.next;
            return n.cell;
        }

        private void settle(byte[] c) {
            nextCell = c != null && aboveLower(c, from, fromInclusive) ? c : null;
        }

        @Override
        public boolean hasNext() {
            return nextCell != null;
        }

        @Override
        public Slot next() {
            byte[] c = nextCell;
            if (c == null) throw new NoSuchElementException();
            byte[] key = Cells.key(c);
            settle(predecessor(key).cell); // the head's cell is null: the end
            return new Slot(key, c);
        }
    }
}
