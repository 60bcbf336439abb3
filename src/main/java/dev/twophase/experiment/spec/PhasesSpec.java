package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The parameters of the phase rules for one run (the detector's {@code DetectionSettings}); every event quotes
 * the ones it used. Defaults: the paper's thresholds and the detector's documented smoothing and tolerances.
 */
@Schema(description = "Parameters of the phase detection rules (README, 'The phase report'); every field has a default")
public record PhasesSpec(
        @Schema(minimum = "0", maximum = "1", defaultValue = "0.99", description = "train accuracy that ends fitting (held for good)") double fittingThreshold,
        @Schema(minimum = "0", maximum = "1", defaultValue = "0.95", description = "test accuracy that counts as generalized (held for good)") double generalizationThreshold,
        @Schema(minimum = "0", maximum = "1", exclusiveMaximum = true, defaultValue = "0.1", description = "generalization onset: how far up the final rise, as a fraction of the way to the threshold") double generalizationOnsetFraction,
        @Schema(minimum = "0", maximum = "1", defaultValue = "0.01", description = "generalization plateau: test accuracy within this of its final level, held") double plateauTolerance,
        @Schema(minimum = "1", maximum = "101", defaultValue = "5", description = "fewest points in the moving median") int smoothingWindow,
        @Schema(minimum = "0", maximum = "5", defaultValue = "0.05", description = "median window: +- this in ln(1 + step)") double logHalfWidth,
        @Schema(minimum = "0", maximum = "5", defaultValue = "0.25", description = "the median window never reaches further than +- this in ln(1 + step) (beyond the immediate neighbours)") double maxLogHalfWidth,
        @Schema(minimum = "0", maximum = "1", defaultValue = "0.02", description = "smallest rise or fall, relative to the value, that counts") double minimumRelativeChange,
        @Schema(minimum = "0", maximum = "100", defaultValue = "4", description = "a rise or fall must also exceed this many robust noise standard deviations") double noiseMultiplier,
        @Schema(minimum = "0", maximum = "100", defaultValue = "3", description = "change-point penalty per segment in units of sigma^2 ln n") double penaltyFactor) {

    /** The detector's defaults. */
    public static PhasesSpec defaults() {
        return new PhasesSpec(0.99, 0.95, 0.1, 0.01, 5, 0.05, 0.25, 0.02, 4.0, 3.0);
    }
}
