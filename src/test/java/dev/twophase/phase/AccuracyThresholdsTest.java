package dev.twophase.phase;

import static dev.twophase.phase.Synthetic.sample;
import static dev.twophase.phase.Synthetic.until;
import static dev.twophase.phase.Synthetic.withAccuracyNoise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class AccuracyThresholdsTest {

    private static final long EVERY = 50;
    private static final long TWO_INTERVALS = 2 * EVERY;

    /** Fits at 1000, dips for four points from 2000 (a loss spike), fitted for good from 2200. */
    private static final LongToDoubleFunction TRAIN_WITH_DIP = t -> t < 1000 ? 0.3 : t >= 2000 && t < 2200 ? 0.9 : 0.998;
    private static final long PLANTED_FITTING_END = 2200;

    /** Sigmoid test accuracy from chance 0.01 to 1 around step 5000 with width 500. */
    private static final double CHANCE = 0.01;
    private static final double CENTRE = 5000;
    private static final double WIDTH = 500;
    private static final LongToDoubleFunction TEST_SIGMOID =
            t -> CHANCE + (1 - CHANCE) / (1 + Math.exp(-(t - CENTRE) / WIDTH));

    /** Inverse of the sigmoid: the step at which it reaches accuracy a. */
    private static double sigmoidStepAt(double a) {
        double s = (a - CHANCE) / (1 - CHANCE);
        return CENTRE + WIDTH * Math.log(s / (1 - s));
    }

    private static PhaseReport detect(Series train, Series test) {
        return new PhaseDetector().detect(PhaseInputs.of(train, test, Series.empty(), new TreeMap<>()));
    }

    @Test
    void fittingEndsAfterTheLastDipBelowThreshold() {
        Fitting fitting = detect(sample(TRAIN_WITH_DIP, 0, 5000, EVERY), Series.empty()).fitting();

        assertThat(fitting.endStep()).isEqualTo(PLANTED_FITTING_END);
        assertThat(fitting.metric()).isEqualTo("train_acc");
        assertThat(fitting.threshold()).isEqualTo(0.99);
        assertThat(fitting.rule()).contains("stays >= 0.99");
    }

    @Test
    void fittingEndIsRecoveredUnderNoise() {
        for (long seed = 1; seed <= 20; seed++) {
            Series noisy = withAccuracyNoise(sample(TRAIN_WITH_DIP, 0, 5000, EVERY), 0.02, seed);

            assertThat(detect(noisy, Series.empty()).fitting().endStep()).as("seed %d", seed)
                    .isCloseTo(PLANTED_FITTING_END, within(TWO_INTERVALS));
        }
    }

    @Test
    void anIsolatedBadPointAfterFittingIsNoise() {
        LongToDoubleFunction glitch = t -> t == 3000 ? 0.5 : t < 1000 ? 0.3 : 1.0;

        assertThat(detect(sample(glitch, 0, 5000, EVERY), Series.empty()).fitting().endStep()).isEqualTo(1000L);
    }

    @Test
    void fallingBelowThresholdAtTheEndMeansNotFitted() {
        LongToDoubleFunction collapse = t -> t < 1000 || t >= 4900 ? 0.3 : 1.0;

        assertThat(detect(sample(collapse, 0, 5000, EVERY), Series.empty()).fitting().endStep()).isNull();
    }

    @Test
    void generalizationOnsetAndStepOfASigmoid() {
        // Baseline = chance, so the onset level is chance + 0.1 * (0.95 - chance).
        double plantedStep = sigmoidStepAt(0.95);
        double plantedOnset = sigmoidStepAt(CHANCE + 0.1 * (0.95 - CHANCE));
        Generalization clean = detect(Series.empty(), sample(TEST_SIGMOID, 0, 20000, 100)).generalization();

        assertThat((double) clean.step()).isCloseTo(plantedStep, within(200.0));
        assertThat((double) clean.onsetStep()).isCloseTo(plantedOnset, within(200.0));
        assertThat(clean.metric()).isEqualTo("test_acc");
        assertThat(clean.threshold()).isEqualTo(0.95);

        for (long seed = 1; seed <= 20; seed++) {
            Generalization noisy = detect(Series.empty(),
                    withAccuracyNoise(sample(TEST_SIGMOID, 0, 20000, 100), 0.02, seed)).generalization();

            assertThat((double) noisy.step()).as("seed %d", seed).isCloseTo(plantedStep, within(200.0));
            assertThat((double) noisy.onsetStep()).as("seed %d", seed).isCloseTo(plantedOnset, within(200.0));
        }
    }

    @Test
    void runInProgressHasFittedButNotGeneralized() {
        Series train = sample(t -> t < 2400 ? 0.5 : 1.0, 0, 4000, EVERY);
        Series test = until(sample(TEST_SIGMOID, 0, 20000, EVERY), 4000);
        PhaseReport report = detect(train, test);

        assertThat(report.fitting().endStep()).isEqualTo(2400L);
        assertThat(report.generalization().step()).isNull();
        assertThat(report.generalization().onsetStep()).isNull();
        assertThat(report.generalization().rule()).isNotBlank();
    }

    @Test
    void accuracyAboveThresholdFromTheFirstPointHasNoObservedOnset() {
        Generalization generalization = detect(Series.empty(), sample(t -> 0.97, 100, 1000, 100)).generalization();

        assertThat(generalization.step()).isEqualTo(100L);
        assertThat(generalization.onsetStep()).isNull();
    }

    @Test
    void onsetIsWhereTheFinalRiseLeavesTheBaseline() {
        // An early partial rise to 0.5 falls back to 0.05 at step 900; the rise that lasts starts there.
        long[] steps = {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400};
        double[] acc = {0.1, 0.1, 0.3, 0.5, 0.5, 0.5, 0.3, 0.05, 0.05, 0.05, 0.4, 0.96, 0.97, 0.97};
        Generalization generalization = new PhaseDetector(new DetectionSettings(0.99, 0.95, 0.1, 1, 0, 0.02, 4, 3))
                .detect(PhaseInputs.of(Series.empty(), Series.of(steps, acc), Series.empty(), new TreeMap<>()))
                .generalization();

        assertThat(generalization.step()).isEqualTo(1200L);
        assertThat(generalization.onsetStep()).isEqualTo(1000L);
    }

    @Test
    void aJumpRightAfterTheFirstPointIsDatedAtTheJumpNotAtTheStart() {
        // The truncated median at the first point sees mostly later points; the step must not be 0.
        long[] steps = {0, 50, 100, 150, 200, 250};
        double[] acc = {0.04, 1.0, 1.0, 1.0, 1.0, 1.0};
        PhaseReport report = new PhaseDetector().detect(PhaseInputs.of(Series.of(steps, acc),
                Series.of(steps, acc), Series.empty(), new java.util.TreeMap<>()));
        assertThat(report.fitting().endStep()).isEqualTo(50L);
        assertThat(report.generalization().step()).isEqualTo(50L);
    }
}
