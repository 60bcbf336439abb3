package dev.twophase.analysis;

import dev.twophase.metrics.MetricQuery;
import dev.twophase.phase.PhaseEvent;
import dev.twophase.phase.PhaseInputs;
import dev.twophase.phase.Series;
import dev.twophase.phase.plot.RunPlot;
import dev.twophase.platform.ApiDocumentation;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.RequestParameters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A run's curves and events as SVG. (Its own full path: under a bare "/api/v1" JAX-RS would pick
 * the runs resource for the prefix and answer 404.)
 */
@Path("/api/v1/runs/{runId}/plot.svg")
@Tag(name = "phases")
public class PlotResource {

    static final String SVG = "image/svg+xml";
    /** I(T;X) series (name and layer) drawn in one panel, whatever the run holds; the title says how many there are. */
    static final int MAX_SERIES_PER_PANEL = 24;
    /** Points drawn per series: twice the plot's width in pixels. */
    static final int MAX_DRAWN_POINTS = 1_200;

    @Inject
    PhaseService phases;
    @Inject
    MetricQuery metrics;

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
        UUID id = RequestParameters.uuid("runId", runId);
        PhaseService.Refreshed r = phases.refresh(id).orElseThrow(() -> ProblemException.notFound("no run " + id));
        PhaseInputs inputs = phases.inputs(id);
        List<PhaseEvent> events = r.ledger().events();
        List<RunPlot.Panel> panels = new ArrayList<>();
        Map<String, Series> accuracy = new LinkedHashMap<>();
        accuracy.put(PhaseInputs.TRAIN_ACCURACY, thin(inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY)));
        accuracy.put(PhaseInputs.TEST_ACCURACY, thin(inputs.wholeModel(PhaseInputs.TEST_ACCURACY)));
        panels.add(new RunPlot.Panel("accuracy", accuracy, eventsOf(events, PhaseInputs.TRAIN_ACCURACY,
                PhaseInputs.TEST_ACCURACY)));
        panels.add(new RunPlot.Panel("test loss", Map.of(PhaseInputs.TEST_LOSS, thin(inputs.wholeModel(PhaseInputs.TEST_LOSS))),
                eventsOf(events, PhaseInputs.TEST_LOSS)));
        boolean all = series != null && series.contains("all");
        java.util.Set<String> wanted = series == null || series.isEmpty() ? java.util.Set.of(PhaseInputs.MUTUAL_INFORMATION_TX)
                : new java.util.LinkedHashSet<>(series);
        if (!all && series != null && !series.isEmpty()) {
            java.util.Set<String> recorded = new java.util.HashSet<>();
            metrics.seriesOf(id).forEach(m -> recorded.add(m.name()));
            for (String name : wanted) {
                if (!PhaseInputs.isInformationTx(name) || !recorded.contains(name)) {
                    throw ProblemException.invalidParameter("series", "run " + id + " records no I(T;X) series " + name
                            + " (mi_tx or mi_tx:<estimator>...; all draws every one)");
                }
            }
        }
        Map<String, Series> information = new LinkedHashMap<>();
        List<String> miNames = new ArrayList<>();
        int[] found = {0};
        inputs.series().forEach((name, layers) -> {
            if (PhaseInputs.isInformationTx(name) && (all || wanted.contains(name))) {
                layers.forEach((layer, s) -> {
                    if (found[0]++ < MAX_SERIES_PER_PANEL) {
                        information.put(name + " layer " + layer, thin(s));
                        if (!miNames.contains(name)) {
                            miNames.add(name);
                        }
                    }
                });
            }
        });
        // The detection reads a bounded number of series; the title counts all the run has.
        long recorded = metrics.seriesOf(id).stream().filter(m -> PhaseInputs.isInformationTx(m.name())).count();
        String title = recorded > information.size()
                ? "I(T;X) (bits), " + information.size() + " of " + recorded + " series" : "I(T;X) (bits)";
        panels.add(new RunPlot.Panel(title, information, eventsOf(events, miNames.toArray(String[]::new))));
        return RunPlot.render("run " + id + " (" + r.run().state().dbName() + ", step " + r.run().step() + ")", panels);
    }

    /**
     * At most {@link #MAX_DRAWN_POINTS} points of a series, every k-th by rank plus the last: a picture
     * 580 pixels wide shows no more, and its size stays bounded whatever the run holds.
     */
    static Series thin(Series s) {
        if (s.size() <= MAX_DRAWN_POINTS) {
            return s;
        }
        int every = (s.size() + MAX_DRAWN_POINTS - 1) / MAX_DRAWN_POINTS;
        int n = (s.size() - 1) / every + 1 + ((s.size() - 1) % every == 0 ? 0 : 1);
        long[] steps = new long[n];
        double[] values = new double[n];
        int k = 0;
        for (int i = 0; i < s.size(); i += every) {
            steps[k] = s.step(i);
            values[k++] = s.value(i);
        }
        if (k < n) {
            steps[k] = s.step(s.size() - 1);
            values[k] = s.value(s.size() - 1);
        }
        return Series.of(steps, values);
    }

    private static List<PhaseEvent> eventsOf(List<PhaseEvent> events, String... metricNames) {
        List<String> names = List.of(metricNames);
        return events.stream().filter(e -> names.contains(e.metric())).toList();
    }
}
