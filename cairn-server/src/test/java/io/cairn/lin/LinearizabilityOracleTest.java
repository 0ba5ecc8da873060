package io.cairn.lin;

import io.cairn.lin.LinearizabilityChecker.Result;
import io.cairn.lin.LinearizabilityChecker.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of tiny random histories, half of them not linearizable, each decided three ways: by trying every order
 * of its operations (the definition, no cleverness), by the search alone, and by the checker as used (zones where they
 * apply). Times are small integers so operations often touch: ties are where the three could most easily disagree.
 */
class LinearizabilityOracleTest {
    static final long SEED = Long.getLong("cairn.lin.seed", 20261122L);

    @Test
    void distinctValues_allThreeAgree() {
        assertAgreement(SEED, 1500, false, false);
    }

    @Test
    void repeatedValues_searchAgreesWithTheDefinition() {
        assertAgreement(SEED + 1, 1000, true, false);
    }

    @Test
    void cas_searchAgreesWithTheDefinition() {
        assertAgreement(SEED + 2, 1000, true, true);
    }

    private static void assertAgreement(long seed, int histories, boolean repeatValues, boolean cas) {
        Random r = new Random(seed);
        int violations = 0;
        for (int k = 0; k < histories; k++) {
            History h = tiny(r, repeatValues, cas);
            boolean expected = bruteForce(h.operations());
            Result searched = LinearizabilityChecker.check(h, LinearizabilityChecker.DEFAULT_STEP_BUDGET, false);
            Result checked = LinearizabilityChecker.check(h);
            String what = "seed " + seed + ", history " + k + ":\n" + dump(h);
            assertThat(searched.verdict()).as("search, %s", what)
                    .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
            assertThat(checked.verdict()).as("checker, %s", what)
                    .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
            if (!expected) {
                violations++;
                // the explanation's claim, checked by the definition: everything completing before that completion
                // is linearizable, and with it, not
                for (Result verdict : List.of(searched, checked)) {
                    long cut = verdict.firstUnexplained().completeNanos();
                    assertThat(bruteForce(prefix(h.operations(), cut, false)))
                            .as("before, %s\n%s", what, verdict).isTrue();
                    assertThat(bruteForce(prefix(h.operations(), cut, true)))
                            .as("with, %s\n%s", what, verdict).isFalse();
                }
            }
        }
        // both kinds are well represented, or the agreement means little
        assertThat(violations).isBetween(histories / 5, histories * 4 / 5);
    }

