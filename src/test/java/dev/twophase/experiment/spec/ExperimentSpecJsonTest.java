package dev.twophase.experiment.spec;

import static dev.twophase.experiment.spec.SpecValidatorTest.EXAMPLE;
import static dev.twophase.experiment.spec.SpecValidatorTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentSpecJsonTest {

    /** The detectors' defaults (docs/phases.md), echoed with every normalized spec. */
    private static final String PHASE_DEFAULTS = """
            {"fittingThreshold": 0.99, "generalizationThreshold": 0.95, "generalizationOnsetFraction": 0.1,
             "plateauTolerance": 0.01, "smoothingWindow": 5, "logHalfWidth": 0.05, "maxLogHalfWidth": 0.25,
             "minimumRelativeChange": 0.02, "noiseMultiplier": 4.0, "penaltyFactor": 3.0}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final SpecValidator validator = new SpecValidator(SpecLimits.defaults());

    /** The JSON a client receives, parsed back: compares values, not Jackson's int/long node kinds. */
    private JsonNode echoed(ExperimentSpec spec) throws Exception {
        return mapper.readTree(mapper.writeValueAsString(spec));
    }

    private ExperimentSpec normalized(String spec) {
        ValidationResult result = validator.validate(json(spec));
        assertThat(result.violations()).isEmpty();
        return result.spec();
    }

    @Test
    void minimalSpecEchoesEveryDefaultAndNoN() throws Exception {
        JsonNode echoed = echoed(normalized("{\"name\":\"x\",\"task\":{\"type\":\"modular\",\"modulus\":97}}"));

        assertThat(echoed).isEqualTo(json("""
                { "name": "x", "external": false,
                  "task": {"type": "modular", "operation": "add", "modulus": 97, "trainFraction": 0.3, "seed": 1},
                  "model": {"type": "transformer", "layers": 2, "dModel": 128, "heads": 4, "dMlp": 512, "activation": "gelu"},
                  "optimizer": {"type": "adamw", "learningRate": 0.001, "weightDecay": 1.0, "beta1": 0.9, "beta2": 0.98, "warmupSteps": 10},
                  "training": {"steps": 10000, "batchSize": 512, "seed": 42},
                  "measures": {"schedule": {"perDecade": 40, "maxEvery": 1000}, "mutualInformation": [{"estimator": "kde", "representation": "residual_last", "inputs": "train", "noiseVariance": 0.0625, "noiseScale": "sphere", "probes": 1000}]},
                  "resources": {"device": "cpu", "priority": 0, "maxAttempts": 3},
                  "phases": """ + PHASE_DEFAULTS + "}"));
    }

    @Test
    void permutationTaskEchoesWithoutOperationAndModulus() throws Exception {
        JsonNode task = echoed(normalized(SpecValidatorTest.PERMUTATION)).get("task");

        assertThat(task).isEqualTo(json("{\"type\": \"permutation\", \"n\": 5, \"trainFraction\": 0.5, \"seed\": 1}"));
    }

    @Test
    void externalSpecEchoesOnlyNameExternalParamsAndPhaseSettings() throws Exception {
        JsonNode echoed = echoed(normalized("{\"name\": \"e\", \"external\": true, \"params\": {\"k\": [1, 2]}}"));

        // an external run's series are analysed by the same detectors, so its phase settings are echoed too
        assertThat(echoed).isEqualTo(json("{\"name\": \"e\", \"external\": true, \"params\": {\"k\": [1, 2]}, \"phases\": "
                + PHASE_DEFAULTS + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            EXAMPLE,
            "{\"name\":\"x\",\"task\":{\"type\":\"modular\",\"modulus\":97}}",
            "{\"name\":\"d\",\"params\":{\"p\":1},\"task\":{\"type\":\"modular\",\"operation\":\"div\",\"modulus\":97,\"trainFraction\":0.4,\"seed\":-7}}",
            "{\"name\":\"s5\",\"task\":{\"type\":\"permutation\",\"n\":5},\"training\":{\"steps\":600000,\"seed\":9007199254740993}}",
            "{\"name\":\"e\",\"external\":true,\"params\":{\"k\":[1,2]}}"
    })
    void normalizedSpecSurvivesARoundTrip(String submitted) throws Exception {
        ExperimentSpec spec = normalized(submitted);
        String serialized = mapper.writeValueAsString(spec);

        ValidationResult again = validator.validate(mapper.readTree(serialized));

        assertThat(again.violations()).isEmpty();
        assertThat(again.spec()).isEqualTo(spec);
        assertThat(mapper.readValue(serialized, ExperimentSpec.class)).isEqualTo(spec);
    }
}
