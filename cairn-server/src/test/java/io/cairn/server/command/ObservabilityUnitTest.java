package io.cairn.server.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The slow log's truncation, MONITOR's line format and redactions, and the latency monitor's samples, without a server. */
class ObservabilityUnitTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static List<String> strs(byte[][] args) {
        return java.util.Arrays.stream(args).map(ObservabilityUnitTest::s).toList();
    }

    @Test
    void truncate_keeps_32_arguments_and_128_bytes_as_redis() {
        byte[][] exactly32 = new byte[32][];
        for (int i = 0; i < 32; i++) exactly32[i] = b("a" + i);
        assertThat(strs(SlowLog.truncate(exactly32))).hasSize(32).last().isEqualTo("a31");

        byte[][] thirtyThree = new byte[33][];
        for (int i = 0; i < 33; i++) thirtyThree[i] = b("a" + i);
        byte[][] kept = SlowLog.truncate(thirtyThree);
        assertThat(strs(kept)).hasSize(32);
        assertThat(s(kept[30])).isEqualTo("a30");
        assertThat(s(kept[31])).isEqualTo("... (2 more arguments)");

        byte[][] strings = {b("SET"), b("k".repeat(128)), b("v".repeat(129))};
        kept = SlowLog.truncate(strings);
        assertThat(s(kept[1])).isEqualTo("k".repeat(128));
        assertThat(s(kept[2])).isEqualTo("v".repeat(128) + "... (1 more bytes)");
        assertThat(kept[0]).isNotSameAs(strings[0]); // a copy: the request's buffers are not kept alive
    }

    @Test
    void slowlog_threshold_length_and_order() {
        SlowLog log = new SlowLog(100, 2);
        assertThat(log.isSlow(99_999)).isFalse();
        assertThat(log.isSlow(100_000)).isTrue();
        log.add(new byte[][]{b("a")}, 100_000, "127.0.0.1:1", "");
        log.add(new byte[][]{b("b")}, 200_000, "127.0.0.1:1", "n");
        log.add(new byte[][]{b("c")}, 300_000, "127.0.0.1:2", "");
        List<SlowLog.Entry> e = log.newest(-1);
        assertThat(e).extracting(SlowLog.Entry::id).containsExactly(2L, 1L); // newest first, the oldest dropped
        assertThat(e.get(0).micros()).isEqualTo(300);
        assertThat(e.get(1).name()).isEqualTo("n");
        assertThat(log.newest(1)).hasSize(1);
        log.slowerThan(-1);
        assertThat(log.isSlow(Long.MAX_VALUE)).isFalse();
        log.slowerThan(0);
        assertThat(log.isSlow(0)).isTrue();
        log.maxLen(0);
        assertThat(log.size()).isZero();
        log.add(new byte[][]{b("d")}, 1, "x", "");
        assertThat(log.size()).isZero(); // max-len 0 keeps nothing, as Redis
    }

    @Test
    void monitor_line_escapes_as_sdscatrepr() {
        byte[] line = Observability.monitorLine(1_339_518_083_007_412L, 0, "127.0.0.1:60866",
                new byte[][]{b("set"), b("a \"b\" \\ \n\r\t\u0007\b"), new byte[]{0, 1, (byte) 0x7f, (byte) 0xff, 'z'}});
        assertThat(s(line)).isEqualTo("+1339518083.007412 [0 127.0.0.1:60866] \"set\" \"a \\\"b\\\" \\\\ \\n\\r\\t\\a\\b\" "
                + "\"\\x00\\x01\\x7f\\xffz\"\r\n");
        assertThat(s(Observability.monitorLine(5_000_000L, -1, "[::1]:7", new byte[][]{b("ping")})))
                .isEqualTo("+5.000000 [-1 [::1]:7] \"ping\"\r\n");
    }

    @Test
    void redaction_hides_passwords_as_redis() {
        CommandTable t = CommandTable.standard();
        Command auth = t.lookup(b("auth"));
        Command hello = t.lookup(b("hello"));
        Command configSet = t.lookup(b("config")).subcommands().get("set");
        Command set = t.lookup(b("set"));
        assertThat(strs(Observability.redact(auth, new byte[][]{b("AUTH"), b("user"), b("pw")})))
                .containsExactly("AUTH", "(redacted)", "(redacted)");
        assertThat(strs(Observability.redact(hello, new byte[][]{b("HELLO"), b("3"), b("SETNAME"), b("x"), b("auth"), b("u"), b("p")})))
                .containsExactly("HELLO", "3", "SETNAME", "x", "auth", "(redacted)", "(redacted)");
        assertThat(strs(Observability.redact(configSet, new byte[][]{b("CONFIG"), b("SET"), b("maxclients"), b("5"), b("REQUIREPASS"), b("pw")})))
                .containsExactly("CONFIG", "SET", "maxclients", "5", "REQUIREPASS", "(redacted)");
        byte[][] plain = {b("SET"), b("k"), b("v")};
        assertThat(Observability.redact(set, plain)).isSameAs(plain);
    }

    @Test
    void latency_keeps_the_worst_of_each_second_and_160_seconds() {
        LatencyMonitor m = new LatencyMonitor(5);
        assertThat(m.worthRecording(4)).isFalse();
        assertThat(m.worthRecording(5)).isTrue();
        m.add("command", 7, 1000);
        m.add("command", 9, 1000);
        m.add("command", 6, 1000);
        m.add("command", 5, 1001);
        LatencyMonitor.Series s = m.series("command");
        assertThat(s.samples()).containsExactly(new LatencyMonitor.Sample(1000, 9), new LatencyMonitor.Sample(1001, 5));
        assertThat(s.max()).isEqualTo(9);
        assertThat(s.latest()).isEqualTo(new LatencyMonitor.Sample(1001, 5));
        for (int i = 0; i < 200; i++) m.add("fsync", i + 1, 2000 + i);
        LatencyMonitor.Series f = m.series("fsync");
        assertThat(f.samples()).hasSize(LatencyMonitor.SAMPLES);
        assertThat(f.samples().get(0)).isEqualTo(new LatencyMonitor.Sample(2040, 41)); // the oldest 40 are gone
        assertThat(f.max()).isEqualTo(200);
        assertThat(m.doctor(2200)).contains("1. command: 2 latency spikes (average 7ms, mean deviation 2ms, period 600.00 sec). "
                + "Worst all time event 9ms.").contains("2. fsync: 160 latency spikes");
        assertThat(m.reset(List.of("fsync", "nosuch"))).isEqualTo(1);
        assertThat(m.all()).extracting(LatencyMonitor.Series::event).containsExactly("command");
        assertThat(m.reset(List.of())).isEqualTo(1);
        assertThat(m.series("command")).isNull();
        m.threshold(0);
        assertThat(m.worthRecording(Long.MAX_VALUE)).isFalse();
    }
}
