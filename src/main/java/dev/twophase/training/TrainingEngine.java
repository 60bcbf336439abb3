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
     * A hidden representation of every block for every input of the split in dataset order:
     * {@code [block][sample][width]}, block 0 is layer 1; the width depends on the representation.
     */
    float[][][] representations(Split split, Representation representation);

    /**
     * The residual stream after each block, read at the last position ("="), for every input
     * of the split in dataset order: {@code [block][sample][dModel]}, block 0 is layer 1.
     */
    default float[][][] lastPositionResiduals(Split split) {
        return representations(split, Representation.RESIDUAL_LAST);
    }

    /**
     * The input of block 1 (token embedding plus position embedding) for every input of the split
     * in dataset order, flattened position-major: {@code [sample][positions·dModel]}. The
     * continuous input space in which local complexity and the linear mapping number probe.
     */
    float[][] embeddedInputs(Split split);

    /** Runs the model from arbitrary points of the space {@link #embeddedInputs(Split)} returns. */
    EmbeddedForward forwardFromEmbedding(float[][] points);

    /** Per block (index 0 = block 1): L2 norm of the block's parameters (attention and MLP). */
    double[] blockWeightNorms();

    /**
     * Per block (index 0 = block 1): L2 norm of the loss gradient of the block's parameters in the
     * last {@link #trainStep()}, before any gradient filter or weight decay; zeros before the first step.
     */
    double[] blockGradientNorms();

    /**
     * The complete training state: parameters, optimiser moments, gradient-filter state, minibatch
     * sampler position and RNG state, completed steps. Restoring it into an engine built from the
     * same setup continues the same trajectory. The format is the engine's own (versioned).
     */
    byte[] saveState();

    /** Restores what {@link #saveState()} returned; rejects state of another setup or engine. */
    void restoreState(byte[] state);

    /** The task's examples, split as this engine trains on them. */
    TaskDataset dataset();

    /** Labels of the split in the same order as {@link #lastPositionResiduals(Split)}. */
    default int[] labels(Split split) {
        return dataset().labels(split);
    }

    /** Number of output classes (p for modular arithmetic, n! for permutations). */
    default int classes() {
        return dataset().classes();
    }

    /** L2 norm of all trainable parameters together. */
    double weightNorm();

    /** Optimiser steps completed so far. */
    long completedSteps();

    /**
     * Work this engine does in chunks (the full-split evaluation, representations, forward passes from
     * the embedding) runs {@code check} before each chunk; the check may throw to abandon the work, so a
     * long pass can be cancelled or stopped between chunks. Engines that do not chunk ignore it.
     */
    default void checkBetweenChunks(Runnable check) {
    }

    @Override
    void close();
}
