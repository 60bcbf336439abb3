package dev.twophase.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads runs; every state change goes through {@link RunQueue}. */
@ApplicationScoped
public class RunRepository {

    private static final String COLUMNS = """
            id, experiment_id, ordinal, state, device, priority, attempt, max_attempts, worker_id, step,
            total_steps, steps_per_second, cancel_requested, error, created_at, started_at, finished_at,
            heartbeat_at, lease_expires_at, spec::text""";

    private final DataSource dataSource;

    @Inject
    public RunRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<RunRecord> find(UUID runId) {
        List<RunRecord> runs = select("SELECT " + COLUMNS + " FROM run WHERE id = ?", runId);
        return runs.stream().findFirst();
    }

    /** The state of a run, or empty when there is no such run; one primary-key probe, no spec. */
    public Optional<RunState> state(UUID runId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT state FROM run WHERE id = ?")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(RunState.fromDb(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new QueueException("reading run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    public List<RunRecord> findByExperiments(Collection<UUID> experimentIds) {
        if (experimentIds.isEmpty()) {
            return List.of();
        }
        return select("SELECT " + COLUMNS + " FROM run WHERE experiment_id = ANY (?) ORDER BY experiment_id, ordinal",
                experimentIds.toArray(UUID[]::new));
    }

    private List<RunRecord> select(String sql, Object parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter instanceof UUID[] ids) {
                ps.setArray(1, c.createArrayOf("uuid", ids));
            } else {
                ps.setObject(1, parameter);
            }
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.add(map(rs));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw new QueueException("reading runs failed: " + e.getMessage(), e);
        }
    }

    private static RunRecord map(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3),
                RunState.fromDb(rs.getString(4)), rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8),
                rs.getString(9), rs.getLong(10), rs.getObject(11, Long.class), rs.getObject(12, Double.class),
                rs.getBoolean(13), rs.getString(14), rs.getObject(15, OffsetDateTime.class),
                rs.getObject(16, OffsetDateTime.class), rs.getObject(17, OffsetDateTime.class),
                rs.getObject(18, OffsetDateTime.class), rs.getObject(19, OffsetDateTime.class), rs.getString(20));
    }
}
