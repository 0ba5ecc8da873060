package io.cairn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One key and its value, as returned by iteration and scans. The arrays are copies the caller owns.
 *
 * @param key the key bytes
 * @param value the value bytes
 * @param expiresAtMillis the absolute expiry in epoch milliseconds, or {@code 0} if the entry does not expire
 * @param type what the key holds; for a hash, list, set or sorted set {@code value} is empty: read it through
 *             {@link Cairn#hash}, {@link Cairn#list}, {@link Cairn#set} or {@link Cairn#sortedSet}
 */
public record Entry(byte[] key, byte[] value, long expiresAtMillis, ValueType type) {

    /** A string entry. */
    public Entry(byte[] key, byte[] value, long expiresAtMillis) {
        this(key, value, expiresAtMillis, ValueType.STRING);
    }

    /** The key decoded as UTF-8. */
    public String keyString() {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The value decoded as UTF-8. */
    public String valueString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value)
                && expiresAtMillis == e.expiresAtMillis && type == e.type;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Entry[" + keyString() + "=" + valueString()
                + (expiresAtMillis == 0 ? "" : ", expiresAt=" + expiresAtMillis) + "]";
    }
}
