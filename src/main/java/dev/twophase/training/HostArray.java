package dev.twophase.training;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Bulk reads and writes of a dense c-order ND4J array (float or double) straight from and into
 * its native memory through an NIO view: one memory copy per call, no native operation per row or
 * element (ND4J's {@code toFloatMatrix} runs one per row, {@code getFloat} one per element).
 * Positions are element indices into the array in row-major order. Only for the CPU backend,
 * where an array's memory is host memory.
 */
final class HostArray {

    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int offset;
    private final int length;
    private float[] scratch = new float[0];

    private HostArray(INDArray array) {
        if (array.ordering() != 'c' || !dense(array)) {
            throw new IllegalArgumentException("not a dense c-order array: shape " + java.util.Arrays.toString(array.shape())
                    + ", strides " + java.util.Arrays.toString(array.stride()));
        }
        long end = array.offset() + array.length();
        if (end > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array too large for host access: " + end + " elements");
        }
        this.offset = (int) array.offset();
        this.length = (int) array.length();
        java.nio.ByteBuffer bytes = array.data().pointer().asByteBuffer().order(ByteOrder.nativeOrder());
        if (array.dataType() == DataType.FLOAT) {
            this.floats = bytes.asFloatBuffer();
            this.doubles = null;
        } else if (array.dataType() == DataType.DOUBLE) {
            this.floats = null;
            this.doubles = bytes.asDoubleBuffer();
        } else {
            throw new IllegalArgumentException("host access is for float and double arrays, not " + array.dataType());
        }
        int capacity = floats != null ? floats.capacity() : doubles.capacity();
        if (end > capacity) {
            throw new IllegalStateException("array ends at element " + end + " beyond its buffer's " + capacity);
        }
    }

    static HostArray of(INDArray array) {
        return new HostArray(array);
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

    private void check(int from, int count) {
        if (from < 0 || count < 0 || from + count > length) {
            throw new IndexOutOfBoundsException("elements " + from + ".." + (from + count) + " of " + length);
        }
    }

    private float[] scratch(int count) {
        if (scratch.length < count) {
            scratch = new float[count];
        }
        return scratch;
    }
}
