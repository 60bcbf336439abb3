package dev.twophase.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Uploads of an external run's points against the real database (issue 18). */
@QuarkusTest
class MetricUploadTest {

    @Inject
    MetricStore store;
    @Inject
    DataSource dataSource;

    /**
     * Item 5: one request, one transaction. The points are written in batches of at most 64 chunks (65,536 points); a
     * failure in a later statement (here a value the table's CHECK refuses, standing in for a connection
     * cut by kill -9) must leave none of the earlier ones behind.
     */
    @Test
    void anUploadIsStoredCompletelyOrNotAtAll() throws SQLException {
        UUID run = externalRun("upload-atomic");
        List<MetricPoint> points = new ArrayList<>();
        for (int step = 0; step < 100_000; step++) {
            points.add(new MetricPoint("train_loss", 0, step, step == 90_000 ? Double.NaN : 1.0 / (1 + step)));
        }
        assertThat(points.size()).isGreaterThan(MetricStore.CHUNKS_PER_BATCH * 1024);
        assertThatThrownBy(() -> store.write(run, points, 1000)).isInstanceOf(MetricStoreException.class)
                .hasMessageContaining("metric_chunk_finite");
        assertThat(pointCount(run)).isZero();

        points.set(90_000, new MetricPoint("train_loss", 0, 90_000, 0.5));
        assertThat(store.write(run, points, 1000)).isEqualTo(100_000);
        assertThat(pointCount(run)).isEqualTo(100_000);
        assertThat(store.write(run, points, 1000)).as("an identical re-send changes nothing").isZero();
    }

    /** Item 10: a step is an integer in JSON, also where a double would print in exponent notation. */
    @Test
    void stepsAreWrittenAsIntegers() {
        UUID run = externalRun("upload-big-steps");
        given().contentType(ContentType.JSON).body("""
                {"points": [{"name": "train_loss", "step": 1000000000000, "value": 0.25},
                            {"name": "train_loss", "step": 7, "value": 1e12}]}""")
                .post("/api/v1/runs/" + run + "/metrics").then().statusCode(200);
        String body = given().get("/api/v1/runs/" + run + "/metrics").then().statusCode(200).extract().asString();
        assertThat(body).contains("[7,1.0E12]", "[1000000000000,0.25]").doesNotContain("1.0E12,");
    }

    static UUID externalRun(String name) {
        String id = given().contentType(ContentType.JSON).body("{\"name\": \"" + name + "\", \"external\": true}")
                .post("/api/v1/experiments").then().statusCode(201).extract().path("runs[0].id");
        return UUID.fromString(id);
    }

    private long pointCount(UUID run) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM metric_point WHERE run_id = ?")) {
            ps.setObject(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
