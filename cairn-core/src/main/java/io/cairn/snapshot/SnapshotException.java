package io.cairn.snapshot;

import java.nio.file.Path;

/** A snapshot file that does not check out: which file, where, and what is wrong. */
public final class SnapshotException extends RuntimeException {
    private final Path file;
    private final long offset;

    private final String problem;

    public SnapshotException(Path file, long offset, String problem) {
        super(file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
        this.problem = problem;
    }

    /** What is wrong, without the file and offset. */
    public String problem() {
        return problem;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
