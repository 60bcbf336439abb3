package dev.twophase.phase;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A series cut into straight lines on the log-step axis x = ln(1 + step) by {@link ChangePoints},
 * with the penalty set by the series' own noise: where sustained rises and falls begin and end.
 * Long series are averaged in consecutive groups down to {@value #MAX_POINTS} points first, which
 * keeps PELT's worst case (few change points, O(n^2)) small.
 */
final class Trend {

    static final int MAX_POINTS = 2000;
    /** Shortest segment, in (grouped) points: a line through fewer fits any noise. */
    static final int MIN_SEGMENT = 3;
    /** chi-square(1 degree of freedom) 95% quantile: the slack of a change point's interval. */
    private static final double CHI2_95 = 3.84;
    /** Noise floor relative to the series' range, so an exactly clean curve is not cut at every point. */
    private static final double RELATIVE_NOISE_FLOOR = 1e-3;

    private final SmoothedSeries series;
    private final ChangePoints points;
    private final int group;
    private final double noiseVariance;
    private final double penalty;
    private final List<ChangePoints.Segment> segments;

    private Trend(SmoothedSeries series, DetectionSettings settings) {
        this.series = series;
        int n = series.size();
        this.group = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        int m = (n + group - 1) / group;
        long[] steps = series.steps();
        double[] raw = series.rawValues();
        double[] x = new double[m];
        double[] y = new double[m];
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
            int from = k * group;
            int to = Math.min(n, from + group);
            for (int i = from; i < to; i++) {
                x[k] += Math.log1p(steps[i]);
                y[k] += raw[i];
                lowest = Math.min(lowest, raw[i]);
                highest = Math.max(highest, raw[i]);
            }
            x[k] /= to - from;
            y[k] /= to - from;
        }
        this.points = new ChangePoints(x, y);
        double floor = m == 0 ? 0.0 : RELATIVE_NOISE_FLOOR * Math.max(highest - lowest, Math.abs(highest));
        double sigma = Math.max(series.sigma(), floor);
        this.noiseVariance = sigma * sigma / group;
        this.penalty = settings.penaltyFactor() * noiseVariance * Math.log(Math.max(m, 2));
        this.segments = points.segments(points.pelt(penalty, MIN_SEGMENT));
    }

    static Trend of(SmoothedSeries series, DetectionSettings settings) {
        return new Trend(series, settings);
    }

    /**
     * The first line of the first decline after index {@code from} that carries the series down by more than
     * {@code minimumFall}: a run of consecutive falling lines that ends after {@code from}, from whose start the
     * smoothed series reaches {@code minimumFall} below its value there without ever rising more than
     * {@code tolerance} above its lowest value so far (a pause on the way down is part of the decline, a rise is
     * not). Null if there is none. A line falls when its change exceeds both half the tolerance and two
     * standard errors of a fitted line's change over its points (sqrt(12 / n) sigma for n points), so a noisy
     * flat stretch is neither falling nor rising.
     */
    ChangePoints.Segment firstSustainedFall(int from, double tolerance, double minimumFall) {
        for (int k = 0; k < segments.size(); k++) {
            if (direction(segments.get(k), tolerance) >= 0) {
                continue;
            }
            int last = k;
            while (last + 1 < segments.size() && direction(segments.get(last + 1), tolerance) < 0) {
                last++;
            }
            if (lastIndex(segments.get(last)) > from && descends(firstIndex(segments.get(k)), tolerance, minimumFall)) {
                return segments.get(k);
            }
            k = last;
        }
        return null;
    }

    /** Whether the smoothed series falls by more than {@code fall} from index i on before it rises more than tol. */
    private boolean descends(int i, double tolerance, double fall) {
        double target = series.value(i) - fall;
        double lowest = series.value(i);
        for (int j = i + 1; j < series.size(); j++) {
            double v = series.value(j);
            if (v < target) {
                return true;
            }
            if (v > lowest + tolerance) {
                return false;
            }
            lowest = Math.min(lowest, v);
        }
        return false;
    }

    /**
     * The first falling line (see {@link #direction}) that ends after index {@code from}, starts before index
     * {@code to} and has a slope (per unit of ln step) of {@code slope} or steeper; null if there is none.
     */
    ChangePoints.Segment firstLineFalling(int from, int to, double slope, double tolerance) {
        for (ChangePoints.Segment s : segments) {
            if (lastIndex(s) > from && firstIndex(s) < to && direction(s, tolerance) < 0 && s.slope() <= slope) {
                return s;
            }
        }
        return null;
    }

    /** {@link #firstSustainedFall(int, double, double)} with the tolerance as the least total fall. */
    ChangePoints.Segment firstSustainedFall(int from, double tolerance) {
        return firstSustainedFall(from, tolerance, tolerance);
    }

    /**
     * Starts (series indices) at or after {@code from} of the runs of consecutive lines that do
     * not fall, with the number of points each run spans, in order.
     */
    List<int[]> levelRuns(int from, double tolerance) {
        List<int[]> runs = new java.util.ArrayList<>();
        for (int k = 0; k < segments.size(); k++) {
            if (direction(segments.get(k), tolerance) < 0) {
                continue;
            }
            int last = k;
            while (last + 1 < segments.size() && direction(segments.get(last + 1), tolerance) >= 0) {
                last++;
            }
            int start = firstIndex(segments.get(k));
            if (start >= from) {
                runs.add(new int[] {k, lastIndex(segments.get(last)) - start + 1});
            }
            k = last;
        }
        return runs;
    }

    /**
     * -1 falling, +1 rising, 0 level: within two standard errors of a fitted line's change, or
     * within half the tolerance (a line that moves less than half of what counts as a change is level).
     */
    int direction(ChangePoints.Segment s, double tolerance) {
        double change = change(s);
        double threshold = Math.max(tolerance / 2.0, 2.0 * Math.sqrt(12.0 * noiseVariance / (s.end() - s.start())));
        return change < -threshold ? -1 : change > threshold ? 1 : 0;
    }

    ChangePoints.Segment segment(int k) {
        return segments.get(k);
    }

    /** Index in the series of the segment's first point. */
    int firstIndex(ChangePoints.Segment s) {
        return s.start() * group;
    }

    /** Index in the series of the segment's last point. */
    int lastIndex(ChangePoints.Segment s) {
        return Math.min(series.size(), s.end() * group) - 1;
    }

    /** Points of the series in the segment. */
    int length(ChangePoints.Segment s) {
        return lastIndex(s) - firstIndex(s) + 1;
    }

    /** The segment line's change from its first to its last point. */
    double change(ChangePoints.Segment s) {
        return s.fitted(Math.log1p(series.step(lastIndex(s)))) - s.fitted(Math.log1p(series.step(firstIndex(s))));
    }

    /**
     * Steps between which the start of {@code s} lies: its likelihood-ratio interval with the
     * neighbouring change points fixed, widened by one logged point either side (the change
     * happened somewhere between two measurements).
     */
    long[] startInterval(ChangePoints.Segment s) {
        int index = segments.indexOf(s);
        int from = index > 0 ? segments.get(index - 1).start() : 0;
        long low;
        long high;
        if (index <= 0) {
            low = series.step(firstIndex(s));
            high = low;
        } else {
            int[] range = points.boundaryInterval(from, s.start(), s.end(), MIN_SEGMENT, CHI2_95 * noiseVariance);
            low = series.step(Math.max(0, range[0] * group - 1));
            high = series.step(Math.min(series.size() - 1, range[1] * group + 1));
        }
        return new long[] {low, high};
    }

    /** The segmentation's own parameters, quoted by every event found with it. */
    Map<String, Double> parameters() {
        Map<String, Double> p = new TreeMap<>();
        p.put("changePointPenalty", penalty);
        p.put("changePointGroup", (double) group);
        p.put("minSegmentPoints", (double) MIN_SEGMENT);
        p.put("segments", (double) segments.size());
        return p;
    }
}
