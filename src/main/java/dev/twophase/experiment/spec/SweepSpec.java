package dev.twophase.experiment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A spec's {@code "sweep": {"optimizer.weightDecay": [0.3, 1.0], "training.seed": [1, 2, 3]}}: the
 * cartesian product of the listed values becomes one run each, every run's spec the submitted one
 * with its values substituted and validated like any spec. Paths name a field inside one of the
 * sections (task, model, optimizer, training, measures, resources). Violations name the sweep
 * entry, e.g. {@code $.sweep['optimizer.weightDecay'][1]}.
 */
public final class SweepSpec {

    public static final String FIELD = "sweep";
    private static final List<String> SECTIONS = List.of("task", "model", "optimizer", "training", "measures", "resources");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The runs of a valid sweep: each normalized spec with the values it was given, in order. */
    public record Expansion(List<ExperimentSpec> runs, List<Map<String, JsonNode>> values, List<Violation> violations) {

        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private SweepSpec() {
    }

    /**
     * Expands the spec's sweep (the spec without {@code sweep} is the only run when it has none).
     * Never throws on bad input: every problem is a violation.
     */
    public static Expansion expand(JsonNode root, SpecValidator validator, int maxRuns) {
        if (root == null || !root.isObject() || !root.has(FIELD)) {
            ValidationResult single = validator.validate(root);
            return single.valid()
                    ? new Expansion(List.of(single.spec()), List.of(Map.of()), List.of())
                    : new Expansion(List.of(), List.of(), single.violations());
        }
        ObjectNode base = ((ObjectNode) root).deepCopy();
        JsonNode sweep = base.remove(FIELD);
        String at = "$." + FIELD;
        JsonFields in = new JsonFields();
        if (base.path("external").asBoolean(false)) {
            in.add(at, "not allowed for external runs: nothing is trained here to sweep");
        }
        Map<String, List<JsonNode>> axes = new LinkedHashMap<>();
        if (!sweep.isObject() || sweep.isEmpty()) {
            in.add(at, "must be an object mapping field paths such as \"optimizer.weightDecay\" to arrays of values, got "
                    + JsonFields.describe(sweep));
        } else {
            sweep.fields().forEachRemaining(e -> axis(in, at, e.getKey(), e.getValue(), maxRuns).ifPresent(
                    values -> axes.put(e.getKey(), values)));
        }
        BigInteger product = runCount(axes);
        if (product.compareTo(BigInteger.valueOf(maxRuns)) > 0) {
            in.add(at, "expands to " + product + " runs, more than this server's limit of " + maxRuns
                    + " (twophase.limits.sweep-runs)");
        }
        if (!in.violations().isEmpty()) {
            return new Expansion(List.of(), List.of(), in.violations());
        }
        return validateEach(base, axes, validator, at);
    }

    /**
     * The size of the cartesian product, exactly: a product of up to 64 values per path overflows a
     * {@code long} from 11 paths on (64^11 = 2^66), and a wrapped count would pass the limit.
     */
    static BigInteger runCount(Map<String, List<JsonNode>> axes) {
        BigInteger product = BigInteger.ONE;
        for (List<JsonNode> values : axes.values()) {
            product = product.multiply(BigInteger.valueOf(values.size()));
        }
        return product;
    }

