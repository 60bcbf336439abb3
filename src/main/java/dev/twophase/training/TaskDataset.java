package dev.twophase.training;

import dev.twophase.training.TrainingSetup.TaskSetup;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Every input of an algorithmic task, {@code a ∘ b = label}, with its seeded train/test split.
 * Pure Java: no DL4J, so it can be tested and reused alone.
 *
 * <ul>
 *   <li>Modular arithmetic mod p: operands 0..p-1 (ADD, SUB, MUL over all p² pairs), DIV is
 *   {@code a · b⁻¹ mod p} over b in 1..p-1 only (p(p-1) pairs, p must be prime), FLOORDIV is integer
 *   division {@code ⌊a / b⌋} over b in 1..p-1 (p(p-1) pairs, any p; labels 0..p-1). Classes: p.</li>
 *   <li>Permutations: the n! elements of S_n in lexicographic order are the tokens; the label
 *   is the index of {@code a ∘ b} with {@code (a ∘ b)(i) = a(b(i))}. Classes: n!.</li>
 * </ul>
 * Pairs are numbered a-major ({@code a} outer loop, {@code b} inner loop). The model reads the
 * three tokens {@code a, b, =}, where {@code =} has id {@link #equalsToken()} (= the operand
 * vocabulary size), so the embedding table has {@link #tokenVocabulary()} rows.
 *
 * <p>Split: pair indices 0..N-1 are shuffled by Fisher-Yates with {@code new Random(splitSeed)};
 * the first {@code round(trainFraction · N)} (clamped to 1..N-1) are the train split. Both splits
 * are then listed in ascending pair order, so the dataset order of every split is deterministic.
 */
public final class TaskDataset {

    private final int operandVocabulary;
    private final int classes;
    private final int[] a;
    private final int[] b;
    private final int[] label;
    private final int[] train;
    private final int[] test;

    private TaskDataset(int operandVocabulary, int classes, int[] a, int[] b, int[] label,
                        double trainFraction, long splitSeed) {
        this.operandVocabulary = operandVocabulary;
        this.classes = classes;
        this.a = a;
        this.b = b;
        this.label = label;
        int n = a.length;
        if (n < 2) {
            throw new IllegalArgumentException("a task needs at least 2 pairs to split, has " + n);
        }
        if (!(trainFraction > 0.0 && trainFraction < 1.0)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), was " + trainFraction);
        }
        int[] order = IntStream.range(0, n).toArray();
        Random random = new Random(splitSeed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int trainSize = (int) Math.max(1, Math.min(n - 1, Math.round(trainFraction * n)));
        this.train = Arrays.copyOfRange(order, 0, trainSize);
        this.test = Arrays.copyOfRange(order, trainSize, n);
        Arrays.sort(train);
        Arrays.sort(test);
    }

    /** Builds the task's full table and split. */
    public static TaskDataset of(TaskSetup task) {
        return switch (task.type()) {
            case MODULAR -> modular(task.operation(), task.modulus(), task.trainFraction(), task.splitSeed());
            case PERMUTATION -> permutation(task.permutationDegree(), task.trainFraction(), task.splitSeed());
        };
    }

    static TaskDataset modular(TrainingSetup.ModularOperation operation, int p, double trainFraction, long splitSeed) {
        if (p < 2) {
            throw new IllegalArgumentException("modulus must be >= 2, was " + p);
        }
        if (operation == TrainingSetup.ModularOperation.DIV && !isPrime(p)) {
            // Only a prime modulus makes every b in 1..p-1 invertible.
            throw new IllegalArgumentException("division needs a prime modulus, was " + p);
        }
        boolean divides = operation == TrainingSetup.ModularOperation.DIV
                || operation == TrainingSetup.ModularOperation.FLOORDIV;
        int firstB = divides ? 1 : 0;
        int n = p * (p - firstB);
        int[] as = new int[n];
        int[] bs = new int[n];
        int[] labels = new int[n];
        int k = 0;
        for (int x = 0; x < p; x++) {
            for (int y = firstB; y < p; y++) {
                as[k] = x;
                bs[k] = y;
                labels[k] = switch (operation) {
                    case ADD -> (x + y) % p;
                    case SUB -> Math.floorMod(x - y, p);
                    case MUL -> (int) ((long) x * y % p);
                    case DIV -> (int) ((long) x * modPow(y, p - 2, p) % p); // Fermat: y^(p-2) = y^-1
                    case FLOORDIV -> x / y;
                };
                k++;
            }
        }
        return new TaskDataset(p, p, as, bs, labels, trainFraction, splitSeed);
    }

    static TaskDataset permutation(int degree, double trainFraction, long splitSeed) {
        Permutations group = new Permutations(degree);
        int m = group.size();
        int n = m * m;
        int[] as = new int[n];
        int[] bs = new int[n];
        int[] labels = new int[n];
        int k = 0;
        for (int x = 0; x < m; x++) {
            for (int y = 0; y < m; y++) {
                as[k] = x;
                bs[k] = y;
                labels[k] = group.compose(x, y);
                k++;
            }
        }
        return new TaskDataset(m, m, as, bs, labels, trainFraction, splitSeed);
    }

    /** Number of pairs in the whole task. */
    public int size() {
        return a.length;
    }

    /** Number of distinct operand tokens (p, or n!). */
    public int operandVocabulary() {
        return operandVocabulary;
    }

    /** Token id of {@code =}: one past the operands. */
    public int equalsToken() {
        return operandVocabulary;
    }

    /** Rows of the token embedding table: operands plus {@code =}. */
    public int tokenVocabulary() {
        return operandVocabulary + 1;
    }

    public int classes() {
        return classes;
    }

    public int a(int pair) {
        return a[pair];
    }

    public int b(int pair) {
        return b[pair];
    }

    public int label(int pair) {
        return label[pair];
    }

    /** Pair indices of the split in ascending order (a fresh copy). */
    public int[] indices(Split split) {
        return switch (split) {
            case TRAIN -> train.clone();
            case TEST -> test.clone();
            case ALL -> IntStream.range(0, size()).toArray();
        };
    }

    /** Labels of the split, in the order of {@link #indices(Split)}. */
    public int[] labels(Split split) {
        return labelsOf(indices(split));
    }

    int[] labelsOf(int[] pairs) {
        int[] out = new int[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            out[i] = label[pairs[i]];
        }
        return out;
    }

    public int trainSize() {
        return train.length;
    }

    public int testSize() {
        return test.length;
    }

    static boolean isPrime(int p) {
        // Miller-Rabin plus Lucas: exact for every int at this certainty.
        return p >= 2 && java.math.BigInteger.valueOf(p).isProbablePrime(50);
    }

    private static long modPow(long base, int exponent, int modulus) {
        long result = 1;
        long x = base % modulus;
        for (int e = exponent; e > 0; e >>= 1) {
            if ((e & 1) == 1) {
                result = result * x % modulus;
            }
            x = x * x % modulus;
        }
        return result;
    }
}
