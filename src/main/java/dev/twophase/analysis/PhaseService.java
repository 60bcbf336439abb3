package dev.twophase.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.PhasesSpec;
import dev.twophase.metrics.FullSeries;
import dev.twophase.metrics.MetricQuery;
import dev.twophase.metrics.MetricSeries;
import dev.twophase.phase.BootstrapIntervals;
import dev.twophase.phase.DetectionSettings;
import dev.twophase.phase.EventLedger;
import dev.twophase.phase.PhaseDetector;
import dev.twophase.phase.PhaseEvent;
import dev.twophase.phase.PhaseInputs;
import dev.twophase.phase.PhaseReport;
import dev.twophase.phase.Series;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Runs the pure detector over a run's stored series and carries the result through the run's
 * {@link EventLedger}, in memory: new confirmed events while the run trains; once it has finished,
 * the final detection over all points refines the events it finds again and marks the others
 * {@code live_only} instead of deleting them. Writes nothing: {@link PhaseRefresher} stores what a
 * detection changed.
 */
@ApplicationScoped
public class PhaseService {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Series (name, layer) one detection reads: a trained run with every measure has a few dozen. */
    public static final int MAX_SERIES = 128;
    /** Points per series one detection reads: 10^6 steps measured every 100 steps, or a thinned longer series. */
    public static final int MAX_POINTS = 10_000;

    private final MetricQuery metrics;
    private final RunRepository runs;
    private final PhaseEventStore events;

    @Inject
    PhaseService(MetricQuery metrics, RunRepository runs, PhaseEventStore events) {
        this.metrics = metrics;
        this.runs = runs;
        this.events = events;
    }

    /**
     * The detection over the points present now, with the run, the series it has ({@code catalog}), the series
     * read, and its confirmed events as the ledger has them after this detection.
     *
     * @param toStore the ledger's changes to store; null when there is nothing to store (a finished run whose
     *                final recompute is stored already)
     */
    public record Detection(RunRecord run, List<MetricSeries> catalog, PhaseInputs inputs, PhaseReport report,
                            EventLedger ledger, List<PhaseEvent> toStore) {

        /** Whether this is the final recompute of a finished run. */
        public boolean isFinal() {
            return run.state().terminal();
        }
    }

    public Optional<Detection> detect(UUID runId) {
        Optional<RunRecord> found = runs.find(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RunRecord run = found.get();
        List<MetricSeries> catalog = metrics.seriesOf(runId);
        PhaseInputs inputs = inputs(runId, catalog);
        PhaseDetector detector = new PhaseDetector(settings(run));
        BootstrapIntervals intervals = new BootstrapIntervals(detector);
        PhaseReport report = detector.detect(inputs);
        EventLedger ledger = new EventLedger(events.events(runId));
        // Intervals are bootstrapped only for what gets stored: a new event once, every event once at the end
        // (a finished run read again reuses its stored final events).
        List<PhaseEvent> toStore;
        if (!run.state().terminal()) {
            toStore = ledger.confirm(intervals.apply(ledger.unconfirmed(report.events()), inputs));
        } else if (!events.finallyScanned(runId)) {
            toStore = ledger.finish(intervals.apply(report.events(), inputs));
        } else {
            toStore = null;
        }
        return Optional.of(new Detection(run, catalog, inputs, report, ledger, toStore));
    }

    /**
     * The rules' settings from the run's stored spec ({@code phases}, and the optimizer's warm-up the shape rules
     * skip); the detector's defaults for a spec stored before the section existed.
     */
    static DetectionSettings settings(RunRecord run) {
        try {
            JsonNode spec = JSON.readTree(run.specJson());
            long warmup = spec.path("optimizer").path("warmupSteps").asLong(0);
            JsonNode phases = spec.get("phases");
            if (phases == null || !phases.isObject()) {
                return DetectionSettings.defaults().withWarmup(warmup);
            }
            PhasesSpec p = JSON.treeToValue(phases, PhasesSpec.class);
            return new DetectionSettings(p.fittingThreshold(), p.generalizationThreshold(),
                    p.generalizationOnsetFraction(), p.smoothingWindow(), p.logHalfWidth(), p.minimumRelativeChange(),
                    p.noiseMultiplier(), p.penaltyFactor(), p.maxLogHalfWidth(), p.plateauTolerance(), warmup);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of run " + run.id() + " is not readable", e);
        }
    }

    /** Every series the detector reads that the run has (see {@link #inputs(UUID, List)}). */
    public PhaseInputs inputs(UUID runId) {
        return inputs(runId, metrics.seriesOf(runId));
    }

    /**
     * Every series of {@code catalog} the detector reads, whichever measures the run recorded; bounded whatever
     * the run holds (an external run may upload any series): at most {@link #MAX_SERIES} series, each thinned
     * to about {@link #MAX_POINTS} points.
     */
    private PhaseInputs inputs(UUID runId, List<MetricSeries> catalog) {
        List<String> names = catalog.stream().map(MetricSeries::name).filter(PhaseService::detected).distinct().toList();
        Map<String, List<FullSeries>> read = metrics.readBounded(runId, names, MAX_SERIES, MAX_POINTS);
        SortedMap<String, SortedMap<Integer, Series>> series = new TreeMap<>();
        read.forEach((name, layers) -> {
            SortedMap<Integer, Series> byLayer = new TreeMap<>();
            layers.forEach(s -> byLayer.put(s.layer(), Series.of(s.steps(), s.values())));
            series.put(name, byLayer);
        });
        return new PhaseInputs(series);
    }

    private static boolean detected(String name) {
        return name.equals(PhaseInputs.TRAIN_ACCURACY) || name.equals(PhaseInputs.TEST_ACCURACY)
                || name.equals(PhaseInputs.TEST_LOSS) || name.equals(PhaseInputs.MUTUAL_INFORMATION_TX)
                || name.startsWith(PhaseInputs.MUTUAL_INFORMATION_TX + ":")
                || name.startsWith(PhaseInputs.LOCAL_COMPLEXITY_PREFIX);
    }
}
