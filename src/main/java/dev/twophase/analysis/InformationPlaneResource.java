package dev.twophase.analysis;

import dev.twophase.experiment.ExperimentService;
import dev.twophase.experiment.ExperimentView;
import dev.twophase.metrics.FullSeries;
import dev.twophase.metrics.MetricNames;
import dev.twophase.metrics.MetricQuery;
import dev.twophase.metrics.MetricSeries;
import dev.twophase.phase.PhaseInputs;
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
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An experiment's information plane as SVG: by default the first estimator's {@code mi_tx} /
 * {@code mi_ty}, or the estimator/representation series named by {@code series}.
 */
@Path("/api/v1/experiments/{id}/information-plane.svg")
@Tag(name = "phases")
public class InformationPlaneResource {

    /** Trajectories (run, layer, series) one picture draws, whatever the experiment holds. */
    static final int MAX_TRAJECTORIES = 64;
    /** Points per series read for it (thinned by rank, so I(T;X) and I(T;Y) keep pairing up). */
    static final int MAX_POINTS = 2_000;

    @Inject
    ExperimentService experiments;
    @Inject
    RunRepository runs;
    @Inject
    MetricQuery metrics;

    @GET
    @Produces(PlotResource.SVG)
    @Operation(operationId = "getInformationPlane", summary = "I(T;Y) against I(T;X) per layer, one trajectory per run, points coloured by step",
            description = "series picks the I(T;X) series (repeat it to overlay several): mi_tx (the default, the "
                    + "first estimator) or mi_tx:<estimator>[:<representation>][:<inputs>] as the run writes it, e.g. "
                    + "mi_tx:kde_upper:mlp_hidden; it is paired with the mi_ty series of the same suffix. A name that "
                    + "is not an I(T;X) series, or that no run of the experiment records, is a 400 naming series.")
    @APIResponse(responseCode = "200", description = "SVG", content = @Content(mediaType = PlotResource.SVG,
            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public String informationPlane(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id,
            @Parameter(description = "I(T;X) series to draw, e.g. mi_tx:kde_upper:mlp_hidden; repeatable; default mi_tx")
            @QueryParam("series") List<String> series) {
        UUID experimentId = RequestParameters.uuid("id", id);
        ExperimentView experiment = experiments.find(experimentId)
                .orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
        List<String> names = series == null || series.isEmpty() ? List.of(MetricNames.MI_TX) : List.copyOf(new LinkedHashSet<>(series));
        boolean named = series != null && !series.isEmpty();
        for (String name : names) {
            if (!PhaseInputs.isInformationTx(name)) {
                throw ProblemException.invalidParameter("series", "not an I(T;X) series (mi_tx or mi_tx:<estimator>"
                        + "...): " + name);
            }
        }
        List<RunRecord> experimentRuns = runs.findByExperiments(List.of(experimentId));
        if (named) {
            Set<String> recorded = new TreeSet<>();
            experimentRuns.forEach(run -> metrics.seriesOf(run.id()).stream().map(MetricSeries::name)
                    .filter(PhaseInputs::isInformationTx).forEach(recorded::add));
            for (String name : names) {
                if (!recorded.contains(name)) {
                    throw ProblemException.invalidParameter("series", "no run of experiment " + experimentId
                            + " records " + name + "; recorded: " + recorded);
                }
            }
        }
        List<InformationPlanePlot.Trajectory> trajectories = new ArrayList<>();
        boolean cut = false;
        for (RunRecord run : experimentRuns) {
            for (String tx : names) {
                if (trajectories.size() >= MAX_TRAJECTORIES) {
                    cut = true;
                    break;
                }
                String ty = MetricNames.MI_TY + tx.substring(MetricNames.MI_TX.length());
                Map<String, List<FullSeries>> read = metrics.readBounded(run.id(), List.of(tx, ty),
                        MAX_TRAJECTORIES, MAX_POINTS);
                for (FullSeries x : read.getOrDefault(tx, List.of())) {
                    read.getOrDefault(ty, List.of()).stream().filter(y -> y.layer() == x.layer()).findFirst()
                            .ifPresent(y -> trajectories.add(new InformationPlanePlot.Trajectory("run " + run.ordinal()
                                    + " layer " + x.layer() + (named ? " " + tx : ""), Series.of(x.steps(), x.values()),
                                    Series.of(y.steps(), y.values()))));
                }
            }
        }
        List<InformationPlanePlot.Trajectory> drawn = trajectories.subList(0, Math.min(MAX_TRAJECTORIES, trajectories.size()));
        return InformationPlanePlot.render("information plane of " + experiment.name()
                + (named ? " (" + String.join(", ", names) + ")" : "")
                + (cut || drawn.size() < trajectories.size() ? " (the first " + MAX_TRAJECTORIES + " trajectories)" : ""),
                drawn);
    }

}
