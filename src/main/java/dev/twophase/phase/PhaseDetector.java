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
        List<PhaseEvent> events = new ArrayList<>(divergences(inputs));
        Detection<Fitting> fitting = accuracy.fitting(inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY));
        events.addAll(fitting.events());
        Detection<Generalization> generalization =
                accuracy.generalization(inputs.wholeModel(PhaseInputs.TEST_ACCURACY));
        events.addAll(generalization.events());
        Detection<TestLossShape> testLoss = doubleDescent.shape(afterWarmup(inputs.wholeModel(PhaseInputs.TEST_LOSS)));
        events.addAll(testLoss.events());
        List<Compression> layers = new ArrayList<>();
        for (Map.Entry<String, SortedMap<Integer, Series>> named : inputs.series().entrySet()) {
            String name = named.getKey();
            for (Map.Entry<Integer, Series> layer : named.getValue().entrySet()) {
                if (PhaseInputs.isInformationTx(name)) {
                    Detection<Compression> c = compression.compression(name, layer.getKey(), afterWarmup(layer.getValue()));
                    layers.add(c.summary());
                    events.addAll(c.events());
                } else if (PhaseInputs.isLocalComplexity(name)) {
                    events.addAll(doubleDescent.localComplexity(name, layer.getKey(), afterWarmup(layer.getValue())));
                }
            }
        }
        return new PhaseReport(fitting.summary(), generalization.summary(), testLoss.summary(), layers, events);
    }

    DetectionSettings settings() {
        return settings;
    }

    /**
     * A {@code divergence} event for every series the detector reads that holds a NaN or infinite value, at its
     * first one: a diverged run must not read as "stays above the threshold" or as a quiet series.
     */
    private List<PhaseEvent> divergences(PhaseInputs inputs) {
        List<PhaseEvent> out = new ArrayList<>();
        for (Map.Entry<String, SortedMap<Integer, Series>> named : inputs.series().entrySet()) {
            if (!PhaseInputs.isRead(named.getKey())) {
                continue;
            }
            for (Map.Entry<Integer, Series> layer : named.getValue().entrySet()) {
                Long step = SmoothedSeries.divergenceStep(layer.getValue());
                if (step != null) {
                    Map<String, Double> parameters = new java.util.TreeMap<>();
                    out.add(new PhaseEvent(PhaseEvent.DIVERGENCE, named.getKey(), layer.getKey(), step, step, step, null,
                            "first NaN or infinite value of the series: the rules read it only up to the point before",
                            parameters));
                }
            }
        }
        return out;
    }

    /** The events the rule for one series finds in it: what {@link #detect} reports for that series. */
    List<PhaseEvent> eventsOf(String metric, int layer, Series series) {
        if (layer == 0 && metric.equals(PhaseInputs.TRAIN_ACCURACY)) {
            return accuracy.fitting(series).events();
        } else if (layer == 0 && metric.equals(PhaseInputs.TEST_ACCURACY)) {
            return accuracy.generalization(series).events();
        } else if (layer == 0 && metric.equals(PhaseInputs.TEST_LOSS)) {
            return doubleDescent.shape(afterWarmup(series)).events();
        } else if (PhaseInputs.isInformationTx(metric)) {
            return compression.compression(metric, layer, afterWarmup(series)).events();
        } else if (PhaseInputs.isLocalComplexity(metric)) {
            return doubleDescent.localComplexity(metric, layer, afterWarmup(series));
        }
        return List.of();
    }

    /** The series without its points of steps 1..warmupSteps (see {@link DetectionSettings#warmupSteps}). */
    private Series afterWarmup(Series s) {
        long warmup = settings.warmupSteps();
        if (warmup == 0 || s.size() == 0) {
            return s;
        }
        long[] steps = s.steps();
        double[] values = s.values();
        int kept = 0;
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == 0 || steps[i] > warmup) {
                steps[kept] = steps[i];
                values[kept++] = values[i];
            }
        }
        return kept == steps.length ? s
                : Series.of(java.util.Arrays.copyOf(steps, kept), java.util.Arrays.copyOf(values, kept));
    }
}
