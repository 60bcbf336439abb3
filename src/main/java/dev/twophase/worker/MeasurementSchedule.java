package dev.twophase.worker;

import dev.twophase.experiment.spec.MeasureScheduleSpec;
import dev.twophase.experiment.spec.MeasuresSpec;

import java.util.Set;
import java.util.TreeSet;

/**
 * The steps at which a run is evaluated and its progress measures taken: step 0, the last step, and either
 * every {@code every} steps or the log-spaced steps of {@link MeasureScheduleSpec}. The phases of these runs
 * happen on a log-step axis: a fixed cadence either wastes a 1e6-step run or misses its first 1,000 steps.
 */
final class MeasurementSchedule {

    private final long totalSteps;
    private final long every;
    private final Set<Long> logSpaced;

    private MeasurementSchedule(long totalSteps, long every, Set<Long> logSpaced) {
        this.totalSteps = totalSteps;
        this.every = every;
        this.logSpaced = logSpaced;
    }

    static MeasurementSchedule of(MeasuresSpec measures, long totalSteps) {
        MeasureScheduleSpec schedule = measures.schedule();
        if (schedule == null) {
            return new MeasurementSchedule(totalSteps, measures.every(), Set.of());
        }
        return new MeasurementSchedule(totalSteps, schedule.maxEvery(), logSpaced(schedule.perDecade(), totalSteps));
    }

    /** round(10^(k / perDecade)) for k = 0, 1, ... up to {@code totalSteps}, without repeats. */
    static Set<Long> logSpaced(int perDecade, long totalSteps) {
        Set<Long> steps = new TreeSet<>();
        for (int k = 0; ; k++) {
            long step = Math.round(Math.pow(10.0, (double) k / perDecade));
            if (step > totalSteps) {
                return steps;
            }
            steps.add(step);
        }
    }

    boolean measuredAt(long step) {
        return step == 0 || step == totalSteps || step % every == 0 || logSpaced.contains(step);
    }

    /** Every measured step in order (for tests and for telling a user what a schedule gives). */
    long[] steps() {
        return java.util.stream.LongStream.rangeClosed(0, totalSteps).filter(this::measuredAt).toArray();
    }
}
