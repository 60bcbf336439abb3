package dev.twophase.phase;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The series the phases are read from. A missing series is the same as an empty one; the map
 * holds one I(T;X) series (bits) per layer index.
 */
public record PhaseInputs(Series trainAccuracy, Series testAccuracy, Series testLoss,
        SortedMap<Integer, Series> mutualInformationByLayer) {

    public PhaseInputs {
        trainAccuracy = trainAccuracy == null ? Series.empty() : trainAccuracy;
        testAccuracy = testAccuracy == null ? Series.empty() : testAccuracy;
        testLoss = testLoss == null ? Series.empty() : testLoss;
        SortedMap<Integer, Series> layers = new TreeMap<>();
        if (mutualInformationByLayer != null) {
            mutualInformationByLayer.forEach((layer, series) -> {
                if (layer == null) {
                    throw new IllegalArgumentException("layer index is required");
                }
                layers.put(layer, series == null ? Series.empty() : series);
            });
        }
        mutualInformationByLayer = Collections.unmodifiableSortedMap(layers);
    }
}
