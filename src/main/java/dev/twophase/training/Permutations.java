package dev.twophase.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The symmetric group S_n as a numbered table: its n! permutations in lexicographic order
 * (index 0 is the identity), and their composition.
 *
 * <p>Convention: {@code compose(a, b)} is {@code a ∘ b}, i.e. {@code (a ∘ b)(i) = a(b(i))}
 * ("apply b first, then a"). A permutation is stored as its image list {@code [s(0), ..., s(n-1)]}.
 */
final class Permutations {

    private final int degree;
    private final List<int[]> elements;
    private final Map<String, Integer> indexOf;

    Permutations(int degree) {
        if (degree < 1 || degree > 6) {
            throw new IllegalArgumentException("permutation degree must be in 1..6, was " + degree);
        }
        this.degree = degree;
        this.elements = new ArrayList<>();
        int[] current = new int[degree];
        for (int i = 0; i < degree; i++) {
            current[i] = i;
        }
        do {
            elements.add(current.clone());
        } while (nextPermutation(current));
        this.indexOf = new HashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            indexOf.put(Arrays.toString(elements.get(i)), i);
        }
    }

    int degree() {
        return degree;
    }

    /** n!: the number of elements. */
    int size() {
        return elements.size();
    }

    /** The image list of permutation {@code index} (a copy). */
    int[] element(int index) {
        return elements.get(index).clone();
    }

    int indexOf(int[] permutation) {
        Integer index = indexOf.get(Arrays.toString(permutation));
        if (index == null) {
            throw new IllegalArgumentException("not a permutation of 0.." + (degree - 1) + ": " + Arrays.toString(permutation));
        }
        return index;
    }

    /** Index of {@code a ∘ b}: {@code (a ∘ b)(i) = a(b(i))}. */
    int compose(int a, int b) {
        int[] pa = elements.get(a);
        int[] pb = elements.get(b);
        int[] result = new int[degree];
        for (int i = 0; i < degree; i++) {
            result[i] = pa[pb[i]];
        }
        return indexOf(result);
    }

    /** Advances to the next permutation in lexicographic order; false after the last one. */
    private static boolean nextPermutation(int[] p) {
        int i = p.length - 2;
        while (i >= 0 && p[i] >= p[i + 1]) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int j = p.length - 1;
        while (p[j] <= p[i]) {
            j--;
        }
        swap(p, i, j);
        for (int lo = i + 1, hi = p.length - 1; lo < hi; lo++, hi--) {
            swap(p, lo, hi);
        }
        return true;
    }

    private static void swap(int[] p, int i, int j) {
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}
