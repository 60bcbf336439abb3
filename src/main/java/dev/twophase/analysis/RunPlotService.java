package dev.twophase.analysis;

import dev.twophase.metrics.MetricSeries;
import dev.twophase.phase.PhaseEvent;
import dev.twophase.phase.PhaseInputs;
import dev.twophase.phase.Series;
import dev.twophase.phase.plot.RunPlot;
import dev.twophase.platform.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A run's curves and events as SVG, drawn from the series its phase detection read (one read per picture):
 * accuracies, test loss, and the requested I(T;X) series per layer.
 */
@ApplicationScoped
public class RunPlotService {

    /** I(T;X) series (name and layer) drawn in one panel, whatever the run holds; the title says how many there are. */
    static final int MAX_SERIES_PER_PANEL = 24;
    /** Points drawn per series: twice the plot's width in pixels. */
    static final int MAX_DRAWN_POINTS = 1_200;

    private final PhaseRefresher phases;

    @Inject
    RunPlotService(PhaseRefresher phases) {
        this.phases = phases;
    }

    /**
     * The SVG; {@code series} names the I(T;X) series to draw (default mi_tx, "all" for every one). A name the
     * run does not record is a 400 naming {@code series}; an unknown run a 404.
     */
    public String render(UUID runId, List<String> series) {
        PhaseService.Detection d = phases.current(runId).orElseThrow(() -> ProblemException.notFound("no run " + runId));
        PhaseInputs inputs = d.inputs();
        List<PhaseEvent> events = d.ledger().events();
        List<RunPlot.Panel> panels = new ArrayList<>();
        Map<String, Series> accuracy = new LinkedHashMap<>();
        accuracy.put(PhaseInputs.TRAIN_ACCURACY, thin(inputs.wholeModel(PhaseInputs.TRAIN_ACCURACY)));
        accuracy.put(PhaseInputs.TEST_ACCURACY, thin(inputs.wholeModel(PhaseInputs.TEST_ACCURACY)));
        panels.add(new RunPlot.Panel("accuracy", accuracy, eventsOf(events, PhaseInputs.TRAIN_ACCURACY,
                PhaseInputs.TEST_ACCURACY)));
        panels.add(new RunPlot.Panel("test loss", Map.of(PhaseInputs.TEST_LOSS, thin(inputs.wholeModel(PhaseInputs.TEST_LOSS))),
                eventsOf(events, PhaseInputs.TEST_LOSS)));
        panels.add(informationPanel(runId, d, series, events));
        return RunPlot.render("run " + runId + " (" + d.run().state().dbName() + ", step " + d.run().step() + ")", panels);
    }

    private static RunPlot.Panel informationPanel(UUID runId, PhaseService.Detection d, List<String> series,
                                                  List<PhaseEvent> events) {
        boolean all = series != null && series.contains("all");
        Set<String> wanted = series == null || series.isEmpty() ? Set.of(PhaseInputs.MUTUAL_INFORMATION_TX)
                : new LinkedHashSet<>(series);
        if (!all && series != null && !series.isEmpty()) {
            Set<String> recorded = new HashSet<>();
            d.catalog().forEach(m -> recorded.add(m.name()));
            for (String name : wanted) {
                if (!PhaseInputs.isInformationTx(name) || !recorded.contains(name)) {
                    throw ProblemException.invalidParameter("series", "run " + runId + " records no I(T;X) series " + name
                            + " (mi_tx or mi_tx:<estimator>...; all draws every one)");
                }
            }
        }
        Map<String, Series> information = new LinkedHashMap<>();
        List<String> miNames = new ArrayList<>();
        int[] found = {0};
        d.inputs().series().forEach((name, layers) -> {
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
        long recorded = d.catalog().stream().map(MetricSeries::name).filter(PhaseInputs::isInformationTx).count();
        String title = recorded > information.size()
                ? "I(T;X) (bits), " + information.size() + " of " + recorded + " series" : "I(T;X) (bits)";
        return new RunPlot.Panel(title, information, eventsOf(events, miNames.toArray(String[]::new)));
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
