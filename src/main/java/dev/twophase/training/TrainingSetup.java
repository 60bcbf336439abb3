package dev.twophase.training;

/**
 * Everything an engine needs to build a model and its data, already validated.
 *
 * @param batchSize minibatch size; a value >= the train split size means full batch
 * @param seed      seeds weight initialisation and minibatch order
 */
public record TrainingSetup(TaskSetup task, ModelSetup model, OptimizerSetup optimizer, int batchSize, long seed) {

    /** A task: modular arithmetic {@code a op b mod p} or composition in the symmetric group S_n. */
    public record TaskSetup(TaskType type, ModularOperation operation, int modulus, int permutationDegree,
                            double trainFraction, long splitSeed) {
    }

    public enum TaskType { MODULAR, PERMUTATION }

    /** DIV is a·b⁻¹ mod p (p prime); FLOORDIV is integer division ⌊a / b⌋ over a in 0..p-1, b in 1..p-1. */
    public enum ModularOperation { ADD, SUB, MUL, DIV, FLOORDIV }

    /** Decoder-only transformer over the tokens {@code a, b, =}. */
    public record ModelSetup(int layers, int dModel, int heads, int dMlp) {
    }

    /** AdamW with linear learning-rate warm-up, optionally on Grokfast-filtered gradients. */
    public record OptimizerSetup(double learningRate, double weightDecay, double beta1, double beta2,
                                 int warmupSteps, GradientFilterSetup gradientFilter) {

        public OptimizerSetup {
            gradientFilter = gradientFilter == null ? GradientFilterSetup.NONE : gradientFilter;
        }

        /** Without a gradient filter. */
        public OptimizerSetup(double learningRate, double weightDecay, double beta1, double beta2, int warmupSteps) {
            this(learningRate, weightDecay, beta1, beta2, warmupSteps, GradientFilterSetup.NONE);
        }
    }

    public enum GradientFilterType { NONE, EMA, MA }

    /**
     * Grokfast (Lee et al. 2024, arXiv 2405.20233): the optimiser sees {@code g + lambda·filter(g)},
     * where the filter is an exponential moving average with decay {@code alpha} (EMA) or the mean
     * of the last {@code window} gradients (MA, applied once the window is full).
     */
    public record GradientFilterSetup(GradientFilterType type, double alpha, int window, double lambda) {
        public static final GradientFilterSetup NONE = new GradientFilterSetup(GradientFilterType.NONE, 0, 0, 0);

        public static GradientFilterSetup ema(double alpha, double lambda) {
            return new GradientFilterSetup(GradientFilterType.EMA, alpha, 0, lambda);
        }

        public static GradientFilterSetup movingAverage(int window, double lambda) {
            return new GradientFilterSetup(GradientFilterType.MA, 0, window, lambda);
        }
    }
}
