package dev.twophase.queue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The run state machine in SQL, every statement in one place. Transitions out of 'running'
 * are guarded by (worker_id, attempt): a worker whose lease was reaped changes nothing.
 */
@ApplicationScoped
public class RunQueue {

    // Skip-locked lets many workers claim concurrently without blocking on each other's rows. The
    // run's step restarts from its checkpoint, where the new attempt resumes. A run whose cancel was
    // requested is never claimed again (the reaper ends it cancelled).
    private static final String CLAIM = """
            WITH next AS (
                SELECT id FROM run
                 WHERE state = 'queued' AND NOT cancel_requested AND device = ? AND run_after <= now()
                 ORDER BY priority DESC, run_after, created_at
                 LIMIT 1
                   FOR UPDATE SKIP LOCKED)
            UPDATE run r
               SET state = 'running', attempt = r.attempt + 1, worker_id = ?,
                   lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now(),
                   started_at = coalesce(r.started_at, now()), steps_per_second = NULL,
                   step = coalesce((SELECT c.step FROM checkpoint c WHERE c.run_id = r.id), 0)
              FROM next
             WHERE r.id = next.id
            RETURNING r.id, r.attempt, r.max_attempts, r.spec::text, r.total_steps, r.step""";

    private static final String HEARTBEAT = """
            UPDATE run
               SET lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now(),
                   step = ?, steps_per_second = ?
             WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running'
            RETURNING cancel_requested""";

    private static final String FINISH = """
            UPDATE run
               SET state = ?, finished_at = now(), error = ?, lease_expires_at = NULL,
                   step = greatest(step, ?)
             WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running'""";

    // With attempts left the run goes back to the queue after an exponential backoff (first
    // parameter: the base delay in seconds); without, it ends failed. A run whose cancel was requested
    // never goes back: its worker died or failed before it saw the request, so it ends cancelled.
    private static final String REQUEUE_OR_FAIL = """
            UPDATE run
               SET state = CASE WHEN cancel_requested THEN 'cancelled'
                                WHEN attempt < max_attempts THEN 'queued' ELSE 'failed' END,
                   finished_at = CASE WHEN NOT cancel_requested AND attempt < max_attempts THEN NULL ELSE now() END,
                   run_after = now() + make_interval(secs => ? * power(2, attempt - 1)),
                   worker_id = CASE WHEN NOT cancel_requested AND attempt < max_attempts THEN NULL ELSE worker_id END,
                   lease_expires_at = NULL,
            """;

    private static final String FAIL_ATTEMPT = REQUEUE_OR_FAIL + """
                   error = ?
             WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running'
            RETURNING state""";

    // A worker shutting down gives its run back without spending an attempt; one whose cancel was
    // requested meanwhile ends cancelled instead of going back.
    private static final String RELEASE = """
            UPDATE run
               SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                   finished_at = CASE WHEN cancel_requested THEN now() END,
                   attempt = CASE WHEN cancel_requested THEN attempt ELSE attempt - 1 END,
                   worker_id = CASE WHEN cancel_requested THEN worker_id END, lease_expires_at = NULL,
                   run_after = now(),
                   error = CASE WHEN cancel_requested THEN 'cancelled by request; its worker stopped at step ' || ?
                                ELSE 'released by a stopping worker at step ' || ? END
             WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running'""";

    private static final String REAP = REQUEUE_OR_FAIL + """
                   error = CASE WHEN cancel_requested
                                THEN 'cancelled by request; the lease of worker ' || worker_id || ' expired before it stopped'
                                ELSE 'lease of worker ' || worker_id || ' expired during attempt ' || attempt END
             WHERE state = 'running' AND lease_expires_at < now()""";

    // Queued runs with a cancel request exist only in data written before claims and the reaper
    // respected the request (a queued run is otherwise cancelled at once): end them.
    private static final String CANCEL_QUEUED_REQUESTS = """
            UPDATE run SET state = 'cancelled', finished_at = now()
             WHERE state = 'queued' AND cancel_requested""";

    // A queued run is cancelled at once; a running one is flagged and its worker stops at its next heartbeat.
    private static final String CANCEL = """
            UPDATE run
               SET state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
                   finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END,
                   cancel_requested = true
             WHERE id = ? AND state IN ('queued', 'running')
            RETURNING state""";

