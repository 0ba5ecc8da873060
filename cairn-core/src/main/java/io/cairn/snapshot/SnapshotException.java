package io.cairn.snapshot;

import java.nio.file.Path;

/** A snapshot file that does not check out: which file, where, and what is wrong. */
public final class SnapshotException extends RuntimeException {
    private final Path file;
    private final long offset;

    public SnapshotException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
