package dev.twophase.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Finds the phases of learning of one run (arXiv 2504.12700): the end of fitting, the double
 * descent of the test loss, the compression of each layer's I(T;X) per estimator, the rise and
 * second descent of local complexity, and generalization. Deterministic, works on any number of
 * points (too few simply yield null steps), and reports only events it has confirmed: each rule
 * waits for the evidence that a later point cannot undo, so a run in progress gets no guesses.
 */
public final class PhaseDetector {

    private final DetectionSettings settings;
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
        this.settings = settings;
        this.accuracy = new AccuracyThresholds(settings);
        this.doubleDescent = new DoubleDescent(settings);
        this.compression = new InformationCompression(settings);
    }

    public PhaseReport detect(PhaseInputs inputs) {
        if (inputs == null) {
            throw new IllegalArgumentException("inputs are required");
        }
        List<PhaseEvent> events = new ArrayList<>();
        Detection<Fitting> fitting = accuracy.fitting(inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY));
        events.addAll(fitting.events());
        Detection<Generalization> generalization =
                accuracy.generalization(inputs.wholeModel(PhaseInputs.TEST_ACCURACY));
        events.addAll(generalization.events());
        Detection<TestLossShape> testLoss = doubleDescent.shape(inputs.wholeModel(PhaseInputs.TEST_LOSS));
        events.addAll(testLoss.events());
        List<Compression> layers = new ArrayList<>();
        for (Map.Entry<String, SortedMap<Integer, Series>> named : inputs.series().entrySet()) {
            String name = named.getKey();
            for (Map.Entry<Integer, Series> layer : named.getValue().entrySet()) {
                if (PhaseInputs.isInformationTx(name)) {
                    Detection<Compression> c = compression.compression(name, layer.getKey(), layer.getValue(),
                            compressionSearchFrom(inputs, fitting.summary()));
                    layers.add(c.summary());
                    events.addAll(c.events());
                } else if (PhaseInputs.isLocalComplexity(name)) {
                    events.addAll(doubleDescent.localComplexity(name, layer.getKey(), layer.getValue()));
                }
            }
        }
        return new PhaseReport(fitting.summary(), generalization.summary(), testLoss.summary(), layers, events);
    }

    DetectionSettings settings() {
        return settings;
    }

    /** The events the rule for one series finds in it: what {@link #detect} reports for that series. */
    List<PhaseEvent> eventsOf(String metric, int layer, Series series, Long compressionFrom) {
        if (layer == 0 && metric.equals(PhaseInputs.TRAIN_ACCURACY)) {
            return accuracy.fitting(series).events();
        } else if (layer == 0 && metric.equals(PhaseInputs.TEST_ACCURACY)) {
            return accuracy.generalization(series).events();
        } else if (layer == 0 && metric.equals(PhaseInputs.TEST_LOSS)) {
            return doubleDescent.shape(series).events();
        } else if (PhaseInputs.isInformationTx(metric)) {
            return compression.compression(metric, layer, series, compressionFrom).events();
        } else if (PhaseInputs.isLocalComplexity(metric)) {
            return doubleDescent.localComplexity(metric, layer, series);
        }
        return List.of();
    }

    /** Where {@link #detect} starts looking for a compression peak in these inputs (see {@link InformationCompression}). */
    Long compressionSearchFrom(PhaseInputs inputs) {
        return compressionSearchFrom(inputs, accuracy.fitting(inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY)).summary());
    }

    /** The fitting end, 0 for a run without train accuracy, null while fitting goes on. */
    private static Long compressionSearchFrom(PhaseInputs inputs, Fitting fitting) {
        return inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY).size() == 0 ? Long.valueOf(0L) : fitting.endStep();
    }
}
