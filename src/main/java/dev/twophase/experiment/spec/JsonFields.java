package dev.twophase.experiment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed reads of JSON object fields that record a {@link Violation} instead of throwing, so one
 * pass over a spec finds every problem. A read returns null when the value is unusable.
 *
 * <p>An absent field and a JSON {@code null} both mean "use the default". Where a method takes a
 * {@code fallback}, that is the default; a null fallback makes the field required. Defaults pass
 * the same range check as submitted values, so a server limit below a default is reported too.
 */
final class JsonFields {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

    private final List<Violation> violations = new ArrayList<>();

    void add(String path, String message) {
        violations.add(new Violation(path, message));
    }

    List<Violation> violations() {
        return violations;
    }

    static String child(String path, String field) {
        return IDENTIFIER.matcher(field).matches()
                ? path + "." + field
                : path + "['" + field.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** How many offending strings one free-form object reports; the rest would only repeat the point. */
    private static final int MAX_TEXT_VIOLATIONS = 10;

    /**
     * The first character of {@code text} that stored text must not hold, described with its position:
     * a control character (NUL among them; tab, line feed and carriage return are allowed with
     * {@code lineBreaks}) or half of a surrogate pair. Null when there is none.
     */
    static String unprintable(String text, boolean lineBreaks) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("an unpaired surrogate U+%04X at index %d", (int) c, i);
            } else if (Character.getType(c) == Character.CONTROL && !(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                return String.format("the control character U+%04X at index %d", (int) c, i);
            }
        }
        return null;
    }

    /** Reports every key and string inside {@code node} that {@link #unprintable} refuses (keys allow no line breaks). */
    void printableText(JsonNode node, String path) {
        printableText(node, path, new int[1]);
    }

    private void printableText(JsonNode node, String path, int[] reported) {
        if (reported[0] >= MAX_TEXT_VIOLATIONS) {
            return;
        }
        if (node.isTextual()) {
            String bad = unprintable(node.textValue(), true);
            if (bad != null) {
                add(path, "must be printable text; it contains " + bad);
                reported[0]++;
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                printableText(node.get(i), path + "[" + i + "]", reported);
            }
        } else if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext() && reported[0] < MAX_TEXT_VIOLATIONS) {
                var field = fields.next();
                String bad = unprintable(field.getKey(), false);
                if (bad != null) {
                    add(path, "keys must be printable text; one contains " + bad);
                    reported[0]++;
                } else {
                    printableText(field.getValue(), child(path, field.getKey()), reported);
                }
            }
        }
    }

    /** A value as a message shows it: its JSON type, and the value itself when it is short. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "string \"" + node.textValue() + "\"";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        return node.getNodeType().name().toLowerCase() + " " + node.asText();
    }

    /** The field's value, or null when it is absent or JSON null. */
    static JsonNode value(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    void rejectUnknown(ObjectNode node, String path, List<String> allowed) {
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                add(child(path, field), "unknown field \"" + field + "\"; allowed fields: " + String.join(", ", allowed));
            }
        });
    }

    void forbid(ObjectNode node, String path, String field, String message) {
        if (value(node, field) != null) {
            add(child(path, field), message);
        }
    }

    /** An optional section: an empty object when absent (so every default applies), null when not an object. */
    ObjectNode section(ObjectNode node, String path, String field) {
        JsonNode value = value(node, field);
        return value == null ? EMPTY : object(value, child(path, field));
    }

    /** An optional free-form object: null when absent or not an object. */
    ObjectNode optionalObject(ObjectNode node, String path, String field) {
        JsonNode value = value(node, field);
        return value == null ? null : object(value, child(path, field));
    }

    private ObjectNode object(JsonNode value, String path) {
        if (value.isObject()) {
            return (ObjectNode) value;
        }
        add(path, "must be an object, got " + describe(value));
        return null;
    }

    String string(ObjectNode node, String path, String field) {
        String at = child(path, field);
        JsonNode value = value(node, field);
        if (value == null) {
            add(at, "is required");
            return null;
        }
        if (!value.isTextual()) {
            add(at, "must be a string, got " + describe(value));
            return null;
        }
        return value.textValue();
    }

    String choice(ObjectNode node, String path, String field, List<String> choices, String fallback) {
        JsonNode value = value(node, field);
        if (value == null && fallback != null) {
            return fallback;
        }
        String at = child(path, field);
        if (value == null) {
            add(at, "is required; one of " + quoted(choices));
            return null;
        }
        if (!value.isTextual() || !choices.contains(value.textValue())) {
            add(at, "must be one of " + quoted(choices) + ", got " + describe(value));
            return null;
        }
        return value.textValue();
    }

    Boolean bool(ObjectNode node, String path, String field, boolean fallback) {
        JsonNode value = value(node, field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            add(child(path, field), "must be true or false, got " + describe(value));
            return null;
        }
        return value.booleanValue();
    }

    Long integer(ObjectNode node, String path, String field, Long fallback, long min, long max) {
        String at = child(path, field);
        JsonNode value = value(node, field);
        if (value == null) {
            if (fallback == null) {
                add(at, "is required; " + integerRange(min, max));
                return null;
            }
            if (fallback < min || fallback > max) {
                add(at, "is not set and its default " + fallback + " is outside this server's limits; set it explicitly ("
                        + integerRange(min, max) + ")");
                return null;
            }
            return fallback;
        }
        if (!value.isNumber()) {
            add(at, "must be an integer, got " + describe(value));
            return null;
        }
        if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
            add(at, "must be a finite integer, got " + value.asText());
            return null;
        }
        BigDecimal number = value.decimalValue();
        if (number.stripTrailingZeros().scale() > 0) {
            add(at, "must be an integer, got the fractional number " + value.asText());
            return null;
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            add(at, integerRange(min, max) + ", got " + value.asText());
            return null;
        }
        return number.longValueExact();
    }

    /** {@link #integer} for a field whose range lies within {@code int}. */
    Integer int32(ObjectNode node, String path, String field, Integer fallback, int min, int max) {
        Long value = integer(node, path, field, fallback == null ? null : fallback.longValue(), min, max);
        return value == null ? null : Math.toIntExact(value);
    }

    Double number(ObjectNode node, String path, String field, double fallback, Interval interval) {
        JsonNode value = value(node, field);
        if (value == null) {
            return fallback;
        }
        String at = child(path, field);
        if (!value.isNumber()) {
            add(at, "must be a number, got " + describe(value));
            return null;
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            add(at, "must be a finite number, got " + value.asText());
            return null;
        }
        if (!interval.contains(number)) {
            add(at, "must be a number in " + interval + ", got " + value.asText());
            return null;
        }
        return number;
    }

    private static String integerRange(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "must be an integer that fits in 64 bits";
        }
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "must be an integer >= " + min;
        }
        return "must be an integer between " + min + " and " + max;
    }

    private static String quoted(List<String> choices) {
        return choices.stream().map(choice -> "\"" + choice + "\"").collect(Collectors.joining(", "));
    }

    /** A real interval with open or closed ends; {@code toString} is the usual notation, e.g. {@code (0, 1]}. */
    record Interval(double min, boolean minClosed, double max, boolean maxClosed) {

        static Interval open(double min, double max) {
            return new Interval(min, false, max, false);
        }

        static Interval closed(double min, double max) {
            return new Interval(min, true, max, true);
        }

        static Interval leftOpen(double min, double max) {
            return new Interval(min, false, max, true);
        }

        static Interval rightOpen(double min, double max) {
            return new Interval(min, true, max, false);
        }

        boolean contains(double x) {
            return (minClosed ? x >= min : x > min) && (maxClosed ? x <= max : x < max);
        }

        @Override
        public String toString() {
            return (minClosed ? "[" : "(") + plain(min) + ", " + plain(max) + (maxClosed ? "]" : ")");
        }

        private static String plain(double x) {
            return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
        }
    }
}
