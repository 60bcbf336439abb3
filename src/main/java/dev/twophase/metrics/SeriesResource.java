package dev.twophase.metrics;

import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/runs/{runId}/series")
@Tag(name = "metrics")
public class SeriesResource {

    @Inject
    SeriesCatalog catalog;

    /** The series of one run. */
    public record SeriesResponse(UUID runId, List<SeriesCatalog.SeriesInfo> series) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listRunSeries", summary = "List the series of a run",
            description = "Every (name, layer) the run has points for, with the point count, first and last step, and "
                    + "the parameters of the measure behind it taken from the run's stored spec (estimator, bins or "
                    + "noise variance, representation, inputs, kde bound; local complexity and LMN settings; the cadence).")
    @APIResponse(responseCode = "200", description = "The series, by name and layer",
            content = @Content(schema = @Schema(implementation = SeriesResponse.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public SeriesResponse list(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        UUID id = RequestParameters.uuid("runId", runId);
        return new SeriesResponse(id, catalog.list(id).orElseThrow(() -> ProblemException.notFound("no run " + id)));
    }
}
