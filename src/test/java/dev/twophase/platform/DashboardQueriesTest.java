package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every SQL query of the Grafana dashboards, with Grafana's macros and template variables
 * expanded, against the migrated schema holding a planted experiment: a schema change that breaks a
 * dashboard fails here. Known answers for the panels that matter (curves, annotations, the plane).
 */
@QuarkusTest
class DashboardQueriesTest {

    private static final long[] STEPS = {0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000};
    private static final GrafanaSql.Range ALL_STEPS = new GrafanaSql.Range(0, 1_000_000, 100);

    @Inject
    DataSource dataSource;

    private UUID experiment;
    private UUID run;

    @BeforeEach
    void plant() throws SQLException {
        experiment = UUID.randomUUID();
        run = UUID.randomUUID();
        List<String> names = new ArrayList<>();
        List<Integer> layers = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (long s : STEPS) {
            point(names, layers, steps, values, "train_acc", 0, s, trainAcc(s));
            point(names, layers, steps, values, "test_acc", 0, s, s >= 800 ? 1.0 : 0.1);
            point(names, layers, steps, values, "train_loss", 0, s, 2.0 - s / 1000.0);
            point(names, layers, steps, values, "test_loss", 0, s, 3.0 - s / 1000.0);
            for (int layer = 1; layer <= 2; layer++) {
                point(names, layers, steps, values, "mi_tx", layer, s, itx(layer, s));
                point(names, layers, steps, values, "mi_ty", layer, s, 1.0 + s / 1000.0);
            }
            point(names, layers, steps, values, "mi_tx:kde_upper", 1, s, 4.0);
            point(names, layers, steps, values, "mi_ty:kde_upper", 1, s, 0.5);
        }
        try (Connection c = dataSource.getConnection()) {
            // One transaction, and the run marked as finally scanned (phase_scan): the service's scheduled
            // phase refresher must not replace the planted events with its own detections.
            c.setAutoCommit(false);
            update(c, "INSERT INTO experiment (id, name, spec) VALUES (?, 'dashboard-check', '{\"name\": \"dashboard-check\"}')",
                    experiment);
            update(c, """
                    INSERT INTO run (id, experiment_id, ordinal, spec, state, device, attempt, step, total_steps,
                                     steps_per_second, started_at, finished_at)
                    VALUES (?, ?, 0, '{"task": {"type": "modular", "modulus": 97}, "model": {"layers": 2}}',
                            'succeeded', 'cpu', 1, 1000, 1000, 123.4, now(), now())""", run, experiment);
            // The service's own write path (chunks and rollups, migrations/V8), inside this transaction.
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO metric_series (run_id, name, layer) SELECT DISTINCT ?::uuid, * FROM unnest(?::text[], ?::int[])""")) {
                ps.setObject(1, run);
                ps.setArray(2, c.createArrayOf("text", names.toArray()));
                ps.setArray(3, c.createArrayOf("int4", layers.toArray()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO metric_chunk (series_id, chunk, offsets, vals)
                    SELECT s.id, t.step >> 10, array_agg((t.step & 1023)::int2 ORDER BY t.step), array_agg(t.value ORDER BY t.step)
                      FROM unnest(?::text[], ?::int[], ?::bigint[], ?::float8[]) t(name, layer, step, value)
                      JOIN metric_series s ON s.run_id = ? AND s.name = t.name AND s.layer = t.layer
                     GROUP BY s.id, t.step >> 10""")) {
                ps.setArray(1, c.createArrayOf("text", names.toArray()));
                ps.setArray(2, c.createArrayOf("int4", layers.toArray()));
                ps.setArray(3, c.createArrayOf("int8", steps.toArray()));
                ps.setArray(4, c.createArrayOf("float8", values.toArray()));
                ps.setObject(5, run);
                ps.executeUpdate();
            }
            update(c, """
                    SELECT metric_rollup_refresh(array_agg(c.series_id), array_agg(c.chunk))
                      FROM metric_chunk c JOIN metric_series s ON s.id = c.series_id WHERE s.run_id = ?""", run);
            update(c, """
                    INSERT INTO phase_event (run_id, kind, metric, layer, step, step_low, step_high, value, rule)
                    VALUES (?, 'fitting_end', 'train_acc', 0, 300, 250, 350, 1.0, 'train_acc >= 0.99'),
                           (?, 'compression_onset', 'mi_tx', 1, 500, 400, 600, NULL, 'smoothed peak of mi_tx')""",
                    run, run);
            update(c, "INSERT INTO phase_scan (run_id, scanned_step, final) VALUES (?, 1000, true)", run);
            c.commit();
        }
    }

    @AfterEach
    void remove() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            update(c, "DELETE FROM experiment WHERE id = ?", experiment);
        }
    }

    @Test
    void everyDashboardQueryRunsAgainstTheSchemaAndReturnsThePlantedData() throws Exception {
        Map<String, List<Map<String, Object>>> results = new LinkedHashMap<>();
        int queries = 0;
        for (Path file : Dashboards.files()) {
            for (Dashboards.Query q : Dashboards.sql(file)) {
                queries++;
                List<List<String>> layerChoices = q.repeat() == null ? List.of(List.of("1", "2"))
                        : List.of(List.of("1"), List.of("2"));
                for (List<String> layers : layerChoices) {
                    String key = q.dashboard() + ": " + q.where() + (q.repeat() == null ? "" : " layer " + layers);
                    List<Map<String, Object>> rows = run(q, layers, ALL_STEPS);
                    assertThat(rows).as("%s returns the planted data", key).isNotEmpty();
                    results.put(key, rows);
                }
            }
        }
        // 4 variables + 1 annotation + 6 panels, and 4 variables + 1 repeated panel.
        assertThat(queries).isEqualTo(16);

        String explorer = "twophase-experiment-explorer.json: ";
        assertThat(column(results.get(explorer + "variable experiment"), "__value")).contains(experiment.toString());
        assertThat(column(results.get(explorer + "variable run"), "__value")).containsExactly(run.toString());
        assertThat(column(results.get(explorer + "variable mi_tx_series"), "name"))
                .containsExactly("mi_tx", "mi_tx:kde_upper");
        assertThat(column(results.get(explorer + "variable layer"), "layer")).containsExactly(1, 2);

        List<Map<String, Object>> events = results.get(explorer + "annotation Phase events");
        assertThat(events).hasSize(2);
        assertThat(((Number) events.get(0).get("time")).longValue()).isEqualTo(300);
        assertThat(((Number) events.get(0).get("timeend")).longValue()).isEqualTo(350);
        assertThat(events.get(0).get("tags")).isEqualTo("fitting_end");
        assertThat((String) events.get(1).get("text")).contains("compression_onset").contains("mi_tx").contains("layer 1");

        List<Map<String, Object>> accuracy = results.get(explorer + "panel Accuracy / A");
        assertThat(accuracy).hasSize(2 * STEPS.length);
        assertThat(accuracy.stream().map(r -> r.get("metric")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("train_acc", "test_acc");
        assertThat(value(accuracy, "train_acc", 100)).isCloseTo(trainAcc(100), within(1e-12));

        List<Map<String, Object>> ity = results.get(explorer + "panel I(T;Y) per block / A");
        assertThat(ity).hasSize(2 * STEPS.length);
        assertThat(value(ity, "block 2", 1000)).isCloseTo(2.0, within(1e-12));
        assertThat(results.get(explorer + "panel Experiment and run / A")).singleElement()
                .satisfies(r -> assertThat(r.get("state")).isEqualTo("succeeded"));
        assertThat(results.get(explorer + "panel Phase events / A")).hasSize(2);

        for (String layer : List.of("1", "2")) {
            List<Map<String, Object>> plane = results.get(
                    "twophase-information-plane.json: panel Information plane, block $layer / A layer [" + layer + "]");
            assertThat(plane).hasSize(STEPS.length);
            Map<String, Object> at500 = plane.stream().filter(r -> ((Number) r.get("step")).longValue() == 500)
                    .findFirst().orElseThrow();
            assertThat((Double) at500.get("I(T;X)")).isCloseTo(itx(Integer.parseInt(layer), 500), within(1e-12));
            assertThat((Double) at500.get("I(T;Y)")).isCloseTo(1.5, within(1e-12));
        }
    }

    @Test
    void stepRangeAndIntervalMacrosSelectAndGroupSteps() throws Exception {
        Dashboards.Query accuracy = Dashboards.sql(Dashboards.DIR.resolve("twophase-experiment-explorer.json"))
                .stream().filter(q -> q.where().equals("panel Accuracy / A")).findFirst().orElseThrow();

        // The time picker is a step range (1 s = 1 step): steps 200..600 only.
        List<Map<String, Object>> window = run(accuracy, List.of("1", "2"), new GrafanaSql.Range(200, 600, 100));
        TreeSet<Long> times = window.stream().map(r -> ((Number) r.get("time")).longValue())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(times).containsExactly(200L, 300L, 400L, 500L, 600L);

        // Steps 0..1000 at a 250 s interval ask metric_downsample for 2 * 1000 / 250 = 8 points: buckets of
        // 512 steps, each giving its lowest and highest point (ties: the earliest lowest, the latest highest),
        // plus the first and last step.
        List<Map<String, Object>> sampled = run(accuracy, List.of("1", "2"), new GrafanaSql.Range(0, 1000, 250));
        assertThat(sampled.stream().filter(r -> "train_acc".equals(r.get("metric")))
                .map(r -> ((Number) r.get("time")).longValue())).containsExactly(0L, 500L, 600L, 1000L);
        assertThat(value(sampled, "train_acc", 0)).isZero();
        assertThat(value(sampled, "train_acc", 500)).isEqualTo(1.0);
    }

    @Test
    void theExpansionRefusesWhatItDoesNotKnow() {
        GrafanaSql.Range r = ALL_STEPS;
        assertThat(GrafanaSql.expand("SELECT 1 WHERE $__unixEpochFilter(step) AND layer IN ($layer)",
                Map.of("layer", List.of("1", "2")), List.of("layer"), r))
                .isEqualTo("SELECT 1 WHERE step >= 0 AND step <= 1000000 AND layer IN ('1','2')");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrafanaSql.expand("SELECT $__timeGroupMagic(x)",
                Map.of(), List.of(), r)).hasMessageContaining("timeGroupMagic");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrafanaSql.expand("SELECT '$unknown'",
                Map.of(), List.of(), r)).hasMessageContaining("$unknown");
    }

    // ------------------------------------------------------------------ helpers

    private List<Map<String, Object>> run(Dashboards.Query q, List<String> layers, GrafanaSql.Range range)
            throws SQLException {
        Map<String, List<String>> vars = Map.of(
                "experiment", List.of(experiment.toString()),
                "run", List.of(run.toString()),
                "mi_tx_series", List.of("mi_tx"),
                "layer", layers);
        String sql = GrafanaSql.expand(q.text(), vars, List.of("layer"), range);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new SQLException(q.dashboard() + ": " + q.where() + " failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    private static double trainAcc(long step) {
        return Math.min(1.0, step / 300.0);
    }

    private static double itx(int layer, long step) {
        return 5.0 - layer * step / 1000.0;
    }

    private static double value(List<Map<String, Object>> rows, String metric, long time) {
        return rows.stream().filter(r -> metric.equals(r.get("metric")) && ((Number) r.get("time")).longValue() == time)
                .map(r -> ((Number) r.get("value")).doubleValue()).findFirst()
                .orElseThrow(() -> new AssertionError(metric + " at " + time + " missing from " + rows));
    }

    private static List<Object> column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(r -> r.get(name)).toList();
    }

    private static void point(List<String> names, List<Integer> layers, List<Long> steps, List<Double> values,
                              String name, int layer, long step, double value) {
        names.add(name);
        layers.add(layer);
        steps.add(step);
        values.add(value);
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.execute();
        }
    }
}
