package dev.twophase.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import dev.twophase.platform.StrictJson;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import jakarta.inject.Inject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/experiments")
@Tag(name = "experiments")
@Produces(MediaType.APPLICATION_JSON)
public class ExperimentResource {

    @Inject
    ExperimentService service;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit an experiment",
            description = "Validates the spec, fills in every default and queues its run (external experiments "
                    + "get one run that accepts metric uploads instead).")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ExperimentSpec.class)))
    @APIResponse(responseCode = "201", description = "Created; Location names the experiment",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    public Response submit(String body, @Context UriInfo uri) {
        JsonNode spec = StrictJson.parse(body);
        ExperimentView created = service.submit(spec);
        return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build())
                .entity(created).build();
    }

    @GET
    @Operation(summary = "List experiments, newest first")
    @APIResponse(responseCode = "200", description = "A page of experiments",
            content = @Content(schema = @Schema(implementation = ExperimentPage.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    public ExperimentPage list(@Parameter(description = "1..500, default 50", schema = @Schema(type = SchemaType.INTEGER, format = "int32")) @QueryParam("limit") String limit,
                               @Parameter(description = ">= 0, default 0", schema = @Schema(type = SchemaType.INTEGER, format = "int32")) @QueryParam("offset") String offset) {
        Long l = RequestParameters.optionalLong("limit", limit, 1, 500);
        Long o = RequestParameters.optionalLong("offset", offset, 0, Integer.MAX_VALUE);
        return service.page(l == null ? 50 : l.intValue(), o == null ? 0 : o.intValue());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One experiment with its runs")
    @APIResponse(responseCode = "200", description = "The experiment",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public ExperimentView get(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID experimentId = RequestParameters.uuid("id", id);
        return service.find(experimentId)
                .orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
    }
}
