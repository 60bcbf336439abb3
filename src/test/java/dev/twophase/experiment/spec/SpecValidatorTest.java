package dev.twophase.experiment.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static final String EXAMPLE = """
            { "name": "add-mod-23",
              "task": {"type": "modular", "operation": "add", "modulus": 23, "trainFraction": 0.5, "seed": 1},
              "model": {"type": "transformer", "layers": 2, "dModel": 128, "heads": 4, "dMlp": 512, "activation": "gelu"},
              "optimizer": {"type": "adamw", "learningRate": 1e-3, "weightDecay": 1.0, "beta1": 0.9, "beta2": 0.98, "warmupSteps": 10},
              "training": {"steps": 3000, "batchSize": 512, "seed": 42},
              "measures": {"every": 50, "mutualInformation": {"estimator": "binning", "bins": 30}},
              "resources": {"device": "cpu", "priority": 0, "maxAttempts": 3} }
            """;

    static final String PERMUTATION = """
            {"name": "s5", "task": {"type": "permutation", "n": 5}}
            """;

    private final SpecValidator validator = new SpecValidator(SpecLimits.defaults());

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code base} with {@code field} of the object at the JSON pointer set to {@code value} (a JSON text). */
    static ObjectNode with(String base, String pointer, String field, String value) {
        ObjectNode spec = json(base);
        ObjectNode parent = (ObjectNode) spec.at(pointer);
        parent.set(field, json("{\"v\": " + value + "}").get("v"));
        return spec;
    }

    static ObjectNode without(String base, String pointer, String field) {
        ObjectNode spec = json(base);
        ((ObjectNode) spec.at(pointer)).remove(field);
        return spec;
    }

    ValidationResult validate(JsonNode spec) {
        return validator.validate(spec);
    }

    @Test
    void exampleIsValidAndEchoedAsSubmitted() {
        ValidationResult result = validate(json(EXAMPLE));

        assertThat(result.violations()).isEmpty();
        assertThat(result.valid()).isTrue();
        assertThat(result.spec()).isEqualTo(new ExperimentSpec("add-mod-23", false, null,
                new TaskSpec("modular", "add", 23, null, 0.5, 1),
                new ModelSpec("transformer", 2, 128, 4, 512, "gelu"),
                new OptimizerSpec("adamw", 1e-3, 1.0, 0.9, 0.98, 10),
                new TrainingSpec(3000, 512, 42),
                new MeasuresSpec(50, null, List.of(MutualInformationSpec.binning(30, "adaptive", null, null)), null, null),
                new ResourcesSpec("cpu", 0, 3), PhasesSpec.defaults(), List.of()));
    }

    @Test
    void minimalSpecGetsEveryDefault() {
        ValidationResult result = validate(json("{\"name\":\"x\",\"task\":{\"type\":\"modular\",\"modulus\":97}}"));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec()).isEqualTo(new ExperimentSpec("x", false, null,
                new TaskSpec("modular", "add", 97, null, 0.3, 1),
                new ModelSpec("transformer", 2, 128, 4, 512, "gelu"),
                new OptimizerSpec("adamw", 1e-3, 1.0, 0.9, 0.98, 10),
                new TrainingSpec(10_000, 512, 42),
                // 10,000 steps: the log-spaced schedule; the default estimator is kde on the unit sphere
                new MeasuresSpec(null, new MeasureScheduleSpec(40, 1000), List.of(new MutualInformationSpec("kde",
                        "residual_last", "train", null, null, null, null, 0.0625, "sphere", 1000)), null, null),
                new ResourcesSpec("cpu", 0, 3), PhasesSpec.defaults(), List.of()));
    }

    @Test
    void nullForAnOptionalFieldOrSectionMeansTheDefault() {
        ObjectNode spec = json("""
                {"name": "x", "external": null, "params": null, "task": {"type": "modular", "modulus": 97, "seed": null},
                 "model": {"layers": null, "dModel": 64}, "optimizer": null, "measures": {"mutualInformation": null}}
                """);

        ValidationResult result = validate(spec);

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().task().seed()).isEqualTo(1);
        assertThat(result.spec().model()).isEqualTo(new ModelSpec("transformer", 2, 64, 4, 256, "gelu"));
        assertThat(result.spec().optimizer()).isEqualTo(new OptimizerSpec("adamw", 1e-3, 1.0, 0.9, 0.98, 10));
        assertThat(result.spec().measures().mutualInformation()).containsExactly(MutualInformationSpec.defaultEstimator());
    }

    @Test
    void kdeNoiseIsOnTheSphereByDefaultAndEachScaleHasItsOwnDefaultVariance() {
        ValidationResult result = validate(with(EXAMPLE, "", "measures", """
                {"every": 50, "mutualInformation": [{"estimator": "kde"}, {"estimator": "kde", "noiseScale": "absolute"},
                 {"estimator": "kde", "noiseScale": "relative", "noiseVariance": 0.2, "representation": "mlp_hidden"},
                 {"estimator": "renyi"}]}
                """));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().measures().mutualInformation()).containsExactly(
                new MutualInformationSpec("kde", "residual_last", "train", null, null, null, null, 0.0625, "sphere", 1000),
                new MutualInformationSpec("kde", "residual_last", "train", null, null, null, null, 0.1, "absolute", 1000),
                new MutualInformationSpec("kde", "mlp_hidden", "train", null, null, null, null, 0.2, "relative", 1000),
                new MutualInformationSpec("renyi", "residual_last", "train", null, null, null, null, 0.0625, "sphere", 1000));
        // The relative one is a clustering index: its series are not mi_tx.
        assertThat(result.spec().measures().mutualInformation()).extracting(mi -> mi.txSeries("upper"))
                .containsExactly("mi_tx:kde_sphere_upper", "mi_tx:kde_upper", "clustering_tx:kde_relative_upper:mlp_hidden",
                        "mi_tx:renyi2_sphere");
    }

    @Test
    void phaseRuleParametersMayBeSetAndAreChecked() {
        ValidationResult set = validate(with(EXAMPLE, "", "phases", """
                {"fittingThreshold": 0.9, "plateauTolerance": 0.02, "smoothingWindow": 7}
                """));
        ValidationResult bad = validate(with(EXAMPLE, "", "phases", """
                {"fittingThreshold": 1.5, "logHalfWidth": 0.5, "maxLogHalfWidth": 0.1, "window": 3}
                """));

        assertThat(set.violations()).isEmpty();
        assertThat(set.spec().phases()).isEqualTo(new PhasesSpec(0.9, 0.95, 0.1, 0.02, 7, 0.05, 0.25, 0.02, 4.0, 3.0));
        assertThat(bad.violations()).extracting(Violation::path).containsExactlyInAnyOrder("$.phases.fittingThreshold",
                "$.phases.maxLogHalfWidth", "$.phases.window");
    }

    @Test
    void theFirstEstimatorMustEstimateInformation() {
        ValidationResult alone = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": {"estimator": "kde", "noiseScale": "relative"}}
                """));
        ValidationResult first = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": [{"estimator": "renyi", "noiseScale": "relative"}, {"estimator": "kde"}]}
                """));
        ValidationResult second = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": [{"estimator": "kde"}, {"estimator": "kde", "noiseScale": "relative"}]}
                """));

        assertThat(alone.violations()).extracting(Violation::path).containsExactly("$.measures.mutualInformation");
        assertThat(alone.violations().get(0).message()).contains("clustering index");
        assertThat(first.violations()).extracting(Violation::path).containsExactly("$.measures.mutualInformation[0]");
        assertThat(second.violations()).isEmpty();
    }

    @Test
    void binningOnTheAttentionPatternHasFixedEdgesInTheUnitInterval() {
        ValidationResult result = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": [{"estimator": "kde"},
                 {"estimator": "binning", "representation": "attention_last", "bins": 10}, {"estimator": "binning"}]}
                """));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().measures().mutualInformation().get(1))
                .isEqualTo(new MutualInformationSpec("binning", "attention_last", "train", 10, "fixed", 0.0, 1.0, null, null, null));
        assertThat(result.spec().measures().mutualInformation().get(2).range()).isEqualTo("adaptive");
    }

    @Test
    void kdeNoiseScaleIsCheckedAndARepeatedScaleOnOneRepresentationIsRejected() {
        ValidationResult wrong = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": {"estimator": "kde", "noiseScale": "per-unit"}}
                """));
        ValidationResult repeated = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": [{"estimator": "kde"}, {"estimator": "kde", "noiseVariance": 0.1}]}
                """));
        ValidationResult onBinning = validate(with(EXAMPLE, "", "measures", """
                {"mutualInformation": {"estimator": "binning", "noiseScale": "relative"}}
                """));

        assertThat(wrong.violations()).extracting(Violation::path).containsExactly("$.measures.mutualInformation.noiseScale");
        assertThat(repeated.violations()).extracting(Violation::path).containsExactly("$.measures.mutualInformation[1]");
        assertThat(repeated.violations().get(0).message()).contains("sphere noise");
        assertThat(onBinning.violations()).extracting(Violation::path).containsExactly("$.measures.mutualInformation.noiseScale");
    }

    @Test
    void longRunsAreMeasuredOnTheLogSpacedScheduleUnlessACadenceIsGiven() {
        ValidationResult longRun = validate(with(EXAMPLE, "", "training", "{\"steps\": 200000}").without(List.of("measures")));
        ValidationResult shortRun = validate(with(EXAMPLE, "", "training", "{\"steps\": 9999}").without(List.of("measures")));
        ObjectNode fixedSpec = with(EXAMPLE, "/training", "steps", "200000");
        fixedSpec.set("measures", json("{\"every\": 500}"));
        ValidationResult fixed = validate(fixedSpec);
        ValidationResult custom = validate(with(EXAMPLE, "", "measures", "{\"schedule\": {\"perDecade\": 10}}"));
        ValidationResult both = validate(with(EXAMPLE, "", "measures", "{\"every\": 10, \"schedule\": {}}"));
        ValidationResult badGap = validate(with(EXAMPLE, "", "measures", "{\"schedule\": {\"maxEvery\": 5000}}"));

        assertThat(longRun.spec().measures().schedule()).isEqualTo(new MeasureScheduleSpec(40, 1000));
        assertThat(longRun.spec().measures().every()).isNull();
        assertThat(shortRun.spec().measures().every()).isEqualTo(100);
        assertThat(shortRun.spec().measures().schedule()).isNull();
        assertThat(fixed.spec().measures().every()).isEqualTo(500);
        // A 3,000-step run: the gap defaults to at most its length.
        assertThat(custom.spec().measures().schedule()).isEqualTo(new MeasureScheduleSpec(10, 1000));
        assertThat(both.violations()).extracting(Violation::path).containsExactly("$.measures.schedule");
        assertThat(badGap.violations()).extracting(Violation::path).containsExactly("$.measures.schedule.maxEvery");
    }

    @Test
    void warmupAndMeasurementIntervalDefaultsShrinkToAShortRun() {
        ValidationResult result = validate(with(EXAMPLE, "", "training", "{\"steps\": 5}")
                .without(List.of("optimizer", "measures")));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().optimizer().warmupSteps()).isEqualTo(5);
        assertThat(result.spec().measures().every()).isEqualTo(5);
    }

    @Test
    void integralFloatingPointNumbersAreIntegers() {
        ValidationResult result = validate(with(EXAMPLE, "/training", "steps", "2e3"));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().training().steps()).isEqualTo(2000);
    }

    static Stream<Arguments> oneViolation() {
        return Stream.of(
                // root
                arguments(without(EXAMPLE, "", "name"), "$.name", "is required"),
                arguments(with(EXAMPLE, "", "name", "null"), "$.name", "is required"),
                arguments(with(EXAMPLE, "", "name", "\"  \""), "$.name", "must not be blank"),
                arguments(with(EXAMPLE, "", "name", "\"" + "n".repeat(201) + "\""), "$.name", "at most 200 characters"),
                arguments(with(EXAMPLE, "", "name", "7"), "$.name", "must be a string, got number 7"),
                arguments(with(EXAMPLE, "", "name", "{}"), "$.name", "must be a string, got an object"),
                arguments(with(EXAMPLE, "", "external", "\"yes\""), "$.external", "must be true or false"),
                arguments(with(EXAMPLE, "", "params", "[1]"), "$.params", "must be an object, got an array"),
                arguments(with(EXAMPLE, "", "color", "\"red\""), "$.color",
                        "unknown field \"color\"; allowed fields: name, tags, external, params, task, model"),
                arguments(without(EXAMPLE, "", "task"), "$.task", "is required"),
                arguments(with(EXAMPLE, "", "task", "\"modular\""), "$.task", "must be an object"),
                arguments(with(EXAMPLE, "", "model", "4"), "$.model", "must be an object, got number 4"),
                // task
                arguments(without(EXAMPLE, "/task", "type"), "$.task.type", "is required; one of \"modular\", \"permutation\""),
                arguments(with(EXAMPLE, "/task", "type", "\"graph\""), "$.task.type", "must be one of \"modular\", \"permutation\""),
                arguments(with(EXAMPLE, "/task", "type", "{}"), "$.task.type", "got an object"),
                arguments(with(EXAMPLE, "/task", "operation", "\"pow\""), "$.task.operation", "\"add\", \"sub\", \"mul\", \"div\""),
                arguments(without(EXAMPLE, "/task", "modulus"), "$.task.modulus", "is required"),
                arguments(with(EXAMPLE, "/task", "modulus", "null"), "$.task.modulus", "is required"),
                arguments(with(EXAMPLE, "/task", "modulus", "1"), "$.task.modulus", "between 2 and 1000, got 1"),
                arguments(with(EXAMPLE, "/task", "modulus", "1001"), "$.task.modulus", "between 2 and 1000, got 1001"),
                arguments(with(EXAMPLE, "/task", "modulus", "23.5"), "$.task.modulus", "must be an integer, got the fractional number 23.5"),
                arguments(with(EXAMPLE, "/task", "modulus", "\"23\""), "$.task.modulus", "must be an integer, got string \"23\""),
                arguments(with(EXAMPLE, "/task", "n", "4"), "$.task.n", "not allowed for modular tasks"),
                arguments(with(EXAMPLE, "/task", "trainFraction", "0"), "$.task.trainFraction", "must be a number in (0, 1), got 0"),
                arguments(with(EXAMPLE, "/task", "trainFraction", "1"), "$.task.trainFraction", "(0, 1)"),
                arguments(with(EXAMPLE, "/task", "trainFraction", "true"), "$.task.trainFraction", "must be a number, got boolean true"),
                arguments(with(EXAMPLE, "/task", "seed", "1.5"), "$.task.seed", "must be an integer"),
                arguments(with(EXAMPLE, "/task", "seed", "1e30"), "$.task.seed", "must be an integer that fits in 64 bits"),
                arguments(with(EXAMPLE, "/task", "size", "3"), "$.task.size", "unknown field \"size\""),
                arguments(with(EXAMPLE, "/task", "a b", "3"), "$.task['a b']", "unknown field \"a b\""),
                arguments(with(PERMUTATION, "/task", "n", "6"), "$.task.n", "between 3 and 5, got 6"),
                arguments(with(PERMUTATION, "/task", "n", "2"), "$.task.n", "between 3 and 5, got 2"),
                arguments(without(PERMUTATION, "/task", "n"), "$.task.n", "is required"),
                arguments(with(PERMUTATION, "/task", "modulus", "7"), "$.task.modulus", "not allowed for permutation tasks"),
                arguments(with(PERMUTATION, "/task", "operation", "\"add\""), "$.task.operation", "not allowed for permutation tasks"),
                // model
                arguments(with(EXAMPLE, "/model", "type", "\"mlp\""), "$.model.type", "must be one of \"transformer\""),
                arguments(with(EXAMPLE, "/model", "layers", "0"), "$.model.layers", "between 1 and 4, got 0"),
                arguments(with(EXAMPLE, "/model", "layers", "5"), "$.model.layers", "between 1 and 4, got 5"),
                arguments(with(EXAMPLE, "/model", "dModel", "1025"), "$.model.dModel", "between 1 and 1024"),
                arguments(with(EXAMPLE, "/model", "heads", "0"), "$.model.heads", "must be an integer >= 1, got 0"),
                arguments(with(EXAMPLE, "/model", "heads", "3"), "$.model.heads", "dModel 128 is not divisible by heads 3"),
                arguments(with(EXAMPLE, "/model", "dModel", "130"), "$.model.heads", "dModel 130 is not divisible by heads 4"),
                arguments(with(EXAMPLE, "/model", "dMlp", "4097"), "$.model.dMlp", "between 1 and 4096"),
                arguments(with(EXAMPLE, "/model", "activation", "\"relu\""), "$.model.activation", "must be one of \"gelu\""),
                arguments(with(EXAMPLE, "/model", "dropout", "0.1"), "$.model.dropout",
                        "allowed fields: type, layers, dModel, heads, dMlp, activation"),
                // optimizer
                arguments(with(EXAMPLE, "/optimizer", "type", "\"sgd\""), "$.optimizer.type", "must be one of \"adamw\""),
                arguments(with(EXAMPLE, "/optimizer", "learningRate", "0"), "$.optimizer.learningRate", "(0, 1], got 0"),
                arguments(with(EXAMPLE, "/optimizer", "learningRate", "1.5"), "$.optimizer.learningRate", "(0, 1], got 1.5"),
                arguments(with(EXAMPLE, "/optimizer", "weightDecay", "-1"), "$.optimizer.weightDecay", "[0, 100], got -1"),
                arguments(with(EXAMPLE, "/optimizer", "weightDecay", "101"), "$.optimizer.weightDecay", "[0, 100]"),
                arguments(with(EXAMPLE, "/optimizer", "beta1", "1"), "$.optimizer.beta1", "[0, 1), got 1"),
                arguments(with(EXAMPLE, "/optimizer", "beta2", "-0.1"), "$.optimizer.beta2", "[0, 1)"),
                arguments(with(EXAMPLE, "/optimizer", "warmupSteps", "3001"), "$.optimizer.warmupSteps", "between 0 and 3000"),
                arguments(with(EXAMPLE, "/optimizer", "warmupSteps", "-1"), "$.optimizer.warmupSteps", "between 0 and 3000"),
                // training
                arguments(with(EXAMPLE, "/training", "steps", "0"), "$.training.steps", "between 1 and 1000000, got 0"),
                arguments(with(EXAMPLE, "/training", "steps", "1000001"), "$.training.steps", "between 1 and 1000000"),
                arguments(with(EXAMPLE, "/training", "steps", "1e30"), "$.training.steps", "between 1 and 1000000, got 1.0E30"),
                arguments(with(EXAMPLE, "/training", "steps", "123456789012345678901234567890"), "$.training.steps",
                        "between 1 and 1000000, got 123456789012345678901234567890"),
                arguments(with(EXAMPLE, "/training", "batchSize", "65537"), "$.training.batchSize", "between 1 and 65536"),
                arguments(with(EXAMPLE, "/training", "batchSize", "[512]"), "$.training.batchSize", "must be an integer, got an array"),
                arguments(with(EXAMPLE, "/training", "seed", "\"x\""), "$.training.seed", "must be an integer, got string"),
                // measures
                arguments(with(EXAMPLE, "/measures", "every", "0"), "$.measures.every", "between 1 and 3000"),
                arguments(with(EXAMPLE, "/measures", "every", "3001"), "$.measures.every", "between 1 and 3000, got 3001"),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "\"binning\""), "$.measures.mutualInformation",
                        "must be an estimator object or a non-empty list"),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "[]"), "$.measures.mutualInformation",
                        "non-empty list"),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "[{\"estimator\": \"binning\"}, {\"estimator\": \"kde\", \"bins\": 3}]"),
                        "$.measures.mutualInformation[1].bins", "unknown field"),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "[{\"estimator\": \"kde\"}, {\"noiseVariance\": 0.001}]"),
                        "$.measures.mutualInformation[1]", "repeats estimator \"kde\""),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "[{\"estimator\": \"kde\", \"noiseVariance\": 0}]"),
                        "$.measures.mutualInformation[0].noiseVariance", "(0, 1000000]"),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "{\"estimator\": \"binning\", \"range\": \"fixed\", \"lower\": 2, \"upper\": 1}"),
                        "$.measures.mutualInformation.upper", "must exceed lower"),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "{\"estimator\": \"binning\", \"lower\": 2}"),
                        "$.measures.mutualInformation.lower", "only for \"range\": \"fixed\""),
                arguments(with(EXAMPLE, "/measures", "mutualInformation", "{\"representation\": \"attention\"}"),
                        "$.measures.mutualInformation.representation", "\"residual_last\", \"mlp_hidden\", \"residual_all\""),
                arguments(with(EXAMPLE, "/measures", "localComplexity", "{\"directions\": 385}"),
                        "$.measures.localComplexity.directions", "at most the embedding width 3·dModel = 384"),
                arguments(with(EXAMPLE, "/measures", "localComplexity", "{\"radius\": -1}"),
                        "$.measures.localComplexity.radius", "must be a number in"),
                arguments(with(EXAMPLE, "/measures", "linearMappingNumber", "{\"samples\": 1}"),
                        "$.measures.linearMappingNumber.samples", "between 2 and 200"),
                arguments(with(EXAMPLE, "/measures", "linearMappingNumber", "[]"),
                        "$.measures.linearMappingNumber", "must be an object"),
                arguments(with(EXAMPLE, "/measures/mutualInformation", "estimator", "\"ksg\""),
                        "$.measures.mutualInformation.estimator", "must be one of \"kde\", \"renyi\", \"binning\""),
                arguments(with(EXAMPLE, "/measures/mutualInformation", "bins", "1"), "$.measures.mutualInformation.bins",
                        "between 2 and 1000"),
                arguments(with(EXAMPLE, "/measures/mutualInformation", "bins", "1001"), "$.measures.mutualInformation.bins",
                        "between 2 and 1000"),
                arguments(with(EXAMPLE, "/measures/mutualInformation", "sigma", "1"), "$.measures.mutualInformation.sigma",
                        "unknown field"),
                // resources
                arguments(with(EXAMPLE, "/resources", "device", "\"tpu\""), "$.resources.device", "\"cpu\", \"gpu\""),
                arguments(with(EXAMPLE, "/resources", "priority", "101"), "$.resources.priority", "between -100 and 100"),
                arguments(with(EXAMPLE, "/resources", "priority", "-101"), "$.resources.priority", "between -100 and 100"),
                arguments(with(EXAMPLE, "/resources", "maxAttempts", "0"), "$.resources.maxAttempts", "between 1 and 10"),
                arguments(with(EXAMPLE, "/resources", "maxAttempts", "11"), "$.resources.maxAttempts", "between 1 and 10"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource
    void oneViolation(ObjectNode spec, String path, String fragment) {
        ValidationResult result = validate(spec);

        assertThat(result.valid()).isFalse();
        assertThat(result.spec()).isNull();
        assertThat(result.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.path()).isEqualTo(path);
            assertThat(violation.message()).contains(fragment);
        });
    }

    @Test
    void everyViolationIsReportedInOnePass() {
        ObjectNode spec = json("""
                { "name": "",
                  "task": {"type": "modular", "modulus": 1},
                  "model": {"heads": 3},
                  "training": {"steps": "many"},
                  "resources": {"device": "tpu"} }
                """);

        ValidationResult result = validate(spec);

        assertThat(result.violations()).extracting(Violation::path).containsExactly(
                "$.name", "$.task.modulus", "$.model.heads", "$.training.steps", "$.resources.device");
    }

    @Test
    void divisionNeedsAPrimeModulus() {
        ValidationResult composite = validate(json("""
                {"name": "div", "task": {"type": "modular", "operation": "div", "modulus": 96}}
                """));
        ValidationResult prime = validate(json("""
                {"name": "div", "task": {"type": "modular", "operation": "div", "modulus": 97}}
                """));

        assertThat(composite.violations()).containsExactly(new Violation("$.task.modulus",
                "division modulo 96 is not well defined: 96 is not prime (some b have no inverse);"
                        + " use a prime modulus such as 97"));
        assertThat(prime.violations()).isEmpty();
        assertThat(prime.spec().task().pairCount()).isEqualTo(97 * 96);
    }

    @Test
    void theSymmetricGroupS5IsAccepted() {
        ValidationResult result = validate(json(PERMUTATION));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().task()).isEqualTo(new TaskSpec("permutation", null, null, 5, 0.5, 1));
        assertThat(result.spec().task().pairCount()).isEqualTo(14_400);
    }

    @Test
    void nonFiniteNumbersBuiltInJavaAreRejected() {
        ObjectNode spec = json(EXAMPLE);
        ((ObjectNode) spec.get("optimizer")).put("learningRate", Double.NaN);
        ((ObjectNode) spec.get("task")).put("trainFraction", Double.POSITIVE_INFINITY);
        ((ObjectNode) spec.get("training")).put("steps", Double.NaN);
        ((ObjectNode) spec.get("resources")).put("priority", Float.NEGATIVE_INFINITY);

        ValidationResult result = validate(spec);

        assertThat(result.violations()).containsExactly(
                new Violation("$.task.trainFraction", "must be a finite number, got Infinity"),
                new Violation("$.training.steps", "must be a finite integer, got NaN"),
                new Violation("$.optimizer.learningRate", "must be a finite number, got NaN"),
                new Violation("$.resources.priority", "must be a finite integer, got -Infinity"));
    }

    @Test
    void aRootThatIsNotAnObjectIsOneViolationAtTheRoot() {
        assertThat(validate(json("{\"v\": [1]}").get("v")).violations())
                .containsExactly(new Violation("$", "the spec must be a JSON object, got an array"));
        assertThat(validate(NullNode.getInstance()).violations()).extracting(Violation::path).containsExactly("$");
        assertThat(validate(null).violations())
                .containsExactly(new Violation("$", "the spec must be a JSON object, got nothing"));
    }

    @Test
    void externalRunKeepsItsParamsAsSubmitted() {
        ObjectNode spec = json("""
                {"name": "from-notebook", "external": true, "params": {"lr": 0.01, "tags": ["a", {"b": null}]}}
                """);

        ValidationResult result = validate(spec);
        ((ObjectNode) spec.get("params")).put("lr", 99);

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec()).isEqualTo(new ExperimentSpec("from-notebook", true,
                json("{\"lr\": 0.01, \"tags\": [\"a\", {\"b\": null}]}"), null, null, null, null, null, null,
                PhasesSpec.defaults(), List.of()));
    }

    @Test
    void externalRunRefusesEveryTrainingSection() {
        ObjectNode spec = json("""
                {"name": "ext", "external": true, "task": {"type": "modular", "modulus": 97}, "resources": {}, "model": null}
                """);

        ValidationResult result = validate(spec);

        assertThat(result.violations()).extracting(Violation::path).containsExactly("$.task", "$.resources");
        assertThat(result.violations()).allSatisfy(violation ->
                assertThat(violation.message()).contains("not allowed for external runs"));
    }

    @Test
    void paramsAreAllowedOnTrainedRunsToo() {
        ValidationResult result = validate(with(EXAMPLE, "", "params", "{\"owner\": \"ada\"}"));

        assertThat(result.violations()).isEmpty();
        assertThat(result.spec().params()).isEqualTo(json("{\"owner\": \"ada\"}"));
    }

    @Test
    void tooManyParametersIsAViolationOnTheModel() {
        ObjectNode spec = with(EXAMPLE, "", "model", "{\"layers\": 4, \"dModel\": 1024, \"dMlp\": 4096}");

        ValidationResult result = validate(spec);

        assertThat(result.violations()).containsExactly(new Violation("$.model",
                "the model would have 50419712 parameters for 23 classes, more than the limit of 50000000;"
                        + " reduce layers, dModel or dMlp"));
    }

    @Test
    void bothSplitsMustBeNonEmpty() {
        ObjectNode noTrain = json("{\"name\": \"x\", \"task\": {\"type\": \"modular\", \"modulus\": 2, \"trainFraction\": 0.1}}");
        ObjectNode noTest = json("{\"name\": \"x\", \"task\": {\"type\": \"modular\", \"modulus\": 2, \"trainFraction\": 0.9}}");

        assertThat(validate(noTrain).violations()).containsExactly(new Violation("$.task.trainFraction",
                "trainFraction 0.1 of the 4 pairs gives 0 train and 4 test pairs; both splits need at least one pair"));
        assertThat(validate(noTest).violations()).singleElement()
                .satisfies(violation -> assertThat(violation.message()).contains("gives 4 train and 0 test pairs"));
    }

    @Test
    void aDefaultAboveAServerLimitIsReportedNotClamped() {
        SpecLimits small = new SpecLimits(5000, 1000, 4, 1024, 1024, 65536, 50_000_000);
        ObjectNode spec = json("{\"name\": \"x\", \"task\": {\"type\": \"modular\", \"modulus\": 97}, \"model\": {\"dModel\": 512}}");

        ValidationResult result = new SpecValidator(small).validate(spec);

        assertThat(result.violations()).containsExactly(
                new Violation("$.model.dMlp", "is not set and its default 2048 is outside this server's limits;"
                        + " set it explicitly (must be an integer between 1 and 1024)"),
                new Violation("$.training.steps", "is not set and its default 10000 is outside this server's limits;"
                        + " set it explicitly (must be an integer between 1 and 5000)"));
    }

    @Test
    void validationResultHasASpecExactlyWhenItHasNoViolations() {
        ExperimentSpec spec = validate(json(EXAMPLE)).spec();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ValidationResult(spec, List.of(new Violation("$", "x"))));
        assertThatIllegalArgumentException().isThrownBy(() -> new ValidationResult(null, List.of()));
    }
}
