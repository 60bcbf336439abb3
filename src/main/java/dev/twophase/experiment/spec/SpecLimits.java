package dev.twophase.experiment.spec;

/**
 * Server-side ceilings on what one experiment may ask for. The validator reports a spec that
 * exceeds them; it never clamps a value.
 *
 * @param maxModulus    at most 1000 by default: a modular task has p * p pairs
 * @param maxParameters ceiling on {@link ModelSpec#parameterCount(int)}
 */
public record SpecLimits(long maxSteps, int maxModulus, int maxLayers, int maxDModel, int maxDMlp,
                         int maxBatchSize, long maxParameters) {

    public SpecLimits {
        if (maxSteps < 1 || maxModulus < 2 || maxLayers < 1 || maxDModel < 1 || maxDMlp < 1
                || maxBatchSize < 1 || maxParameters < 1) {
            throw new IllegalArgumentException("every limit must admit at least the smallest valid spec: " + this);
        }
    }

    public static SpecLimits defaults() {
        return new SpecLimits(1_000_000, 1000, 4, 1024, 4096, 65536, 50_000_000);
    }
}
