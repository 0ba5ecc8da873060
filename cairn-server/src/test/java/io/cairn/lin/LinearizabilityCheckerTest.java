package io.cairn.lin;

import io.cairn.lin.LinearizabilityChecker.Result;
import io.cairn.lin.LinearizabilityChecker.Verdict;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hand-written histories, each small enough to check by eye, with times in milliseconds on a clock the test sets.
 * The randomized runs are in {@link LinearizabilityRandomTest}.
 */
class LinearizabilityCheckerTest {
    private final AtomicLong now = new AtomicLong();
    private final History h = new History(now::get);

    private static final int A = 1;
    private static final int B = 2;
    private static final int C = 3;

    /** An operation from {@code from} to {@code to} ms that returned {@code result}. */
    private long ok(int client, Op op, long from, long to, String result) {
        now.set(from * 1_000_000);
        long id = h.invoke(client, op);
        now.set(to * 1_000_000);
        h.ok(id, result);
        return id;
    }

    private void write(int client, String key, String value, long from, long to) {
        ok(client, Op.write(key, value), from, to, "OK");
    }

    private void read(int client, String key, String result, long from, long to) {
        ok(client, Op.read(key), from, to, result);
    }

    /** A write invoked at {@code from} ms whose outcome the client never learnt. */
    private void unknownWrite(int client, String key, String value, long from, long to) {
        now.set(from * 1_000_000);
        long id = h.invoke(client, Op.write(key, value));
        now.set(to * 1_000_000);
        h.info(id);
    }

    private void failedWrite(int client, String key, String value, long from, long to) {
        now.set(from * 1_000_000);
        long id = h.invoke(client, Op.write(key, value));
        now.set(to * 1_000_000);
        h.fail(id);
    }

    private Result check() {
        return LinearizabilityChecker.check(h);
    }

    private void assertLinearizable() {
        Result r = check();
        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    private Result assertViolation(String key) {
        Result r = check();
        assertThat(r.verdict()).as("%s", r).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.ok()).isFalse();
        assertThat(r.key()).isEqualTo(key);
        return r;
    }

    @Test
    void empty_linearizable() {
        assertLinearizable();
    }

    @Test
    void sequential_writeThenRead() {
        read(A, "k", null, 0, 1);
        write(A, "k", "1", 2, 3);
        read(B, "k", "1", 4, 5);
        write(B, "k", "2", 6, 7);
        read(A, "k", "2", 8, 9);
        assertLinearizable();
    }

    @Test
    void staleRead_afterCompletedWrite() {
        write(A, "k", "1", 0, 10);
        write(A, "k", "2", 20, 30);
        read(B, "k", "1", 40, 50);
        Result r = assertViolation("k");
        assertThat(r.explanation())
                .contains("#2 client 2 read -> \"1\" [+40.000 ms, +50.000 ms]")
                .contains("No linearization of the operations before it leaves the register holding \"1\";"
                        + " one that leaves \"2\" (all 2 steps), with the value after each:\n")
                .contains("#1 client 1 write(\"2\") [+20.000 ms, +30.000 ms]  => \"2\"")
                .contains("Why: \"1\" must be current from +10.000 ms (#0 completed) to +40.000 ms (#2 began),"
                        + " but \"2\" (written by #1) must be current at some instant between +20.000 ms and"
                        + " +30.000 ms, inside that span.");
    }

    @Test
    void staleRead_initialValueAfterCompletedWrite() {
        write(A, "k", "1", 0, 10);
        read(B, "k", null, 20, 30);
        assertThat(assertViolation("k").explanation()).contains("read -> nil")
                .contains("leaves the register holding nil; one that leaves \"1\"");
    }

    @Test
    void read_ofValueNeverWritten() {
        write(A, "k", "1", 0, 10);
        read(B, "k", "ghost", 5, 15);
        assertThat(assertViolation("k").explanation()).contains("read -> \"ghost\"");
    }

    @Test
    void read_ofValueWrittenOnlyLater() {
        read(B, "k", "1", 0, 10);
        write(A, "k", "1", 20, 30);
        assertViolation("k");
    }

    @Test
    void reads_observeConcurrentWritesInOppositeOrders() {
        // both writes span the whole run: either order is fine, but the two readers disagree on which came first
        write(A, "k", "1", 0, 100);
        write(B, "k", "2", 0, 100);
        read(C, "k", "1", 10, 20);
        read(C, "k", "2", 30, 40);
        read(4, "k", "2", 10, 20);
        read(4, "k", "1", 30, 40);
        assertViolation("k");
    }

    @Test
    void reads_observeConcurrentWritesInTheSameOrder() {
        write(A, "k", "1", 0, 100);
        write(B, "k", "2", 0, 100);
        read(C, "k", "1", 10, 20);
        read(C, "k", "2", 30, 40);
        read(4, "k", "1", 10, 20);
        read(4, "k", "2", 30, 40);
        assertLinearizable();
    }

