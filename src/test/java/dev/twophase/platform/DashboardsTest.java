package dev.twophase.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the Grafana dashboards: they refer only to the provisioned data sources, every
 * PromQL expression names meters the service documents (and {@code MetricsScrapeTest} sees exposed),
 * and each has the panels its users look for. Their SQL runs in {@link DashboardQueriesTest}.
 */
class DashboardsTest {

    private static final Pattern OWN_METRIC = Pattern.compile("\\btwophase_[a-z_]+");

    @Test
    void dashboardsUseOnlyTheProvisionedDataSources() throws IOException {
        List<Map<String, Object>> sources = Kustomize.maps(Kustomize.parseAll(
                Files.readString(Path.of("grafana/provisioning/datasources.yaml"))).get(0).get("datasources"));
        Set<Object> provisioned = new HashSet<>(sources.stream().map(s -> s.get("uid")).toList());
        assertThat(provisioned).containsExactlyInAnyOrder(Dashboards.POSTGRES_UID, Dashboards.PROMETHEUS_UID);
        assertThat(sources).anySatisfy(s -> assertThat(s.get("type")).isEqualTo("grafana-postgresql-datasource"));

        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            assertThat(uids.add(d.path("uid").asText())).as("unique uid of %s", file).isTrue();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : Dashboards.panels(d)) {
                assertThat(ids.add(p.path("id").asInt())).as("%s: unique panel id %s", file, p.path("id")).isTrue();
                assertThat(p.has("gridPos")).as("%s: %s has a gridPos", file, p.path("title")).isTrue();
                for (JsonNode ds : p.findValues("datasource")) {
                    if (ds.has("uid") && !ds.path("uid").asText().startsWith("$")) {
                        assertThat(provisioned).as("%s: data source of %s", file, p.path("title"))
                                .contains(ds.path("uid").asText());
                    }
                }
                for (JsonNode t : p.path("targets")) {
                    boolean sql = Dashboards.POSTGRES_UID.equals(t.path("datasource").path("uid").asText());
                    assertThat(t.path(sql ? "rawSql" : "expr").asText()).as("%s: %s query", file, p.path("title"))
                            .isNotBlank();
                }
            }
        }
        assertThat(uids).containsExactlyInAnyOrder("twophase-service-health", "twophase-experiment-explorer",
                "twophase-information-plane");
    }

    @Test
    void serviceHealthQueriesOnlyDocumentedMeters() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher table = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(Files.readString(Path.of("docs", "operations.md")));
        while (table.find()) {
            documented.add(table.group(1));
        }
        JsonNode health = Dashboards.read(Dashboards.DIR.resolve("twophase-service-health.json"));
        Set<String> used = new TreeSet<>();
        for (JsonNode p : Dashboards.panels(health)) {
            for (JsonNode t : p.path("targets")) {
                Matcher m = OWN_METRIC.matcher(t.path("expr").asText());
                while (m.find()) {
                    used.add(m.group().replaceFirst("_(count|sum|max|bucket)$", ""));
                }
            }
        }
        assertThat(documented).as("docs/operations.md metrics table").containsAll(used);
        // Every meter the service documents is on the health dashboard.
        assertThat(used).containsAll(documented.stream().filter(n -> n.startsWith("twophase_")).toList());
    }

    @Test
    void explorerDrawsThePaperCurvesAndPhaseEvents() throws IOException {
        JsonNode explorer = Dashboards.read(Dashboards.DIR.resolve("twophase-experiment-explorer.json"));
        String sql = String.join("\n", Dashboards.sql(Dashboards.DIR.resolve("twophase-experiment-explorer.json"))
                .stream().map(Dashboards.Query::text).toList());
        for (String series : List.of("'train_acc'", "'test_acc'", "'test_loss'", "mi_tx", "mi_ty")) {
            assertThat(sql).as("explorer plots %s", series).contains(series);
        }
        assertThat(explorer.path("annotations").path("list").get(0).path("target").path("rawSql").asText())
                .contains("FROM phase_event");
        JsonNode plane = Dashboards.read(Dashboards.DIR.resolve("twophase-information-plane.json"));
        assertThat(Dashboards.panels(plane)).anySatisfy(p -> {
            assertThat(p.path("type").asText()).isEqualTo("xychart");
            assertThat(p.path("repeat").asText()).isEqualTo("layer");
        });
    }
}
