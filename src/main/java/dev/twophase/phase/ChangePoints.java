package dev.twophase.phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact penalised segmentation of a series into straight lines: PELT (Killick, Fearnhead &amp;
 * Eckley 2012, arXiv 1101.1438) with the residual sum of squares of a least-squares line as the
 * segment cost and a fixed penalty per segment. It returns the same minimum of
 * sum(cost) + penalty * segments as optimal partitioning (Jackson et al. 2005), pruning with
 * K = 0, which holds because splitting a segment never raises its least-squares cost.
 */
final class ChangePoints {

    /** One fitted line over points [start, end). */
    record Segment(int start, int end, double slope, double intercept) {

        double fitted(double x) {
            return intercept + slope * x;
        }
    }

    private final double[] x;
    private final double[] y;
    // Prefix sums of 1, x, y, x^2, xy, y^2 make every segment cost O(1).
    private final double[] sx;
    private final double[] sy;
    private final double[] sxx;
    private final double[] sxy;
    private final double[] syy;

    ChangePoints(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " points but y has " + y.length);
        }
        this.x = x.clone();
        this.y = y.clone();
        int n = x.length;
        sx = new double[n + 1];
        sy = new double[n + 1];
        sxx = new double[n + 1];
        sxy = new double[n + 1];
        syy = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sx[i + 1] = sx[i] + x[i];
            sy[i + 1] = sy[i] + y[i];
            sxx[i + 1] = sxx[i] + x[i] * x[i];
            sxy[i + 1] = sxy[i] + x[i] * y[i];
            syy[i + 1] = syy[i] + y[i] * y[i];
        }
    }

    /** Residual sum of squares of the least-squares line through points [a, b). */
    double cost(int a, int b) {
        int n = b - a;
        if (n < 2) {
            return 0.0;
        }
        double mx = (sx[b] - sx[a]) / n;
        double my = (sy[b] - sy[a]) / n;
        double vxx = (sxx[b] - sxx[a]) - n * mx * mx;
        double vxy = (sxy[b] - sxy[a]) - n * mx * my;
        double vyy = (syy[b] - syy[a]) - n * my * my;
        double rss = vxx <= 0.0 ? vyy : vyy - vxy * vxy / vxx;
        return Math.max(0.0, rss);
    }

    /** The least-squares line over [a, b). */
    Segment fit(int a, int b) {
        int n = b - a;
        double mx = (sx[b] - sx[a]) / n;
        double my = (sy[b] - sy[a]) / n;
        double vxx = (sxx[b] - sxx[a]) - n * mx * mx;
        double slope = vxx <= 0.0 ? 0.0 : ((sxy[b] - sxy[a]) - n * mx * my) / vxx;
        return new Segment(a, b, slope, my - slope * mx);
    }

    /**
     * Segment starts after 0 of the segmentation minimising sum(cost) + penalty per segment,
     * every segment at least {@code minLength} points; none if the series is shorter than two segments.
     */
    int[] pelt(double penalty, int minLength) {
        int n = x.length;
        if (minLength < 2) {
            throw new IllegalArgumentException("a line needs at least 2 points, minLength was " + minLength);
        }
        if (n < 2 * minLength) {
            return new int[0];
        }
        double[] best = new double[n + 1];
        int[] previous = new int[n + 1];
        best[0] = -penalty;
        List<Integer> candidates = new ArrayList<>();
        candidates.add(0);
        for (int t = minLength; t <= n; t++) {
            if (t - minLength >= minLength) {
                candidates.add(t - minLength);
            }
            double min = Double.POSITIVE_INFINITY;
            int argMin = -1;
            for (int s : candidates) {
                double c = best[s] + cost(s, t) + penalty;
                if (c < min) {
                    min = c;
                    argMin = s;
                }
            }
            best[t] = min;
            previous[t] = argMin;
            final double bound = min;
            final int end = t;
            // Drop s that can never start the last segment again: best[s] + cost(s, t) > best[t].
            candidates.removeIf(s -> best[s] + cost(s, end) > bound);
        }
        return backtrack(previous, n);
    }

    /** Optimal partitioning without pruning, O(n^2): the reference PELT must agree with. */
    int[] optimalPartitioning(double penalty, int minLength) {
        int n = x.length;
        if (n < 2 * minLength) {
            return new int[0];
        }
        double[] best = new double[n + 1];
        int[] previous = new int[n + 1];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = -penalty;
        for (int t = minLength; t <= n; t++) {
            for (int s = 0; s <= t - minLength; s++) {
                if (s != 0 && s < minLength) {
                    continue;
                }
                double c = best[s] + cost(s, t) + penalty;
                if (c < best[t]) {
                    best[t] = c;
                    previous[t] = s;
                }
            }
        }
        return backtrack(previous, n);
    }

    /** sum(cost) + penalty * segments of the segmentation starting at 0 and at {@code starts}. */
    double penalisedCost(int[] starts, double penalty) {
        double total = 0.0;
        int from = 0;
        for (int s : starts) {
            total += cost(from, s) + penalty;
            from = s;
        }
        return total + cost(from, x.length) + penalty;
    }

    /** The fitted lines of the segmentation starting at 0 and at {@code starts}. */
    List<Segment> segments(int[] starts) {
        List<Segment> segments = new ArrayList<>();
        int from = 0;
        for (int s : starts) {
            segments.add(fit(from, s));
            from = s;
        }
        if (x.length > 0) {
            segments.add(fit(from, x.length));
        }
        return segments;
    }

    /**
     * The starts s in [low, high] of the boundary between the segments [from, s) and [s, to) whose
     * cost is within {@code slack} of the best such boundary: a likelihood-ratio interval for one
     * change point with its neighbours held fixed (slack = chi2(1, 0.95) sigma^2 = 3.84 sigma^2).
     */
    int[] boundaryInterval(int from, int boundary, int to, int minLength, double slack) {
        double at = cost(from, boundary) + cost(boundary, to);
        int low = boundary;
        while (low - 1 >= from + minLength && cost(from, low - 1) + cost(low - 1, to) <= at + slack) {
            low--;
        }
        int high = boundary;
        while (high + 1 <= to - minLength && cost(from, high + 1) + cost(high + 1, to) <= at + slack) {
            high++;
        }
        return new int[] {low, high};
    }

    private static int[] backtrack(int[] previous, int n) {
        List<Integer> starts = new ArrayList<>();
        for (int t = previous[n]; t > 0; t = previous[t]) {
            starts.add(0, t);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
