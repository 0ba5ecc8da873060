/**
 * Cairn's embedded store. Only {@code io.cairn} is API; the log ({@code io.cairn.wal}), the snapshot files
 * ({@code io.cairn.snapshot}), the indexes ({@code io.cairn.index}) and the large-collection structures
 * ({@code io.cairn.collection}) are internal.
 */
module io.cairn.core {
    requires org.lz4.java;

    exports io.cairn;
}
