package io.cairn;

import io.cairn.collection.HashValue;
import io.cairn.collection.ListValue;
import io.cairn.collection.SetValue;
import io.cairn.collection.ZSetValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hashes, lists, sets and sorted sets in the core: seeded runs against java.util models through restarts and
 * checkpoints, and writers changing collections while checkpoints are taken back to back (a snapshot's walk sees
 * collections after later changes; recovery must skip what it holds and replay the rest, exactly).
 */
class CollectionsTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static CairnOptions.Builder opts() {
        return CairnOptions.builder().fsyncPolicy(FsyncPolicy.NEVER).segmentSize(256 * 1024)
                .checkpointInterval(Duration.ZERO).checkpointLogBytes(0);
    }

    /** The whole keyspace as text: strings as they are, collections in a canonical form. */
    static Map<String, String> contents(Cairn db, Keyspace ks) {
        Map<String, String> out = new TreeMap<>();
        List<byte[]> keys = new ArrayList<>();
        try (CloseableIterator<Entry> it = ks.iterator()) {
            while (it.hasNext()) keys.add(it.next().key());
        }
        db.atomically(tx -> {
            for (byte[] k : keys) {
                ValueType t = tx.type(ks, k);
                if (t == null) continue;
                out.put(s(k), switch (t) {
                    case STRING -> "s:" + s(tx.get(ks, k));
                    case HASH -> {
                        TreeMap<String, String> m = new TreeMap<>();
                        tx.hash(ks, k).value().forEach((f, v) -> m.put(s(f), s(v)));
                        yield "h:" + m;
                    }
                    case LIST -> {
                        List<String> l = new ArrayList<>();
                        ListValue v = tx.list(ks, k).value();
                        for (int i = 0; i < v.size(); i++) l.add(s(v.get(i)));
                        yield "l:" + l;
                    }
                    case SET -> {
                        TreeSet<String> m = new TreeSet<>();
                        tx.set(ks, k).value().forEach(x -> m.add(s(x)));
                        yield "s:" + m;
                    }
                    case SORTED_SET -> {
                        List<String> l = new ArrayList<>();
                        tx.sortedSet(ks, k).value().index().forEach((m, sc) -> l.add(s(m) + "=" + sc));
                        yield "z:" + l;
                    }
                });
            }
            return null;
        });
        return out;
    }

    /** A model of one keyspace: String, TreeMap (hash), ArrayList (list), TreeSet (set), TreeMap member→score. */
    static final class Model {
        final Map<String, Object> keys = new TreeMap<>();

        Map<String, String> contents() {
            Map<String, String> out = new TreeMap<>();
            keys.forEach((k, v) -> {
                if (v instanceof String str) out.put(k, "s:" + str);
                else if (v instanceof HModel h) out.put(k, "h:" + h.m);
                else if (v instanceof ArrayList<?> l) out.put(k, "l:" + l);
                else if (v instanceof TreeSet<?> t) out.put(k, "s:" + t);
                else if (v instanceof ZModel z) {
                    List<String> l = new ArrayList<>();
                    z.m.entrySet().stream()
                            .sorted((x, y) -> x.getValue().equals(y.getValue()) ? x.getKey().compareTo(y.getKey()) : Double.compare(x.getValue(), y.getValue()))
                            .forEach(e -> l.add(e.getKey() + "=" + e.getValue()));
                    out.put(k, "z:" + l);
                }
            });
            return out;
        }
    }

    static final class HModel {
        final TreeMap<String, String> m = new TreeMap<>();
    }

    static final class ZModel {
        final TreeMap<String, Double> m = new TreeMap<>();
    }

    /** One random operation on {@code key}, applied to the store and the model alike. */
    @SuppressWarnings("unchecked")
    static void step(Cairn db, Keyspace ks, Model model, String key, SplittableRandom r) {
        byte[] k = b(key);
        Object cur = model.keys.get(key);
        int op = r.nextInt(16);
        // big elements now and then push a collection past the compact limits
        String el = r.nextInt(20) == 0 ? "x".repeat(70) + r.nextInt(50) : "e" + r.nextInt(r.nextBoolean() ? 20 : 400);
        switch (op) {
            case 0 -> {
                db.atomically(tx -> {
                    tx.put(ks, k, b("str" + el), 0);
                    return null;
                });
                model.keys.put(key, "str" + el);
            }
            case 1 -> {
                db.atomically(tx -> tx.delete(ks, k));
                model.keys.remove(key);
            }
            case 2, 3 -> {
                if (cur != null && !(cur instanceof HModel)) return;
                int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 3);
                byte[][] pairs = new byte[n * 2][];
                HModel h = cur == null ? new HModel() : (HModel) cur;
                for (int i = 0; i < n; i++) {
                    String f = "f" + r.nextInt(300);
                    String v = el + i;
                    pairs[2 * i] = b(f);
                    pairs[2 * i + 1] = b(v);
                    h.m.put(f, v);
                }
                int added = db.atomically(tx -> tx.hash(ks, k).put(pairs));
                assertThat(added).isGreaterThanOrEqualTo(0);
                model.keys.put(key, h);
            }
            case 4 -> {
                if (!(cur instanceof HModel h)) return;
                List<String> fs = new ArrayList<>(h.m.keySet());
                int n = 1 + r.nextInt(Math.min(fs.size(), 50));
                byte[][] del = new byte[n][];
                int expect = 0;
                for (int i = 0; i < n; i++) {
                    String f = fs.get(r.nextInt(fs.size()));
                    del[i] = b(f);
                    if (h.m.remove(f) != null) expect++;
                }
                int removed = db.atomically(tx -> tx.hash(ks, k).remove(del));
                assertThat(removed).isEqualTo(expect);
                if (h.m.isEmpty()) model.keys.remove(key);
            }
            case 5, 6 -> {
                if (cur != null && !(cur instanceof ArrayList)) return;
                boolean head = r.nextBoolean();
                int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 300 : 3);
                byte[][] els = new byte[n][];
                ArrayList<String> l = cur == null ? new ArrayList<>() : (ArrayList<String>) cur;
                for (int i = 0; i < n; i++) {
                    els[i] = b(el + i);
                    if (head) l.add(0, el + i);
                    else l.add(el + i);
                }
                db.atomically(tx -> {
                    tx.list(ks, k).push(head, els);
                    return null;
                });
                model.keys.put(key, l);
            }
            case 7 -> {
                if (!(cur instanceof ArrayList)) return;
                ArrayList<String> l = (ArrayList<String>) cur;
                boolean head = r.nextBoolean();
                int n = 1 + r.nextInt(Math.min(l.size() + 1, 40));
                List<byte[]> got = db.atomically(tx -> tx.list(ks, k).pop(head, n));
                List<String> want = new ArrayList<>();
                for (int i = 0; i < n && !l.isEmpty(); i++) want.add(head ? l.remove(0) : l.remove(l.size() - 1));
                assertThat(got.stream().map(CollectionsTest::s).toList()).isEqualTo(want);
                if (l.isEmpty()) model.keys.remove(key);
            }
            case 8 -> {
                if (!(cur instanceof ArrayList)) return;
                ArrayList<String> l = (ArrayList<String>) cur;
                int kind = r.nextInt(4);
                int idx = r.nextInt(l.size());
                if (kind == 0) {
                    db.atomically(tx -> {
                        tx.list(ks, k).set(idx, b(el));
                        return null;
                    });
                    l.set(idx, el);
                } else if (kind == 1) {
                    int at = r.nextInt(l.size() + 1);
                    db.atomically(tx -> {
                        tx.list(ks, k).insert(at, b(el));
                        return null;
                    });
                    l.add(at, el);
                } else if (kind == 2) {
                    String target = l.get(idx);
                    long count = r.nextInt(5) - 2;
                    int removed = db.atomically(tx -> tx.list(ks, k).removeOccurrences(count, b(target)));
                    int done = 0;
                    if (count >= 0) {
                        for (int i = 0; i < l.size() && (count == 0 || done < count); ) {
                            if (l.get(i).equals(target)) {
                                l.remove(i);
                                done++;
                            } else i++;
                        }
                    } else {
                        for (int i = l.size() - 1; i >= 0 && done < -count; i--) {
                            if (l.get(i).equals(target)) {
                                l.remove(i);
                                done++;
                            }
                        }
                    }
                    assertThat(removed).isEqualTo(done);
                } else {
                    int start = r.nextInt(l.size());
                    int stop = start + r.nextInt(l.size());
                    db.atomically(tx -> {
                        tx.list(ks, k).trim(start, stop);
                        return null;
                    });
                    List<String> kept = new ArrayList<>(l.subList(start, Math.min(stop + 1, l.size())));
                    l.clear();
                    l.addAll(kept);
                }
                if (l.isEmpty()) model.keys.remove(key);
            }
            case 9, 10 -> {
                if (cur != null && !(cur instanceof TreeSet)) return;
                TreeSet<String> t = cur == null ? new TreeSet<>() : (TreeSet<String>) cur;
                int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 3);
                byte[][] ms = new byte[n][];
                int expect = 0;
                for (int i = 0; i < n; i++) {
                    String m = r.nextBoolean() ? Integer.toString(r.nextInt(1000)) : el + r.nextInt(3);
                    ms[i] = b(m);
                    if (t.add(m)) expect++;
                }
                int added = db.atomically(tx -> tx.set(ks, k).add(ms));
                assertThat(added).isEqualTo(expect);
                model.keys.put(key, t);
            }
            case 11 -> {
                if (!(cur instanceof TreeSet)) return;
                TreeSet<String> t = (TreeSet<String>) cur;
                List<String> all = new ArrayList<>(t);
                int n = 1 + r.nextInt(Math.min(all.size(), 60));
                byte[][] ms = new byte[n][];
                for (int i = 0; i < n; i++) ms[i] = b(all.get(r.nextInt(all.size())));
                db.atomically(tx -> tx.set(ks, k).remove(ms));
                for (byte[] m : ms) t.remove(s(m));
                if (t.isEmpty()) model.keys.remove(key);
            }
            case 12, 13 -> {
                if (cur != null && !(cur instanceof ZModel)) return;
                ZModel z = cur == null ? new ZModel() : (ZModel) cur;
                int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 3);
                byte[][] ms = new byte[n][];
                double[] sc = new double[n];
                java.util.LinkedHashMap<String, Double> last = new java.util.LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String m = el + r.nextInt(4);
                    double score = r.nextInt(8) == 0 ? Double.POSITIVE_INFINITY : r.nextInt(100) / 4.0;
                    ms[i] = b(m);
                    sc[i] = score;
                    last.put(m, score);
                }
                db.atomically(tx -> tx.sortedSet(ks, k).set(ms, sc));
                z.m.putAll(last);
                model.keys.put(key, z);
            }
            case 14 -> {
                if (!(cur instanceof ZModel z)) return;
                // ZPOPMIN-like: remove the lowest members, chosen inside the block
                int n = 1 + r.nextInt(Math.min(z.m.size(), 10));
                List<byte[]> popped = db.atomically(tx -> {
                    TxnSortedSet zs = tx.sortedSet(ks, k);
                    ZSetValue v = zs.value();
                    List<byte[]> out = new ArrayList<>();
                    for (int i = 0; i < n && i < v.size(); i++) out.add(v.index().memberAt(i));
                    zs.remove(out.toArray(new byte[0][]));
                    return out;
                });
                for (byte[] m : popped) assertThat(z.m.remove(s(m))).isNotNull();
                if (z.m.isEmpty()) model.keys.remove(key);
            }
            default -> {
                // copy whatever it holds to a sibling key
                String to = key + "-copy";
                boolean copied = db.atomically(tx -> tx.copyValue(ks, k, ks, b(to), 0));
                assertThat(copied).isEqualTo(cur != null);
                if (cur != null) model.keys.put(to, deepCopy(cur));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Object deepCopy(Object o) {
        if (o instanceof String) return o;
        if (o instanceof HModel h) {
            HModel c = new HModel();
            c.m.putAll(h.m);
            return c;
        }
        if (o instanceof ArrayList<?> l) return new ArrayList<>((ArrayList<String>) l);
        if (o instanceof TreeSet<?> t) return new TreeSet<>((TreeSet<String>) t);
        ZModel z = new ZModel();
        z.m.putAll(((ZModel) o).m);
        return z;
    }

    @Test
    void aBlockSeesSizesAfterItsOwnChangesToALargeCollection() {
        try (Cairn db = Cairn.open(dir, opts().build())) {
            Keyspace ks = db.defaultKeyspace();
            db.atomically(tx -> {
                for (int i = 0; i < 3000; i++) tx.list(ks, b("l")).push(false, b("e" + i));
                for (int i = 0; i < 3000; i++) tx.hash(ks, b("h")).put(b("f" + i), b("v"));
                return null;
            });
            int[] sizes = db.atomically(tx -> {
                TxnList l = tx.list(ks, b("l"));
                TxnHash h = tx.hash(ks, b("h"));
                int[] out = new int[6];
                l.push(true, b("x"), b("y"));
                out[0] = l.size();
                l.pop(false, 3);
                out[1] = l.size();
                l.insert(5, b("z"));
                out[2] = l.size();
                out[3] = l.removeOccurrences(0, b("z"));
                out[4] = l.size();
                h.remove(b("f1"), b("f2"), b("nope"));
                h.put(b("new"), b("1"));
                out[5] = h.size();
                return out;
            });
            assertThat(sizes).containsExactly(3002, 2999, 3000, 1, 2999, 2999);
            assertThat((Object) db.atomically(tx -> tx.list(ks, b("l")).size())).isEqualTo(2999);
        }
    }

    @Test
    void aBatchTheSnapshotAlreadyHoldsIsNotReplayedAgain() {
        try (Cairn db = Cairn.open(dir, opts().build())) {
            Keyspace ks = db.defaultKeyspace();
            db.atomically(tx -> {
                tx.list(ks, b("l")).push(false, b("a"));
                return null;
            });
            // one record (a batch) changing two collections between the capture and the walk: the walk sees it
            Checkpoints.afterCapture = () -> db.atomically(tx -> {
                tx.list(ks, b("l")).push(true, b("x"));
                tx.set(ks, b("s")).add(b("m"));
                tx.list(ks, b("l")).push(false, b("z"));
                return null;
            });
            try {
                db.checkpoint();
            } finally {
                Checkpoints.afterCapture = null;
            }
        }
        try (Cairn db = Cairn.open(dir, opts().build())) {
            assertThat(db.recoveryInfo().recordsReplayed()).isGreaterThanOrEqualTo(1);
            assertThat(contents(db, db.defaultKeyspace())).containsEntry("l", "l:[x, a, z]").containsEntry("s", "s:[m]");
        }
    }

    @Test
    void aBlockChangingOneCollectionTwiceIsReplayedWhole() {
        try (Cairn db = Cairn.open(dir, opts().build())) {
            Keyspace ks = db.defaultKeyspace();
            db.atomically(tx -> {
                tx.list(ks, b("l")).push(false, b("a"), b("b"), b("c"));
                return null;
            });
            db.checkpoint();
            // a rotation (LMOVE l l): a pop and a push of one list in one record; then two pushes in one record
            db.atomically(tx -> {
                TxnList l = tx.list(ks, b("l"));
                byte[] last = l.pop(false, 1).get(0);
                l.push(true, last);
                return null;
            });
            db.atomically(tx -> {
                tx.list(ks, b("l")).push(false, b("d"));
                tx.list(ks, b("l")).push(false, b("e"));
                tx.hash(ks, b("h")).put(b("f"), b("1"));
                tx.hash(ks, b("h")).put(b("g"), b("2"));
                return null;
            });
            db.atomically(tx -> tx.list(ks, b("l")).value().size());
        }
        try (Cairn db = Cairn.open(dir, opts().build())) {
            assertThat(contents(db, db.defaultKeyspace()))
                    .containsEntry("l", "l:[c, a, b, d, e]")
                    .containsEntry("h", "h:{f=1, g=2}");
        }
    }

    @Test
    void seededRunsMatchModelsThroughRestartsAndCheckpoints() {
        long seed = Long.getLong("cairn.collections.seed", System.nanoTime());
        SplittableRandom r = new SplittableRandom(seed);
        Model model = new Model();
        try {
            for (int round = 0; round < 4; round++) {
                try (Cairn db = Cairn.open(dir, opts().build())) {
                    Keyspace ks = db.defaultKeyspace();
                    assertThat(contents(db, ks)).as("after reopening, round " + round).isEqualTo(model.contents());
                    for (int i = 0; i < 1500; i++) {
                        step(db, ks, model, "k" + r.nextInt(12), r);
                        if (r.nextInt(500) == 0) db.checkpoint();
                    }
                    assertThat(contents(db, ks)).as("live, round " + round).isEqualTo(model.contents());
                    if (round % 2 == 1) db.checkpoint();
                }
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (-Dcairn.collections.seed=" + seed + ")", e);
        }
    }

    @Test
    void changesBetweenCaptureAndWalkAreReplayedExactlyOnce() {
        long seed = Long.getLong("cairn.collections.seed", System.nanoTime());
        SplittableRandom r = new SplittableRandom(seed);
        Model model = new Model();
        for (int round = 0; round < 12; round++) {
            Map<String, String> live;
            try (Cairn db = Cairn.open(dir, opts().build())) {
                Keyspace ks = db.defaultKeyspace();
                for (int i = 0; i < 400; i++) step(db, ks, model, "k" + r.nextInt(10), r);
                // the walk sees every collection after these few changes (few, so that most keys are not replaced
                // by an absolute write meanwhile); recovery replays them from the log after S and must skip them
                Checkpoints.afterCapture = () -> {
                    for (int i = 0; i < 25; i++) step(db, ks, model, "k" + r.nextInt(10), r);
                };
                try {
                    db.checkpoint();
                } finally {
                    Checkpoints.afterCapture = null;
                }
                live = contents(db, ks);
                assertThat(live).as("seed " + seed).isEqualTo(model.contents());
            }
            try (Cairn db = Cairn.open(dir, opts().build())) {
                assertThat(db.recoveryInfo().snapshotSequence()).isGreaterThan(0);
                assertThat(contents(db, db.defaultKeyspace())).as("recovered, seed " + seed).isEqualTo(live);
            }
        }
    }

    @Test
    void writersChangingCollectionsDuringCheckpointsRecoverExactly() throws Exception {
        long seed = Long.getLong("cairn.collections.seed", System.nanoTime());
        int writers = 3;
        Model[] models = new Model[writers];
        Map<String, String> live;
        try (Cairn db = Cairn.open(dir, opts().build())) {
            Keyspace ks = db.defaultKeyspace();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicLong ops = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                models[w] = new Model();
                threads.add(new Thread(() -> {
                    SplittableRandom r = new SplittableRandom(seed + id);
                    try {
                        for (int i = 0; i < 6000 && !stop.get(); i++) {
                            step(db, ks, models[id], "w" + id + "-" + r.nextInt(6), r);
                            ops.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            // between a checkpoint's capture and its walk, let the writers change things: the walk then sees
            // collections after changes that recovery will replay again, which it must skip
            Checkpoints.afterCapture = () -> {
                long until = ops.get() + 100;
                while (ops.get() < until && threads.stream().anyMatch(Thread::isAlive)) Thread.onSpinWait();
            };
            int checkpoints = 0;
            try {
                threads.forEach(Thread::start);
                while (threads.stream().anyMatch(Thread::isAlive)) {
                    db.checkpoint();
                    checkpoints++;
                }
            } finally {
                Checkpoints.afterCapture = null;
            }
            for (Thread t : threads) t.join();
            if (failure.get() != null) throw new AssertionError("seed " + seed, failure.get());
            assertThat(checkpoints).isGreaterThan(1);
            Model all = new Model();
            for (Model m : models) all.keys.putAll(m.keys);
            live = contents(db, ks);
            assertThat(live).as("seed " + seed).isEqualTo(all.contents());
        }
        try (Cairn db = Cairn.open(dir, opts().build())) {
            assertThat(db.recoveryInfo().snapshotSequence()).isGreaterThan(0);
            assertThat(contents(db, db.defaultKeyspace())).as("recovered, seed " + seed).isEqualTo(live);
        }
    }
}
