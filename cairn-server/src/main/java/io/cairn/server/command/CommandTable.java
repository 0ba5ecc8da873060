package io.cairn.server.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every command the server knows, as data. The dispatcher, the arity and authentication checks and the COMMAND
 * command all read this table. Each family of commands registers its own entries.
 */
public final class CommandTable {
    private final Map<String, Command> byName = new HashMap<>();

    public CommandTable add(Command c) {
        if (byName.putIfAbsent(c.name(), c) != null) throw new IllegalStateException("command " + c.name() + " registered twice");
        return this;
    }

    /** The table with every family's commands. */
    public static CommandTable standard() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        KeyCommands.register(t);
        StringCommands.register(t);
        KeyspaceCommands.register(t);
        return t;
    }

    /** The command named by {@code name} (any case), or null. */
    public Command lookup(byte[] name) {
        if (name.length > 64) return null;
        return byName.get(lower(name));
    }

    public Command lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<Command> all() {
        return new TreeMap<>(byName).values();
    }

    public int size() {
        return byName.size();
    }

    private static String lower(byte[] name) {
        boolean lower = true;
        for (byte b : name) {
            if (b >= 'A' && b <= 'Z') {
                lower = false;
                break;
            }
        }
        if (lower) return new String(name, StandardCharsets.ISO_8859_1);
        byte[] l = new byte[name.length];
        for (int i = 0; i < name.length; i++) {
            byte b = name[i];
            l[i] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
        }
        return new String(l, StandardCharsets.ISO_8859_1);
    }
}
