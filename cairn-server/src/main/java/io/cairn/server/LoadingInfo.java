package io.cairn.server;

import io.cairn.LoadProgress;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * INFO while the store loads: the Server section's identity fields and the Persistence section's {@code loading_*}
 * fields, from the store's {@link LoadProgress}, in Redis's names and order. The other sections need the open store
 * and are left out until it is; then INFO is the full one again, with {@code loading:0}.
 */
final class LoadingInfo {
    private static final Set<String> DEFAULT = Set.of("default", "all", "everything");

    private LoadingInfo() {
    }

    static String render(CairnServer s, byte[][] args) {
        boolean server = args.length == 1;
        boolean persistence = args.length == 1;
        for (int i = 1; i < args.length; i++) {
            String section = new String(args[i], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            if (DEFAULT.contains(section)) server = persistence = true;
            if (section.equals("server")) server = true;
            if (section.equals("persistence")) persistence = true;
        }
        StringBuilder out = new StringBuilder();
        if (server) {
            out.append("# Server\r\n");
            line(out, "redis_version", Version.REDIS_COMPAT);
            line(out, "cairn_version", Version.VERSION);
            line(out, "run_id", s.runId());
            line(out, "tcp_port", s.port());
            line(out, "uptime_in_seconds", (System.currentTimeMillis() - s.startedAt()) / 1000);
        }
        if (persistence) {
            if (server) out.append("\r\n");
            LoadProgress p = s.loading();
            out.append("# Persistence\r\n");
            line(out, "loading", 1);
            line(out, "async_loading", 0);
            line(out, "loading_start_time", p.startedAtMillis() / 1000);
            line(out, "loading_total_bytes", p.totalBytes());
            line(out, "loading_loaded_bytes", p.loadedBytes());
            boolean begun = p.startedAtMillis() > 0; // the load begins just after the listeners open
            line(out, "loading_loaded_perc", String.format(Locale.ROOT, "%.2f", begun ? p.percent() : 0.0));
            line(out, "loading_eta_seconds", begun ? p.etaSeconds() : 1);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String name, Object value) {
        out.append(name).append(':').append(value).append("\r\n");
    }
}
