package dev.twophase.measure;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MI estimators on one layer at the paper's sizes: N = 9409 inputs (all pairs of p = 97), width d
 * (128 = the residual stream, 512 = the MLP hidden layer), 97 labels. Random Gaussian activations:
 * the estimators' cost does not depend on the values (binning's hash map aside).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = "-Xmx2g")
public class MeasureBenchmark {

    @Param({"128", "512"})
    int width;
    @Param({"9409"})
    int samples;
    @Param({"1000"})
    int probes;

    float[][] h;
    int[] labels;
    KdeMutualInformation kde;
    BinningMutualInformation binning;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        h = new float[samples][width];
        labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = i % 97;
            for (int u = 0; u < width; u++) {
                h[i][u] = (float) random.nextGaussian();
            }
        }
        kde = new KdeMutualInformation(0.1, probes, 1);
        binning = BinningMutualInformation.layerRange(30);
    }

    @Benchmark
    public KdeMutualInformation.Estimate kde() {
        return kde.estimate(h, labels);
    }

    @Benchmark
    public BinningMutualInformation.Estimate binning() {
        return binning.estimate(h, labels);
    }
}
