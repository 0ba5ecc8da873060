package io.cairn.server.command;

/** Runs one command: reads {@code args} (args[0] is the command name), writes exactly one reply to {@code c.reply()}. */
@FunctionalInterface
public interface Handler {
    void execute(Client c, byte[][] args);
}
