package dev.twophase.experiment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twophase.experiment.spec.JsonFields.Interval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code measures} section of a spec, for {@link SpecValidator}: cadence, estimators, local complexity, LMN. */
final class MeasuresValidator {

    private static final List<String> MEASURES_FIELDS =
            List.of("every", "schedule", "mutualInformation", "localComplexity", "linearMappingNumber");
    private static final List<String> SCHEDULE_FIELDS = List.of("perDecade", "maxEvery");
    private static final List<String> ESTIMATORS =
            List.of(MutualInformationSpec.KDE, MutualInformationSpec.RENYI, MutualInformationSpec.BINNING);
    private static final List<String> NOISE_SCALES =
            List.of(MutualInformationSpec.SPHERE, MutualInformationSpec.ABSOLUTE, MutualInformationSpec.RELATIVE);
    private static final List<String> BINNING_FIELDS =
            List.of("estimator", "representation", "inputs", "bins", "range", "lower", "upper");
    private static final List<String> KDE_FIELDS = List.of("estimator", "representation", "inputs", "noiseVariance", "noiseScale", "probes");
    private static final List<String> REPRESENTATIONS = List.of(MutualInformationSpec.RESIDUAL_LAST, "mlp_hidden", "residual_all",
            MutualInformationSpec.ATTENTION_LAST);
    private static final List<String> INPUTS = List.of(MutualInformationSpec.TRAIN, "test", "all");
    private static final List<String> LOCAL_COMPLEXITY_FIELDS = List.of("directions", "radius", "points");
    private static final List<String> LINEAR_MAPPING_NUMBER_FIELDS = List.of("samples");

    private MeasuresValidator() {
    }

    static MeasuresSpec measures(JsonFields in, ObjectNode node, long steps, ModelSpec model) {
        String path = "$.measures";
        in.rejectUnknown(node, path, MEASURES_FIELDS);
        int maxEvery = (int) Math.min(steps, Integer.MAX_VALUE);
        boolean everyGiven = JsonFields.value(node, "every") != null;
        boolean scheduleGiven = JsonFields.value(node, "schedule") != null;
        if (everyGiven && scheduleGiven) {
            in.add(path + ".schedule", "give either every (a fixed cadence) or schedule (log-spaced steps), not both");
            return null;
        }
        Integer every = null;
        MeasureScheduleSpec schedule = null;
        boolean logSpaced = scheduleGiven || (!everyGiven && steps >= MeasureScheduleSpec.DEFAULT_FROM_STEPS);
        if (logSpaced) {
            schedule = schedule(in, scheduleGiven ? in.section(node, path, "schedule") : null, path + ".schedule", maxEvery);
            if (schedule == null) {
                return null;
            }
        } else {
            every = in.int32(node, path, "every", Math.min(100, maxEvery), 1, maxEvery);
        }
        List<MutualInformationSpec> estimators = mutualInformation(in, node, path + ".mutualInformation");
        LocalComplexitySpec localComplexity = null;
        if (JsonFields.value(node, "localComplexity") != null) {
            ObjectNode lcNode = in.section(node, path, "localComplexity");
            localComplexity = lcNode == null ? null : localComplexity(in, lcNode, model);
            if (localComplexity == null) {
                return null;
            }
        }
        LinearMappingNumberSpec linearMappingNumber = null;
        if (JsonFields.value(node, "linearMappingNumber") != null) {
            ObjectNode lmnNode = in.section(node, path, "linearMappingNumber");
            String lmnPath = path + ".linearMappingNumber";
            Integer samples = lmnNode == null ? null : in.int32(lmnNode, lmnPath, "samples", 20, 2, 200);
            if (lmnNode != null) {
                in.rejectUnknown(lmnNode, lmnPath, LINEAR_MAPPING_NUMBER_FIELDS);
            }
            if (samples == null) {
                return null;
            }
            linearMappingNumber = new LinearMappingNumberSpec(samples);
        }
        if ((every == null && schedule == null) || estimators == null) {
            return null;
        }
        return new MeasuresSpec(every, schedule, estimators, localComplexity, linearMappingNumber);
    }

    /** The log-spaced schedule; {@code node} null means all defaults. */
    private static MeasureScheduleSpec schedule(JsonFields in, ObjectNode node, String path, int maxEvery) {
        if (node == null) {
            return new MeasureScheduleSpec(MeasureScheduleSpec.DEFAULT_PER_DECADE,
                    Math.min(MeasureScheduleSpec.DEFAULT_MAX_EVERY, maxEvery));
        }
        in.rejectUnknown(node, path, SCHEDULE_FIELDS);
        Integer perDecade = in.int32(node, path, "perDecade", MeasureScheduleSpec.DEFAULT_PER_DECADE, 1, 1000);
        Integer gap = in.int32(node, path, "maxEvery", Math.min(MeasureScheduleSpec.DEFAULT_MAX_EVERY, maxEvery), 1, maxEvery);
        return perDecade == null || gap == null ? null : new MeasureScheduleSpec(perDecade, gap);
    }

