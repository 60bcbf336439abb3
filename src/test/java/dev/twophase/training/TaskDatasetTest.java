package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twophase.training.TrainingSetup.ModularOperation;
import dev.twophase.training.TrainingSetup.TaskSetup;
import dev.twophase.training.TrainingSetup.TaskType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskDatasetTest {

    static TaskSetup modular(ModularOperation op, int p, double fraction, long seed) {
        return new TaskSetup(TaskType.MODULAR, op, p, 0, fraction, seed);
    }

    static TaskSetup permutation(int n, double fraction, long seed) {
        return new TaskSetup(TaskType.PERMUTATION, null, 0, n, fraction, seed);
    }

    @Test
    void modularSizesAndVocabulary() {
        TaskDataset add = TaskDataset.of(modular(ModularOperation.ADD, 7, 0.5, 1));
        assertThat(add.size()).isEqualTo(49);
        assertThat(add.classes()).isEqualTo(7);
        assertThat(add.operandVocabulary()).isEqualTo(7);
        assertThat(add.equalsToken()).isEqualTo(7);
        assertThat(add.tokenVocabulary()).isEqualTo(8);
        assertThat(TaskDataset.of(modular(ModularOperation.DIV, 7, 0.5, 1)).size()).isEqualTo(42);
    }

    @Test
    void modularLabelsAreCorrect() {
        int p = 11;
        for (ModularOperation op : ModularOperation.values()) {
            TaskDataset ds = TaskDataset.of(modular(op, p, 0.5, 3));
            for (int i = 0; i < ds.size(); i++) {
                int a = ds.a(i), b = ds.b(i), c = ds.label(i);
                assertThat(c).isBetween(0, p - 1);
                switch (op) {
                    case ADD -> assertThat(c).isEqualTo((a + b) % p);
                    case SUB -> assertThat((c + b) % p).isEqualTo(a);
                    case MUL -> assertThat(c).isEqualTo(a * b % p);
                    case DIV -> {
                        assertThat(b).isNotZero();
                        assertThat(c * b % p).isEqualTo(a);
                    }
                    case FLOORDIV -> {
                        assertThat(b).isNotZero();
                        assertThat(c * b).isLessThanOrEqualTo(a);
                        assertThat((c + 1) * b).isGreaterThan(a);
                    }
                }
            }
        }
    }

    @Test
    void floorDivisionTakesAnyModulusAndLeavesOutZeroDivisors() {
        TaskDataset ds = TaskDataset.of(modular(ModularOperation.FLOORDIV, 96, 0.4, 1));

        assertThat(ds.size()).isEqualTo(96 * 95);
        assertThat(ds.classes()).isEqualTo(96);
        // 0 is the answer whenever a < b: sum over b = 1..95 of b pairs, 48% of them.
        int zeros = 0;
        for (int i = 0; i < ds.size(); i++) {
            zeros += ds.label(i) == 0 ? 1 : 0;
        }
        assertThat(zeros).isEqualTo(95 * 96 / 2);
    }

    @Test
    void divisionRequiresPrimeModulus() {
        assertThatThrownBy(() -> TaskDataset.of(modular(ModularOperation.DIV, 8, 0.5, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void s3TableIsAGroup() {
        TaskDataset ds = TaskDataset.of(permutation(3, 0.5, 1));
        int m = 6;
        assertThat(ds.classes()).isEqualTo(m);
        assertThat(ds.size()).isEqualTo(36);
        int[][] table = new int[m][m];
        for (int i = 0; i < ds.size(); i++) {
            table[ds.a(i)][ds.b(i)] = ds.label(i);
        }
        // index 0 is the identity (lexicographically first permutation)
        for (int x = 0; x < m; x++) {
            assertThat(table[0][x]).isEqualTo(x);
            assertThat(table[x][0]).isEqualTo(x);
        }
        // closure and Latin square: every row and column is a permutation of the classes
        for (int x = 0; x < m; x++) {
            Set<Integer> row = new HashSet<>(), column = new HashSet<>();
            for (int y = 0; y < m; y++) {
                row.add(table[x][y]);
                column.add(table[y][x]);
            }
            assertThat(row).hasSize(m).allMatch(v -> v >= 0 && v < m);
            assertThat(column).hasSize(m);
        }
        boolean abelian = true;
        for (int x = 0; x < m; x++) {
            for (int y = 0; y < m; y++) {
                abelian &= table[x][y] == table[y][x];
                for (int z = 0; z < m; z++) {
                    assertThat(table[table[x][y]][z]).isEqualTo(table[x][table[y][z]]);
                }
            }
        }
        assertThat(abelian).as("S3 is not abelian").isFalse();
    }

    @Test
    void compositionConventionIsApplyBFirst() {
        Permutations s3 = new Permutations(3);
        int a = s3.indexOf(new int[]{1, 0, 2}); // swap 0,1
        int b = s3.indexOf(new int[]{0, 2, 1}); // swap 1,2
        // (a∘b)(i) = a(b(i)): 0->a(0)=1, 1->a(2)=2, 2->a(1)=0
        assertThat(s3.element(s3.compose(a, b))).containsExactly(1, 2, 0);
    }

    @Test
    void s5HasTheRightSize() {
        TaskDataset ds = TaskDataset.of(permutation(5, 0.5, 1));
        assertThat(ds.size()).isEqualTo(14_400);
        assertThat(ds.classes()).isEqualTo(120);
        assertThat(ds.tokenVocabulary()).isEqualTo(121);
        assertThat(ds.trainSize()).isEqualTo(7_200);
    }

    @Test
    void splitIsDisjointCoveringSortedAndRespectsFraction() {
        TaskDataset ds = TaskDataset.of(modular(ModularOperation.ADD, 23, 0.3, 42));
        int[] train = ds.indices(Split.TRAIN);
        int[] test = ds.indices(Split.TEST);
        assertThat(train.length).isEqualTo(Math.round(0.3 * 529));
        assertThat(train.length + test.length).isEqualTo(529);
        Set<Integer> all = new HashSet<>();
        IntStream.of(train).forEach(all::add);
        IntStream.of(test).forEach(all::add);
        assertThat(all).hasSize(529);
        assertThat(train).isSorted();
        assertThat(test).isSorted();
        assertThat(ds.indices(Split.ALL)).hasSize(529).isSorted();
        assertThat(ds.labels(Split.TRAIN)).hasSize(train.length);
        assertThat(ds.labels(Split.TRAIN)[0]).isEqualTo(ds.label(train[0]));
    }

    @Test
    void splitIsSeeded() {
        int[] first = TaskDataset.of(modular(ModularOperation.ADD, 13, 0.5, 7)).indices(Split.TRAIN);
        int[] again = TaskDataset.of(modular(ModularOperation.ADD, 13, 0.5, 7)).indices(Split.TRAIN);
        int[] other = TaskDataset.of(modular(ModularOperation.ADD, 13, 0.5, 8)).indices(Split.TRAIN);
        assertThat(again).isEqualTo(first);
        assertThat(Arrays.equals(other, first)).isFalse();
    }

    @Test
    void everySplitHasAtLeastOnePair() {
        TaskDataset tiny = TaskDataset.of(modular(ModularOperation.ADD, 2, 0.01, 1));
        assertThat(tiny.trainSize()).isEqualTo(1);
        TaskDataset large = TaskDataset.of(modular(ModularOperation.ADD, 2, 0.99, 1));
        assertThat(large.testSize()).isEqualTo(1);
    }
}
