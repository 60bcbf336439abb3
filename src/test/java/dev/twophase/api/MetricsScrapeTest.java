package dev.twophase.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scrapes {@code /q/metrics} after a tiny run and checks that every documented meter is there with
 * the value the run implies, and that docs/operations.md documents exactly the {@code twophase_*} families exposed.
 */
@QuarkusTest
class MetricsScrapeTest {

    private static final int STEPS = 30;
    private static final int EVERY = 10;

    /** Families the metrics table (docs/operations.md) must list; the scrape must expose each of them. */
    private static final Set<String> DOCUMENTED = Set.of(
            "twophase_queue_runs", "twophase_queue_oldest_age_seconds",
            "twophase_runs_started_total", "twophase_runs_finished_total", "twophase_run_duration_seconds",
            "twophase_training_steps_total", "twophase_training_steps_per_second", "twophase_training_step_seconds",
            "twophase_measure_pass_seconds", "twophase_metric_points_written_total", "twophase_metric_write_seconds",
            "http_server_requests_seconds");

    @Test
    void aTinyRunShowsUpInEveryDocumentedMeter() throws IOException {
        // Counters are process-wide: let runs that earlier tests left to the in-process worker finish first.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<Map<String, Object>> counts = given().get("/api/v1/queue").then().statusCode(200).extract().path("counts");
            return counts.stream().noneMatch(c -> "cpu".equals(c.get("device"))
                    && List.of("queued", "running").contains(c.get("state")) && ((Number) c.get("count")).longValue() > 0);
        });
        Map<String, Double> before = scrape();
        String runId = given().contentType(ContentType.JSON).body(Specs.tiny("scrape-me", STEPS, EVERY))
                .post("/api/v1/experiments").then().statusCode(201).extract().path("runs[0].id");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                "succeeded".equals(given().get("/api/v1/runs/" + runId).path("state")));

        // The reaper refreshes the queue gauges every second in tests.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            Map<String, Double> after = scrape();
            assertThat(after).containsKeys("twophase_queue_runs{device=\"cpu\",state=\"succeeded\"}",
                    "twophase_queue_oldest_age_seconds{device=\"cpu\"}",
                    "twophase_queue_oldest_age_seconds{device=\"gpu\"}");
        });
        Map<String, Double> after = scrape();

        // On a loaded machine an attempt can lose its lease and be retried: the meters must agree with the run.
        int attempts = given().get("/api/v1/runs/" + runId).then().extract().path("attempt");
        assertThat(delta(before, after, "twophase_runs_started_total{device=\"cpu\"}")).isEqualTo(attempts);
        assertThat(delta(before, after, "twophase_runs_finished_total{device=\"cpu\",outcome=\"succeeded\"}"))
                .isEqualTo(1.0);
        assertThat(sumMatching(after, "twophase_runs_finished_total{device=\"cpu\"")
                - sumMatching(before, "twophase_runs_finished_total{device=\"cpu\"")).isEqualTo(attempts);
        assertThat(delta(before, after, "twophase_run_duration_seconds_count{device=\"cpu\",outcome=\"succeeded\"}"))
                .isEqualTo(1.0);
        assertThat(after.get("twophase_run_duration_seconds_sum{device=\"cpu\",outcome=\"succeeded\"}")).isPositive();
        double steps = delta(before, after, "twophase_training_steps_total{device=\"cpu\"}");
        double passes = delta(before, after, "twophase_measure_pass_seconds_count{device=\"cpu\"}");
        if (attempts == 1) {
            assertThat(steps).isEqualTo(STEPS);
            // One measurement pass at step 0 and one every EVERY steps.
            assertThat(passes).isEqualTo(STEPS / EVERY + 1);
        } else {
            assertThat(steps).isGreaterThanOrEqualTo(STEPS);
            assertThat(passes).isGreaterThanOrEqualTo(STEPS / EVERY + 1);
        }
        // The step timer times every step the counter counts.
        assertThat(sumMatching(after, "twophase_training_step_seconds_count{device=\"cpu\",worker=")
                - sumMatching(before, "twophase_training_step_seconds_count{device=\"cpu\",worker="))
                .isEqualTo(steps);
        assertThat(keysMatching(after, "twophase_training_steps_per_second{device=\"cpu\",worker=")).isNotEmpty();
        // Each step writes train_batch_loss and train_batch_acc; the run writes at least those.
        assertThat(delta(before, after, "twophase_metric_points_written_total")).isGreaterThanOrEqualTo(2.0 * STEPS);
        assertThat(delta(before, after, "twophase_metric_write_seconds_count")).isGreaterThanOrEqualTo(1.0);
        assertThat(after.get("twophase_queue_oldest_age_seconds{device=\"gpu\"}")).isEqualTo(0.0);
        assertThat(keysMatching(after, "http_server_requests_seconds_count{")).anyMatch(k ->
                k.contains("method=\"POST\"") && k.contains("uri=\"/api/v1/experiments\"") && k.contains("status=\"201\""));

        Set<String> families = new TreeSet<>();
        for (String key : after.keySet()) {
            families.add(family(key));
        }
        assertThat(families).containsAll(DOCUMENTED);
        Set<String> exposedOwn = new TreeSet<>(families);
        exposedOwn.removeIf(f -> !f.startsWith("twophase_"));
        assertThat(documentedMeters()).as("docs/operations.md's metrics table lists exactly the twophase_* families exposed")
                .containsAll(DOCUMENTED).containsAll(exposedOwn);
    }

    private static Map<String, Double> scrape() {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        assertThat(after).as("scrape has %s", key).containsKey(key);
        return after.get(key) - before.getOrDefault(key, 0.0);
    }

    private static Set<String> keysMatching(Map<String, Double> samples, String prefix) {
        Set<String> out = new TreeSet<>();
        samples.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(out::add);
        return out;
    }

    private static double sumMatching(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The metric family of a sample: its name without labels and without _count/_sum/_max suffixes. */
    private static String family(String sampleKey) {
        String name = sampleKey.contains("{") ? sampleKey.substring(0, sampleKey.indexOf('{')) : sampleKey;
        return name.replaceFirst("_(count|sum|max|bucket)$", "");
    }

    /** Names in the first column of the metrics table in docs/operations.md (rows starting with a backticked name). */
    private static Set<String> documentedMeters() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(Files.readString(Path.of("docs", "operations.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