    @Test
    void concurrentWrites_eitherOrderIsFine() {
        write(A, "k", "1", 0, 10);
        write(B, "k", "2", 5, 15);
        read(C, "k", "1", 20, 30);
        read(C, "k", "1", 40, 50);
        assertLinearizable();
    }

    @Test
    void concurrentWrites_otherOrderIsFineToo() {
        write(A, "k", "1", 0, 10);
        write(B, "k", "2", 5, 15);
        read(C, "k", "2", 20, 30);
        assertLinearizable();
    }

    @Test
    void concurrentWrites_thenFlipFlop() {
        write(A, "k", "1", 0, 10);
        write(B, "k", "2", 5, 15);
        read(C, "k", "2", 20, 30);
        read(C, "k", "1", 40, 50);
        assertViolation("k");
    }

    @Test
    void read_concurrentWithWrite_mayReturnEitherValue() {
        write(A, "k", "1", 0, 10);
        write(A, "k", "2", 20, 40);
        read(B, "k", "1", 25, 35);
        read(C, "k", "2", 25, 35);
        assertLinearizable();
    }

    @Test
    void unknownWrite_seenThenUnseen_violation() {
        write(A, "k", "1", 0, 10);
        unknownWrite(B, "k", "2", 20, 25);
        read(C, "k", "2", 30, 40);
        read(C, "k", "1", 50, 60); // nothing wrote "1" again after "2" was seen
        Result r = assertViolation("k");
        assertThat(r.explanation()).contains("#1 client 2 write(\"2\") [+20.000 ms, ?) outcome unknown");
    }

    @Test
    void unknownWrite_neverObserved_fine() {
        write(A, "k", "1", 0, 10);
        unknownWrite(B, "k", "2", 20, 25);
        read(C, "k", "1", 30, 40);
        read(C, "k", "1", 50, 60);
        assertLinearizable();
    }

    @Test
    void unknownWrite_takesEffectLongAfterItsClientGaveUp() {
        write(A, "k", "1", 0, 10);
        unknownWrite(B, "k", "2", 20, 25);
        read(C, "k", "1", 30, 40);
        read(C, "k", "1", 500, 510);
        read(C, "k", "2", 1000, 1010);
        read(A, "k", "2", 1020, 1030);
        assertLinearizable();
    }

    @Test
    void unknownWrite_cannotTakeEffectBeforeItsInvocation() {
        write(A, "k", "1", 0, 10);
        read(C, "k", "2", 20, 30);
        unknownWrite(B, "k", "2", 40, 45);
        assertViolation("k");
    }

    @Test
    void unknownWrite_seenThenOverwritten_fine() {
        unknownWrite(B, "k", "2", 0, 5);
        read(C, "k", "2", 10, 20);
        write(A, "k", "3", 30, 40);
        read(C, "k", "3", 50, 60);
        assertLinearizable();
    }

    @Test
    void pendingWrite_countsAsUnknown() {
        write(A, "k", "1", 0, 10);
        now.set(20_000_000);
        h.invoke(B, Op.write("k", "2")); // never completed
        read(C, "k", "2", 30, 40);
        assertLinearizable();
        read(C, "k", "1", 50, 60);
        assertViolation("k");
    }

    @Test
    void failedWrite_isDropped() {
        write(A, "k", "1", 0, 10);
        failedWrite(B, "k", "2", 20, 25);
        read(C, "k", "1", 30, 40);
        assertLinearizable();
        read(C, "k", "2", 50, 60); // a failed write must never be seen
        assertViolation("k");
    }

    @Test
    void unknownRead_constrainsNothing() {
        write(A, "k", "1", 0, 10);
        now.set(20_000_000);
        long id = h.invoke(B, Op.read("k"));
        now.set(30_000_000);
        h.info(id);
        read(C, "k", "1", 40, 50);
        assertLinearizable();
    }

    @Test
    void keys_areCheckedIndependently() {
        write(A, "a", "1", 0, 10);
        write(B, "b", "1", 0, 10);
        read(C, "a", "1", 20, 30);
        read(C, "b", null, 20, 30); // stale on b only
        read(A, "a", "1", 40, 50);
        Result r = assertViolation("b");
        assertThat(r.explanation()).startsWith("not linearizable: key \"b\" (2 operations on it checked; 2 keys,");
    }

    @Test
    void values_mayRepeat() {
        write(A, "k", "x", 0, 10);
        write(B, "k", "y", 20, 30);
        write(A, "k", "x", 40, 50);
        read(C, "k", "x", 60, 70);
        read(C, "k", "y", 25, 35);
        assertLinearizable();
    }

