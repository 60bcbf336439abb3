package dev.twophase.experiment.spec;

/** @param seed seeds weight initialisation and minibatch order */
public record TrainingSpec(long steps, int batchSize, long seed) {
}
