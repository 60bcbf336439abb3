package dev.twophase.training;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Learning rate with linear warm-up: step {@code s} (0-based) uses
 * {@code lr · min(1, (s + 1) / warmupSteps)}, so the first step already moves (by lr/warmupSteps,
 * close to 0) and step {@code warmupSteps - 1} reaches the full rate; {@code warmupSteps = 0} is
 * constant. Indexed by iteration only (SameDiff counts one iteration per optimiser step).
 */
public final class WarmupSchedule implements ISchedule {

    private final double learningRate;
    private final int warmupSteps;

    public WarmupSchedule(double learningRate, int warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, was " + warmupSteps);
        }
        this.learningRate = learningRate;
        this.warmupSteps = warmupSteps;
    }

    /** The learning rate of 0-based optimiser step {@code step}. */
    public double at(long step) {
        if (warmupSteps == 0 || step + 1 >= warmupSteps) {
            return learningRate;
        }
        return learningRate * (step + 1) / warmupSteps;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return at(iteration);
    }

    @Override
    public ISchedule clone() {
        return new WarmupSchedule(learningRate, warmupSteps);
    }
}
