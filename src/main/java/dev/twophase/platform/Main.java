package dev.twophase.platform;

import dev.twophase.platform.security.TokenCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

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
            System.setProperty("twophase.role", "api");
            System.setProperty("quarkus.http.port", "0");
            System.setProperty("twophase.auth.bootstrap", "false");
            System.setProperty(EmbeddedPostgresConfigSourceFactory.ATTACH, "true");
            System.setProperty("quarkus.banner.enabled", "false");
            System.setProperty("quarkus.log.level", "WARN");
            Quarkus.run(TokenCommand.class, args);
        } else {
            Quarkus.run(args);
        }
    }
}
