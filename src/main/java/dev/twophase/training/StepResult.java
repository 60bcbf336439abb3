package dev.twophase.training;

/** Outcome of one optimiser step: loss and accuracy on that step's minibatch. */
public record StepResult(long step, double loss, double accuracy, double learningRate) {
}
