package dev.twophase.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the phases of learning of one run (arXiv 2504.12700): the end of fitting, the double
 * descent of the test loss, the compression of each layer's I(T;X), and generalization.
 * Deterministic, works on any number of points (too few simply yield null steps), and never
 * reports a phase it has not seen.
 */
public final class PhaseDetector {

    private final AccuracyThresholds accuracy;
    private final DoubleDescent doubleDescent;
    private final InformationCompression compression;

    public PhaseDetector() {
        this(DetectionSettings.defaults());
    }

    public PhaseDetector(DetectionSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.accuracy = new AccuracyThresholds(settings);
        this.doubleDescent = new DoubleDescent(settings);
        this.compression = new InformationCompression(settings);
    }

    public PhaseReport detect(PhaseInputs inputs) {
        if (inputs == null) {
            throw new IllegalArgumentException("inputs are required");
        }
        List<Compression> layers = new ArrayList<>();
        for (Map.Entry<Integer, Series> layer : inputs.mutualInformationByLayer().entrySet()) {
            layers.add(compression.compression(layer.getKey(), layer.getValue()));
        }
        return new PhaseReport(accuracy.fitting(inputs.trainAccuracy()),
                accuracy.generalization(inputs.testAccuracy()), doubleDescent.shape(inputs.testLoss()), layers);
    }
}
