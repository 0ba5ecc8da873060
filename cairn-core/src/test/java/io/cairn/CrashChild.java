package io.cairn;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link CrashTest}: opens the store, then runs writer threads until it is killed, announcing every
 * call before making it and acknowledging it after it returns.
 *
 * <p>Arguments: data directory, fsync policy ({@code always}/{@code never}), seed, number of writers, version base
 * (larger than any version an earlier run used), and optionally {@code checkpoints}: take checkpoints back to back
 * on a thread of their own while the writers run, so kills land inside snapshot writing and log deletion.
 *
 * <p>Protocol on stdout, one line per event, each line ending with {@code " ;"} so a line cut by the kill is
 * recognisable; a writer's lines appear in the order it made its calls:
 * <pre>
 * READY
 * DO w n PUT key version pad ;           put key = value("v" + version, pad)
 * DO w n DEL key ;                       delete key
 * DO w n BATCH id pad key1,key2,... ;    one WriteBatch putting value("b" + id, pad) into every key
 * DO w n INCR key delta ;                increment key by delta
 * ACK w n ;                              call n of writer w returned (INCR: "ACK w n = result ;")
 * ERROR w text ;                         a call failed unexpectedly (the child then exits with status 3)
 * </pre>
 * A writer announces call n+1 only after acknowledging call n, so at most one unacknowledged call per writer can have
 * taken effect: the last one announced.
 */
public final class CrashChild {
    static final int KEYS_PER_WRITER = 12;
    static final int COUNTERS_PER_WRITER = 2;
    static final long SEGMENT_SIZE = 64 * 1024;

    private static final PrintStream OUT = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);

    private CrashChild() {
    }

    static CairnOptions options(FsyncPolicy policy) {
        return CairnOptions.builder().fsyncPolicy(policy).segmentSize(SEGMENT_SIZE)
                .checkpointInterval(java.time.Duration.ZERO).checkpointLogBytes(0).build();
    }

    static String key(int writer, int i) {
        return "w" + writer + ":k" + i;
    }

    static String counter(int writer, int i) {
        return "w" + writer + ":c" + i;
    }

    /** The value a PUT ("v" + version) or a BATCH ("b" + id) writes: the tag, then {@code pad} filler characters. */
    static String value(String tag, int pad) {
        StringBuilder sb = new StringBuilder(tag.length() + 1 + pad).append(tag).append(':');
        for (int i = 0; i < pad; i++) sb.append((char) ('a' + (i * 31 + tag.length()) % 26));
        return sb.toString();
    }

    /** One whole line per write system call, so lines of different threads never interleave. */
    private static void emit(String line) {
        synchronized (OUT) {
            OUT.print(line);
            OUT.print(" ;\n");
            OUT.flush();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        FsyncPolicy policy = FsyncPolicy.parse(args[1]);
        long seed = Long.parseLong(args[2]);
        int writers = Integer.parseInt(args[3]);
        long versionBase = Long.parseLong(args[4]);
        boolean checkpoints = args.length > 5 && args[5].equals("checkpoints");

        Cairn db = Cairn.open(dir, options(policy));
        emit("READY");
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(db, writer, new Random(seed * 31 + writer), versionBase), "writer-" + w);
            threads.add(t);
            t.start();
        }
        if (checkpoints) {
            Thread c = new Thread(() -> {
                while (true) {
                    try {
                        db.checkpoint();
                    } catch (Throwable e) {
                        emit("ERROR c checkpoint failed: " + e);
                        System.exit(3);
                    }
                }
            }, "checkpointer");
            c.setDaemon(true);
            c.start();
        }
        for (Thread t : threads) t.join(); // until killed
    }

    private static void write(Cairn db, int w, Random rnd, long versionBase) {
        for (long n = 1; ; n++) {
            try {
                int dice = rnd.nextInt(100);
                if (dice < 40) {
                    String k = key(w, rnd.nextInt(KEYS_PER_WRITER));
                    long version = versionBase + n;
                    int pad = rnd.nextInt(200);
                    emit("DO " + w + " " + n + " PUT " + k + " " + version + " " + pad);
                    db.put(k, value("v" + version, pad));
                    emit("ACK " + w + " " + n);
                } else if (dice < 55) {
                    String k = key(w, rnd.nextInt(KEYS_PER_WRITER));
                    emit("DO " + w + " " + n + " DEL " + k);
                    db.delete(k);
                    emit("ACK " + w + " " + n);
                } else if (dice < 80) {
                    int size = 2 + rnd.nextInt(4);
                    List<String> keys = new ArrayList<>();
                    while (keys.size() < size) {
                        String k = key(w, rnd.nextInt(KEYS_PER_WRITER));
                        if (!keys.contains(k)) keys.add(k);
                    }
                    String id = (versionBase + n) + "." + w;
                    int pad = rnd.nextInt(300);
                    emit("DO " + w + " " + n + " BATCH " + id + " " + pad + " " + String.join(",", keys));
                    WriteBatch batch = new WriteBatch();
                    for (String k : keys) batch.put(k, value("b" + id, pad));
                    db.write(batch);
                    emit("ACK " + w + " " + n);
                } else {
                    String k = counter(w, rnd.nextInt(COUNTERS_PER_WRITER));
                    long delta = 1 + rnd.nextInt(100);
                    emit("DO " + w + " " + n + " INCR " + k + " " + delta);
                    long result = db.increment(k, delta);
                    emit("ACK " + w + " " + n + " = " + result);
                }
            } catch (Throwable t) {
                emit("ERROR " + w + " " + t);
                t.printStackTrace();
                System.exit(3);
            }
        }
    }
}
