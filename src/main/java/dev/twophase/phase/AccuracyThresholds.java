package dev.twophase.phase;

import java.util.Locale;

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
    Fitting fitting(Series trainAccuracy) {
        double threshold = settings.fittingThreshold();
        SmoothedSeries acc = SmoothedSeries.of(trainAccuracy, settings);
        int end = firstIndexStayingAtOrAbove(acc, threshold);
        String rule = String.format(Locale.ROOT,
                "first step from which %1$s (moving median of %2$d points) stays >= %3$s for all later points "
                        + "(near the first point, where the median window is cut short, the first measured %1$s >= %3$s)",
                TRAIN_ACCURACY, settings.smoothingWindow(), threshold);
        return new Fitting(end < 0 ? null : acc.step(end), TRAIN_ACCURACY, threshold, rule);
    }

    /**
     * Generalization step: the first step from which test accuracy stays >= the threshold.
     * Onset: with baseline b = the lowest test accuracy before that step and level
     * b + onsetFraction * (threshold - b), the last step before it at which test accuracy was
     * <= level, i.e. where the final rise leaves the baseline. Null without a generalization step
     * or when it is the first point (no rise observed).
     */
    Generalization generalization(Series testAccuracy) {
        double threshold = settings.generalizationThreshold();
        double fraction = settings.generalizationOnsetFraction();
        SmoothedSeries acc = SmoothedSeries.of(testAccuracy, settings);
        int step = firstIndexStayingAtOrAbove(acc, threshold);
        Long onset = null;
        if (step > 0) {
            double baseline = acc.value(acc.argMin(0, step));
            double level = baseline + fraction * (threshold - baseline);
            int last = step - 1;
            while (last > 0 && acc.value(last) > level) {
                last--;
            }
            onset = acc.step(last);
        }
        String rule = String.format(Locale.ROOT,
                "step: first step from which %1$s (moving median of %3$d points) stays >= %2$s for all later "
                        + "points; onset: last step before it with %1$s <= b + %4$s * (%2$s - b), "
                        + "b = the lowest %1$s before it (the first step if the rise began before it)",
                TEST_ACCURACY, threshold, settings.smoothingWindow(), fraction);
        return new Generalization(onset, step < 0 ? null : acc.step(step), TEST_ACCURACY, threshold, rule);
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
