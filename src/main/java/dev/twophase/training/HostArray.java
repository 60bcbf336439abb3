package dev.twophase.training;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk reads and writes of a dense c-order ND4J array (float or double) on the host, by element
 * index in row-major order. ND4J's {@code toFloatMatrix} runs one native operation per row and
 * {@code getFloat} one per element; this does one memory copy per call.
 *
 * <p>On the CPU backend an array's memory is host memory: reads and writes go straight to it
 * through an NIO view and {@link #flush()} does nothing. On any other backend (CUDA) the array is
 * copied to the host once, on the first read or write, and {@link #flush()} copies it back: call it
 * after writing and before the next ND4J operation reads the array.
 */
final class HostArray {

    /** Whether arrays live in host memory (CPU backend); tests switch it off to run the copying path on a CPU. */
    private static volatile boolean hostMemory = Nd4j.getEnvironment().isCPU();

    private final INDArray array;
    private final boolean direct;
    private final int length;
    private int offset;
    private FloatBuffer floats;
    private DoubleBuffer doubles;
    private boolean dirty;
    private float[] scratch = new float[0];

    HostArray(INDArray array, boolean direct) {
        if (array.ordering() != 'c' || !dense(array)) {
            throw new IllegalArgumentException("not a dense c-order array: shape " + Arrays.toString(array.shape())
                    + ", strides " + Arrays.toString(array.stride()));
        }
        if (array.dataType() != DataType.FLOAT && array.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("host access is for float and double arrays, not " + array.dataType());
        }
        long end = array.offset() + array.length();
        if (end > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array too large for host access: " + end + " elements");
        }
        this.array = array;
        this.direct = direct;
        this.length = (int) array.length();
        if (direct) {
            this.offset = (int) array.offset();
            java.nio.ByteBuffer bytes = array.data().pointer().asByteBuffer().order(ByteOrder.nativeOrder());
            if (array.dataType() == DataType.FLOAT) {
                floats = bytes.asFloatBuffer();
            } else {
                doubles = bytes.asDoubleBuffer();
            }
            int capacity = floats != null ? floats.capacity() : doubles.capacity();
            if (end > capacity) {
                throw new IllegalStateException("array ends at element " + end + " beyond its buffer's " + capacity);
            }
        }
    }

    /** Host access to {@code array}: direct on the CPU backend, through a host copy elsewhere. */
    static HostArray of(INDArray array) {
        return new HostArray(array, hostMemory);
    }

    private static final int NORM_CHUNK = 4096;

    /** Euclidean norm of a dense vector or matrix, accumulated in double on the host. */
    static double norm(INDArray array) {
        HostArray host = of(array);
        int length = (int) array.length();
        double[] chunk = new double[Math.min(NORM_CHUNK, length)];
        double sum = 0;
        for (int from = 0; from < length; from += NORM_CHUNK) {
            int count = Math.min(NORM_CHUNK, length - from);
            host.read(from, chunk, 0, count);
            for (int i = 0; i < count; i++) {
                sum += chunk[i] * chunk[i];
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Rows of {@code source} (a dense c-order matrix or view) into {@code out[from + i]} at column
     * {@code at}; allocates rows of {@code width}. One bulk copy per row: ND4J's {@code toFloatMatrix}
     * runs a native operation per row.
     */
    static void copyRows(INDArray source, float[][] out, int from, int at, int width) {
        int rows = (int) source.rows();
        int columns = (int) source.columns();
        HostArray host = of(source);
        for (int i = 0; i < rows; i++) {
            if (out[from + i] == null) {
                out[from + i] = new float[width];
            }
            host.read(i * columns, out[from + i], at, columns);
        }
    }

    /** For tests: use the copying path (as on CUDA) even where arrays live in host memory; returns the old setting. */
    static boolean useHostMemory(boolean direct) {
        boolean old = hostMemory;
        hostMemory = direct;
        return old;
    }

    private static boolean dense(INDArray array) {
        long[] shape = array.shape();
        long[] stride = array.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Elements {@code from..from+count-1} into {@code dst[at..]}. */
    void read(int from, double[] dst, int at, int count) {
        check(from, count);
        if (doubles != null) {
            doubles.get(offset + from, dst, at, count);
            return;
        }
        float[] f = scratch(count);
        floats.get(offset + from, f, 0, count);
        for (int i = 0; i < count; i++) {
            dst[at + i] = f[i];
        }
    }

    /** Elements {@code from..from+count-1} into {@code dst[at..]} (rounded to float for a double array). */
    void read(int from, float[] dst, int at, int count) {
        check(from, count);
        if (floats != null) {
            floats.get(offset + from, dst, at, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            dst[at + i] = (float) doubles.get(offset + from + i);
        }
    }

    /** {@code src[at..at+count-1]} into elements {@code from..} (rounded to float for a float array). */
    void write(int from, double[] src, int at, int count) {
        check(from, count);
        dirty = true;
        if (doubles != null) {
            doubles.put(offset + from, src, at, count);
            return;
        }
        float[] f = scratch(count);
        for (int i = 0; i < count; i++) {
            f[i] = (float) src[at + i];
        }
        floats.put(offset + from, f, 0, count);
    }

    /** {@code src[at..at+count-1]} into elements {@code from..}. */
    void write(int from, float[] src, int at, int count) {
        check(from, count);
        dirty = true;
        if (floats != null) {
            floats.put(offset + from, src, at, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            doubles.put(offset + from + i, src[at + i]);
        }
    }

    /** Makes what {@link #write} wrote visible to ND4J operations (a no-op on the CPU backend). */
    void flush() {
        if (direct || !dirty) {
            return;
        }
        INDArray copy = floats != null
                ? Nd4j.create(floats.array(), array.shape(), DataType.FLOAT)
                : Nd4j.create(doubles.array(), array.shape(), DataType.DOUBLE);
        array.assign(copy);
        copy.close();
        dirty = false;
    }

    private void check(int from, int count) {
        if (from < 0 || count < 0 || from + count > length) {
            throw new IndexOutOfBoundsException("elements " + from + ".." + (from + count) + " of " + length);
        }
        if (!direct && floats == null && doubles == null) {
            // one bulk copy of the whole array to the host, read and written from then on
            INDArray c = array.dup('c');
            if (array.dataType() == DataType.FLOAT) {
                floats = FloatBuffer.wrap(c.data().asFloat());
            } else {
                doubles = DoubleBuffer.wrap(c.data().asDouble());
            }
            c.close();
            offset = 0;
        }
    }

    private float[] scratch(int count) {
        if (scratch.length < count) {
            scratch = new float[count];
        }
        return scratch;
    }
}