    // Deletes lock the rows first: a claim (FOR UPDATE SKIP LOCKED) then skips them, and a claim that
    // got there first is waited for and seen as 'running'. The metrics, phase events, checkpoint and
    // scan state of a run go with it (ON DELETE CASCADE from run).
    private static final String LOCK_RUN = "SELECT state FROM run WHERE id = ? FOR UPDATE";
    private static final String LOCK_EXPERIMENT_RUNS = "SELECT id, state FROM run WHERE experiment_id = ? ORDER BY id FOR UPDATE";
    private static final String DELETE_RUN = "DELETE FROM run WHERE id = ?";

    // The experiment's whole batch stops: queued runs are cancelled, running ones asked to stop (as CANCEL).
    private static final String CANCEL_EXPERIMENT = """
            UPDATE run
               SET state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
                   finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END,
                   cancel_requested = true
             WHERE experiment_id = ? AND state IN ('queued', 'running')""";

    private static final String COUNTS = """
            SELECT state, device, count(*) FROM run GROUP BY state, device ORDER BY state, device""";

    // Waiting time of the oldest claimable run per device class (a run in retry backoff is not
    // waiting for a worker yet, so it is measured from its run_after).
    private static final String OLDEST_QUEUED = """
            SELECT device, greatest(0, extract(epoch FROM now() - min(run_after)))::float8
              FROM run WHERE state = 'queued' AND run_after <= now() GROUP BY device""";

    private static final String ENQUEUE = """
            INSERT INTO run (id, experiment_id, ordinal, spec, state, device, priority, max_attempts, total_steps)
            VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)""";

    private final DataSource dataSource;

