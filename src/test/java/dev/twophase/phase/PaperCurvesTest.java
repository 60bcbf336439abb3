package dev.twophase.phase;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The detectors on the paper's own curves (de Mello Koch &amp; Ghosh, arXiv 2504.12700, Fig. 3a/3c division
 * mod 96 and Fig. 4a/4c S5), digitised from its SVG figures into {@code src/test/resources/paper/} (that
 * folder's README says how). Each curve is read at the paper's cadence (every 200 and 500 steps), at a
 * coarser fixed cadence and at the log-spaced schedule the presets use (40 per decade, at most 1,000
 * apart), by linear interpolation between the figure's vertices. Every event the paper shows must be found
 * within 0.15 decade of where the paper's curve puts it; an event the paper's curve does not have must not be.
 */
class PaperCurvesTest {

    private static final double DECADES = 0.15;

    /** An event of the paper, read off its digitised curve (README of the resource folder). */
    private record Expected(String kind, Long step) {
    }

    static Stream<Arguments> cadences() {
        return Stream.of(
                Arguments.of("division", "grid", division(), divisionEvents()),
                Arguments.of("division", "every 500", division(), divisionEvents()),
                Arguments.of("division", "log 40/decade", division(), divisionEvents()),
                Arguments.of("s5", "grid", s5(), s5Events()),
                Arguments.of("s5", "every 2000", s5(), s5Events()),
                Arguments.of("s5", "log 40/decade", s5(), s5Events()));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cadences")
    void theDetectorsReportThePapersEvents(String task, String cadence, Map<String, Curve> curves,
            List<Expected> expected) {
        long grid = task.equals("division") ? 200 : 500;
        long last = curves.get("test_loss").lastStep();
        long[] steps = switch (cadence) {
            case "grid" -> fixed(grid, grid, last);
            case "every 500" -> fixed(500, 500, last);
            case "every 2000" -> fixed(2000, 2000, last);
            default -> logSpaced(40, 1000, grid, last);
        };
        PhaseReport report = new PhaseDetector().detect(inputs(curves, steps));
        Map<String, Long> found = new TreeMap<>();
        report.events().forEach(e -> found.put(e.kind(), e.step()));
        System.out.printf(Locale.ROOT, "%s at %s (%d points): %s%n", task, cadence, steps.length, found);

        for (Expected e : expected) {
            if (e.step() == null) {
                assertThat(found).as("%s must not be found", e.kind()).doesNotContainKey(e.kind());
            } else {
                assertThat(found).as("%s", e.kind()).containsKey(e.kind());
                double off = Math.abs(Math.log10(found.get(e.kind())) - Math.log10(e.step()));
                assertThat(off).as("%s at %d, the paper's at %d: %.3f decades off", e.kind(), found.get(e.kind()),
                        e.step(), off).isLessThanOrEqualTo(DECADES);
            }
        }
    }

    /**
     * Fig. 3: test loss first minimum 0.51 at 800, hump 0.885 at 2,600 and the descent right after it; train
     * accuracy >= 0.99 for good from 4,200; test accuracy >= 0.95 for good from 23,000 and within 0.01 of its
     * final ~0.995 from ~6.7e4 (first 0.99) to ~9.5e4 (held), the plateau taken at their geometric middle.
     */
    private static List<Expected> divisionEvents() {
        return List.of(new Expected(PhaseEvent.TEST_LOSS_FIRST_MINIMUM, 800L),
                new Expected(PhaseEvent.TEST_LOSS_HUMP_PEAK, 2_600L),
                new Expected(PhaseEvent.TEST_LOSS_SECOND_DESCENT, 2_800L),
                new Expected(PhaseEvent.FITTING_END, 4_200L),
                new Expected(PhaseEvent.GENERALIZATION_COMPLETE, 23_000L),
                new Expected(PhaseEvent.GENERALIZATION_PLATEAU, 80_000L));
    }

    /**
     * Fig. 4: the test loss rises from the start (no first minimum) to 14.0 at 24,500, stays on a plateau to
     * ~6e4 and descends from 62,500; test accuracy >= 0.95 for good from 520,000. Train accuracy first reaches
     * 0.99 at 62,500, then hovers about it (a third of the points up to 261,000 lie at 0.975-0.988, measured on
     * 512 samples): the paper's fitting end for S5 is the range 6e4-2e5, checked at its geometric centre 1.1e5.
     */
    private static List<Expected> s5Events() {
        return List.of(new Expected(PhaseEvent.TEST_LOSS_FIRST_MINIMUM, null),
                new Expected(PhaseEvent.TEST_LOSS_HUMP_PEAK, 24_500L),
                new Expected(PhaseEvent.TEST_LOSS_SECOND_DESCENT, 62_500L),
                new Expected(PhaseEvent.FITTING_END, 110_000L),
                new Expected(PhaseEvent.GENERALIZATION_COMPLETE, 520_000L));
    }

    private static PhaseInputs inputs(Map<String, Curve> curves, long[] steps) {
        return PhaseInputs.of(curves.get("train_acc").at(steps), curves.get("test_acc").at(steps),
                curves.get("test_loss").at(steps), Map.of());
    }

    private static Map<String, Curve> division() {
        return Map.of("train_acc", Curve.read("fig3a-division-train_acc.csv"),
                "test_acc", Curve.read("fig3a-division-test_acc.csv"),
                "test_loss", Curve.read("fig3c-division-test_loss.csv"));
    }

    private static Map<String, Curve> s5() {
        return Map.of("train_acc", Curve.read("fig4a-s5-train_acc.csv"),
                "test_acc", Curve.read("fig4a-s5-test_acc.csv"),
                "test_loss", Curve.read("fig4c-s5-test_loss.csv"));
    }

    private static long[] fixed(long first, long every, long last) {
        List<Long> steps = new ArrayList<>();
        for (long s = first; s <= last; s += every) {
            steps.add(s);
        }
        return steps.stream().mapToLong(Long::longValue).toArray();
    }

    /** The measurement schedule's steps (round(10^(k/perDecade)) and multiples of maxEvery) the figure covers. */
    static long[] logSpaced(int perDecade, long maxEvery, long first, long last) {
        TreeSet<Long> steps = new TreeSet<>();
        for (int k = 0; ; k++) {
            long s = Math.round(Math.pow(10.0, (double) k / perDecade));
            if (s > last) {
                break;
            }
            steps.add(s);
        }
        for (long s = maxEvery; s <= last; s += maxEvery) {
            steps.add(s);
        }
        steps.add(last);
        return steps.stream().filter(s -> s >= first).mapToLong(Long::longValue).toArray();
    }

    /** A digitised curve: its vertices, read between them by linear interpolation in the step. */
    record Curve(long[] steps, double[] values) {

        static Curve read(String file) {
            List<long[]> rows = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    PaperCurvesTest.class.getResourceAsStream("/paper/" + file), StandardCharsets.UTF_8))) {
                in.readLine();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] parts = line.split(",");
                    rows.add(new long[] {Long.parseLong(parts[0])});
                    values.add(Double.parseDouble(parts[1]));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Curve(rows.stream().mapToLong(r -> r[0]).toArray(),
                    values.stream().mapToDouble(Double::doubleValue).toArray());
        }

        long lastStep() {
            return steps[steps.length - 1];
        }

        Series at(long[] wanted) {
            double[] out = new double[wanted.length];
            int j = 0;
            for (int i = 0; i < wanted.length; i++) {
                while (j + 1 < steps.length && steps[j + 1] < wanted[i]) {
                    j++;
                }
                if (wanted[i] <= steps[0]) {
                    out[i] = values[0];
                } else if (j + 1 >= steps.length) {
                    out[i] = values[steps.length - 1];
                } else {
                    double t = (double) (wanted[i] - steps[j]) / (steps[j + 1] - steps[j]);
                    out[i] = values[j] + t * (values[j + 1] - values[j]);
                }
            }
            return Series.of(wanted, out);
        }
    }
}
