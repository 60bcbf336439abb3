package dev.twophase.platform.security;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

import java.util.Arrays;
import java.util.List;

/**
 * The admin path for API tokens, run as {@code java -jar quarkus-run.jar token ...} against the
 * configured database (see {@code dev.twophase.platform.Main}):
 * {@code token create <name> [--role reader|submitter]}, {@code token revoke <name>}, {@code token list}.
 */
public class TokenCommand implements QuarkusApplication {

    static final String USAGE = "usage: token create <name> [--role reader|submitter] | token revoke <name> | token list";

    @Inject
    ApiTokens tokens;

    @Override
    public int run(String... args) {
        List<String> a = Arrays.asList(args).subList(1, args.length); // args[0] is "token"
        try {
            if (a.size() >= 2 && a.get(0).equals("create")) {
                ApiRole role = ApiRole.reader;
                if (a.size() == 4 && a.get(2).equals("--role")) {
                    role = ApiRole.parse(a.get(3));
                } else if (a.size() != 2) {
                    return usage();
                }
                System.out.println(tokens.create(a.get(1), role));
                System.err.println("token '" + a.get(1) + "' (role " + role + ") created; it is shown only this once");
                return 0;
            }
            if (a.size() == 2 && a.get(0).equals("revoke")) {
                int revoked = tokens.revoke(a.get(1));
                System.err.println(revoked == 0 ? "no active token named '" + a.get(1) + "'" : "revoked " + revoked + " token(s)");
                return revoked == 0 ? 1 : 0;
            }
            if (a.size() == 1 && a.get(0).equals("list")) {
                for (ApiTokens.TokenInfo t : tokens.list()) {
                    System.out.printf("%-30s %-10s created %s%s%n", t.name(), t.role(), t.createdAt(),
                            t.revokedAt() == null ? "" : ", revoked " + t.revokedAt());
                }
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
