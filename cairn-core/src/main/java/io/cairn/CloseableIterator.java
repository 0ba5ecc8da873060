package io.cairn;

import java.util.Iterator;

/**
 * An iterator over a live keyspace that holds resources until closed; use it in try-with-resources. Closing twice is
 * harmless.
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
    @Override
    void close();
}
