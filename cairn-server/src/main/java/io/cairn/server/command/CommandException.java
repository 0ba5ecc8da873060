package io.cairn.server.command;

/**
 * A command failed in a way the client caused or should know about. The message is the whole Redis error text,
 * code first ({@code "ERR value is not an integer or out of range"}, {@code "WRONGTYPE ..."}); it goes to the client
 * as an error reply and is not logged. No stack trace is captured.
 */
public final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(message, null, false, false);
    }
}
