package dev.twophase.phase;

/**
 * Generalization: {@code step} is where test accuracy reaches the threshold for good,
 * {@code onsetStep} where the rise that leads there began, {@code plateauStep} where it reaches the level
 * it ends at (within the plateau tolerance of {@code plateauLevel}, the final smoothed test accuracy) for
 * good: the paper's end of generalization.
 */
public record Generalization(Long onsetStep, Long step, Long plateauStep, Double plateauLevel, String metric,
        double threshold, String rule) {
}
