package dev.twophase.training;

import dev.twophase.training.TrainingSetup.ModelSetup;
import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.OptimizerSetup;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;

/**
 * Small setups shared by the training tests: a + b mod p (split seed 1234), built from defaults that
 * a test overrides by name. Defaults: train fraction 0.5; 2 layers, dModel 16, 4 heads, dMlp 32;
 * AdamW lr 1e-3, weight decay 1.0, betas 0.9/0.98, no warm-up; batch 16; seed 1.
 */
final class Setups {

    private Setups() {
    }

    static Builder modularAdd(int p) {
        return new Builder(p);
    }

    /** The tiny configuration the service's end-to-end test uses (a + b mod 7, one block of dModel 32), to override. */
    static Builder endToEnd() {
        return modularAdd(7).layers(1).dModel(32).dMlp(128).warmup(10).batch(512).seed(42);
    }

    /** {@link #endToEnd()} with learning rate {@code lr}. */
    static TrainingSetup tiny(double lr) {
        return endToEnd().lr(lr).build();
    }

    static final class Builder {
        private final int p;
        private double trainFraction = 0.5;
        private int layers = 2;
        private int dModel = 16;
        private int heads = 4;
        private int dMlp = 32;
        private double lr = 1e-3;
        private double weightDecay = 1.0;
        private int warmup = 0;
        private int batch = 16;
        private long seed = 1;

        private Builder(int p) {
            this.p = p;
        }

        Builder trainFraction(double value) {
            trainFraction = value;
            return this;
        }

        Builder layers(int value) {
            layers = value;
            return this;
        }

        Builder dModel(int value) {
            dModel = value;
            return this;
        }

        Builder heads(int value) {
            heads = value;
            return this;
        }

        Builder dMlp(int value) {
            dMlp = value;
            return this;
        }

        Builder lr(double value) {
            lr = value;
            return this;
        }

        Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        Builder warmup(int steps) {
            warmup = steps;
            return this;
        }

        /** Samples per step; at least the train split's size means full batch. */
        Builder batch(int value) {
            batch = value;
            return this;
        }

        Builder seed(long value) {
            seed = value;
            return this;
        }

        TrainingSetup build() {
            return new TrainingSetup(
                    new TaskSetup(TaskType.MODULAR, ModularOperation.ADD, p, 0, trainFraction, 1234),
                    new ModelSetup(layers, dModel, heads, dMlp),
                    new OptimizerSetup(lr, weightDecay, 0.9, 0.98, warmup),
                    batch, seed);
        }
    }
}
