package dev.twophase.phase;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The series of one run the phases are read from: by metric name, by layer (0 = whole model).
 * A missing series is the same as an empty one. Names the detector reads: {@code train_acc},
 * {@code test_acc}, {@code test_loss} (layer 0); {@code mi_tx} and {@code mi_tx:<estimator>} per
 * layer (compression); {@code lc:<split>} per layer (local complexity). Others are ignored.
 */
public record PhaseInputs(SortedMap<String, SortedMap<Integer, Series>> series) {

    public static final String TRAIN_ACCURACY = "train_acc";
    public static final String TEST_ACCURACY = "test_acc";
    public static final String TEST_LOSS = "test_loss";
    public static final String MUTUAL_INFORMATION_TX = "mi_tx";
    public static final String LOCAL_COMPLEXITY_PREFIX = "lc:";

    public PhaseInputs {
        SortedMap<String, SortedMap<Integer, Series>> copy = new TreeMap<>();
        if (series != null) {
            series.forEach((name, layers) -> {
                if (name == null) {
                    throw new IllegalArgumentException("metric name is required");
                }
                SortedMap<Integer, Series> byLayer = new TreeMap<>();
                if (layers != null) {
                    layers.forEach((layer, s) -> {
                        if (layer == null) {
                            throw new IllegalArgumentException("layer index is required");
                        }
                        byLayer.put(layer, s == null ? Series.empty() : s);
                    });
                }
                copy.put(name, Collections.unmodifiableSortedMap(byLayer));
            });
        }
        series = Collections.unmodifiableSortedMap(copy);
    }

    /** The three whole-model series and one I(T;X) series ({@code mi_tx}) per layer. */
    public static PhaseInputs of(Series trainAccuracy, Series testAccuracy, Series testLoss,
            Map<Integer, Series> mutualInformationByLayer) {
        SortedMap<String, SortedMap<Integer, Series>> series = new TreeMap<>();
        put(series, TRAIN_ACCURACY, trainAccuracy);
        put(series, TEST_ACCURACY, testAccuracy);
        put(series, TEST_LOSS, testLoss);
        if (mutualInformationByLayer != null) {
            series.put(MUTUAL_INFORMATION_TX, new TreeMap<>(mutualInformationByLayer));
        }
        return new PhaseInputs(series);
    }

    private static void put(SortedMap<String, SortedMap<Integer, Series>> series, String name, Series s) {
        if (s != null) {
            SortedMap<Integer, Series> layer = new TreeMap<>();
            layer.put(0, s);
            series.put(name, layer);
        }
    }

    /** The layer-0 series of {@code name}, empty when absent. */
    public Series wholeModel(String name) {
        SortedMap<Integer, Series> layers = series.get(name);
        return layers == null ? Series.empty() : layers.getOrDefault(0, Series.empty());
    }

    /** True for {@code mi_tx} and its per-estimator variants {@code mi_tx:<estimator>}. */
    public static boolean isInformationTx(String name) {
        return name.equals(MUTUAL_INFORMATION_TX) || name.startsWith(MUTUAL_INFORMATION_TX + ":");
    }

    static boolean isLocalComplexity(String name) {
        return name.startsWith(LOCAL_COMPLEXITY_PREFIX);
    }

    /** Whether the detector reads the series at all. */
    static boolean isRead(String name) {
        return name.equals(TRAIN_ACCURACY) || name.equals(TEST_ACCURACY) || name.equals(TEST_LOSS)
                || isInformationTx(name) || isLocalComplexity(name);
    }
}
