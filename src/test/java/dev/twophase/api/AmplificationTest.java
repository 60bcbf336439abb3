package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What one valid token could make every reader pay for (issue 18, item 7): series per run, params per
 * experiment and bytes per page are bounded, and plots and reports stay cheap whatever a run holds.
 */
@QuarkusTest
class AmplificationTest {

    private static final int MAX_SERIES = 1000;

    @Test
    void aRunHoldsAtMostTheSeriesLimitAndItsReadersPayABoundedCost() {
        String run = external("amplified-series");
        StringBuilder body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < MAX_SERIES; i++) {
            for (int step = 0; step < 3; step++) {
                body.append(i + step == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"name\": \"mi_tx:probe_%d\", \"layer\": 1, \"step\": %d, \"value\": %.3f}", i, step * 10, 1.0 + step + i % 7));
            }
        }
        upload(run, body.append("]}").toString()).then().statusCode(200);

        Response refused = upload(run, "{\"points\": [{\"name\": \"one_more\", \"step\": 1, \"value\": 1}]}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("errors[0].path")).isEqualTo("$.points");
        assertThat(refused.jsonPath().getString("errors[0].message")).contains("limit is 1000", "twophase.limits.max-series-per-run");
        upload(run, "{\"points\": [{\"name\": \"mi_tx:probe_5\", \"layer\": 1, \"step\": 30, \"value\": 2}]}").then().statusCode(200);

        // A long series: thinned for the picture.
        StringBuilder loss = new StringBuilder("{\"points\": [");
        for (int step = 0; step < 50_000; step++) {
            loss.append(step == 0 ? "" : ",").append("{\"name\": \"mi_tx:probe_0\", \"layer\": 1, \"step\": ").append(step + 100)
                    .append(", \"value\": ").append(step % 100).append('}');
        }
        upload(run, loss.append("]}").toString()).then().statusCode(200);

        // The default draws mi_tx alone; "all" asks for every I(T;X) series, still capped per panel.
        String svg = given().queryParam("series", "all").get("/api/v1/runs/" + run + "/plot.svg").then().statusCode(200).extract().asString();
        assertThat(svg.length()).as("plot.svg bytes").isLessThan(200_000);
        assertThat(svg.split("class=\"series\"", -1)).as("series drawn").hasSizeLessThanOrEqualTo(24 + 1 + 3);
        assertThat(svg).contains("24 of 1000 series");
        given().get("/api/v1/runs/" + run + "/phases").then().statusCode(200);
        given().get("/api/v1/runs/" + run + "/metrics").then().statusCode(200);

        Response tooMany = given().queryParam("maxPoints", 10_000).get("/api/v1/runs/" + run + "/metrics");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.jsonPath().getString("errors[0].path")).isEqualTo("maxPoints");
        assertThat(tooMany.jsonPath().getString("errors[0].message")).contains("1000 series", "twophase.limits.max-response-points");
    }

    @Test
    void aPageOfExperimentsStaysWithinItsByteLimit() {
        String params = "x".repeat(60_000);
        for (int i = 0; i < 80; i++) {
            given().contentType(ContentType.JSON)
                    .body("{\"name\": \"amplified-page-" + i + "\", \"external\": true, \"params\": {\"blob\": \"" + params + "\"}}")
                    .post("/api/v1/experiments").then().statusCode(201);
        }
        Response page = given().queryParam("limit", 500).get("/api/v1/experiments");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.asByteArray().length).as("page bytes").isLessThanOrEqualTo(4 * 1024 * 1024);
        List<String> names = page.jsonPath().getList("experiments.name");
        assertThat(names).hasSizeBetween(60, 79).allMatch(n -> n.startsWith("amplified-page-"));
        assertThat(page.jsonPath().getInt("nextOffset")).isEqualTo(names.size());
        Response next = given().queryParam("limit", 500).queryParam("offset", names.size()).get("/api/v1/experiments");
        assertThat(next.jsonPath().getList("experiments.name")).first().isEqualTo("amplified-page-" + (79 - names.size()));

        Response tooBig = given().contentType(ContentType.JSON)
                .body("{\"name\": \"amplified-params\", \"external\": true, \"params\": {\"blob\": \"" + "y".repeat(70_000) + "\"}}")
                .post("/api/v1/experiments");
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(tooBig.jsonPath().getList("errors.path")).containsExactly("$.params");
    }

    private static String external(String name) {
        return given().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\", \"external\": true}")
                .post("/api/v1/experiments").then().statusCode(201).extract().path("runs[0].id");
    }

    private static Response upload(String run, String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/runs/" + run + "/metrics");
    }
}
