package dev.twophase.phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FewPointsAndInputsTest {

    private static Series firstOf(int count, double... values) {
        long[] steps = new long[count];
        for (int i = 0; i < count; i++) {
            steps[i] = 100L * (i + 1);
        }
        return Series.of(steps, Arrays.copyOf(values, count));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void veryShortSeriesYieldNullsWithoutFailing(int points) {
        SortedMap<Integer, Series> layers = new TreeMap<>();
        layers.put(0, firstOf(points, 4.0, 1.0, 4.0));
        PhaseInputs inputs = PhaseInputs.of(firstOf(points, 0.2, 0.5, 0.6), firstOf(points, 0.1, 0.2, 0.3),
                firstOf(points, 3.0, 1.0, 3.0), layers);
        PhaseReport report = new PhaseDetector().detect(inputs);

        assertThat(report.fitting().endStep()).isNull();
        assertThat(report.fitting().rule()).isNotBlank();
        assertThat(report.generalization().step()).isNull();
        assertThat(report.generalization().onsetStep()).isNull();
        assertThat(report.testLoss().firstMinimumStep()).isNull();
        assertThat(report.testLoss().peakStep()).isNull();
        assertThat(report.compression()).hasSize(1);
        assertThat(report.compression().get(0).peakStep()).isNull();
        assertThat(report.compression().get(0).onsetStep()).isNull();
    }

    @Test
    void aSingleFittedPointIsTheFirstObservedFittedStep() {
        PhaseReport report = new PhaseDetector()
                .detect(PhaseInputs.of(firstOf(1, 1.0), firstOf(1, 0.97), null, null));

        assertThat(report.fitting().endStep()).isEqualTo(100L);
        assertThat(report.generalization().step()).isEqualTo(100L);
        assertThat(report.generalization().onsetStep()).isNull();
    }

    @Test
    void missingInputsAreEmpty() {
        PhaseReport report = new PhaseDetector().detect(PhaseInputs.of(null, null, null, null));

        assertThat(report.fitting().metric()).isEqualTo("train_acc");
        assertThat(report.generalization().metric()).isEqualTo("test_acc");
        assertThat(report.testLoss().metric()).isEqualTo("test_loss");
        assertThat(report.compression()).isEmpty();
    }

    @Test
    void aNonFiniteValueEndsStaysAboveRulesAndIsReportedAsDivergence() {
        long[] steps = {100, 200, 300, 400, 500, 600, 700};
        double[] acc = {0.5, 1.0, 1.0, 1.0, Double.NaN, 1.0, 1.0};
        double[] loss = {3.0, 2.0, 1.0, 0.5, Double.POSITIVE_INFINITY, 0.4, 0.3};
        PhaseReport report = new PhaseDetector(new DetectionSettings(0.99, 0.95, 0.1, 1, 0, 0.02, 4, 3))
                .detect(PhaseInputs.of(Series.of(steps, acc), null, Series.of(steps, loss), null));

        // Train accuracy was 1 from step 200 until the run diverged at 500: it did not stay fitted.
        assertThat(report.fitting().endStep()).isNull();
        assertThat(report.events()).filteredOn(e -> e.kind().equals(PhaseEvent.DIVERGENCE))
                .extracting(PhaseEvent::metric, PhaseEvent::step)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("train_acc", 500L),
                        org.assertj.core.groups.Tuple.tuple("test_loss", 500L));
        // Without a non-finite value the same accuracies are fitted from step 200.
        acc[4] = 1.0;
        assertThat(new PhaseDetector(new DetectionSettings(0.99, 0.95, 0.1, 1, 0, 0.02, 4, 3))
                .detect(PhaseInputs.of(Series.of(steps, acc), null, null, null)).fitting().endStep()).isEqualTo(200L);
    }

    @Test
    void seriesRejectsMismatchedOrUnorderedSteps() {
        assertThatThrownBy(() -> Series.of(new long[] {1, 2}, new double[] {1})).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> Series.of(new long[] {1, 1}, new double[] {1, 2})).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> Series.of(new long[] {2, 1}, new double[] {1, 2})).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> Series.of(null, new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seriesIsImmutableAndComparedByContent() {
        long[] steps = {1, 2};
        double[] values = {0.5, 0.6};
        Series series = Series.of(steps, values);
        steps[0] = 0;
        series.values()[1] = 9;

        assertThat(series.step(0)).isEqualTo(1L);
        assertThat(series.value(1)).isEqualTo(0.6);
        assertThat(series).isEqualTo(Series.of(new long[] {1, 2}, new double[] {0.5, 0.6}));
        assertThat(series.size()).isEqualTo(2);
        assertThat(Series.empty().size()).isZero();
    }

    @Test
    void settingsRejectValuesOutsideTheirRange() {
        assertThat(DetectionSettings.defaults().fittingThreshold()).isEqualTo(0.99);
        assertThat(DetectionSettings.defaults().generalizationThreshold()).isEqualTo(0.95);
        assertThatThrownBy(() -> new DetectionSettings(1.5, 0.95, 0.1, 5, 0.05, 0.02, 4, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetectionSettings(0.99, 0.95, 1.0, 5, 0.05, 0.02, 4, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetectionSettings(0.99, 0.95, 0.1, 0, 0.05, 0.02, 4, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetectionSettings(0.99, 0.95, 0.1, 5, 0.05, -0.02, 4, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetectionSettings(0.99, 0.95, 0.1, 5, 0.05, 0.02, Double.NaN, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DetectionSettings(0.99, 0.95, 0.1, 5, -1, 0.02, 4, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
