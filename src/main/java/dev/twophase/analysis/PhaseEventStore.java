package dev.twophase.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.phase.PhaseEvent;
import dev.twophase.queue.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * SQL for the confirmed events of runs ({@code phase_event}) and where the detector last looked ({@code phase_scan}).
 * Only {@link PhaseRefresher} writes.
 */
@ApplicationScoped
public class PhaseEventStore {

    private static final String COLUMNS =
            "kind, metric, layer, step, step_low, step_high, value, rule, parameters::text, interval_method, status";
    private static final String INSERT = "INSERT INTO phase_event (run_id, " + COLUMNS.replace("::text", "")
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (run_id, kind, metric, layer)";
    // While a run trains the first confirmation wins (two refreshers may race); the final recompute refines.
    private static final String INSERT_LIVE = INSERT + " DO NOTHING";
    private static final String UPSERT_FINAL = INSERT + """
             DO UPDATE SET step = excluded.step, step_low = excluded.step_low, step_high = excluded.step_high,
                value = excluded.value, rule = excluded.rule, parameters = excluded.parameters,
                interval_method = excluded.interval_method, status = excluded.status""";
    // Running and external runs with steps the detector has not seen (an upload moves an external run's
    // step), and finished runs not yet recomputed.
    private static final String DUE = """
            SELECT r.id FROM run r LEFT JOIN phase_scan s ON s.run_id = r.id
             WHERE (r.state IN ('%s', '%s') AND (s.run_id IS NULL OR s.scanned_step < r.step))
                OR (r.state IN (%s) AND (s.run_id IS NULL OR NOT s.final))
             ORDER BY r.created_at LIMIT ?""".formatted(RunState.RUNNING.dbName(), RunState.EXTERNAL.dbName(),
            Arrays.stream(RunState.values())
            .filter(RunState::terminal).map(s -> "'" + s.dbName() + "'").collect(Collectors.joining(", ")));
    private static final String SCANNED = """
            INSERT INTO phase_scan (run_id, scanned_step, final) VALUES (?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET scanned_step = excluded.scanned_step, final = excluded.final,
                scanned_at = now()""";

    private static final TypeReference<Map<String, Double>> PARAMETERS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final ObjectMapper json;

    @Inject
    PhaseEventStore(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    public List<PhaseEvent> events(UUID runId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                     + " FROM phase_event WHERE run_id = ? ORDER BY step, kind, metric, layer")) {
            ps.setObject(1, runId);
            List<PhaseEvent> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double value = rs.getDouble(7);
                    events.add(new PhaseEvent(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.wasNull() ? null : value, rs.getString(8),
                            json.readValue(rs.getString(9), PARAMETERS), rs.getString(10), rs.getString(11)));
                }
            }
            return events;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("reading the phase events of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Stores what the ledger changed. While a run trains only new events are added (a confirmed
     * one never changes); the final recompute of a finished run updates the events it refined or
     * marked and deletes none. Either way the scan is recorded in the same transaction.
     */
    public void store(UUID runId, Collection<PhaseEvent> detected, long scannedStep, boolean isFinal) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(isFinal ? UPSERT_FINAL : INSERT_LIVE)) {
                    for (PhaseEvent e : detected) {
                        ps.setObject(1, runId);
                        ps.setString(2, e.kind());
                        ps.setString(3, e.metric());
                        ps.setInt(4, e.layer());
                        ps.setLong(5, e.step());
                        ps.setLong(6, e.stepLow());
                        ps.setLong(7, e.stepHigh());
                        ps.setObject(8, e.value());
                        ps.setString(9, e.rule());
                        ps.setString(10, json.writeValueAsString(e.parameters()));
                        ps.setString(11, e.intervalMethod());
                        ps.setString(12, e.status());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement(SCANNED)) {
                    ps.setObject(1, runId);
                    ps.setLong(2, scannedStep);
                    ps.setBoolean(3, isFinal);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("storing the phase events of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether the run's final recompute has been stored (and nothing has scanned it live since). */
    public boolean finallyScanned(UUID runId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT final FROM phase_scan WHERE run_id = ?")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the phase scan of run " + runId + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs whose events are out of date, oldest first. */
    public List<UUID> due(int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DUE)) {
            ps.setInt(1, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("finding runs due for phase detection failed: " + e.getMessage(), e);
        }
    }
}
