package dev.twophase.phase;

import java.util.Map;
import java.util.TreeMap;

/**
 * One confirmed event of one series: what happened ({@code kind}), where ({@code step}, with the
 * interval the data leave it in and how that interval was made), the series' smoothed value there,
 * the rule and parameters that found it, and where it stands in the run's ledger. The same fields
 * as a {@code phase_event} row.
 *
 * @param layer 0 for whole-model series, else the block number
 * @param intervalMethod how [stepLow, stepHigh] was obtained, e.g. the seeded bootstrap and its
 *        nominal coverage, or the noise band a detector gives before the bootstrap has run
 * @param status {@value #LIVE}: confirmed while the run trained; {@value #FINAL}: found by the
 *        final detection over all points of the finished run (step and interval are its);
 *        {@value #LIVE_ONLY}: confirmed while the run trained, not found again by the final
 *        detection, kept as it was confirmed so an annotation never vanishes
 */
public record PhaseEvent(String kind, String metric, int layer, long step, long stepLow, long stepHigh, Double value,
        String rule, Map<String, Double> parameters, String intervalMethod, String status) {

    public static final String FITTING_END = "fitting_end";
    public static final String GENERALIZATION_ONSET = "generalization_onset";
    public static final String GENERALIZATION_COMPLETE = "generalization_complete";
    public static final String GENERALIZATION_PLATEAU = "generalization_plateau";
    /** The series' first NaN or infinite value: the run diverged there. */
    public static final String DIVERGENCE = "divergence";
    public static final String TEST_LOSS_FIRST_MINIMUM = "test_loss_first_minimum";
    public static final String TEST_LOSS_HUMP_PEAK = "test_loss_hump_peak";
    public static final String TEST_LOSS_SECOND_DESCENT = "test_loss_second_descent";
    public static final String INFORMATION_PEAK = "information_peak";
    public static final String COMPRESSION_ONSET = "compression_onset";
    public static final String COMPRESSION_END = "compression_end";
    public static final String LOCAL_COMPLEXITY_PEAK = "local_complexity_peak";
    public static final String LOCAL_COMPLEXITY_SECOND_DESCENT = "local_complexity_second_descent";

    public static final String LIVE = "live";
    public static final String FINAL = "final";
    public static final String LIVE_ONLY = "live_only";

    /** The interval a detector gives by itself: the smoothed series' noise band around the event. */
    public static final String NOISE_BAND = "noise band";

    public PhaseEvent {
        if (!(stepLow <= step && step <= stepHigh && stepLow >= 0)) {
            throw new IllegalArgumentException(
                    "interval [" + stepLow + ", " + stepHigh + "] must hold step " + step + " and start at >= 0");
        }
        if (!(LIVE.equals(status) || FINAL.equals(status) || LIVE_ONLY.equals(status))) {
            throw new IllegalArgumentException("status must be live, final or live_only, was " + status);
        }
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
        intervalMethod = intervalMethod == null ? NOISE_BAND : intervalMethod;
    }

    /** A detector's event: a noise-band interval, live. */
    public PhaseEvent(String kind, String metric, int layer, long step, long stepLow, long stepHigh, Double value,
            String rule, Map<String, Double> parameters) {
        this(kind, metric, layer, step, stepLow, stepHigh, value, rule, parameters, NOISE_BAND, LIVE);
    }

    /** The identity of an event within a run: a run has at most one of each. */
    public String key() {
        return kind + "|" + metric + "|" + layer;
    }

    public PhaseEvent withStatus(String newStatus) {
        return new PhaseEvent(kind, metric, layer, step, stepLow, stepHigh, value, rule, parameters, intervalMethod,
                newStatus);
    }

    /** The same event with another interval, its method, and the parameters that made it added. */
    public PhaseEvent withInterval(long low, long high, String method, Map<String, Double> intervalParameters) {
        Map<String, Double> p = new TreeMap<>(parameters);
        p.putAll(intervalParameters);
        return new PhaseEvent(kind, metric, layer, step, Math.min(low, step), Math.max(high, step), value, rule, p,
                method, status);
    }
}
