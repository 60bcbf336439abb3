package dev.twophase.platform.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Bearer tokens on /api: no token 401, wrong role 403, revoked 401; probes and metrics stay open. */
@QuarkusTest
@WithoutDefaultToken
class AuthenticationTest {

    private static final String EXTERNAL = "{\"name\": \"auth-external\", \"external\": true}";

    @Inject
    ApiTokens tokens;
    @Inject
    javax.sql.DataSource dataSource;

    @Test
    void noTokenIs401WithProblemAndChallenge() {
        given().get("/api/v1/queue").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401));
        given().contentType(ContentType.JSON).body(EXTERNAL).post("/api/v1/experiments").then().statusCode(401);
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/v1/experiments").then().statusCode(401);
    }

    @Test
    void unknownTokenIs401() {
        given().header("Authorization", TestTokens.bearer("tp_not-a-token")).get("/api/v1/queue").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void readerMayGetButNotSubmitOrCancel() {
        given().header("Authorization", TestTokens.bearer(TestTokens.READER)).get("/api/v1/queue").then().statusCode(200);
        given().header("Authorization", TestTokens.bearer(TestTokens.READER)).contentType(ContentType.JSON).body(EXTERNAL)
                .post("/api/v1/experiments").then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403)).body("detail", containsString("POST"));
        given().header("Authorization", TestTokens.bearer(TestTokens.READER))
                .post("/api/v1/runs/00000000-0000-0000-0000-000000000000/cancel").then().statusCode(403);
    }

    @Test
    void onlySubmittersMayDelete() {
        String run = "/api/v1/runs/00000000-0000-0000-0000-000000000000";
        String experiment = "/api/v1/experiments/00000000-0000-0000-0000-000000000000";
        given().delete(run).then().statusCode(401).contentType("application/problem+json");
        given().delete(experiment).then().statusCode(401);
        given().header("Authorization", TestTokens.bearer(TestTokens.READER)).delete(run).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("DELETE"));
        given().header("Authorization", TestTokens.bearer(TestTokens.READER)).delete(experiment).then().statusCode(403);
        given().header("Authorization", TestTokens.bearer(TestTokens.SUBMITTER)).delete(run).then().statusCode(404);
    }

    @Test
    void submitterMaySubmit() {
        given().header("Authorization", TestTokens.bearer(TestTokens.SUBMITTER)).contentType(ContentType.JSON)
                .body(EXTERNAL).post("/api/v1/experiments").then().statusCode(201);
    }

    @Test
    void storedTokenWorksUntilRevoked() {
        String token = tokens.create("auth-test-revoked", ApiRole.submitter);
        given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/queue").then().statusCode(200);
        given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON).body(EXTERNAL)
                .post("/api/v1/experiments").then().statusCode(201);
        org.assertj.core.api.Assertions.assertThat(tokens.revoke("auth-test-revoked")).isEqualTo(1);
        given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/queue").then().statusCode(401);
    }

    /**
     * Repeated requests with one stored token cost no SQL; a token revoked by another process (the CLI runs
     * its own JVM, so this one's cache is not told) is refused once the 1 s cache TTL has passed.
     */
    @Test
    void storedTokenIsCachedAndARevokeElsewhereTakesEffectWithinASecond() throws Exception {
        String token = tokens.create("auth-test-cached", ApiRole.reader);
        long started = System.nanoTime();
        long before = tokens.lookups();
        for (int i = 0; i < 10; i++) {
            given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/queue").then().statusCode(200);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        org.assertj.core.api.Assertions.assertThat(tokens.lookups() - before)
                .as("look-ups for 10 requests in %.1f s with a 1 s TTL", seconds)
                .isLessThanOrEqualTo((long) Math.ceil(seconds) + 1);

        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "UPDATE api_token SET revoked_at = now() WHERE name = 'auth-test-cached'")) {
            org.assertj.core.api.Assertions.assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        long revoked = System.nanoTime();
        given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/queue"); // may still be cached
        org.awaitility.Awaitility.await().pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> System.nanoTime() - revoked > 1_100_000_000L);
        given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/queue").then().statusCode(401);
    }

    @Test
    void storedReaderTokenIsForbiddenToWrite() {
        String token = tokens.create("auth-test-reader", ApiRole.reader);
        given().header("Authorization", TestTokens.bearer(token)).get("/api/v1/experiments").then().statusCode(200);
        given().header("Authorization", TestTokens.bearer(token)).contentType(ContentType.JSON).body(EXTERNAL)
                .post("/api/v1/experiments").then().statusCode(403);
    }

    @Test
    void probesMetricsAndContractStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void onlyHashesAreStored() {
        String token = tokens.create("auth-test-hash", ApiRole.reader);
        org.assertj.core.api.Assertions.assertThat(tokens.list()).anyMatch(t -> t.name().equals("auth-test-hash"));
        org.assertj.core.api.Assertions.assertThat(TokenHash.sha256(token)).hasSize(64).doesNotContain(token);
        org.assertj.core.api.Assertions.assertThat(TokenHash.sha256("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2 test vector
    }
}
