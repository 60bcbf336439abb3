package dev.twophase.experiment.spec;

/**
 * One problem with a submitted spec.
 *
 * @param path    JSON path of the offending value, e.g. {@code $.task.modulus}; {@code $} is the root
 * @param message what is wrong and, where it helps, what would be accepted
 */
public record Violation(String path, String message) {
}
