package dev.twophase.experiment.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An algorithmic task: {@code a op b mod p} ({@code modular}) or composition in the symmetric
 * group S_n ({@code permutation}). {@code operation} and {@code modulus} are null for a
 * permutation task, {@code n} is null for a modular one.
 *
 * @param trainFraction share of all pairs in the train split; see {@link #trainPairCount()}
 * @param seed          seeds the train/test split
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSpec(@Schema(required = true, enumeration = {"modular", "permutation"}) String type,
                       @Schema(enumeration = {"add", "sub", "mul", "div", "floordiv"}, defaultValue = "add", description = "modular only; div is a * b^-1 mod p and needs a prime modulus; floordiv is integer division floor(a / b), b = 1..p-1 (the likely task of the paper's 'division mod 96', docs/reproduction.md)") String operation,
                       @Schema(minimum = "2", description = "modular only, required there; at most twophase.limits.max-modulus") Integer modulus,
                       @Schema(minimum = "3", maximum = "5", description = "permutation only: the group S_n") Integer n,
                       @Schema(minimum = "0", maximum = "1", exclusiveMinimum = true, exclusiveMaximum = true, description = "default 0.3 (modular) or 0.5 (permutation)") double trainFraction,
                       @Schema(defaultValue = "1", description = "seeds the train/test split") long seed) {

    public static final String MODULAR = "modular";
    public static final String PERMUTATION = "permutation";
    public static final String DIVISION = "div";
    public static final String FLOOR_DIVISION = "floordiv";

    /** Number of (a, b) inputs: p^2 for modular arithmetic (p(p-1) for the divisions, b != 0), (n!)^2 for S_n. */
    public long pairCount() {
        long operands = classes();
        return DIVISION.equals(operation) || FLOOR_DIVISION.equals(operation) ? operands * (operands - 1) : operands * operands;
    }

    /** Output classes, which are also the operand tokens: the p residues or the n! permutations. */
    public int classes() {
        if (MODULAR.equals(type)) {
            return modulus;
        }
        int factorial = 1;
        for (int k = 2; k <= n; k++) {
            factorial *= k;
        }
        return factorial;
    }

    /** Pairs in the train split, {@code round(trainFraction * pairCount())}; the rest form the test split. */
    public long trainPairCount() {
        return Math.round(trainFraction * pairCount());
    }
}
