package io.cairn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A set stored at one key, the value SADD and SMEMBERS work on over the server. Each call is one atomic, durable
 * operation. A key holding another type is refused with {@link CairnException.Code#WRONG_TYPE}. Get one with
 * {@link Keyspace#set}.
 */
public final class SetView {
    private final Keyspace ks;
    private final byte[] key;

    SetView(Keyspace ks, byte[] key) {
        this.ks = ks;
        this.key = Objects.requireNonNull(key, "key").clone();
    }

    private <R> R run(Atomic<R> op) {
        return ks.engine().atomically(op);
    }

    /** Adds members; returns how many are new. */
    public int add(byte[]... members) {
        byte[][] m = new byte[members.length][];
        for (int i = 0; i < m.length; i++) m[i] = Objects.requireNonNull(members[i], "member").clone();
        return run(tx -> tx.set(ks, key).add(m));
    }

    public int add(String... members) {
        byte[][] m = new byte[members.length][];
        for (int i = 0; i < m.length; i++) m[i] = Keyspace.utf8(members[i]);
        return run(tx -> tx.set(ks, key).add(m));
    }

    /** Removes members; returns how many were present. The set goes when its last member does. */
    public int remove(String... members) {
        byte[][] m = new byte[members.length][];
        for (int i = 0; i < m.length; i++) m[i] = Keyspace.utf8(members[i]);
        return run(tx -> tx.set(ks, key).remove(m));
    }

    public boolean contains(byte[] member) {
        Objects.requireNonNull(member, "member");
        return run(tx -> tx.set(ks, key).contains(member));
    }

    public boolean contains(String member) {
        return contains(Keyspace.utf8(member));
    }

    public int size() {
        return run(tx -> tx.set(ks, key).size());
    }

    /** A copy of every member, read at one instant, in no particular order. */
    public List<byte[]> members() {
        return run(tx -> {
            List<byte[]> out = new ArrayList<>();
            io.cairn.collection.SetValue v = tx.set(ks, key).value();
            if (v != null) v.forEach(out::add);
            return out;
        });
    }

    /** Every member as UTF-8 text. */
    public java.util.Set<String> toSet() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (byte[] m : members()) out.add(Keyspace.str(m));
        return out;
    }
}
