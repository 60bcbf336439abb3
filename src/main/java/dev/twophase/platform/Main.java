package dev.twophase.platform;

import dev.twophase.platform.security.TokenCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The jar's entry point: the service, or with {@code token ...} the token admin command (see
 * {@link TokenCommand}). The command starts the application in role {@code api} on a free port so it
 * neither trains nor collides with a running service, shares the embedded PostgreSQL of a service
 * running on the same data directory, and exits when done.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("token")) {
            tokenCommandSettings().forEach(System::setProperty);
            TokenCommand.writeResultsTo(keepStdoutForResults());
            Quarkus.run(TokenCommand.class, args);
        } else {
            Quarkus.run(args);
        }
    }

    /** What the token command changes in the configuration; every log line goes to stderr. */
    static Map<String, String> tokenCommandSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("twophase.role", "api");
        settings.put("quarkus.http.port", "0");
        settings.put("twophase.auth.bootstrap", "false");
        settings.put(EmbeddedPostgresConfigSourceFactory.ATTACH, "true");
        settings.put("quarkus.banner.enabled", "false");
        settings.put("quarkus.log.level", "WARN");
        settings.put("quarkus.log.console.stderr", "true");
        return settings;
    }

    /**
     * A CLI's stdout carries its results only (a token is read with {@code > file}): whatever else prints
     * to System.out (a library, a handler set up before the configuration is read) goes to stderr.
     *
     * @return the real stdout, for the results
     */
    static PrintStream keepStdoutForResults() {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        return stdout;
    }
}
