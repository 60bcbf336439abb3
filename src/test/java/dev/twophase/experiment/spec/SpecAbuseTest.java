package dev.twophase.experiment.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Specs an abuse probe sent (issue 18): their cost is bounded, their text printable, their params small. */
class SpecAbuseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SpecValidator validator = new SpecValidator(SpecLimits.defaults());

    /** Item 4: the largest spec the size limits allow took 5.5 GB and minutes for its first measurement pass. */
    @Test
    void theLargestSpecTheSizeLimitsAllowIsRefusedWithItsCostEstimates() throws Exception {
        ValidationResult result = validator.validate(JSON.readTree("""
                {"name": "too-costly",
                 "task": {"type": "modular", "operation": "add", "modulus": 1000},
                 "model": {"layers": 3, "dModel": 1024, "heads": 4, "dMlp": 4096},
                 "training": {"steps": 1000000, "batchSize": 65536},
                 "measures": {"every": 1}}"""));

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).extracting(Violation::path)
                .containsExactlyInAnyOrder("$.training.batchSize", "$.measures", "$.measures");
        assertThat(message(result, "$.training.batchSize")).contains("4.5e+13 floating-point operations",
                "twophase.limits.max-step-flops");
        assertThat(result.violations()).filteredOn(v -> v.path().equals("$.measures")).extracting(Violation::message)
                .anySatisfy(m -> assertThat(m).contains("evaluation of 1000000 pairs 2.3e+14", "twophase.limits.max-measure-flops"))
                .anySatisfy(m -> assertThat(m).contains("MiB of activations", "twophase.limits.max-measure-memory"));
    }

    @Test
    void thePaperPresetsCostFarLessThanTheLimits() throws Exception {
        for (String example : List.of("paper-division.json", "paper-s5.json", "quick-two-phase.json")) {
            ValidationResult result = validator.validate(JSON.readTree(Path.of("examples", example).toFile()));
            assertThat(result.violations()).as(example).isEmpty();
            ExperimentSpec spec = result.spec();
            SpecCost cost = SpecCost.of(spec.task(), spec.model(), spec.training(), spec.measures());
            assertThat(cost.stepFlops()).as(example).isLessThan(SpecLimits.DEFAULT_MAX_STEP_FLOPS / 100);
            assertThat(cost.measureFlops()).as(example).isLessThan(SpecLimits.DEFAULT_MAX_MEASURE_FLOPS / 20);
            assertThat(cost.measureBytes()).as(example).isLessThan(SpecLimits.DEFAULT_MAX_MEASURE_BYTES / 10);
        }
    }

    @Test
    void aCostLimitIsConfigurable() throws Exception {
        SpecLimits tight = new SpecLimits(1_000_000, 1000, 4, 1024, 4096, 65536, 50_000_000, 65536, 1e9, 1e10, 1L << 30);
        ValidationResult result = new SpecValidator(tight).validate(JSON.readTree(Path.of("examples", "paper-s5.json").toFile()));
        assertThat(result.violations()).extracting(Violation::path).containsExactlyInAnyOrder("$.training.batchSize", "$.measures");
    }

    /** Item 9: NUL made PostgreSQL fail (500 with a stack trace), control characters broke the SVG. */
    @Test
    void namesMustBePrintableText() throws Exception {
        for (String name : List.of("a\u0000b", "bell\u0007", "esc\u001b[31m", "line\nbreak", "half \ud83d pair", "del\u007f", "c1\u0085")) {
            ObjectNodeSpec spec = new ObjectNodeSpec(name);
            ValidationResult result = validator.validate(spec.json());
            assertThat(result.violations()).as(name).extracting(Violation::path).containsExactly("$.name");
            assertThat(message(result, "$.name")).as(name).contains("must be printable text");
        }
        assertThat(validator.validate(new ObjectNodeSpec("ünïcödé 名前 \ud83d\ude00").json()).violations()).isEmpty();
    }

    @Test
    void paramsKeysAndStringsMustBePrintableAndParamsSmall() throws Exception {
        JsonNode bad = JSON.readTree("""
                {"name": "p", "external": true,
                 "params": {"note": "a\\u0000b", "nested": {"list": ["ok", "x\\u001by"]}, "k\\u0000ey": 1,
                            "multi-line": "first\\nsecond\\ttabbed"}}""");
        ValidationResult result = validator.validate(bad);
        assertThat(result.violations()).extracting(Violation::path)
                .containsExactlyInAnyOrder("$.params.note", "$.params.nested.list[1]", "$.params");
        assertThat(message(result, "$.params.note")).contains("U+0000 at index 1");

        String big = "x".repeat(SpecLimits.DEFAULT_MAX_PARAMS_BYTES);
        ValidationResult tooBig = validator.validate(JSON.readTree("{\"name\": \"p\", \"external\": true, \"params\": {\"blob\": \""
                + big + "\"}}"));
        assertThat(tooBig.violations()).extracting(Violation::path).containsExactly("$.params");
        assertThat(message(tooBig, "$.params")).contains("65547 bytes", "limit of 65536", "twophase.limits.max-params-bytes");
    }

    private static String message(ValidationResult result, String path) {
        return result.violations().stream().filter(v -> v.path().equals(path)).findFirst().orElseThrow().message();
    }

    /** A minimal valid spec with the given name. */
    private record ObjectNodeSpec(String name) {
        JsonNode json() {
            return JSON.createObjectNode().put("name", name).set("task",
                    JSON.createObjectNode().put("type", "modular").put("modulus", 7));
        }
    }
}
