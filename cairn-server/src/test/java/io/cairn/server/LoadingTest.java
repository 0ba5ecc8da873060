package io.cairn.server;

import io.cairn.LoadProgress;
import io.cairn.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.cairn.server.RedisAsserts.assertError;
import static io.cairn.server.ServerCommandsTest.parseInfo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server answers while its store loads, as Redis does: -LOADING for commands, INFO with the progress; then the same
 * connections work normally. The load is held part-way by a hook on its progress, so the test does not race it.
 */
class LoadingTest {
    @TempDir
    Path dir;

    @Test
    void loading_answers_then_serves() throws Exception {
        // a log of many small segments (no snapshot: checkpoints off), so the load has steps to stop at
        String[] settings = {"cairn-segment-size", "4096", "checkpoint-interval", "0", "checkpoint-log-size", "0"};
        try (TestServer s = TestServer.start(dir, settings); Jedis j = s.jedis()) {
            for (int i = 0; i < 400; i++) j.set("key" + i, "value-" + "x".repeat(100) + i);
        }

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CairnServer server = heldServer(held, release, settings);
        CompletableFuture<Void> started = startAsync(server);
        try {
            assertThat(held.await(30, TimeUnit.SECONDS)).as("the load reached its first step").isTrue();
            try (Jedis j = new Jedis("127.0.0.1", server.port(), 10_000); RawClient raw = new RawClient(server.port())) {
                assertError(j, ConnectionHandler.LOADING, "GET", "key1");
                assertError(j, ConnectionHandler.LOADING, "PING");
                raw.write("*2\r\n$3\r\nSET\r\n$1\r\nk\r\n").expect("-LOADING Redis is loading the dataset in memory\r\n");
                Map<String, String> info = parseInfo(j.info());
                assertThat(info).containsEntry("loading", "1").containsEntry("async_loading", "0")
                        .containsKey("redis_version").containsKey("loading_eta_seconds");
                long total = Long.parseLong(info.get("loading_total_bytes"));
                long loaded = Long.parseLong(info.get("loading_loaded_bytes"));
                double perc = Double.parseDouble(info.get("loading_loaded_perc"));
                assertThat(total).isGreaterThan(40_000); // 400 keys of about 110 bytes, in 4 KiB segments
                assertThat(loaded).isPositive().isLessThan(total);
                assertThat(perc).isGreaterThan(0).isLessThan(100).isCloseTo(loaded * 100.0 / total, org.assertj.core.data.Offset.offset(0.01));
                assertThat(Long.parseLong(info.get("loading_start_time")))
                        .isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000);
                assertThat(parseInfo(j.info("persistence"))).containsEntry("loading", "1").doesNotContainKey("redis_version");
                Exposition m = Exposition.scrape(server.metricsPort());
                assertThat(m.get("cairn_loading")).isEqualTo(1);
                assertThat(m.value("cairn_keys")).as("figures of the store are left out while it loads").isNull();

                release.countDown();
                started.get(30, TimeUnit.SECONDS);
                // the connections made while loading now run commands
                assertThat(j.get("key399")).isEqualTo("value-" + "x".repeat(100) + 399);
                assertThat(j.dbSize()).isEqualTo(400);
                assertThat(parseInfo(j.info())).containsEntry("loading", "0").doesNotContainKey("loading_total_bytes");
                assertThat(raw.call("GET", "key0")).isEqualTo("$" + ("value-" + "x".repeat(100) + 0).length() + "\r\n"
                        + "value-" + "x".repeat(100) + 0 + "\r\n");
                assertThat(Exposition.scrape(server.metricsPort()).get("cairn_loading")).isZero();
            }
        } finally {
            release.countDown();
            started.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
            server.close();
        }
    }

    @Test
    void load_progress_reaches_the_end() throws Exception {
        try (TestServer s = TestServer.start(dir, "cairn-segment-size", "4096", "checkpoint-interval", "0"); Jedis j = s.jedis()) {
            for (int i = 0; i < 100; i++) j.set("key" + i, "v".repeat(200));
        }
        LoadProgress seen;
        try (TestServer s = TestServer.start(dir, "cairn-segment-size", "4096", "checkpoint-interval", "0")) {
            seen = s.server.loading();
        }
        assertThat(seen.loading()).isFalse();
        assertThat(seen.loadedBytes()).isEqualTo(seen.totalBytes()).isGreaterThan(20_000);
        assertThat(seen.percent()).isEqualTo(100.0);
        assertThat(seen.etaSeconds()).isZero();
    }

    /** A server on {@link #dir} whose load stops at its first step with bytes loaded ({@code held}) until {@code release}. */
    private CairnServer heldServer(CountDownLatch held, CountDownLatch release, String... settings) throws java.io.IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--dir", dir.toString(), "--port", "0", "--io-threads", "1",
                "--metrics-port", "1"));
        for (String x : settings) args.add(args.size() % 2 == 0 ? "--" + x : x);
        return new CairnServer(ServerConfig.fromArgs(args, Map.of())).useEphemeralPorts()
                .onLoadStep(p -> {
                    if (p.loading() && p.loadedBytes() > 0 && held.getCount() > 0) {
                        held.countDown();
                        await(release);
                    }
                });
    }

    private static CompletableFuture<Void> startAsync(CairnServer server) {
        return CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void loading_withAPassword_answersNoauthFirst() throws Exception {
        String[] settings = {"cairn-segment-size", "4096", "checkpoint-interval", "0", "requirepass", "secret"};
        try (TestServer s = TestServer.start(dir, settings); Jedis j = s.jedis()) {
            j.auth("secret");
            for (int i = 0; i < 200; i++) j.set("key" + i, "v".repeat(100));
        }
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CairnServer server = heldServer(held, release, settings);
        CompletableFuture<Void> started = startAsync(server);
        try (Jedis j = new Jedis("127.0.0.1", awaitHeld(held, server), 10_000)) {
            assertError(j, "NOAUTH Authentication required.", "INFO");
            assertError(j, "NOAUTH Authentication required.", "AUTH", "secret");
            release.countDown();
            started.get(30, TimeUnit.SECONDS);
            j.auth("secret");
            assertThat(j.dbSize()).isEqualTo(200);
        } finally {
            release.countDown();
            started.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
            server.close();
        }
    }

    private static int awaitHeld(CountDownLatch held, CairnServer server) throws InterruptedException {
        assertThat(held.await(30, TimeUnit.SECONDS)).as("the load reached its first step").isTrue();
        return server.port();
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(30, TimeUnit.SECONDS)) throw new AssertionError("the test never released the load");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
