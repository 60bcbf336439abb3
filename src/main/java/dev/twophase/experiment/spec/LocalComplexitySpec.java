package dev.twophase.experiment.spec;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Local complexity (Humayun et al. 2024) around {@code points} train, test and random inputs: a
 * cross-polytope of {@code directions} orthonormal directions at radius {@code radius} times the
 * root-mean-square norm of the embedded train inputs.
 */
@Schema(description = "Local complexity (Humayun et al. 2024, arXiv 2402.15555); present = on")
public record LocalComplexitySpec(
        @Schema(minimum = "1", defaultValue = "25", description = "P, orthonormal directions of the cross-polytope frame (at most 3·dModel)") int directions,
        @Schema(exclusiveMinimum = true, minimum = "0", maximum = "10", defaultValue = "0.1", description = "frame radius as a fraction of the root-mean-square norm of the embedded train inputs") double radius,
        @Schema(minimum = "1", maximum = "1000", defaultValue = "50", description = "sample points per source (train, test, random)") int points) {
}
