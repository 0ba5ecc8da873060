package io.cairn.bench;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Eviction quality: the hit rate of a cache-aside workload on a Zipf-distributed key trace, against any server that
 * speaks the Redis protocol (Cairn or Redis), with memory for a fraction of the keys.
 *
 * <ol>
 *   <li>FLUSHALL, then SET {@code fraction × keys} keys with values of {@code value-size} bytes and read INFO's
 *       {@code used_memory}: that is the limit (the server's own accounting of what that many keys cost, so both
 *       servers get room for the same number of keys). FLUSHALL, CONFIG SET maxmemory to it and
 *       maxmemory-policy to the policy asked for.</li>
 *   <li>Replay the trace: {@code requests} key ranks drawn from Zipf(keys, exponent) with a fixed seed (the same
 *       trace for every server), in batches of {@code batch}: the batch's GETs in one pipeline, then a SET for each
 *       miss in a second one. Hits are counted from the GET replies.</li>
 * </ol>
 * Ranks are scattered over the key names by a fixed permutation (multiplication by a large prime modulo the key
 * count), so hot keys are not neighbours. Prints one line: the label, the policy, the hit rate overall
 * and over the second half of the trace (after warm-up), keys at the end, evictions, and the limit.
 *
 * <pre>java -cp cairn-bench/target/benchmarks.jar io.cairn.bench.EvictionHitRate --port 6379 --policy allkeys-lru
 *     [--keys 1000000] [--requests 10000000] [--fraction 0.1] [--exponent 0.99] [--value-size 100] [--seed 42]
 *     [--batch 100] [--label cairn]</pre>
 */
public final class EvictionHitRate {
    private EvictionHitRate() {
    }

    public static void main(String[] args) {
        int port = 6379;
        String policy = "allkeys-lru";
        int keys = 1_000_000;
        long requests = 10_000_000;
        double fraction = 0.1;
        double exponent = 0.99;
        int valueSize = 100;
        long seed = 42;
        int batch = 100;
        String label = "server";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(v);
                case "--policy" -> policy = v;
                case "--keys" -> keys = Integer.parseInt(v);
                case "--requests" -> requests = Long.parseLong(v);
                case "--fraction" -> fraction = Double.parseDouble(v);
                case "--exponent" -> exponent = Double.parseDouble(v);
                case "--value-size" -> valueSize = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--label" -> label = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) 'v');
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            j.configSet("maxmemory", "0");
            j.flushAll();
            long base = usedMemory(j);
            int room = (int) Math.round(keys * fraction);
            for (int i = 0; i < room; i += batch) {
                Pipeline p = j.pipelined();
                for (int k = i; k < Math.min(room, i + batch); k++) p.set(key(k, keys), value);
                p.sync();
            }
            long limit = usedMemory(j);
            j.flushAll();
            j.configSet("maxmemory-policy", policy);
            j.configSet("maxmemory", Long.toString(limit));
            long evictedBefore = infoLong(j, "stats", "evicted_keys");

            UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
            DiscreteSampler zipf = RejectionInversionZipfSampler.of(rng, keys, exponent);
            long hits = 0, lateHits = 0, lateRequests = 0;
            long half = requests / 2;
            long started = System.nanoTime();
            byte[][] batchKeys = new byte[batch][];
            List<Response<byte[]>> replies = new ArrayList<>(batch);
            for (long done = 0; done < requests; ) {
                int n = (int) Math.min(batch, requests - done);
                Pipeline p = j.pipelined();
                replies.clear();
                for (int b = 0; b < n; b++) {
                    batchKeys[b] = key(zipf.sample() - 1, keys);
                    replies.add(p.get(batchKeys[b]));
                }
                p.sync();
                Pipeline s = j.pipelined();
                for (int b = 0; b < n; b++) {
                    boolean hit = replies.get(b).get() != null;
                    if (hit) {
                        hits++;
                        if (done + b >= half) lateHits++;
                    } else {
                        s.set(batchKeys[b], value);
                    }
                    if (done + b >= half) lateRequests++;
                }
                s.sync();
                done += n;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long evicted = infoLong(j, "stats", "evicted_keys") - evictedBefore;
            System.out.printf(Locale.ROOT,
                    "%s %s: hit rate %.2f%% (second half %.2f%%), %d keys held at the end, %d evicted, maxmemory %d"
                            + " (%d over an empty server), %d requests in %.1f s%n",
                    label, policy, 100.0 * hits / requests, 100.0 * lateHits / lateRequests, j.dbSize(), evicted,
                    limit, limit - base, requests, seconds);
            j.configSet("maxmemory", "0");
            j.flushAll();
        }
    }

    /** Key name of trace rank {@code rank} (0-based): a bijection on [0, keys), since the prime does not divide keys. */
    private static byte[] key(long rank, int keys) {
        long scattered = rank * 2_147_483_629L % keys;
        return ("key:" + scattered).getBytes(StandardCharsets.US_ASCII);
    }

    private static long usedMemory(Jedis j) {
        return infoLong(j, "memory", "used_memory");
    }

    private static long infoLong(Jedis j, String section, String field) {
        for (String line : j.info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).trim());
        }
        throw new IllegalStateException("INFO " + section + " has no " + field);
    }
}
