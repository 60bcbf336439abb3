package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Probes and Prometheus see the service, the database and the queue. */
@QuarkusTest
class PlatformTest {

    @Test
    void healthChecksTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("Database connections health check"));
    }

    @Test
    void prometheusExposesQueueAndMetricWriteMeters() {
        String runId = given().contentType(ContentType.JSON).body("{\"name\": \"meters\", \"external\": true}")
                .post("/api/v1/experiments").then().statusCode(201).extract().path("runs[0].id");
        given().contentType(ContentType.JSON).body("{\"points\": [{\"name\": \"x\", \"step\": 1, \"value\": 2}]}")
                .post("/api/v1/runs/" + runId + "/metrics").then().statusCode(200);
        // The queue gauges are refreshed by the reaper (every second in tests).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("twophase_queue_runs{device=\"none\",state=\"external\"}"))
                .body(containsString("twophase_metric_write_seconds_count"))
                .body(containsString("twophase_metric_points_written_total")));
    }
}
