package dev.twophase.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A database written by the one-row-per-point schema (V7) keeps every point through V8's move to chunks. */
class MetricMigrationTest {

    private static final String RUN = "00000000-0000-0000-0000-0000000000a2";

    @Test
    void everyPointSurvivesTheMoveToChunksAndTheRollupsCountThem() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            DataSource db = pg.getPostgresDatabase();
            Flyway.configure().dataSource(db).locations("classpath:db/migration").target("7").load().migrate();
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO experiment (id, name, spec) VALUES ('00000000-0000-0000-0000-0000000000a1', 'old', '{}')");
                s.execute("INSERT INTO run (id, experiment_id, spec, state, device) VALUES ('" + RUN
                        + "', '00000000-0000-0000-0000-0000000000a1', '{}', 'external', 'none')");
                // A dense series across chunk borders, a sparse one far out, and one point at the largest step.
                s.execute("INSERT INTO metric_point (run_id, name, layer, step, value) SELECT '" + RUN
                        + "', 'train_loss', 0, g, 1.0 / (g + 1) FROM generate_series(0, 2999) g");
                s.execute("INSERT INTO metric_point (run_id, name, layer, step, value) SELECT '" + RUN
                        + "', 'mi_tx', 2, g * g * 1000, -g FROM generate_series(0, 99) g");
                s.execute("INSERT INTO metric_point (run_id, name, layer, step, value) VALUES ('" + RUN
                        + "', 'mi_tx', 2, 1000000000000, 7.5)");
            }
            List<String> before = points(db);
            assertThat(before).hasSize(3_000 + 100 + 1);

            Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();

            assertThat(points(db)).containsExactlyElementsOf(before);
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("""
                         SELECT s.name, r.n, r.first_step, r.last_step, r.min_value, r.max_value FROM metric_series s
                           JOIN metric_rollup r ON r.series_id = s.id AND r.shift = 40 AND r.cell = 0 ORDER BY s.name""")) {
                rs.next();
                assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6)))
                        .containsExactly("mi_tx", 101L, 0L, 1_000_000_000_000L, -99.0, 7.5);
                rs.next();
                assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6)))
                        .containsExactly("train_loss", 3_000L, 0L, 2_999L, 1.0 / 3_000, 1.0);
            }
        }
    }

    private static List<String> points(DataSource db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT run_id, name, layer, step, value FROM metric_point ORDER BY 1, 2, 3, 4")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3) + " " + rs.getLong(4) + " "
                        + Double.doubleToLongBits(rs.getDouble(5)));
            }
        }
        return out;
    }
}