    @Inject
    public RunQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Moves an external run's step to the last step uploaded, inside the caller's transaction: its progress,
     * and what tells the phase refresher that it has points to scan.
     */
    public static void recordExternalProgress(Connection connection, UUID runId, long step) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE run SET step = ? WHERE id = ? AND state = 'external' AND step < ?")) {
            ps.setLong(1, step);
            ps.setObject(2, runId);
            ps.setLong(3, step);
            ps.executeUpdate();
        }
    }

    /** Inserts a run inside the caller's transaction: queued for training, or an external log. */
    public void insert(Connection connection, NewRun run) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(ENQUEUE)) {
            ps.setObject(1, run.id());
            ps.setObject(2, run.experimentId());
            ps.setInt(3, run.ordinal());
            ps.setString(4, run.specJson());
            ps.setString(5, run.external() ? RunState.EXTERNAL.dbName() : RunState.QUEUED.dbName());
            ps.setString(6, run.device());
            ps.setInt(7, run.priority());
            ps.setInt(8, run.maxAttempts());
            if (run.totalSteps() == null) {
                ps.setNull(9, java.sql.Types.BIGINT);
            } else {
                ps.setLong(9, run.totalSteps());
            }
            ps.executeUpdate();
        }
    }

    public Optional<ClaimedRun> claim(String workerId, String device, Duration lease) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                ps.setString(1, device);
                ps.setString(2, workerId);
                ps.setDouble(3, seconds(lease));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ClaimedRun(rs.getObject(1, UUID.class), workerId, rs.getInt(2),
                            rs.getInt(3), rs.getString(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        });
    }

    public Heartbeat heartbeat(ClaimedRun run, long step, Double stepsPerSecond, Duration lease) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(HEARTBEAT)) {
                ps.setDouble(1, seconds(lease));
                ps.setLong(2, step);
                if (stepsPerSecond == null || !Double.isFinite(stepsPerSecond)) {
                    ps.setNull(3, java.sql.Types.DOUBLE);
                } else {
                    ps.setDouble(3, stepsPerSecond);
                }
                fence(ps, 4, run);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Heartbeat.LEASE_LOST;
                    }
                    return rs.getBoolean(1) ? Heartbeat.CANCEL_REQUESTED : Heartbeat.OWNED;
                }
            }
        });
    }

    /** Ends an attempt as succeeded or cancelled; false when the lease was lost meanwhile. */
    public boolean finish(ClaimedRun run, RunState outcome, long step, String error) {
        if (outcome != RunState.SUCCEEDED && outcome != RunState.CANCELLED) {
            throw new IllegalArgumentException("finish with " + outcome + "; use fail() for failures");
        }
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(FINISH)) {
                ps.setString(1, outcome.dbName());
                ps.setString(2, error);
                ps.setLong(3, step);
                fence(ps, 4, run);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Ends a failed attempt: back to the queue with backoff, or failed for good; empty if the lease was lost. */
    public Optional<RunState> fail(ClaimedRun run, String error, Duration backoff) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(FAIL_ATTEMPT)) {
                ps.setDouble(1, seconds(backoff));
                ps.setString(2, error);
                fence(ps, 3, run);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(RunState.fromDb(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    /** Gives a run back to the queue because this worker is stopping; the attempt does not count. */
    public boolean release(ClaimedRun run, long step) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
                ps.setLong(1, step);
                ps.setLong(2, step);
                fence(ps, 3, run);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Returns runs whose worker stopped heart-beating to the queue (or fails them when out of attempts;
     * ends them cancelled when their cancel was requested).
     */
    public int reapExpiredLeases(Duration backoff) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(REAP);
                 PreparedStatement queued = c.prepareStatement(CANCEL_QUEUED_REQUESTS)) {
                ps.setDouble(1, seconds(backoff));
                return ps.executeUpdate() + queued.executeUpdate();
            }
        });
    }

    /** Cancels a queued run or asks a running one to stop; empty when the run is not active. */
    public Optional<RunState> cancel(UUID runId) {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(CANCEL)) {
                ps.setObject(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(RunState.fromDb(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    /**
     * Deletes a run that no worker holds (a queued one goes without ever starting). A running one is
     * asked to stop instead, as {@link #cancel} does, and stays until its worker has ended it.
     */
    public Deletion delete(UUID runId) {
        return inTransaction(c -> {
            RunState state;
            try (PreparedStatement ps = c.prepareStatement(LOCK_RUN)) {
                ps.setObject(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Deletion.notFound();
                    }
                    state = RunState.fromDb(rs.getString(1));
                }
            }
            if (state == RunState.RUNNING) {
                try (PreparedStatement ps = c.prepareStatement(CANCEL)) {
                    ps.setObject(1, runId);
                    ps.executeQuery().close();
                }
                return Deletion.held(List.of(runId));
            }
            try (PreparedStatement ps = c.prepareStatement(DELETE_RUN)) {
                ps.setObject(1, runId);
                ps.executeUpdate();
            }
            return Deletion.deleted();
        });
    }

    /**
     * Locks an experiment's runs inside the caller's transaction, for deleting them together, and returns
     * the ones a worker holds. When there are any, it asks them to stop and cancels the queued ones, so
     * nothing of the experiment starts while the caller answers "not yet".
     *
     * @return the ids of the running runs (empty: the caller may delete the experiment, cascading to its runs)
     */
    public List<UUID> lockForDeletion(Connection c, UUID experimentId) throws SQLException {
        List<UUID> held = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LOCK_EXPERIMENT_RUNS)) {
            ps.setObject(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (RunState.fromDb(rs.getString(2)) == RunState.RUNNING) {
                        held.add(rs.getObject(1, UUID.class));
                    }
                }
            }
        }
        if (!held.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(CANCEL_EXPERIMENT)) {
                ps.setObject(1, experimentId);
                ps.executeUpdate();
            }
        }
        return held;
    }

    public List<QueueCount> counts() {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(COUNTS); ResultSet rs = ps.executeQuery()) {
                List<QueueCount> counts = new ArrayList<>();
                while (rs.next()) {
                    counts.add(new QueueCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
                return counts;
            }
        });
    }

    /** Seconds the oldest claimable queued run of each device class has waited; absent devices have none. */
    public java.util.Map<String, Double> oldestQueuedAgeSeconds() {
        return withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(OLDEST_QUEUED); ResultSet rs = ps.executeQuery()) {
                java.util.Map<String, Double> ages = new java.util.TreeMap<>();
                while (rs.next()) {
                    ages.put(rs.getString(1), rs.getDouble(2));
                }
                return ages;
            }
        });
    }

    private static void fence(PreparedStatement ps, int index, ClaimedRun run) throws SQLException {
        ps.setObject(index, run.runId());
        ps.setString(index + 1, run.workerId());
        ps.setInt(index + 2, run.attempt());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private <T> T withConnection(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new QueueException("queue operation failed: " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(SqlWork<T> work) {
        try {
            return RunLocks.inTransaction(dataSource, work::run);
        } catch (SQLException e) {
            throw new QueueException("queue operation failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
