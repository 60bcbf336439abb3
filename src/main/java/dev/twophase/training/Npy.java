package dev.twophase.training;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, version 1.0, written and read by hand so that PyTorch (through
 * {@code numpy.load}) reads the engine's tensors with no extra package: the magic
 * {@code \x93NUMPY}, version bytes {@code 1 0}, a little-endian uint16 header length, an ASCII
 * Python dict {@code {'descr': '<f4', 'fortran_order': False, 'shape': (r, c), }} padded with
 * spaces and a newline so that the data starts at a multiple of 64 bytes, then the values in
 * little-endian C order. Types: {@code <f4} (float32), {@code <f8} (float64), {@code <i4} (int32).
 *
 * @param descr NumPy dtype string, one of {@code <f4}, {@code <f8}, {@code <i4}
 * @param shape dimensions; empty for a scalar
 * @param data  the values, little-endian, positioned at 0
 */
record Npy(String descr, long[] shape, ByteBuffer data) {

    static final String FLOAT32 = "<f4";
    static final String FLOAT64 = "<f8";
    static final String INT32 = "<i4";
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Npy ofFloats(float[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 4, shape);
        b.asFloatBuffer().put(values);
        return new Npy(FLOAT32, shape.clone(), b);
    }

    static Npy ofDoubles(double[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 8, shape);
        b.asDoubleBuffer().put(values);
        return new Npy(FLOAT64, shape.clone(), b);
    }

    static Npy ofInts(int[] values, long... shape) {
        ByteBuffer b = allocate(values.length, 4, shape);
        b.asIntBuffer().put(values);
        return new Npy(INT32, shape.clone(), b);
    }

    private static ByteBuffer allocate(int count, int width, long[] shape) {
        if (count != elements(shape)) {
            throw new IllegalArgumentException(count + " values for shape " + Arrays.toString(shape));
        }
        return ByteBuffer.allocate(count * width).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    long elements() {
        return elements(shape);
    }

    /** The values as float32 (float64 values rounded); int32 is refused. */
    float[] floats() {
        float[] out = new float[(int) elements()];
        switch (descr) {
            case FLOAT32 -> data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            case FLOAT64 -> {
                double[] d = doubles();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) d[i];
                }
            }
            default -> throw new IllegalStateException("not a float array: " + descr);
        }
        return out;
    }

    /** The values as float64 (float32 values widened exactly); int32 is refused. */
    double[] doubles() {
        double[] out = new double[(int) elements()];
        switch (descr) {
            case FLOAT64 -> data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            case FLOAT32 -> {
                float[] f = floats();
                for (int i = 0; i < out.length; i++) {
                    out[i] = f[i];
                }
            }
            default -> throw new IllegalStateException("not a float array: " + descr);
        }
        return out;
    }

    int[] ints() {
        if (!descr.equals(INT32)) {
            throw new IllegalStateException("not an int32 array: " + descr);
        }
        int[] out = new int[(int) elements()];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /** The header dict as NumPy writes it, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 64), }}. */
    String header() {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")");
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
    }

    void write(Path file) throws IOException {
        byte[] dict = header().getBytes(StandardCharsets.US_ASCII);
        int preamble = MAGIC.length + 2 + 2;
        int padded = ((preamble + dict.length + 1 + ALIGN - 1) / ALIGN) * ALIGN; // +1: the closing newline
        int headerLength = padded - preamble;
        ByteBuffer out = ByteBuffer.allocate(padded + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength).put(dict);
        for (int i = dict.length; i < headerLength - 1; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        out.put(data.duplicate().position(0));
        Files.write(file, out.array());
    }

    /** Reads a version 1.0 or 2.0 file in C order of one of the three supported types. */
    static Npy read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a .npy file");
        }
        int major = in.get();
        in.get();
        int headerLength = switch (major) {
            case 1 -> Short.toUnsignedInt(in.getShort());
            case 2 -> in.getInt();
            default -> throw new IOException(file + ": .npy version " + major + " not supported");
        };
        byte[] dict = new byte[headerLength];
        in.get(dict);
        String header = new String(dict, StandardCharsets.US_ASCII);
        String descr = group(DESCR, header, file);
        if (!descr.equals(FLOAT32) && !descr.equals(FLOAT64) && !descr.equals(INT32)) {
            throw new IOException(file + ": dtype " + descr + " not supported (<f4, <f8, <i4)");
        }
        if (group(ORDER, header, file).equals("True")) {
            throw new IOException(file + ": Fortran order not supported");
        }
        long[] shape = Arrays.stream(group(SHAPE, header, file).split(","))
                .map(String::trim).filter(x -> !x.isEmpty()).mapToLong(Long::parseLong).toArray();
        int width = descr.equals(FLOAT64) ? 8 : 4;
        long bytes = elements(shape) * width;
        if (in.remaining() != bytes) {
            throw new IOException(file + ": " + in.remaining() + " data bytes, shape " + Arrays.toString(shape)
                    + " of " + descr + " needs " + bytes);
        }
        ByteBuffer data = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        data.put(in).position(0);
        return new Npy(descr, shape, data);
    }

    private static String group(Pattern p, String header, Path file) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": header without " + p.pattern() + ": " + header);
        }
        return m.group(1);
    }
}
