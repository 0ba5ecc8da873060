package io.cairn.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scrape of {@code /metrics} in the Prometheus text exposition format (0.0.4), parsed strictly: every line is a
 * HELP, a TYPE, or a sample of a family declared before it, with well-formed labels and a number, and each series
 * appears once. The client library writes this format but has no parser for it, so the test carries this small one.
 */
final class Exposition {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)})? "
                    + "([-+]?(?:[0-9.eE+-]+|Inf|NaN))( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final List<String> SUFFIXES = List.of("_total", "_created", "_bucket", "_sum", "_count", "");

    /** Family name to its TYPE. */
    final Map<String, String> types = new LinkedHashMap<>();
    /** Series ({@code name{a="b",...}} with labels in the order written) to value. */
    final Map<String, Double> samples = new LinkedHashMap<>();
    final String contentType;

    private Exposition(String text, String contentType) {
        this.contentType = contentType;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                assertThat(NAME.matcher(name).matches()).as("line %d: HELP of a bad name: %s", n, line).isTrue();
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] f = line.substring(7).split(" ");
                assertThat(f).as("line %d: %s", n, line).hasSize(2);
                assertThat(f[1]).as("line %d", n).isIn("counter", "gauge", "histogram", "summary", "untyped");
                assertThat(types.put(f[0], f[1])).as("line %d: family declared twice", n).isNull();
                continue;
            }
            assertThat(line).as("line %d: a comment that is neither HELP nor TYPE", n).doesNotStartWith("#");
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("line %d is not a sample: %s", n, line).isTrue();
            String name = m.group(1);
            assertThat(familyOf(name)).as("line %d: sample of an undeclared family: %s", n, line).isNotNull();
            double v = switch (m.group(4)) {
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(m.group(4));
            };
            String series = name + (m.group(3) == null ? "" : "{" + canonical(m.group(3)) + "}");
            assertThat(samples.put(series, v)).as("line %d: series written twice: %s", n, series).isNull();
        }
    }

    private static String canonical(String labels) {
        Map<String, String> sorted = new TreeMap<>();
        Matcher l = LABEL.matcher(labels);
        while (l.find()) sorted.put(l.group(1), l.group(2));
        StringBuilder sb = new StringBuilder();
        sorted.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return sb.toString();
    }

    /** The declared family a sample name belongs to, or null. */
    String familyOf(String sample) {
        for (String s : SUFFIXES) {
            if (sample.endsWith(s)) {
                String base = sample.substring(0, sample.length() - s.length());
                if (types.containsKey(base)) return base;
            }
        }
        return null;
    }

    /** The value of {@code name} with {@code labels} ("k", "v" pairs), or null if absent. */
    Double value(String name, String... labels) {
        StringBuilder sb = new StringBuilder();
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) sorted.put(labels[i], labels[i + 1]);
        sorted.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return samples.get(name + (sb.length() == 0 ? "" : "{" + sb + "}"));
    }

    /** {@link #value}, asserting it is there. */
    double get(String name, String... labels) {
        Double v = value(name, labels);
        assertThat(v).as("series %s %s in the scrape", name, List.of(labels)).isNotNull();
        return v;
    }

    static Exposition scrape(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new Exposition(r.body(), r.headers().firstValue("content-type").orElse(""));
    }
}