    /** One estimator object or a list of them; absent means one kde estimator with its defaults. */
    private static List<MutualInformationSpec> mutualInformation(JsonFields in, ObjectNode measures, String path) {
        JsonNode value = JsonFields.value(measures, "mutualInformation");
        if (value == null) {
            return List.of(MutualInformationSpec.defaultEstimator());
        }
        if (value.isObject()) {
            MutualInformationSpec one = estimator(in, (ObjectNode) value, path);
            if (one != null && !one.measuresInformation()) {
                in.add(path, "relative noise gives a clustering index (clustering_tx), not I(T;X); list it after an "
                        + "I(T;X) estimator (sphere or absolute noise, or binning), which writes mi_tx");
                return null;
            }
            return one == null ? null : List.of(one);
        }
        if (!value.isArray() || value.isEmpty()) {
            in.add(path, "must be an estimator object or a non-empty list of them, got " + JsonFields.describe(value));
            return null;
        }
        List<MutualInformationSpec> estimators = new ArrayList<>();
        Set<String> series = new HashSet<>();
        boolean complete = true;
        for (int i = 0; i < value.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode element = value.get(i);
            if (!element.isObject()) {
                in.add(at, "must be an estimator object, got " + JsonFields.describe(element));
                complete = false;
                continue;
            }
            MutualInformationSpec one = estimator(in, (ObjectNode) element, at);
            if (one == null) {
                complete = false;
            } else if (i == 0 && !one.measuresInformation()) {
                in.add(at, "the first estimator writes mi_tx, but relative noise gives a clustering index "
                        + "(clustering_tx), not I(T;X): put an I(T;X) estimator (sphere or absolute noise, or binning) first");
                complete = false;
            } else if (!series.add(one.txSeries(""))) {
                in.add(at, "repeats estimator \"" + one.estimator() + "\"" + (one.noiseScale() == null ? "" : " with "
                        + one.noiseScale() + " noise") + " on the same representation and inputs;"
                        + " each such combination writes one series");
                complete = false;
            } else {
                estimators.add(one);
            }
        }
        return complete ? List.copyOf(estimators) : null;
    }

    private static MutualInformationSpec estimator(JsonFields in, ObjectNode node, String path) {
        String estimator = in.choice(node, path, "estimator", ESTIMATORS, MutualInformationSpec.KDE);
        if (estimator == null) {
            return null;
        }
        boolean binning = MutualInformationSpec.BINNING.equals(estimator);
        in.rejectUnknown(node, path, binning ? BINNING_FIELDS : KDE_FIELDS);
        String representation = in.choice(node, path, "representation", REPRESENTATIONS, MutualInformationSpec.RESIDUAL_LAST);
        String inputs = in.choice(node, path, "inputs", INPUTS, MutualInformationSpec.TRAIN);
        if (binning) {
            boolean bounded = MutualInformationSpec.ATTENTION_LAST.equals(representation);
            Integer bins = in.int32(node, path, "bins", 30, 2, 1000);
            // Bounded representations have fixed edges by default; unbounded ones have none to fix.
            String range = in.choice(node, path, "range", List.of(MutualInformationSpec.FIXED, MutualInformationSpec.ADAPTIVE),
                    bounded ? MutualInformationSpec.FIXED : MutualInformationSpec.ADAPTIVE);
            Double lower = null;
            Double upper = null;
            if (MutualInformationSpec.FIXED.equals(range)) {
                lower = in.number(node, path, "lower", bounded ? 0.0 : -1.0, Interval.closed(-1e6, 1e6));
                upper = in.number(node, path, "upper", 1.0, Interval.closed(-1e6, 1e6));
                if (lower != null && upper != null && lower >= upper) {
                    in.add(path + ".upper", "must exceed lower (" + lower + "), got " + upper);
                    return null;
                }
            } else if (range != null) {
                String reason = "only for \"range\": \"fixed\"; an adaptive range takes the layer's min..max";
                in.forbid(node, path, "lower", reason);
                in.forbid(node, path, "upper", reason);
            }
            if (representation == null || inputs == null || bins == null || range == null
                    || (MutualInformationSpec.FIXED.equals(range) && (lower == null || upper == null))) {
                return null;
            }
            return new MutualInformationSpec(estimator, representation, inputs, bins, range, lower, upper, null, null, null);
        }
        String noiseScale = in.choice(node, path, "noiseScale", NOISE_SCALES, MutualInformationSpec.SPHERE);
        Double noiseVariance = noiseScale == null ? null : in.number(node, path, "noiseVariance",
                MutualInformationSpec.defaultNoise(noiseScale), Interval.leftOpen(0, 1e6));
        Integer probes = in.int32(node, path, "probes", MutualInformationSpec.DEFAULT_PROBES, 1, 100_000);
        if (representation == null || inputs == null || noiseScale == null || noiseVariance == null || probes == null) {
            return null;
        }
        return new MutualInformationSpec(estimator, representation, inputs, null, null, null, null, noiseVariance, noiseScale, probes);
    }

    private static LocalComplexitySpec localComplexity(JsonFields in, ObjectNode node, ModelSpec model) {
        String path = "$.measures.localComplexity";
        in.rejectUnknown(node, path, LOCAL_COMPLEXITY_FIELDS);
        // The real bound is the embedding width, checked below against the model.
        Integer directions = in.int32(node, path, "directions", 25, 1, Integer.MAX_VALUE);
        Double radius = in.number(node, path, "radius", 0.1, Interval.leftOpen(0, 10));
        Integer points = in.int32(node, path, "points", 50, 1, 1000);
        if (directions != null && model != null && directions > 3 * model.dModel()) {
            in.add(path + ".directions", "must be at most the embedding width 3·dModel = " + 3 * model.dModel()
                    + ", got " + directions);
            return null;
        }
        if (directions == null || radius == null || points == null) {
            return null;
        }
        return new LocalComplexitySpec(directions, radius, points);
    }
}
