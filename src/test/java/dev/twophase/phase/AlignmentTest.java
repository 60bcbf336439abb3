package dev.twophase.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlignmentTest {

    @Test
    void spearmanKnownAnswers() {
        assertThat(Alignment.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 400})).isEqualTo(1.0);
        assertThat(Alignment.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isEqualTo(-1.0);
        // Ranks x = 1, 2, 3, 4, 5 and y = 2, 1, 4, 3, 5: rho = 1 - 6 * 4 / (5 * 24) = 0.8.
        assertThat(Alignment.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {20, 10, 40, 30, 50}))
                .isCloseTo(0.8, within(1e-12));
        assertThat(Alignment.ranks(new double[] {5, 1, 5, 2})).containsExactly(3.5, 1, 3.5, 2);
        assertThat(Alignment.spearman(new double[] {1, 2, 3}, new double[] {7, 7, 7})).isNaN();
    }

    @Test
    void ratiosAndLogDifferencesOfRunsWithBothEvents() {
        // b = 10 (1 + a) - 1 in every run: ratio 10, log difference exactly 1 decade, no spread.
        List<Long> a = Arrays.asList(99L, 199L, null, 999L, 1999L, 4999L);
        List<Long> b = Arrays.asList(999L, 1999L, 5000L, 9999L, 19999L, 49999L);
        Alignment.Relation r = Alignment.relate("x", "a", "b", a, b);

        assertThat(r.n()).isEqualTo(5);
        assertThat(r.medianRatio()).isCloseTo(10.0, within(1e-9));
        assertThat(r.minRatio()).isCloseTo(10.0, within(1e-9));
        assertThat(r.meanLogDifference()).isCloseTo(1.0, within(1e-12));
        assertThat(r.sdLogDifference()).isCloseTo(0.0, within(1e-12));
        assertThat(r.spearman()).isEqualTo(1.0);
        assertThat(r.statement()).contains("1.00 decades after a").contains("Spearman rank correlation 1.00 (n = 5)");
    }

    @Test
    void tooFewRunsAreSaidPlainly() {
        Alignment.Relation one = Alignment.relate("x", "a", "b", List.of(100L), List.of(400L));
        assertThat(one.n()).isEqualTo(1);
        assertThat(one.sdLogDifference()).isNull();
        assertThat(one.spearman()).isNull();
        assertThat(one.statement()).contains("too few runs to conclude anything");

        Alignment.Relation three = Alignment.relate("x", "a", "b", List.of(100L, 200L, 300L), List.of(400L, 500L, 900L));
        assertThat(three.statement()).contains("too few runs (n = 3 < 5)");

        Alignment.Relation none = Alignment.relate("x", "a", "b", Arrays.asList(100L, null), Arrays.asList(null, 3L));
        assertThat(none.n()).isZero();
        assertThat(none.medianRatio()).isNull();
        assertThat(none.statement()).contains("nothing to compare");
    }

    @Test
    void aSideThatIsTheSameInEveryRunHasNoRankCorrelation() {
        // Every run fitted at step 150 (the quick preset's sweep): the ranks of a are all tied.
        Alignment.Relation r = Alignment.relate("x", "fitting_end", "onset", List.of(150L, 150L, 150L, 150L, 150L),
                List.of(150L, 550L, 550L, 1000L, 150L));

        assertThat(r.n()).isEqualTo(5);
        assertThat(r.spearman()).isNull();
        assertThat(r.statement()).contains("no rank correlation: fitting_end or onset is the same step in every run");
    }
}
