package dev.twophase.phase;

import java.util.Arrays;
import java.util.function.DoublePredicate;

/**
 * The points of a series up to its first non-finite value, their centred moving median on the
 * log-step axis, and the series' noise scale: the common ground of every phase rule.
 *
 * <p>The median (Tukey 1977) keeps steps sharp, which threshold rules on accuracy need, and
 * ignores isolated outliers. Its window spans +-logHalfWidth in ln(1 + step) (at least
 * smoothingWindow points, at most {@value #MAX_HALF_WINDOW} either side), kept centred in points
 * so a ramp is not shifted, and reaches beyond +-maxLogHalfWidth only for the immediate neighbours: at a
 * fixed cadence the first points are far apart on the log axis (200 and 400 are 0.3 decade apart), and a
 * wider median across them would move or erase a minimum that lasts two or three points. At the ends the window is truncated
 * rather than shrunk, so the first and last points are medians too and a single noisy last point
 * cannot end a phase.
 *
 * <p>A NaN or infinite value means the run diverged there: the series ends at the last finite point
 * before it, and no "stays at or above" rule can hold (the value at the divergence does not).
 */
final class SmoothedSeries {

    /** Caps the work per point on long runs (a 1e6-step run logged every 50 steps has 2e4 points). */
    static final int MAX_HALF_WINDOW = 25;
    private static final int LOCAL_NOISE_POINTS = 10;
    /** Turns a median absolute deviation into a standard deviation for Gaussian noise. */
    private static final double MAD_TO_SIGMA = 1.4826;

    private final long[] steps;
    private final double[] raw;
    private final double[] smoothed;
    /** Robust standard deviation of the raw series' noise. */
    private final double sigma;
    private final DetectionSettings settings;
    /** Step of the first non-finite value, or null. */
    private final Long divergence;

    private SmoothedSeries(long[] steps, double[] raw, double[] smoothed, double sigma, DetectionSettings settings,
            Long divergence) {
        this.steps = steps;
        this.raw = raw;
        this.smoothed = smoothed;
        this.sigma = sigma;
        this.settings = settings;
        this.divergence = divergence;
    }

    static SmoothedSeries of(Series series, DetectionSettings settings) {
        Long divergence = divergenceStep(series);
        int finite = 0;
        while (finite < series.size() && Double.isFinite(series.value(finite))) {
            finite++;
        }
        long[] steps = Arrays.copyOf(series.steps(), finite);
        double[] raw = Arrays.copyOf(series.values(), finite);
        return new SmoothedSeries(steps, raw, movingMedian(steps, raw, settings), noiseSigma(raw), settings, divergence);
    }

    /** The step of the series' first NaN or infinite value, or null when every value is finite. */
    static Long divergenceStep(Series series) {
        for (int i = 0; i < series.size(); i++) {
            if (!Double.isFinite(series.value(i))) {
                return series.step(i);
            }
        }
        return null;
    }

