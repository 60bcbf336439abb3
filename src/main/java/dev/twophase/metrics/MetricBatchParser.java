package dev.twophase.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twophase.platform.FieldError;

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

    private MetricBatchParser() {
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
