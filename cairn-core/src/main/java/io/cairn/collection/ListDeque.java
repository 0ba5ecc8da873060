package io.cairn.collection;

import java.util.Arrays;
import java.util.Objects;

/**
 * The in-memory form of a large Redis list: a growable circular array of {@code byte[]} elements.
 *
 * <p>Costs: {@link #addFirst}, {@link #addLast}, {@link #pollFirst}, {@link #pollLast}, {@link #get} and {@link #set}
 * are O(1) (amortised where the array grows or shrinks); {@link #insert}, {@link #remove(int)} and
 * {@link #removeRange} move the shorter side of the list, so they are O(min(index, size - index)) plus the range.
 * The array is a power of two long and shrinks to half when a quarter full, so a list that was large and was drained
 * does not keep its peak memory.
 *
 * <p>Elements are kept by reference and never null; a caller must not modify an array after adding it.
 * Not thread-safe: the owner serialises all access.
 */
public final class ListDeque {
    private static final int MIN_CAPACITY = 16;

    /** Receives elements in the order of the walk; returns {@code false} to stop it. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(byte[] element);
    }

    private byte[][] elements;
    private int head; // slot of index 0
    private int size;

    public ListDeque() {
        elements = new byte[MIN_CAPACITY][];
    }

    private ListDeque(byte[][] elements, int size) {
        this.elements = elements;
        this.size = size;
    }

    /** A copy in a fresh array sized to the contents; the element arrays are shared. */
    public ListDeque copy() {
        byte[][] a = new byte[capacityFor(size)][];
        copyOut(0, a, 0, size);
        return new ListDeque(a, size);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void addFirst(byte[] e) {
        Objects.requireNonNull(e, "element");
        growIfFull();
        head = (head - 1) & mask();
        elements[head] = e;
        size++;
    }

    public void addLast(byte[] e) {
        Objects.requireNonNull(e, "element");
        growIfFull();
        elements[slot(size)] = e;
        size++;
    }

    /** Removes and returns the first element, or {@code null} if the list is empty. */
    public byte[] pollFirst() {
        if (size == 0) return null;
        byte[] e = elements[head];
        elements[head] = null;
        head = (head + 1) & mask();
        size--;
        shrinkIfSparse();
        return e;
    }

    /** Removes and returns the last element, or {@code null} if the list is empty. */
    public byte[] pollLast() {
        if (size == 0) return null;
        int s = slot(size - 1);
        byte[] e = elements[s];
        elements[s] = null;
        size--;
        shrinkIfSparse();
        return e;
    }

    /** @throws IndexOutOfBoundsException unless {@code 0 <= index < size()} */
    public byte[] get(int index) {
        Objects.checkIndex(index, size);
        return elements[slot(index)];
    }

    /** Replaces the element at {@code index} and returns the old one ({@code LSET}). */
    public byte[] set(int index, byte[] e) {
        Objects.checkIndex(index, size);
        Objects.requireNonNull(e, "element");
        int s = slot(index);
        byte[] old = elements[s];
        elements[s] = e;
        return old;
    }

    /**
     * Inserts {@code e} so that it ends up at {@code index} ({@code LINSERT}); {@code index == size()} appends.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index <= size()}
     */
    public void insert(int index, byte[] e) {
        Objects.checkIndex(index, size + 1);
        Objects.requireNonNull(e, "element");
        growIfFull();
        if (index < size - index) {
            // Move [0, index) one slot towards the front.
            head = (head - 1) & mask();
            moveWithin(1, 0, index);
        } else {
            moveWithin(index, index + 1, size - index);
        }
        elements[slot(index)] = e;
        size++;
    }

    /** Removes and returns the element at {@code index}. */
    public byte[] remove(int index) {
        Objects.checkIndex(index, size);
        byte[] e = elements[slot(index)];
        removeRange(index, index + 1);
        return e;
    }

    /**
     * Removes indexes {@code [from, to)}; {@code LTRIM} is two calls, the tail first.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= size()}
     */
    public void removeRange(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        int n = to - from;
        if (n == 0) return;
        if (from < size - to) {
            // Fewer elements before the gap: slide them forward over it.
            moveWithin(0, n, from);
            clear(0, n);
            head = (head + n) & mask();
        } else {
            moveWithin(to, from, size - to);
            clear(size - n, n);
        }
        size -= n;
        shrinkIfSparse();
    }

    /**
     * Visits elements from {@code index} towards the tail, or towards the head with {@code reverse}, until the
     * visitor stops or the list ends. An index outside the list visits nothing.
     *
     * @return the number of elements visited
     */
    public int forEach(int index, boolean reverse, Visitor v) {
        if (index < 0 || index >= size) return 0;
        int visited = 0;
        int step = reverse ? -1 : 1;
        for (int i = index; i >= 0 && i < size; i += step) {
            visited++;
            if (!v.visit(elements[slot(i)])) break;
        }
        return visited;
    }

    /** Slots in the circular array now. */
    public int capacity() {
        return elements.length;
    }

    private int mask() {
        return elements.length - 1;
    }

    private int slot(int index) {
        return (head + index) & mask();
    }

    /** Copies list indexes {@code [from, from+n)} to {@code [to, to+n)}, overlap allowed, before {@code size} changes. */
    private void moveWithin(int from, int to, int n) {
        if (n == 0) return;
        if (from > to) {
            for (int i = 0; i < n; i++) elements[slot(to + i)] = elements[slot(from + i)];
        } else {
            for (int i = n - 1; i >= 0; i--) elements[slot(to + i)] = elements[slot(from + i)];
        }
    }

    /** Nulls list indexes {@code [from, from+n)} so the array does not keep removed elements alive. */
    private void clear(int from, int n) {
        for (int i = 0; i < n; i++) elements[slot(from + i)] = null;
    }

    /** Copies list indexes {@code [from, from+n)} into {@code dst} at {@code at}, in two runs at most. */
    private void copyOut(int from, byte[][] dst, int at, int n) {
        int s = slot(from);
        int first = Math.min(n, elements.length - s);
        System.arraycopy(elements, s, dst, at, first);
        System.arraycopy(elements, 0, dst, at + first, n - first);
    }

    private static int capacityFor(int n) {
        int cap = MIN_CAPACITY;
        while (cap < n) cap <<= 1;
        return cap;
    }

    private void growIfFull() {
        if (size == elements.length) {
            if (size == 1 << 30) throw new IllegalStateException("list is full at " + size + " elements");
            resize(elements.length << 1);
        }
    }

    private void shrinkIfSparse() {
        if (elements.length > MIN_CAPACITY && size <= elements.length / 4) resize(elements.length >>> 1);
    }

    private void resize(int capacity) {
        byte[][] a = new byte[capacity][];
        copyOut(0, a, 0, size);
        elements = a;
        head = 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ListDeque[size=").append(size);
        for (int i = 0; i < Math.min(size, 8); i++) b.append(i == 0 ? ": " : ", ").append(Arrays.toString(get(i)));
        return b.append(size > 8 ? ", ...]" : "]").toString();
    }
}
