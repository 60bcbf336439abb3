package dev.twophase.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkMergeTest {

    @Test
    void newPointsJoinTheStoredChunkAndNewValuesReplaceOldOnes() {
        ChunkMerge.Chunk stored = new ChunkMerge.Chunk(5, 2, new short[]{1, 7}, new double[]{0.5, 0.7});
        ChunkMerge merge = new ChunkMerge(List.of(
                new ChunkMerge.Point(5, 2048 + 3, 0.3),     // new
                new ChunkMerge.Point(5, 2048 + 7, 0.75),    // changed
                new ChunkMerge.Point(5, 2048 + 1, 0.5)),    // the same: not counted
                (series, chunk) -> series == 5 && chunk == 2 ? stored : null);
        assertThat(merge.changedPoints()).isEqualTo(2);
        assertThat(merge.changed()).singleElement().satisfies(c -> {
            assertThat(c.offsets()).containsExactly(1, 3, 7);
            assertThat(c.values()).containsExactly(0.5, 0.3, 0.75);
        });
    }

    @Test
    void anUnchangedChunkIsNotWrittenAndPointsSplitAtChunkAndSeriesBorders() {
        ChunkMerge.Chunk stored = new ChunkMerge.Chunk(1, 0, new short[]{1023}, new double[]{1.0});
        ChunkMerge merge = new ChunkMerge(List.of(
                new ChunkMerge.Point(1, 1023, 1.0),
                new ChunkMerge.Point(1, 1024, 2.0),
                new ChunkMerge.Point(2, 1024, 3.0)),
                (series, chunk) -> series == 1 && chunk == 0 ? stored : null);
        assertThat(merge.changedPoints()).isEqualTo(2);
        assertThat(merge.changed()).extracting(ChunkMerge.Chunk::seriesId, ChunkMerge.Chunk::chunk)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1L), org.assertj.core.groups.Tuple.tuple(2L, 1L));
        assertThat(merge.changed().get(0).offsets()).containsExactly((short) 0);
    }
}
