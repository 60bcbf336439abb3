package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Runs trained elsewhere: log points like MLflow's log-batch, then query and detect phases. */
@QuarkusTest
class ExternalRunTest {

    @Test
    void ingestIsIdempotentAndQueryable() {
        String runId = externalRun("ext-idempotent");
        String batch = """
                {"points": [{"name": "train_acc", "layer": 0, "step": 1, "value": 0.5},
                            {"name": "train_acc", "layer": 0, "step": 2, "value": 0.75},
                            {"name": "mi_tx", "layer": 1, "step": 2, "value": 3.25}]}""";
        ingest(runId, batch).then().statusCode(200).body("received", equalTo(3)).body("written", equalTo(3));
        ingest(runId, batch).then().statusCode(200).body("received", equalTo(3)).body("written", equalTo(0));
        // A corrected value replaces the stored one instead of adding a second point.
        ingest(runId, """
                {"points": [{"name": "train_acc", "step": 2, "value": 0.8}]}""")
                .then().statusCode(200).body("written", equalTo(1));

        Response metrics = given().get("/api/v1/runs/" + runId + "/metrics");
        assertThat(TrainingRunTest.pointsOf(metrics, "train_acc"))
                .extracting(p -> p.get(0).longValue() + "=" + p.get(1).floatValue())
                .containsExactly("1=0.5", "2=0.8");
        assertThat(TrainingRunTest.pointsOf(metrics, "mi_tx")).hasSize(1);
        given().queryParam("layer", 1).get("/api/v1/runs/" + runId + "/metrics").then()
                .body("series.name", equalTo(List.of("mi_tx")));
    }

    @Test
    void downsamplingKeepsFirstLastAndExtremesWithinMaxPoints() {
        String runId = externalRun("ext-downsample");
        int n = 20_000;
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int step = 0; step < n; step++) {
            double value = Math.sin(step / 500.0) + (step == 12_345 ? 10 : 0) - (step == 7_777 ? 10 : 0);
            body.append(step == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\":\"test_loss\",\"step\":%d,\"value\":%.6f}", step, value));
        }
        ingest(runId, body.append("]}").toString()).then().statusCode(200).body("written", equalTo(n));

        Response metrics = given().queryParam("name", "test_loss").queryParam("maxPoints", 100)
                .get("/api/v1/runs/" + runId + "/metrics");
        List<List<Number>> points = TrainingRunTest.pointsOf(metrics, "test_loss");
        assertThat(points).hasSizeBetween(50, 100);
        List<Long> steps = points.stream().map(p -> p.get(0).longValue()).toList();
        assertThat(steps).isSorted().contains(0L, (long) n - 1, 12_345L, 7_777L);

        Response window = given().queryParam("name", "test_loss").queryParam("fromStep", 100)
                .queryParam("toStep", 199).get("/api/v1/runs/" + runId + "/metrics");
        assertThat(TrainingRunTest.pointsOf(window, "test_loss")).hasSize(100);
    }

    @Test
    void phasesOfAnExternalRunWithPlantedFittingEnd() {
        String runId = externalRun("ext-phases");
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int step = 0; step <= 5000; step += 50) {
            double trainAcc = step >= 2400 ? 1.0 : 0.3 + 0.2 * step / 2400.0;
            body.append(step == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\":\"train_acc\",\"step\":%d,\"value\":%.4f}", step, trainAcc));
        }
        ingest(runId, body.append("]}").toString()).then().statusCode(200);
        given().get("/api/v1/runs/" + runId + "/phases").then().statusCode(200)
                .body("complete", equalTo(false))
                .body("fitting.endStep", equalTo(2400))
                .body("generalization.step", nullValue())
                .body("testLoss.peakStep", nullValue());
    }

    @Test
    void uploadsAreRefusedForTrainedRunsAndForBadBatches() {
        String trainedRun = given().contentType(ContentType.JSON).body(Specs.tiny("no-upload", 10, 5))
                .post("/api/v1/experiments").then().statusCode(201).extract().path("runs[0].id");
        ingest(trainedRun, "{\"points\": [{\"name\": \"x\", \"step\": 1, \"value\": 1}]}")
                .then().statusCode(409).contentType("application/problem+json");

        String runId = externalRun("ext-bad");
        ingest(runId, """
                {"points": [{"name": "bad name!", "step": -1, "value": "x", "extra": 1}], "more": true}""")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.path", hasItem("$.more"))
                .body("errors.path", hasItem("$.points[0].name"))
                .body("errors.path", hasItem("$.points[0].step"))
                .body("errors.path", hasItem("$.points[0].value"))
                .body("errors.path", hasItem("$.points[0].extra"));
        ingest(runId, "{\"points\": [").then().statusCode(400).contentType("application/problem+json");
        given().queryParam("maxPoints", 2).get("/api/v1/runs/" + runId + "/metrics").then().statusCode(400)
                .body("errors[0].path", equalTo("maxPoints"));
        given().queryParam("layer", "one").get("/api/v1/runs/" + runId + "/metrics").then().statusCode(400)
                .body("errors[0].path", equalTo("layer"));
    }

    private static String externalRun(String name) {
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"external\": true, \"params\": {\"framework\": \"pytorch\"}}")
                .post("/api/v1/experiments").then().statusCode(201)
                .body("external", equalTo(true))
                .body("spec.params.framework", equalTo("pytorch"))
                .body("runs[0].state", equalTo("external"))
                .extract().path("runs[0].id");
    }

    private static Response ingest(String runId, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/runs/" + runId + "/metrics");
    }
}
