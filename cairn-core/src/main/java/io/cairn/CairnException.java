package io.cairn;

/**
 * The one exception family of Cairn. Every failure carries a {@link Code} a program can switch on and a sentence a
 * person can act on: it names the file and offset, the key, the keyspace or the limit involved.
 *
 * <p>Argument mistakes that Java programmers expect as standard exceptions stay standard: a {@code null} key or value
 * is a {@link NullPointerException} naming the argument.
 */
public class CairnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in a form a program can act on. */
    public enum Code {
        /** The store was closed; open it again. */
        CLOSED,
        /** Another process (or another open handle in this one) holds the data directory. */
        LOCKED,
        /** The log is damaged somewhere other than its tail; see the message for the file and offset. */
        CORRUPTED,
        /** The disk is full; nothing of this call was applied, and writes succeed again once there is room. */
        DISK_FULL,
        /** Any other I/O failure. */
        IO_ERROR,
        /**
         * A durability failure (an fsync failed) left the store unable to promise durability for new writes; it
         * keeps serving reads, and reopening it recovers everything that was acknowledged.
         */
        READ_ONLY,
        /** A key or value is larger than the configured limit. */
        TOO_LARGE,
        /** No keyspace of that name. */
        NO_SUCH_KEYSPACE,
        /** A keyspace of that name exists already. */
        KEYSPACE_EXISTS,
        /** The operation needs the other index kind (range scans need {@link IndexKind#ORDERED}). */
        WRONG_INDEX_KIND,
        /** A value read as a number is not one, or an increment would overflow. */
        NOT_A_NUMBER,
        /** The key holds a value of another type (a hash where a string was expected, say): Redis's WRONGTYPE. */
        WRONG_TYPE,
        /** An argument is out of its allowed range. */
        INVALID_ARGUMENT,
        /** Work of the same kind is in progress already (a background checkpoint); try again when it ends. */
        BUSY,
        /**
         * The store is past {@link CairnOptions.Builder#maxMemory} or {@link CairnOptions.Builder#maxKeys} and its
         * {@link EvictionPolicy} cannot make room (it is {@link EvictionPolicy#NO_EVICTION}, or no key qualifies):
         * nothing of this call was applied. Reads, deletes and writes that shrink the data still succeed.
         */
        OUT_OF_MEMORY,
        /**
         * The store is replicated ({@link CairnOptions.Builder#replicatedLog}) and this node is not its group's leader,
         * or stopped being the leader before the write was committed: nothing of this call is acknowledged. Retry on
         * the leader.
         */
        NOT_LEADER
    }

    private final Code code;

    public CairnException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public CairnException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }
}
