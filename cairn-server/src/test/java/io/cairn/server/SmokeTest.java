package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void set_get_survives_restart() throws Exception {
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.set("k", "v")).isEqualTo("OK");
            assertThat(j.get("k")).isEqualTo("v");
        }
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertThat(j.get("k")).isEqualTo("v");
        }
    }
}
