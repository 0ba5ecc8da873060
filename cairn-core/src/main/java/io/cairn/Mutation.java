package io.cairn;

import java.util.List;

/**
 * One change to the store, fully resolved: absolute expiry times, concrete values, keyspace ids. Every write becomes
 * exactly one of these, is logged as one record ({@link MutationDescriptor}) and is applied by
 * {@link Engine#apply(Mutation)}, live and on recovery alike.
 */
sealed interface Mutation {
    record Put(int keyspace, byte[] key, byte[] value, long expireAt) implements Mutation {
    }

    record Delete(int keyspace, byte[] key) implements Mutation {
    }

    /** Sets (or with 0 clears) the expiry of a present key; a no-op on an absent key. */
    record Expire(int keyspace, byte[] key, long expireAt) implements Mutation {
    }

    record Clear(int keyspace) implements Mutation {
    }

    record CreateKeyspace(int id, String name, IndexKind kind) implements Mutation {
    }

    record DropKeyspace(int id) implements Mutation {
    }

    record RenameKeyspace(int id, String name) implements Mutation {
    }

    /** Copies every entry of {@code source}, expiry included, into a new keyspace. */
    record CopyKeyspace(int source, int id, String name, IndexKind kind) implements Mutation {
    }

    record ConvertKeyspace(int id, IndexKind kind) implements Mutation {
    }

    /** Exchanges the entries, expiries and index kinds of two keyspaces. */
    record SwapKeyspaces(int a, int b) implements Mutation {
    }

    /**
     * The log's clock: records after it happened at or after {@code millis} (epoch milliseconds). Logged before the
     * first write of each new millisecond, so point-in-time restore can stop at an instant; changes no data.
     */
    record Tick(long millis) implements Mutation {
    }

    /**
     * One change to a collection (hash, list, set, sorted set) at {@code key}: {@code op} is one of
     * {@link CollectionOps}'s codes (with {@link CollectionOps#FRESH} when the key was absent at decision time, so the
     * change starts from an empty value whatever is there), {@code a} and {@code b} its numeric arguments, {@code items}
     * its byte strings. A collection left empty is deleted.
     */
    record Collection(int keyspace, byte[] key, int op, long a, long b, byte[][] items) implements Mutation {
    }

    /**
     * Sets {@code key} to a whole collection value of {@code type} (a {@link io.cairn.index.Cells} type code) in its
     * compact encoding: RENAME, COPY, MOVE, the STORE forms, restores.
     */
    record Value(int keyspace, byte[] key, int type, byte[] encoding, long expireAt) implements Mutation {
    }

    /** Several mutations applied as one: all or none, never seen half applied. */
    record Batch(List<Mutation> mutations) implements Mutation {
    }
}
