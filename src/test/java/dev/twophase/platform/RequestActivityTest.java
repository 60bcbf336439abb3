package dev.twophase.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-flight count the in-process worker yields to: back to zero after every kind of answer. */
@QuarkusTest
class RequestActivityTest {

    @Inject
    RequestActivity activity;

    @TestHTTPResource("/")
    URL url;

    @Test
    void everyAnsweredRequestLeavesTheCount() throws Exception {
        given().get("/api/v1/queue").then().statusCode(200);
        given().get("/api/v1/runs/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/api/v1/runs/not-a-uuid").then().statusCode(400);
        given().contentType("application/json").body("{").post("/api/v1/experiments").then().statusCode(400);
        given().auth().none().header("Authorization", "Bearer wrong").get("/api/v1/queue").then().statusCode(401);
        // A body that is still coming, then the connection dropped: never counted, so never waited for.
        String head = "POST /api/v1/experiments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + dev.twophase.platform.security.TestTokens.SUBMITTER + "\r\n"
                + "Content-Length: 1000\r\n\r\n{\"name\": ";
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // Held for 300 ms while the server has the head and part of the body: never counted.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> activity.inFlight() == 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> activity.inFlight() == 0);
        long start = System.nanoTime();
        activity.awaitQuiet(Duration.ofSeconds(5).toNanos());
        assertThat(System.nanoTime() - start).as("no request in flight: no wait").isLessThan(Duration.ofSeconds(1).toNanos());
    }
}
