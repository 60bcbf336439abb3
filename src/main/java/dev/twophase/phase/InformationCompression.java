package dev.twophase.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compression phase of a layer (Shwartz-Ziv &amp; Tishby 2017, arXiv 1703.00810, Sec. 4; the two-phase
 * paper's Sec. 2.3): I(T;X) rises while the network fits, peaks (the rightmost point of the
 * information-plane trajectory), then declines to a fixed point. All on the log-step moving median with
 * tol(v) = max(minimumRelativeChange * |v|, noiseMultiplier * sigma).
 *
 * <p>The peak must be an interior maximum: the highest point that lies more than tol above some earlier
 * point. A series that only falls (or is flat) has no peak and gets status {@code no_rise}, whatever the
 * other series do: the rule reads I(T;X) alone, so "compression starts when fitting ends" is something
 * the alignment report can find or not, never something the rule builds in. The peak and onset are
 * reported only once I(T;X) stays more than tol below the peak (a curve still rising or flat at its top
 * has no peak yet). The onset is the start of the first line of the change-point segmentation
 * ({@link Trend}) that falls by more than tol, and never before the peak; the end is the first point
 * near the floor on the first flat run of lines after it, once that run has lasted a while and nothing
 * later falls more than tol lower.
 */
final class InformationCompression {

    static final String MUTUAL_INFORMATION_TX = "mi_tx";
    /** How long, in median half-widths on the ln-step axis, a level run must last to end the compression. */
    static final double HELD_LOG_WIDTH = 4.0;

    private final DetectionSettings settings;

    InformationCompression(DetectionSettings settings) {
        this.settings = settings;
    }

    Detection<Compression> compression(String metric, int layer, Series itx) {
        SmoothedSeries mi = SmoothedSeries.of(itx, settings);
        String rule = String.format(Locale.ROOT,
                "on the moving median (>= %d points, +-%s in ln step, at most +-%s) with tol(v) = max(%s * |v|, %s * noise sd): "
                        + "peak = highest point of %s that lies more than tol above an earlier point (an interior maximum), "
                        + "once it stays below peak - tol; onset = start of the first line of "
                        + "the PELT segmentation (x = ln(1 + step), penalty %s sigma^2 ln n) at or after the peak that "
                        + "falls more than tol; end = first point within tol of the "
                        + "lowest later value in the first later run of lines that do not fall (change within "
                        + "max(tol / 2, 2 standard errors)), once the run spans %d points and %s in ln step (the fixed point)",
                settings.smoothingWindow(), settings.logHalfWidth(), settings.maxLogHalfWidth(),
                settings.minimumRelativeChange(), settings.noiseMultiplier(), metric, settings.penaltyFactor(),
                settings.smoothingWindow(), HELD_LOG_WIDTH * settings.logHalfWidth());
        if (mi.size() == 0) {
            return none(layer, metric, Compression.NO_DATA, rule);
        }
        int peak = interiorMaximum(mi);
        if (peak < 0) {
            return none(layer, metric, mi.diverged() ? Compression.DIVERGED : Compression.NO_RISE, rule);
        }
        double peakValue = mi.value(peak);
        double belowPeak = peakValue - mi.tolerance(peakValue);
        String waiting = mi.diverged() ? Compression.DIVERGED : Compression.RISING;
        // Not firstIndexFromWhichAll: a diverged series may still have declined for good before its end.
        int stays = mi.size();
        while (stays > peak + 1 && mi.value(stays - 1) < belowPeak) {
            stays--;
        }
        if (stays == mi.size()) {
            return none(layer, metric, waiting, rule);
        }
        Trend trend = Trend.of(mi, settings);
        ChangePoints.Segment falling = trend.firstSustainedFall(peak, mi.tolerance(peakValue));
        if (falling == null) {
            return none(layer, metric, waiting, rule);
        }
        Map<String, Double> parameters = settings.smoothingParameters();
        parameters.put("noiseSigma", mi.sigma());
        parameters.put("penaltyFactor", settings.penaltyFactor());
        parameters.putAll(trend.parameters());
        List<PhaseEvent> events = new ArrayList<>();
        long[] peakInterval = mi.extremumInterval(peak, +1);
        events.add(new PhaseEvent(PhaseEvent.INFORMATION_PEAK, metric, layer, mi.step(peak), peakInterval[0],
                peakInterval[1], peakValue, rule, parameters));
        int onset = Math.max(peak, trend.firstIndex(falling));
        events.add(kink(PhaseEvent.COMPRESSION_ONSET, metric, layer, mi, trend, falling, onset, rule, parameters));

        Integer end = null;
        for (int[] run : trend.levelRuns(trend.firstIndex(falling) + 1, mi.tolerance(mi.value(onset)))) {
            ChangePoints.Segment flat = trend.segment(run[0]);
            int start = trend.firstIndex(flat);
            double floor = mi.value(mi.argMin(start, mi.size()));
            double nearFloor = floor + mi.tolerance(floor);
            // A boundary a point early still sits on the last of the decline: end at the first point near the floor.
            int arrival = mi.firstIndexWhere(start, v -> v <= nearFloor);
            int last = start + run[1] - 1;
            // Level for a while on the log axis too: a few level points late in a slow decline are not its end.
            boolean heldLongEnough = run[1] >= settings.smoothingWindow()
                    && Math.log1p(mi.step(last)) - Math.log1p(mi.step(start)) >= HELD_LOG_WIDTH * settings.logHalfWidth();
            if (heldLongEnough && arrival >= 0 && arrival <= last) {
                end = arrival;
                events.add(kink(PhaseEvent.COMPRESSION_END, metric, layer, mi, trend, flat, arrival, rule,
                        parameters));
                break;
            }
        }
        return new Detection<>(new Compression(layer, metric, mi.step(peak), mi.step(onset),
                end == null ? null : mi.step(end), peakValue, end == null ? null : mi.value(end),
                end == null ? Compression.COMPRESSING : Compression.COMPRESSED, rule), events);
    }

    /**
     * The highest smoothed point that lies more than tol above the lowest point before it (the first such
     * when several are equally high); -1 when the series never rises that much.
     */
    static int interiorMaximum(SmoothedSeries mi) {
        int best = -1;
        double lowest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < mi.size(); i++) {
            double v = mi.value(i);
            if (i > 0 && v > lowest + mi.tolerance(lowest) && (best < 0 || v > mi.value(best))) {
                best = i;
            }
            lowest = Math.min(lowest, v);
        }
        return best;
    }

    private static Detection<Compression> none(int layer, String metric, String status, String rule) {
        return new Detection<>(new Compression(layer, metric, null, null, null, null, null, status, rule), List.of());
    }

    private static PhaseEvent kink(String kind, String metric, int layer, SmoothedSeries mi, Trend trend,
            ChangePoints.Segment segment, int index, String rule, Map<String, Double> parameters) {
        long[] interval = trend.startInterval(segment);
        long step = mi.step(index);
        return new PhaseEvent(kind, metric, layer, step, Math.min(interval[0], step), Math.max(interval[1], step),
                mi.value(index), rule, parameters);
    }
}
