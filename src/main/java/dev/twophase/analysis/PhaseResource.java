package dev.twophase.analysis;

import dev.twophase.phase.Compression;
import dev.twophase.phase.Fitting;
import dev.twophase.phase.Generalization;
import dev.twophase.phase.PhaseEvent;
import dev.twophase.phase.PhaseReport;
import dev.twophase.phase.TestLossShape;
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

/**
 * HTTP adapter of the pure phase detector: a run's phases so far and its confirmed events, as
 * {@link PhaseRefresher#current} sees them.
 */
@Path("/api/v1/runs/{runId}/phases")
@Tag(name = "phases")
@Produces(MediaType.APPLICATION_JSON)
public class PhaseResource {

    private final PhaseRefresher phases;

    @Inject
    PhaseResource(PhaseRefresher phases) {
        this.phases = phases;
    }

    /** The report: complete is false while the run may still add points. */
    @Schema(name = "PhaseReport")
    public record RunPhases(UUID runId, String state, boolean complete, Fitting fitting,
                            Generalization generalization, TestLossShape testLoss, List<Compression> compression,
                            @Schema(description = "Confirmed events (also stored in phase_event): while the run "
                                    + "trains an event, once confirmed, keeps its step (status live); when the run "
                                    + "ends the detection over all points refines those it finds again (status "
                                    + "final) and keeps the others as confirmed (status live_only). intervalMethod "
                                    + "says how stepLow..stepHigh was made (a seeded bootstrap, nominal 90 %)")
                            List<PhaseEvent> events) {
    }

    @GET
    @Operation(operationId = "getRunPhases", summary = "Phases of learning detected in the points present so far",
            description = "Fitting end, generalization, test-loss double descent, per-layer and per-estimator I(T;X) "
                    + "compression and local complexity; every field names the metric, threshold and rule behind it; "
                    + "absent phases are null. events lists each confirmed event with its uncertainty interval.")
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(schema = @Schema(implementation = RunPhases.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public RunPhases phases(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        UUID id = RequestParameters.uuid("runId", runId);
        PhaseService.Detection r = phases.current(id).orElseThrow(() -> ProblemException.notFound("no run " + id));
        PhaseReport report = r.report();
        return new RunPhases(id, r.run().state().dbName(), r.run().state().terminal(), report.fitting(),
                report.generalization(), report.testLoss(), report.compression(), r.ledger().events());
    }
}
