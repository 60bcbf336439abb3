package dev.twophase.platform;

/** One offending input: a JSON path into the body ({@code $.task.modulus}) or a parameter name. */
public record FieldError(String path, String message) {
}