    /** Two or three clients, up to eight operations on one key, times 0..~20, every outcome. */
    private static History tiny(Random r, boolean repeatValues, boolean cas) {
        AtomicLong clock = new AtomicLong();
        History h = new History(clock::get);
        int clients = 2 + r.nextInt(2);
        int ops = 3 + r.nextInt(6);
        long[] cursor = new long[clients];
        List<String> written = new ArrayList<>();
        record Planned(int client, Op op, long invoke, long complete, int fate) {
        }
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            int c = r.nextInt(clients);
            long invoke = cursor[c] + r.nextInt(3);
            long complete = invoke + r.nextInt(5);
            cursor[c] = complete + (r.nextBoolean() ? 0 : 1);
            String value = repeatValues ? "v" + r.nextInt(3) : "v" + i;
            int kind = r.nextInt(cas ? 3 : 2);
            Op op = switch (kind) {
                case 0 -> Op.write("k", value);
                case 1 -> Op.read("k");
                default -> Op.cas("k", r.nextInt(3) == 0 ? null : "v" + r.nextInt(repeatValues ? 3 : ops), value);
            };
            if (op.kind() != Op.Kind.READ) {
                written.add(value);
            }
            int fate = r.nextInt(20); // 0-1: fail, 2-4: unknown, 5: never completed, else ok
            plan.add(new Planned(c, op, invoke, complete, fate));
        }
        plan.sort((a, b) -> Long.compare(a.invoke(), b.invoke()));
        for (Planned p : plan) {
            clock.set(p.invoke());
            long id = h.invoke(p.client(), p.op());
            clock.set(p.complete());
            if (p.fate() < 2) {
                h.fail(id);
            } else if (p.fate() < 5) {
                h.info(id);
            } else if (p.fate() > 5) {
                String result = switch (p.op().kind()) {
                    case WRITE -> null;
                    case READ -> {
                        int pick = r.nextInt(written.size() + 2);
                        yield pick == 0 ? null : pick == 1 ? "ghost" : written.get(pick - 2);
                    }
                    case CAS -> Boolean.toString(r.nextBoolean());
                };
                h.ok(id, result);
            }
        }
        return h;
    }

    /**
     * The definition: some order of the operations that did not fail, each after every completed operation that
     * completed strictly before it was invoked, in which every completed operation appears, the others may, and each
     * result is what one register would answer.
     */
    static boolean bruteForce(List<History.Operation> all) {
        List<History.Operation> ops = new ArrayList<>();
        for (History.Operation o : all) {
            if (o.outcome() != History.Outcome.FAIL) {
                ops.add(o);
            }
        }
        return place(ops, new boolean[ops.size()], null, new HashSet<>());
    }

    /**
     * Places one more operation, every way it can; operations of unknown outcome never placed were left out. What
     * follows depends only on what is placed and the register, so {@code failed} remembers those that led nowhere.
     */
    private static boolean place(List<History.Operation> ops, boolean[] placed, String register, Set<String> failed) {
        String state = Arrays.toString(placed) + register;
        if (failed.contains(state)) {
            return false;
        }
        boolean allDone = true;
        for (int i = 0; i < ops.size(); i++) {
            if (!placed[i] && ops.get(i).outcome() == History.Outcome.OK) {
                allDone = false;
            }
        }
        if (allDone) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !ready(ops, placed, i)) {
                continue;
            }
            History.Operation o = ops.get(i);
            boolean known = o.outcome() == History.Outcome.OK;
            String after = register;
            boolean legal = true;
            switch (o.op().kind()) {
                case WRITE -> after = o.op().value();
                case READ -> legal = !known || Objects.equals(register, o.result());
                case CAS -> {
                    boolean swaps = Objects.equals(register, o.op().expected());
                    legal = !known || swaps == "true".equals(o.result());
                    if (swaps) {
                        after = o.op().value();
                    }
                }
            }
            if (legal) {
                placed[i] = true;
                if (place(ops, placed, after, failed)) {
                    return true;
                }
                placed[i] = false;
            }
        }
        failed.add(state);
        return false;
    }

    /**
     * The operations invoked by {@code cut}, those completing after it (or at it, unless {@code inclusive}) of unknown
     * outcome.
     */
    private static List<History.Operation> prefix(List<History.Operation> ops, long cut, boolean inclusive) {
        List<History.Operation> out = new ArrayList<>();
        for (History.Operation o : ops) {
            boolean later = o.completeNanos() > cut || !inclusive && o.completeNanos() == cut;
            if (o.invokeNanos() > cut) {
                continue;
            }
            out.add(o.outcome() == History.Outcome.OK && later ? o.complete(History.Outcome.INFO, 0, null) : o);
        }
        return out;
    }

    /** Whether every completed operation that completed strictly before {@code i}'s invocation is placed. */
    private static boolean ready(List<History.Operation> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            History.Operation o = ops.get(j);
            if (!placed[j] && o.outcome() == History.Outcome.OK && o.completeNanos() < ops.get(i).invokeNanos()) {
                return false;
            }
        }
        return true;
    }

    private static String dump(History h) {
        StringBuilder b = new StringBuilder();
        for (History.Operation o : h.operations()) {
            b.append("  ").append(o).append('\n');
        }
        return b.toString();
    }
}
