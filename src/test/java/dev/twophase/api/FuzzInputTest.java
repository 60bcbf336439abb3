package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of malformed specs and metric batches, generated from the spec's and the batch's fields
 * (seeded, so a failure reproduces): each must be a 4xx application/problem+json that names the
 * mutated field (or, for text that is not JSON at all, says so), never a 500 and never accepted.
 */
@QuarkusTest
class FuzzInputTest {

    private static final String VALID_SPEC = """
            {"name": "fuzz",
             "task": {"type": "modular", "operation": "add", "modulus": 7, "trainFraction": 0.5, "seed": 1},
             "model": {"type": "transformer", "layers": 1, "dModel": 32, "heads": 4, "dMlp": 128, "activation": "gelu"},
             "optimizer": {"type": "adamw", "learningRate": 0.003, "weightDecay": 1.0, "beta1": 0.9, "beta2": 0.98, "warmupSteps": 10},
             "training": {"steps": 200, "batchSize": 512, "seed": 42},
             "measures": {"every": 20, "mutualInformation": {"estimator": "binning", "bins": 30}},
             "resources": {"device": "cpu", "priority": 0, "maxAttempts": 3}}""";

    /** Leaf fields of the spec: path, and whether its valid values are numbers that must be non-negative. */
    private record Field(String path, Kind kind) {
    }

    private enum Kind { TEXT, NUMBER, SEED }

    private static final List<Field> SPEC_FIELDS = List.of(
            new Field("name", Kind.TEXT),
            new Field("task.type", Kind.TEXT), new Field("task.operation", Kind.TEXT),
            new Field("task.modulus", Kind.NUMBER), new Field("task.trainFraction", Kind.NUMBER),
            new Field("task.seed", Kind.SEED),
            new Field("model.type", Kind.TEXT), new Field("model.activation", Kind.TEXT),
            new Field("model.layers", Kind.NUMBER), new Field("model.dModel", Kind.NUMBER),
            new Field("model.heads", Kind.NUMBER), new Field("model.dMlp", Kind.NUMBER),
            new Field("optimizer.type", Kind.TEXT), new Field("optimizer.learningRate", Kind.NUMBER),
            new Field("optimizer.weightDecay", Kind.NUMBER), new Field("optimizer.beta1", Kind.NUMBER),
            new Field("optimizer.beta2", Kind.NUMBER), new Field("optimizer.warmupSteps", Kind.NUMBER),
            new Field("training.steps", Kind.NUMBER), new Field("training.batchSize", Kind.NUMBER),
            new Field("training.seed", Kind.SEED),
            new Field("measures.every", Kind.NUMBER), new Field("measures.mutualInformation.estimator", Kind.TEXT),
            new Field("measures.mutualInformation.bins", Kind.NUMBER),
            new Field("resources.device", Kind.TEXT), new Field("resources.priority", Kind.NUMBER),
            new Field("resources.maxAttempts", Kind.NUMBER));

    /** Replacements no field accepts, as raw JSON text (null is not among them: it means "the default"). */
    private static final List<String> ANY_FIELD = List.of("{}", "[]", "[1, 2]", "{\"x\": 1}");
    private static final List<String> FOR_NUMBERS = List.of("\"7\"", "true", "NaN", "Infinity", "-Infinity", "1e400",
            "-1e400", "-1e30", "1e30", "99999999999999999999999999", "2.5e-400x");
    private static final List<String> FOR_SEEDS = List.of("\"1\"", "true", "1.5", "NaN", "1e400", "99999999999999999999999999");
    private static final List<String> FOR_TEXT = List.of("5", "true", "\"\"", "\"bogus-value-x\"");

    @Test
    void malformedSpecsAreProblemsNamingTheField() {
        Random random = new Random(20261128);
        int checked = 0;
        for (Field field : SPEC_FIELDS) {
            List<String> bad = new ArrayList<>(ANY_FIELD);
            bad.addAll(switch (field.kind()) {
                case NUMBER -> FOR_NUMBERS;
                case SEED -> FOR_SEEDS;
                case TEXT -> field.path().equals("name") ? List.of("5", "true", "\"\"", "\"" + "n".repeat(201) + "\"") : FOR_TEXT;
            });
            for (String value : bad) {
                String body = replace(VALID_SPEC, field.path(), value);
                assertProblem(post("/api/v1/experiments", body), field.path(), body);
                checked++;
            }
            // an unknown field next to this one
            String parent = field.path().contains(".") ? field.path().substring(0, field.path().lastIndexOf('.')) : "";
            String unknownPath = (parent.isEmpty() ? "" : parent + ".") + "unexpected" + random.nextInt(1000);
            String body = insert(VALID_SPEC, field.path(), unknownPath.substring(unknownPath.lastIndexOf('.') + 1), "1");
            assertProblem(post("/api/v1/experiments", body), unknownPath, body);
            checked++;
        }
        for (int i = 0; i < 60; i++) {
            String body = VALID_SPEC.substring(0, 1 + random.nextInt(VALID_SPEC.length() - 2)); // truncated
            assertNotJson(post("/api/v1/experiments", body), body);
            checked++;
        }
        assertThat(checked).isGreaterThan(300);
    }

