package dev.twophase.phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accuracy rules: the end of fitting on train accuracy and generalization on test accuracy,
 * both "reached the threshold and never fell below it again" (the paper's criterion of train
 * accuracy >= 0.99), read on the moving median so that an isolated bad point neither ends nor
 * delays a phase while a sustained dip does.
 */
final class AccuracyThresholds {

    static final String TRAIN_ACCURACY = "train_acc";
    static final String TEST_ACCURACY = "test_acc";

    private final DetectionSettings settings;

    AccuracyThresholds(DetectionSettings settings) {
        this.settings = settings;
    }

    /** Fitting ends at the first step from which train accuracy stays >= the fitting threshold. */
    Detection<Fitting> fitting(Series trainAccuracy) {
        double threshold = settings.fittingThreshold();
        SmoothedSeries acc = SmoothedSeries.of(trainAccuracy, settings);
        int end = firstIndexStayingAtOrAbove(acc, threshold);
        String rule = String.format(Locale.ROOT,
                "first step from which %1$s (moving median of >= %2$d points and +-%4$s in ln step) stays >= %3$s "
                        + "for all later points (near the first point, where the median window is cut short, the "
                        + "first measured %1$s >= %3$s); confirmed once %2$d points hold it",
                TRAIN_ACCURACY, settings.smoothingWindow(), threshold, settings.logHalfWidth());
        List<PhaseEvent> events = new ArrayList<>();
        if (end >= 0 && confirmed(acc, end)) {
            events.add(crossing(PhaseEvent.FITTING_END, acc, end, end, threshold, rule,
                    Map.of("threshold", threshold)));
        }
        return new Detection<>(new Fitting(end < 0 ? null : acc.step(end), TRAIN_ACCURACY, threshold, rule), events);
    }

    /**
     * Generalization step: the first step from which test accuracy stays >= the threshold.
     * Onset: with baseline b = the lowest test accuracy before that step and level
     * b + onsetFraction * (threshold - b), the last step before it at which test accuracy was
     * <= level, i.e. where the final rise leaves the baseline. Null without a generalization step
     * or when it is the first point (no rise observed).
     */
    Detection<Generalization> generalization(Series testAccuracy) {
        double threshold = settings.generalizationThreshold();
        double fraction = settings.generalizationOnsetFraction();
        SmoothedSeries acc = SmoothedSeries.of(testAccuracy, settings);
        int step = firstIndexStayingAtOrAbove(acc, threshold);
        Long onset = null;
        int onsetIndex = -1;
        double level = Double.NaN;
        if (step > 0) {
            double baseline = acc.value(acc.argMin(0, step));
            level = baseline + fraction * (threshold - baseline);
            int last = step - 1;
            while (last > 0 && acc.value(last) > level) {
                last--;
            }
            onsetIndex = last;
            onset = acc.step(last);
        }
        double tolerance = settings.plateauTolerance();
        String rule = String.format(Locale.ROOT,
                "step: first step from which %1$s (moving median of %3$d points) stays >= %2$s for all later "
                        + "points; onset: last step before it with %1$s <= b + %4$s * (%2$s - b), "
                        + "b = the lowest %1$s before it (the first step if the rise began before it); plateau: "
                        + "first step from which %1$s stays within %5$s of its final smoothed level (when that "
                        + "level is >= %2$s), confirmed once held for %6$s in ln step",
                TEST_ACCURACY, threshold, settings.smoothingWindow(), fraction, tolerance, heldLogWidth());
        List<PhaseEvent> events = new ArrayList<>();
        if (step >= 0 && confirmed(acc, step)) {
            if (onsetIndex >= 0) {
                // The rise leaves the level between the onset point and the next one.
                events.add(crossing(PhaseEvent.GENERALIZATION_ONSET, acc, onsetIndex, onsetIndex + 1, level, rule,
                        Map.of("threshold", threshold, "onsetFraction", fraction, "onsetLevel", level)));
            }
            events.add(crossing(PhaseEvent.GENERALIZATION_COMPLETE, acc, step, step, threshold, rule,
                    Map.of("threshold", threshold)));
        }
        int plateau = plateau(acc, threshold, tolerance);
        Double plateauLevel = plateau < 0 ? null : acc.value(acc.size() - 1);
        if (plateau >= 0) {
            double entry = plateauLevel - tolerance;
            events.add(crossing(PhaseEvent.GENERALIZATION_PLATEAU, acc, plateau, plateau, entry, rule,
                    Map.of("plateauTolerance", tolerance, "plateauLevel", plateauLevel, "threshold", threshold)));
        }
        return new Detection<>(new Generalization(onset, step < 0 ? null : acc.step(step),
                plateau < 0 ? null : acc.step(plateau), plateauLevel, TEST_ACCURACY, threshold, rule), events);
    }

    /** How long the plateau must have held, in ln step: as long as a compression's final level run. */
    private double heldLogWidth() {
        return InformationCompression.HELD_LOG_WIDTH * settings.logHalfWidth();
    }

    /**
     * The first index from which test accuracy stays within {@code tolerance} of its final smoothed level,
     * when that level has generalized (>= the threshold) and has held for {@link #heldLogWidth()} and a
     * window of points; -1 otherwise (a run still climbing has no plateau yet).
     */
    private int plateau(SmoothedSeries acc, double threshold, double tolerance) {
        if (acc.size() == 0) {
            return -1;
        }
        int last = acc.size() - 1;
        double finalLevel = acc.value(last);
        if (finalLevel < threshold) {
            return -1;
        }
        int from = acc.firstIndexFromWhichAll(0, a -> a >= finalLevel - tolerance);
        boolean held = from >= 0 && last - from + 1 >= settings.smoothingWindow()
                && Math.log1p(acc.step(last)) - Math.log1p(acc.step(from)) >= heldLogWidth();
        return held ? from : -1;
    }

    /** A threshold held for a whole window is no longer one noisy point that a later one may undo. */
    private boolean confirmed(SmoothedSeries acc, int index) {
        return acc.size() - index >= settings.smoothingWindow();
    }

    private PhaseEvent crossing(String kind, SmoothedSeries acc, int index, int crossedAt, double level,
            String rule, Map<String, Double> extra) {
        long[] interval = acc.crossingInterval(crossedAt, level);
        Map<String, Double> parameters = settings.smoothingParameters();
        parameters.putAll(extra);
        parameters.put("noiseSigma", acc.sigma());
        String metric = kind.equals(PhaseEvent.FITTING_END) ? TRAIN_ACCURACY : TEST_ACCURACY;
        return new PhaseEvent(kind, metric, 0, acc.step(index), Math.min(interval[0], acc.step(index)),
                Math.max(interval[1], acc.step(index)), acc.value(index), rule, parameters);
    }

    /**
     * The smoothed series decides that the threshold is held for good. Within half a window of
     * the first point the median window is cut short and dominated by later points, so there the
     * step is moved to the first measured value that reaches the threshold.
     */
    private int firstIndexStayingAtOrAbove(SmoothedSeries acc, double threshold) {
        int first = acc.firstIndexFromWhichAll(0, a -> a >= threshold);
        int truncated = settings.smoothingWindow() / 2;
        while (first >= 0 && first < truncated && first < acc.size() && acc.rawValue(first) < threshold) {
            first++;
        }
        return first < acc.size() ? first : -1;
    }
}
