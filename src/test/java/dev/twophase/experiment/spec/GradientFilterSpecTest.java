package dev.twophase.experiment.spec;

import static dev.twophase.experiment.spec.SpecValidatorTest.EXAMPLE;
import static dev.twophase.experiment.spec.SpecValidatorTest.with;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code optimizer.gradientFilter}: Grokfast's two filters, their defaults and their field errors. */
class GradientFilterSpecTest {

    private final SpecValidator validator = new SpecValidator(SpecLimits.defaults());

    private ValidationResult filter(String json) {
        return validator.validate(with(EXAMPLE, "/optimizer", "gradientFilter", json));
    }

    @Test
    void absentMeansNoFilter() {
        assertThat(validator.validate(SpecValidatorTest.json(EXAMPLE)).spec().optimizer().gradientFilter()).isNull();
    }

    @Test
    void emaAndMovingAverageAsInTheIssue() {
        assertThat(filter("{\"type\": \"ema\", \"alpha\": 0.98, \"lambda\": 2.0}").spec().optimizer().gradientFilter())
                .isEqualTo(new GradientFilterSpec("ema", 0.98, null, 2.0));
        assertThat(filter("{\"type\": \"ma\", \"window\": 100, \"lambda\": 5.0}").spec().optimizer().gradientFilter())
                .isEqualTo(new GradientFilterSpec("ma", null, 100, 5.0));
    }

    @Test
    void defaultsAreGrokfastsRecommendedValues() {
        assertThat(filter("{\"type\": \"ema\"}").spec().optimizer().gradientFilter())
                .isEqualTo(new GradientFilterSpec("ema", 0.98, null, 2.0));
        assertThat(filter("{\"type\": \"ma\"}").spec().optimizer().gradientFilter())
                .isEqualTo(new GradientFilterSpec("ma", null, 100, 5.0));
    }

    @Test
    void eachMistakeNamesItsField() {
        assertThat(filter("{\"alpha\": 0.9}").violations())
                .containsExactly(new Violation("$.optimizer.gradientFilter.type", "is required; one of \"ema\", \"ma\""));
        assertThat(filter("{\"type\": \"lowpass\"}").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter.type"));
        assertThat(filter("{\"type\": \"ema\", \"alpha\": 1.0}").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter.alpha"));
        assertThat(filter("{\"type\": \"ema\", \"window\": 10}").violations()).singleElement()
                .isEqualTo(new Violation("$.optimizer.gradientFilter.window", "does not apply to type \"ema\""));
        assertThat(filter("{\"type\": \"ma\", \"alpha\": 0.5}").violations()).singleElement()
                .isEqualTo(new Violation("$.optimizer.gradientFilter.alpha", "does not apply to type \"ma\""));
        assertThat(filter("{\"type\": \"ma\", \"window\": 0}").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter.window"));
        assertThat(filter("{\"type\": \"ma\", \"lambda\": -1}").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter.lambda"));
        assertThat(filter("{\"type\": \"ema\", \"beta\": 1}").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter.beta"));
        assertThat(filter("\"ema\"").violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter"));
    }

    /** The example model has 2·128·... ≈ 0.42 M parameters: 1000 copies exceed the 2^28-value bound, 100 do not. */
    @Test
    void aMovingAverageWindowMustFitInMemory() {
        assertThat(filter("{\"type\": \"ma\", \"window\": 100}").violations()).isEmpty();
        assertThat(filter("{\"type\": \"ma\", \"window\": 1000}").violations()).singleElement()
                .satisfies(v -> {
                    assertThat(v.path()).isEqualTo("$.optimizer.gradientFilter.window");
                    assertThat(v.message()).contains("use a smaller window");
                });
    }
}
