package dev.twophase.experiment.spec;

/** @param maxAttempts how many times the queue runs the experiment before giving up */
public record ResourcesSpec(String device, int priority, int maxAttempts) {
}
