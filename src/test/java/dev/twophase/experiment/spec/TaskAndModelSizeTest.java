package dev.twophase.experiment.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskAndModelSizeTest {

    private static final ModelSpec DEFAULT_MODEL = new ModelSpec("transformer", 2, 128, 4, 512, "gelu");

    @Test
    void modularTasksHavePSquaredPairsAndDivisionExcludesZero() {
        assertThat(new TaskSpec("modular", "add", 97, null, 0.3, 1).pairCount()).isEqualTo(9409);
        assertThat(new TaskSpec("modular", "div", 97, null, 0.3, 1).pairCount()).isEqualTo(9312);
        assertThat(new TaskSpec("modular", "mul", 97, null, 0.3, 1).classes()).isEqualTo(97);
    }

    @Test
    void permutationTasksHaveNFactorialClasses() {
        assertThat(new TaskSpec("permutation", null, null, 3, 0.5, 1).classes()).isEqualTo(6);
        assertThat(new TaskSpec("permutation", null, null, 5, 0.5, 1).classes()).isEqualTo(120);
        assertThat(new TaskSpec("permutation", null, null, 5, 0.5, 1).pairCount()).isEqualTo(14_400);
    }

    @Test
    void trainSplitIsTheRoundedFractionOfAllPairs() {
        assertThat(new TaskSpec("modular", "add", 97, null, 0.3, 1).trainPairCount()).isEqualTo(2823);
        assertThat(new TaskSpec("modular", "add", 2, null, 0.1, 1).trainPairCount()).isZero();
        assertThat(new TaskSpec("modular", "add", 2, null, 0.125, 1).trainPairCount()).isEqualTo(1);
    }

    @Test
    void parameterCountOfTheDefaultModel() {
        // (p + 1) d + 3 d + 2 (4 d^2 + 4 d + 2 d dMlp + dMlp + d) + d p with d = 128, dMlp = 512
        assertThat(DEFAULT_MODEL.parameterCount(97)).isEqualTo(12_544 + 384 + 395_520 + 12_416);
        assertThat(DEFAULT_MODEL.parameterCount(23)).isEqualTo(401_920);
    }

    @Test
    void primality() {
        assertThat(SpecValidator.isPrime(2)).isTrue();
        assertThat(SpecValidator.isPrime(97)).isTrue();
        assertThat(SpecValidator.isPrime(96)).isFalse();
        assertThat(SpecValidator.isPrime(1)).isFalse();
        assertThat(SpecValidator.isPrime(961)).isFalse();
    }
}
