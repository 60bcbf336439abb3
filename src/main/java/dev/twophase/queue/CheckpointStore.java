package dev.twophase.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** The latest training checkpoint of each run (table {@code checkpoint}); writes are fenced by lease. */
@ApplicationScoped
public class CheckpointStore {

    /** A saved training state: the engine that wrote it, the step it follows, its bytes. */
    public record Checkpoint(long step, String engine, byte[] state) {
    }

    // Inserts only while (worker, attempt) holds the lease; FOR SHARE keeps the run from changing
    // hands until the checkpoint is committed.
    private static final String SAVE = """
            INSERT INTO checkpoint (run_id, step, attempt, worker_id, engine, state)
            SELECT r.id, ?, r.attempt, r.worker_id, ?, ?
              FROM run r
             WHERE r.id = ? AND r.worker_id = ? AND r.attempt = ? AND r.state = 'running'
               FOR SHARE
            ON CONFLICT (run_id) DO UPDATE
               SET step = excluded.step, attempt = excluded.attempt, worker_id = excluded.worker_id,
                   engine = excluded.engine, state = excluded.state, created_at = now()""";

    private static final String LOAD = "SELECT step, engine, state FROM checkpoint WHERE run_id = ?";

    @Inject
    DataSource dataSource;

    /** Saves (replaces) the run's checkpoint; false when this worker no longer holds the lease. */
    public boolean save(ClaimedRun run, long step, String engine, byte[] state) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SAVE)) {
            ps.setLong(1, step);
            ps.setString(2, engine);
            ps.setBytes(3, state);
            ps.setObject(4, run.runId());
            ps.setString(5, run.workerId());
            ps.setInt(6, run.attempt());
            return ps.executeUpdate() == 1;
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
