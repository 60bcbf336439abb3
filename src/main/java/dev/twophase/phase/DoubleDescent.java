package dev.twophase.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Epoch-wise double descent of the test loss (Nakkiran et al. 2019, arXiv 1912.02292; in the
 * two-phase paper a first minimum ~800 steps and a hump ~2.6e3 on division mod p), and the same
 * rise-and-second-descent shape of local complexity (Humayun et al. 2024, arXiv 2402.15555).
 * Extremes are read on the log-step moving median with the series' tolerance
 * tol(v) = max(minimumRelativeChange * |v|, noiseMultiplier * sigma); the second descent starts
 * where the first falling line of the change-point segmentation ({@link Trend}) after the peak begins.
 *
 * <p>A first minimum is reported only together with the rise that makes it one. A loss that rises
 * from the start (the paper's S5 run: 4.8 at initialisation, 14 at ~2.5e4 steps, a plateau, then the
 * second descent) has no first minimum but still a hump, searched from its first point. The peak is
 * the first sustained maximum: the hump's highest smoothed point, or, when the points before it within
 * minimumRelativeChange (2%) and the smoothed noise of it span more than the widest median window, the
 * first of them: a long flat top is dated where the rise reaches it. It is reported once the loss
 * has fallen more than tol below it; before that the hump may still be rising. The second descent is
 * reported once the loss stays below the peak by more than tol and more than half the hump's height (peak
 * minus the first minimum, or minus the first point when there is none), and starts on the first falling
 * line at least half as steep as the mean descent from the peak to the lowest later point: a sag along a
 * flat top is no descent.
 */
final class DoubleDescent {

    static final String TEST_LOSS = "test_loss";

    private final DetectionSettings settings;

    DoubleDescent(DetectionSettings settings) {
        this.settings = settings;
    }

    Detection<TestLossShape> shape(Series testLoss) {
        SmoothedSeries loss = SmoothedSeries.of(testLoss, settings);
        String rule = rule("the loss");
        int minimum = firstMinimum(loss);
        List<PhaseEvent> events = new ArrayList<>();
        if (minimum >= 0) {
            events.add(extremum(PhaseEvent.TEST_LOSS_FIRST_MINIMUM, TEST_LOSS, 0, loss, minimum, -1, rule, Map.of()));
        } else if (!risesFromStart(loss)) {
            return new Detection<>(new TestLossShape(null, null, null, null, null, TEST_LOSS, rule), List.of());
        }
        Hump hump = humpAfter(loss, Math.max(0, minimum), TEST_LOSS, 0, PhaseEvent.TEST_LOSS_HUMP_PEAK,
                PhaseEvent.TEST_LOSS_SECOND_DESCENT, rule);
        events.addAll(hump.events());
        return new Detection<>(new TestLossShape(minimum < 0 ? null : loss.step(minimum), hump.peakStep(),
                hump.descentStep(), minimum < 0 ? null : loss.value(minimum), hump.peakValue(), TEST_LOSS, rule), events);
    }

    /**
     * Local complexity: the peak of its rise (after a first descent when there is one) and the
     * start of its second descent.
     */
    List<PhaseEvent> localComplexity(String metric, int layer, Series series) {
        SmoothedSeries lc = SmoothedSeries.of(series, settings);
        if (lc.size() == 0) {
            return List.of();
        }
        int minimum = firstMinimum(lc);
        return humpAfter(lc, Math.max(0, minimum), metric, layer, PhaseEvent.LOCAL_COMPLEXITY_PEAK,
                PhaseEvent.LOCAL_COMPLEXITY_SECOND_DESCENT, rule("local complexity")).events();
    }

    private record Hump(Long peakStep, Double peakValue, Long descentStep, List<PhaseEvent> events) {
    }

    private Hump humpAfter(SmoothedSeries s, int minimum, String metric, int layer, String peakKind,
            String descentKind, String rule) {
        double minimumValue = s.value(minimum);
        double belowMinimum = minimumValue - s.tolerance(minimumValue);
        int fallBelowMinimum = s.firstIndexWhere(minimum + 1, v -> v < belowMinimum);
        int humpEnd = fallBelowMinimum < 0 ? s.size() : fallBelowMinimum;
        int highest = s.argMax(minimum + 1, humpEnd);
        if (highest < 0 || s.value(highest) <= minimumValue + s.tolerance(minimumValue)) {
            return new Hump(null, null, null, List.of());
        }
        int peak = firstSustainedMaximum(s, minimum + 1, highest);
        double peakValue = s.value(peak);
        double belowPeak = peakValue - s.tolerance(peakValue);
        if (s.firstIndexWhere(peak + 1, v -> v < belowPeak) < 0) {
            // Nothing after it fell more than tol below: the hump may still be rising.
            return new Hump(null, null, null, List.of());
        }
        List<PhaseEvent> events = new ArrayList<>();
        events.add(extremum(peakKind, metric, layer, s, peak, +1, rule, Map.of()));
        Long descentStep = null;
        // A second descent undoes at least half of the hump: a sag along its top is not one.
        double descent = Math.max(s.tolerance(peakValue), (peakValue - minimumValue) / 2);
        int halfway = s.firstIndexWhere(peak + 1, v -> v < peakValue - descent);
        if (halfway >= 0 && s.firstIndexFromWhichAll(peak + 1, v -> v < peakValue - descent) >= 0) {
            Trend trend = Trend.of(s, settings);
            // It starts on the first falling line at least half as steep (per unit of ln step) as the descent's
            // mean from the peak to its lowest point so far: slower lines before it are the sag of a flat top.
            int floor = s.argMin(halfway, s.size());
            double meanSlope = (s.value(floor) - peakValue) / (Math.log1p(s.step(floor)) - Math.log1p(s.step(peak)));
            ChangePoints.Segment falling = trend.firstLineFalling(peak, floor, meanSlope / 2, s.tolerance(peakValue));
            if (falling != null) {
                int start = Math.max(peak, trend.firstIndex(falling));
                long[] interval = trend.startInterval(falling);
                if (start == peak) {
                    // The descent starts at the peak: it is as uncertain as the peak.
                    long[] atPeak = s.extremumInterval(peak, +1);
                    interval = new long[] {Math.min(interval[0], atPeak[0]), Math.max(interval[1], atPeak[1])};
                }
                descentStep = s.step(start);
                Map<String, Double> parameters = parameters(s, trend);
                parameters.put("descentMeanSlope", meanSlope);
                events.add(new PhaseEvent(descentKind, metric, layer, descentStep, Math.min(interval[0], descentStep),
                        Math.max(interval[1], descentStep), s.value(start), rule, parameters));
            }
        }
        return new Hump(s.step(peak), peakValue, descentStep, events);
    }

