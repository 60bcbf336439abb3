package dev.twophase.experiment.spec;

/** AdamW with a linear learning-rate warm-up over {@code warmupSteps}. */
public record OptimizerSpec(String type, double learningRate, double weightDecay, double beta1, double beta2,
                            int warmupSteps) {
}
