package dev.twophase.phase;

import java.util.Arrays;
import java.util.function.DoublePredicate;

/**
 * The finite points of a series, their centred moving median, and the series' noise scale: the
 * common ground of every phase rule.
 *
 * <p>The median (Tukey 1977) keeps steps sharp, which threshold rules on accuracy need, and
 * ignores isolated outliers. At the ends the window is truncated rather than shrunk, so the
 * first and last points are medians too and a single noisy last point cannot end a phase.
 */
final class SmoothedSeries {

    /** Turns a median absolute deviation into a standard deviation for Gaussian noise. */
    private static final double MAD_TO_SIGMA = 1.4826;

    private final long[] steps;
    private final double[] raw;
    private final double[] smoothed;
    /** Robust standard deviation of the raw series' noise. */
    private final double sigma;
    private final DetectionSettings settings;

    private SmoothedSeries(long[] steps, double[] raw, double[] smoothed, double sigma, DetectionSettings settings) {
        this.steps = steps;
        this.raw = raw;
        this.smoothed = smoothed;
        this.sigma = sigma;
        this.settings = settings;
    }

    static SmoothedSeries of(Series series, DetectionSettings settings) {
        int finite = 0;
        long[] steps = new long[series.size()];
        double[] raw = new double[series.size()];
        for (int i = 0; i < series.size(); i++) {
            if (Double.isFinite(series.value(i))) {
                steps[finite] = series.step(i);
                raw[finite] = series.value(i);
                finite++;
            }
        }
        steps = Arrays.copyOf(steps, finite);
        raw = Arrays.copyOf(raw, finite);
        return new SmoothedSeries(steps, raw, movingMedian(raw, settings.smoothingWindow()), noiseSigma(raw), settings);
    }

    int size() {
        return steps.length;
    }

    long step(int index) {
        return steps[index];
    }

    double value(int index) {
        return smoothed[index];
    }

    /** The measured (unsmoothed) value. */
    double rawValue(int index) {
        return raw[index];
    }

    /**
     * The smallest change from {@code value} that counts as a real rise or fall:
     * max(minimumRelativeChange * |value|, noiseMultiplier * sigma).
     */
    double tolerance(double value) {
        return Math.max(settings.minimumRelativeChange() * Math.abs(value), settings.noiseMultiplier() * sigma);
    }

    /**
     * The first index at or after {@code from} such that the smoothed value there and at every
     * later point satisfies {@code condition}; -1 if the last point fails it or there is none.
     */
    int firstIndexFromWhichAll(int from, DoublePredicate condition) {
        int first = smoothed.length;
        while (first > from && condition.test(smoothed[first - 1])) {
            first--;
        }
        return first < smoothed.length ? first : -1;
    }

    /** The first index at or after {@code from} whose smoothed value satisfies {@code condition}; -1 if none. */
    int firstIndexWhere(int from, DoublePredicate condition) {
        for (int i = from; i < smoothed.length; i++) {
            if (condition.test(smoothed[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first maximum of the smoothed values in [from, to); -1 if the range is empty. */
    int argMax(int from, int to) {
        int best = -1;
        for (int i = from; i < to; i++) {
            if (best < 0 || smoothed[i] > smoothed[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Index of the first minimum of the smoothed values in [from, to); -1 if the range is empty. */
    int argMin(int from, int to) {
        int best = -1;
        for (int i = from; i < to; i++) {
            if (best < 0 || smoothed[i] < smoothed[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] movingMedian(double[] x, int window) {
        int half = window / 2;
        double[] median = new double[x.length];
        double[] buffer = new double[2 * half + 1];
        for (int i = 0; i < x.length; i++) {
            int from = Math.max(0, i - half);
            int to = Math.min(x.length, i + half + 1);
            int count = to - from;
            System.arraycopy(x, from, buffer, 0, count);
            Arrays.sort(buffer, 0, count);
            median[i] = count % 2 == 1 ? buffer[count / 2] : (buffer[count / 2 - 1] + buffer[count / 2]) / 2.0;
        }
        return median;
    }

    /**
     * 1.4826 * MAD(d2) / sqrt(6) of the second differences d2 = x[i+1] - 2 x[i] + x[i-1]: they
     * cancel any locally linear trend (sd sqrt(6) sigma for white noise), and the MAD ignores the
     * few large values at real change points.
     */
    private static double noiseSigma(double[] x) {
        if (x.length < 3) {
            return 0.0;
        }
        double[] d2 = new double[x.length - 2];
        for (int i = 0; i < d2.length; i++) {
            d2[i] = x[i + 2] - 2.0 * x[i + 1] + x[i];
        }
        double centre = median(d2.clone());
        double[] deviation = new double[d2.length];
        for (int i = 0; i < d2.length; i++) {
            deviation[i] = Math.abs(d2[i] - centre);
        }
        return MAD_TO_SIGMA * median(deviation) / Math.sqrt(6.0);
    }

    private static double median(double[] x) {
        Arrays.sort(x);
        int n = x.length;
        return n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2.0;
    }
}
