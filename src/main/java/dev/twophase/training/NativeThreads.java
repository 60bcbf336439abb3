package dev.twophase.training;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Native threading of the CPU backend for the direct engine: ND4J's element-wise operations on one
 * OpenMP thread per calling thread, matrix products on OpenBLAS's own pool (sized at start from
 * {@code OPENBLAS_NUM_THREADS} or {@code OMP_NUM_THREADS}, as before).
 *
 * <p>Why: libnd4j's OpenMP threads and OpenBLAS's pthreads are two pools that both spin (or yield in
 * a loop) while they wait for work. With as many threads per pool as cores, each pool's idle threads
 * take the cores the other pool's busy ones need: a batch-512 training step on 2 cores took 206 ms
 * with both pools at 2 threads and 85 ms with element-wise operations on one (BENCHMARKS.md).
 *
 * <p>OpenMP's thread count is a per-thread setting: every thread that runs engine work calls
 * {@link #elementwiseOnOneThread()} (a no-op after its first call).
 */
final class NativeThreads {

    private static final boolean CPU = Nd4j.getEnvironment().isCPU();
    private static final ThreadLocal<Boolean> CONFIGURED = ThreadLocal.withInitial(() -> false);

    private NativeThreads() {
    }

    /** For the calling thread; a no-op on other backends (CUDA), whose element-wise operations run on the device. */
    static void elementwiseOnOneThread() {
        if (CPU && !CONFIGURED.get()) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
            CONFIGURED.set(true);
        }
    }
}
