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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The server's settings, by Redis parameter name. Sources, later ones winning: defaults, the config file
 * ({@code cairn.conf}, redis.conf syntax: {@code name value...} lines, {@code #} comments, quoted values), environment
 * variables ({@code CAIRN_PORT}, {@code CAIRN_MAXMEMORY_POLICY}: the name upper-cased, dashes as underscores), then
 * command-line flags ({@code --port 7000}). CONFIG SET changes a mutable parameter while the server runs; CONFIG
 * REWRITE writes the current values back into the config file.
 *
 * <p>One parameter stands for another at startup: Redis's {@code save} sets {@code checkpoint-interval} unless that is
 * given itself, wherever each is given ({@link #set}).
 *
 * <p>Thread-safe: values live in a concurrent map; listeners run on the thread that sets.
 */
public final class ServerConfig {
    private final Map<String, ConfigParam> params = new LinkedHashMap<>();
    private final Map<String, ConfigParam> byAlias = new LinkedHashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    /** Parameters given at startup (file, environment, flags). */
    private final Set<String> given = ConcurrentHashMap.newKeySet();
    /** Parameters whose value was derived from another one's at startup, not given: CONFIG REWRITE leaves them out. */
    private final Set<String> derived = ConcurrentHashMap.newKeySet();
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
            String value = String.join(" ", vals);
            try {
                c.set(name, value, true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + name + " '" + value + "': " + e.getMessage(), e);
            }
        }
        return c;
    }

    /**
     * Reads a redis.conf-style file; remembers it for CONFIG REWRITE. As in Redis, {@code save} lines add up: the first
     * replaces the default, later ones add their save points, and {@code save ""} clears them.
     */
    public void load(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        int n = 0;
        boolean saveSeen = false;
        for (String line : lines) {
            n++;
            List<String> words = ConfigFile.split(line);
            if (words.isEmpty()) continue;
            String name = words.get(0);
            String value = String.join(" ", words.subList(1, words.size()));
            if (name.equalsIgnoreCase("save")) {
                String current = values.get("save");
                if (saveSeen && !value.isBlank() && !current.isEmpty()) value = current + " " + value;
                saveSeen = true;
            }
            try {
                set(name, value, true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " line " + n + " ('" + line.strip() + "'): " + e.getMessage(), e);
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
     *
     * <p>At startup, {@code save} also sets {@code checkpoint-interval} (to 0 for {@code ""}, else to its smallest
     * seconds value) unless {@code checkpoint-interval} is given too, before or after it: the parameter of Cairn's own
     * wins over Redis's approximation of it.
     */
    public void set(String name, String value, boolean atStartup) {
        ConfigParam p = param(name);
        if (p == null) throw new IllegalArgumentException("unknown parameter '" + name + "'");
        if (!atStartup && !p.mutable()) throw new IllegalArgumentException("can't set immutable config");
        String v = p.normalise(values.get(p.name()), value);
        String old = values.put(p.name(), v);
        if (atStartup) {
            given.add(p.name());
            derived.remove(p.name());
            if (p.name().equals("save") && !given.contains("checkpoint-interval")) {
                values.put("checkpoint-interval", ConfigParams.checkpointIntervalOf(v));
                derived.add("checkpoint-interval");
            }
        }
        if (!v.equals(old)) {
            for (Consumer<String> l : listeners.getOrDefault(p.name(), List.of())) l.accept(v);
        }
    }

    /** Whether {@code name}'s value was derived from another parameter at startup rather than given (see {@link #set}). */
    public boolean derived(String name) {
        ConfigParam p = param(name);
        return p != null && derived.contains(p.name());
    }

    /**
     * CONFIG SET of one or more parameters, all or nothing: every name and value is checked before any is applied, and
     * if applying one fails (a listener refuses it) those already applied get their old values back. Two calls do not
     * interleave.
     *
     * @param namesAndValues name, value, name, value...
     * @throws SetException naming the argument that failed and why
     */
    public synchronized void setAll(List<String> namesAndValues) {
        if (namesAndValues.size() % 2 != 0) throw new IllegalArgumentException("names and values must come in pairs");
        Map<ConfigParam, String> next = new LinkedHashMap<>();
        Map<ConfigParam, String> given = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            String name = namesAndValues.get(i);
            ConfigParam p = param(name);
            if (p == null) throw new SetException(name, true, "unknown parameter '" + name + "'");
            if (!p.mutable()) throw new SetException(name, false, "can't set immutable config");
            if (next.containsKey(p)) throw new SetException(name, false, "duplicate parameter");
            String base = next.getOrDefault(p, values.get(p.name()));
            try {
                next.put(p, p.normalise(base, namesAndValues.get(i + 1)));
            } catch (IllegalArgumentException e) {
                throw new SetException(name, false, e.getMessage());
            }
            given.put(p, name);
        }
        Map<ConfigParam, String> applied = new LinkedHashMap<>();
        for (Map.Entry<ConfigParam, String> e : next.entrySet()) {
            ConfigParam p = e.getKey();
            String old = values.get(p.name());
            try {
                applied.put(p, old);
                values.put(p.name(), e.getValue());
                if (!e.getValue().equals(old)) {
                    for (Consumer<String> l : listeners.getOrDefault(p.name(), List.of())) l.accept(e.getValue());
                }
            } catch (RuntimeException ex) {
                for (Map.Entry<ConfigParam, String> a : applied.entrySet()) {
                    String now = values.put(a.getKey().name(), a.getValue());
                    if (!a.getValue().equals(now)) {
                        for (Consumer<String> l : listeners.getOrDefault(a.getKey().name(), List.of())) {
                            try {
                                l.accept(a.getValue());
                            } catch (RuntimeException ignored) {
                                // the old value was accepted before; nothing better to do than keep going
                            }
                        }
                    }
                }
                throw new SetException(given.get(p), false, String.valueOf(ex.getMessage()));
            }
        }
    }

    /** Why {@link #setAll} refused: the argument (as the client spelled it) and the reason. */
    public static final class SetException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String argument;
        private final boolean unknown;

        SetException(String argument, boolean unknown, String reason) {
            super(reason);
            this.argument = argument;
            this.unknown = unknown;
        }

        /** The parameter name as given. */
        public String argument() {
            return argument;
        }

        /** Whether the parameter does not exist (Redis words that error differently). */
        public boolean unknown() {
            return unknown;
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
