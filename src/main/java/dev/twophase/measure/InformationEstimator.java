package dev.twophase.measure;

import java.util.List;

/**
 * An estimator of I(T;X) and I(T;Y) of one layer's representation T over N distinct inputs X with
 * labels Y. What the worker's measurement pass calls, whatever the estimator.
 */
public interface InformationEstimator {

    /**
     * One pair of values in bits.
     *
     * @param variant which of the estimator's outputs: "" when it has one, else e.g. "upper" or "lower"
     */
    record Estimate(String variant, double itx, double ity) {
    }

    /**
     * @param h      one row per distinct input, {@code [n][units]}, all finite
     * @param labels the label of each row
     * @return the estimator's outputs, its primary one first
     */
    List<Estimate> estimates(float[][] h, int[] labels);
}
