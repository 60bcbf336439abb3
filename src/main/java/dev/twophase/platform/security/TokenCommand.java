package dev.twophase.platform.security;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The admin path for API tokens, run as {@code java -jar quarkus-run.jar token ...} against the
 * configured database (see {@code dev.twophase.platform.Main}):
 * {@code token create [<name>] [--role reader|submitter]} (the name defaults to the role and the time),
 * {@code token revoke <name>}, {@code token list}.
 */
public class TokenCommand implements QuarkusApplication {

    static final String USAGE = "usage: token create [<name>] [--role reader|submitter] | token revoke <name> | token list";
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Where results go: the process's real stdout (everything else goes to stderr, see Main). */
    private static volatile PrintStream results = System.out;

    @Inject
    ApiTokens tokens;

    public static void writeResultsTo(PrintStream out) {
        results = out;
    }

    @Override
    public int run(String... args) {
        List<String> a = Arrays.asList(args).subList(1, args.length); // args[0] is "token"
        try {
            if (!a.isEmpty() && a.get(0).equals("create")) {
                List<String> rest = new ArrayList<>(a.subList(1, a.size()));
                ApiRole role = ApiRole.reader;
                int flag = rest.indexOf("--role");
                if (flag >= 0) {
                    if (flag + 1 >= rest.size()) {
                        return usage();
                    }
                    role = ApiRole.parse(rest.get(flag + 1));
                    rest.subList(flag, flag + 2).clear();
                }
                if (rest.size() > 1 || rest.stream().anyMatch(r -> r.startsWith("-"))) {
                    return usage();
                }
                String name = rest.isEmpty() ? role + "-" + NAME_TIME.format(Instant.now()) : rest.get(0);
                results.println(tokens.create(name, role));
                results.flush();
                System.err.println("token '" + name + "' (role " + role + ") created; it is shown only this once");
                return 0;
            }
            if (a.size() == 2 && a.get(0).equals("revoke")) {
                int revoked = tokens.revoke(a.get(1));
                System.err.println(revoked == 0 ? "no active token named '" + a.get(1) + "'" : "revoked " + revoked + " token(s)");
                return revoked == 0 ? 1 : 0;
            }
            if (a.size() == 1 && a.get(0).equals("list")) {
                for (ApiTokens.TokenInfo t : tokens.list()) {
                    results.printf("%-30s %-10s created %s%s%n", t.name(), t.role(), t.createdAt(),
                            t.revokedAt() == null ? "" : ", revoked " + t.revokedAt());
                }
                results.flush();
                return 0;
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        return usage();
    }

    private static int usage() {
        System.err.println(USAGE);
        return 2;
    }
}
