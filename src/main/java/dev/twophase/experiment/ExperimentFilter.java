package dev.twophase.experiment;

import dev.twophase.queue.RunState;

/**
 * What a search for experiments asks for; every part is optional and the parts are combined with AND.
 *
 * @param name  a case-insensitive substring of the name
 * @param tag   a tag the experiment carries, exactly
 * @param state a state at least one of its runs is in
 */
public record ExperimentFilter(String name, String tag, RunState state) {

    public static final ExperimentFilter ALL = new ExperimentFilter(null, null, null);
}
