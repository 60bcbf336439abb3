package dev.twophase.phase;

import java.util.Random;
import java.util.function.LongToDoubleFunction;

/** Synthetic series with planted change points and seeded noise. */
final class Synthetic {

    private Synthetic() {
    }

    static Series sample(LongToDoubleFunction curve, long from, long to, long every) {
        int n = (int) ((to - from) / every) + 1;
        long[] steps = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = from + i * every;
            values[i] = curve.applyAsDouble(steps[i]);
        }
        return Series.of(steps, values);
    }

    /** The first {@code count} points of a series: a run still in progress. */
    static Series firstPoints(Series series, int count) {
        long[] steps = new long[count];
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            steps[i] = series.step(i);
            values[i] = series.value(i);
        }
        return Series.of(steps, values);
    }

    /** The points up to and including {@code lastStep}. */
    static Series until(Series series, long lastStep) {
        int count = 0;
        while (count < series.size() && series.step(count) <= lastStep) {
            count++;
        }
        return firstPoints(series, count);
    }

    /** Adds Gaussian noise of standard deviation {@code sd}. */
    static Series withNoise(Series series, double sd, long seed) {
        Random random = new Random(seed);
        double[] values = series.values();
        for (int i = 0; i < values.length; i++) {
            values[i] += sd * random.nextGaussian();
        }
        return Series.of(series.steps(), values);
    }

    /** Multiplies each value by 1 + relativeSd * N(0, 1): noise proportional to the loss. */
    static Series withRelativeNoise(Series series, double relativeSd, long seed) {
        Random random = new Random(seed);
        double[] values = series.values();
        for (int i = 0; i < values.length; i++) {
            values[i] *= 1.0 + relativeSd * random.nextGaussian();
        }
        return Series.of(series.steps(), values);
    }

    /**
     * Accuracy noise shaped like binomial sampling noise: standard deviation {@code sdAtHalf} at
     * accuracy 0.5, shrinking as 2 sqrt(p (1 - p)) towards 0 and 1, clipped to [0, 1]. Additive
     * noise of constant sd would push a saturated accuracy of 1.0 below any threshold near 1
     * half of the time, which no threshold rule could or should call fitted.
     */
    static Series withAccuracyNoise(Series series, double sdAtHalf, long seed) {
        Random random = new Random(seed);
        double[] values = series.values();
        for (int i = 0; i < values.length; i++) {
            double p = values[i];
            double sd = sdAtHalf * 2.0 * Math.sqrt(p * (1.0 - p));
            values[i] = Math.max(0.0, Math.min(1.0, p + sd * random.nextGaussian()));
        }
        return Series.of(series.steps(), values);
    }

    /** Piecewise-linear curve through the knots {@code (step, value), ...}, flat beyond them. */
    static LongToDoubleFunction piecewiseLinear(double... stepValuePairs) {
        return t -> {
            int last = stepValuePairs.length - 2;
            if (t <= stepValuePairs[0]) {
                return stepValuePairs[1];
            }
            for (int k = 0; k < last; k += 2) {
                double t0 = stepValuePairs[k];
                double t1 = stepValuePairs[k + 2];
                if (t <= t1) {
                    double u = (t - t0) / (t1 - t0);
                    return stepValuePairs[k + 1] + u * (stepValuePairs[k + 3] - stepValuePairs[k + 1]);
                }
            }
            return stepValuePairs[last + 1];
        };
    }
}
