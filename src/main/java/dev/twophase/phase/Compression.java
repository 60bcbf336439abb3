package dev.twophase.phase;

/**
 * The compression phase of one layer (Shwartz-Ziv &amp; Tishby 2017): I(T;X) rises, peaks, declines for
 * good from {@code onsetStep}, and settles at {@code endStep}. Values are those of the smoothed series.
 *
 * @param status where the series stands: {@value #NO_DATA}, {@value #NO_RISE} (it never rose more than
 *        its tolerance above an earlier value, so it has no interior maximum to compress from),
 *        {@value #RISING} (it rose; no sustained fall from its highest point yet), {@value #COMPRESSING}
 *        (onset found, no end yet), {@value #COMPRESSED} (end found), {@value #DIVERGED} (a non-finite value
 *        before any confirmed decline)
 */
public record Compression(int layer, String metric, Long peakStep, Long onsetStep, Long endStep, Double peakValue,
        Double endValue, String status, String rule) {

    public static final String NO_DATA = "no_data";
    public static final String NO_RISE = "no_rise";
    public static final String RISING = "rising";
    public static final String COMPRESSING = "compressing";
    public static final String COMPRESSED = "compressed";
    public static final String DIVERGED = "diverged";
}
