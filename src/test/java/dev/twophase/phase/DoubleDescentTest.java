package dev.twophase.phase;

import static dev.twophase.phase.Synthetic.piecewiseLinear;
import static dev.twophase.phase.Synthetic.sample;
import static dev.twophase.phase.Synthetic.until;
import static dev.twophase.phase.Synthetic.withRelativeNoise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class DoubleDescentTest {

    private static final long EVERY = 50;
    private static final long TWO_INTERVALS = 2 * EVERY;
    /**
     * At the hump's top 2% noise (0.032) is twice the curve's change per point (0.017 rising,
     * 0.027 falling), so the top is only known to a few points: over 300 seeds the error is at
     * most 2 intervals for 95% of them, 4 at worst.
     */
    private static final long THREE_INTERVALS = 3 * EVERY;

    /** The division-mod-p shape of the paper: first minimum at 800, hump maximum at 2600, second descent. */
    private static final LongToDoubleFunction DOUBLE_DESCENT =
            piecewiseLinear(0, 3.0, 800, 1.0, 2600, 1.6, 5000, 0.3, 10000, 0.1);
    private static final long PLANTED_MINIMUM = 800;
    private static final long PLANTED_PEAK = 2600;
    /** Where the clean curve has fallen 10% below its peak: the second descent must have started by then. */
    private static final long TEN_PERCENT_BELOW_PEAK = 2900;

    private static TestLossShape shape(Series testLoss) {
        return new PhaseDetector()
                .detect(PhaseInputs.of(Series.empty(), Series.empty(), testLoss, new TreeMap<>())).testLoss();
    }

    @Test
    void findsThePlantedMinimumPeakAndSecondDescent() {
        TestLossShape shape = shape(sample(DOUBLE_DESCENT, 0, 10000, EVERY));

        assertThat(shape.firstMinimumStep()).isEqualTo(PLANTED_MINIMUM);
        // The median moves the top of an asymmetric hump towards its shallower side by up to a point.
        assertThat(shape.peakStep()).isCloseTo(PLANTED_PEAK, within(EVERY));
        // The second descent starts at the sharp planted peak: the first falling line begins there.
        assertThat(shape.secondDescentStep()).isGreaterThanOrEqualTo(shape.peakStep())
                .isLessThanOrEqualTo(TEN_PERCENT_BELOW_PEAK);
        assertThat(shape.firstMinimumValue()).isCloseTo(1.0, within(0.05));
        assertThat(shape.peakValue()).isCloseTo(1.6, within(0.05));
        assertThat(shape.metric()).isEqualTo("test_loss");
        assertThat(shape.rule()).contains("first minimum").contains("peak").contains("second descent");
    }

    @Test
    void findsThemUnderTwoPercentNoise() {
        for (long seed = 1; seed <= 20; seed++) {
            TestLossShape shape = shape(withRelativeNoise(sample(DOUBLE_DESCENT, 0, 10000, EVERY), 0.02, seed));

            assertThat(shape.firstMinimumStep()).as("seed %d", seed).isCloseTo(PLANTED_MINIMUM, within(TWO_INTERVALS));
            assertThat(shape.peakStep()).as("seed %d", seed).isCloseTo(PLANTED_PEAK, within(THREE_INTERVALS));
            assertThat(shape.secondDescentStep()).as("seed %d", seed)
                    .isGreaterThanOrEqualTo(shape.peakStep()).isLessThanOrEqualTo(TEN_PERCENT_BELOW_PEAK);
        }
    }

    @Test
    void aMonotoneLossHasNoHump() {
        LongToDoubleFunction monotone = t -> 0.1 + 3.0 * Math.exp(-t / 1500.0);

        assertNoHump(shape(sample(monotone, 0, 10000, EVERY)));
        for (long seed = 1; seed <= 20; seed++) {
            assertNoHump(shape(withRelativeNoise(sample(monotone, 0, 10000, EVERY), 0.02, seed)));
        }
    }

    @Test
    void noiseAroundAConstantHasNoHump() {
        for (long seed = 1; seed <= 20; seed++) {
            assertNoHump(shape(withRelativeNoise(sample(t -> 1.0, 0, 10000, EVERY), 0.02, seed)));
        }
    }

    @Test
    void aLossRisingFromTheStartHasNoFirstMinimum() {
        assertNoHump(shape(sample(t -> 1.0 + t / 1000.0, 0, 10000, EVERY)));
    }

    @Test
    void aHumpStillRisingHasAMinimumButNoPeakYet() {
        TestLossShape shape = shape(until(sample(DOUBLE_DESCENT, 0, 10000, EVERY), 2400));

        assertThat(shape.firstMinimumStep()).isEqualTo(PLANTED_MINIMUM);
        assertThat(shape.peakStep()).isNull();
        assertThat(shape.peakValue()).isNull();
        assertThat(shape.secondDescentStep()).isNull();
    }

    @Test
    void aHumpSmallerThanTheToleranceIsNoHump() {
        // A 1% bump on a loss of 1.0 is within the 2% tolerance.
        LongToDoubleFunction bump = piecewiseLinear(0, 2.0, 800, 1.0, 1600, 1.01, 3000, 0.5);

        assertNoHump(shape(sample(bump, 0, 5000, EVERY)));
    }

    @Test
    void wigglesDuringTheWarmupAreNoFirstMinimum() {
        // Measured at every step 0..10 and log-spaced after: a 3% dip at steps 7-8 while the learning rate warms up,
        // then the real descent to 0.45 at 200, a hump to 4 by 2,000 and a second descent.
        java.util.TreeMap<Long, Double> points = new java.util.TreeMap<>();
        LongToDoubleFunction loss = piecewiseLinear(10, 4.4, 200, 0.45, 2000, 4.0, 20000, 0.5);
        for (long step = 0; step <= 10; step++) {
            points.put(step, step == 7 || step == 8 ? 4.27 : 4.4);
        }
        for (int k = 41; k <= 172; k++) {
            points.put(Math.round(Math.pow(10, k / 40.0)), 0.0);
        }
        points.replaceAll((step, v) -> step <= 10 ? v : loss.applyAsDouble(step));
        Series series = Series.of(points.keySet().stream().mapToLong(Long::longValue).toArray(),
                points.values().stream().mapToDouble(Double::doubleValue).toArray());
        PhaseInputs inputs = PhaseInputs.of(Series.empty(), Series.empty(), series, new TreeMap<>());

        TestLossShape raw = new PhaseDetector().detect(inputs).testLoss();
        TestLossShape afterWarmup = new PhaseDetector(DetectionSettings.defaults().withWarmup(10)).detect(inputs).testLoss();

        assertThat(raw.firstMinimumStep()).isLessThanOrEqualTo(10L);
        assertThat(afterWarmup.firstMinimumStep()).isBetween(180L, 220L);
        assertThat(afterWarmup.peakStep()).isBetween(1700L, 2300L);
    }

    private static void assertNoHump(TestLossShape shape) {
        assertThat(shape.firstMinimumStep()).isNull();
        assertThat(shape.firstMinimumValue()).isNull();
        assertThat(shape.peakStep()).isNull();
        assertThat(shape.peakValue()).isNull();
        assertThat(shape.secondDescentStep()).isNull();
        assertThat(shape.metric()).isEqualTo("test_loss");
    }
}
