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
    /**
     * The same commands in an open-addressing table keyed by the ASCII-case-folded name bytes, so looking up a
     * request's name allocates nothing: this runs once per command on the event loop.
     */
    private byte[][] names = new byte[64][];
    private Command[] commands = new Command[64];

    public CommandTable add(Command c) {
        if (byName.putIfAbsent(c.name(), c) != null) throw new IllegalStateException("command " + c.name() + " registered twice");
        if (byName.size() * 2 > names.length) rehash(names.length * 2);
        insert(c);
        return this;
    }

    private void insert(Command c) {
        byte[] n = c.name().getBytes(StandardCharsets.ISO_8859_1);
        int mask = names.length - 1;
        int i = hash(n) & mask;
        while (names[i] != null) i = (i + 1) & mask;
        names[i] = n;
        commands[i] = c;
    }

    private void rehash(int capacity) {
        names = new byte[capacity][];
        commands = new Command[capacity];
        for (Command c : byName.values()) insert(c);
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) h = 31 * h + (b >= 'A' && b <= 'Z' ? b + 32 : b);
        return h ^ (h >>> 16);
    }

    private static boolean equalsFolded(byte[] lower, byte[] name) {
        if (lower.length != name.length) return false;
        for (int i = 0; i < name.length; i++) {
            byte b = name[i];
            if (b >= 'A' && b <= 'Z') b += 32;
            if (b != lower[i]) return false;
        }
        return true;
    }

    /** The table with every family's commands. */
    public static CommandTable standard() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        MemoryCommands.register(t);
        KeyCommands.register(t);
        HashCommands.register(t);
        SetCommands.register(t);
        ListCommands.register(t);
        StringCommands.register(t);
        BitCommands.register(t);
        HyperLogLogCommands.register(t);
        KeyspaceCommands.register(t);
        ZSetCommands.register(t);
        PubSubCommands.register(t);
        TransactionCommands.register(t);
        ObservabilityCommands.register(t);
        io.cairn.server.cluster.ClusterCommands.register(t);
        return t;
    }

    /** The command named by {@code name} (any case), or null. */
    public Command lookup(byte[] name) {
        if (name.length > 64) return null;
        int mask = names.length - 1;
        for (int i = hash(name) & mask; names[i] != null; i = (i + 1) & mask) {
            if (equalsFolded(names[i], name)) return commands[i];
        }
        return null;
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
}
