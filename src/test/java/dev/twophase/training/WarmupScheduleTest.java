package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WarmupScheduleTest {

    @Test
    void rampsLinearlyThenStaysConstant() {
        WarmupSchedule schedule = new WarmupSchedule(1e-3, 10);
        assertThat(schedule.at(0)).isCloseTo(1e-4, within(1e-12));   // ~0 but already moving
        assertThat(schedule.at(4)).isCloseTo(5e-4, within(1e-12));   // mid warm-up
        assertThat(schedule.at(9)).isCloseTo(1e-3, within(1e-12));   // last warm-up step: full rate
        assertThat(schedule.at(10)).isEqualTo(1e-3);
        assertThat(schedule.at(100_000)).isEqualTo(1e-3);
        assertThat(schedule.valueAt(4, 0)).isEqualTo(schedule.at(4));
        assertThat(schedule.clone().valueAt(4, 3)).isEqualTo(schedule.at(4));
    }

    @Test
    void zeroWarmupIsConstant() {
        WarmupSchedule schedule = new WarmupSchedule(3e-3, 0);
        assertThat(schedule.at(0)).isEqualTo(3e-3);
        assertThat(schedule.at(5)).isEqualTo(3e-3);
    }
}
