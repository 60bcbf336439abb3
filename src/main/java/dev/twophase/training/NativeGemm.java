package dev.twophase.training;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code C = alpha·op(A)·op(B) + beta·C} for the direct engine's dense c-order matrices and views.
 *
 * <p>On the CPU backend this calls OpenBLAS's {@code cblas_sgemm}/{@code cblas_dgemm} directly on the
 * arrays' memory (row-major, offsets and leading dimensions from the views), the same library and
 * thread pool ND4J's own BLAS wrapper uses. {@code Nd4j.gemm} goes through libnd4j's matmul op
 * instead, which was 1.2–1.5x slower on this model's shapes ([1536,128]·[128,512]: 4.0 against
 * 2.6 ms, interleaved in one process; BENCHMARKS.md). Elsewhere (CUDA), and for anything but
 * dense float or double c-order arrays, it is {@code Nd4j.gemm}. {@code NativeGemmTest} checks
 * both paths give the same products.
 */
final class NativeGemm {

    private static final boolean CPU = Nd4j.getEnvironment().isCPU();

    private NativeGemm() {
    }

    static void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        if (!CPU || !direct(a, b, c)) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
            return;
        }
        int rowsA = (int) a.rows();
        int columnsA = (int) a.columns();
        int m = transposeA ? columnsA : rowsA;
        int k = transposeA ? rowsA : columnsA;
        int kB = (int) (transposeB ? b.columns() : b.rows());
        int n = (int) (transposeB ? b.rows() : b.columns());
        if (k != kB || c.rows() != m || c.columns() != n) {
            throw new IllegalArgumentException("gemm shapes: A " + Arrays.toString(a.shape()) + (transposeA ? "ᵀ" : "")
                    + ", B " + Arrays.toString(b.shape()) + (transposeB ? "ᵀ" : "") + ", C " + Arrays.toString(c.shape()));
        }
        int ta = transposeA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int lda = columnsA;
        int ldb = (int) b.columns();
        int ldc = n;
        if (c.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, (float) alpha, floats(a), lda,
                    floats(b), ldb, (float) beta, floats(c), ldc);
        } else {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, alpha, doubles(a), lda,
                    doubles(b), ldb, beta, doubles(c), ldc);
        }
    }

    /** Same float or double type, rank 2, dense c-order (rows contiguous, no gaps). */
    private static boolean direct(INDArray a, INDArray b, INDArray c) {
        DataType type = c.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            return false;
        }
        for (INDArray x : new INDArray[]{a, b, c}) {
            if (x.dataType() != type || x.rank() != 2 || x.ordering() != 'c' || x.stride(1) != 1
                    || (x.rows() > 1 && x.stride(0) != x.columns())) {
                return false;
            }
        }
        return true;
    }

    /** The array's first element; pointers built from the buffer's own carry no deallocator (nothing to free). */
    private static FloatPointer floats(INDArray x) {
        return new FloatPointer(x.data().pointer()).position(x.offset());
    }

    private static DoublePointer doubles(INDArray x) {
        return new DoublePointer(x.data().pointer()).position(x.offset());
    }
}
