package dev.twophase.phase;

import java.util.List;

/** What one rule found in one series: the summary the report shows and the events it confirmed. */
record Detection<T>(T summary, List<PhaseEvent> events) {

    Detection {
        events = List.copyOf(events);
    }
}
