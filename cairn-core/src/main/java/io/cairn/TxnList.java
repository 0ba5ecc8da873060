package io.cairn;

import io.cairn.collection.CollectionValue;
import io.cairn.collection.ListValue;
import io.cairn.index.Cells;

import java.util.ArrayList;
import java.util.List;

/** A list inside an {@link Atomic} block: see {@link TxnCollection}. Indexes are 0-based from the head. */
public final class TxnList extends TxnCollection {
    TxnList(Txn txn, KeyspaceState ks, byte[] key, CollectionValue value, boolean shared) {
        super(txn, ks, key, Cells.LIST, value, shared);
    }

    /** The elements, to read only; null if the key is absent. */
    public ListValue value() {
        return (ListValue) current();
    }

    /** Pushes elements one after another at the head (so the last ends first, as LPUSH) or the tail. */
    public void push(boolean head, byte[]... elements) {
        if (elements.length == 0) return;
        change(CollectionOps.LPUSH, 0, head ? 0 : 1, elements, elements.length);
    }

    /** Removes and returns up to {@code count} elements from the head or the tail, in the order removed. */
    public List<byte[]> pop(boolean head, long count) {
        ListValue l = value();
        List<byte[]> out = new ArrayList<>();
        if (l == null || count <= 0) return out;
        int n = (int) Math.min(count, l.size());
        for (int i = 0; i < n; i++) out.add(l.get(head ? i : l.size() - 1 - i));
        change(CollectionOps.LPOP, n, head ? 0 : 1, new byte[0][], -n);
        return out;
    }

    /** Replaces the element at {@code index} (must be in range). */
    public void set(int index, byte[] element) {
        ListValue l = value();
        if (l == null || index < 0 || index >= l.size()) throw new IndexOutOfBoundsException(index);
        change(CollectionOps.LSET, index, 0, new byte[][]{element});
    }

    /** Inserts {@code element} so that it ends at {@code index} (0..size). */
    public void insert(int index, byte[] element) {
        ListValue l = value();
        int size = l == null ? 0 : l.size();
        if (index < 0 || index > size) throw new IndexOutOfBoundsException(index);
        change(CollectionOps.LINSERT, index, 0, new byte[][]{element}, 1);
    }

    /** Redis's LREM: removes up to |count| (0: all) elements equal to {@code element}; returns how many. */
    public int removeOccurrences(long count, byte[] element) {
        ListValue l = value();
        if (l == null) return 0;
        int found = 0;
        long limit = count == 0 || count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
        for (int i = 0; i < l.size() && found < limit; i++) if (java.util.Arrays.equals(l.get(i), element)) found++;
        if (found == 0) return 0;
        change(CollectionOps.LREM, count, 0, new byte[][]{element}, -found);
        return found;
    }

    /** Keeps indexes {@code [start, stop]} (0-based, inclusive, already resolved); an empty range deletes the list. */
    public void trim(long start, long stop) {
        ListValue l = value();
        if (l == null) return;
        if (start <= 0 && stop >= l.size() - 1L) return;
        int size = l.size();
        if (start > stop || start >= size) {
            change(CollectionOps.LTRIM, 1, 0, new byte[0][], -size); // start past stop: nothing kept
            return;
        }
        long from = Math.max(0, start);
        long to = Math.min(stop, size - 1L);
        change(CollectionOps.LTRIM, from, to, new byte[0][], (int) (to - from + 1) - size);
    }
}
