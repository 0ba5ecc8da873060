package io.cairn.server.command;

/** Server commands: INFO, DBSIZE, FLUSHDB, CONFIG, COMMAND, SHUTDOWN, ... */
final class ServerCommands {
    private ServerCommands() {
    }

    static void register(CommandTable t) {
        t.add(Command.of("dbsize", 1, "readonly fast").group("server").doc("Returns the number of keys in the database.", "1.0.0")
                .run((c, a) -> c.reply().integer(c.keyspace().size())));
    }
}
