package dev.twophase.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.twophase.platform.FieldError;
import dev.twophase.platform.StrictJson;

import java.io.IOException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {"points": [{"name", "layer", "step", "value"}, ...]} and names every bad field. */
final class MetricBatchParser {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/\\-]{1,100}");
    static final long MAX_STEP = 1_000_000_000_000L;
    static final int MAX_LAYER = 10_000;
    private static final int MAX_REPORTED_ERRORS = 100;
    private static final Set<String> POINT_FIELDS = Set.of("name", "layer", "step", "value");

    record Parsed(List<MetricPoint> points, List<FieldError> errors) {
    }

    // Duplicate keys and trailing tokens fail the fast path, as they fail StrictJson.
    private static final JsonFactory STREAMING = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private MetricBatchParser() {
    }

    /**
     * Parses a request body. A well-formed batch is read in one streaming pass without building a tree;
     * anything else (malformed JSON, an unknown field, a bad value) is read again by {@link StrictJson} and
     * {@link #parse(JsonNode, int)}, so every error reads exactly as there.
     */
    static Parsed parse(String body, int maxPoints) {
        List<MetricPoint> points = body == null ? null : wellFormed(body, maxPoints);
        return points != null ? new Parsed(points, List.of()) : parse(StrictJson.parse(body), maxPoints);
    }

    /** The points of a batch with nothing to report, or null at the first thing the slow path must explain. */
    private static List<MetricPoint> wellFormed(String body, int maxPoints) {
        try (JsonParser p = STREAMING.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
                    || !"points".equals(p.currentName()) || p.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            List<MetricPoint> points = new ArrayList<>();
            Names names = new Names();
            while (p.nextToken() == JsonToken.START_OBJECT) {
                MetricPoint point = point(p, names);
                if (point == null || points.size() == maxPoints) {
                    return null;
                }
                points.add(point);
            }
            boolean closed = p.currentToken() == JsonToken.END_ARRAY && p.nextToken() == JsonToken.END_OBJECT
                    && p.nextToken() == null;
            return closed ? points : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static MetricPoint point(JsonParser p, Names names) throws IOException {
        String name = null;
        long layer = 0;
        long step = -1;
        double value = Double.NaN;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> name = v == JsonToken.VALUE_STRING ? names.valid(p.getText()) : null;
                case "layer" -> layer = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : v == JsonToken.VALUE_NULL ? 0 : -1;
                case "step" -> step = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                case "value" -> value = v.isNumeric() ? p.getDoubleValue() : Double.NaN;
                default -> {
                    return null;
                }
            }
        }
        boolean valid = name != null && layer >= 0 && layer <= MAX_LAYER && step >= 0 && step <= MAX_STEP
                && Double.isFinite(value);
        return valid ? new MetricPoint(name, (int) layer, step, value) : null;
    }

    /** Checks each distinct name once and hands back one instance of it, so its hash is computed once. */
    private static final class Names {
        private final List<String> seen = new ArrayList<>();

        String valid(String name) {
            for (int i = seen.size() - 1; i >= 0; i--) {
                if (seen.get(i).equals(name)) {
                    return seen.get(i);
                }
            }
            if (!NAME.matcher(name).matches()) {
                return null;
            }
            if (seen.size() == 64) {
                seen.remove(0);
            }
            seen.add(name);
            return name;
        }
    }

    static Parsed parse(JsonNode body, int maxPoints) {
        List<FieldError> errors = new ArrayList<>();
        List<MetricPoint> points = new ArrayList<>();
        if (!body.isObject()) {
            errors.add(new FieldError("$", "expected an object {\"points\": [...]}"));
            return new Parsed(points, errors);
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("points")) {
                errors.add(new FieldError("$." + f, "unknown field; allowed: points"));
            }
        });
        JsonNode array = body.get("points");
        if (array == null || !array.isArray()) {
            errors.add(new FieldError("$.points", "required: an array of points"));
            return new Parsed(points, errors);
        }
        if (array.size() > maxPoints) {
            errors.add(new FieldError("$.points", "at most " + maxPoints + " points per request, got " + array.size()));
            return new Parsed(points, errors);
        }
        for (int i = 0; i < array.size(); i++) {
            MetricPoint p = point(array.get(i), "$.points[" + i + "]", errors);
            if (p != null) {
                points.add(p);
            }
        }
        return new Parsed(points, errors.size() > MAX_REPORTED_ERRORS ? errors.subList(0, MAX_REPORTED_ERRORS) : errors);
    }

    private static MetricPoint point(JsonNode node, String path, List<FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new FieldError(path, "expected an object with name, layer, step, value"));
            return null;
        }
        int before = errors.size();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!POINT_FIELDS.contains(f)) {
                errors.add(new FieldError(path + "." + f, "unknown field; allowed: " + String.join(", ", POINT_FIELDS.stream().sorted().toList())));
            }
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || !NAME.matcher(name.asText()).matches()) {
            errors.add(new FieldError(path + ".name", "required: 1-100 characters of letters, digits and _ . : / -"));
        }
        Long layer = integer(node.get("layer"), path + ".layer", 0, MAX_LAYER, 0L, errors);
        Long step = integer(node.get("step"), path + ".step", 0, MAX_STEP, null, errors);
        JsonNode value = node.get("value");
        if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
            errors.add(new FieldError(path + ".value", "required: a finite number"));
        }
        if (errors.size() > before) {
            return null;
        }
        return new MetricPoint(name.asText(), layer.intValue(), step, value.asDouble());
    }

    private static Long integer(JsonNode node, String path, long min, long max, Long fallback, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (fallback == null) {
                errors.add(new FieldError(path, "required: an integer between " + min + " and " + max));
            }
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            errors.add(new FieldError(path, "must be an integer between " + min + " and " + max + ", got " + node));
            return fallback;
        }
        return node.asLong();
    }
}
