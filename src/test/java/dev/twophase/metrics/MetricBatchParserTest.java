package dev.twophase.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twophase.platform.ProblemException;
import dev.twophase.platform.StrictJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming fast path reads exactly what the tree-based validator reads, and leaves every error to it. */
class MetricBatchParserTest {

    @Test
    void aWellFormedBatchGivesTheSamePointsAsTheTreeReading() {
        String body = """
                {"points": [{"name": "train_loss", "step": 3, "value": 0.25},
                            {"value": 1e-300, "step": 1000000000000, "layer": 7, "name": "mi_tx:kde_upper"},
                            {"name": "train_loss", "layer": null, "step": 3, "value": 2},
                            {"name": "a/b-c.d", "step": 0, "value": -0.0}]}""";
        MetricBatchParser.Parsed fast = MetricBatchParser.parse(body, 10);
        MetricBatchParser.Parsed tree = MetricBatchParser.parse(StrictJson.parse(body), 10);
        assertThat(fast.errors()).isEmpty();
        assertThat(fast.points()).isEqualTo(tree.points()).containsExactly(
                new MetricPoint("train_loss", 0, 3, 0.25),
                new MetricPoint("mi_tx:kde_upper", 7, 1_000_000_000_000L, 1e-300),
                new MetricPoint("train_loss", 0, 3, 2.0),
                new MetricPoint("a/b-c.d", 0, 0, -0.0));
    }

    @Test
    void everyIrregularBatchIsExplainedByTheTreeReading() {
        List<String> bodies = List.of(
                "{\"points\": [{\"name\": \"x\", \"step\": 1.5, \"value\": 1}]}",
                "{\"points\": [{\"name\": \"x y\", \"step\": 1, \"value\": 1}]}",
                "{\"points\": [{\"name\": \"x\", \"step\": 1, \"value\": \"1\"}]}",
                "{\"points\": [{\"name\": \"x\", \"step\": 1, \"value\": 1, \"unit\": \"s\"}]}",
                "{\"points\": [{\"name\": \"x\", \"step\": -1, \"value\": 1}]}",
                "{\"points\": [{\"name\": \"x\", \"layer\": 10001, \"step\": 1, \"value\": 1}]}",
                "{\"points\": [{\"name\": \"x\", \"step\": 99999999999999999999, \"value\": 1}]}",
                "{\"points\": [{\"name\": \"x\", \"step\": 1, \"value\": 1e999}]}",
                "{\"points\": [1]}",
                "{\"points\": [], \"extra\": 1}",
                "{\"points\": [{\"name\": \"x\", \"step\": 1, \"value\": 1}, {\"name\": \"x\", \"step\": 2, \"value\": 1}, {\"name\": \"x\", \"step\": 3, \"value\": 1}]}");
        for (String body : bodies) {
            MetricBatchParser.Parsed fast = MetricBatchParser.parse(body, 2);
            MetricBatchParser.Parsed tree = MetricBatchParser.parse(StrictJson.parse(body), 2);
            assertThat(fast.errors()).as(body).isNotEmpty().isEqualTo(tree.errors());
        }
        for (String malformed : List.of("{\"points\": [{\"name\": \"x\", \"name\": \"y\", \"step\": 1, \"value\": 1}]}",
                "{\"points\": []} []", "{\"points\": [", "")) {
            assertThatThrownBy(() -> MetricBatchParser.parse(malformed, 2)).as(malformed).isInstanceOf(ProblemException.class);
        }
    }
}
