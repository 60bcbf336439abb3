package dev.twophase.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/**
 * Which part of a run's stored spec parameterises each series: the estimator object behind an
 * {@code mi_tx:*} or {@code clustering_tx:*} series (plus the kde bound it is), the representation behind a
 * geometry series, the localComplexity or linearMappingNumber section, the cadence of the evaluated series. Series the spec does not describe (external uploads) get none.
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
        ObjectNode cadence = JSON.objectNode();
        if (measures.hasNonNull("schedule")) {
            cadence.set("schedule", measures.get("schedule").deepCopy());
        } else {
            cadence.put("every", measures.path("every").asInt());
        }
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
            String name = estimator.path("estimator").asText(MetricNames.KDE);
            // Stored specs from before noiseScale existed used the absolute noise variance.
            String scale = estimator.hasNonNull("noiseScale") ? estimator.get("noiseScale").asText() : null;
            boolean kde = MetricNames.KDE.equals(name);
            for (String variant : kde ? new String[] {"upper", "lower"} : new String[] {""}) {
                ObjectNode parameters = withBound((ObjectNode) estimator, variant, kde);
                out.put(MetricNames.txSeries(name, scale, variant, suffix), parameters);
                out.put(MetricNames.tySeries(name, scale, variant, suffix), parameters);
                if (first && !"lower".equals(variant)) {
                    out.put(MetricNames.MI_TX, parameters);
                    out.put(MetricNames.MI_TY, parameters);
                }
            }
            ObjectNode representation = JSON.objectNode()
                    .put("representation", estimator.path("representation").asText(MetricNames.DEFAULT_REPRESENTATION))
                    .put("inputs", estimator.path("inputs").asText(MetricNames.DEFAULT_INPUTS));
            for (String geometry : new String[] {MetricNames.TOTAL_VARIANCE, MetricNames.EFFECTIVE_RANK,
                    MetricNames.WITHIN_BETWEEN}) {
                out.put(geometry + suffix, representation);
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

    /**
     * The estimator's parameters; for kde which bound the series is. I(T;X) gets a bound; I(T;Y) is the difference
     * of two such bounds and a bound on neither side, which the {@code ity} field says.
     */
    private static ObjectNode withBound(ObjectNode estimator, String variant, boolean kde) {
        ObjectNode parameters = estimator.deepCopy();
        if (kde) {
            parameters.put("bound", variant);
            parameters.put("ity", "upper".equals(variant)
                    ? "difference of two KL upper-bound entropies (an estimate, not a bound)"
                    : "difference of two Bhattacharyya lower-bound entropies (an estimate, not a bound)");
        }
        return parameters;
    }
}
