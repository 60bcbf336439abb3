package dev.twophase.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.platform.security.TestTokens;
import dev.twophase.platform.security.WithoutDefaultToken;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * http_server_requests carries route templates only (issue 18, item 8): 200 anonymous requests to
 * made-up /api paths filled the 100 uri values Quarkus allows with raw paths, so endpoints first called
 * afterwards were never recorded, and labels carried run ids.
 */
@QuarkusTest
@WithoutDefaultToken
class MetricsCardinalityTest {

    private static final Pattern URI = Pattern.compile("^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"");
    private static final Pattern ID_LIKE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}|probe-[0-9]+");

    @Test
    void madeUpPathsAddNoUriValuesAndLaterEndpointsAreStillRecorded() {
        Random random = new Random(18);
        String reader = TestTokens.bearer(TestTokens.READER);
        for (int i = 0; i < 200; i++) {
            given().get("/api/probe-" + random.nextInt(1_000_000_000) + "/" + UUID.randomUUID()).then().statusCode(401);
        }
        for (int i = 0; i < 60; i++) {
            given().header("Authorization", reader).get("/api/v1/runs/" + UUID.randomUUID()).then().statusCode(404);
            given().header("Authorization", reader).get("/api/v1/probe-" + random.nextInt(1_000_000_000)).then().statusCode(404);
            given().header("Authorization", reader).get("/api/v1/runs/not-a-uuid-" + i).then().statusCode(400);
        }
        given().header("Authorization", reader).get("/api/v1/queue").then().statusCode(200);

        Set<String> uris = new TreeSet<>();
        for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            Matcher m = URI.matcher(line);
            if (m.find()) {
                uris.add(m.group(1));
            }
        }
        assertThat(uris).as("uri values").contains("/api/v1/queue", "/api/v1/runs/{runId}")
                .noneMatch(u -> ID_LIKE.matcher(u).find()).hasSizeLessThan(50);
    }
}
