package io.cairn;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link CollectionCrashTest}: under fsync ALWAYS, writers change a list, a hash, a set and a sorted
 * set each (pushes and pops, sets and deletes, adds and removes) plus a counter, all in one atomic block per step,
 * acknowledging each step after it returns, while a thread takes checkpoints back to back; until it is killed.
 *
 * <p>Arguments: data directory, writers. Output: {@code READY ;} then {@code ACK w n ;} per step.
 */
public final class CollectionCrashChild {
    private static final PrintStream OUT = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);

    private CollectionCrashChild() {
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Step {@code n} (from 1) of writer {@code w}, applied through {@code tx}: deterministic in (w, n). */
    static void step(Txn tx, Keyspace ks, int w, long n) {
        String p = "w" + w + ":";
        tx.put(ks, b(p + "n"), b(Long.toString(n)), 0);
        TxnList l = tx.list(ks, b(p + "list"));
        if (n % 3 == 0) l.pop(n % 2 == 0, 1);
        else l.push(n % 2 == 0, b("e" + n + "x".repeat((int) (n % 7) * 10)));
        TxnHash h = tx.hash(ks, b(p + "hash"));
        if (n % 5 == 0) h.remove(b("f" + (n * 7 % 60)));
        else h.put(b("f" + (n % 60)), b("v" + n));
        TxnSet s = tx.set(ks, b(p + "set"));
        if (n % 4 == 0) s.remove(b("m" + (n * 3 % 150)));
        else s.add(b("m" + (n % 150)));
        TxnSortedSet z = tx.sortedSet(ks, b(p + "zset"));
        if (n % 6 == 0) {
            io.cairn.collection.ZSetValue v = z.value();
            if (v != null) z.remove(v.index().memberAt(0));
        } else {
            z.set(new byte[][]{b("z" + (n % 200))}, new double[]{(n * 31) % 97});
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int writers = Integer.parseInt(args[1]);
        Cairn db = Cairn.open(dir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.ALWAYS).segmentSize(128 * 1024)
                .checkpointInterval(java.time.Duration.ZERO).checkpointLogBytes(0).build());
        Keyspace ks = db.defaultKeyspace();
        synchronized (OUT) {
            OUT.println("READY ;");
            OUT.flush();
        }
        Thread checkpointer = new Thread(() -> {
            while (true) {
                try {
                    db.checkpoint();
                } catch (RuntimeException e) {
                    return;
                }
            }
        });
        checkpointer.setDaemon(true);
        checkpointer.start();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                String cur = ks.getString("w" + id + ":n");
                long n = cur == null ? 0 : Long.parseLong(cur);
                while (true) {
                    long next = ++n;
                    db.atomically(tx -> {
                        step(tx, ks, id, next);
                        return null;
                    });
                    synchronized (OUT) {
                        OUT.println("ACK " + id + " " + next + " ;");
                        OUT.flush();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
    }
}
