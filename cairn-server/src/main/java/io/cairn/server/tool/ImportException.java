package io.cairn.server.tool;

/**
 * An import that its input or its options make impossible: malformed JSON, a missing or unknown field, bad base64, an
 * entry of a keyspace the header does not list, a key or value over the store's limit, or a target keyspace that has
 * entries already without {@link ImportOptions#replace()}. The message starts with the line number when there is one.
 */
public final class ImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long line;

    ImportException(long line, String message) {
        super(line > 0 ? "line " + line + ": " + message : message);
        this.line = line;
    }

    ImportException(long line, String message, Throwable cause) {
        this(line, message);
        initCause(cause);
    }

    /** The 1-based line of the input at fault, or {@code 0} when the failure is not about one line. */
    public long line() {
        return line;
    }
}
