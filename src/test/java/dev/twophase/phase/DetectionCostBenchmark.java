package dev.twophase.phase;

import static dev.twophase.phase.Synthetic.piecewiseLinear;
import static dev.twophase.phase.Synthetic.sample;
import static dev.twophase.phase.Synthetic.withAccuracyNoise;
import static dev.twophase.phase.Synthetic.withNoise;
import static dev.twophase.phase.Synthetic.withRelativeNoise;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What one phase refresh of a large run costs: 3 whole-model series and 36 I(T;X) series (3
 * estimators x 2 representations x 6 layers) of 2,000 points each, every I(T;X) series with a
 * compression. Not part of the suite (no *Test name); BENCHMARKS.md quotes its output:
 * {@code ./mvnw -q -o test -Dtest=DetectionCostBenchmark}.
 */
class DetectionCostBenchmark {

    private static final int POINTS = 2000;
    private static final long EVERY = 50;
    private static final int ROUNDS = 3;

    @Test
    void detectionAndBootstrapOfALargeRun() {
        long last = EVERY * (POINTS - 1);
        SortedMap<String, SortedMap<Integer, Series>> series = new TreeMap<>();
        put(series, PhaseInputs.TRAIN_ACCURACY, 0,
                withAccuracyNoise(sample(t -> t < 5000 ? 0.4 : 1.0, 0, last, EVERY), 0.05, 1));
        put(series, PhaseInputs.TEST_ACCURACY, 0, withAccuracyNoise(
                sample(piecewiseLinear(0, 0.01, 30000, 0.01, 50000, 1.0), 0, last, EVERY), 0.05, 2));
        put(series, PhaseInputs.TEST_LOSS, 0, withRelativeNoise(
                sample(piecewiseLinear(0, 3.0, 4000, 1.0, 13000, 1.6, 25000, 0.3, 100000, 0.1), 0, last, EVERY), 0.02, 3));
        int seed = 10;
        for (String estimator : List.of("binning", "kde_upper", "kde_lower")) {
            for (String representation : List.of("", ":mlp_hidden")) {
                for (int layer = 1; layer <= 6; layer++) {
                    put(series, "mi_tx:" + estimator + representation, layer, withNoise(sample(
                            piecewiseLinear(0, 2, 15000, 8, 25000, 8, 60000, 3, 100000, 3), 0, last, EVERY), 0.1, seed++));
                }
            }
        }
        PhaseInputs inputs = new PhaseInputs(series);
        PhaseDetector detector = new PhaseDetector();
        BootstrapIntervals intervals = new BootstrapIntervals(detector);
        List<PhaseEvent> events = detector.detect(inputs).events();
        assertThat(events).hasSizeGreaterThan(36 * 2);
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            events = detector.detect(inputs).events();
            long t1 = System.nanoTime();
            List<PhaseEvent> oneSeries = events.stream().filter(e -> e.metric().equals("mi_tx:kde_upper:mlp_hidden")
                    && e.layer() == 1).toList();
            assertThat(intervals.apply(oneSeries, inputs)).allMatch(e -> e.intervalMethod().startsWith("bootstrap"));
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "detection cost | %d series x %d points, %d events | detect %d ms | "
                            + "bootstrap of one series' %d events %d ms%n", 39, POINTS, events.size(),
                    (t1 - t0) / 1_000_000, oneSeries.size(), (t2 - t1) / 1_000_000);
        }
        long t0 = System.nanoTime();
        assertThat(intervals.apply(events, inputs)).allMatch(e -> e.intervalMethod().startsWith("bootstrap"));
        System.out.printf(Locale.ROOT, "detection cost | bootstrap of all %d events (final recompute) %d ms%n",
                events.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static void put(SortedMap<String, SortedMap<Integer, Series>> series, String name, int layer, Series s) {
        series.computeIfAbsent(name, k -> new TreeMap<>()).put(layer, s);
    }
}
