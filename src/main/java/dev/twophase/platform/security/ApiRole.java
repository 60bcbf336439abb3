package dev.twophase.platform.security;

import java.util.Locale;

/**
 * What a token may do on {@code /api}: readers GET, submitters also create, cancel, delete and ingest.
 * The HTTP permissions in application.properties map methods to these roles.
 */
public enum ApiRole {
    reader, submitter;

    /** Parses a role name; the message lists the known ones. */
    public static ApiRole parse(String name) {
        try {
            return valueOf(name.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + name + "'; known: reader, submitter");
        }
    }
}
