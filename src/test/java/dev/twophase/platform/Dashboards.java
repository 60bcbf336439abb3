package dev.twophase.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Grafana dashboards of {@code grafana/dashboards} and the queries in them. */
final class Dashboards {

    static final Path DIR = Path.of("grafana/dashboards");
    static final String POSTGRES_UID = "twophase-postgres";
    static final String PROMETHEUS_UID = "twophase-prometheus";

    /** One query: where it sits (variable, annotation or panel), the panel's repeat variable, its text. */
    record Query(String dashboard, String where, String repeat, String text) {
    }

    private Dashboards() {
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static JsonNode read(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    /** Every panel, including those inside rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Every SQL text sent to the PostgreSQL data source: variable queries, annotations, panel targets. */
    static List<Query> sql(Path file) throws IOException {
        JsonNode d = read(file);
        String name = file.getFileName().toString();
        List<Query> out = new ArrayList<>();
        for (JsonNode v : d.path("templating").path("list")) {
            if (POSTGRES_UID.equals(v.path("datasource").path("uid").asText())) {
                JsonNode q = v.path("query");
                out.add(new Query(name, "variable " + v.path("name").asText(), null,
                        q.isTextual() ? q.asText() : q.path("rawSql").asText(q.path("query").asText())));
            }
        }
        for (JsonNode a : d.path("annotations").path("list")) {
            if (POSTGRES_UID.equals(a.path("datasource").path("uid").asText())) {
                out.add(new Query(name, "annotation " + a.path("name").asText(), null,
                        a.path("target").path("rawSql").asText()));
            }
        }
        for (JsonNode p : panels(d)) {
            for (JsonNode t : p.path("targets")) {
                String uid = t.path("datasource").path("uid").asText(p.path("datasource").path("uid").asText());
                if (POSTGRES_UID.equals(uid)) {
                    out.add(new Query(name, "panel " + p.path("title").asText() + " / " + t.path("refId").asText(),
                            p.path("repeat").isMissingNode() ? null : p.path("repeat").asText(),
                            t.path("rawSql").asText()));
                }
            }
        }
        return out;
    }
}
