package dev.twophase.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
                "/api/v1/queue:", "application/problem+json", "text/csv");
    }
}
