package dev.twophase.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SameDiffTrainingEngineContractTest extends TrainingEngineContract {

    @Override
    protected TrainingEngine create(TrainingSetup setup) {
        return new SameDiffTrainingEngine(setup);
    }

    /** The norms seen during fit are the raw loss gradients: SameDiff's own gradient at the same parameters. */
    @Test
    void gradientNormsEqualTheLossGradientAtTheStepsParameters() {
        try (SameDiffTrainingEngine stepped = new SameDiffTrainingEngine(SETUP);
             SameDiffTrainingEngine reference = new SameDiffTrainingEngine(SETUP)) {
            // Full batch, same seed: both engines start from the same parameters and see the same batch.
            int[] pairs = reference.dataset().indices(Split.TRAIN);
            Map<String, INDArray> placeholders = Map.of(
                    TransformerGraph.TOKENS, OneHot.tokens(reference.dataset(), pairs, DataType.FLOAT),
                    TransformerGraph.LABELS, OneHot.labels(reference.dataset(), pairs, DataType.FLOAT));
            List<String> blockOne = new ArrayList<>();
            for (SDVariable v : reference.trainableVariables()) {
                if (v.name().startsWith(TransformerGraph.blockPrefix(1))) {
                    blockOne.add(v.name());
                }
            }
            Map<String, INDArray> gradients = reference.graph().calculateGradients(placeholders, blockOne);
            double sumOfSquares = 0;
            for (INDArray g : gradients.values()) {
                double norm = g.norm2Number().doubleValue();
                sumOfSquares += norm * norm;
            }

            stepped.trainStep();

            assertThat(blockOne).hasSize(8);
            assertThat(stepped.blockGradientNorms()[0]).isCloseTo(Math.sqrt(sumOfSquares), within(1e-4 * Math.sqrt(sumOfSquares)));
        }
    }
}
