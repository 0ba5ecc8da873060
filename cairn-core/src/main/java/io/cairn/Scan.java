package io.cairn;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A range scan over an ORDERED keyspace: bounds in unsigned-lexicographic order, direction and limit. Built from
 * {@link Keyspace#scan()}; each setter returns this scan. Bounds default to the whole keyspace.
 *
 * <p>Results come in pages read at one instant each (a batch is never seen half applied within a page); across pages
 * the scan is weakly consistent. Expired entries are skipped.
 */
public final class Scan {
    static final Scan ALL = new Scan(null);
    /** Entries read at one consistent instant before the scan moves on. */
    static final int PAGE = 256;

    private final Keyspace keyspace;
    byte[] from;
    boolean fromInclusive = true;
    byte[] to;
    boolean toInclusive;
    boolean reverse;
    long limit = Long.MAX_VALUE;

    Scan(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** Start at {@code key}, inclusive. */
    public Scan from(byte[] key) {
        this.from = Objects.requireNonNull(key, "from").clone();
        this.fromInclusive = true;
        return this;
    }

    /** Start just after {@code key}. */
    public Scan after(byte[] key) {
        this.from = Objects.requireNonNull(key, "after").clone();
        this.fromInclusive = false;
        return this;
    }

    /** Stop before {@code key} (exclusive). */
    public Scan to(byte[] key) {
        this.to = Objects.requireNonNull(key, "to").clone();
        this.toInclusive = false;
        return this;
    }

    /** Stop after {@code key} (inclusive). */
    public Scan toInclusive(byte[] key) {
        this.to = Objects.requireNonNull(key, "toInclusive").clone();
        this.toInclusive = true;
        return this;
    }

    /** Only keys starting with {@code prefix} (replaces the bounds). */
    public Scan prefix(byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        this.from = prefix.clone();
        this.fromInclusive = true;
        this.to = prefixEnd(prefix);
        this.toInclusive = false;
        return this;
    }

    /** Descending key order: from the upper bound down to the lower. */
    public Scan reverse() {
        this.reverse = true;
        return this;
    }

    /** At most {@code n} entries (zero or more). */
    public Scan limit(long n) {
        if (n < 0) throw new IllegalArgumentException("limit must not be negative, was " + n);
        this.limit = n;
        return this;
    }

    public CloseableIterator<Entry> iterator() {
        return keyspace.iterator(this);
    }

    /** The scan as a stream; close it when done. */
    public Stream<Entry> stream() {
        return Keyspace.toStream(iterator());
    }

    /** The smallest key greater than every key with this prefix, or {@code null} if there is none (all 0xFF). */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }
}
