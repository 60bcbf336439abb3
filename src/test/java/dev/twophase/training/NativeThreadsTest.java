package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** OpenMP's thread count is per thread: the setting must hold on the thread that asked for it, whichever it is. */
class NativeThreadsTest {

    @Test
    void elementwiseOperationsRunOnOneOpenMpThreadOnTheCallingThread() throws Exception {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "OpenMP threads are a CPU-backend setting");
        int onWorker = CompletableFuture.supplyAsync(() -> {
            NativeThreads.elementwiseOnOneThread();
            return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        }).get();
        assertThat(onWorker).isEqualTo(1);
        NativeThreads.elementwiseOnOneThread();
        assertThat(NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads()).isEqualTo(1);
    }
}
