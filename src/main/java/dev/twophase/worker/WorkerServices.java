package dev.twophase.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twophase.metrics.MetricStore;
import dev.twophase.platform.TwophaseConfig;
import dev.twophase.queue.CheckpointStore;
import dev.twophase.queue.RunQueue;
import dev.twophase.training.TrainingEngineFactory;
import java.util.function.LongConsumer;

/** What every attempt of one worker thread uses; built once per worker. */
record WorkerServices(RunQueue queue, MetricStore store, CheckpointStore checkpoints, TrainingEngineFactory engines,
                      TwophaseConfig.Worker config, ObjectMapper json, Retry retry, LongConsumer yieldToRequests) {
}
