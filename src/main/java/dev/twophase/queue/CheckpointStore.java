package dev.twophase.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The latest training checkpoint of each run (table {@code checkpoint}); writes are fenced by lease. */
@ApplicationScoped
public class CheckpointStore {

    /** A saved training state: the engine that wrote it, the step it follows, its bytes. */
    public record Checkpoint(long step, String engine, byte[] state) {
    }

    private static final String SAVE = """
            INSERT INTO checkpoint (run_id, step, attempt, worker_id, engine, state) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE
               SET step = excluded.step, attempt = excluded.attempt, worker_id = excluded.worker_id,
                   engine = excluded.engine, state = excluded.state, created_at = now()""";

    private static final String LOAD = "SELECT step, engine, state FROM checkpoint WHERE run_id = ?";

    private final DataSource dataSource;

    @Inject
    public CheckpointStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Saves (replaces) the run's checkpoint; false when this worker no longer holds the lease. */
    public boolean save(ClaimedRun run, long step, String engine, byte[] state) {
        try {
            return RunLocks.fenced(dataSource, run.runId(), run.workerId(), run.attempt(), c -> {
                try (PreparedStatement ps = c.prepareStatement(SAVE)) {
                    ps.setObject(1, run.runId());
                    ps.setLong(2, step);
                    ps.setInt(3, run.attempt());
                    ps.setString(4, run.workerId());
                    ps.setString(5, engine);
                    ps.setBytes(6, state);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new QueueException("saving the checkpoint of run " + run.runId() + " failed: " + e.getMessage(), e);
        }
    }

    public Optional<Checkpoint> load(UUID runId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LOAD)) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Checkpoint(rs.getLong(1), rs.getString(2), rs.getBytes(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new QueueException("loading the checkpoint of run " + runId + " failed: " + e.getMessage(), e);
        }
    }
}
