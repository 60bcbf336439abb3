package dev.twophase.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The two ways another store may write data that belongs to a run, each one transaction holding a lock on
 * the run's row until commit. The queue owns leases and run states, so only this class knows the SQL.
 */
public final class RunLocks {

    /** Work done inside the lock's transaction; committed when it returns, rolled back when it throws. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    // FOR SHARE keeps the reaper and a new claim waiting until the fenced transaction ends, so what it
    // writes is in before the run can change hands, and nothing is written after.
    private static final String LEASE_HELD = """
            SELECT 1 FROM run WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running' FOR SHARE""";

    // Writers to one run wait for each other here.
    private static final String RUN_EXCLUSIVE = "SELECT 1 FROM run WHERE id = ? FOR UPDATE";

    private RunLocks() {
    }

    /**
     * Runs {@code work} in one transaction while (worker, attempt) holds the run's lease.
     *
     * @return false, with nothing done, when the lease has moved on
     */
    public static boolean fenced(DataSource dataSource, UUID runId, String workerId, int attempt, Work<?> work)
            throws SQLException {
        return inTransaction(dataSource, c -> {
            try (PreparedStatement lock = c.prepareStatement(LEASE_HELD)) {
                lock.setObject(1, runId);
                lock.setString(2, workerId);
                lock.setInt(3, attempt);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            work.run(c);
            return true;
        });
    }

    /**
     * Runs {@code work} in one transaction that holds the run's row exclusively.
     *
     * @return empty, with nothing done, when there is no such run (it may have been deleted a moment ago)
     */
    public static <T> Optional<T> exclusive(DataSource dataSource, UUID runId, Work<T> work) throws SQLException {
        return inTransaction(dataSource, c -> {
            try (PreparedStatement lock = c.prepareStatement(RUN_EXCLUSIVE)) {
                lock.setObject(1, runId);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(work.run(c));
        });
    }

    /** One transaction: committed when {@code work} returns, rolled back when it throws. */
    static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
