package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CollectionsSmokeTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void basics() {
        try (Cairn db = Cairn.open(dir)) {
            Keyspace ks = db.defaultKeyspace();
            db.atomically(tx -> tx.hash(ks, b("h")).put(b("f"), b("v"), b("g"), b("w")));
            db.atomically(tx -> {
                tx.list(ks, b("l")).push(false, b("a"), b("b"));
                for (int i = 0; i < 2000; i++) tx.list(ks, b("big")).push(true, b("e" + i));
                return null;
            });
            assertThat(ks.type(b("h"))).isEqualTo(ValueType.HASH);
            assertThat(ks.type(b("big"))).isEqualTo(ValueType.LIST);
            assertThat((Object) db.atomically(tx -> tx.list(ks, b("big")).size())).isEqualTo(2000);
            db.checkpoint();
            db.atomically(tx -> tx.list(ks, b("big")).pop(true, 10));
            db.atomically(tx -> tx.hash(ks, b("h")).remove(b("f")));
        }
        try (Cairn db = Cairn.open(dir)) {
            Keyspace ks = db.defaultKeyspace();
            assertThat((Object) db.atomically(tx -> tx.list(ks, b("big")).size())).isEqualTo(1990);
            assertThat((Object) db.atomically(tx -> new String(tx.list(ks, b("big")).value().get(0)))).isEqualTo("e1989");
            assertThat((Object) db.atomically(tx -> tx.hash(ks, b("h")).size())).isEqualTo(1);
            assertThat((Object) db.atomically(tx -> new String(tx.hash(ks, b("h")).get(b("g"))))).isEqualTo("w");
        }
    }
}
