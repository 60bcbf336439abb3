package dev.twophase.experiment;

import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.Problem;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import dev.twophase.queue.Deletion;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/runs/{runId}")
@Tag(name = "runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    @Inject
    RunRepository runs;
    @Inject
    RunQueue queue;
    @Inject
    ExperimentService experiments;

    @GET
    @Operation(operationId = "getRun", summary = "A run: state, progress, speed, ETA, attempt, worker, timestamps, error")
    @APIResponse(responseCode = "200", description = "The run",
            content = @Content(schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public RunView get(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        return RunView.of(load(RequestParameters.uuid("runId", runId)));
    }

    @POST
    @Path("/cancel")
    @Operation(operationId = "cancelRun", summary = "Cancel a run",
            description = "A queued run is cancelled at once; a running one stops at its next heartbeat "
                    + "(within a few seconds) and keeps the metrics it wrote.")
    @APIResponse(responseCode = "202", description = "Cancelled, or cancellation requested (cancelRequested = true)",
            content = @Content(schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocumentation.CONFLICT)
    public Response cancel(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        UUID id = RequestParameters.uuid("runId", runId);
        RunRecord before = load(id);
        if (queue.cancel(id).isEmpty()) {
            throw ProblemException.conflict("run " + id + " is " + before.state().dbName() + "; only queued or "
                    + "running runs can be cancelled");
        }
        return Response.accepted(RunView.of(load(id))).build();
    }

    @DELETE
    // A 204 has no body, so generated clients accept only problem+json here; JSON alone would answer them 406.
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(operationId = "deleteRun", summary = "Delete a run with its metrics, phase events and checkpoint",
            description = "A queued, ended or external run is deleted at once. A running one is asked to stop, as by "
                    + "cancelRun, and the answer is 409 with Retry-After until its worker has stopped; then the same "
                    + "request deletes it. Needs the submitter role.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocumentation.STILL_RUNNING)
    public Response delete(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        UUID id = RequestParameters.uuid("runId", runId);
        Deletion deletion = experiments.deleteRun(id);
        return switch (deletion.outcome()) {
            case DELETED -> Response.noContent().build();
            case NOT_FOUND -> throw ProblemException.notFound("no run " + id);
            case HELD -> throw experiments.stillRunning("run " + id + " is running; its worker has been asked to stop it");
        };
    }

    private RunRecord load(UUID id) {
        return runs.find(id).orElseThrow(() -> ProblemException.notFound("no run " + id));
    }
}
