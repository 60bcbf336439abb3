package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The published openapi.yaml is exactly what the service serves at /q/openapi (compared as
 * parsed YAML). Regenerate after changing the API with
 * {@code ./mvnw test -Dtest=OpenApiContractTest -Dopenapi.update=true}.
 */
@QuarkusTest
class OpenApiContractTest {

    private static final Path PUBLISHED = Path.of("openapi.yaml");

    @Test
    void publishedContractMatchesServedDocument() throws IOException {
        String served = given().queryParam("format", "yaml").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(PUBLISHED, served);
        }
        Files.writeString(Path.of("target", "openapi-served.yaml"), served);
        Object expected = new Yaml().load(Files.readString(PUBLISHED));
        Object actual = new Yaml().load(served);
        assertThat(actual)
                .as("openapi.yaml differs from /q/openapi (served copy in target/openapi-served.yaml; "
                        + "regenerate with -Dopenapi.update=true and review the diff)")
                .isEqualTo(expected);
    }

    @Test
    void everyEndpointIsDocumented() throws IOException {
        String published = Files.readString(PUBLISHED);
        assertThat(published).contains("/api/v1/experiments:", "/api/v1/experiments/{id}:", "/api/v1/runs/{runId}:",
                "/api/v1/runs/{runId}/cancel:", "/api/v1/runs/{runId}/metrics:", "/api/v1/runs/{runId}/phases:",
                "/api/v1/queue:", "/api/v1/whoami:", "/api/v1/examples:", "application/problem+json", "text/csv");
    }

    /**
     * The rules of {@code npx @redocly/cli lint} that the contract once broke, checked without npm (.ci/run runs
     * the linter itself): servers, a license, described tags, and an operationId on every operation, unique.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyOperationHasAnIdAndEveryTagADescription() throws IOException {
        Map<String, Object> document = new Yaml().load(Files.readString(PUBLISHED));
        assertThat((List<Map<String, Object>>) document.get("servers")).isNotEmpty()
                .allSatisfy(server -> assertThat(server.get("url")).asString().isNotBlank());
        Map<String, Object> info = (Map<String, Object>) document.get("info");
        assertThat((Map<String, Object>) info.get("license")).containsKey("name");
        List<Map<String, Object>> tags = (List<Map<String, Object>>) document.get("tags");
        assertThat(tags).allSatisfy(tag -> assertThat(tag.get("description")).asString().isNotBlank());
        Set<String> tagNames = tags.stream().map(t -> (String) t.get("name")).collect(Collectors.toSet());
        List<String> ids = new ArrayList<>();
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        paths.forEach((path, operations) -> operations.forEach((method, value) -> {
            Map<String, Object> operation = (Map<String, Object>) value;
            assertThat(operation.get("operationId")).as(method + " " + path).asString().matches("[a-z][A-Za-z]+");
            ids.add((String) operation.get("operationId"));
            assertThat((List<String>) operation.get("tags")).as(method + " " + path).isNotEmpty().allMatch(tagNames::contains);
            assertThat(((Map<String, Object>) operation.get("responses")).keySet()).as(method + " " + path)
                    .anyMatch(status -> status.startsWith("4"));
        }));
        assertThat(ids).doesNotHaveDuplicates()
                .contains("submitExperiment", "listExperiments", "getRun", "cancelRun", "deleteRun", "deleteExperiment", "getRunMetrics", "getRunPhases", "whoAmI");
    }
}
