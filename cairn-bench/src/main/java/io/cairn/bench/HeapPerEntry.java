package io.cairn.bench;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.FsyncPolicy;
import io.cairn.IndexKind;
import io.cairn.Keyspace;

import java.lang.management.BufferPoolMXBean;
import java.lang.ref.Reference;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Retained heap per entry: loads {@code n} entries (16-byte keys, 100-byte values, default 1,000,000) into each
 * structure and measures the used heap after forced, settled GCs before and after, with the structure still
 * reachable. Prints bytes per entry and the overhead beyond the 116 bytes of key and value.
 *
 * <pre>java -Xmx4g -cp cairn-bench/target/benchmarks.jar io.cairn.bench.HeapPerEntry [n] [case ...]</pre>
 * Cases: cairn-hash, cairn-ordered, hashmap, skiplist (all by default). Each case runs in the same JVM, one after
 * the other, with everything of the previous case released first.
 */
public final class HeapPerEntry {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final int RAW = Dataset.KEY_SIZE + Dataset.VALUE_SIZE;

    private HeapPerEntry() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        String[] cases = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"cairn-hash", "cairn-ordered", "hashmap", "skiplist"};
        System.out.printf(Locale.ROOT, "# %s %s, max heap %d MiB, %,d entries of %d-byte keys and %d-byte values%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, n, Dataset.KEY_SIZE, Dataset.VALUE_SIZE);
        System.out.printf(Locale.ROOT, "# JVM flags: %s%n", ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "%-15s %14s %12s %16s %14s%n",
                "case", "retained MiB", "B/entry", "overhead B/entry", "direct MiB");
        for (String c : cases) {
            measure(c, n);
        }
        System.out.println("# overhead = bytes per entry - " + RAW + " (16-byte key + 100-byte value). For scale: a"
                + " byte[16] and a byte[100] alone take 32 + 120 = 152 bytes on a 64-bit JVM with compressed oops.");
    }

    private static void measure(String name, int n) throws Exception {
        Path dir = null;
        long directBefore = directBytes();
        long before = settledUsedHeap();
        Object held;
        AutoCloseable closer = null;
        switch (name) {
            case "cairn-hash":
            case "cairn-ordered": {
                dir = BenchFiles.newDir("heap-" + name);
                Cairn db = Cairn.open(dir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).build());
                Keyspace ks = name.equals("cairn-hash") ? db.defaultKeyspace()
                        : db.createKeyspace("ordered", IndexKind.ORDERED);
                for (int i = 0; i < n; i++) ks.put(Dataset.key(i), Dataset.value(i));
                if (ks.size() != n) throw new IllegalStateException(name + ": size " + ks.size() + " != " + n);
                held = db;
                closer = db;
                break;
            }
            case "hashmap": {
                Map<String, byte[]> m = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(new String(Dataset.key(i), StandardCharsets.ISO_8859_1), Dataset.value(i));
                }
                held = m;
                break;
            }
            case "skiplist": {
                ConcurrentSkipListMap<byte[], byte[]> m = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
                for (int i = 0; i < n; i++) m.put(Dataset.key(i), Dataset.value(i));
                held = m;
                break;
            }
            default:
                throw new IllegalArgumentException("unknown case " + name);
        }
        long after = settledUsedHeap();
        long direct = directBytes() - directBefore;
        long retained = after - before;
        double perEntry = (double) retained / n;
        System.out.printf(Locale.ROOT, "%-15s %14.1f %12.1f %16.1f %14.1f%n",
                name, retained / 1048576.0, perEntry, perEntry - RAW, direct / 1048576.0);
        if (held instanceof Cairn) {
            System.out.println("#   " + name + " stats: " + ((Cairn) held).stats());
        }
        // Keep the structure reachable until after the measurement.
        Reference.reachabilityFence(held);
        if (closer != null) closer.close();
        if (dir != null) BenchFiles.delete(dir);
        settledUsedHeap();
    }

    /** Used heap after repeated full GCs, once two consecutive readings agree within 64 KiB. */
    static long settledUsedHeap() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(150);
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 3 && Math.abs(used - last) < 64 * 1024) return used;
            last = used;
        }
        return last;
    }

    private static long directBytes() {
        long total = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            total += pool.getMemoryUsed();
        }
        return total;
    }
}
