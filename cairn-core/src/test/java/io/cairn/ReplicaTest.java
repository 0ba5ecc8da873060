package io.cairn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's replica side against an in-memory stand-in for the group's log: what a leader decides, a follower
 * applying the same records holds exactly; records never committed are thrown away by a reload; snapshots know
 * their place in the log.
 */
class ReplicaTest {
    @TempDir
    Path dir;

    /** A log that a test commits by hand: records are kept with their sequences until handed to followers. */
    static final class FakeLog implements ReplicatedLog {
        final List<long[]> seqs = new ArrayList<>();
        final List<byte[]> records = new ArrayList<>();
        volatile boolean writable;
        volatile long committed;
        long highWater;
        final Map<Long, CompletableFuture<Void>> waits = new TreeMap<>();

        @Override
        public synchronized void append(long seq, byte[] buf, int off, int len) {
            seqs.add(new long[]{seq});
            records.add(java.util.Arrays.copyOfRange(buf, off, off + len));
            highWater = Math.max(highWater, seq);
        }

        @Override
        public long nextSequence(long last) {
            return Math.max(last, highWater) + 1;
        }

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public long committedSequence() {
            return committed;
        }

        @Override
        public void awaitCommitted(long seq) {
            // the test commits before it waits
        }

        @Override
        public synchronized CompletableFuture<Void> whenCommitted(long seq) {
            if (seq <= committed) return CompletableFuture.completedFuture(null);
            return waits.computeIfAbsent(seq, s -> new CompletableFuture<>());
        }

        synchronized void commitAll() {
            committed = highWater;
            waits.values().forEach(f -> f.complete(null));
            waits.clear();
        }

        /** Hands every record from index {@code from} on to {@code replica}; returns the next index. */
        synchronized int ship(Replica replica, int from, long term, long entryIndex) {
            for (int i = from; i < records.size(); i++) replica.apply(seqs.get(i)[0], ByteBuffer.wrap(records.get(i)));
            replica.applied(term, entryIndex);
            return records.size();
        }
    }

    private static Map<String, String> contents(Cairn c) {
        Map<String, String> m = new TreeMap<>();
        c.defaultKeyspace().forEach((k, v) -> m.put(new String(k), new String(v)));
        return m;
    }

    private static Cairn open(Path d, ReplicatedLog log) {
        Cairn c = Cairn.open(d, CairnOptions.builder().replicatedLog(log).build());
        c.replica().bootstrap(List.of(Cairn.DEFAULT_KEYSPACE, "db1"));
        return c;
    }

    @Test
    void aFollowerApplyingTheLeadersRecords_holdsExactlyTheLeadersState() {
        FakeLog leaderLog = new FakeLog();
        leaderLog.writable = true;
        FakeLog followerLog = new FakeLog();
        try (Cairn leader = open(dir.resolve("l"), leaderLog); Cairn follower = open(dir.resolve("f"), followerLog)) {
            CompletableFuture<byte[]> pending = leader.defaultKeyspace().putAsync("a".getBytes(), "1".getBytes());
            assertThat(pending).isNotDone(); // acknowledged only once the group commits it
            leader.put("b", "2", Duration.ofHours(1));
            leader.hash("h").put("f", "v");
            leader.list("l").pushLast("x", "y");
            leader.increment("n", 5);
            leader.delete("b");
            leaderLog.commitAll();
            assertThat(pending).isCompleted();
            leaderLog.ship(follower.replica(), 0, 1, 7);
            assertThat(contents(follower)).isEqualTo(contents(leader));
            assertThat(follower.hash("h").get("f")).isEqualTo("v");
            assertThat(follower.list("l").range(0, -1)).extracting(String::new).containsExactly("x", "y");
            assertThat(follower.replica().lastSequence()).isEqualTo(leader.replica().lastSequence());
            // records the follower holds already are skipped, not applied twice
            leaderLog.ship(follower.replica(), 0, 1, 7);
            assertThat(follower.list("l").range(0, -1)).extracting(String::new).containsExactly("x", "y");
            // a follower decides nothing
            assertThatThrownBy(() -> follower.put("z", "1")).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code()).isEqualTo(CairnException.Code.NOT_LEADER);
            assertThat(followerLog.records).isEmpty();
        }
    }

    @Test
    void aReload_dropsWhatWasNeverCommitted_keepsHandles_andNeverReusesASequence() {
        FakeLog log = new FakeLog();
        log.writable = true;
        try (Cairn c = open(dir.resolve("l"), log)) {
            Keyspace db1 = c.keyspace("db1");
            c.put("kept", "1");
            db1.put("kept1".getBytes(), "1".getBytes());
            log.commitAll();
            c.replica().applied(1, 2);
            Replica.Snapshot snap = c.replica().checkpoint();
            assertThat(snap.index()).isEqualTo(2);
            assertThat(snap.term()).isEqualTo(1);
            assertThat(snap.files()).allMatch(java.nio.file.Files::exists);
            long committedSeq = c.replica().lastSequence();

            c.put("lost", "1"); // decided and applied here, never committed
            long lostSeq = c.replica().lastSequence();
            c.replica().reload(List.of(Cairn.DEFAULT_KEYSPACE, "db1"));
            assertThat(c.getString("lost")).isNull();
            assertThat(c.getString("kept")).isEqualTo("1");
            assertThat(db1.get("kept1".getBytes())).isNotNull(); // the handle still works
            assertThat(c.replica().lastSequence()).isEqualTo(committedSeq);
            c.put("next", "1");
            assertThat(c.replica().lastSequence()).isGreaterThan(lostSeq);
        }
    }

    @Test
    void aRestartedReplica_startsFromItsSnapshotsPlaceInTheLog() {
        FakeLog log = new FakeLog();
        log.writable = true;
        Path d = dir.resolve("r");
        long seq;
        try (Cairn c = open(d, log)) {
            for (int i = 0; i < 100; i++) c.put("k" + i, "v" + i);
            log.commitAll();
            c.replica().applied(3, 40);
            c.replica().checkpoint();
            seq = c.replica().lastSequence();
        }
        FakeLog again = new FakeLog();
        try (Cairn c = open(d, again)) {
            Replica.Snapshot s = c.replica().latest();
            assertThat(s.index()).isEqualTo(40);
            assertThat(s.term()).isEqualTo(3);
            assertThat(s.sequence()).isEqualTo(seq);
            assertThat(c.replica().lastSequence()).isEqualTo(seq);
            assertThat(c.defaultKeyspace().size()).isEqualTo(100);
        }
    }

    @Test
    void aReloadWithNoSnapshot_returnsToTheBootstrapState_andKeepsHandles() {
        FakeLog log = new FakeLog();
        log.writable = true;
        try (Cairn c = open(dir.resolve("e"), log)) {
            Keyspace db1 = c.keyspace("db1");
            c.put("lost", "1");
            db1.put("lost1".getBytes(), "1".getBytes());
            assertThat(c.replica().reload(List.of(Cairn.DEFAULT_KEYSPACE, "db1"))).isNull();
            assertThat(c.getString("lost")).isNull();
            assertThat(db1.get("lost1".getBytes())).isNull(); // the handle still works, on the empty keyspace
            c.put("after", "1");
            db1.put("after1".getBytes(), "1".getBytes());
            assertThat(c.defaultKeyspace().size()).isEqualTo(1);
            assertThat(db1.size()).isEqualTo(1);
        }
    }
}
