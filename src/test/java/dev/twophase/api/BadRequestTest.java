package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Client mistakes are 4xx application/problem+json naming the field, never 500s. */
@QuarkusTest
class BadRequestTest {

    @Test
    void invalidSpecListsEveryViolationWithItsPath() {
        given().contentType(ContentType.JSON).body("""
                {"name": "bad", "colour": "red",
                 "task": {"type": "modular", "operation": "div", "modulus": 96},
                 "model": {"layers": 9, "dModel": 100, "heads": 3},
                 "training": {"steps": -5}}""")
                .post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.path", hasItems("$.colour", "$.task.modulus", "$.model.layers", "$.model.heads",
                        "$.training.steps"))
                .body("errors.find { it.path == '$.task.modulus' }.message", containsString("96"));
    }

    @Test
    void malformedAndEmptyBodiesAre400() {
        given().contentType(ContentType.JSON).body("{\"name\": ").post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("malformed JSON"));
        given().contentType(ContentType.JSON).body("").post("/api/v1/experiments")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"name\": \"a\", \"name\": \"b\"}").post("/api/v1/experiments")
                .then().statusCode(400).body("detail", containsString("Duplicate field"));
        given().contentType(ContentType.JSON).body("[1, 2]").post("/api/v1/experiments")
                .then().statusCode(400).body("errors.path", hasItem("$"));
    }

    @Test
    void unknownIdsAre404AndMalformedIds400() {
        given().get("/api/v1/runs/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/experiments/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/api/v1/runs/not-a-uuid").then().statusCode(400).body("errors[0].path", equalTo("runId"));
        given().get("/api/v1/runs/" + UUID.randomUUID() + "/phases").then().statusCode(404);
        given().post("/api/v1/runs/" + UUID.randomUUID() + "/cancel").then().statusCode(404);
        given().queryParam("limit", 0).get("/api/v1/experiments").then().statusCode(400)
                .body("errors[0].path", equalTo("limit"));
        given().get("/api/v1/no-such-endpoint").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void wrongMediaTypeIs415() {
        given().contentType(ContentType.TEXT).body("hello").post("/api/v1/experiments")
                .then().statusCode(415);
    }
}
