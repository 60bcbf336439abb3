package dev.twophase.phase;

/** End of the fitting phase: from {@code endStep} on, train accuracy stays at or above the threshold. */
public record Fitting(Long endStep, String metric, double threshold, String rule) {
}
