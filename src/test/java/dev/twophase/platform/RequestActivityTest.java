package dev.twophase.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-flight count the in-process worker yields to: back to zero after every kind of answer. */
@QuarkusTest
class RequestActivityTest {

    @Inject
    RequestActivity activity;

    @Test
    void everyAnsweredRequestLeavesTheCount() {
        given().get("/api/v1/queue").then().statusCode(200);
        given().get("/api/v1/runs/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/api/v1/runs/not-a-uuid").then().statusCode(400);
        given().contentType("application/json").body("{").post("/api/v1/experiments").then().statusCode(400);
        given().auth().none().header("Authorization", "Bearer wrong").get("/api/v1/queue").then().statusCode(401);
        await().atMost(Duration.ofSeconds(5)).until(() -> activity.inFlight() == 0);
        long start = System.nanoTime();
        activity.awaitQuiet(Duration.ofSeconds(5).toNanos());
        assertThat(System.nanoTime() - start).as("no request in flight: no wait").isLessThan(Duration.ofSeconds(1).toNanos());
    }
}
