package dev.twophase.analysis;

import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.RequestParameters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A run's curves and events as SVG. (Its own full path: under a bare "/api/v1" JAX-RS would pick
 * the runs resource for the prefix and answer 404.)
 */
@Path("/api/v1/runs/{runId}/plot.svg")
@Tag(name = "phases")
public class PlotResource {

    static final String SVG = "image/svg+xml";

    private final RunPlotService plots;

    @Inject
    PlotResource(RunPlotService plots) {
        this.plots = plots;
    }

    @GET
    @Produces(SVG)
    @Operation(operationId = "getRunPlot", summary = "A run's accuracies, test loss and I(T;X) per layer on a log-step axis, with its events marked",
            description = "The I(T;X) panel draws mi_tx (the first estimator) per layer unless series names other I(T;X) "
                    + "series (repeatable, e.g. series=mi_tx&series=mi_tx:kde_upper:mlp_hidden, or series=all for every one "
                    + "the run records); a name the run does not record is a 400 naming series.")
    @APIResponse(responseCode = "200", description = "SVG", content = @Content(mediaType = SVG,
            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public String runPlot(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId,
            @Parameter(description = "I(T;X) series to draw (repeatable); default mi_tx; all for every one")
            @QueryParam("series") List<String> series) {
        return plots.render(RequestParameters.uuid("runId", runId), series);
    }
}
