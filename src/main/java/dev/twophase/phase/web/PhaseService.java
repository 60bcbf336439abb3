package dev.twophase.phase.web;

import dev.twophase.metrics.FullSeries;
import dev.twophase.metrics.MetricQuery;
import dev.twophase.metrics.MetricSeries;
import dev.twophase.phase.BootstrapIntervals;
import dev.twophase.phase.EventLedger;
import dev.twophase.phase.PhaseDetector;
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
 * Runs the pure detector over a run's stored series and keeps {@code phase_event} up to date
 * through the run's {@link EventLedger}: new confirmed events are added while the run trains; once
 * it has finished, the final detection over all points refines the events it finds again and
 * marks the others {@code live_only} instead of deleting them. Used by the phase resource and by
 * {@link PhaseRefresher}.
 */
@ApplicationScoped
public class PhaseService {

    private static final PhaseDetector DETECTOR = new PhaseDetector();
    private static final BootstrapIntervals INTERVALS = new BootstrapIntervals(DETECTOR);

    @Inject
    MetricQuery metrics;
    @Inject
    RunRepository runs;
    @Inject
    PhaseEventStore events;

    /** The detection over the points present now, with the run and its confirmed (stored) events. */
    public record Refreshed(RunRecord run, PhaseReport report, EventLedger ledger) {
    }

    public Optional<Refreshed> refresh(UUID runId) {
        Optional<RunRecord> found = runs.find(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RunRecord run = found.get();
        PhaseInputs inputs = inputs(runId);
        PhaseReport report = DETECTOR.detect(inputs);
        boolean isFinal = run.state().terminal();
        EventLedger ledger = new EventLedger(events.events(runId));
        // Intervals are bootstrapped only for what gets stored: a new event once, every event once at the end
        // (a finished run read again, by /phases or the alignment report, reuses its stored final events).
        if (isFinal) {
            if (!events.finallyScanned(runId)) {
                events.store(runId, ledger.finish(INTERVALS.apply(report.events(), inputs)), run.step(), true);
            }
        } else {
            events.store(runId, ledger.confirm(INTERVALS.apply(ledger.unconfirmed(report.events()), inputs)),
                    run.step(), false);
        }
        return Optional.of(new Refreshed(run, report, ledger));
    }

    /** Every series the detector reads that the run has, whichever measures it recorded. */
    public PhaseInputs inputs(UUID runId) {
        List<String> names = metrics.seriesOf(runId).stream().map(MetricSeries::name)
                .filter(PhaseService::detected).distinct().toList();
        Map<String, List<FullSeries>> read = metrics.readFull(runId, names);
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
