package io.cairn.collection;

import io.cairn.index.Cells;
import io.cairn.index.Memory;

import java.util.Arrays;

/** A list: a circular array of elements ({@link ListDeque}). */
public final class ListValue extends CollectionValue {
    private final ListDeque items;
    private long bytes;
    /** What the element arrays cost ({@link Memory#bytes}); shared ones after {@link #copy} are counted again. */
    private long elementMemory;

    public ListValue() {
        this(new ListDeque());
    }

    private ListValue(ListDeque items) {
        this.items = items;
    }

    @Override
    public int type() {
        return Cells.LIST;
    }

    @Override
    public int size() {
        return items.size();
    }

    /** The elements, to read (changes go through this class, which keeps the byte count). */
    public ListDeque items() {
        return items;
    }

    public byte[] get(int index) {
        return items.get(index);
    }

    public void addFirst(byte[] e) {
        items.addFirst(e);
        bytes += e.length;
        elementMemory += Memory.bytes(e.length);
    }

    public void addLast(byte[] e) {
        items.addLast(e);
        bytes += e.length;
        elementMemory += Memory.bytes(e.length);
    }

    public byte[] pollFirst() {
        byte[] e = items.pollFirst();
        if (e != null) {
            bytes -= e.length;
            elementMemory -= Memory.bytes(e.length);
        }
        return e;
    }

    public byte[] pollLast() {
        byte[] e = items.pollLast();
        if (e != null) {
            bytes -= e.length;
            elementMemory -= Memory.bytes(e.length);
        }
        return e;
    }

    public void set(int index, byte[] e) {
        byte[] old = items.set(index, e);
        bytes += e.length - old.length;
        elementMemory += Memory.bytes(e.length) - Memory.bytes(old.length);
    }

    public void insert(int index, byte[] e) {
        items.insert(index, e);
        bytes += e.length;
        elementMemory += Memory.bytes(e.length);
    }

    /**
     * Redis's LREM: removes the first {@code count} elements equal to {@code e} from the head ({@code count > 0}), the
     * first {@code -count} from the tail ({@code count < 0}), or all of them ({@code 0}); returns how many.
     */
    public int removeOccurrences(long count, byte[] e) {
        int removed = 0;
        long limit = count == 0 || count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            for (int i = 0; i < items.size() && removed < limit; ) {
                if (Arrays.equals(items.get(i), e)) {
                    items.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = items.size() - 1; i >= 0 && removed < limit; i--) {
                if (Arrays.equals(items.get(i), e)) {
                    items.remove(i);
                    removed++;
                }
            }
        }
        bytes -= (long) removed * e.length;
        elementMemory -= removed * Memory.bytes(e.length);
        return removed;
    }

    /** Keeps indexes {@code [start, stop]} only (empty if {@code start > stop}). */
    public void trim(int start, int stop) {
        int n = items.size();
        if (start > stop || start >= n) {
            items.removeRange(0, n);
            bytes = 0;
            elementMemory = 0;
            return;
        }
        for (int i = stop + 1; i < n; i++) {
            bytes -= items.get(i).length;
            elementMemory -= Memory.bytes(items.get(i).length);
        }
        for (int i = 0; i < start; i++) {
            bytes -= items.get(i).length;
            elementMemory -= Memory.bytes(items.get(i).length);
        }
        items.removeRange(stop + 1, n);
        items.removeRange(0, start);
    }

    @Override
    public ListValue copy() {
        ListValue l = new ListValue(items.copy());
        l.bytes = bytes;
        l.elementMemory = elementMemory;
        l.seq = seq;
        return l;
    }

    @Override
    public void encode(Compact.Writer w) {
        items.forEach(0, false, e -> {
            w.element(e).entry();
            return true;
        });
    }

    @Override
    public long memory() {
        return 24 + 32 + Memory.refs(items.capacity()) + elementMemory;
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
