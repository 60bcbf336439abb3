package dev.twophase.phase;

import java.util.Arrays;

/**
 * A metric recorded over training: {@code values[i]} at {@code steps[i]}, steps strictly
 * increasing. Values may be non-finite (a diverged run logs NaN); the detector skips such points.
 * The arrays are copied in and out, so a series never changes after it is made.
 */
public record Series(long[] steps, double[] values) {

    private static final Series EMPTY = new Series(new long[0], new double[0]);

    public Series {
        if (steps == null || values == null) {
            throw new IllegalArgumentException("steps and values are required");
        }
        if (steps.length != values.length) {
            throw new IllegalArgumentException(
                    "series has " + steps.length + " steps but " + values.length + " values");
        }
        for (int i = 1; i < steps.length; i++) {
            if (steps[i] <= steps[i - 1]) {
                throw new IllegalArgumentException("steps must be strictly increasing, but step " + steps[i]
                        + " at index " + i + " follows " + steps[i - 1]);
            }
        }
        steps = steps.clone();
        values = values.clone();
    }

    public static Series of(long[] steps, double[] values) {
        return new Series(steps, values);
    }

    public static Series empty() {
        return EMPTY;
    }

    public int size() {
        return steps.length;
    }

    public long step(int index) {
        return steps[index];
    }

    public double value(int index) {
        return values[index];
    }

    @Override
    public long[] steps() {
        return steps.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Series that && Arrays.equals(steps, that.steps) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(steps) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Series[steps=" + Arrays.toString(steps) + ", values=" + Arrays.toString(values) + "]";
    }
}
