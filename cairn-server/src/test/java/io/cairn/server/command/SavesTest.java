package io.cairn.server.command;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.FsyncPolicy;
import io.cairn.SnapshotInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SavesTest {

    @TempDir
    Path dir;

    /**
     * LASTSAVE after a SAVE is the snapshot's own time, so a restart that loads that snapshot reports the same second.
     * The store's clock runs an hour behind here: a LASTSAVE taken from the moment SAVE ended would differ by an hour
     * (in real runs, by one second when the save straddles a second's boundary).
     */
    @Test
    void lastSave_isTheSnapshotsTime_beforeAndAfterARestart() {
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        CairnOptions options = CairnOptions.builder().segmentSize(1 << 20).fsyncPolicy(FsyncPolicy.NEVER)
                .clock(behind).build();
        long before;
        long created;
        try (Cairn store = Cairn.open(dir, options)) {
            Saves saves = new Saves(store, System.currentTimeMillis() - Duration.ofHours(2).toMillis());
            store.put("k", "v");
            SnapshotInfo info = saves.save().join();
            assertThat(info).isNotNull();
            created = info.created().toEpochMilli();
            assertThat(created).isLessThan(System.currentTimeMillis() - Duration.ofMinutes(59).toMillis());
            before = saves.lastSaveMillis();
            assertThat(before).isEqualTo(created);
        }
        try (Cairn store = Cairn.open(dir, options)) {
            Saves saves = new Saves(store, System.currentTimeMillis());
            assertThat(saves.lastSaveMillis()).isEqualTo(before);
        }
    }

    /**
     * A SAVE that finds nothing new to write returns the newest snapshot unchanged and still moves LASTSAVE, to now, as
     * Redis's does: clients poll LASTSAVE to see a save finish.
     */
    @Test
    void aSaveWithNothingNewToWrite_stillMovesLastSave() {
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        try (Cairn store = Cairn.open(dir, CairnOptions.builder().segmentSize(1 << 20).fsyncPolicy(FsyncPolicy.NEVER)
                .clock(behind).build())) {
            Saves saves = new Saves(store, System.currentTimeMillis() - Duration.ofHours(2).toMillis());
            store.put("k", "v");
            SnapshotInfo first = saves.save().join();
            assertThat(saves.lastSaveMillis()).isEqualTo(first.created().toEpochMilli());
            long before = System.currentTimeMillis();
            SnapshotInfo again = saves.save().join();
            assertThat(again.sequence()).isEqualTo(first.sequence());
            assertThat(store.snapshots()).hasSize(1);
            assertThat(saves.lastSaveMillis()).isBetween(before, System.currentTimeMillis());
        }
    }
}
