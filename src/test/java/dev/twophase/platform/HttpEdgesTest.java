package dev.twophase.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP edges an abuse probe found (issue 18, item 10). */
@QuarkusTest
class HttpEdgesTest {

    @TestHTTPResource("/api/v1/experiments")
    URI experiments;

    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureErrors() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void anOversizedBodyIsA413ProblemNamingTheLimit() throws Exception {
        // Only the head is sent: the answer must come from the Content-Length alone, before any body.
        String head = "POST /api/v1/experiments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + dev.twophase.platform.security.TestTokens.SUBMITTER + "\r\n"
                + "Content-Length: " + (10 * 1024 * 1024 + 1) + "\r\n\r\n";
        String answer;
        try (java.net.Socket socket = new java.net.Socket(experiments.getHost(), experiments.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        io.restassured.path.json.JsonPath problem = io.restassured.path.json.JsonPath.from(body);
        assertThat(problem.getInt("status")).isEqualTo(413);
        assertThat(problem.getString("detail")).contains("10485761 bytes", "quarkus.http.limits.max-body-size");
    }

    @Test
    void anOversizedChunkedBodyIsRefusedWithoutErrorsInTheLog() throws Exception {
        InputStream endless = new SequenceInputStream(new ByteArrayInputStream("{\"name\": \"".getBytes(StandardCharsets.UTF_8)),
                new InputStream() {
                    long left = 12L * 1024 * 1024;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }
                });
        HttpRequest request = HttpRequest.newBuilder(experiments)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + dev.twophase.platform.security.TestTokens.SUBMITTER)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> endless)).build();
        int status;
        String body;
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            body = response.body();
        } catch (java.io.IOException e) {
            status = -1; // the server may close the connection while the client still sends
            body = e.toString();
        }
        assertThat(status).isIn(413, -1);
        if (status == 413) {
            assertThat(body).contains("quarkus.http.limits.max-body-size");
        }
        assertThat(errors).as("ERROR log records").isEmpty();
    }

    @Test
    void onlyCanonicalUuidsNameARunOrAnExperiment() {
        for (String path : List.of("/api/v1/runs/1-2-3-4-5", "/api/v1/runs/1-2-3-4-5/metrics", "/api/v1/experiments/1-2-3-4-5",
                "/api/v1/runs/0000000000000000000000000000000000000/phases")) {
            Response r = given().get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.contentType()).as(path).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("errors[0].message")).as(path).contains("8-4-4-4-12");
        }
    }

    @Test
    void locationIsAPathAndNeverEchoesTheHostHeader() {
        Response r = given().header("Host", "evil.example:6666").header("X-Forwarded-Host", "evil.example")
                .contentType(ContentType.JSON).body("{\"name\": \"location-host\", \"external\": true}")
                .post("/api/v1/experiments");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/api/v1/experiments/" + r.jsonPath().getString("id"));
    }
}
