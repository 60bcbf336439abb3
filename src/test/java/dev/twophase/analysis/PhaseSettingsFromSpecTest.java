package dev.twophase.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.phase.DetectionSettings;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunState;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PhaseSettingsFromSpecTest {

    private static RunRecord runWithSpec(String spec) {
        return new RunRecord(UUID.randomUUID(), UUID.randomUUID(), 0, RunState.SUCCEEDED, "cpu", 0, 1, 3, null, 10, 10L,
                null, false, null, null, null, null, null, null, spec);
    }

    @Test
    void aRunsPhasesSectionSetsTheRulesParameters() {
        DetectionSettings s = PhaseService.settings(runWithSpec("""
                {"name": "x", "optimizer": {"warmupSteps": 10}, "phases": {"fittingThreshold": 0.9, "generalizationThreshold": 0.8,
                 "generalizationOnsetFraction": 0.2, "plateauTolerance": 0.02, "smoothingWindow": 7, "logHalfWidth": 0.1,
                 "maxLogHalfWidth": 0.3, "minimumRelativeChange": 0.05, "noiseMultiplier": 3, "penaltyFactor": 2}}
                """));

        assertThat(s).isEqualTo(new DetectionSettings(0.9, 0.8, 0.2, 7, 0.1, 0.05, 3, 2, 0.3, 0.02, 10));
    }

    @Test
    void aSpecStoredBeforeTheSectionExistedGetsTheDefaults() {
        assertThat(PhaseService.settings(runWithSpec("{\"name\": \"x\", \"task\": {}}")))
                .isEqualTo(DetectionSettings.defaults());
    }
}