    /** Whether the series ended in a non-finite value (the points here stop before it). */
    boolean diverged() {
        return divergence != null;
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
     * later point satisfies {@code condition}; -1 if the last point fails it, there is none, or the
     * series diverged (its non-finite value satisfies nothing).
     */
    int firstIndexFromWhichAll(int from, DoublePredicate condition) {
        if (diverged()) {
            return -1;
        }
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

    private static double[] movingMedian(long[] steps, double[] x, DetectionSettings settings) {
        double[] median = new double[x.length];
        double[] buffer = new double[2 * MAX_HALF_WINDOW + 1 + settings.smoothingWindow()];
        for (int i = 0; i < x.length; i++) {
            int half = halfWindow(steps, i, settings);
            int from = Math.max(0, i - half);
            int to = Math.min(x.length, i + half + 1);
            if ((to - from) % 2 == 0) {
                // A window cut short at an end keeps an odd count (drop its farthest point): the median of two
                // points is their mean, which turns a V of three points into a peak.
                if (from == 0) {
                    to--;
                } else {
                    from++;
                }
            }
            int count = to - from;
            System.arraycopy(x, from, buffer, 0, count);
            Arrays.sort(buffer, 0, count);
            median[i] = count % 2 == 1 ? buffer[count / 2] : (buffer[count / 2 - 1] + buffer[count / 2]) / 2.0;
        }
        return median;
    }

    /**
     * Points either side of i: the log-step window's, made symmetric, but no fewer than the point window's
     * as long as those points lie within the widest allowed log window (on the sides that have points), and
     * never fewer than one (a three-point median).
     */
    static int halfWindow(long[] steps, int i, DetectionSettings settings) {
        int inWindow = Math.min(pointsWithin(steps, i, -1, settings.logHalfWidth(), MAX_HALF_WINDOW),
                pointsWithin(steps, i, +1, settings.logHalfWidth(), MAX_HALF_WINDOW));
        int wanted = settings.smoothingWindow() / 2;
        int reach = wanted;
        if (i > 0) {
            reach = Math.min(reach, pointsWithin(steps, i, -1, settings.maxLogHalfWidth(), wanted));
        }
        if (i + 1 < steps.length) {
            reach = Math.min(reach, pointsWithin(steps, i, +1, settings.maxLogHalfWidth(), wanted));
        }
        // Every point gets its two neighbours at least (a single-point outlier never passes), unless no window is asked for.
        return Math.max(Math.max(reach, Math.min(1, wanted)), inWindow);
    }

    /** Points on one side of i ({@code direction} -1 or +1) within {@code logWidth} of it in ln(1 + step), at most {@code cap}. */
    private static int pointsWithin(long[] steps, int i, int direction, double logWidth, int cap) {
        double centre = Math.log1p(steps[i]);
        int count = 0;
        int j = i + direction;
        while (count < cap && j >= 0 && j < steps.length && Math.abs(Math.log1p(steps[j]) - centre) <= logWidth) {
            count++;
            j += direction;
        }
        return count;
    }

    /** The robust noise standard deviation of the raw points. */
    double sigma() {
        return sigma;
    }

    /** Steps of the finite points (a copy). */
    long[] steps() {
        return steps.clone();
    }

    /** The measured values of the finite points (a copy). */
    double[] rawValues() {
        return raw.clone();
    }

    /**
     * Noise of the smoothed value at i: about two standard errors of a median of the window's
     * points (sd ~ 1.25 sigma / sqrt(points) for Gaussian noise).
     */
    double smoothedNoise(int i) {
        int points = 2 * halfWindow(steps, i, settings) + 1;
        return 2.5 * Math.max(sigma, localSigma(i)) / Math.sqrt(points);
    }

    /**
     * The noise sd from the second differences within {@value #LOCAL_NOISE_POINTS} points of i:
     * accuracy noise is binomial, near zero at 0 and 1 and largest mid-rise, so the series-wide
     * sigma understates it where events happen.
     */
    double localSigma(int i) {
        int from = Math.max(0, i - LOCAL_NOISE_POINTS);
        int to = Math.min(raw.length, i + LOCAL_NOISE_POINTS + 1);
        return noiseSigma(Arrays.copyOfRange(raw, from, to));
    }

    /**
     * Steps around the extremum at i within which the smoothed series stays within its noise of
     * the extremum's value, widened by one logged point either side (the true extremum lies
     * somewhere between measurements). {@code sign} is +1 for a maximum, -1 for a minimum.
     */
    long[] extremumInterval(int i, int sign) {
        double bound = smoothed[i] - sign * smoothedNoise(i);
        int low = i;
        while (low > 0 && sign * (smoothed[low - 1] - bound) >= 0) {
            low--;
        }
        int high = i;
        while (high + 1 < smoothed.length && sign * (smoothed[high + 1] - bound) >= 0) {
            high++;
        }
        return new long[] {steps[Math.max(0, low - 1)], steps[Math.min(smoothed.length - 1, high + 1)]};
    }

    /**
     * Steps within which the series crossed {@code level} upwards for good at i: from the previous
     * logged point (or earlier, while the smoothed series was already within twice its noise of
     * the level) to i (or later, while it was still within twice its noise above the level).
     */
    long[] crossingInterval(int i, double level) {
        int low = Math.max(0, i - 1);
        while (low > 0 && smoothed[low - 1] >= level - 2 * smoothedNoise(low - 1)) {
            low--;
        }
        int high = i;
        while (high + 1 < smoothed.length && smoothed[high] < level + 2 * smoothedNoise(high)) {
            high++;
        }
        return new long[] {steps[low], steps[high]};
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
