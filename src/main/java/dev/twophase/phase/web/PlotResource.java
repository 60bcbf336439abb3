package dev.twophase.phase.web;

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

    @Inject
    PhaseService phases;

    @GET
    @Produces(SVG)
    @Operation(summary = "A run's accuracies, test loss and I(T;X) per layer on a log-step axis, with its events marked")
    @APIResponse(responseCode = "200", description = "SVG", content = @Content(mediaType = SVG,
            schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public String runPlot(@Parameter(description = "Run id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("runId") String runId) {
        UUID id = RequestParameters.uuid("runId", runId);
        PhaseService.Refreshed r = phases.refresh(id).orElseThrow(() -> ProblemException.notFound("no run " + id));
        PhaseInputs inputs = phases.inputs(id);
        List<PhaseEvent> events = r.ledger().events();
        List<RunPlot.Panel> panels = new ArrayList<>();
        Map<String, Series> accuracy = new LinkedHashMap<>();
        accuracy.put(PhaseInputs.TRAIN_ACCURACY, inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY));
        accuracy.put(PhaseInputs.TEST_ACCURACY, inputs.wholeModel(PhaseInputs.TEST_ACCURACY));
        panels.add(new RunPlot.Panel("accuracy", accuracy, eventsOf(events, PhaseInputs.TRAIN_ACCURACY,
                PhaseInputs.TEST_ACCURACY)));
        panels.add(new RunPlot.Panel("test loss", Map.of(PhaseInputs.TEST_LOSS, inputs.wholeModel(PhaseInputs.TEST_LOSS)),
                eventsOf(events, PhaseInputs.TEST_LOSS)));
        Map<String, Series> information = new LinkedHashMap<>();
        List<String> miNames = new ArrayList<>();
        inputs.series().forEach((name, layers) -> {
            if (name.equals(PhaseInputs.MUTUAL_INFORMATION_TX) || name.startsWith(PhaseInputs.MUTUAL_INFORMATION_TX + ":")) {
                miNames.add(name);
                layers.forEach((layer, s) -> information.put(name + " layer " + layer, s));
            }
        });
        panels.add(new RunPlot.Panel("I(T;X) (bits)", information, eventsOf(events, miNames.toArray(String[]::new))));
        return RunPlot.render("run " + id + " (" + r.run().state().dbName() + ", step " + r.run().step() + ")", panels);
    }

    private static List<PhaseEvent> eventsOf(List<PhaseEvent> events, String... metricNames) {
        List<String> names = List.of(metricNames);
        return events.stream().filter(e -> names.contains(e.metric())).toList();
    }
}
