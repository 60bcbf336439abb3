package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every progress measure switched on in one tiny run: the series it writes, their parameters and ranges. */
@QuarkusTest
class MeasuresRunTest {

    private static final String SPEC = """
            {"name": "all-measures",
             "task": {"type": "modular", "operation": "add", "modulus": 7, "trainFraction": 0.5, "seed": 1},
             "model": {"layers": 2, "dModel": 16, "heads": 2, "dMlp": 32},
             "training": {"steps": 40, "batchSize": 512, "seed": 3},
             "measures": {"every": 20,
                          "mutualInformation": [{"estimator": "kde"}, {"estimator": "kde", "noiseScale": "absolute"},
                                                {"estimator": "kde", "noiseScale": "relative"}, {"estimator": "renyi"},
                                                {"estimator": "binning", "bins": 10, "range": "fixed", "representation": "mlp_hidden", "inputs": "test"},
                                                {"estimator": "binning", "representation": "attention_last"}],
                          "localComplexity": {"directions": 4, "points": 5},
                          "linearMappingNumber": {"samples": 4}}}
            """;

    @Test
    void everyMeasureWritesItsSeriesPerLayerWithItsParameters() {
        Response created = given().contentType(ContentType.JSON).body(SPEC).post("/api/v1/experiments")
                .then().statusCode(201)
                // defaults echoed
                .body("spec.measures.mutualInformation[0].noiseVariance", equalTo(0.0625f))
                .body("spec.measures.mutualInformation[0].noiseScale", equalTo("sphere"))
                .body("spec.measures.mutualInformation[1].noiseVariance", equalTo(0.1f))
                .body("spec.measures.mutualInformation[2].noiseVariance", equalTo(0.03f))
                .body("spec.measures.mutualInformation[0].probes", equalTo(1000))
                .body("spec.measures.mutualInformation[0].representation", equalTo("residual_last"))
                .body("spec.measures.mutualInformation[4].lower", equalTo(-1.0f))
                .body("spec.measures.mutualInformation[5].range", equalTo("fixed"))
                .body("spec.measures.mutualInformation[5].lower", equalTo(0.0f))
                .body("spec.phases.fittingThreshold", equalTo(0.99f))
                .body("spec.measures.localComplexity.radius", equalTo(0.1f))
                .body("spec.measures.linearMappingNumber.samples", equalTo(4))
                .extract().response();
        String runId = created.path("runs[0].id");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                "succeeded".equals(given().get("/api/v1/runs/" + runId).path("state")));

        Response listed = given().get("/api/v1/runs/" + runId + "/series").then().statusCode(200)
                .body("runId", equalTo(runId)).extract().response();
        List<Map<String, Object>> series = listed.path("series");
        Map<String, Map<String, Object>> byKey = new HashMap<>();
        for (Map<String, Object> s : series) {
            byKey.put(s.get("name") + "@" + s.get("layer"), s);
        }
        assertThat(byKey.keySet()).contains(
                "mi_tx@1", "mi_tx@2", "mi_ty@2",
                "mi_tx:kde_sphere_upper@1", "mi_tx:kde_sphere_lower@2", "mi_ty:kde_sphere_upper@1",
                "mi_ty:kde_sphere_lower@2", "mi_tx:kde_upper@1", "mi_tx:kde_lower@2", "mi_ty:kde_upper@1", "mi_ty:kde_lower@2",
                "clustering_tx:kde_relative_upper@1", "clustering_ty:kde_relative_lower@2", "mi_tx:renyi2_sphere@1",
                "mi_ty:renyi2_sphere@2", "mi_tx:binning:mlp_hidden:test@1", "mi_ty:binning:mlp_hidden:test@2",
                "mi_tx:binning:attention_last@1", "total_variance@1", "effective_rank@2", "within_between_ratio@1",
                "total_variance:mlp_hidden:test@1", "effective_rank:attention_last@2", "train_seconds@0", "measure_seconds@0",
                "lc:train@1", "lc:test@2", "lc:random@1", "lmn@0",
                "weight_norm@0", "weight_norm@1", "weight_norm@2", "grad_norm@0", "grad_norm@1", "grad_norm@2");
        assertThat(byKey.get("train_acc@0").get("points")).isEqualTo(3);   // steps 0, 20, 40
        assertThat(byKey.get("grad_norm@1").get("points")).isEqualTo(2);   // no gradient before the first step
        assertThat(byKey.get("grad_norm@1").get("firstStep")).isEqualTo(20);
        assertThat(byKey.get("train_batch_loss@0").get("parameters")).isNull();
        assertThat(byKey.get("train_acc@0").get("parameters")).isEqualTo(Map.of("every", 20));
        assertThat(byKey.keySet()).noneMatch(k -> k.startsWith("mi_tx:kde_relative"));
        assertThat(byKey.get("mi_tx@1").get("parameters")).isEqualTo(Map.of("estimator", "kde", "representation", "residual_last",
                "inputs", "train", "noiseVariance", 0.0625f, "noiseScale", "sphere", "probes", 1000, "bound", "upper",
                "ity", "difference of two KL upper-bound entropies (an estimate, not a bound)"));
        assertThat(byKey.get("mi_tx:kde_upper@1").get("parameters")).isEqualTo(Map.of("estimator", "kde", "representation",
                "residual_last", "inputs", "train", "noiseVariance", 0.1f, "noiseScale", "absolute", "probes", 1000, "bound", "upper",
                "ity", "difference of two KL upper-bound entropies (an estimate, not a bound)"));
        assertThat(byKey.get("effective_rank@1").get("parameters")).isEqualTo(Map.of("representation", "residual_last",
                "inputs", "train"));
        assertThat(byKey.get("mi_tx:kde_lower@1").get("parameters")).extracting(p -> ((Map<?, ?>) p).get("bound")).isEqualTo("lower");
        assertThat(byKey.get("mi_tx:binning:mlp_hidden:test@1").get("parameters")).isEqualTo(Map.of("estimator", "binning",
                "representation", "mlp_hidden", "inputs", "test", "bins", 10, "range", "fixed", "lower", -1.0f, "upper", 1.0f));
        assertThat(byKey.get("lc:random@1").get("parameters")).isEqualTo(Map.of("directions", 4, "radius", 0.1f, "points", 5,
                "source", "random"));

