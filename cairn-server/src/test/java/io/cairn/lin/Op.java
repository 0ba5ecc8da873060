package io.cairn.lin;

import java.util.Objects;

/**
 * One operation a client sends on one key, as the linearizability checker models it: every key is an independent
 * register holding a string or nothing ({@code null}, the initial value of every key).
 *
 * <ul>
 *   <li>{@link #write(String, String) write(key, value)}: sets the register; its reply is ignored.</li>
 *   <li>{@link #read(String) read(key)}: its result is the value read, or {@code null} when the key is absent.</li>
 *   <li>{@link #cas(String, String, String) cas(key, expected, newValue)}: sets the register to {@code newValue} if it
 *       holds {@code expected} ({@code null}: absent); its result is {@code "true"} when it swapped, {@code "false"}
 *       when it did not.</li>
 * </ul>
 *
 * <p>Give writes distinct values where you can: a read can then only be explained by the one write of its value, which
 * makes violations definite and the checker's search short.
 */
public record Op(Kind kind, String key, String value, String expected) {
    /** What the operation does to the register. */
    public enum Kind { WRITE, READ, CAS }

    public Op {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "an operation needs a key");
        if (kind == Kind.WRITE && value == null) {
            throw new IllegalArgumentException("a write needs a value (key " + quote(key) + ")");
        }
        if (kind == Kind.CAS && value == null) {
            throw new IllegalArgumentException("a cas needs a new value (key " + quote(key) + ")");
        }
        if (kind == Kind.READ && (value != null || expected != null)) {
            throw new IllegalArgumentException("a read takes no value (key " + quote(key) + ")");
        }
        if (kind == Kind.WRITE && expected != null) {
            throw new IllegalArgumentException("a write takes no expected value (key " + quote(key) + ")");
        }
    }

    public static Op write(String key, String value) {
        return new Op(Kind.WRITE, key, value, null);
    }

    public static Op read(String key) {
        return new Op(Kind.READ, key, null, null);
    }

    /** Compare-and-set: {@code expected == null} swaps only when the key is absent. */
    public static Op cas(String key, String expected, String newValue) {
        return new Op(Kind.CAS, key, newValue, expected);
    }

    /** The operation without its key, e.g. {@code write("v1")}, {@code read}, {@code cas(nil -> "v2")}. */
    String describe() {
        return switch (kind) {
            case WRITE -> "write(" + quote(value) + ")";
            case READ -> "read";
            case CAS -> "cas(" + quote(expected) + " -> " + quote(value) + ")";
        };
    }

    @Override
    public String toString() {
        return describe() + " on " + quote(key);
    }

    /** A value as redis-cli shows it: quoted, or {@code nil} for absent. */
    static String quote(String s) {
        if (s == null) {
            return "nil";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
