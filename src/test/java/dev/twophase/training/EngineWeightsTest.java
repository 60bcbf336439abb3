package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weights out and back in (bench/pytorch-match.sh's starting point): the export reloads into a
 * fresh engine bit for bit, the next step's loss is identical, and the files are .npy files of the
 * documented names, shapes and dtypes (parsed back here byte by byte).
 */
class EngineWeightsTest {

    /** Full batch: every step sees the same pairs, so the reloaded engine's first step is the original's next one. */
    private static TrainingSetup fullBatch(long seed) {
        return Setups.modularAdd(11).lr(3e-3).warmup(5).batch(10_000).seed(seed).build();
    }

    @Test
    void reloadedWeightsGiveTheIdenticalNextStep(@TempDir Path dir) throws IOException {
        for (DataType dtype : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            Path weights = dir.resolve(dtype.name());
            try (DirectTrainingEngine original = new DirectTrainingEngine(fullBatch(7), dtype);
                 DirectTrainingEngine fresh = new DirectTrainingEngine(fullBatch(99), dtype)) {
                for (int i = 0; i < 4; i++) {
                    original.trainStep();
                }
                original.exportWeights(weights);
                assertThat(fresh.weightNorm()).isNotEqualTo(original.weightNorm()); // another seed: other weights
                fresh.importWeights(weights);
                for (Map.Entry<String, INDArray> e : original.parameters().entrySet()) {
                    assertThat(fresh.parameters().get(e.getKey()).equals(e.getValue())).as("%s %s", dtype, e.getKey()).isTrue();
                }
                StepResult next = original.trainStep();
                StepResult first = fresh.trainStep();
                assertThat(first.loss()).as("%s loss", dtype).isEqualTo(next.loss()); // bit for bit
                assertThat(first.accuracy()).isEqualTo(next.accuracy());
                assertThat(next.loss()).isGreaterThan(0.0);
            }
        }
    }

    /** A minibatch engine: the same pairs through the reloaded weights give bit-identical loss and gradients. */
    @Test
    void reloadedWeightsGiveIdenticalGradients(@TempDir Path dir) throws IOException {
        TrainingSetup setup = DirectTrainingEngineTest.twoBlocks(16, 3e-3, 1.0);
        try (DirectTrainingEngine original = new DirectTrainingEngine(setup);
             DirectTrainingEngine fresh = new DirectTrainingEngine(setup)) {
            for (int i = 0; i < 3; i++) {
                original.trainStep();
            }
            int[] batch = original.lastBatch();
            assertThat(batch).hasSize(16);
            original.exportWeights(dir);
            fresh.importWeights(dir);
            double expected = original.lossAndGradients(batch);
            double actual = fresh.lossAndGradients(batch);
            assertThat(actual).isEqualTo(expected);
            for (Map.Entry<String, INDArray> e : original.gradients().entrySet()) {
                assertThat(fresh.gradients().get(e.getKey()).equals(e.getValue())).as(e.getKey()).isTrue();
            }
        }
    }

    @Test
    void filesAreNpyOfTheDocumentedNamesShapesAndDtype(@TempDir Path dir) throws IOException {
        TrainingSetup setup = fullBatch(7); // p = 11: 12 tokens, 11 classes; d 16, MLP 32
        try (DirectTrainingEngine engine = new DirectTrainingEngine(setup)) {
            engine.trainStep();
            engine.exportWeights(dir);
            String index = Files.readString(dir.resolve("index.json"));
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("\"name\": \"([^\"]+)\", \"file\": \"([^\"]+)\"").matcher(index);
            while (m.find()) {
                names.add(m.group(1));
                assertThat(m.group(2)).isEqualTo(m.group(1) + ".npy");
            }
            List<String> expected = new ArrayList<>(List.of("W_E", "W_pos"));
            for (int l = 1; l <= 2; l++) {
                for (String t : List.of("W_Q", "W_K", "W_V", "W_O", "W_in", "b_in", "W_out", "b_out")) {
                    expected.add("block" + l + "_" + t);
                }
            }
            expected.add("W_U");
            assertThat(names).isEqualTo(expected);
            assertThat(index).contains("\"step\": 1").contains("\"dtype\": \"float32\"");

            Map<String, long[]> shapes = Map.of("W_E", new long[]{12, 16}, "W_pos", new long[]{3, 16},
                    "block1_W_Q", new long[]{16, 16}, "block2_W_O", new long[]{16, 16},
                    "block1_W_in", new long[]{16, 32}, "block1_b_in", new long[]{32},
                    "block2_W_out", new long[]{32, 16}, "block2_b_out", new long[]{16}, "W_U", new long[]{16, 11});
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                Parsed p = parse(dir.resolve(e.getKey() + ".npy"));
                assertThat(p.descr).as(e.getKey()).isEqualTo("<f4");
                assertThat(p.fortran).isFalse();
                assertThat(p.shape).as(e.getKey()).isEqualTo(e.getValue());
                // the values in row-major order are the engine's tensor, [in, out]
                float[] values = new float[p.data.remaining() / 4];
                p.data.asFloatBuffer().get(values);
                INDArray tensor = engine.parameters().get(e.getKey());
                assertThat(values).as(e.getKey()).isEqualTo(tensor.dup('c').data().asFloat());
            }
        }
    }

    @Test
    void npyHeaderIsNumpysVersion1Layout(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a.npy");
        Npy.ofFloats(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).write(file);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes[0]).isEqualTo((byte) 0x93);
        assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(bytes[6]).isEqualTo((byte) 1);
        assertThat(bytes[7]).isEqualTo((byte) 0);
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertThat((10 + headerLength) % 64).isZero(); // data aligned as numpy aligns it
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
        assertThat(bytes.length).isEqualTo(10 + headerLength + 6 * 4);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getFloat()).isEqualTo(1f);
        assertThat(data.getFloat(10 + headerLength + 20)).isEqualTo(6f);

        Npy.ofDoubles(new double[]{0.1, -2.5}, 2).write(file);
        Npy read = Npy.read(file);
        assertThat(read.header()).isEqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }");
        assertThat(read.doubles()).containsExactly(0.1, -2.5);

        Npy.ofInts(new int[]{7, -1, 3, 0}, 2, 2).write(file);
        read = Npy.read(file);
        assertThat(read.shape()).containsExactly(2, 2);
        assertThat(read.ints()).containsExactly(7, -1, 3, 0);
    }

    @Test
    void readingRefusesWhatItCannotLoadFaithfully(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.npy");
        byte[] good;
        Npy.ofFloats(new float[]{1, 2}, 2).write(file);
        good = Files.readAllBytes(file);
        Files.write(file, new String(good, StandardCharsets.ISO_8859_1).replace("False", "True ")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Npy.read(file)).hasMessageContaining("Fortran");
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> Npy.read(file)).hasMessageContaining("data bytes");

        try (DirectTrainingEngine small = new DirectTrainingEngine(fullBatch(1));
             DirectTrainingEngine other = new DirectTrainingEngine(
                     Setups.modularAdd(11).layers(1).lr(3e-3).warmup(5).batch(10_000).build())) {
            Path weights = dir.resolve("w");
            other.exportWeights(weights);
            assertThatThrownBy(() -> small.importWeights(weights)).hasMessageContaining("index lists");
        }
    }

    private record Parsed(String descr, boolean fortran, long[] shape, ByteBuffer data) {
    }

    /** An independent parse of the format (not through {@link Npy#read}). */
    private static Parsed parse(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII).trim();
        Matcher m = Pattern.compile("\\{'descr': '([^']+)', 'fortran_order': (True|False), 'shape': \\(([^)]*)\\), }")
                .matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        long[] shape = java.util.Arrays.stream(m.group(3).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength)
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Parsed(m.group(1), m.group(2).equals("True"), shape, data);
    }
}
