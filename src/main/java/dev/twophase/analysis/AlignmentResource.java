package dev.twophase.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.ExperimentService;
import dev.twophase.experiment.ExperimentView;
import dev.twophase.phase.Alignment;
import dev.twophase.phase.PhaseEvent;
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
import jakarta.ws.rs.core.MediaType;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** Timescale alignment across the runs of one experiment (typically a sweep). */
@Path("/api/v1/experiments/{id}/alignment")
@Tag(name = "phases")
@Produces(MediaType.APPLICATION_JSON)
public class AlignmentResource {

    @Inject
    ExperimentService experiments;
    @Inject
    RunRepository runs;
    @Inject
    PhaseService phases;
    @Inject
    ObjectMapper json;

    /** One run's event steps: whole-model events by kind, compression events by series. */
    @Schema(name = "RunAlignment")
    public record RunEvents(UUID runId, int ordinal, String state,
                            @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                                    implementation = Map.class, description = "The run's value at each sweep path")
                            Map<String, JsonNode> sweepValues,
                            Map<String, Long> events,
                            @Schema(description = "Keyed \"metric@layer\", e.g. mi_tx@1") Map<String, Map<String, Long>> compression) {
    }

    @Schema(name = "AlignmentReport")
    public record Report(UUID experimentId, int runs, int completeRuns, String statement, List<RunEvents> perRun,
                         List<Alignment.Relation> relations) {
    }

    @GET
    @Operation(operationId = "getExperimentAlignment", summary = "Timescale alignment of the phases across an experiment's runs",
            description = "Per run the detected event steps; across runs, per I(T;X) series (metric and layer): "
                    + "compression onset vs fitting end and vs the test-loss hump peak, compression end vs "
                    + "generalization completion (>= 0.95) and vs the generalization plateau (the paper's end of generalization), as ratios and log10-step differences with their spread and "
                    + "Spearman rank correlations with n. Says so plainly when there are too few runs.")
    @APIResponse(responseCode = "200", description = "The report",
            content = @Content(schema = @Schema(implementation = Report.class)))
    @APIResponse(responseCode = "400", ref = ApiDocumentation.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocumentation.NOT_FOUND)
    public Report alignment(@Parameter(description = "Experiment id", schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID experimentId = RequestParameters.uuid("id", id);
        ExperimentView experiment = experiments.find(experimentId)
                .orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
        List<String> sweepPaths = new ArrayList<>();
        experiment.spec().path("sweep").fieldNames().forEachRemaining(sweepPaths::add);
        List<RunEvents> perRun = new ArrayList<>();
        int complete = 0;
        for (RunRecord run : runs.findByExperiments(List.of(experimentId))) {
            List<PhaseEvent> confirmed = phases.refresh(run.id()).map(r -> r.ledger().events()).orElse(List.of());
            Map<String, Long> events = new TreeMap<>();
            Map<String, Map<String, Long>> compression = new TreeMap<>();
            for (PhaseEvent e : confirmed) {
                if (e.kind().equals(PhaseEvent.INFORMATION_PEAK) || e.kind().equals(PhaseEvent.COMPRESSION_ONSET)
                        || e.kind().equals(PhaseEvent.COMPRESSION_END)) {
                    compression.computeIfAbsent(e.metric() + "@" + e.layer(), k -> new TreeMap<>()).put(e.kind(), e.step());
                } else if (e.layer() == 0) {
                    events.put(e.kind(), e.step());
                }
            }
            complete += run.state().terminal() ? 1 : 0;
            perRun.add(new RunEvents(run.id(), run.ordinal(), run.state().dbName(), sweepValues(run, sweepPaths),
                    events, compression));
        }
        List<Alignment.Relation> relations = new ArrayList<>();
        TreeSet<String> series = new TreeSet<>();
        perRun.forEach(r -> series.addAll(r.compression().keySet()));
        for (String s : series) {
            relations.add(relate(perRun, s, PhaseEvent.FITTING_END, PhaseEvent.COMPRESSION_ONSET));
            relations.add(relate(perRun, s, PhaseEvent.TEST_LOSS_HUMP_PEAK, PhaseEvent.COMPRESSION_ONSET));
            relations.add(relate(perRun, s, PhaseEvent.GENERALIZATION_COMPLETE, PhaseEvent.COMPRESSION_END));
            relations.add(relate(perRun, s, PhaseEvent.GENERALIZATION_PLATEAU, PhaseEvent.COMPRESSION_END));
        }
        return new Report(experimentId, perRun.size(), complete, statement(perRun.size(), series.isEmpty()), perRun,
                relations);
    }

    private static Alignment.Relation relate(List<RunEvents> perRun, String series, String first, String second) {
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        for (RunEvents r : perRun) {
            a.add(r.events().get(first));
            b.add(r.compression().getOrDefault(series, Map.of()).get(second));
        }
        return Alignment.relate(second + " vs " + first + " (" + series + ")", first, second, a, b);
    }

    private static String statement(int runs, boolean noCompression) {
        if (runs < Alignment.MIN_FOR_CORRELATION) {
            return "This experiment has " + runs + " run(s): too few to conclude anything about whether the phases "
                    + "align; a sweep of at least " + Alignment.MIN_FOR_CORRELATION + " runs with the events is "
                    + "needed for a rank correlation." + (noCompression ? " No run shows a compression phase yet." : "");
        }
        return noCompression
                ? "No run shows a compression phase (I(T;X) peak followed by a sustained decline): nothing to align."
                : "See each relation's statement: it uses only the runs that have both events.";
    }

    private Map<String, JsonNode> sweepValues(RunRecord run, List<String> paths) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (paths.isEmpty()) {
            return values;
        }
        try {
            JsonNode spec = json.readTree(run.specJson());
            for (String path : paths) {
                values.put(path, spec.at("/" + path.replace('.', '/')));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored spec of run " + run.id() + " is not JSON", e);
        }
        return values;
    }
}
