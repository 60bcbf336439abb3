package dev.twophase.training;

/**
 * One model being trained on one task. The worker drives it step by step and never needs to
 * know which implementation (SameDiff graph, hand-written kernels, GPU) is behind it.
 * Not thread-safe: one engine belongs to one worker thread.
 */
public interface TrainingEngine extends AutoCloseable {

    /** One optimiser step on the next minibatch of the train split. */
    StepResult trainStep();

    /** Loss and accuracy over the whole train and test splits (forward pass only). */
    Evaluation evaluate();

    /**
     * The residual stream after each block, read at the last position ("="), for every input
     * of the split in dataset order: {@code [block][sample][dModel]}, block 0 is layer 1.
     */
    float[][][] lastPositionResiduals(Split split);

    /** Labels of the split in the same order as {@link #lastPositionResiduals(Split)}. */
    int[] labels(Split split);

    /** Number of output classes (p for modular arithmetic, n! for permutations). */
    int classes();

    /** L2 norm of all trainable parameters together. */
    double weightNorm();

    /** Optimiser steps completed so far. */
    long completedSteps();

    @Override
    void close();
}
