package dev.twophase.phase;

import java.util.Locale;

/**
 * The compression phase of a layer (Shwartz-Ziv &amp; Tishby 2017, arXiv 1703.00810, Sec. 4):
 * I(T;X) rises during fitting, then declines to a fixed point. Read on the moving median with
 * tol(v) = max(minimumRelativeChange * |v|, noiseMultiplier * sigma).
 *
 * <p>The peak is reported only when a sustained decline follows it: the highest point of a
 * curve that is still rising or flat is not a peak yet. Likewise the end is reported only once
 * the curve has held its floor for a smoothing window: a decline slower than tol per window is
 * as flat as this detector can tell.
 */
final class InformationCompression {

    static final String MUTUAL_INFORMATION_TX = "mi_tx";

    private final DetectionSettings settings;

    InformationCompression(DetectionSettings settings) {
        this.settings = settings;
    }

    Compression compression(int layer, Series itx) {
        SmoothedSeries mi = SmoothedSeries.of(itx, settings);
        String rule = String.format(Locale.ROOT,
                "on the moving median of %d points with tol(v) = max(%s * |v|, %s * noise sd): peak = first "
                        + "maximum; onset = first step after it from which %s stays below peak - tol; end = first "
                        + "step after the onset within tol of the lowest later value, once at least %d points are "
                        + "there (the fixed point)",
                settings.smoothingWindow(), settings.minimumRelativeChange(), settings.noiseMultiplier(),
                MUTUAL_INFORMATION_TX, settings.smoothingWindow());
        int peak = mi.argMax(0, mi.size());
        if (peak < 0) {
            return new Compression(layer, MUTUAL_INFORMATION_TX, null, null, null, null, null, rule);
        }
        double peakValue = mi.value(peak);
        double belowPeak = peakValue - mi.tolerance(peakValue);
        int onset = mi.firstIndexFromWhichAll(peak + 1, v -> v < belowPeak);
        if (onset < 0) {
            return new Compression(layer, MUTUAL_INFORMATION_TX, null, null, null, null, null, rule);
        }
        // The argmin of a noisy plateau is arbitrary; the first arrival within tol of it is not.
        double floor = mi.value(mi.argMin(onset, mi.size()));
        double nearFloor = floor + mi.tolerance(floor);
        int end = mi.firstIndexWhere(onset, v -> v <= nearFloor);
        if (mi.size() - end < settings.smoothingWindow()) {
            // Settled for less than a window: still declining, or too recent to tell.
            return new Compression(layer, MUTUAL_INFORMATION_TX, mi.step(peak), mi.step(onset), null, peakValue,
                    null, rule);
        }
        return new Compression(layer, MUTUAL_INFORMATION_TX, mi.step(peak), mi.step(onset), mi.step(end), peakValue,
                mi.value(end), rule);
    }
}
