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

    public enum ModularOperation { ADD, SUB, MUL, DIV }

    /** Decoder-only transformer over the tokens {@code a, b, =}. */
    public record ModelSetup(int layers, int dModel, int heads, int dMlp) {
    }

    /** AdamW with linear learning-rate warm-up. */
    public record OptimizerSetup(double learningRate, double weightDecay, double beta1, double beta2,
                                 int warmupSteps) {
    }
}
