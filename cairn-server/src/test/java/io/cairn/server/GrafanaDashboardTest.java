package io.cairn.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/grafana-dashboard.json parses, and every metric its queries name is one a real server's /metrics exports. */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bcairn_[a-z0-9_]+\\b");

    @TempDir
    Path dir;

    @Test
    void every_queried_metric_is_exported() throws Exception {
        List<String> exprs = new ArrayList<>();
        Set<String> panels = new TreeSet<>();
        try (JsonParser p = new JsonFactory().createParser(DASHBOARD.toFile())) {
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) { // reading to the end checks the syntax
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                } else if (t == JsonToken.VALUE_STRING && "expr".equals(field)) {
                    exprs.add(p.getText());
                } else if (t == JsonToken.VALUE_STRING && "title".equals(field)) {
                    panels.add(p.getText());
                }
            }
        }
        assertThat(exprs).hasSizeGreaterThan(20);
        assertThat(panels).contains("Ops/sec by command", "Latency p99 by command", "Memory vs maxmemory", "Hit ratio",
                "fsync latency", "Log size", "Checkpoint age", "Connected clients", "Keys");
        Set<String> queried = new TreeSet<>();
        for (String e : exprs) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) queried.add(m.group());
        }

        try (TestServer s = TestServer.start(dir, "metrics-port", "1"); Jedis j = s.jedis()) {
            // make every series exist: commands (histograms, failures), a key with a TTL in a numbered database
            j.set("a", "1");
            j.get("a");
            j.get("missing");
            j.select(2);
            j.set("b", "x");
            j.expire("b", 1000);
            assertThatThrownBy(() -> j.incr("b")).isInstanceOf(JedisDataException.class);
            Exposition m = Exposition.scrape(s.server.metricsPort());
            Set<String> exported = m.samples.keySet().stream().map(k -> k.contains("{") ? k.substring(0, k.indexOf('{')) : k)
                    .collect(Collectors.toCollection(TreeSet::new));
            exported.addAll(m.types.keySet());
            assertThat(queried).as("metrics the dashboard queries").isNotEmpty().isSubsetOf(exported);
        }
    }
}
