package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The query KEDA's postgresql trigger polls to scale the GPU workers, run against the migrated schema:
 * it must return one number, the GPU runs that are running or claimable now.
 */
@QuarkusTest
class KedaQueryTest {

    @Inject
    DataSource dataSource;

    @Test
    void scalerQueryCountsRunningAndClaimableGpuRunsOnly() throws Exception {
        List<Map<String, Object>> gpu = Kustomize.render(Path.of("k8s/overlays/gpu"));
        Map<String, Object> scaled = gpu.stream().filter(o -> "ScaledObject".equals(o.get("kind"))).findFirst()
                .orElseThrow();
        Map<String, Object> trigger = Kustomize.maps(Kustomize.map(scaled.get("spec")).get("triggers")).get(0);
        String query = (String) Kustomize.map(trigger.get("metadata")).get("query");

        UUID experiment = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            long before = scalar(c, query);
            update(c, "INSERT INTO experiment (id, name, spec) VALUES (?, 'keda-check', '{}')", experiment);
            // Counted: 3 claimable queued GPU runs, 1 running GPU run.
            insertRuns(c, experiment, 3, "queued", "gpu", "now()", null);
            insertRuns(c, experiment, 1, "running", "gpu", "now()", "now() + interval '1 hour'");
            long withWork = scalar(c, query);
            // Not counted: a GPU run waiting out a retry backoff, finished GPU runs, CPU and external runs.
            insertRuns(c, experiment, 1, "queued", "gpu", "now() + interval '1 hour'", null);
            insertRuns(c, experiment, 2, "succeeded", "gpu", "now()", null);
            insertRuns(c, experiment, 1, "running", "cpu", "now()", "now() + interval '1 hour'");
            insertRuns(c, experiment, 1, "external", "none", "now()", null);
            long withNoise = scalar(c, query);
            update(c, "DELETE FROM experiment WHERE id = ?", experiment);
            long after = scalar(c, query);

            assertThat(withWork - before).isEqualTo(4);
            assertThat(withNoise).isEqualTo(withWork);
            assertThat(after).isEqualTo(before);
        }
    }

    /** The query returns exactly one row with one integer column, as KEDA requires. */
    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
            assertThat(rs.next()).isTrue();
            long value = rs.getLong(1);
            assertThat(rs.next()).as("one row").isFalse();
            return value;
        }
    }

    private static void insertRuns(Connection c, UUID experiment, int n, String state, String device, String runAfter,
                                   String lease) throws SQLException {
        boolean finished = state.equals("succeeded");
        for (int i = 0; i < n; i++) {
            update(c, "INSERT INTO run (id, experiment_id, spec, state, device, attempt, run_after, worker_id, "
                    + "lease_expires_at, finished_at) VALUES (?, ?, '{}', ?, ?, ?, " + runAfter + ", ?, "
                    + (lease == null ? "NULL" : lease) + ", " + (finished ? "now()" : "NULL") + ")",
                    UUID.randomUUID(), experiment, state, device, state.equals("queued") ? 0 : 1,
                    lease == null ? null : "keda-check-worker");
        }
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
