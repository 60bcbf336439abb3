package dev.twophase.phase;

/**
 * The compression phase of one layer (Shwartz-Ziv &amp; Tishby 2017): I(T;X) peaks, declines for
 * good from {@code onsetStep}, and settles at {@code endStep}. Values are those of the smoothed series.
 */
public record Compression(int layer, String metric, Long peakStep, Long onsetStep, Long endStep, Double peakValue,
        Double endValue, String rule) {
}
