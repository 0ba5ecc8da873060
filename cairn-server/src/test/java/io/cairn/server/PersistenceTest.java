package io.cairn.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.cairn.server.RedisAsserts.await;
import static io.cairn.server.ServerCommandsTest.parseInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SAVE, BGSAVE, LASTSAVE, SHUTDOWN and INFO persistence over the store's checkpoints. Tests that count checkpoints turn
 * the store's timer off ({@code checkpoint-interval 0}), so they see only the ones they ask for whatever the defaults.
 */
class PersistenceTest {
    /** Settings for a server that takes checkpoints only when asked. */
    static final String[] NO_TIMER = {"checkpoint-interval", "0"};

    @TempDir
    Path dir;

    static Map<String, String> persistence(Jedis j) {
        return parseInfo(j.info("persistence"));
    }

    static long field(Jedis j, String name) {
        String v = persistence(j).get(name);
        assertThat(v).as(name).isNotNull();
        return Long.parseLong(v);
    }

    static List<Path> manifests(Path data) throws IOException {
        Path snaps = data.resolve("snapshots");
        if (!Files.isDirectory(snaps)) return List.of();
        try (Stream<Path> s = Files.list(snaps)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".manifest")).sorted().toList();
        }
    }

    /** Waits until the wall clock is in a later second than {@code seconds}. */
    static void nextSecondAfter(long seconds) throws InterruptedException {
        while (System.currentTimeMillis() / 1000 <= seconds) Thread.sleep(20);
    }

    static void fill(Jedis j, int keys) {
        Pipeline p = j.pipelined();
        for (int i = 0; i < keys; i++) p.set("key:" + i, "value-" + i);
        p.sync();
    }

    @Test
    void save_takes_a_checkpoint_and_info_and_lastsave_follow() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer s = TestServer.start(data, NO_TIMER); Jedis j = s.jedis()) {
            Map<String, String> before = persistence(j);
            assertThat(before).containsEntry("loading", "0").containsEntry("async_loading", "0")
                    .containsEntry("rdb_bgsave_in_progress", "0").containsEntry("rdb_saves", "0")
                    .containsEntry("rdb_last_bgsave_status", "ok").containsEntry("rdb_last_bgsave_time_sec", "-1")
                    .containsEntry("rdb_current_bgsave_time_sec", "-1").containsEntry("aof_enabled", "1")
                    .containsEntry("aof_rewrite_in_progress", "0").containsEntry("cairn_snapshot_sequence", "0")
                    .containsEntry("cairn_snapshots_kept", "0").containsEntry("cairn_recovery_snapshot_sequence", "0")
                    .containsKeys("cairn_recovery_records_replayed", "cairn_recovery_ms", "cairn_log_bytes_since_checkpoint",
                            "cairn_last_checkpoint_pause_usec");
            // no snapshot yet: LASTSAVE is the start time, as in Redis
            long started = s.server.startedAt() / 1000;
            assertThat(j.lastsave()).isEqualTo(started);
            assertThat(before.get("rdb_last_save_time")).isEqualTo(String.valueOf(started));
            assertThat(manifests(data)).isEmpty();

            fill(j, 100);
            Map<String, String> written = persistence(j);
            long last = Long.parseLong(written.get("cairn_wal_last_sequence"));
            assertThat(Long.parseLong(written.get("rdb_changes_since_last_save"))).isEqualTo(last).isGreaterThanOrEqualTo(100);
            assertThat(Long.parseLong(written.get("cairn_log_bytes_since_checkpoint"))).isPositive();

            nextSecondAfter(started);
            assertThat(j.save()).isEqualTo("OK");
            assertThat(manifests(data)).hasSize(1);
            long saved = j.lastsave();
            assertThat(saved).isGreaterThan(started).isLessThanOrEqualTo(System.currentTimeMillis() / 1000);
            Map<String, String> after = persistence(j);
            assertThat(after).containsEntry("rdb_changes_since_last_save", "0").containsEntry("rdb_saves", "1")
                    .containsEntry("rdb_bgsave_in_progress", "0").containsEntry("rdb_last_bgsave_status", "ok")
                    .containsEntry("rdb_current_bgsave_time_sec", "-1").containsEntry("cairn_snapshots_kept", "1")
                    .containsEntry("cairn_snapshot_sequence", String.valueOf(last))
                    .containsEntry("cairn_log_bytes_since_checkpoint", "0")
                    .containsEntry("rdb_last_save_time", String.valueOf(saved));
            assertThat(Long.parseLong(after.get("rdb_last_bgsave_time_sec"))).isGreaterThanOrEqualTo(0);

            // a write counts as a change since the save
            j.set("one-more", "x");
            assertThat(field(j, "rdb_changes_since_last_save")).isEqualTo(1);

            assertThat(j.save()).isEqualTo("OK");
            assertThat(field(j, "rdb_changes_since_last_save")).isZero();
            assertThat(field(j, "cairn_snapshots_kept")).isEqualTo(2);
            // a SAVE moves LASTSAVE on even when it finds nothing new to write: clients poll it to see a save finish
            long second = j.lastsave();
            nextSecondAfter(second);
            assertThat(j.save()).isEqualTo("OK");
            assertThat(j.lastsave()).isGreaterThan(second);
            assertThat(field(j, "rdb_saves")).isEqualTo(2); // no new snapshot was needed
            assertThat(manifests(data)).hasSize(2); // snapshots-to-keep
        }
    }

    @Test
    void save_is_answered_off_the_event_loop_and_pipelined_commands_after_it_wait_their_turn() throws Exception {
        // one event loop: if SAVE ran on it, no other client could be answered while it runs
        try (TestServer s = TestServer.start(dir.resolve("data"), "io-threads", "1", "checkpoint-interval", "0");
             RawClient saver = s.raw(); RawClient other = s.raw(); Jedis j = s.jedis()) {
            j.set("k", "v");
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            long[] snapshotAfterSave = {-1};
            s.server.saves().afterSave(() -> {
                snapshotAfterSave[0] = s.server.store().stats().snapshotSequence();
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                // SAVE and the commands after it in one write
                saver.write("*1\r\n$4\r\nSAVE\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n*1\r\n$4\r\nPING\r\n");
                assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
                // the event loop serves others meanwhile
                assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
                assertThat(other.call("CLIENT", "LIST")).contains("flags=b ").contains("cmd=save ");
                // nothing of the saver's pipeline is answered, or run, before SAVE is
                assertThat(other.call("EXISTS", "after")).isEqualTo(":0\r\n");
                saver.socket.setSoTimeout(300);
                assertThatThrownBy(saver::read).isInstanceOf(SocketTimeoutException.class);
                saver.socket.setSoTimeout(10_000);
                // the SAVE is in progress meanwhile, for INFO and for BGSAVE
                Map<String, String> info = persistence(j);
                assertThat(info).containsEntry("rdb_bgsave_in_progress", "1");
                assertThat(Long.parseLong(info.get("rdb_current_bgsave_time_sec"))).isGreaterThanOrEqualTo(0);
                assertThat(other.call("BGSAVE")).isEqualTo("-ERR Background save already in progress\r\n");
                j.set("during", "1"); // after SAVE's snapshot (the hook runs after it): the scheduled one writes it
                assertThat(other.call("BGSAVE", "SCHEDULE")).isEqualTo("+Background saving scheduled\r\n");
                assertThat(other.call("BGSAVE", "SCHEDULE")).isEqualTo("+Background saving scheduled\r\n");
            } finally {
                release.countDown();
            }
            saver.expect("+OK\r\n+OK\r\n+PONG\r\n");
            assertThat(saver.call("GET", "after")).isEqualTo("$1\r\n1\r\n");
            // the scheduled one ran after the SAVE, once
            await(Duration.ofSeconds(10), () -> persistence(j).get("rdb_bgsave_in_progress").equals("0"));
            assertThat(persistence(j)).containsEntry("rdb_saves", "2");
            assertThat(Long.parseLong(persistence(j).get("cairn_snapshot_sequence"))).isGreaterThan(snapshotAfterSave[0]);
        }
    }

    @Test
    void a_protocol_error_behind_a_save_is_answered_after_it() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"), NO_TIMER); RawClient r = s.raw()) {
            CountDownLatch release = new CountDownLatch(1);
            s.server.saves().afterSave(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String sent = "*1\r\n$4\r\nSAVE\r\n*1\r\n$4\r\nPING\r\n*abc\r\n";
            long before = s.server.stats().netInputBytes.sum();
            r.write(sent);
            // the bad frame reaches the server while SAVE runs
            RedisAsserts.await(Duration.ofSeconds(30), () -> s.server.stats().netInputBytes.sum() >= before + sent.length());
            release.countDown();
            r.expect("+OK\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n").expectClosed();
        }
    }

    @Test
    void a_failed_save_is_an_error_reply_and_the_connection_goes_on() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data")); RawClient r = s.raw()) {
            s.server.saves().afterSave(() -> {
                throw new io.cairn.CairnException(io.cairn.CairnException.Code.IO_ERROR, "disk on fire");
            });
            r.write("*1\r\n$4\r\nSAVE\r\n*1\r\n$4\r\nPING\r\n");
            r.expect("-ERR disk on fire\r\n+PONG\r\n");
            assertThat(r.call("INFO", "commandstats")).contains("cmdstat_save:calls=1,").contains("failed_calls=1");
        }
    }

    @Test
    void bgsave_replies_at_once_and_info_shows_it_finish() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer s = TestServer.start(data, NO_TIMER); RawClient r = s.raw(); Jedis j = s.jedis()) {
            fill(j, 1000);
            assertThat(r.call("BGSAVE", "NOW")).isEqualTo("-ERR syntax error\r\n");
            assertThat(r.call("BGSAVE")).isEqualTo("+Background saving started\r\n");
            await(Duration.ofSeconds(10), () -> persistence(j).get("rdb_bgsave_in_progress").equals("0"));
            Map<String, String> f = persistence(j);
            assertThat(f).containsEntry("rdb_saves", "1").containsEntry("rdb_last_bgsave_status", "ok")
                    .containsEntry("rdb_changes_since_last_save", "0").containsEntry("rdb_current_bgsave_time_sec", "-1");
            assertThat(manifests(data)).hasSize(1);
            // nothing running: SCHEDULE starts one at once
            j.set("x", "y");
            assertThat(r.call("BGSAVE", "SCHEDULE")).isEqualTo("+Background saving started\r\n");
            await(Duration.ofSeconds(10), () -> persistence(j).get("rdb_bgsave_in_progress").equals("0"));
            assertThat(persistence(j)).containsEntry("rdb_saves", "2");
        }
    }

    @Test
    void back_to_back_bgsaves_on_a_larger_store_start_one_and_refuse_or_start_another() throws Exception {
        try (TestServer s = TestServer.start(dir.resolve("data"), NO_TIMER); RawClient r = s.raw(); Jedis j = s.jedis()) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 300_000; i++) p.set("big:" + i, "v" + i);
            p.sync();
            r.write("*1\r\n$6\r\nBGSAVE\r\n*1\r\n$6\r\nBGSAVE\r\n");
            assertThat(r.read()).isEqualTo("+Background saving started\r\n");
            // the second finds the first running (usual) or, if that was quick, already done: both are Redis's replies
            assertThat(r.read()).isIn("-ERR Background save already in progress\r\n", "+Background saving started\r\n");
            await(Duration.ofSeconds(30), () -> persistence(j).get("rdb_bgsave_in_progress").equals("0"));
            assertThat(persistence(j)).containsEntry("rdb_last_bgsave_status", "ok").containsEntry("rdb_changes_since_last_save", "0");
        }
    }

    @Test
    void a_restart_loads_the_snapshot_and_replays_only_the_log_after_it() throws Exception {
        Path data = dir.resolve("data");
        long snapshotSeq;
        long lastSave;
        // no checkpoint at shutdown, so the writes after SAVE stay in the log only
        try (TestServer s = TestServer.start(data, "checkpoint-interval", "0"); Jedis j = s.jedis()) {
            fill(j, 500);
            assertThat(j.save()).isEqualTo("OK");
            snapshotSeq = field(j, "cairn_snapshot_sequence");
            lastSave = j.lastsave();
            for (int i = 0; i < 7; i++) j.set("later:" + i, "x");
        }
        try (TestServer s = TestServer.start(data, "checkpoint-interval", "0"); Jedis j = s.jedis()) {
            Map<String, String> f = persistence(j);
            assertThat(f).containsEntry("cairn_recovery_snapshot_sequence", String.valueOf(snapshotSeq))
                    .containsEntry("cairn_snapshot_sequence", String.valueOf(snapshotSeq))
                    .containsEntry("cairn_recovery_records_replayed", "7")
                    .containsEntry("cairn_recovery_snapshots_skipped", "0")
                    .containsEntry("rdb_changes_since_last_save", "7")
                    .containsEntry("rdb_last_load_keys_loaded", "500")
                    .containsEntry("cairn_snapshots_kept", "1");
            assertThat(Long.parseLong(f.get("cairn_recovery_ms"))).isGreaterThanOrEqualTo(0);
            // LASTSAVE is the loaded snapshot's time, from before this start
            assertThat(j.lastsave()).isEqualTo(lastSave).isLessThanOrEqualTo(s.server.startedAt() / 1000);
            assertThat(j.dbSize()).isEqualTo(507);
            assertThat(j.get("key:499")).isEqualTo("value-499");
            assertThat(j.get("later:6")).isEqualTo("x");
        }
    }

    @Test
    void shutdown_takes_a_checkpoint_when_timed_checkpoints_are_on() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer s = TestServer.start(data); Jedis j = s.jedis()) {
            fill(j, 50);
            assertThat(j.save()).isEqualTo("OK"); // the timer waits its interval from here
            j.set("after-save", "1");
            assertThat(field(j, "rdb_changes_since_last_save")).isEqualTo(1);
        } // close: as SIGTERM does
        try (TestServer s = TestServer.start(data); Jedis j = s.jedis()) {
            assertThat(persistence(j)).containsEntry("cairn_recovery_records_replayed", "0");
            assertThat(j.dbSize()).isEqualTo(51);
            j.set("more", "1");
            RawClient r = s.raw();
            r.send("SHUTDOWN");
            assertThat(r.read()).isNull();
            r.close();
        } // waits for the shutdown under way
        try (TestServer s = TestServer.start(data); Jedis j = s.jedis()) {
            assertThat(persistence(j)).containsEntry("cairn_recovery_records_replayed", "0");
            assertThat(j.get("more")).isEqualTo("1");
        }
    }

    @Test
    void shutdown_save_and_nosave() throws Exception {
        Path data = dir.resolve("data");
        // timed checkpoints off: a plain SHUTDOWN takes none, SHUTDOWN SAVE does
        try (TestServer s = TestServer.start(data, "checkpoint-interval", "0"); RawClient r = s.raw()) {
            r.call("SET", "a", "1");
            r.send("SHUTDOWN");
            assertThat(r.read()).isNull();
        }
        assertThat(manifests(data)).isEmpty();
        try (TestServer s = TestServer.start(data, "checkpoint-interval", "0"); RawClient r = s.raw()) {
            r.call("SET", "b", "2");
            // nothing after SHUTDOWN on its connection runs
            r.write("*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n");
            assertThat(r.read()).isNull();
        }
        assertThat(manifests(data)).hasSize(1);
        try (TestServer s = TestServer.start(data); Jedis j = s.jedis()) {
            assertThat(persistence(j)).containsEntry("cairn_recovery_records_replayed", "0");
            assertThat(j.get("a")).isEqualTo("1");
            assertThat(j.get("b")).isEqualTo("2");
            assertThat(j.exists("after")).isFalse();
            long seq = field(j, "cairn_snapshot_sequence");
            j.set("c", "3");
            RawClient r = s.raw();
            r.send("SHUTDOWN", "NOSAVE");
            assertThat(r.read()).isNull();
            r.close();
            s.close();
            // NOSAVE: the newest snapshot is still the one before the write; the write is in the log
            try (TestServer again = TestServer.start(data); Jedis j2 = again.jedis()) {
                assertThat(persistence(j2)).containsEntry("cairn_recovery_snapshot_sequence", String.valueOf(seq))
                        .containsEntry("cairn_recovery_records_replayed", "1");
                assertThat(j2.get("c")).isEqualTo("3");
            }
        }
    }

    @Test
    void backup_writes_a_consistent_copy_under_backup_dir_that_opens_as_a_store() throws Exception {
        Path data = dir.resolve("data");
        Path backups = dir.resolve("elsewhere");
        long seq;
        try (TestServer s = TestServer.start(data, "checkpoint-interval", "0", "backup-dir", backups.toString());
             Jedis j = s.jedis()) {
            fill(j, 1000);
            j.select(3);
            j.set("in-db3", "x");
            seq = (Long) RedisAsserts.cmd(j, "BACKUP", "nightly-1");
            assertThat(seq).isPositive();
            j.set("after", "the backup");
            // names that could leave backup-dir, and a backup that exists already, are refused
            for (String bad : new String[]{"../up", "a/b", ".hidden", "-x", ""}) {
                assertThatThrownBy(() -> RedisAsserts.cmd(j, "BACKUP", bad)).as(bad).hasMessageContaining("backup name");
            }
            assertThatThrownBy(() -> RedisAsserts.cmd(j, "BACKUP", "nightly-1")).hasMessageContaining("not empty");
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(s.server.config().get("backup-dir")).isEqualTo(backups.toString());
        }
        try (io.cairn.Cairn copy = io.cairn.Cairn.open(backups.resolve("nightly-1"))) {
            assertThat(copy.size()).isEqualTo(1000);
            assertThat(copy.keyspace("db3").getString("in-db3")).isEqualTo("x");
            assertThat(copy.recoveryInfo().lastSequence()).isEqualTo(seq);
        }
    }
}