        Response values = given().queryParam("name", "mi_tx:kde_sphere_upper", "mi_tx:kde_sphere_lower", "mi_tx:kde_upper", "mi_tx",
                        "lmn", "lc:train", "lc:test", "mi_tx:renyi2_sphere", "effective_rank")
                .get("/api/v1/runs/" + runId + "/metrics").then().statusCode(200).extract().response();
        double log2Train = Math.log(25) / Math.log(2);
        for (int i = 0; i < 3; i++) {
            double upper = value(values, "mi_tx:kde_sphere_upper", 1, i);
            assertThat(value(values, "mi_tx", 1, i)).isEqualTo(upper);   // the first estimator's upper bound is the primary estimate
            assertThat(value(values, "mi_tx:kde_sphere_lower", 1, i)).isBetween(0.0, upper);
            assertThat(value(values, "mi_tx:renyi2_sphere", 1, i)).isBetween(0.0, log2Train + 1e-9);
            assertThat(value(values, "effective_rank", 2, i)).isBetween(1.0 - 1e-9, 16.0 + 1e-9);
            assertThat(upper).isLessThanOrEqualTo(log2Train + 1e-9);
            assertThat(value(values, "mi_tx:kde_upper", 1, i)).isBetween(0.0, log2Train + 1e-9);
            assertThat(value(values, "lmn", 0, i)).isBetween(1.0 - 1e-9, 4.0 + 1e-9);
            // the last block: at most its 32 neurons at "=" (those at a and b cannot reach the logits)
            assertThat(value(values, "lc:train", 2, i)).isBetween(0.0, 32.0);
        }

        // The plot draws mi_tx per layer by default, other I(T;X) series when asked for.
        String plot = given().get("/api/v1/runs/" + runId + "/plot.svg").then().statusCode(200).extract().asString();
        assertThat(plot).contains("data-series=\"mi_tx layer 1\"").doesNotContain("data-series=\"mi_tx:kde_upper layer 1\"");
        String both = given().queryParam("series", "mi_tx", "mi_tx:kde_upper").get("/api/v1/runs/" + runId + "/plot.svg")
                .then().statusCode(200).extract().asString();
        assertThat(both).contains("data-series=\"mi_tx layer 1\"", "data-series=\"mi_tx:kde_upper layer 2\"");
        assertThat(given().queryParam("series", "all").get("/api/v1/runs/" + runId + "/plot.svg").then().statusCode(200)
                .extract().asString()).contains("data-series=\"mi_tx:renyi2_sphere layer 1\"");
        given().queryParam("series", "clustering_tx:kde_relative_upper").get("/api/v1/runs/" + runId + "/plot.svg")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].path", equalTo("series"));

        given().get("/api/v1/runs/00000000-0000-0000-0000-000000000000/series").then().statusCode(404);
        given().get("/api/v1/runs/not-a-uuid/series").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].path", equalTo("runId"));
    }

    private static double value(Response response, String name, int layer, int index) {
        List<Map<String, Object>> series = response.path("series");
        for (Map<String, Object> s : series) {
            if (name.equals(s.get("name")) && ((Number) s.get("layer")).intValue() == layer) {
                @SuppressWarnings("unchecked")
                List<List<Number>> points = (List<List<Number>>) s.get("points");
                return points.get(index).get(1).doubleValue();
            }
        }
        throw new AssertionError("no series " + name + "@" + layer);
    }
}
