package dev.twophase.phase;

import java.util.Map;
import java.util.TreeMap;

/**
 * One confirmed event of one series: what happened ({@code kind}), where ({@code step}, with the
 * interval the data leave it in), the series' smoothed value there, and the rule and parameters
 * that found it. The same fields as a {@code phase_event} row.
 *
 * @param layer 0 for whole-model series, else the block number
 */
public record PhaseEvent(String kind, String metric, int layer, long step, long stepLow, long stepHigh, Double value,
        String rule, Map<String, Double> parameters) {

    public static final String FITTING_END = "fitting_end";
    public static final String GENERALIZATION_ONSET = "generalization_onset";
    public static final String GENERALIZATION_COMPLETE = "generalization_complete";
    public static final String TEST_LOSS_FIRST_MINIMUM = "test_loss_first_minimum";
    public static final String TEST_LOSS_HUMP_PEAK = "test_loss_hump_peak";
    public static final String TEST_LOSS_SECOND_DESCENT = "test_loss_second_descent";
    public static final String INFORMATION_PEAK = "information_peak";
    public static final String COMPRESSION_ONSET = "compression_onset";
    public static final String COMPRESSION_END = "compression_end";
    public static final String LOCAL_COMPLEXITY_PEAK = "local_complexity_peak";
    public static final String LOCAL_COMPLEXITY_SECOND_DESCENT = "local_complexity_second_descent";

    public PhaseEvent {
        if (!(stepLow <= step && step <= stepHigh && stepLow >= 0)) {
            throw new IllegalArgumentException(
                    "interval [" + stepLow + ", " + stepHigh + "] must hold step " + step + " and start at >= 0");
        }
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    /** The identity of an event within a run: a run has at most one of each. */
    public String key() {
        return kind + "|" + metric + "|" + layer;
    }
}
