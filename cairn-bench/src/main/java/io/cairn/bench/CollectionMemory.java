package io.cairn.bench;

import io.cairn.Cairn;
import io.cairn.CairnOptions;
import io.cairn.FsyncPolicy;
import io.cairn.Keyspace;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Retained heap per collection element, small collections (compact, in the cell) and large ones (in their
 * structures), for the shapes {@code bench/collections-memory-vs-redis.sh} loads into Redis:
 *
 * <pre>
 * small-hash   100,000 keys "h:N", each 10 fields "field:NN" -> 8-byte value "vNNNNNNN"   (element = field+value)
 * large-hash   1 key, 1,000,000 fields "field:NNNNNNN" -> 8-byte value                    (element = field+value)
 * small-set    100,000 keys "s:N", each 10 members "member:NN"                            (element = member)
 * large-set    1 key, 1,000,000 members "member:NNNNNNN"
 * small-zset   100,000 keys "z:N", each 10 members "member:NN" with score NN
 * large-zset   1 key, 1,000,000 members "member:NNNNNNN" with score N
 * </pre>
 *
 * <pre>java -Xmx4g -cp cairn-bench/target/benchmarks.jar io.cairn.bench.CollectionMemory [case ...]</pre>
 */
public final class CollectionMemory {
    private CollectionMemory() {
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws Exception {
        String[] cases = args.length > 0 ? args
                : new String[] {"small-hash", "large-hash", "small-set", "large-set", "small-zset", "large-zset"};
        System.out.printf(Locale.ROOT, "# %s %s, JVM flags %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "%-12s %12s %14s %12s%n", "case", "elements", "retained MiB", "B/element");
        for (String c : cases) measure(c);
    }

    private static void measure(String name) throws Exception {
        Path dir = BenchFiles.newDir("collmem-" + name);
        long before = HeapPerEntry.settledUsedHeap();
        Cairn db = Cairn.open(dir, CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).build());
        Keyspace ks = db.defaultKeyspace();
        boolean small = name.startsWith("small");
        long elements = small ? 1_000_000 : 1_000_000;
        String type = name.substring(name.indexOf('-') + 1);
        if (small) {
            for (int k0 = 0; k0 < 100_000; k0 += 1000) {
                int from = k0;
                db.atomically(tx -> {
                    for (int k = from; k < from + 1000; k++) {
                        byte[] key = b(type.charAt(0) + ":" + k);
                        for (int i = 0; i < 10; i++) {
                            String el = String.format(Locale.ROOT, "%02d", i);
                            switch (type) {
                                case "hash" -> tx.hash(ks, key).put(b("field:" + el), b(String.format(Locale.ROOT, "v%07d", k)));
                                case "set" -> tx.set(ks, key).add(b("member:" + el));
                                default -> tx.sortedSet(ks, key).set(new byte[][]{b("member:" + el)}, new double[]{i});
                            }
                        }
                    }
                    return null;
                });
            }
        } else {
            byte[] key = b(type);
            for (int i0 = 0; i0 < 1_000_000; i0 += 1000) {
                int from = i0;
                db.atomically(tx -> {
                    for (int i = from; i < from + 1000; i++) {
                        String el = String.format(Locale.ROOT, "%07d", i);
                        switch (type) {
                            case "hash" -> tx.hash(ks, key).put(b("field:" + el), b(String.format(Locale.ROOT, "v%07d", i)));
                            case "set" -> tx.set(ks, key).add(b("member:" + el));
                            default -> tx.sortedSet(ks, key).set(new byte[][]{b("member:" + el)}, new double[]{i});
                        }
                    }
                    return null;
                });
            }
        }
        long after = HeapPerEntry.settledUsedHeap();
        long retained = after - before;
        System.out.printf(Locale.ROOT, "%-12s %,12d %14.1f %12.1f%n", name, elements, retained / 1048576.0,
                (double) retained / elements);
        Reference.reachabilityFence(db);
        db.close();
        BenchFiles.delete(dir);
    }
}
