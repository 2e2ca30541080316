package io.relops.cli;

import io.relops.common.security.Tokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code relops token}: API tokens for {@code relops.security.tokens}, which holds their hashes only. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "API tokens: services are configured with their SHA-256, never the token (docs/security.md).",
        subcommands = {TokenCommand.New.class, TokenCommand.Hash.class})
final class TokenCommand {

    /** {@code relops token new}: a random token and the configuration entry for it. */
    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description = "Prints a new random token (give it to its user) and its relops.security.tokens entry.")
    static final class New implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, description = "Who uses it (the actor in events and the audit log).")
        String name;

        @Option(
                names = "--role",
                required = true,
                split = ",",
                description = "Its roles: operator, approver, auditor, admin, metrics, timeline, ingest.")
        String[] roles;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String token = Tokens.generate(roles[0].toLowerCase(Locale.ROOT));
            out.println("token:  " + token);
            out.println("sha256: " + Tokens.sha256Hex(token));
            out.println();
            out.println("relops.security.tokens entry:");
            out.println("  - name: " + name);
            out.println("    roles: [" + String.join(", ", roles) + "]");
            out.println("    sha256: " + Tokens.sha256Hex(token));
            return 0;
        }
    }

    /** {@code relops token hash}: the SHA-256 of a token, read from standard input unless given. */
    @Command(
            name = "hash",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the SHA-256 (hex) of a token, for relops.security.tokens[].sha256.",
                "Reads the token from standard input (one line) unless given, so that it stays out of shell history."
            })
    static final class Hash implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", description = "The token (default: read from standard input).")
        String token;

        @Override
        public Integer call() throws IOException {
            String value = token;
            if (value == null) {
                value = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (value == null || value.isBlank()) {
                spec.commandLine().getErr().println("no token given");
                return 2;
            }
            spec.commandLine().getOut().println(Tokens.sha256Hex(value.strip()));
            return 0;
        }
    }
}
