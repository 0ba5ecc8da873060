package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Seed 002's three tests ("Building a KV store" with nori-wal), in Java. */
class SeedTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void basicOperations() {
        try (Cairn db = Cairn.open(dir)) {
            db.put(b("key1"), b("value1"));
            assertThat(db.get(b("key1"))).isEqualTo(b("value1"));
            db.put(b("key1"), b("value2"));
            assertThat(db.get(b("key1"))).isEqualTo(b("value2"));
            db.delete(b("key1"));
            assertThat(db.get(b("key1"))).isNull();
        }
    }

    @Test
    void recovery() {
        try (Cairn db = Cairn.open(dir)) {
            db.put(b("key1"), b("value1"));
            db.put(b("key2"), b("value2"));
        }
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.get(b("key1"))).isEqualTo(b("value1"));
            assertThat(db.get(b("key2"))).isEqualTo(b("value2"));
            assertThat(db.size()).isEqualTo(2);
            assertThat(db.recoveryInfo().recordsReplayed()).isEqualTo(3); // the default keyspace's creation, two puts
            assertThat(db.recoveryInfo().corruptionDetected()).isFalse();
        }
    }

    @Test
    void deleteRecovery() {
        try (Cairn db = Cairn.open(dir)) {
            db.put(b("key1"), b("value1"));
            db.delete(b("key1"));
        }
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.get(b("key1"))).isNull();
            assertThat(db.size()).isZero();
        }
    }

    @Test
    void readmeExample() {
        try (Cairn db = Cairn.open(dir)) {
            db.put("user:1", "{\"first_name\":\"John\"}");
            assertThat(db.getString("user:1")).isEqualTo("{\"first_name\":\"John\"}");
            assertThat(db.delete("user:1")).isEqualTo("{\"first_name\":\"John\"}");
            assertThat(db.recoveryInfo().toString()).contains("records replayed");
        }
    }
}
