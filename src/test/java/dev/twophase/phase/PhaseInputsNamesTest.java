package dev.twophase.phase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twophase.metrics.MetricNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detector reads series by name: each name must be one the worker records ({@link MetricNames}). */
class PhaseInputsNamesTest {

    @Test
    void everyNameTheDetectorReadsIsARecordedMetricName() throws IllegalAccessException {
        Map<String, String> read = stringConstants(PhaseInputs.class);
        Map<String, String> recorded = stringConstants(MetricNames.class);
        assertThat(read).isNotEmpty();
        read.forEach((field, name) -> {
            if (field.endsWith("_PREFIX")) {
                assertThat(recorded.values()).as("PhaseInputs.%s = %s prefixes a metric name", field, name)
                        .anyMatch(m -> m.startsWith(name) && !m.equals(name));
            } else {
                assertThat(recorded.values()).as("PhaseInputs.%s = %s is a metric name", field, name).contains(name);
            }
        });
    }

    @Test
    void theSeriesTheWorkerWritesAreTheOnesTheDetectorReads() {
        assertThat(PhaseInputs.TRAIN_ACCURACY).isEqualTo(MetricNames.TRAIN_ACC);
        assertThat(PhaseInputs.TEST_ACCURACY).isEqualTo(MetricNames.TEST_ACC);
        assertThat(PhaseInputs.TEST_LOSS).isEqualTo(MetricNames.TEST_LOSS);
        assertThat(PhaseInputs.MUTUAL_INFORMATION_TX).isEqualTo(MetricNames.MI_TX);
        for (String lc : List.of(MetricNames.LC_TRAIN, MetricNames.LC_TEST, MetricNames.LC_RANDOM)) {
            assertThat(PhaseInputs.isLocalComplexity(lc)).as(lc).isTrue();
            assertThat(PhaseInputs.isRead(lc)).as(lc).isTrue();
        }
        for (String tx : List.of(MetricNames.miTx(MetricNames.BINNING, ""),
                MetricNames.txSeries(MetricNames.KDE, MetricNames.SPHERE, "upper", ""),
                MetricNames.txSeries(MetricNames.RENYI, MetricNames.ABSOLUTE, "", MetricNames.miSuffix("mlp_hidden", "test")))) {
            assertThat(PhaseInputs.isInformationTx(tx)).as(tx).isTrue();
            assertThat(PhaseInputs.isRead(tx)).as(tx).isTrue();
        }
        // the relative-noise clustering index is not I(T;X): the compression detector must not read it
        String clustering = MetricNames.txSeries(MetricNames.KDE, MetricNames.RELATIVE, "upper", "");
        assertThat(PhaseInputs.isRead(clustering)).as(clustering).isFalse();
    }

    private static Map<String, String> stringConstants(Class<?> type) throws IllegalAccessException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                out.put(f.getName(), (String) f.get(null));
            }
        }
        return out;
    }
}
