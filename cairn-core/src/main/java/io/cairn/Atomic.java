package io.cairn;

/**
 * A read-modify-write over any keys of any keyspaces of one store, run by {@link Cairn#atomically}: it reads through
 * its {@link Txn}, decides, and writes through it. Everything it writes is logged as one record and applied at once:
 * no reader or writer ever sees part of it, and after a crash either all of it or none of it is there.
 *
 * <p>It runs under the store's write lock, so it must be short and must not block or call back into the store
 * except through its {@code Txn}. If it throws, nothing it wrote happens and the exception reaches the caller.
 *
 * @param <R> what it returns to the caller
 */
@FunctionalInterface
public interface Atomic<R> {
    R apply(Txn txn);
}
