package dev.twophase.phase;

/**
 * Epoch-wise double descent of the test loss (Nakkiran et al. 2019, arXiv 1912.02292): a first
 * minimum, a hump peaking at {@code peakStep}, and the start of the second descent. Values are
 * those of the smoothed series.
 */
public record TestLossShape(Long firstMinimumStep, Long peakStep, Long secondDescentStep, Double firstMinimumValue,
        Double peakValue, String metric, String rule) {
}
