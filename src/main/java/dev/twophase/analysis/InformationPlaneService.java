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
import dev.twophase.platform.ProblemException;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * An experiment's information plane: checks the requested I(T;X) series, reads each run's trajectories
 * (bounded) and draws them.
 */
@ApplicationScoped
public class InformationPlaneService {

    /** Trajectories (run, layer, series) one picture draws, whatever the experiment holds. */
    static final int MAX_TRAJECTORIES = 64;
    /** Points per series read for it (thinned by rank, so I(T;X) and I(T;Y) keep pairing up). */
    static final int MAX_POINTS = 2_000;

    private final ExperimentService experiments;
    private final RunRepository runs;
    private final MetricQuery metrics;

    @Inject
    InformationPlaneService(ExperimentService experiments, RunRepository runs, MetricQuery metrics) {
        this.experiments = experiments;
        this.runs = runs;
        this.metrics = metrics;
    }

    /**
     * The SVG: by default the first estimator's {@code mi_tx} / {@code mi_ty}; a requested series that is not
     * I(T;X) or that no run records is a 400 naming {@code series}; an unknown experiment a 404.
     */
    public String render(UUID experimentId, List<String> series) {
        ExperimentView experiment = experiments.find(experimentId)
                .orElseThrow(() -> ProblemException.notFound("no experiment " + experimentId));
        boolean named = series != null && !series.isEmpty();
        List<String> names = named ? List.copyOf(new LinkedHashSet<>(series)) : List.of(MetricNames.MI_TX);
        for (String name : names) {
            if (!PhaseInputs.isInformationTx(name)) {
                throw ProblemException.invalidParameter("series", "not an I(T;X) series (mi_tx or mi_tx:<estimator>"
                        + "...): " + name);
            }
        }
        List<RunRecord> experimentRuns = runs.findByExperiments(List.of(experimentId));
        if (named) {
            requireRecorded(experimentId, experimentRuns, names);
        }
        List<InformationPlanePlot.Trajectory> trajectories = new ArrayList<>();
        boolean cut = false;
        for (RunRecord run : experimentRuns) {
            for (String tx : names) {
                if (trajectories.size() >= MAX_TRAJECTORIES) {
                    cut = true;
                    break;
                }
                trajectories.addAll(trajectories(run, tx, named));
            }
        }
        List<InformationPlanePlot.Trajectory> drawn = trajectories.subList(0, Math.min(MAX_TRAJECTORIES, trajectories.size()));
        return InformationPlanePlot.render("information plane of " + experiment.name()
                + (named ? " (" + String.join(", ", names) + ")" : "")
                + (cut || drawn.size() < trajectories.size() ? " (the first " + MAX_TRAJECTORIES + " trajectories)" : ""),
                drawn);
    }

    private void requireRecorded(UUID experimentId, List<RunRecord> experimentRuns, List<String> names) {
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

    /** One run's trajectories of {@code tx}, each layer paired with the {@code mi_ty} series of the same suffix. */
    private List<InformationPlanePlot.Trajectory> trajectories(RunRecord run, String tx, boolean named) {
        String ty = MetricNames.MI_TY + tx.substring(MetricNames.MI_TX.length());
        Map<String, List<FullSeries>> read = metrics.readBounded(run.id(), List.of(tx, ty), MAX_TRAJECTORIES, MAX_POINTS);
        List<InformationPlanePlot.Trajectory> out = new ArrayList<>();
        for (FullSeries x : read.getOrDefault(tx, List.of())) {
            read.getOrDefault(ty, List.of()).stream().filter(y -> y.layer() == x.layer()).findFirst()
                    .ifPresent(y -> out.add(new InformationPlanePlot.Trajectory("run " + run.ordinal()
                            + " layer " + x.layer() + (named ? " " + tx : ""), Series.of(x.steps(), x.values()),
                            Series.of(y.steps(), y.values()))));
        }
        return out;
    }
}
