package dev.twophase.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.Problem;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import dev.twophase.platform.StrictJson;
import dev.twophase.queue.Deletion;
import dev.twophase.queue.RunState;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path(ExperimentResource.PATH)
@Tag(name = "experiments")
@Produces(MediaType.APPLICATION_JSON)
public class ExperimentResource {

    static final String PATH = "/api/v1/experiments";
    /** Longer than any name or tag a spec may have. */
    private static final int MAX_SEARCH_LENGTH = 200;

    @Inject
    ExperimentService service;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "submitExperiment", summary = "Submit an experiment",
            description = "Validates the spec, fills in every default and queues its run (external experiments "
                    + "get one run that accepts metric uploads instead).")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ExperimentSpec.class)))
    @APIResponse(responseCode = "201", description = "Created; Location names the experiment",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    public Response submit(String body) {
        JsonNode spec = StrictJson.parse(body);
        ExperimentView created = service.submit(spec);
        // A path, not an absolute URI: one built from the request would echo whatever Host header the client sent.
        return Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, PATH + "/" + created.id())
                .entity(created).build();
    }

    @GET
    @Operation(operationId = "listExperiments", summary = "List or search experiments, newest first",
            description = "Every filter is optional; given together, an experiment must match all of them.")
    @APIResponse(responseCode = "200", description = "A page of experiments; total counts every match",
            content = @Content(schema = @Schema(implementation = ExperimentPage.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    public ExperimentPage list(@Parameter(description = "1..500, default 50", schema = @Schema(type = SchemaType.INTEGER, format = "int32")) @QueryParam("limit") String limit,
                               @Parameter(description = ">= 0, default 0", schema = @Schema(type = SchemaType.INTEGER, format = "int32")) @QueryParam("offset") String offset,
                               @Parameter(description = "Part of the name, any case") @QueryParam("name") String name,
                               @Parameter(description = "A tag the experiment carries (exact)") @QueryParam("tag") String tag,
                               @Parameter(description = "A state at least one of its runs is in",
                                       schema = @Schema(enumeration = {"queued", "running", "succeeded", "failed", "cancelled", "external"}))
                               @QueryParam("state") String state) {
        Long l = RequestParameters.optionalLong("limit", limit, 1, 500);
        Long o = RequestParameters.optionalLong("offset", offset, 0, Integer.MAX_VALUE);
        ExperimentFilter filter = new ExperimentFilter(RequestParameters.optionalText("name", name, MAX_SEARCH_LENGTH),
                RequestParameters.optionalText("tag", tag, MAX_SEARCH_LENGTH), runState(state));
        return service.page(filter, l == null ? 50 : l.intValue(), o == null ? 0 : o.intValue());
    }

    private static RunState runState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        return Arrays.stream(RunState.values()).filter(s -> s.dbName().equals(state.trim())).findFirst()
                .orElseThrow(() -> ProblemException.invalidParameter("state", "must be one of "
                        + Arrays.stream(RunState.values()).map(RunState::dbName).toList() + ", got " + state));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getExperiment", summary = "One experiment with its runs")
    @APIResponse(responseCode = "200", description = "The experiment",
            content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public ExperimentView get(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID experimentId = RequestParameters.uuid("id", id);
        return service.find(experimentId)
                .orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
    }

    @DELETE
    // A 204 has no body, so generated clients accept only problem+json here; JSON alone would answer them 406.
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Path("/{id}")
    @Operation(operationId = "deleteExperiment", summary = "Delete an experiment with all its runs",
            description = "Deletes the experiment and every run of it (their metrics, phase events and checkpoints), "
                    + "or nothing: while a worker holds one of its runs, the running runs are asked to stop, the queued "
                    + "ones are cancelled, and the answer is 409 with Retry-After; once they have stopped, the same "
                    + "request deletes everything. Needs the submitter role.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocumentation.STILL_RUNNING)
    public Response delete(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID experimentId = RequestParameters.uuid("id", id);
        Deletion deletion = service.deleteExperiment(experimentId);
        return switch (deletion.outcome()) {
            case DELETED -> Response.noContent().build();
            case NOT_FOUND -> throw ProblemException.notFound("no experiment " + experimentId);
            case HELD -> throw service.stillRunning("experiment " + experimentId + " has " + deletion.held().size()
                    + " running run(s) (" + deletion.held().stream().map(UUID::toString).collect(Collectors.joining(", "))
                    + "); their workers have been asked to stop them and its queued runs were cancelled");
        };
    }
}
