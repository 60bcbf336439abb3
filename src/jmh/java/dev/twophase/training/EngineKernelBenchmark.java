package dev.twophase.training;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The direct engine's kernels against the ND4J operations they replaced, on the paper model's
 * sizes (batch 512: 1,536 rows; d 128; MLP 512; 420k parameters), with the engine's threading
 * (element-wise ND4J operations on one OpenMP thread, OpenBLAS on its own pool):
 * <ul>
 *   <li>{@code gemmNd4j} / {@code gemmDirect}: {@code Nd4j.gemm} (libnd4j's matmul op) against
 *   {@link NativeGemm} (OpenBLAS's cblas gemm on the same memory), shapes {@code m x k x n};</li>
 *   <li>{@code adamNd4j} / {@code adamHost}: ND4J's {@code AdamUpdater} op + axpy (decay) +
 *   subtraction against {@link AdamW}'s single host pass.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = "-Xmx1g")
public class EngineKernelBenchmark {

    @Param({"1536x128x512", "1536x512x128", "1536x128x128", "512x128x512"})
    String shape;

    INDArray x;
    INDArray w;
    INDArray y;
    INDArray weights;
    INDArray gradient;
    INDArray update;
    INDArray m;
    INDArray v;
    AdamW adam;
    int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.elementwiseOnOneThread();
        String[] s = shape.split("x");
        int rows = Integer.parseInt(s[0]);
        int inner = Integer.parseInt(s[1]);
        int columns = Integer.parseInt(s[2]);
        x = Nd4j.rand(DataType.FLOAT, rows, inner);
        w = Nd4j.rand(DataType.FLOAT, inner, columns);
        y = Nd4j.create(DataType.FLOAT, rows, columns);
        int parameters = 420_000;
        weights = Nd4j.rand(DataType.FLOAT, parameters);
        gradient = Nd4j.rand(DataType.FLOAT, parameters).subi(0.5);
        update = gradient.dup();
        m = Nd4j.create(DataType.FLOAT, parameters);
        v = Nd4j.create(DataType.FLOAT, parameters);
        adam = new AdamW(0.9, 0.98, 1e-8);
    }

    @Benchmark
    public INDArray gemmNd4j() {
        return Nd4j.gemm(x, w, y, false, false, 1, 0);
    }

    @Benchmark
    public INDArray gemmDirect() {
        NativeGemm.gemm(x, w, y, false, false, 1, 0);
        return y;
    }

    /** Shape-independent; run with {@code -p shape=512x128x512} only. */
    @Benchmark
    public INDArray adamNd4j() {
        update.assign(gradient);
        Nd4j.exec(new AdamUpdater(update, v, m, 1e-3, 0.9, 0.98, 1e-8, iteration++ % 1000));
        GradientFilter.axpy(1e-3, weights, update);
        return weights.subi(update);
    }

    /** Shape-independent; run with {@code -p shape=512x128x512} only. Includes a copy, as {@link #adamNd4j} does. */
    @Benchmark
    public INDArray adamHost() {
        update.assign(gradient);
        adam.step(weights, update, m, v, 1e-3, 1.0, iteration++ % 1000);
        return weights;
    }
}
