package dev.twophase.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The direct engine's weights as a directory PyTorch reads with numpy alone (docs/engine-weights.md):
 * one {@code <name>.npy} per tensor ({@link Npy}) and {@code index.json} listing them in layout
 * order ({@code W_E, W_pos}, per block {@code blockN_W_Q, W_K, W_V, W_O, W_in, b_in, W_out, b_out},
 * then {@code W_U}) with their shapes, the dtype and the step. Matrices are {@code [in, out]}
 * (activations are row vectors: {@code y = x·W}); biases are written 1-D ({@code [dMlp]},
 * {@code [dModel]}), the engine holds them as {@code [1, n]}. Values are the engine's own
 * precision (float32, or float64 for the double engine), so a round trip is bit-exact.
 */
final class EngineWeights {

    static final String INDEX = "index.json";
    private static final Pattern NAME = Pattern.compile("\"name\":\\s*\"([^\"]+)\"");

    private EngineWeights() {
    }

    /** Writes every tensor of {@code named} (layout order) and the index into {@code dir} (created if needed). */
    static void write(Map<String, INDArray> named, Path dir, long step, String setup) throws IOException {
        Files.createDirectories(dir);
        StringBuilder index = new StringBuilder();
        String dtype = null;
        index.append("{\n  \"format\": \"twophase-engine-weights\",\n  \"version\": 1,\n");
        index.append("  \"step\": ").append(step).append(",\n");
        index.append("  \"setup\": \"").append(setup.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\n");
        index.append("  \"layout\": \"matrices [in, out], row-vector activations y = x @ W; biases 1-D\",\n");
        index.append("  \"tensors\": [\n");
        int k = 0;
        for (Map.Entry<String, INDArray> e : named.entrySet()) {
            INDArray t = e.getValue();
            long[] shape = exportShape(e.getKey(), t);
            Npy npy = t.dataType() == DataType.DOUBLE
                    ? Npy.ofDoubles(t.dup('c').data().asDouble(), shape)
                    : Npy.ofFloats(t.dup('c').data().asFloat(), shape);
            dtype = npy.descr().equals(Npy.FLOAT64) ? "float64" : "float32";
            npy.write(dir.resolve(e.getKey() + ".npy"));
            index.append(String.format(Locale.ROOT, "    {\"name\": \"%s\", \"file\": \"%s.npy\", \"shape\": %s}%s%n",
                    e.getKey(), e.getKey(), Arrays.toString(shape), ++k < named.size() ? "," : ""));
        }
        index.append("  ],\n  \"dtype\": \"").append(dtype).append("\"\n}\n");
        Files.writeString(dir.resolve(INDEX), index.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code dir} into the tensors of {@code named}: the index must list exactly these names,
     * and every file must hold as many values as its tensor in a shape that is the tensor's or its
     * export shape. float32 and float64 files are both accepted (cast to the engine's type).
     */
    static void read(Map<String, INDArray> named, Path dir) throws IOException {
        List<String> listed = new ArrayList<>();
        Matcher m = NAME.matcher(Files.readString(dir.resolve(INDEX), StandardCharsets.UTF_8));
        while (m.find()) {
            listed.add(m.group(1));
        }
        if (!listed.equals(new ArrayList<>(named.keySet()))) {
            throw new IOException(dir + ": index lists " + listed + ", the engine has " + named.keySet());
        }
        for (Map.Entry<String, INDArray> e : named.entrySet()) {
            INDArray target = e.getValue();
            Npy npy = Npy.read(dir.resolve(e.getKey() + ".npy"));
            if (!Arrays.equals(npy.shape(), exportShape(e.getKey(), target)) && !Arrays.equals(npy.shape(), target.shape())) {
                throw new IOException(e.getKey() + ": shape " + Arrays.toString(npy.shape()) + ", the engine's is "
                        + Arrays.toString(target.shape()));
            }
            INDArray values = target.dataType() == DataType.DOUBLE
                    ? Nd4j.createFromArray(npy.doubles())
                    : Nd4j.createFromArray(npy.floats());
            target.assign(values.reshape(target.shape()));
            values.close();
        }
    }

    /** Biases ({@code [1, n]} in the engine) are written 1-D, as PyTorch's bias vectors are. */
    static long[] exportShape(String name, INDArray t) {
        return name.contains("_b_") ? new long[]{t.length()} : t.shape();
    }
}
