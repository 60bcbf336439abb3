package dev.twophase.phase;

/**
 * Parameters of the phase rules; every report quotes the ones it used.
 *
 * @param fittingThreshold train accuracy that counts as fitted (the paper's 0.99)
 * @param generalizationThreshold test accuracy that counts as generalized
 * @param generalizationOnsetFraction how far (as a fraction of the way from the baseline to the
 *        generalization threshold) test accuracy may have risen and still be "before the rise"
 * @param smoothingWindow points in the centred moving median applied before every rule; 1 turns
 *        smoothing off and an even window is widened by one to stay centred. Counted in points,
 *        not steps, so log-spaced logging smooths on a log axis.
 * @param minimumRelativeChange smallest change, relative to the value, that counts as a rise or
 *        fall of a loss or an information curve
 * @param noiseMultiplier how many robust noise standard deviations a rise or fall must exceed
 */
public record DetectionSettings(double fittingThreshold, double generalizationThreshold,
        double generalizationOnsetFraction, int smoothingWindow, double minimumRelativeChange,
        double noiseMultiplier) {

    public DetectionSettings {
        requireIn("fittingThreshold", fittingThreshold, 0.0, 1.0);
        requireIn("generalizationThreshold", generalizationThreshold, 0.0, 1.0);
        if (!(generalizationOnsetFraction >= 0.0 && generalizationOnsetFraction < 1.0)) {
            throw new IllegalArgumentException(
                    "generalizationOnsetFraction must be in [0, 1), was " + generalizationOnsetFraction);
        }
        if (smoothingWindow < 1) {
            throw new IllegalArgumentException("smoothingWindow must be at least 1, was " + smoothingWindow);
        }
        requireNonNegative("minimumRelativeChange", minimumRelativeChange);
        requireNonNegative("noiseMultiplier", noiseMultiplier);
    }

    /**
     * Thresholds from the paper (0.99 train, 0.95 test), onset at 10% of the rise, a 5-point
     * median, and changes that must exceed both 2% of the value and 4 noise standard deviations:
     * 4 because the extremes of a few hundred smoothed noise points already span about 3.
     */
    public static DetectionSettings defaults() {
        return new DetectionSettings(0.99, 0.95, 0.1, 5, 0.02, 4.0);
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0.0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(name + " must be finite and non-negative, was " + value);
        }
    }

    private static void requireIn(String name, double value, double lowest, double highest) {
        if (!(value >= lowest && value <= highest)) {
            throw new IllegalArgumentException(name + " must be in [" + lowest + ", " + highest + "], was " + value);
        }
    }
}
