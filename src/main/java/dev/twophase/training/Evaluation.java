package dev.twophase.training;

/** Full-split loss (mean cross-entropy, nats, without the weight-decay term) and accuracy. */
public record Evaluation(double trainLoss, double trainAccuracy, double testLoss, double testAccuracy) {
}
