package io.cairn.collection;

import io.cairn.collection.ZSetIndex.LexBound;
import io.cairn.collection.ZSetIndex.LexRange;
import io.cairn.collection.ZSetIndex.ScoreRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZSetIndexTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ZSetIndex of(Object... memberScore) {
        ZSetIndex z = new ZSetIndex();
        for (int i = 0; i < memberScore.length; i += 2) {
            z.add(b((String) memberScore[i]), ((Number) memberScore[i + 1]).doubleValue());
        }
        return z;
    }

    /** Members of a walk, as strings. */
    private static List<String> members(java.util.function.Consumer<ZSetIndex.Visitor> walk) {
        List<String> out = new ArrayList<>();
        walk.accept((m, s) -> out.add(new String(m, StandardCharsets.ISO_8859_1)));
        return out;
    }

    private static LexRange lex(String min, String max) {
        return LexRange.parse(b(min), b(max));
    }

    @Test
    void add_negativeZero_isTheSameScoreAsPositiveZero() {
        ZSetIndex z = of("a", -0.0);
        assertThat(Double.doubleToRawLongBits(z.score(b("a")))).isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThat(z.add(b("a"), 0.0)).isFalse();
        assertThat(z.countInScore(new ScoreRange(-0.0, false, -0.0, false))).isEqualTo(1);
        assertThat(z.countInScore(new ScoreRange(0.0, true, 1, false))).isZero();
    }

    @Test
    void add_nan_isRejectedAndLeavesTheSetAlone() {
        ZSetIndex z = of("a", 1);
        assertThatThrownBy(() -> z.add(b("a"), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScoreRange(Double.NaN, false, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(z.score(b("a"))).isEqualTo(1.0);
        z.checkInvariants();
    }

    @Test
    void score_absent_isNaN() {
        ZSetIndex z = of("a", 1);
        assertThat(z.score(b("b"))).isNaN();
        assertThat(z.rank(b("b"))).isEqualTo(-1);
        assertThat(z.reverseRank(b("b"))).isEqualTo(-1);
    }

    @Test
    void equalScores_orderByMemberAsUnsignedBytes() {
        ZSetIndex z = new ZSetIndex();
        z.add(new byte[] {(byte) 0x80}, 1);
        z.add(new byte[] {0x7f}, 1);
        z.add(new byte[] {}, 1);
        z.add(new byte[] {0x7f, 0}, 1);
        assertThat(z.memberAt(0)).isEmpty();
        assertThat(z.memberAt(1)).containsExactly(0x7f);
        assertThat(z.memberAt(2)).containsExactly(0x7f, 0);
        assertThat(z.memberAt(3)).containsExactly(0x80);
        assertThat(z.rank(new byte[] {(byte) 0x80})).isEqualTo(3);
        assertThat(z.reverseRank(new byte[] {(byte) 0x80})).isZero();
    }

    @Test
    void add_existingMember_movesItAndReportsNotNew() {
        ZSetIndex z = of("a", 1, "b", 2, "c", 3);
        assertThat(z.add(b("b"), 2.5)).isFalse(); // stays between a and c: updated in place
        assertThat(z.add(b("a"), 10)).isFalse(); // moves to the end
        assertThat(members(z::forEach)).containsExactly("b", "c", "a");
        assertThat(z.score(b("b"))).isEqualTo(2.5);
        assertThat(z.size()).isEqualTo(3);
        z.checkInvariants();
    }

    @Test
    void rangeByScore_exclusiveBounds_likeRedisParenthesis() {
        ZSetIndex z = of("a", 1, "b", 2, "c", 3, "d", 5, "e", 6);
        assertThat(members(v -> z.rangeByScore(new ScoreRange(1, true, 5, false), false, 0, -1, v)))
                .containsExactly("b", "c", "d");
        assertThat(members(v -> z.rangeByScore(new ScoreRange(1, false, 5, true), false, 0, -1, v)))
                .containsExactly("a", "b", "c");
        assertThat(members(v -> z.rangeByScore(new ScoreRange(1, true, 5, true), true, 0, -1, v)))
                .containsExactly("c", "b");
        assertThat(z.countInScore(new ScoreRange(1, true, 5, true))).isEqualTo(2);
    }

    @Test
    void rangeByScore_emptyIntervals_visitNothing() {
        ZSetIndex z = of("a", 1, "b", 2);
        assertThat(z.countInScore(new ScoreRange(2, false, 1, false))).isZero();
        assertThat(z.countInScore(new ScoreRange(1, true, 1, false))).isZero();
        assertThat(z.countInScore(new ScoreRange(1, false, 1, true))).isZero();
        assertThat(z.countInScore(new ScoreRange(1, false, 1, false))).isEqualTo(1);
        assertThat(z.removeRangeByScore(new ScoreRange(2, false, 1, false), null)).isZero();
        assertThat(z.size()).isEqualTo(2);
    }

    @Test
    void rangeByScore_infinities_areOrdinaryScores() {
        ZSetIndex z = of("lo", Double.NEGATIVE_INFINITY, "mid", 0, "hi", Double.POSITIVE_INFINITY);
        assertThat(z.countInScore(ScoreRange.ALL)).isEqualTo(3);
        assertThat(members(v -> z.rangeByScore(new ScoreRange(Double.NEGATIVE_INFINITY, true,
                Double.POSITIVE_INFINITY, true), false, 0, -1, v))).containsExactly("mid");
        assertThat(members(v -> z.rangeByScore(new ScoreRange(Double.POSITIVE_INFINITY, false,
                Double.POSITIVE_INFINITY, false), false, 0, -1, v))).containsExactly("hi");
    }

    @Test
    void rangeByScore_offsetAndLimit_countFromTheWalkStart() {
        ZSetIndex z = of("a", 1, "b", 2, "c", 3, "d", 4);
        assertThat(members(v -> z.rangeByScore(ScoreRange.ALL, false, 1, 2, v))).containsExactly("b", "c");
        assertThat(members(v -> z.rangeByScore(ScoreRange.ALL, true, 1, 2, v))).containsExactly("c", "b");
        assertThat(members(v -> z.rangeByScore(ScoreRange.ALL, false, -1, 2, v))).isEmpty();
        assertThat(members(v -> z.rangeByScore(ScoreRange.ALL, false, 4, -1, v))).isEmpty();
    }

    @Test
    void range_byRank_clampsAndReverses() {
        ZSetIndex z = of("a", 1, "b", 2, "c", 3);
        assertThat(members(v -> z.range(0, 100, false, v))).containsExactly("a", "b", "c");
        assertThat(members(v -> z.range(0, 1, true, v))).containsExactly("c", "b");
        assertThat(members(v -> z.range(2, 1, false, v))).isEmpty();
        assertThat(members(v -> z.range(3, 5, false, v))).isEmpty();
        assertThatThrownBy(() -> z.memberAt(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> z.memberAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void range_visitorStops_walkStops() {
        ZSetIndex z = of("a", 1, "b", 2, "c", 3);
        List<String> seen = new ArrayList<>();
        long n = z.range(0, 2, false, (m, s) -> seen.add(new String(m, StandardCharsets.ISO_8859_1)) && seen.size() < 2);
        assertThat(seen).containsExactly("a", "b");
        assertThat(n).isEqualTo(2);
    }

    /** The examples from Redis's ZRANGEBYLEX page. */
    @Test
    void rangeByLex_equalScores_matchesRedisExamples() {
        ZSetIndex z = of("a", 0, "b", 0, "c", 0, "d", 0, "e", 0, "f", 0, "g", 0);
        assertThat(members(v -> z.rangeByLex(lex("-", "[c"), false, 0, -1, v))).containsExactly("a", "b", "c");
        assertThat(members(v -> z.rangeByLex(lex("-", "(c"), false, 0, -1, v))).containsExactly("a", "b");
        assertThat(members(v -> z.rangeByLex(lex("[aaa", "(g"), false, 0, -1, v)))
                .containsExactly("b", "c", "d", "e", "f");
        assertThat(members(v -> z.rangeByLex(lex("[c", "-"), true, 0, -1, v))).isEmpty();
        assertThat(members(v -> z.rangeByLex(lex("+", "(c"), true, 0, -1, v))).isEmpty();
        assertThat(members(v -> z.rangeByLex(lex("(g", "[aaa"), true, 0, -1, v))).isEmpty();
        assertThat(members(v -> z.rangeByLex(lex("[f", "[c"), true, 0, -1, v))).isEmpty();
        assertThat(members(v -> z.rangeByLex(lex("[c", "[f"), true, 1, 2, v))).containsExactly("e", "d");
        assertThat(z.countInLex(lex("-", "+"))).isEqualTo(7);
        assertThat(z.countInLex(lex("[b", "[b"))).isEqualTo(1);
        assertThat(z.countInLex(lex("(b", "[b"))).isZero();
    }

    @Test
    void rangeByLex_unequalScores_runsFromLowestScoreToHighestScore() {
        // Lower bound applied at the lowest score (1), upper at the highest (3): (1,b) .. (3,b).
        ZSetIndex z = of("a", 1, "c", 1, "a2", 2, "z", 2, "a3", 3, "c3", 3);
        assertThat(members(v -> z.rangeByLex(lex("[b", "[b"), false, 0, -1, v))).containsExactly("c", "a2", "z", "a3");
        assertThat(z.removeRangeByLex(lex("[b", "[b"), null)).isEqualTo(4);
        assertThat(members(z::forEach)).containsExactly("a", "c3");
        z.checkInvariants();
    }

    @Test
    void lexBound_parse_acceptsRedisSyntaxOnly() {
        assertThat(LexBound.parse(b("-"))).isSameAs(LexBound.MIN);
        assertThat(LexBound.parse(b("+"))).isSameAs(LexBound.MAX);
        assertThat(LexBound.parse(b("["))).hasToString("[[]"); // the empty member, inclusive
        assertThat(LexBound.parse(b("(-"))).hasToString("(" + java.util.Arrays.toString(b("-")));
        for (String bad : new String[] {"", "a", "-a", "++"}) {
            assertThatThrownBy(() -> LexBound.parse(b(bad)))
                    .as(bad).hasMessage("min or max not valid string range item");
        }
    }

    @Test
    void popMinAndPopMax_removeFromTheRightEndInTheRightOrder() {
        ZSetIndex z = of("a", 1, "b", 2, "c", 3, "d", 4);
        assertThat(members(v -> z.popMax(2, v))).containsExactly("d", "c");
        assertThat(members(v -> z.popMin(5, v))).containsExactly("a", "b");
        assertThat(z.size()).isZero();
        assertThat(z.popMin(1, null)).isZero();
        assertThat(z.popMax(-1, null)).isZero();
        z.checkInvariants();
    }

    @Test
    void removeRangeByRank_everything_leavesAUsableEmptySet() {
        ZSetIndex z = new ZSetIndex();
        for (int i = 0; i < 1000; i++) z.add(b("m" + i), i % 7);
        assertThat(z.removeRangeByRank(0, 999, null)).isEqualTo(1000);
        z.checkInvariants();
        assertThat(z.size()).isZero();
        assertThat(z.contains(b("m1"))).isFalse();
        assertThat(z.countInLex(lex("-", "+"))).isZero();
        assertThat(z.randomMember(new SplittableRandom(1))).isNull();
        assertThat(z.add(b("m1"), 1)).isTrue();
        assertThat(z.rank(b("m1"))).isZero();
        z.checkInvariants();
    }

    @Test
    void copy_isIndependentOfTheOriginal() {
        ZSetIndex z = of("a", 1, "b", 2);
        ZSetIndex c = z.copy();
        c.add(b("c"), 3);
        c.remove(b("a"));
        z.add(b("b"), 0);
        assertThat(members(z::forEach)).containsExactly("b", "a");
        assertThat(members(c::forEach)).containsExactly("b", "c");
        z.checkInvariants();
        c.checkInvariants();
    }

    @Test
    void randomMember_dependsOnlyOnTheGeneratorAndTheContents() {
        // Same contents built in different orders (so different skip-list shapes) give the same draws.
        ZSetIndex up = new ZSetIndex();
        ZSetIndex down = new ZSetIndex();
        for (int i = 0; i < 500; i++) up.add(b("m" + i), i % 13);
        for (int i = 499; i >= 0; i--) down.add(b("m" + i), i % 13);
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        int[] hits = new int[500];
        for (int i = 0; i < 20_000; i++) {
            byte[] m = up.randomMember(r1);
            assertThat(down.randomMember(r2)).isEqualTo(m);
            hits[(int) up.rank(m)]++;
        }
        assertThat(java.util.Arrays.stream(hits).min().getAsInt()).as("draws of the least drawn rank").isPositive();
    }

    @Test
    void manyMembers_ascendingAndDescendingInserts_keepRanksAndShrinkTheTable() {
        ZSetIndex z = new ZSetIndex();
        int n = 50_000;
        for (int i = 0; i < n; i++) z.add(b(Integer.toString(i)), i);
        for (int i = 0; i < n; i++) z.add(b(Integer.toString(i)), -i); // every update moves the member
        z.checkInvariants();
        for (int i = 0; i < n; i += 997) {
            assertThat(z.rank(b(Integer.toString(i)))).isEqualTo(n - 1 - i);
            assertThat(z.memberAt(n - 1 - i)).isEqualTo(b(Integer.toString(i)));
        }
        assertThat(z.countInScore(new ScoreRange(-100, true, 0, false))).isEqualTo(100);
        for (int i = 0; i < n - 3; i++) assertThat(z.remove(b(Integer.toString(i)))).isTrue();
        z.checkInvariants();
        assertThat(members(z::forEach)).containsExactly(Integer.toString(n - 1), Integer.toString(n - 2),
                Integer.toString(n - 3));
    }
}
