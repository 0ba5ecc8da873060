package io.cairn.server.command;

/** Cairn's own commands: named keyspaces and ordered range and prefix scans. */
final class KeyspaceCommands {
    private KeyspaceCommands() {
    }

    static void register(CommandTable t) {
    }
}
