package dev.twophase.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.experiment.spec.SpecLimits;
import dev.twophase.experiment.spec.SpecValidator;
import dev.twophase.experiment.spec.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every spec in examples/ is valid under the default limits, so README's examples cannot rot. */
class ExamplesTest {

    @Test
    void everyExampleIsAValidSpec() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString())
                .contains("add-mod-23.json", "s5-permutation.json", "external-run.json", "paper-division.json", "paper-s5.json",
                        "quick-two-phase.json", "sweep-add-mod-23.json");
        SpecValidator validator = new SpecValidator(SpecLimits.defaults());
        ObjectMapper json = new ObjectMapper();
        for (Path example : examples) {
            // A sweep expands to runs that must each be valid; a spec without one is its only run.
            SweepSpec.Expansion result = SweepSpec.expand(json.readTree(example.toFile()), validator, 64);
            assertThat(result.violations()).as(example.toString()).isEmpty();
        }
    }
}
