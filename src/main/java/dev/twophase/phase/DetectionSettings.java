package dev.twophase.phase;

import java.util.Map;
import java.util.TreeMap;

/**
 * Parameters of the phase rules; every event quotes the ones it used.
 *
 * @param fittingThreshold train accuracy that counts as fitted (the paper's 0.99)
 * @param generalizationThreshold test accuracy that counts as generalized
 * @param generalizationOnsetFraction how far (as a fraction of the way from the baseline to the
 *        generalization threshold) test accuracy may have risen and still be "before the rise"
 * @param smoothingWindow fewest points in the centred moving median applied before every rule; 1
 *        turns the point window off and an even window is widened by one to stay centred
 * @param logHalfWidth half-width of the median window on the log-step axis: point i's window holds
 *        every point within ln(1 + step) +- logHalfWidth (kept centred, at least smoothingWindow
 *        points), so a run logged at a fixed cadence is smoothed over a fixed fraction of its age
 * @param minimumRelativeChange smallest change, relative to the value, that counts as a rise or
 *        fall of a loss or an information curve
 * @param noiseMultiplier how many robust noise standard deviations a rise or fall must exceed
 * @param penaltyFactor change-point penalty per added segment, in units of sigma^2 ln(n)
 *        (3 = BIC for a line segment's slope, intercept and start)
 * @param maxLogHalfWidth the widest the median window may reach on the log-step axis, ln(1 + step)
 *        +- this: where points are sparse on that axis (the first steps at a fixed cadence) the window
 *        holds fewer than smoothingWindow points rather than reach across a feature and move or erase it
 * @param plateauTolerance how close (absolute accuracy) test accuracy must stay to its final level for
 *        generalization to have reached its plateau
 * @param warmupSteps the shape rules (double descent, compression, local complexity) skip the points of steps
 *        1..warmupSteps, while the learning rate still ramps up: a log-spaced schedule measures each of them, and
 *        their wiggles are no phase (step 0, the initialisation, is kept)
 */
public record DetectionSettings(double fittingThreshold, double generalizationThreshold,
        double generalizationOnsetFraction, int smoothingWindow, double logHalfWidth, double minimumRelativeChange,
        double noiseMultiplier, double penaltyFactor, double maxLogHalfWidth, double plateauTolerance,
        long warmupSteps) {

    /** Default widest median half-window: +-0.25 in ln step (about +-0.11 decade, a factor 1.28). */
    public static final double DEFAULT_MAX_LOG_HALF_WIDTH = 0.25;
    /** Default plateau tolerance: within 0.01 accuracy of the final level. */
    public static final double DEFAULT_PLATEAU_TOLERANCE = 0.01;

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
        requireNonNegative("logHalfWidth", logHalfWidth);
        requireNonNegative("minimumRelativeChange", minimumRelativeChange);
        requireNonNegative("noiseMultiplier", noiseMultiplier);
        requireNonNegative("penaltyFactor", penaltyFactor);
        requireNonNegative("maxLogHalfWidth", maxLogHalfWidth);
        if (maxLogHalfWidth < logHalfWidth) {
            throw new IllegalArgumentException("maxLogHalfWidth " + maxLogHalfWidth + " must be at least logHalfWidth "
                    + logHalfWidth);
        }
        requireIn("plateauTolerance", plateauTolerance, 0.0, 1.0);
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, was " + warmupSteps);
        }
    }

    /** The settings with the default widest window and plateau tolerance and no warm-up. */
    public DetectionSettings(double fittingThreshold, double generalizationThreshold,
            double generalizationOnsetFraction, int smoothingWindow, double logHalfWidth, double minimumRelativeChange,
            double noiseMultiplier, double penaltyFactor, double maxLogHalfWidth, double plateauTolerance) {
        this(fittingThreshold, generalizationThreshold, generalizationOnsetFraction, smoothingWindow, logHalfWidth,
                minimumRelativeChange, noiseMultiplier, penaltyFactor, maxLogHalfWidth, plateauTolerance, 0);
    }

    /** The same settings for a run whose learning rate warms up over {@code steps} steps. */
    public DetectionSettings withWarmup(long steps) {
        return new DetectionSettings(fittingThreshold, generalizationThreshold, generalizationOnsetFraction,
                smoothingWindow, logHalfWidth, minimumRelativeChange, noiseMultiplier, penaltyFactor, maxLogHalfWidth,
                plateauTolerance, steps);
    }

    /** The settings with the default widest window and plateau tolerance. */
    public DetectionSettings(double fittingThreshold, double generalizationThreshold,
            double generalizationOnsetFraction, int smoothingWindow, double logHalfWidth, double minimumRelativeChange,
            double noiseMultiplier, double penaltyFactor) {
        this(fittingThreshold, generalizationThreshold, generalizationOnsetFraction, smoothingWindow, logHalfWidth,
                minimumRelativeChange, noiseMultiplier, penaltyFactor, Math.max(DEFAULT_MAX_LOG_HALF_WIDTH, logHalfWidth),
                DEFAULT_PLATEAU_TOLERANCE, 0);
    }

    /**
     * Thresholds from the paper (0.99 train, 0.95 test), onset at 10% of the rise, a median over
     * at least 5 points and +-5% of the step but never beyond +-0.25 in ln step, changes that must
     * exceed both 2% of the value and 4 noise standard deviations (4 because the extremes of a few
     * hundred smoothed noise points already span about 3), and a plateau within 0.01 of the final
     * test accuracy.
     */
    public static DetectionSettings defaults() {
        return new DetectionSettings(0.99, 0.95, 0.1, 5, 0.05, 0.02, 4.0, 3.0, DEFAULT_MAX_LOG_HALF_WIDTH,
                DEFAULT_PLATEAU_TOLERANCE, 0);
    }

    /** The settings as event parameters (stored as JSON beside every event). */
    Map<String, Double> smoothingParameters() {
        Map<String, Double> p = new TreeMap<>();
        p.put("smoothingWindow", (double) smoothingWindow);
        p.put("logHalfWidth", logHalfWidth);
        p.put("minimumRelativeChange", minimumRelativeChange);
        p.put("noiseMultiplier", noiseMultiplier);
        p.put("maxLogHalfWidth", maxLogHalfWidth);
        p.put("warmupSteps", (double) warmupSteps);
        return p;
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
