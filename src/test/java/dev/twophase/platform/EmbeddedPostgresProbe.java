package dev.twophase.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A child JVM for {@link EmbeddedPostgresRestartTest}: starts the embedded server on the data
 * directory in args[0], adds a row to a probe table, prints "READY rows=N" and waits to be killed.
 */
public final class EmbeddedPostgresProbe {

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresSettings settings = new EmbeddedPostgresSettings(args[0], false, 0, false);
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings);
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), EmbeddedPostgresServer.USER,
                EmbeddedPostgresServer.password(settings)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS probe (id serial PRIMARY KEY)");
            s.execute("INSERT INTO probe DEFAULT VALUES");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM probe")) {
                rs.next();
                System.out.println("READY rows=" + rs.getLong(1) + " port=" + server.port());
            }
        }
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
