package dev.twophase.phase.web;

import dev.twophase.experiment.ExperimentService;
import dev.twophase.experiment.ExperimentView;
import dev.twophase.metrics.FullSeries;
import dev.twophase.metrics.MetricQuery;
import dev.twophase.phase.Series;
import dev.twophase.phase.plot.InformationPlanePlot;
import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An experiment's information plane (default-estimator mi_tx / mi_ty) as SVG. */
@Path("/api/v1/experiments/{id}/information-plane.svg")
@Tag(name = "phases")
public class InformationPlaneResource {

    @Inject
    ExperimentService experiments;
    @Inject
    RunRepository runs;
    @Inject
    MetricQuery metrics;

    @GET
    @Produces(PlotResource.SVG)
    @Operation(summary = "I(T;Y) against I(T;X) per layer, one trajectory per run, points coloured by step")
    @APIResponse(responseCode = "200", description = "SVG", content = @Content(mediaType = PlotResource.SVG,
            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public String informationPlane(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID experimentId = RequestParameters.uuid("id", id);
        ExperimentView experiment = experiments.find(experimentId)
                .orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
        List<InformationPlanePlot.Trajectory> trajectories = new ArrayList<>();
        for (RunRecord run : runs.findByExperiments(List.of(experimentId))) {
            Map<String, List<FullSeries>> read = metrics.readFull(run.id(), List.of("mi_tx", "mi_ty"));
            for (FullSeries tx : read.get("mi_tx")) {
                read.get("mi_ty").stream().filter(ty -> ty.layer() == tx.layer()).findFirst().ifPresent(ty ->
                        trajectories.add(new InformationPlanePlot.Trajectory("run " + run.ordinal() + " layer "
                                + tx.layer(), Series.of(tx.steps(), tx.values()), Series.of(ty.steps(), ty.values()))));
            }
        }
        return InformationPlanePlot.render("information plane of " + experiment.name(), trajectories);
    }

}
