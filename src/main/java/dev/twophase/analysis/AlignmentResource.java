package dev.twophase.analysis;

import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Timescale alignment across the runs of one experiment (typically a sweep). */
@Path("/api/v1/experiments/{id}/alignment")
@Tag(name = "phases")
@Produces(MediaType.APPLICATION_JSON)
public class AlignmentResource {

    private final AlignmentService alignment;

    @Inject
    AlignmentResource(AlignmentService alignment) {
        this.alignment = alignment;
    }

    @GET
    @Operation(operationId = "getExperimentAlignment", summary = "Timescale alignment of the phases across an experiment's runs",
            description = "Per run the detected event steps; across runs, per I(T;X) series (metric and layer): "
                    + "compression onset vs fitting end and vs the test-loss hump peak, compression end vs "
                    + "generalization completion (>= 0.95) and vs the generalization plateau (the paper's end of generalization), as ratios and log10-step differences with their spread and "
                    + "Spearman rank correlations with n. Says so plainly when there are too few runs.")
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(schema = @Schema(implementation = AlignmentService.Report.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public AlignmentService.Report alignment(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID experimentId = RequestParameters.uuid("id", id);
        return alignment.report(experimentId).orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
    }
}
