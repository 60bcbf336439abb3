package dev.twophase.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client-facing error rendered as RFC 9457 {@code application/problem+json}; {@code errors}
 * name every offending field so a client can fix all of them in one go.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(int status, String title, String detail, List<FieldError> errors) {
        this(status, title, detail, errors, Map.of());
    }

    private ProblemException(int status, String title, String detail, List<FieldError> errors, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    /** The same problem with one more response header (e.g. Retry-After on a 409 that will pass). */
    public ProblemException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ProblemException(status, title, getMessage(), errors, more);
    }

    public static ProblemException badRequest(String detail, List<FieldError> errors) {
        return new ProblemException(400, "Bad Request", detail, errors);
    }

    public static ProblemException invalidParameter(String parameter, String message) {
        return badRequest("invalid parameter " + parameter + ": " + message, List.of(new FieldError(parameter, message)));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail, List.of());
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail, List.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
