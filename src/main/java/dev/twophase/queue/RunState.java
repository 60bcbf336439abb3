package dev.twophase.queue;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * queued -> running -> succeeded | failed | cancelled; running -> queued when an attempt fails
 * or its lease expires with attempts left. External runs are logged from elsewhere and never queued.
 */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, EXTERNAL;

    @JsonValue
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunState fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
