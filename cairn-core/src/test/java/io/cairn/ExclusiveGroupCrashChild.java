package io.cairn;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link ExclusiveGroupCrashTest}: runs large exclusive groups back to back until it is killed. Each
 * group increments the counter {@code n} and writes {@code "n:" + n} plus filler into every one of {@link #KEYS} keys
 * of two keyspaces, so after any crash every key must carry the counter's value: a group is all there or not at all.
 *
 * <p>Arguments: data directory, fsync policy, and optionally {@code checkpoints} (checkpoints back to back on a thread
 * of their own, so a snapshot's walk overlaps open groups). Protocol on stdout: {@code READY ;}, then per group
 * {@code DO n ;} before it and {@code ACK n ;} once it returned durable.
 */
public final class ExclusiveGroupCrashChild {
    static final int KEYS = 400;
    static final int PAD = 200;

    private static final PrintStream OUT = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);

    private ExclusiveGroupCrashChild() {
    }

    static CairnOptions options(FsyncPolicy policy) {
        return CairnOptions.builder().fsyncPolicy(policy).segmentSize(4 << 20)
                .checkpointInterval(Duration.ZERO).checkpointLogBytes(0).build();
    }

    static String value(long n) {
        return CrashChild.value("n:" + n, PAD);
    }

    private static void emit(String line) {
        synchronized (OUT) {
            OUT.print(line);
            OUT.print(" ;\n");
            OUT.flush();
        }
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        FsyncPolicy policy = FsyncPolicy.parse(args[1]);
        boolean checkpoints = args.length > 2 && args[2].equals("checkpoints");
        Cairn db = Cairn.open(dir, options(policy));
        Keyspace a = db.defaultKeyspace();
        Keyspace b = db.keyspace("other", IndexKind.ORDERED);
        emit("READY");
        if (checkpoints) {
            Thread c = new Thread(() -> {
                while (true) {
                    try {
                        db.checkpoint();
                    } catch (Throwable e) {
                        emit("ERROR checkpoint failed: " + e);
                        System.exit(3);
                    }
                }
            }, "checkpointer");
            c.setDaemon(true);
            c.start();
        }
        try {
            while (true) {
                long next = a.getLong("n").orElse(0) + 1;
                emit("DO " + next);
                long n = db.exclusively(() -> {
                    long v = a.increment("n", 1);
                    String value = value(v);
                    for (int i = 0; i < KEYS; i++) {
                        a.put("k" + i, value);
                        b.put("k" + i, value);
                    }
                    return v;
                });
                emit("ACK " + n);
            }
        } catch (Throwable t) {
            emit("ERROR " + t);
            t.printStackTrace();
            System.exit(3);
        }
    }
}
