package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Submit a tiny spec, watch the in-process worker train it, then query metrics and phases. */
@QuarkusTest
class TrainingRunTest {

    @Test
    void tinyRunTrainsAndReportsMetricsAndPhases() {
        Response created = given().contentType(ContentType.JSON).body(Specs.tiny("tiny-add-7", 200, 20))
                .when().post("/api/v1/experiments")
                .then().statusCode(201)
                .header("Location", notNullValue())
                .body("name", equalTo("tiny-add-7"))
                .body("spec.optimizer.beta2", equalTo(0.98f))
                .body("spec.model.activation", equalTo("gelu"))
                .body("runs[0].state", equalTo("queued"))
                .body("runs[0].totalSteps", equalTo(200))
                .extract().response();
        String experimentId = created.path("id");
        assertThat(created.header("Location")).endsWith("/api/v1/experiments/" + experimentId);
        String runId = created.path("runs[0].id");

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                "succeeded".equals(given().get("/api/v1/runs/" + runId).path("state")));

        given().get("/api/v1/runs/" + runId).then()
                .body("step", equalTo(200))
                .body("attempt", equalTo(1))
                .body("worker", notNullValue())
                .body("startedAt", notNullValue())
                .body("finishedAt", notNullValue())
                .body("progress", equalTo(1.0f));
        given().get("/api/v1/experiments/" + experimentId).then().statusCode(200)
                .body("runs[0].id", equalTo(runId));

        // Every step's batch metrics, and the measured ones every 20 steps plus step 0.
        Response metrics = given().queryParam("name", "train_batch_loss", "train_acc", "mi_tx")
                .queryParam("maxPoints", 1000)
                .get("/api/v1/runs/" + runId + "/metrics").then().statusCode(200).extract().response();
        List<Map<String, Object>> series = metrics.path("series");
        assertThat(series).extracting(s -> s.get("name") + "@" + s.get("layer"))
                .containsExactlyInAnyOrder("mi_tx@1", "train_acc@0", "train_batch_loss@0");
        assertThat(pointsOf(metrics, "train_batch_loss")).hasSize(200);
        List<List<Number>> trainAcc = pointsOf(metrics, "train_acc");
        assertThat(trainAcc).extracting(p -> p.get(0).longValue())
                .containsExactly(0L, 20L, 40L, 60L, 80L, 100L, 120L, 140L, 160L, 180L, 200L);
        assertThat(trainAcc.get(trainAcc.size() - 1).get(1).doubleValue()).isEqualTo(1.0);
        List<List<Number>> mi = pointsOf(metrics, "mi_tx");
        // round(0.5 * 49) = 25 distinct train inputs: I(T;X) of a deterministic layer is at most log2(25) bits.
        assertThat(mi).allSatisfy(p -> assertThat(p.get(1).doubleValue()).isBetween(0.0, Math.log(25) / Math.log(2) + 1e-6));

        given().get("/api/v1/runs/" + runId + "/phases").then().statusCode(200)
                .body("runId", equalTo(runId))
                .body("complete", equalTo(true))
                .body("fitting.metric", equalTo("train_acc"))
                .body("fitting.threshold", equalTo(0.99f))
                .body("fitting.endStep", notNullValue())
                .body("generalization.metric", equalTo("test_acc"))
                .body("compression[0].layer", equalTo(1))
                .body("compression[0].metric", equalTo("mi_tx"));

        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("twophase_training_steps_total{device=\"cpu\"}"))
                .body(org.hamcrest.Matchers.containsString("twophase_training_steps_per_second{device=\"cpu\""))
                .body(org.hamcrest.Matchers.containsString("twophase_runs_finished_total{device=\"cpu\",outcome=\"succeeded\"}"));

        String csv = given().accept("text/csv").queryParam("name", "train_acc")
                .get("/api/v1/runs/" + runId + "/metrics").then().statusCode(200)
                .contentType(startsWith("text/csv")).extract().asString();
        assertThat(csv.lines().toList()).first().isEqualTo("name,layer,step,value");
        assertThat(csv.lines().count()).isEqualTo(1 + 11);
        assertThat(csv).contains("train_acc,0,200,1.0");
    }

    @Test
    void cancellingARunningRunStopsItAndKeepsItsMetrics() {
        String runId = submit(Specs.tiny("long-add-7", 1_000_000, 1000));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Response run = given().get("/api/v1/runs/" + runId);
            return "running".equals(run.path("state")) && ((Number) run.path("step")).longValue() > 5;
        });
        // With one worker thread busy, a second run waits in the queue and is cancelled at once.
        String queuedId = submit(Specs.tiny("queued-add-7", 100, 10));
        given().post("/api/v1/runs/" + queuedId + "/cancel").then().statusCode(202)
                .body("state", equalTo("cancelled"));

        given().post("/api/v1/runs/" + runId + "/cancel").then().statusCode(202)
                .body("cancelRequested", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                "cancelled".equals(given().get("/api/v1/runs/" + runId).path("state")));
        Response metrics = given().queryParam("name", "train_batch_loss").get("/api/v1/runs/" + runId + "/metrics");
        assertThat(pointsOf(metrics, "train_batch_loss")).isNotEmpty();
        given().post("/api/v1/runs/" + runId + "/cancel").then().statusCode(409)
                .contentType("application/problem+json");

        Response queue = given().get("/api/v1/queue").then().statusCode(200).extract().response();
        assertThat(((Number) queue.path("byState.cancelled")).longValue()).isGreaterThanOrEqualTo(2);
        assertThat(queue.<List<Map<String, Object>>>path("counts")).anySatisfy(c -> {
            assertThat(c.get("state")).isEqualTo("cancelled");
            assertThat(c.get("device")).isEqualTo("cpu");
        });
    }

    private static String submit(String spec) {
        return given().contentType(ContentType.JSON).body(spec).post("/api/v1/experiments")
                .then().statusCode(201).extract().path("runs[0].id");
    }

    static List<List<Number>> pointsOf(Response metrics, String name) {
        List<Map<String, Object>> series = metrics.path("series");
        @SuppressWarnings("unchecked")
        List<List<Number>> points = (List<List<Number>>) series.stream().filter(s -> name.equals(s.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + name)).get("points");
        return points;
    }
}
