package io.cairn.server.resp;

/**
 * A client sent bytes that are not a valid request. The message is Redis's text after {@code "Protocol error: "};
 * the connection is answered with it and closed.
 */
public final class RespProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message, null, false, false);
    }
}
