package io.cairn.server;

import io.cairn.CairnException;

/** Turns the store's exceptions into error replies: Redis's text where Redis has one, else the store's sentence. */
final class StoreErrors {
    private StoreErrors() {
    }

    static String text(CairnException e) {
        return switch (e.code()) {
            case NOT_A_NUMBER -> e.getMessage() != null && e.getMessage().contains("overflow")
                    ? "ERR increment or decrement would overflow" : "ERR value is not an integer or out of range";
            case TOO_LARGE -> "ERR " + e.getMessage();
            case READ_ONLY -> "MISCONF Errors writing to the write-ahead log: " + e.getMessage();
            case DISK_FULL -> "MISCONF " + e.getMessage();
            case IO_ERROR -> "IOERR " + e.getMessage();
            case CLOSED -> "ERR the server is shutting down";
            case NO_SUCH_KEYSPACE -> "ERR " + e.getMessage();
            case WRONG_TYPE -> io.cairn.server.command.Errors.WRONGTYPE;
            case OUT_OF_MEMORY -> io.cairn.server.command.Errors.OOM;
            case WRONG_INDEX_KIND -> "WRONGKIND " + e.getMessage();
            // cluster mode: the node stopped leading between the routing check and the write (nothing was written), or
            // lost its leadership before the write committed (it may or may not have happened): retry on the leader
            case NOT_LEADER -> "TRYAGAIN " + e.getMessage();
            default -> "ERR " + e.getMessage();
        };
    }
}