    @Test
    void malformedMetricBatchesAreProblemsNamingTheField() {
        String run = given().contentType(ContentType.JSON).body("{\"name\": \"fuzz-external\", \"external\": true}")
                .post("/api/v1/experiments").then().statusCode(201).extract().path("runs[0].id");
        String path = "/api/v1/runs/" + run + "/metrics";
        String point = "{\"name\": \"train_loss\", \"layer\": 0, \"step\": 3, \"value\": 0.5}";
        int checked = 0;
        List<String[]> mutations = new ArrayList<>();
        for (String v : List.of("{}", "[]", "5", "true", "\"\"", "\"" + "m".repeat(300) + "\"")) {
            mutations.add(new String[]{"name", v});
        }
        for (String f : List.of("layer", "step")) {
            for (String v : List.of("{}", "[]", "\"1\"", "true", "-1", "1.5", "NaN", "1e400", "99999999999999999999999")) {
                mutations.add(new String[]{f, v});
            }
        }
        for (String v : List.of("{}", "[]", "null", "\"1\"", "true", "NaN", "Infinity", "-Infinity", "1e400", "-1e400")) {
            mutations.add(new String[]{"value", v});
        }
        for (String[] m : mutations) {
            String body = "{\"points\": [" + point + ", " + point.replaceFirst("\"" + m[0] + "\": [^,}]+", "\"" + m[0] + "\": "
                    + m[1].replace("$", "\\$")) + "]}";
            assertProblem(post(path, body), "points[1]." + m[0], body);
            checked++;
        }
        for (String f : List.of("name", "step", "value")) { // layer may be left out: 0, the whole model
            String body = "{\"points\": [" + point.replaceFirst(",? ?\"" + f + "\": [^,}]+", "").replace("{,", "{") + "]}";
            assertProblem(post(path, body), "points[0]", body);
            checked++;
        }
        for (String body : List.of("{\"points\": 5}", "{\"points\": {}}", "{\"points\": [5]}", "[]", "{}", "5",
                "{\"points\": [" + point + "], \"extra\": 1}", "{\"points\": [{\"name\": \"x\", \"layer\": 0, \"step\": 1, \"value\": 1, \"z\": 2}]}")) {
            Response r = post(path, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.contentType()).as(body).startsWith("application/problem+json");
            checked++;
        }
        Random random = new Random(7);
        String valid = "{\"points\": [" + point + "]}";
        for (int i = 0; i < 40; i++) {
            String body = valid.substring(0, 1 + random.nextInt(valid.length() - 2));
            assertNotJson(post(path, body), body);
            checked++;
        }
        for (String bad : List.of("/api/v1/runs/not-a-uuid/metrics", "/api/v1/runs/" + run + "/metrics?maxPoints=-1",
                "/api/v1/runs/" + run + "/metrics?maxPoints=abc", "/api/v1/runs/" + run + "/metrics?fromStep=1e400",
                "/api/v1/runs/" + run + "/metrics?layer=-5", "/api/v1/runs/" + run + "/metrics?toStep=NaN",
                "/api/v1/experiments?limit=-1", "/api/v1/experiments?offset=abc", "/api/v1/experiments?limit=99999999999")) {
            Response r = given().get(bad);
            assertThat(r.statusCode()).as(bad).isBetween(400, 499);
            assertThat(r.contentType()).as(bad).startsWith("application/problem+json");
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(90);
    }

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static void assertProblem(Response r, String fieldPath, String body) {
        assertThat(r.statusCode()).as("status for %s", body).isBetween(400, 499);
        assertThat(r.contentType()).as("content type for %s", body).startsWith("application/problem+json");
        List<String> paths = r.jsonPath().getList("errors.path", String.class);
        String last = fieldPath.substring(fieldPath.lastIndexOf('.') + 1);
        assertThat(paths).as("errors of %s: %s", body, r.asString()).isNotNull()
                .anyMatch(p -> p.contains(last) || p.equals("$." + fieldPath) || p.endsWith(fieldPath.replaceAll("\\[\\d+]", "")));
    }

    private static void assertNotJson(Response r, String body) {
        assertThat(r.statusCode()).as("status for %s", body).isEqualTo(400);
        assertThat(r.contentType()).as("content type for %s", body).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("detail")).as(body).isNotBlank();
    }

    /** The spec text with the value at {@code path} replaced by raw JSON {@code value}. */
    private static String replace(String json, String path, String value) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        int at = locate(json, path);
        int colon = json.indexOf(':', at);
        int end = colon + 1;
        while (json.charAt(end) == ' ') {
            end++;
        }
        int stop;
        if (json.charAt(end) == '"') {
            stop = json.indexOf('"', end + 1) + 1;
        } else {
            stop = end;
            while (json.charAt(stop) != ',' && json.charAt(stop) != '}') {
                stop++;
            }
        }
        assertThat(json.substring(at, colon)).contains(key);
        return json.substring(0, colon + 1) + " " + value + json.substring(stop);
    }

    /** The spec text with {@code "name": value} added beside the field at {@code path}. */
    private static String insert(String json, String path, String name, String value) {
        int at = locate(json, path);
        return json.substring(0, at) + "\"" + name + "\": " + value + ", " + json.substring(at);
    }

    /** Index of the quoted key of {@code path}, searched inside its parents' objects. */
    private static int locate(String json, String path) {
        int from = 0;
        for (String part : path.split("\\.")) {
            from = json.indexOf("\"" + part + "\"", from);
            assertThat(from).as(path).isNotNegative();
        }
        return from;
    }
}
