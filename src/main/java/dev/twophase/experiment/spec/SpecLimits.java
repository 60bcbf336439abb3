package dev.twophase.experiment.spec;

/**
 * Server-side ceilings on what one experiment may ask for. The validator reports a spec that
 * exceeds them; it never clamps a value.
 *
 * @param maxModulus      at most 1000 by default: a modular task has p * p pairs
 * @param maxParameters   ceiling on {@link ModelSpec#parameterCount(int)}
 * @param maxParamsBytes  size of the free-form {@code params} object as JSON text (UTF-8)
 * @param maxStepFlops    ceiling on {@link SpecCost#stepFlops()}
 * @param maxMeasureFlops ceiling on {@link SpecCost#measureFlops()}
 * @param maxMeasureBytes ceiling on {@link SpecCost#measureBytes()}
 */
public record SpecLimits(long maxSteps, int maxModulus, int maxLayers, int maxDModel, int maxDMlp,
                         int maxBatchSize, long maxParameters, int maxParamsBytes, double maxStepFlops,
                         double maxMeasureFlops, long maxMeasureBytes) {

    public static final int DEFAULT_MAX_PARAMS_BYTES = 65_536;
    public static final double DEFAULT_MAX_STEP_FLOPS = 1e12;
    public static final double DEFAULT_MAX_MEASURE_FLOPS = 1e13;
    public static final long DEFAULT_MAX_MEASURE_BYTES = 2L << 30;

    public SpecLimits {
        if (maxSteps < 1 || maxModulus < 2 || maxLayers < 1 || maxDModel < 1 || maxDMlp < 1
                || maxBatchSize < 1 || maxParameters < 1 || maxParamsBytes < 2 || !(maxStepFlops > 0)
                || !(maxMeasureFlops > 0) || maxMeasureBytes < 1) {
            throw new IllegalArgumentException("every limit must admit at least the smallest valid spec: " + this);
        }
    }

    /** The size limits, with the default cost limits. */
    public SpecLimits(long maxSteps, int maxModulus, int maxLayers, int maxDModel, int maxDMlp, int maxBatchSize,
                      long maxParameters) {
        this(maxSteps, maxModulus, maxLayers, maxDModel, maxDMlp, maxBatchSize, maxParameters, DEFAULT_MAX_PARAMS_BYTES,
                DEFAULT_MAX_STEP_FLOPS, DEFAULT_MAX_MEASURE_FLOPS, DEFAULT_MAX_MEASURE_BYTES);
    }

    public static SpecLimits defaults() {
        return new SpecLimits(1_000_000, 1000, 4, 1024, 4096, 65536, 50_000_000);
    }
}
