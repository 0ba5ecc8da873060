package io.cairn;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A hash stored at one key, the same value a Redis client sees through HSET and HGET on the server. Each call is one
 * atomic, durable operation (it returns once its record is durable under the store's fsync policy); the view holds
 * no data and stays valid while the store is open, whatever the key holds meanwhile. A key holding another type is
 * refused with {@link CairnException.Code#WRONG_TYPE}. Get one with {@link Keyspace#hash}.
 */
public final class HashView {
    private final Keyspace ks;
    private final byte[] key;

    HashView(Keyspace ks, byte[] key) {
        this.ks = ks;
        this.key = Objects.requireNonNull(key, "key").clone();
    }

    private <R> R run(Atomic<R> op) {
        return ks.engine().atomically(op);
    }

    public byte[] get(byte[] field) {
        Objects.requireNonNull(field, "field");
        return run(tx -> tx.hash(ks, key).get(field));
    }

    public String get(String field) {
        byte[] v = get(Keyspace.utf8(field));
        return v == null ? null : Keyspace.str(v);
    }

    /** Sets a field; returns whether it is new. */
    public boolean put(byte[] field, byte[] value) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        return run(tx -> tx.hash(ks, key).put(field.clone(), value.clone())) == 1;
    }

    public boolean put(String field, String value) {
        return put(Keyspace.utf8(field), Keyspace.utf8(value));
    }

    /** Sets every field of {@code fields} in one operation; returns how many are new. */
    public int putAll(Map<String, String> fields) {
        if (fields.isEmpty()) return 0;
        byte[][] pairs = new byte[fields.size() * 2][];
        int i = 0;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            pairs[i++] = Keyspace.utf8(e.getKey());
            pairs[i++] = Keyspace.utf8(e.getValue());
        }
        return run(tx -> tx.hash(ks, key).put(pairs));
    }

    /** Removes fields; returns how many were present. The hash goes when its last field does. */
    public int remove(String... fields) {
        byte[][] fs = new byte[fields.length][];
        for (int i = 0; i < fields.length; i++) fs[i] = Keyspace.utf8(fields[i]);
        return run(tx -> tx.hash(ks, key).remove(fs));
    }

    public boolean containsField(String field) {
        return get(field) != null;
    }

    /** Fields held; 0 if the key is absent. */
    public int size() {
        return run(tx -> tx.hash(ks, key).size());
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Adds {@code delta} to a field holding a decimal integer (absent counts as 0); returns the new value. */
    public long increment(String field, long delta) {
        byte[] f = Keyspace.utf8(field);
        return run(tx -> {
            TxnHash h = tx.hash(ks, key);
            byte[] cur = h.get(f);
            long next;
            try {
                next = Math.addExact(cur == null ? 0 : Values.toLong(cur), delta);
            } catch (ArithmeticException e) {
                throw new CairnException(CairnException.Code.NOT_A_NUMBER, "increment or decrement would overflow");
            }
            h.put(f, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
            return next;
        });
    }

    /** A copy of every field and value, read at one instant (UTF-8 text; empty if the key is absent). */
    public Map<String, String> toMap() {
        return run(tx -> {
            Map<String, String> out = new LinkedHashMap<>();
            io.cairn.collection.HashValue v = tx.hash(ks, key).value();
            if (v != null) v.forEach((f, val) -> out.put(Keyspace.str(f), Keyspace.str(val)));
            return out;
        });
    }

    /** A copy of every field and value as bytes, read at one instant. */
    public Map<java.nio.ByteBuffer, byte[]> toByteMap() {
        return run(tx -> {
            Map<java.nio.ByteBuffer, byte[]> out = new LinkedHashMap<>();
            io.cairn.collection.HashValue v = tx.hash(ks, key).value();
            if (v != null) v.forEach((f, val) -> out.put(java.nio.ByteBuffer.wrap(f), val));
            return out;
        });
    }
}
