package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded views of collections: hash, list, set, sorted set on a key, durable across a reopen. */
class CollectionViewsTest {
    @TempDir
    Path dir;

    static String s(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void viewsReadAndWriteAndSurviveAReopen() {
        try (Cairn db = Cairn.open(dir)) {
            HashView user = db.hash("user:1");
            assertThat(user.put("name", "ann")).isTrue();
            assertThat(user.put("name", "anna")).isFalse();
            assertThat(user.putAll(Map.of("age", "41", "city", "Oslo"))).isEqualTo(2);
            assertThat(user.increment("age", 1)).isEqualTo(42);
            assertThat(user.remove("city", "nope")).isEqualTo(1);

            ListView queue = db.list("queue");
            assertThat(queue.pushLast("a", "b", "c")).isEqualTo(3);
            assertThat(queue.pushFirst("z")).isEqualTo(4);
            assertThat(s(queue.popFirst())).isEqualTo("z");
            assertThat(s(queue.get(-1))).isEqualTo("c");
            assertThat(queue.range(0, -1).stream().map(CollectionViewsTest::s).toList()).containsExactly("a", "b", "c");
            assertThat(queue.get(10)).isNull();

            SetView tags = db.set("tags");
            assertThat(tags.add("x", "y", "x")).isEqualTo(2);
            assertThat(tags.contains("y")).isTrue();
            assertThat(tags.remove("y", "w")).isEqualTo(1);

            SortedSetView board = db.sortedSet("board");
            board.add("ann", 10);
            board.add("bob", 5);
            board.add("cat", 7.5);
            assertThat(board.increment("bob", 10)).isEqualTo(15.0);
            assertThat(board.rank("bob")).hasValue(2);
            assertThat(board.range(0, -1).stream().map(SortedSetView.Scored::memberString).toList())
                    .containsExactly("cat", "ann", "bob");
            assertThat(board.rangeByScore(8, 20).stream().map(SortedSetView.Scored::memberString).toList())
                    .containsExactly("ann", "bob");
            assertThat(board.popMin(1).get(0).memberString()).isEqualTo("cat");

            // types are enforced both ways
            assertThatThrownBy(() -> db.get("user:1")).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.WRONG_TYPE);
            assertThatThrownBy(() -> db.list("user:1").size()).isInstanceOf(CairnException.class);
            db.put("plain", "text");
            assertThatThrownBy(() -> db.hash("plain").get("f")).isInstanceOf(CairnException.class);
            assertThat(db.defaultKeyspace().type(Keyspace.utf8("board"))).isEqualTo(ValueType.SORTED_SET);
            assertThat(db.defaultKeyspace().contains("user:1")).isTrue();
        }
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.hash("user:1").toMap()).isEqualTo(Map.of("name", "anna", "age", "42"));
            assertThat(db.list("queue").size()).isEqualTo(3);
            assertThat(db.set("tags").toSet()).isEqualTo(Set.of("x"));
            assertThat(db.sortedSet("board").range(0, -1).stream().map(SortedSetView.Scored::memberString).toList())
                    .isEqualTo(List.of("ann", "bob"));
            db.checkpoint();
            // a snapshot opened alone reads collections (atomic blocks that only read) and refuses writes
            try (Cairn view = Cairn.openSnapshot(dir, -1)) {
                assertThat(view.hash("user:1").get("name")).isEqualTo("anna");
                assertThat(view.sortedSet("board").size()).isEqualTo(2);
                assertThatThrownBy(() -> view.hash("user:1").put("x", "y")).isInstanceOf(CairnException.class)
                        .extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.READ_ONLY);
            }
            // an emptied collection is gone
            db.set("tags").remove("x");
            assertThat(db.defaultKeyspace().type(Keyspace.utf8("tags"))).isNull();
            assertThat(db.defaultKeyspace().contains("tags")).isFalse();
        }
    }
}
