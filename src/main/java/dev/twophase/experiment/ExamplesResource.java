package dev.twophase.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.platform.ApiDocumentation;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The repository's examples/ folder, which the build copies into the application, so a client (the
 * web page's submit form) can offer them.
 */
@Path("/api/v1/examples")
@Tag(name = ApiDocumentation.SERVICE_TAG)
@Produces(MediaType.APPLICATION_JSON)
public class ExamplesResource {

    static final String FOLDER = "examples";

    /** One example: its file name without {@code .json}, and the spec as written. */
    public record Example(String name,
                          @Schema(implementation = ExperimentSpec.class, type = SchemaType.OBJECT) JsonNode spec) {
    }

    @Inject
    ObjectMapper json;

    private volatile List<Example> examples;

    @GET
    @Operation(operationId = "listExamples", summary = "The example specs bundled with the service, by name")
    @APIResponse(responseCode = "200", description = "Every example, sorted by name",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Example.class)))
    @APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHORIZED)
    public List<Example> list() {
        if (examples == null) {
            examples = load();
        }
        return examples;
    }

    private List<Example> load() {
        URL folder = Thread.currentThread().getContextClassLoader().getResource(FOLDER);
        if (folder == null) {
            return List.of();
        }
        try {
            URI uri = folder.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return read(java.nio.file.Path.of(uri));
            }
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return read(jar.provider().getPath(uri));
            } catch (FileSystemAlreadyExistsException e) {
                return read(FileSystems.getFileSystem(uri).provider().getPath(uri));
            }
        } catch (URISyntaxException | IOException e) {
            throw new UncheckedIOException("cannot read the bundled examples at " + folder,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private List<Example> read(java.nio.file.Path dir) throws IOException {
        List<Example> found = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            for (java.nio.file.Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json")) {
                    found.add(new Example(name.substring(0, name.length() - ".json".length()),
                            json.readTree(Files.readString(file))));
                }
            }
        }
        return List.copyOf(found);
    }
}
