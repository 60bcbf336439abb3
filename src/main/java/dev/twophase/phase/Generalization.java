package dev.twophase.phase;

/**
 * Generalization: {@code step} is where test accuracy reaches the threshold for good,
 * {@code onsetStep} where the rise that leads there began.
 */
public record Generalization(Long onsetStep, Long step, String metric, double threshold, String rule) {
}
