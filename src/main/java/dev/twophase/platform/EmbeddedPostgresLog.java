package dev.twophase.platform;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Keeps the embedded PostgreSQL's chatter off the console. zonky logs its own progress and every line
 * initdb, pg_ctl and the server print at INFO through one logger, and it does so while the
 * configuration is being built, before Quarkus applies {@code quarkus.log.category} levels; so the
 * level is decided here, per line: a line that PostgreSQL marks as a warning or an error keeps its
 * rank, everything else becomes DEBUG (shown when that logger is set to DEBUG).
 */
final class EmbeddedPostgresLog {

    static final String LOGGER = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    /** Says which binaries it unpacks, at INFO, on every start. */
    static final String RESOLVER_LOGGER = "io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver";

    /** PostgreSQL's severities ("ERROR:  ...", "initdb: warning: ..."), in its own words. */
    private static final Pattern ERROR = Pattern.compile("\\b(ERROR|FATAL|PANIC|error|fatal):");
    private static final Pattern WARNING = Pattern.compile("\\b(WARNING|warning):");
    /** What a fast shutdown (pg_ctl stop, at JVM exit) prints for every open connection: expected, not an error. */
    private static final String SHUTDOWN = "terminating connection due to administrator command";

    /** Held so the filters, which live on these logger objects, are not collected with them. */
    private static final Logger logger = Logger.getLogger(LOGGER);
    private static final Logger resolverLogger = Logger.getLogger(RESOLVER_LOGGER);

    private EmbeddedPostgresLog() {
    }

    static synchronized void quiet() {
        if (logger.getFilter() == null) {
            logger.setFilter(EmbeddedPostgresLog::rerank);
            resolverLogger.setFilter(EmbeddedPostgresLog::rerank);
        }
    }

    private static boolean rerank(LogRecord record) {
        if (record.getLevel().intValue() > Level.INFO.intValue()) {
            return true; // zonky's own warnings and errors
        }
        Level level = levelOf(record.getMessage());
        record.setLevel(level);
        return level != Level.FINE || logger.isLoggable(Level.FINE);
    }

    static Level levelOf(String line) {
        if (line == null || line.contains(SHUTDOWN)) {
            return Level.FINE;
        }
        if (ERROR.matcher(line).find()) {
            return Level.SEVERE;
        }
        if (WARNING.matcher(line).find()) {
            return Level.WARNING;
        }
        return Level.FINE;
    }
}
