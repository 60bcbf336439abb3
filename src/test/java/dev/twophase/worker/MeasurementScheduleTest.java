package dev.twophase.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.experiment.spec.MeasureScheduleSpec;
import dev.twophase.experiment.spec.MeasuresSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementScheduleTest {

    @Test
    void aFixedCadenceMeasuresEveryNStepsPlusTheFirstAndLast() {
        MeasurementSchedule s = MeasurementSchedule.of(new MeasuresSpec(40, null, List.of(), null, null), 100);

        assertThat(s.steps()).containsExactly(0, 40, 80, 100);
    }

    @Test
    void theLogSpacedScheduleIsDenseEarlyAndNeverMoreThanMaxEveryApart() {
        MeasurementSchedule s = MeasurementSchedule.of(
                new MeasuresSpec(null, new MeasureScheduleSpec(10, 1000), List.of(), null, null), 120_000);
        long[] steps = s.steps();

        // round(10^(k/10)): 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100, ...
        assertThat(steps).startsWith(0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100);
        assertThat(steps[steps.length - 1]).isEqualTo(120_000);
        for (int i = 1; i < steps.length; i++) {
            assertThat(steps[i] - steps[i - 1]).as("gap after %d", steps[i - 1]).isBetween(1L, 1000L);
        }
        // Ten per decade up to 1e5 (deduplicated) plus the multiples of 1,000.
        assertThat(steps.length).isBetween(120 + 40, 120 + 60);
    }

    @Test
    void logSpacedStepsAreRoundedPowersWithoutRepeats() {
        assertThat(MeasurementSchedule.logSpaced(40, 1000)).startsWith(1L, 2L, 3L).contains(10L, 100L, 1000L)
                .doesNotHaveDuplicates().allMatch(step -> step >= 1 && step <= 1000);
    }
}
