package dev.twophase.metrics;

/** One layer of a series at full resolution, steps ascending. */
public record FullSeries(int layer, long[] steps, double[] values) {
}
