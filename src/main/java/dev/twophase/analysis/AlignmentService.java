package dev.twophase.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.ExperimentService;
import dev.twophase.experiment.ExperimentView;
import dev.twophase.phase.Alignment;
import dev.twophase.phase.PhaseEvent;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Assembles the timescale alignment across the runs of one experiment (typically a sweep). */
@ApplicationScoped
public class AlignmentService {

    private final ExperimentService experiments;
    private final RunRepository runs;
    private final PhaseRefresher phases;
    private final ObjectMapper json;

    @Inject
    AlignmentService(ExperimentService experiments, RunRepository runs, PhaseRefresher phases, ObjectMapper json) {
        this.experiments = experiments;
        this.runs = runs;
        this.phases = phases;
        this.json = json;
    }

    /** One run's event steps: whole-model events by kind, compression events by series. */
    @Schema(name = "RunAlignment")
    public record RunEvents(UUID runId, int ordinal, String state,
                            @Schema(type = SchemaType.OBJECT,
                                    implementation = Map.class, description = "The run's value at each sweep path")
                            Map<String, JsonNode> sweepValues,
                            Map<String, Long> events,
                            @Schema(description = "Keyed \"metric@layer\", e.g. mi_tx@1") Map<String, Map<String, Long>> compression) {
    }

    @Schema(name = "AlignmentReport")
    public record Report(UUID experimentId, int runs, int completeRuns, String statement, List<RunEvents> perRun,
                         List<Alignment.Relation> relations) {
    }

    /** The report; empty when there is no such experiment. */
    public Optional<Report> report(UUID experimentId) {
        Optional<ExperimentView> experiment = experiments.find(experimentId);
        if (experiment.isEmpty()) {
            return Optional.empty();
        }
        List<String> sweepPaths = new ArrayList<>();
        experiment.get().spec().path("sweep").fieldNames().forEachRemaining(sweepPaths::add);
        List<RunEvents> perRun = new ArrayList<>();
        int complete = 0;
        for (RunRecord run : runs.findByExperiments(List.of(experimentId))) {
            List<PhaseEvent> confirmed = phases.current(run.id()).map(r -> r.ledger().events()).orElse(List.of());
            perRun.add(runEvents(run, confirmed, sweepPaths));
            complete += run.state().terminal() ? 1 : 0;
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
        return Optional.of(new Report(experimentId, perRun.size(), complete, statement(perRun.size(), series.isEmpty()),
                perRun, relations));
    }

    private RunEvents runEvents(RunRecord run, List<PhaseEvent> confirmed, List<String> sweepPaths) {
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
        return new RunEvents(run.id(), run.ordinal(), run.state().dbName(), sweepValues(run, sweepPaths), events,
                compression);
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
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of run " + run.id() + " is not JSON", e);
        }
        return values;
    }
}
