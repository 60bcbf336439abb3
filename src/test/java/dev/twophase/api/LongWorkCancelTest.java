package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A cancel does not wait for a long measurement pass (issue 18, item 4): the pass checks between the
 * chunks of its evaluation and between its estimators. This run's step-0 evaluation alone (360,000
 * pairs through a 2-block model of width 256, about 3.5e12 floating-point operations) takes minutes
 * on two cores; the cancel must end it within seconds.
 */
@QuarkusTest
class LongWorkCancelTest {

    private static final String LONG_PASS = """
            {"name": "long-measurement-pass",
             "task": {"type": "modular", "operation": "add", "modulus": 600},
             "model": {"layers": 2, "dModel": 256, "heads": 4, "dMlp": 1024},
             "training": {"steps": 10, "batchSize": 64},
             "measures": {"every": 5},
             "resources": {"priority": 100, "maxAttempts": 1}}""";

    @Test
    void aCancelEndsARunInTheMiddleOfItsMeasurementPass() {
        String run = given().contentType(ContentType.JSON).body(LONG_PASS).post("/api/v1/experiments")
                .then().statusCode(201).extract().path("runs[0].id");
        // The in-process worker may still be busy with another test's run: wait for this one's claim.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> "running".equals(given().get("/api/v1/runs/" + run).path("state")));

        long cancelledAt = System.nanoTime();
        given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "cancelled".equals(given().get("/api/v1/runs/" + run).path("state")));
        long seconds = (System.nanoTime() - cancelledAt) / 1_000_000_000L;

        assertThat(given().get("/api/v1/runs/" + run).<Integer>path("step")).isZero();
        assertThat(given().queryParam("name", "train_batch_loss").get("/api/v1/runs/" + run + "/metrics")
                .<java.util.List<?>>path("series")).as("no step was trained").isEmpty();
        assertThat(seconds).as("seconds from the cancel to the end of the run").isLessThan(30);
    }
}
