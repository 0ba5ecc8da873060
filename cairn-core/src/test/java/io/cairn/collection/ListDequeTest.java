package io.cairn.collection;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListDequeTest {

    private static byte[] e(int i) {
        return new byte[] {(byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
    }

    private static List<byte[]> contents(ListDeque d) {
        List<byte[]> out = new ArrayList<>();
        d.forEach(0, false, out::add);
        return out;
    }

    /**
     * A seeded random run against an {@link ArrayList} model (identity of elements, so a shifted-in wrong slot shows).
     * Phases bias towards growth or towards draining so the array both grows and shrinks, and wraps around its end.
     * Rerun a failure with {@code -Dseed=N}.
     */
    @Test
    void randomOperations_matchAnArrayList() {
        long seed = Long.getLong("seed", new Random().nextLong());
        String at = "seed " + seed + " (rerun with -Dseed=" + seed + ")";
        try {
            run(seed, at);
        } catch (AssertionError | RuntimeException ex) {
            System.err.println("ListDequeTest failed with " + at);
            throw ex;
        }
    }

    private static void run(long seed, String seedText) {
        SplittableRandom r = new SplittableRandom(seed);
        ListDeque d = new ListDeque();
        List<byte[]> model = new ArrayList<>();
        int growBias = 50;
        for (int step = 0; step < 200_000; step++) {
            if (step % 5_000 == 0) growBias = 20 + r.nextInt(60);
            if (model.size() > 3_000) growBias = 20; // keep the O(n) model and middle inserts cheap
            String at = seedText + " step " + step;
            byte[] x = e(step);
            int n = model.size();
            int op = r.nextInt(100);
            if (op < growBias / 2) {
                d.addFirst(x);
                model.add(0, x);
            } else if (op < growBias) {
                d.addLast(x);
                model.add(x);
            } else if (op < growBias + (100 - growBias) / 3) {
                same(d.pollFirst(), n == 0 ? null : model.remove(0), at);
            } else if (op < growBias + 2 * (100 - growBias) / 3) {
                same(d.pollLast(), n == 0 ? null : model.remove(n - 1), at);
            } else {
                switch (r.nextInt(7)) {
                    case 0 -> {
                        if (n > 0) {
                            int i = r.nextInt(n);
                            same(d.get(i), model.get(i), at);
                        }
                    }
                    case 1 -> {
                        if (n > 0) {
                            int i = r.nextInt(n);
                            same(d.set(i, x), model.set(i, x), at);
                        }
                    }
                    case 2 -> {
                        int i = r.nextInt(n + 1);
                        d.insert(i, x);
                        model.add(i, x);
                    }
                    case 3 -> {
                        if (n > 0) {
                            int i = r.nextInt(n);
                            same(d.remove(i), model.remove(i), at);
                        }
                    }
                    case 4 -> {
                        int from = r.nextInt(n + 1);
                        int to = from + r.nextInt(Math.min(n - from, 40) + 1);
                        d.removeRange(from, to);
                        model.subList(from, to).clear();
                    }
                    case 5 -> {
                        int from = r.nextInt(-1, n + 2);
                        boolean reverse = r.nextBoolean();
                        int stopAfter = r.nextInt(1, 30);
                        List<byte[]> got = new ArrayList<>();
                        int visited = d.forEach(from, reverse, el -> got.add(el) && got.size() < stopAfter);
                        List<byte[]> expected = new ArrayList<>();
                        if (from >= 0 && from < n) {
                            for (int i = from; i >= 0 && i < n && expected.size() < stopAfter; i += reverse ? -1 : 1) {
                                expected.add(model.get(i));
                            }
                        }
                        same(got, expected, () -> String.format("%s forEach %d reverse=%s", at, from, reverse));
                        same(visited, expected.size(), at);
                    }
                    default -> {
                        ListDeque c = d.copy();
                        same(contents(c), model, at);
                        c.addFirst(x); // the copy is independent
                        c.pollLast();
                    }
                }
            }
            same(d.size(), model.size(), at);
            if (step % 10_000 == 0) same(contents(d), model, at);
        }
        assertThat(contents(d)).as(seedText).containsExactlyElementsOf(model);
    }

    /**
     * Elements are compared by identity (each step adds a fresh array), lists by {@link List#equals}, which for arrays
     * is identity too. AssertJ runs only on a mismatch, to build the message: the loops stay fast.
     */
    private static void same(Object actual, Object expected, Supplier<String> what) {
        if (!Objects.equals(actual, expected)) {
            assertThat(actual).as(what).isEqualTo(expected);
            throw new AssertionError(what.get() + ": " + actual + " is not the same as " + expected);
        }
    }

    private static void same(Object actual, Object expected, String what) {
        same(actual, expected, () -> what);
    }

    @Test
    void pollFirstAndPollLast_onEmpty_returnNull() {
        ListDeque d = new ListDeque();
        assertThat(d.pollFirst()).isNull();
        assertThat(d.pollLast()).isNull();
        assertThat(d.isEmpty()).isTrue();
    }

    @Test
    void asAQueueAndAStack_behavesLikeArrayDeque() {
        ListDeque d = new ListDeque();
        ArrayDeque<byte[]> model = new ArrayDeque<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] x = e(i);
            if (i % 3 == 0) {
                d.addFirst(x);
                model.addFirst(x);
            } else {
                d.addLast(x);
                model.addLast(x);
            }
        }
        while (!model.isEmpty()) {
            same(d.pollFirst(), model.pollFirst(), "pollFirst");
            same(d.pollLast(), model.pollLast(), "pollLast");
        }
        assertThat(d.size()).isZero();
    }

    @Test
    void indexes_outOfRange_throw() {
        ListDeque d = new ListDeque();
        d.addLast(e(1));
        assertThatThrownBy(() -> d.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.set(1, e(2))).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.insert(2, e(2))).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.remove(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.removeRange(1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.removeRange(0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.addLast(null)).isInstanceOf(NullPointerException.class);
        assertThat(d.size()).isEqualTo(1);
    }

    @Test
    void removeRange_asLtrim_keepsTheMiddle() {
        ListDeque d = new ListDeque();
        List<byte[]> model = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            d.addLast(e(i));
            model.add(d.get(i));
        }
        // LTRIM key 10 59: the tail first, then the head.
        d.removeRange(60, 100);
        d.removeRange(0, 10);
        assertThat(contents(d)).containsExactlyElementsOf(model.subList(10, 60));
    }

    @Test
    void drainedAfterGrowth_stillWorksAcrossWrapAround() {
        ListDeque d = new ListDeque();
        for (int i = 0; i < 100_000; i++) d.addLast(e(i));
        for (int i = 0; i < 99_990; i++) d.pollFirst();
        for (int i = 0; i < 20; i++) d.addFirst(e(-i));
        List<byte[]> got = contents(d);
        assertThat(got).hasSize(30);
        List<byte[]> reversed = new ArrayList<>();
        d.forEach(29, true, reversed::add);
        Collections.reverse(reversed);
        assertThat(reversed).containsExactlyElementsOf(got);
        assertThat(d.get(29)).isEqualTo(e(99_999));
    }
}
