package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.twophase.platform.security.TestTokens;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.ClaimedRun;
import dev.twophase.queue.Heartbeat;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunState;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * DELETE of runs and experiments (issue 15). Runs that must stay queued or be held by a worker use device
 * class "gpu" and are claimed here through the queue, as a GPU worker would: the test application's
 * in-process worker (cpu) never takes them. One test lets that worker train a run and stop it for the delete.
 */
@QuarkusTest
class DeleteTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    @Inject
    RunQueue queue;
    @Inject
    CheckpointStore checkpoints;

    /** A gpu spec at the highest priority, so the next gpu claim takes its runs first. */
    private static String gpuSpec(String name, String sweep) {
        String spec = Specs.tiny(name, 100, 10).trim();
        return spec.substring(0, spec.length() - 1) + ", \"resources\": {\"device\": \"gpu\", \"priority\": 100}"
                + (sweep == null ? "" : ", \"sweep\": " + sweep) + "}";
    }

    private static Response submit(String spec) {
        return given().contentType(ContentType.JSON).body(spec).post("/api/v1/experiments").then().statusCode(201)
                .extract().response();
    }

    private ClaimedRun claim(String runId) {
        ClaimedRun claimed = queue.claim("delete-test-gpu", "gpu", LEASE).orElseThrow();
        assertThat(claimed.runId()).hasToString(runId);
        return claimed;
    }

    @Test
    void aQueuedRunIsDeletedAndNeverStarts() {
        Response experiment = submit(gpuSpec("delete-queued", null));
        String runId = experiment.path("runs[0].id");
        String experimentId = experiment.path("id");

        given().delete("/api/v1/runs/" + runId).then().statusCode(204);
        given().get("/api/v1/runs/" + runId).then().statusCode(404);
        given().get("/api/v1/experiments/" + experimentId).then().statusCode(200).body("runs.size()", equalTo(0));
        given().delete("/api/v1/runs/" + runId).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aRunningRunIsAskedToStopAnd409UntilItsWorkerHasStopped() {
        String runId = submit(gpuSpec("delete-running", null)).path("runs[0].id");
        ClaimedRun held = claim(runId);
        checkpoints.save(held, 5, "test", new byte[] {1, 2, 3});

        given().delete("/api/v1/runs/" + runId).then().statusCode(409)
                .contentType("application/problem+json")
                .header("Retry-After", "2")
                .body("status", equalTo(409))
                .body("detail", containsString("asked to stop"));
        given().get("/api/v1/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("running")).body("cancelRequested", equalTo(true));

        // The worker sees the request at its next heartbeat and ends the run cancelled.
        assertThat(queue.heartbeat(held, 5, null, LEASE)).isEqualTo(Heartbeat.CANCEL_REQUESTED);
        assertThat(queue.finish(held, RunState.CANCELLED, 5, "cancelled by request")).isTrue();

        given().delete("/api/v1/runs/" + runId).then().statusCode(204);
        given().get("/api/v1/runs/" + runId).then().statusCode(404);
        assertThat(checkpoints.load(UUID.fromString(runId))).as("the checkpoint went with the run").isEmpty();
    }

    @Test
    void aSucceededRunIsDeleted() {
        String runId = submit(gpuSpec("delete-succeeded", null)).path("runs[0].id");
        ClaimedRun held = claim(runId);
        checkpoints.save(held, 100, "test", new byte[] {4});
        assertThat(queue.finish(held, RunState.SUCCEEDED, 100, null)).isTrue();

        given().delete("/api/v1/runs/" + runId).then().statusCode(204);
        given().get("/api/v1/runs/" + runId).then().statusCode(404);
        assertThat(checkpoints.load(UUID.fromString(runId))).isEmpty();
    }

    @Test
    void anExternalRunIsDeletedWithItsUploadedPoints() {
        Response experiment = submit("{\"name\": \"delete-external\", \"external\": true}");
        String runId = experiment.path("runs[0].id");
        given().contentType(ContentType.JSON).body("""
                        {"points": [{"name": "train_acc", "step": 1, "value": 0.5},
                                    {"name": "test_loss", "step": 1, "value": 2.5}]}""")
                .post("/api/v1/runs/" + runId + "/metrics").then().statusCode(200).body("written", equalTo(2));
        given().get("/api/v1/runs/" + runId + "/metrics").then().statusCode(200).body("series.size()", equalTo(2));

        given().delete("/api/v1/runs/" + runId).then().statusCode(204);
        given().get("/api/v1/runs/" + runId).then().statusCode(404);
        given().get("/api/v1/runs/" + runId + "/metrics").then().statusCode(404);
        given().get("/api/v1/runs/" + runId + "/series").then().statusCode(404);
        given().get("/api/v1/experiments/" + experiment.path("id")).then().statusCode(200).body("runs.size()", equalTo(0));
    }

    @Test
    void anExperimentIsDeletedWithAllItsRuns() {
        Response experiment = submit(gpuSpec("delete-experiment", "{\"training.seed\": [1, 2, 3]}"));
        String experimentId = experiment.path("id");
        List<String> runIds = experiment.path("runs.id");
        assertThat(runIds).hasSize(3);

        given().delete("/api/v1/experiments/" + experimentId).then().statusCode(204);
        given().get("/api/v1/experiments/" + experimentId).then().statusCode(404);
        for (String runId : runIds) {
            given().get("/api/v1/runs/" + runId).then().statusCode(404);
        }
        given().delete("/api/v1/experiments/" + experimentId).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void anExperimentWithAHeldRunStopsAllOfThemAndIsDeletedOnceTheyHaveEnded() {
        Response experiment = submit(gpuSpec("delete-experiment-held", "{\"training.seed\": [1, 2]}"));
        String experimentId = experiment.path("id");
        String first = experiment.path("runs[0].id");
        String second = experiment.path("runs[1].id");
        ClaimedRun held = queue.claim("delete-test-gpu", "gpu", LEASE).orElseThrow();
        assertThat(held.runId().toString()).isIn(first, second);
        String queued = held.runId().toString().equals(first) ? second : first;

        given().delete("/api/v1/experiments/" + experimentId).then().statusCode(409)
                .contentType("application/problem+json").header("Retry-After", not(""))
                .body("detail", containsString(held.runId().toString()));
        given().get("/api/v1/runs/" + held.runId()).then().body("state", equalTo("running")).body("cancelRequested", equalTo(true));
        given().get("/api/v1/runs/" + queued).then().body("state", equalTo("cancelled"));

        assertThat(queue.finish(held, RunState.CANCELLED, 0, "cancelled by request")).isTrue();
        given().delete("/api/v1/experiments/" + experimentId).then().statusCode(204);
        given().get("/api/v1/runs/" + first).then().statusCode(404);
        given().get("/api/v1/runs/" + second).then().statusCode(404);
    }

    /** The in-process worker trains the run; the delete stops it, and passes once the worker has ended it. */
    @Test
    void aTrainingRunIsStoppedByItsWorkerThenDeletedWithItsMetrics() {
        Response experiment = submit(Specs.tiny("delete-training", 200_000, 1000)
                .replace("\"training\": {", "\"resources\": {\"priority\": 100}, \"training\": {"));
        String experimentId = experiment.path("id");
        String runId = experiment.path("runs[0].id");
        // The in-process worker may still be busy with another test's run: wait for this one's first points.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(300)).until(() ->
                "running".equals(given().get("/api/v1/runs/" + runId).path("state"))
                        && !given().get("/api/v1/runs/" + runId + "/metrics").<List<?>>path("series").isEmpty());

        given().delete("/api/v1/experiments/" + experimentId).then().statusCode(409)
                .header("Retry-After", "2").body("detail", containsString(runId));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                "cancelled".equals(given().get("/api/v1/runs/" + runId).path("state")));

        given().delete("/api/v1/experiments/" + experimentId).then().statusCode(204);
        given().get("/api/v1/experiments/" + experimentId).then().statusCode(404);
        given().get("/api/v1/runs/" + runId).then().statusCode(404);
        given().get("/api/v1/runs/" + runId + "/metrics").then().statusCode(404);
        given().get("/api/v1/runs/" + runId + "/phases").then().statusCode(404);
    }

    @Test
    void unknownAndMalformedIdsAndReaders() {
        given().delete("/api/v1/runs/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        given().delete("/api/v1/experiments/" + UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        given().delete("/api/v1/runs/not-a-uuid").then().statusCode(400);

        String runId = submit("{\"name\": \"delete-by-reader\", \"external\": true}").path("runs[0].id");
        given().header("Authorization", TestTokens.bearer(TestTokens.READER)).delete("/api/v1/runs/" + runId)
                .then().statusCode(403).contentType("application/problem+json");
        given().get("/api/v1/runs/" + runId).then().statusCode(200);
    }
}
