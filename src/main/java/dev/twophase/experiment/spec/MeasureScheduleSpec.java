package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Log-spaced measurement steps: round(10^(k / perDecade)) for k = 0, 1, ..., deduplicated, plus every multiple
 * of {@code maxEvery} (so no two measurements are further apart), step 0 and the last step.
 */
@Schema(description = "log-spaced measurement steps: perDecade per decade of steps, at most maxEvery apart; the default for runs of 10,000 steps or more")
public record MeasureScheduleSpec(
        @Schema(minimum = "1", maximum = "1000", defaultValue = "40", description = "measurements per decade of steps") int perDecade,
        @Schema(minimum = "1", defaultValue = "1000", description = "largest gap between two measurements, in steps (at most the run's steps)") int maxEvery) {

    public static final int DEFAULT_PER_DECADE = 40;
    public static final int DEFAULT_MAX_EVERY = 1000;
    /** Runs at least this long get the log-spaced schedule by default, shorter ones a fixed cadence. */
    public static final long DEFAULT_FROM_STEPS = 10_000;
}
