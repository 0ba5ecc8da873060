package io.cairn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes applied all together or not at all: one log record, applied while readers wait, so no reader sees part of
 * it and a crash keeps all of it or none. Build one, then hand it to {@link Cairn#write(WriteBatch)}. Not
 * thread-safe; reusable after {@link #clear()}.
 *
 * <pre>{@code
 * db.write(new WriteBatch().put(users, k1, v1).delete(k2).put(k3, v3, Duration.ofMinutes(5)));
 * }</pre>
 */
public final class WriteBatch {
    /** One operation in a batch; keyspace {@code null} means the default keyspace. */
    record Op(byte kind, Keyspace keyspace, byte[] key, byte[] value, Duration ttl) {
        static final byte PUT = 1;
        static final byte DELETE = 2;
        static final byte EXPIRE = 3;
    }

    final List<Op> ops = new ArrayList<>();

    /** An empty batch. */
    public WriteBatch() {
    }

    public WriteBatch put(byte[] key, byte[] value) {
        return put(null, key, value);
    }

    public WriteBatch put(String key, String value) {
        return put(null, Keyspace.utf8(key), Keyspace.utf8(value, "value"));
    }

    public WriteBatch put(Keyspace keyspace, byte[] key, byte[] value) {
        ops.add(new Op(Op.PUT, keyspace, Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), null));
        return this;
    }

    /** Puts with a time to live counted from when the batch is written. */
    public WriteBatch put(Keyspace keyspace, byte[] key, byte[] value, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        ops.add(new Op(Op.PUT, keyspace, Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), ttl));
        return this;
    }

    public WriteBatch delete(byte[] key) {
        return delete(null, key);
    }

    public WriteBatch delete(String key) {
        return delete(null, Keyspace.utf8(key));
    }

    public WriteBatch delete(Keyspace keyspace, byte[] key) {
        ops.add(new Op(Op.DELETE, keyspace, Objects.requireNonNull(key, "key"), null, null));
        return this;
    }

    /** Sets a present key's time to live, counted from when the batch is written; absent keys are left alone. */
    public WriteBatch expire(Keyspace keyspace, byte[] key, Duration ttl) {
        ops.add(new Op(Op.EXPIRE, keyspace, Objects.requireNonNull(key, "key"), null, Objects.requireNonNull(ttl, "ttl")));
        return this;
    }

    /** Number of operations. */
    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public WriteBatch clear() {
        ops.clear();
        return this;
    }
}
