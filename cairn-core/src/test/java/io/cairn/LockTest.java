package io.cairn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One open store per directory, in this process and across processes; a closed store refuses every call with CLOSED.
 */
class LockTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The child JVM: opens the store in {@code args[0]} and prints one line saying what happened, then exits. */
    public static final class Probe {
        public static void main(String[] args) {
            try (Cairn db = Cairn.open(Path.of(args[0]))) {
                System.out.println("PROBE OPENED " + db.size());
            } catch (CairnException e) {
                System.out.println("PROBE " + e.code() + " " + e.getMessage());
            }
            System.out.flush();
        }
    }

    /** Runs {@link Probe} in a child JVM on {@code store} and returns its report (without the "PROBE " prefix). */
    private String probe(Path store) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Probe.class.getName(), store.toString());
        pb.redirectErrorStream(true);
        Path out = Files.createTempFile(dir.getParent(), "probe", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        children.add(p);
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM finished").isTrue();
            String output = Files.readString(out, StandardCharsets.UTF_8);
            return output.lines().filter(l -> l.startsWith("PROBE ")).map(l -> l.substring(6)).findFirst()
                    .orElseThrow(() -> new AssertionError("the probe printed no report; its output:\n" + output));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    private static Consumer<Throwable> code(CairnException.Code expected) {
        return t -> assertThat(((CairnException) t).code()).as("%s", t).isEqualTo(expected);
    }

    @Test
    void aSecondOpenInTheSameProcessFailsAtOnceAndLeavesTheFirstIntact() throws Exception {
        try (Cairn db = Cairn.open(dir)) {
            db.put("k", "v");
            assertThatThrownBy(() -> Cairn.open(dir))
                    .isInstanceOf(CairnException.class)
                    .satisfies(code(CairnException.Code.LOCKED))
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("already open in this process");
            // another spelling of the same directory is the same store
            Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
            try {
                assertThatThrownBy(() -> Cairn.open(link.resolve(".")))
                        .isInstanceOf(CairnException.class)
                        .satisfies(code(CairnException.Code.LOCKED));
            } finally {
                Files.delete(link);
            }

            // the refused opens changed nothing for the open one: it still works ...
            db.put("k2", "v2");
            assertThat(db.getString("k")).isEqualTo("v");
            // ... and still holds the directory against other processes
            String report = probe(dir);
            assertThat(report).as("a child process opening the directory after refused opens in this one")
                    .startsWith("LOCKED");
        }
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.getString("k2")).isEqualTo("v2");
        }
    }

    @Test
    void anotherProcessCannotOpenAHeldStoreAndCanOnceItIsClosed() throws Exception {
        try (Cairn db = Cairn.open(dir)) {
            db.put("k", "v");
            String report = probe(dir);
            assertThat(report).startsWith("LOCKED")
                    .contains("in use by another process")
                    .contains(dir.toString())
                    .contains("pid " + ProcessHandle.current().pid());
            assertThat(db.getString("k")).isEqualTo("v");
        }
        assertThat(probe(dir)).as("a child process opening the closed store").isEqualTo("OPENED 1");
        try (Cairn db = Cairn.open(dir)) {
            assertThat(db.getString("k")).isEqualTo("v");
        }
    }

    @Test
    void aClosedStoreRefusesEveryCallWithClosed() {
        Cairn db = Cairn.open(dir);
        db.put("k", "1");
        Keyspace ks = db.defaultKeyspace();
        Keyspace other = db.createKeyspace("other", IndexKind.ORDERED);
        db.close();
        assertThat(db.isClosed()).isTrue();
        db.close(); // closing twice is harmless

        List<Runnable> calls = List.of(
                () -> db.put("k", "2"),
                () -> db.get("k"),
                () -> db.getString("k"),
                () -> db.contains("k"),
                () -> db.delete("k"),
                () -> db.increment("n", 1),
                () -> db.size(),
                () -> db.write(new WriteBatch().put("a", "b")),
                () -> db.iterator(),
                () -> db.keyspace("other"),
                () -> db.createKeyspace("third", IndexKind.HASH),
                () -> db.keyspaces(),
                () -> db.stats(),
                () -> db.sync(),
                () -> ks.put("k", "3"),
                () -> ks.get("k"),
                () -> other.put("x", "y"),
                () -> other.scan().iterator());
        for (int i = 0; i < calls.size(); i++) {
            Runnable call = calls.get(i);
            CairnException e = catchThrowableOfType(CairnException.class, call::run);
            assertThat(e).as("call #%d on a closed store", i).isNotNull();
            assertThat(e.code()).as("call #%d: %s", i, e).isEqualTo(CairnException.Code.CLOSED);
        }
        CompletableFuture<byte[]> f = db.putAsync("k".getBytes(StandardCharsets.UTF_8), new byte[]{1});
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(CairnException.class)
                .cause().satisfies(code(CairnException.Code.CLOSED));

        // nothing was written after the close
        try (Cairn again = Cairn.open(dir)) {
            assertThat(again.getString("k")).isEqualTo("1");
            assertThat(again.findKeyspace("third")).isEmpty();
            assertThat(again.keyspace("other").isEmpty()).isTrue();
        }
    }
}
