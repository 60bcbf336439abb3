package dev.twophase.experiment.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sweep's size is checked before anything is expanded, with arithmetic that cannot wrap: 11 paths of
 * 64 values are 2^66 runs, which a {@code long} product wraps to 0 (issue 18, item 1).
 */
class SweepSizeTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void elevenPathsOfSixtyFourValuesAreRefusedWithoutExpanding() {
        SweepSpec.Expansion result = SweepSpec.expand(sweepOf(11, 64), new SpecValidator(SpecLimits.defaults()), 64);

        assertThat(result.valid()).isFalse();
        assertThat(result.runs()).isEmpty();
        assertThat(result.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("$.sweep");
            assertThat(v.message()).contains("expands to 73786976294838206464 runs", "limit of 64");
        });
    }

    @Test
    void productsOfEveryLengthAreExact() {
        for (int paths = 1; paths <= 16; paths++) {
            ObjectNode spec = sweepOf(paths, 64);
            java.util.Map<String, java.util.List<com.fasterxml.jackson.databind.JsonNode>> axes = new java.util.LinkedHashMap<>();
            spec.get("sweep").fields().forEachRemaining(e -> {
                java.util.List<com.fasterxml.jackson.databind.JsonNode> values = new java.util.ArrayList<>();
                e.getValue().forEach(values::add);
                axes.put(e.getKey(), values);
            });
            assertThat(SweepSpec.runCount(axes)).isEqualTo(java.math.BigInteger.valueOf(64).pow(paths));
        }
    }

    @Test
    void aSweepWithinTheLimitStillExpands() {
        SweepSpec.Expansion result = SweepSpec.expand(sweepOf(2, 8), new SpecValidator(SpecLimits.defaults()), 64);
        assertThat(result.violations()).isEmpty();
        assertThat(result.runs()).hasSize(64);
    }

    /** A valid tiny spec sweeping {@code paths} seed-like fields over {@code values} distinct integers each. */
    private static ObjectNode sweepOf(int paths, int values) {
        ObjectNode spec = JSON.objectNode().put("name", "sweep-size");
        spec.putObject("task").put("type", "modular").put("modulus", 7);
        spec.putObject("training").put("steps", 10);
        ObjectNode sweep = spec.putObject("sweep");
        String[] fields = {"task.seed", "training.seed", "resources.priority", "optimizer.warmupSteps", "training.steps",
            "task.modulus", "model.layers", "measures.every", "training.batchSize", "resources.maxAttempts",
            "model.dModel", "optimizer.learningRate", "optimizer.weightDecay", "optimizer.beta1", "optimizer.beta2",
            "model.heads"};
        for (int p = 0; p < paths; p++) {
            ArrayNode list = sweep.putArray(fields[p]);
            for (int v = 1; v <= values; v++) {
                list.add(v);
            }
        }
        return spec;
    }
}