    private static java.util.Optional<List<JsonNode>> axis(JsonFields in, String at, String path, JsonNode values,
            int maxRuns) {
        String entry = JsonFields.child(at, path);
        String[] segments = path.split("\\.", -1);
        boolean wellFormed = segments.length >= 2 && SECTIONS.contains(segments[0]);
        for (String s : segments) {
            wellFormed &= SEGMENT.matcher(s).matches();
        }
        if (!wellFormed) {
            in.add(entry, "not a sweepable field path: use section.field with a section of " + String.join(", ", SECTIONS)
                    + ", e.g. \"optimizer.weightDecay\"");
            return java.util.Optional.empty();
        }
        if (!values.isArray() || values.isEmpty()) {
            in.add(entry, "must be a non-empty array of values, got " + JsonFields.describe(values));
            return java.util.Optional.empty();
        }
        List<JsonNode> list = new ArrayList<>();
        Set<JsonNode> seen = new HashSet<>();
        boolean ok = true;
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (!v.isValueNode() || v.isNull()) {
                in.add(entry + "[" + i + "]", "must be a number, string or boolean, got " + JsonFields.describe(v));
                ok = false;
            } else if (!seen.add(v)) {
                in.add(entry + "[" + i + "]", "repeats " + v + ": each value makes one run");
                ok = false;
            }
            list.add(v);
        }
        if (list.size() > maxRuns) {
            in.add(entry, "has " + list.size() + " values, more than this server's limit of " + maxRuns + " runs");
            ok = false;
        }
        return ok ? java.util.Optional.of(list) : java.util.Optional.empty();
    }

    private static Expansion validateEach(ObjectNode base, Map<String, List<JsonNode>> axes, SpecValidator validator,
            String at) {
        List<String> paths = new ArrayList<>(axes.keySet());
        List<ExperimentSpec> runs = new ArrayList<>();
        List<Map<String, JsonNode>> combinations = new ArrayList<>();
        Set<Violation> violations = new LinkedHashSet<>();
        int[] index = new int[paths.size()];
        while (true) {
            ObjectNode spec = base.deepCopy();
            Map<String, JsonNode> values = new LinkedHashMap<>();
            Map<String, String> entryOfField = new LinkedHashMap<>();
            for (int k = 0; k < paths.size(); k++) {
                JsonNode value = axes.get(paths.get(k)).get(index[k]);
                values.put(paths.get(k), value);
                set(spec, paths.get(k), value);
                entryOfField.put("$." + paths.get(k), JsonFields.child(at, paths.get(k)) + "[" + index[k] + "]");
            }
            ValidationResult result = validator.validate(spec);
            if (result.valid()) {
                runs.add(result.spec());
                combinations.add(values);
            } else {
                for (Violation v : result.violations()) {
                    String entry = entryOfField.get(v.path());
                    if (entry != null && v.message().startsWith("unknown field")) {
                        violations.add(new Violation(entry.substring(0, entry.lastIndexOf('[')), v.message()));
                    } else if (entry != null) {
                        violations.add(new Violation(entry, v.message()));
                    } else {
                        violations.add(new Violation(v.path(), v.message() + " (in the sweep's run with " + values + ")"));
                    }
                }
            }
            int k = paths.size() - 1;
            while (k >= 0 && ++index[k] == axes.get(paths.get(k)).size()) {
                index[k] = 0;
                k--;
            }
            if (k < 0) {
                break;
            }
        }
        return violations.isEmpty()
                ? new Expansion(runs, combinations, List.of())
                : new Expansion(List.of(), List.of(), List.copyOf(violations));
    }

    /** Sets a dotted path, creating missing sections; a non-object on the way is left for the validator to report. */
    private static void set(ObjectNode spec, String path, JsonNode value) {
        String[] segments = path.split("\\.");
        ObjectNode node = spec;
        for (int i = 0; i < segments.length - 1; i++) {
            JsonNode next = node.get(segments[i]);
            if (next == null || next.isNull()) {
                next = node.putObject(segments[i]);
            }
            if (!next.isObject()) {
                return;
            }
            node = (ObjectNode) next;
        }
        node.set(segments[segments.length - 1], value);
    }

    /** The sweep as stored beside the experiment's spec: the paths and their values, in the order given. */
    public static ObjectNode describe(ObjectNode target, JsonNode root) {
        JsonNode sweep = root == null ? null : root.get(FIELD);
        if (sweep != null && sweep.isObject()) {
            ObjectNode copy = target.putObject(FIELD);
            Iterator<Map.Entry<String, JsonNode>> fields = sweep.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                copy.set(e.getKey(), ((ArrayNode) e.getValue()).deepCopy());
            }
        }
        return target;
    }
}
