package dev.twophase.platform;

import java.util.UUID;

/**
 * Path and query parameters arrive as text and are parsed here, so a malformed value is a 400
 * naming the parameter instead of the 404 JAX-RS gives for a failed conversion.
 */
public final class RequestParameters {

    private RequestParameters() {
    }

    public static UUID uuid(String name, String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.invalidParameter(name, "not a UUID: " + raw);
        }
    }

    /** An optional integer parameter within [min, max]; null when absent or blank. */
    public static Long optionalLong(String name, String raw, long min, long max) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter(name, "not an integer: " + raw);
        }
        if (value < min || value > max) {
            throw ProblemException.invalidParameter(name, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