    private String rule(String what) {
        return String.format(Locale.ROOT,
                "on the moving median (>= %d points, +-%s in ln step) with tol(v) = max(%s * |v|, %s * noise sd): "
                        + "first minimum = lowest point after a fall of more than tol and before the first rise of "
                        + "more than tol (none when %s rises from its first point: the hump is searched from there); "
                        + "peak = the highest point (top) after the minimum until %s "
                        + "falls more than tol below the minimum, or the first of the contiguous points before it within "
                        + "min(%s * |top|, its smoothed noise) when they span more than +-%s in ln step (a plateau), once some "
                        + "later point is more than tol below it; "
                        + "second descent = start of the "
                        + "first falling line of the PELT segmentation (x = ln(1 + step), penalty %s sigma^2 ln n) after the peak that "
                        + "falls at least half as steeply per ln step as the mean from the peak to the lowest later point, once %s "
                        + "stays below the peak by more than max(tol, half the hump's height)",
                settings.smoothingWindow(), settings.logHalfWidth(), settings.minimumRelativeChange(),
                settings.noiseMultiplier(), what, what, settings.minimumRelativeChange(), settings.maxLogHalfWidth(),
                settings.penaltyFactor(), what);
    }

    private PhaseEvent extremum(String kind, String metric, int layer, SmoothedSeries s, int index, int sign,
            String rule, Map<String, Double> extra) {
        long[] interval = s.extremumInterval(index, sign);
        Map<String, Double> parameters = settings.smoothingParameters();
        parameters.put("noiseSigma", s.sigma());
        parameters.put("tolerance", s.tolerance(s.value(index)));
        parameters.putAll(extra);
        return new PhaseEvent(kind, metric, layer, s.step(index), interval[0], interval[1], s.value(index), rule,
                parameters);
    }

    private Map<String, Double> parameters(SmoothedSeries s, Trend trend) {
        Map<String, Double> parameters = settings.smoothingParameters();
        parameters.put("noiseSigma", s.sigma());
        parameters.put("penaltyFactor", settings.penaltyFactor());
        parameters.putAll(trend.parameters());
        return parameters;
    }

    /**
     * The hump's peak: its highest point, unless the top is a plateau. Walking back from the highest point over
     * the contiguous points within both minimumRelativeChange of it (a smaller change is no rise) and its smoothed
     * noise (statistically the same height): when they span more than the widest median window on the log axis
     * (maxLogHalfWidth), the top is a plateau and the peak is dated where the rise reaches it.
     */
    private int firstSustainedMaximum(SmoothedSeries s, int from, int highest) {
        double level = s.value(highest) - Math.min(settings.minimumRelativeChange() * Math.abs(s.value(highest)),
                s.smoothedNoise(highest));
        int start = highest;
        while (start > from && s.value(start - 1) >= level) {
            start--;
        }
        boolean plateau = Math.log1p(s.step(highest)) - Math.log1p(s.step(start)) > settings.maxLogHalfWidth();
        return plateau ? start : highest;
    }

    /**
     * Whether the series rises more than tol above its first point before it ever falls more than tol below
     * its highest point so far: a loss that climbs from initialisation.
     */
    private static boolean risesFromStart(SmoothedSeries loss) {
        if (loss.size() == 0) {
            return false;
        }
        double first = loss.value(0);
        double highest = first;
        for (int i = 1; i < loss.size(); i++) {
            double v = loss.value(i);
            if (v > first + loss.tolerance(first)) {
                return true;
            }
            if (v < highest - loss.tolerance(v)) {
                return false;
            }
            highest = Math.max(highest, v);
        }
        return false;
    }

    /**
     * A two-state scan: wait for a fall of more than tol below the highest point so far, then
     * follow the running minimum until the series rises more than tol above it. Returns that
     * minimum's index, or -1 if the series never falls and then rises.
     */
    private static int firstMinimum(SmoothedSeries loss) {
        if (loss.size() == 0) {
            return -1;
        }
        double highest = loss.value(0);
        int minimum = -1;
        for (int i = 1; i < loss.size(); i++) {
            double v = loss.value(i);
            if (minimum < 0) {
                if (v > highest) {
                    highest = v;
                } else if (v < highest - loss.tolerance(v)) {
                    minimum = i;
                }
            } else if (v < loss.value(minimum)) {
                minimum = i;
            } else if (v > loss.value(minimum) + loss.tolerance(loss.value(minimum))) {
                return minimum;
            }
        }
        return -1;
    }
}
