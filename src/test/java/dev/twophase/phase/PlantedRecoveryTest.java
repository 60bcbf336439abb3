package dev.twophase.phase;

import static dev.twophase.phase.Synthetic.piecewiseLinear;
import static dev.twophase.phase.Synthetic.sample;
import static dev.twophase.phase.Synthetic.withAccuracyNoise;
import static dev.twophase.phase.Synthetic.withNoise;
import static dev.twophase.phase.Synthetic.withRelativeNoise;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The synthetic suite: planted change points under noise from none to heavy, 50 seeds per level.
 * Each case states its tolerance; every seed must recover every planted event within it. Each
 * event's bootstrap interval ({@link BootstrapIntervals}, nominal 90%) must hold the planted step
 * for every seed without noise and for at least {@value #MIN_COVERED} of the 50 seeds at every
 * noise level: a calibrated 90% interval misses that bound with probability below 1% (binomial
 * 50, 0.9: P(X < 40) = 0.006), the detector's own noise bands missed it for 15 of the 26
 * event-and-noise cases. Errors and both coverages are printed as a table (BENCHMARKS.md quotes it).
 */
class PlantedRecoveryTest {

    private static final int SEEDS = 50;
    private static final int MIN_COVERED = 40;

    /** I(T;X): rises to 8 bits by 3000, holds to 5000, compresses to 3 bits by 20000, then holds. */
    private static final LongToDoubleFunction INFORMATION =
            piecewiseLinear(0, 2, 3000, 8, 5000, 8, 20000, 3, 40000, 3);
    private static final long MI_EVERY = 250;
    /** The paper's division-mod-p test loss: first minimum 800, hump maximum 2600. */
    private static final LongToDoubleFunction TEST_LOSS =
            piecewiseLinear(0, 3.0, 800, 1.0, 2600, 1.6, 5000, 0.3, 10000, 0.1);
    private static final long LOSS_EVERY = 50;
    /** Train accuracy jumps to 1 at 1000; test accuracy rises linearly from 0.01 at 4000 to 1 at 6000. */
    private static final LongToDoubleFunction TRAIN_ACCURACY = t -> t < 1000 ? 0.4 : 1.0;
    private static final LongToDoubleFunction TEST_ACCURACY = piecewiseLinear(0, 0.01, 4000, 0.01, 6000, 1.0);
    private static final long ACC_EVERY = 50;

    private record Planted(String kind, long step, long tolerance) {
    }

    /** The detector's events (noise-band intervals) and the same events with bootstrap intervals. */
    private record Detected(List<PhaseEvent> noiseBand, List<PhaseEvent> bootstrap) {
    }

    private static void recover(String name, double noise, LongFunction<Detected> run, List<Planted> planted) {
        Map<String, long[]> errors = new TreeMap<>();
        Map<String, Integer> covered = new TreeMap<>();
        Map<String, Integer> bandCovered = new TreeMap<>();
        Map<String, long[]> widths = new TreeMap<>();
        for (Planted p : planted) {
            errors.put(p.kind(), new long[SEEDS]);
            widths.put(p.kind(), new long[SEEDS]);
            covered.put(p.kind(), 0);
            bandCovered.put(p.kind(), 0);
        }
        for (long seed = 1; seed <= SEEDS; seed++) {
            Detected detected = run.apply(seed);
            for (Planted p : planted) {
                PhaseEvent band = detected.noiseBand().stream().filter(ev -> ev.kind().equals(p.kind())).findFirst()
                        .orElse(null);
                PhaseEvent e = detected.bootstrap().stream().filter(ev -> ev.kind().equals(p.kind())).findFirst()
                        .orElse(null);
                assertThat(e).as("%s noise %s seed %d: %s found", name, noise, seed, p.kind()).isNotNull();
                long error = Math.abs(e.step() - p.step());
                errors.get(p.kind())[(int) seed - 1] = error;
                assertThat(error).as("%s noise %s seed %d: %s at %d, planted %d", name, noise, seed, p.kind(),
                        e.step(), p.step()).isLessThanOrEqualTo(p.tolerance());
                assertThat(e.intervalMethod()).startsWith("bootstrap");
                assertThat(e.step()).isEqualTo(band.step());
                widths.get(p.kind())[(int) seed - 1] = e.stepHigh() - e.stepLow();
                if (e.stepLow() <= p.step() && p.step() <= e.stepHigh()) {
                    covered.merge(p.kind(), 1, Integer::sum);
                }
                if (band.stepLow() <= p.step() && p.step() <= band.stepHigh()) {
                    bandCovered.merge(p.kind(), 1, Integer::sum);
                }
            }
        }
        for (Planted p : planted) {
            long[] e = errors.get(p.kind());
            Arrays.sort(e);
            long[] w = widths.get(p.kind());
            Arrays.sort(w);
            System.out.printf(Locale.ROOT, "recovery | %-10s | noise %-5s | %-26s | median error %5d | max %5d "
                            + "| tolerance %5d | bootstrap holds planted %d/%d, median width %d | noise band holds %d/%d%n",
                    name, noise, p.kind(), e[SEEDS / 2], e[SEEDS - 1], p.tolerance(), covered.get(p.kind()), SEEDS,
                    w[SEEDS / 2], bandCovered.get(p.kind()), SEEDS);
            assertThat(covered.get(p.kind())).as("%s noise %s: %s bootstrap interval coverage", name, noise, p.kind())
                    .isGreaterThanOrEqualTo(noise == 0.0 ? SEEDS : MIN_COVERED);
        }
    }

    private static Detected detect(Series train, Series test, Series loss, Series mi) {
        Map<Integer, Series> layers = new TreeMap<>();
        if (mi != null) {
            layers.put(1, mi);
        }
        PhaseDetector detector = new PhaseDetector();
        PhaseInputs inputs = PhaseInputs.of(train, test, loss, layers);
        List<PhaseEvent> events = detector.detect(inputs).events();
        return new Detected(events, new BootstrapIntervals(detector).apply(events, inputs));
    }

    /** Noise sd in bits on a 5-bit compression; 0.4 bits is heavy (tol = 4 sd = 1.6 bits). */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.05, 0.1, 0.2, 0.4})
    void compressionOnsetAndEnd(double sd) {
        // A decline that leaves a noisy plateau is dated by where a line first falls: under noise the
        // boundary may take in the plateau (early) or a few points of the decline (late).
        long tolerance = sd == 0.0 ? 2 * MI_EVERY : sd <= 0.1 ? 8 * MI_EVERY : sd <= 0.2 ? 12 * MI_EVERY : 16 * MI_EVERY;
        long endTolerance = sd <= 0.1 ? 8 * MI_EVERY : sd <= 0.2 ? 24 * MI_EVERY : 40 * MI_EVERY;
        recover("mi_tx", sd, seed -> detect(null, null, null,
                        withNoise(sample(INFORMATION, 0, 40000, MI_EVERY), sd, seed)),
                List.of(new Planted(PhaseEvent.COMPRESSION_ONSET, 5000, tolerance),
                        new Planted(PhaseEvent.COMPRESSION_END, 20000, endTolerance)));
    }

    /**
     * The same compression logged every 25 steps (1,601 points): the bootstrap runs on means of
     * groups of 7 points ({@link BootstrapIntervals#MAX_POINTS}), and must still cover.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.2})
    void denselyLoggedCompressionIsBootstrappedOnGroupMeans(double sd) {
        long every = 25;
        recover("mi_tx/25", sd, seed -> detect(null, null, null,
                        withNoise(sample(INFORMATION, 0, 40000, every), sd, seed)),
                List.of(new Planted(PhaseEvent.COMPRESSION_ONSET, 5000, sd == 0.0 ? 2 * MI_EVERY : 12 * MI_EVERY),
                        new Planted(PhaseEvent.COMPRESSION_END, 20000, sd == 0.0 ? 2 * MI_EVERY : 24 * MI_EVERY)));
    }

    /** Relative noise on the loss; 5% is heavy (the hump is 60% of the minimum). */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.01, 0.02, 0.05})
    void testLossMinimumPeakAndSecondDescent(double relative) {
        long tolerance = relative <= 0.01 ? 3 * LOSS_EVERY : 8 * LOSS_EVERY;
        recover("test_loss", relative, seed -> detect(null, null,
                        withRelativeNoise(sample(TEST_LOSS, 0, 10000, LOSS_EVERY), relative, seed), null),
                List.of(new Planted(PhaseEvent.TEST_LOSS_FIRST_MINIMUM, 800, tolerance),
                        new Planted(PhaseEvent.TEST_LOSS_HUMP_PEAK, 2600, tolerance),
                        new Planted(PhaseEvent.TEST_LOSS_SECOND_DESCENT, 2600, relative <= 0.01 ? 2 * tolerance : 20 * LOSS_EVERY)));
    }

    /** Accuracy noise sd at 0.5 (binomial-shaped); 0.1 is heavy. */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.02, 0.05, 0.1})
    void fittingAndGeneralization(double sd) {
        long tolerance = sd <= 0.02 ? 2 * ACC_EVERY : 4 * ACC_EVERY;
        // Onset planted where the linear rise passes 10% of the way to 0.95: 4000 + 2000 * 0.094 / 0.99.
        long onset = 4000 + Math.round(2000 * 0.1 * (0.95 - 0.01) / 0.99);
        long complete = 4000 + Math.round(2000 * (0.95 - 0.01) / 0.99);
        recover("accuracy", sd, seed -> detect(withAccuracyNoise(sample(TRAIN_ACCURACY, 0, 10000, ACC_EVERY), sd, seed),
                        withAccuracyNoise(sample(TEST_ACCURACY, 0, 10000, ACC_EVERY), sd, 1000 + seed), null, null),
                List.of(new Planted(PhaseEvent.FITTING_END, 1000, tolerance),
                        new Planted(PhaseEvent.GENERALIZATION_ONSET, onset, tolerance),
                        new Planted(PhaseEvent.GENERALIZATION_COMPLETE, complete, tolerance)));
    }
}
