package io.cairn.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The server's settings, by Redis parameter name. Sources, later ones winning: defaults, the config file
 * ({@code cairn.conf}, redis.conf syntax: {@code name value...} lines, {@code #} comments, quoted values), environment
 * variables ({@code CAIRN_PORT}, {@code CAIRN_MAXMEMORY_POLICY}: the name upper-cased, dashes as underscores), then
 * command-line flags ({@code --port 7000}). CONFIG SET changes a mutable parameter while the server runs; CONFIG
 * REWRITE writes the current values back into the config file.
 *
 * <p>Thread-safe: values live in a concurrent map; listeners run on the thread that sets.
 */
public final class ServerConfig {
    private final Map<String, ConfigParam> params = new LinkedHashMap<>();
    private final Map<String, ConfigParam> byAlias = new LinkedHashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile Path file;

    public ServerConfig() {
        for (ConfigParam p : ConfigParams.all()) {
            params.put(p.name(), p);
            byAlias.put(p.name(), p);
            for (String a : p.aliases()) byAlias.put(a, p);
            values.put(p.name(), p.normalise(p.defaultValue()));
        }
    }

    /**
     * Builds the configuration from the command line: an optional config file path first (as redis-server takes it),
     * then {@code --name value...} flags; the environment sits between the file and the flags.
     */
    public static ServerConfig fromArgs(List<String> args, Map<String, String> env) throws IOException {
        ServerConfig c = new ServerConfig();
        int i = 0;
        if (i < args.size() && !args.get(i).startsWith("--")) {
            c.load(Path.of(args.get(i)));
            i++;
        }
        c.loadEnv(env);
        while (i < args.size()) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected --name value, got '" + a + "'");
            }
            String name = a.substring(2);
            i++;
            List<String> vals = new ArrayList<>();
            while (i < args.size() && !args.get(i).startsWith("--")) vals.add(args.get(i++));
            c.set(name, String.join(" ", vals), true);
        }
        return c;
    }

    /** Reads a redis.conf-style file; remembers it for CONFIG REWRITE. */
    public void load(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        int n = 0;
        for (String line : lines) {
            n++;
            List<String> words = ConfigFile.split(line);
            if (words.isEmpty()) continue;
            String name = words.get(0);
            try {
                set(name, String.join(" ", words.subList(1, words.size())), true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " line " + n + ": " + e.getMessage(), e);
            }
        }
        file = path.toAbsolutePath();
    }

    /** Applies {@code CAIRN_*} variables naming known parameters. */
    public void loadEnv(Map<String, String> env) {
        for (ConfigParam p : params.values()) {
            String var = "CAIRN_" + p.name().toUpperCase(Locale.ROOT).replace('-', '_');
            String v = env.get(var);
            if (v != null) {
                try {
                    set(p.name(), v, true);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("environment variable " + var + ": " + e.getMessage(), e);
                }
            }
        }
    }

    public Path file() {
        return file;
    }

    public ConfigParam param(String name) {
        return byAlias.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<ConfigParam> params() {
        return params.values();
    }

    /**
     * Sets a parameter. {@code atStartup} allows immutable ones. Throws {@link IllegalArgumentException} naming the
     * problem for an unknown parameter, a bad value or an immutable one.
     */
    public void set(String name, String value, boolean atStartup) {
        ConfigParam p = param(name);
        if (p == null) throw new IllegalArgumentException("unknown parameter '" + name + "'");
        if (!atStartup && !p.mutable()) throw new IllegalArgumentException("can't set immutable config");
        String v = p.normalise(value);
        String old = values.put(p.name(), v);
        if (!v.equals(old)) {
            for (Consumer<String> l : listeners.getOrDefault(p.name(), List.of())) l.accept(v);
        }
    }

    /** Runs {@code listener} with the new value whenever {@code name} changes. */
    public void onChange(String name, Consumer<String> listener) {
        listeners.computeIfAbsent(param(name).name(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(listener);
    }

    public String get(String name) {
        ConfigParam p = param(name);
        if (p == null) throw new IllegalArgumentException("unknown parameter '" + name + "'");
        return values.get(p.name());
    }

    public long getLong(String name) {
        return Long.parseLong(get(name));
    }

    public int getInt(String name) {
        return Math.toIntExact(getLong(name));
    }

    public boolean getBool(String name) {
        return "yes".equals(get(name));
    }

    /** Every parameter and its current value, in table order. */
    public Map<String, String> snapshot() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ConfigParam p : params.values()) m.put(p.name(), values.get(p.name()));
        return m;
    }

    /** Writes the current values into the config file, keeping its comments and order. */
    public void rewrite() throws IOException {
        Path f = file;
        if (f == null) throw new IllegalStateException("The server is running without a config file");
        ConfigFile.rewrite(f, this);
    }
}