    @Test
    void explanation_showsWhereTheSearchStopped() {
        for (int i = 0; i < 20; i++) {
            write(A, "k", "v" + i, 100 * i, 100 * i + 10);
            read(B, "k", "v" + i, 100 * i + 20, 100 * i + 30);
        }
        read(C, "k", "v3", 2000, 2010);
        Result r = assertViolation("k");
        assertThat(r.explanation())
                .contains("Everything completing before +2010.000 ms can be linearized, but no linearization of it"
                        + " also explains\n  #40 client 3 read -> \"v3\" [+2000.000 ms, +2010.000 ms]\n")
                .contains("holding \"v3\"; one that leaves \"v19\" (last 12 of 40 steps)")
                .contains("(last 12 of 40 steps)")
                .contains("> #40 client 3");
        assertThat(r.explanation().lines().count()).isLessThan(30);
    }

    @Test
    void cas_succeedsOnlyOnTheExpectedValue() {
        ok(A, Op.cas("k", null, "1"), 0, 10, "true");
        ok(B, Op.cas("k", null, "2"), 20, 30, "false");
        ok(B, Op.cas("k", "1", "2"), 40, 50, "true");
        read(C, "k", "2", 60, 70);
        assertLinearizable();
    }

    @Test
    void cas_twoConcurrentSwapsFromTheSameValueCannotBothSucceed() {
        write(A, "k", "0", 0, 10);
        ok(B, Op.cas("k", "0", "1"), 20, 30, "true");
        ok(C, Op.cas("k", "0", "2"), 20, 30, "true");
        assertViolation("k");
    }

    @Test
    void cas_failureWhileTheValueMatched_violation() {
        write(A, "k", "0", 0, 10);
        ok(B, Op.cas("k", "0", "1"), 20, 30, "false");
        assertThat(assertViolation("k").explanation()).contains("cas(\"0\" -> \"1\") -> false");
    }

    @Test
    void cas_unknownOutcome_mayOrMayNotHaveSwapped() {
        write(A, "k", "0", 0, 10);
        now.set(20_000_000);
        long id = h.invoke(B, Op.cas("k", "0", "1"));
        now.set(25_000_000);
        h.info(id);
        read(C, "k", "0", 30, 40);
        read(C, "k", "1", 50, 60);
        assertLinearizable();
        read(C, "k", "0", 70, 80);
        assertViolation("k");
    }

    @Test
    void budget_exhausted_unknownNotViolation() {
        // twelve concurrent writes and a read that can only follow the last of them: the search needs at least 13
        // steps; the zone check (which needs none) is off, as it is for keys with cas or repeated values
        for (int i = 0; i < 12; i++) {
            write(i, "k", "v" + i, 0, 100);
        }
        read(20, "k", "v11", 200, 210);
        Result r = LinearizabilityChecker.check(h, 10, false);
        assertThat(r.verdict()).as("%s", r).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.ok()).isFalse();
        assertThat(r.unknown()).isTrue();
        assertThat(r.key()).isEqualTo("k");
        assertThat(r.explanation()).contains("gave up after 10 steps").contains("at most 12 in flight");
        assertThat(LinearizabilityChecker.check(h, LinearizabilityChecker.DEFAULT_STEP_BUDGET, false).ok()).isTrue();
        assertThat(LinearizabilityChecker.check(h, 10).ok()).isTrue();

        // a definite violation on another key wins over "unknown"
        write(21, "b", "1", 0, 10);
        read(21, "b", null, 20, 30);
        assertThat(LinearizabilityChecker.check(h, 10, false).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void cas_keysAreSearched_withinTheBudget() {
        for (int i = 0; i < 12; i++) {
            ok(i, Op.cas("k", null, "v" + i), 0, 100, i == 11 ? "true" : "false");
        }
        read(20, "k", "v11", 200, 210);
        assertThat(LinearizabilityChecker.check(h).ok()).isTrue();
        assertThat(LinearizabilityChecker.check(h, 5).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void history_rejectsMisuse() {
        long id = h.invoke(A, Op.write("k", "1"));
        h.ok(id, "OK");
        assertThatThrownBy(() -> h.ok(id, "OK")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already completed");
        assertThatThrownBy(() -> h.info(7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no operation #7 in this history (1 recorded)");
        long cas = h.invoke(A, Op.cas("k", "1", "2"));
        assertThatThrownBy(() -> h.ok(cas, "OK")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a cas completes with \"true\" or \"false\"");
        now.set(-5);
        long early = h.invoke(A, Op.read("k"));
        now.set(-10);
        assertThatThrownBy(() -> h.fail(early)).hasMessageContaining("the clock went backwards");
        assertThatThrownBy(() -> Op.write("k", null)).hasMessageContaining("a write needs a value");
        assertThatThrownBy(() -> LinearizabilityChecker.check(h, 0)).hasMessageContaining("at least 1");
    }
}
