package dev.twophase.platform;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Path and query parameters arrive as text and are parsed here, so a malformed value is a 400
 * naming the parameter instead of the 404 JAX-RS gives for a failed conversion.
 */
public final class RequestParameters {

    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private RequestParameters() {
    }

    /**
     * A UUID in its canonical 8-4-4-4-12 hex form only: {@link UUID#fromString} also accepts shorter
     * groups ({@code 1-2-3-4-5}), so two spellings would name one run.
     */
    public static UUID uuid(String name, String raw) {
        if (raw == null || !CANONICAL_UUID.matcher(raw).matches()) {
            throw ProblemException.invalidParameter(name, "not a UUID (8-4-4-4-12 hex digits): " + raw);
        }
        return UUID.fromString(raw);
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

    /** An optional text parameter of at most {@code maxLength} characters; null when absent or blank. */
    public static String optionalText(String name, String raw, int maxLength) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (raw.length() > maxLength) {
            throw ProblemException.invalidParameter(name, "must be at most " + maxLength + " characters, got " + raw.length());
        }
        return raw;
    }
}
