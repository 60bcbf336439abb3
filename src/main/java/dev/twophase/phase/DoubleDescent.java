package dev.twophase.phase;

import java.util.Locale;

/**
 * Epoch-wise double descent of the test loss (Nakkiran et al. 2019, arXiv 1912.02292; in the
 * two-phase paper a first minimum ~800 steps and a hump ~2.6e3 on division mod p), read on the
 * moving median with the series' tolerance tol(v) = max(minimumRelativeChange * |v|,
 * noiseMultiplier * sigma).
 *
 * <p>A first minimum is reported only together with the rise that makes it one: a loss that
 * only falls (or only rises) has no first minimum, no peak and no second descent. The peak is
 * reported once the loss has fallen more than tol below it; before that the hump may still be
 * rising.
 */
final class DoubleDescent {

    static final String TEST_LOSS = "test_loss";

    private final DetectionSettings settings;

    DoubleDescent(DetectionSettings settings) {
        this.settings = settings;
    }

    TestLossShape shape(Series testLoss) {
        SmoothedSeries loss = SmoothedSeries.of(testLoss, settings);
        String rule = String.format(Locale.ROOT,
                "on the moving median of %d points with tol(v) = max(%s * |v|, %s * noise sd): first minimum = "
                        + "lowest point after a fall of more than tol and before the first rise of more than tol; "
                        + "peak = highest point after it until the loss falls more than tol below the minimum, "
                        + "once some later point is more than tol below it; "
                        + "second descent = first step after the peak from which the loss stays below peak - tol",
                settings.smoothingWindow(), settings.minimumRelativeChange(), settings.noiseMultiplier());
        int minimum = firstMinimum(loss);
        if (minimum < 0) {
            return new TestLossShape(null, null, null, null, null, TEST_LOSS, rule);
        }
        double minimumValue = loss.value(minimum);
        double belowMinimum = minimumValue - loss.tolerance(minimumValue);
        int fallBelowMinimum = loss.firstIndexWhere(minimum + 1, v -> v < belowMinimum);
        int humpEnd = fallBelowMinimum < 0 ? loss.size() : fallBelowMinimum;
        // Non-empty and higher than minimum + tol: firstMinimum stopped at exactly such a point.
        int peak = loss.argMax(minimum + 1, humpEnd);
        double peakValue = loss.value(peak);
        double belowPeak = peakValue - loss.tolerance(peakValue);
        if (loss.firstIndexWhere(peak + 1, v -> v < belowPeak) < 0) {
            // Nothing after it fell more than tol below: the hump may still be rising.
            return new TestLossShape(loss.step(minimum), null, null, minimumValue, null, TEST_LOSS, rule);
        }
        int secondDescent = loss.firstIndexFromWhichAll(peak + 1, v -> v < belowPeak);
        return new TestLossShape(loss.step(minimum), loss.step(peak),
                secondDescent < 0 ? null : loss.step(secondDescent), minimumValue, peakValue, TEST_LOSS, rule);
    }

    /**
     * A two-state scan: wait for a fall of more than tol below the highest point so far, then
     * follow the running minimum until the loss rises more than tol above it. Returns that
     * minimum's index, or -1 if the loss never falls and then rises.
     */
    private static int firstMinimum(SmoothedSeries loss) {
        if (loss.size() == 0) {
            return -1;
        }
        double highest = loss.value(0);
        int minimum = -1;
        for (int i = 1; i < loss.size(); i++) {
            double v = loss.value(i);
            if (minimum < 0) {
                if (v > highest) {
                    highest = v;
                } else if (v < highest - loss.tolerance(v)) {
                    minimum = i;
                }
            } else if (v < loss.value(minimum)) {
                minimum = i;
            } else if (v > loss.value(minimum) + loss.tolerance(loss.value(minimum))) {
                return minimum;
            }
        }
        return -1;
    }
}
