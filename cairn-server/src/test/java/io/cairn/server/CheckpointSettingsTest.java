package io.cairn.server;

import io.cairn.CairnOptions;
import io.cairn.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checkpoint settings: defaults, flags, the environment, the config file, Redis's save, CONFIG GET and SET. */
class CheckpointSettingsTest {
    @TempDir
    Path dir;

    @Test
    void checkpoint_settings_reach_the_store_and_config_get_shows_them() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("defaults")); Jedis j = s.jedis(); RawClient r = s.raw()) {
            assertThat(j.configGet("checkpoint-*")).containsEntry("checkpoint-interval", "300")
                    .containsEntry("checkpoint-log-size", "268435456");
            assertThat(j.configGet("snapshots-to-keep")).containsEntry("snapshots-to-keep", "2");
            assertThat(j.configGet("log-retention")).containsEntry("log-retention", "0");
            CairnOptions o = s.server.store().options();
            assertThat(o.checkpointInterval()).isEqualTo(Duration.ofMinutes(5));
            assertThat(o.checkpointLogBytes()).isEqualTo(256L << 20);
            assertThat(o.snapshotsToKeep()).isEqualTo(2);
            assertThat(o.logRetention()).isEqualTo(Duration.ZERO);
            // fixed while the server runs
            for (String name : List.of("checkpoint-interval", "checkpoint-log-size", "snapshots-to-keep", "log-retention")) {
                assertThat(r.call("CONFIG", "SET", name, "10")).isEqualTo("-ERR CONFIG SET failed (possibly related to argument '"
                        + name + "') - can't set immutable config\r\n");
            }
            // save stays settable, as tools expect, and leaves the running schedule alone
            assertThat(r.call("CONFIG", "SET", "save", "")).isEqualTo("+OK\r\n");
            assertThat(j.configGet("save")).containsEntry("save", "");
            assertThat(j.configGet("checkpoint-interval")).containsEntry("checkpoint-interval", "300");
            assertThat(r.call("CONFIG", "SET", "save", "0 1")).contains("Invalid save parameters");
        }
        try (TestServer s = TestServer.start(dir.resolve("flags"), "checkpoint-interval", "60", "checkpoint-log-size", "1mb",
                "snapshots-to-keep", "3", "log-retention", "3600"); Jedis j = s.jedis()) {
            assertThat(j.configGet("checkpoint-interval")).containsEntry("checkpoint-interval", "60");
            assertThat(j.configGet("checkpoint-log-size")).containsEntry("checkpoint-log-size", "1048576");
            assertThat(j.configGet("snapshots-to-keep")).containsEntry("snapshots-to-keep", "3");
            assertThat(j.configGet("log-retention")).containsEntry("log-retention", "3600");
            CairnOptions o = s.server.store().options();
            assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(60));
            assertThat(o.checkpointLogBytes()).isEqualTo(1L << 20);
            assertThat(o.snapshotsToKeep()).isEqualTo(3);
            assertThat(o.logRetention()).isEqualTo(Duration.ofHours(1));
        }
        try (TestServer s = TestServer.start(dir.resolve("nosave"), "save", ""); Jedis j = s.jedis()) {
            assertThat(j.configGet("checkpoint-interval")).containsEntry("checkpoint-interval", "0");
            assertThat(s.server.store().options().checkpointInterval()).isEqualTo(Duration.ZERO);
        }
        assertThatThrownBy(() -> TestServer.start(dir.resolve("bad"), "snapshots-to-keep", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and");
    }

    @Test
    void save_maps_onto_checkpoint_interval_unless_that_is_given() throws Exception {
        assertThat(interval(List.of("--save", "900 1 300 10 3600 1"), Map.of())).isEqualTo("300");
        assertThat(interval(List.of("--save", ""), Map.of())).isEqualTo("0");
        assertThat(interval(List.of(), Map.of("CAIRN_SAVE", "120 5"))).isEqualTo("120");
        assertThat(interval(List.of(), Map.of())).isEqualTo("300");
        // Cairn's own parameter wins, given before or after save
        assertThat(interval(List.of("--checkpoint-interval", "42", "--save", ""), Map.of())).isEqualTo("42");
        assertThat(interval(List.of("--save", "", "--checkpoint-interval", "42"), Map.of())).isEqualTo("42");
        assertThat(interval(List.of("--save", "10 1"), Map.of("CAIRN_CHECKPOINT_INTERVAL", "7"))).isEqualTo("7");
        assertThatThrownBy(() -> interval(List.of("--save", "0 1"), Map.of())).hasMessageContaining("Invalid save parameters");

        // from a config file, Redis's several save lines add up (save "" clears them); CONFIG REWRITE keeps save, not
        // the interval derived from it, and reads back the same
        Path conf = dir.resolve("cairn.conf");
        Files.writeString(conf, "save 3600 1\nsave 300 100\nmaxclients 77\nsave 600 1\n");
        ServerConfig c = ServerConfig.fromArgs(List.of(conf.toString()), Map.of());
        assertThat(c.get("save")).isEqualTo("3600 1 300 100 600 1");
        assertThat(c.get("checkpoint-interval")).isEqualTo("300");
        assertThat(c.derived("checkpoint-interval")).isTrue();
        c.rewrite();
        assertThat(Files.readString(conf)).isEqualTo("save \"3600 1 300 100 600 1\"\nmaxclients 77\n");
        assertThat(ServerConfig.fromArgs(List.of(conf.toString()), Map.of()).get("checkpoint-interval")).isEqualTo("300");
        Files.writeString(conf, "save 60 1\nsave \"\"\n");
        assertThat(ServerConfig.fromArgs(List.of(conf.toString()), Map.of()).get("checkpoint-interval")).isEqualTo("0");
        Files.writeString(conf, "save \"\"\nsave 90 1\n");
        assertThat(ServerConfig.fromArgs(List.of(conf.toString()), Map.of()).get("checkpoint-interval")).isEqualTo("90");
    }

    private static String interval(List<String> args, Map<String, String> env) throws IOException {
        return ServerConfig.fromArgs(args, env).get("checkpoint-interval");
    }
}
