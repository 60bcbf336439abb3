package dev.twophase.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.ExperimentSpec;
import dev.twophase.experiment.spec.SpecLimits;
import dev.twophase.experiment.spec.SpecValidator;
import dev.twophase.experiment.spec.SweepSpec;
import dev.twophase.platform.FieldError;
import dev.twophase.platform.ProblemException;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.Deletion;
import dev.twophase.queue.NewRun;
import dev.twophase.queue.RunQueue;
import dev.twophase.queue.RunRecord;
import dev.twophase.queue.RunRepository;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Validates specs, stores experiments with their runs in one transaction, and reads them back. */
@ApplicationScoped
public class ExperimentService {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ExperimentRepository experiments;
    @Inject
    RunRepository runs;
    @Inject
    RunQueue queue;
    @Inject
    ObjectMapper json;
    @Inject
    TwophaseConfig config;
    @Inject
    MeterRegistry registry;

    private SpecValidator validator() {
        TwophaseConfig.Limits l = config.limits();
        return new SpecValidator(new SpecLimits(l.maxSteps(), l.maxModulus(), l.maxLayers(), l.maxDModel(),
                l.maxDMlp(), l.maxBatchSize(), l.maxParameters(), l.maxParamsBytes(), l.maxStepFlops(),
                l.maxMeasureFlops(), l.maxMeasureMemory().asLongValue()));
    }

    /**
     * Validates and stores; a bad spec is a 400 listing every violation with its JSON path. A spec
     * with a {@code sweep} becomes one run per combination of its values (ordinal = position in
     * the cartesian product); the experiment keeps the first run's spec plus the sweep itself.
     */
    public ExperimentView submit(JsonNode body) {
        SweepSpec.Expansion expansion = SweepSpec.expand(body, validator(), config.limits().sweepRuns());
        if (!expansion.valid()) {
            List<FieldError> errors = expansion.violations().stream()
                    .map(v -> new FieldError(v.path(), v.message())).toList();
            throw ProblemException.badRequest("the experiment spec has " + errors.size() + " problem(s)", errors);
        }
        ExperimentSpec first = expansion.runs().get(0);
        UUID experimentId = UUID.randomUUID();
        String experimentSpec = write(SweepSpec.describe(json.valueToTree(first), body));
        List<NewRun> newRuns = new java.util.ArrayList<>();
        for (int ordinal = 0; ordinal < expansion.runs().size(); ordinal++) {
            ExperimentSpec spec = expansion.runs().get(ordinal);
            String specJson = write(spec);
            newRuns.add(spec.external()
                    ? new NewRun(UUID.randomUUID(), experimentId, ordinal, specJson, true, "none", 0, 1, null)
                    : new NewRun(UUID.randomUUID(), experimentId, ordinal, specJson, false, spec.resources().device(),
                    spec.resources().priority(), spec.resources().maxAttempts(), spec.training().steps()));
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                experiments.insert(c, experimentId, first.name(), first.external(), experimentSpec);
                for (NewRun run : newRuns) {
                    queue.insert(c, run);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing the experiment failed: " + e.getMessage(), e);
        }
        return find(experimentId).orElseThrow();
    }

    /** Deletes a run no worker holds; a running one is asked to stop and stays (outcome HELD). */
    public Deletion deleteRun(UUID runId) {
        return counted("run", queue.delete(runId));
    }

    /**
     * Deletes an experiment with all its runs in one transaction, or nothing: while a worker holds one of
     * them, its runs are stopped (running ones asked to, queued ones cancelled) and the outcome is HELD.
     */
    public Deletion deleteExperiment(UUID experimentId) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Deletion deletion;
                if (!experiments.lock(c, experimentId)) {
                    deletion = Deletion.notFound();
                } else {
                    List<UUID> held = queue.lockForDeletion(c, experimentId);
                    if (held.isEmpty()) {
                        experiments.delete(c, experimentId);
                        deletion = Deletion.deleted();
                    } else {
                        deletion = Deletion.held(held);
                    }
                }
                c.commit();
                return counted("experiment", deletion);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("deleting experiment " + experimentId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The answer to a delete that found runs still held: 409 with Retry-After. A worker sees the stop request
     * at its next heartbeat; two intervals leave it time to end the run.
     */
    ProblemException stillRunning(String detail) {
        long seconds = Math.max(1, (2 * config.worker().heartbeatInterval().toMillis() + 999) / 1000);
        return ProblemException.conflict(detail + "; nothing was deleted: retry in " + seconds
                + " s, once the worker has stopped").withHeader("Retry-After", Long.toString(seconds));
    }

    private Deletion counted(String kind, Deletion deletion) {
        if (deletion.outcome() == Deletion.Outcome.DELETED) {
            registry.counter("twophase.deletions", "kind", kind).increment();
        }
        return deletion;
    }

    public boolean existsByName(String name) {
        return experiments.existsByName(name);
    }

    public Optional<ExperimentView> find(UUID id) {
        return experiments.find(id).map(row -> view(row, runs.findByExperiments(List.of(id))));
    }

    /** Up to {@code limit} experiments matching the filter, fewer when they would pass {@code twophase.limits.max-page-bytes}. */
    public ExperimentPage page(ExperimentFilter filter, int limit, int offset) {
        List<ExperimentRepository.ExperimentRow> rows = experiments.page(filter, limit, offset,
                config.limits().maxPageBytes().asLongValue());
        Map<UUID, List<RunRecord>> runsByExperiment = runs.findByExperiments(
                        rows.stream().map(ExperimentRepository.ExperimentRow::id).toList())
                .stream().collect(Collectors.groupingBy(RunRecord::experimentId));
        List<ExperimentView> views = rows.stream()
                .map(r -> view(r, runsByExperiment.getOrDefault(r.id(), List.of()))).toList();
        long total = experiments.count(filter);
        Integer next = offset + views.size() < total ? offset + views.size() : null;
        return new ExperimentPage(views, limit, offset, total, next);
    }

    private ExperimentView view(ExperimentRepository.ExperimentRow row, List<RunRecord> runRecords) {
        try {
            JsonNode spec = json.readTree(row.specJson());
            List<String> tags = new java.util.ArrayList<>();
            spec.path("tags").forEach(tag -> tags.add(tag.asText()));
            return new ExperimentView(row.id(), row.name(), tags, row.external(), spec,
                    row.createdAt(), runRecords.stream().map(RunView::of).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of experiment " + row.id() + " is not JSON", e);
        }
    }

    private String write(Object spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("spec could not be serialized", e);
        }
    }
}
