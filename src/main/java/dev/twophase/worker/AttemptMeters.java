package dev.twophase.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

/**
 * What one attempt records: wall time per step, steps, measurement passes, and a resume. Looked up
 * per attempt, so the meters appear once a run has been claimed.
 */
record AttemptMeters(Timer stepTime, Counter steps, Timer measurePass, Runnable resumed) {
}
