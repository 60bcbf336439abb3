package dev.twophase.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/**
 * Which part of a run's stored spec parameterises each series: the estimator object behind an
 * {@code mi_tx:*} series (plus the kde bound it is), the localComplexity or linearMappingNumber section,
 * the cadence of the evaluated series. Series the spec does not describe (external uploads) get none.
 */
final class SeriesParameters {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private SeriesParameters() {
    }

    /** Series name to its parameters, for the normalized spec of a trained run (null or external: empty). */
    static Map<String, ObjectNode> of(JsonNode spec) {
        Map<String, ObjectNode> out = new HashMap<>();
        JsonNode measures = spec == null ? null : spec.get("measures");
        if (measures == null || !measures.isObject()) {
            return out;
        }
        ObjectNode cadence = JSON.objectNode().put("every", measures.path("every").asInt());
        for (String name : new String[] {MetricNames.TRAIN_LOSS, MetricNames.TRAIN_ACC, MetricNames.TEST_LOSS,
                MetricNames.TEST_ACC, MetricNames.WEIGHT_NORM, MetricNames.GRAD_NORM, MetricNames.LEARNING_RATE}) {
            out.put(name, cadence);
        }
        JsonNode estimators = measures.path("mutualInformation");
        boolean first = true;
        for (JsonNode estimator : estimators.isArray() ? estimators : JSON.arrayNode().add(estimators)) {
            if (!estimator.isObject()) {
                continue;
            }
            String suffix = suffix(estimator);
            if ("binning".equals(estimator.path("estimator").asText())) {
                put(out, MetricNames.BINNING, suffix, (ObjectNode) estimator, null);
                if (first) {
                    putPrimary(out, (ObjectNode) estimator, null);
                }
            } else {
                // Stored specs from before noiseScale existed used the absolute noise variance.
                boolean relative = "relative".equals(estimator.path("noiseScale").asText("absolute"));
                put(out, relative ? MetricNames.KDE_RELATIVE_UPPER : MetricNames.KDE_UPPER, suffix, (ObjectNode) estimator, "upper");
                put(out, relative ? MetricNames.KDE_RELATIVE_LOWER : MetricNames.KDE_LOWER, suffix, (ObjectNode) estimator, "lower");
                if (first) {
                    putPrimary(out, (ObjectNode) estimator, "upper");
                }
            }
            first = false;
        }
        JsonNode lc = measures.get("localComplexity");
        if (lc != null && lc.isObject()) {
            out.put(MetricNames.LC_TRAIN, ((ObjectNode) lc.deepCopy()).put("source", "train"));
            out.put(MetricNames.LC_TEST, ((ObjectNode) lc.deepCopy()).put("source", "test"));
            out.put(MetricNames.LC_RANDOM, ((ObjectNode) lc.deepCopy()).put("source", "random"));
        }
        JsonNode lmn = measures.get("linearMappingNumber");
        if (lmn != null && lmn.isObject()) {
            out.put(MetricNames.LMN, (ObjectNode) lmn.deepCopy());
        }
        return out;
    }

    private static String suffix(JsonNode estimator) {
        return MetricNames.miSuffix(estimator.path("representation").asText(MetricNames.DEFAULT_REPRESENTATION),
                estimator.path("inputs").asText(MetricNames.DEFAULT_INPUTS));
    }

    private static void put(Map<String, ObjectNode> out, String estimatorName, String suffix, ObjectNode estimator,
                            String bound) {
        ObjectNode parameters = withBound(estimator, bound);
        out.put(MetricNames.miTx(estimatorName, suffix), parameters);
        out.put(MetricNames.miTy(estimatorName, suffix), parameters);
    }

    private static void putPrimary(Map<String, ObjectNode> out, ObjectNode estimator, String bound) {
        ObjectNode parameters = withBound(estimator, bound);
        out.put(MetricNames.MI_TX, parameters);
        out.put(MetricNames.MI_TY, parameters);
    }

    private static ObjectNode withBound(ObjectNode estimator, String bound) {
        ObjectNode parameters = estimator.deepCopy();
        if (bound != null) {
            parameters.put("bound", bound);
        }
        return parameters;
    }
}
