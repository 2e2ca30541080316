package io.relops.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code relops} command line. */
@Command(
        name = "relops",
        mixinStandardHelpOptions = true,
        version = "relops 0.1.0",
        description = "Event-driven release operations: deploy, verify, roll back, back up, alert, audit.",
        footerHeading = "%nServer and token:%n",
        footer = {
            "  --server or RELOPS_SERVER (default " + RelopsCli.DEFAULT_SERVER + ")",
            "  --token or RELOPS_TOKEN",
            "  Results go to stdout, progress of long work to stderr. See docs/cli.md.",
            "  The local suite: ./relops up --help (its own jar, local/target/relops-local-exec.jar)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:it worked (with --wait: it ended as asked)",
            "1:the operation failed or ended badly (release rolled back, backup failed, log did not verify,"
                    + " wait timed out)",
            "2:usage error, or input the server refused as invalid (400)",
            "3:not authenticated or not allowed (401/403)",
            "4:not found (404)",
            "5:conflict with the current state (409)",
            "6:server error (5xx) or the gateway cannot be reached"
        },
        subcommands = {
            UpCommand.class,
            ReleaseCommand.class,
            AppCommand.class,
            BackupCommand.class,
            AlertCommand.class,
            SilenceCommand.class,
            AuditCommand.class,
            TokenCommand.class
        })
public final class RelopsCli {

    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Option(
            names = "--server",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "The gateway (default: RELOPS_SERVER, else " + DEFAULT_SERVER + ").")
    @Nullable
    String server;

    @Option(
            names = "--token",
            scope = ScopeType.INHERIT,
            paramLabel = "TOKEN",
            description = "The bearer token (default: RELOPS_TOKEN).")
    @Nullable
    String token;

    @Option(
            names = "--output",
            scope = ScopeType.INHERIT,
            paramLabel = "FORMAT",
            description = "table (default) or json.")
    Output.@Nullable Format output;

    private final Map<String, String> environment;

    RelopsCli(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(run(
                System.getenv(),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.console() != null,
                args));
    }

    /** Runs one command line with this environment and these streams; answers the exit code. */
    static int run(
            Map<String, String> environment, PrintWriter out, PrintWriter err, boolean interactive, String... args) {
        RelopsCli cli = new RelopsCli(environment);
        cli.interactive = interactive;
        CommandLine commandLine = new CommandLine(cli)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof GatewayException failure) {
                        line.getErr().println("relops: " + failure.getMessage());
                        line.getErr().flush();
                        return failure.exitCode();
                    }
                    if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                        line.getErr().println("relops: " + e.getMessage());
                        line.getErr().flush();
                        return ExitCode.FAILED;
                    }
                    throw e;
                });
        int exit = commandLine.execute(args);
        out.flush();
        err.flush();
        return exit;
    }

    private boolean interactive;

    GatewayClient client() {
        String url = server != null ? server : environment.getOrDefault("RELOPS_SERVER", DEFAULT_SERVER);
        String bearer = token != null ? token : environment.get("RELOPS_TOKEN");
        if (bearer == null || bearer.isBlank()) {
            throw new GatewayException(ExitCode.AUTH, "no token: give --token or set RELOPS_TOKEN");
        }
        try {
            return new GatewayClient(URI.create(url.endsWith("/") ? url : url + "/"), bearer);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ExitCode.USAGE, "not a URL: " + url);
        }
    }

    Output.Format format() {
        return output == null ? Output.Format.table : output;
    }

    boolean interactive() {
        return interactive;
    }

    String user() {
        return environment.getOrDefault("USER", "relops-cli");
    }
}
