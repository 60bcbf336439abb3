package dev.twophase.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compression phase of a layer (Shwartz-Ziv &amp; Tishby 2017, arXiv 1703.00810, Sec. 4):
 * I(T;X) rises during fitting, peaks (the rightmost point of the information-plane trajectory),
 * then declines to a fixed point. The peak is the maximum of the log-step moving median; the
 * onset and the end are where the change-point segmentation ({@link Trend}) starts its first
 * line falling by more than tol(v) = max(minimumRelativeChange * |v|, noiseMultiplier * sigma)
 * after the peak, and its first flat line after that.
 *
 * <p>The peak is looked for from the end of fitting on (the first point at or after it) when the run
 * has a train-accuracy series: the paper's compression follows the fitting phase, and an estimate
 * that falls while the network fits (kde with noise relative to the layer's spread falls from its
 * value at initialisation as the representation becomes anisotropic) is not compression. While
 * such a run has not ended fitting, no compression is reported. Without train accuracy (an uploaded
 * I(T;X) series alone) the whole series is searched.
 *
 * <p>The peak and onset are reported only once I(T;X) stays more than tol below the peak: the
 * highest point of a curve that is still rising or flat is not a peak yet. The end is reported
 * only once the flat line holds for a smoothing window and nothing after it falls more than tol
 * lower: a decline slower than tol over a segment is as flat as this detector can tell.
 */
final class InformationCompression {

    static final String MUTUAL_INFORMATION_TX = "mi_tx";
    /** How long, in median half-widths on the ln-step axis, a level run must last to end the compression. */
    static final double HELD_LOG_WIDTH = 4.0;

    private final DetectionSettings settings;

    InformationCompression(DetectionSettings settings) {
        this.settings = settings;
    }

    /**
     * @param searchFrom the first step the peak may lie at (the fitting end), 0 for the whole series, or
     *                   null when fitting has not ended yet (then nothing is reported)
     */
    Detection<Compression> compression(String metric, int layer, Series itx, Long searchFrom) {
        SmoothedSeries mi = SmoothedSeries.of(itx, settings);
        String rule = String.format(Locale.ROOT,
                "on the moving median (>= %d points, +-%s in ln step) with tol(v) = max(%s * |v|, %s * noise sd): "
                        + "peak = maximum of %s from the fitting end on, once it stays below peak - tol; onset = start of the first line of "
                        + "the PELT segmentation (x = ln(1 + step), penalty %s sigma^2 ln n) after the peak that "
                        + "falls more than tol; end = first point within tol of the "
                        + "lowest later value in the first later run of lines that do not fall (change within "
                        + "max(tol / 2, 2 standard errors)), once the run spans %d points and %s in ln step (the fixed point)",
                settings.smoothingWindow(), settings.logHalfWidth(), settings.minimumRelativeChange(),
                settings.noiseMultiplier(), metric, settings.penaltyFactor(), settings.smoothingWindow(),
                HELD_LOG_WIDTH * settings.logHalfWidth());
        Compression none = new Compression(layer, metric, null, null, null, null, null, rule);
        if (searchFrom == null) {
            return new Detection<>(none, List.of());
        }
        int from = 0;
        while (from < mi.size() && mi.step(from) < searchFrom) {
            from++;
        }
        int peak = mi.argMax(from, mi.size());
        if (peak < 0) {
            return new Detection<>(none, List.of());
        }
        double peakValue = mi.value(peak);
        double belowPeak = peakValue - mi.tolerance(peakValue);
        if (mi.firstIndexFromWhichAll(peak + 1, v -> v < belowPeak) < 0) {
            return new Detection<>(none, List.of());
        }
        Trend trend = Trend.of(mi, settings);
        ChangePoints.Segment falling = trend.firstSustainedFall(peak, mi.tolerance(peakValue));
        if (falling == null) {
            return new Detection<>(none, List.of());
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
                end == null ? null : mi.step(end), peakValue, end == null ? null : mi.value(end), rule), events);
    }

    private static PhaseEvent kink(String kind, String metric, int layer, SmoothedSeries mi, Trend trend,
            ChangePoints.Segment segment, int index, String rule, Map<String, Double> parameters) {
        long[] interval = trend.startInterval(segment);
        long step = mi.step(index);
        return new PhaseEvent(kind, metric, layer, step, Math.min(interval[0], step), Math.max(interval[1], step),
                mi.value(index), rule, parameters);
    }
}
