package io.relops.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relops alert}: the alerts alert-service holds. */
@Command(
        name = "alert",
        mixinStandardHelpOptions = true,
        description = "List and acknowledge alerts.",
        subcommands = {AlertCommand.ListAlerts.class, AlertCommand.Ack.class})
final class AlertCommand {

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("FINGERPRINT", "fingerprint"),
            Output.Column.of("STATE", "state"),
            Output.Column.of("SEVERITY", "severity"),
            Output.Column.of("APPLICATION", "application"),
            new Output.Column("ALERT", row -> Output.text(row.path("labels").path("alertname"))),
            new Output.Column("SINCE", row -> Output.time(row.path("startsAt"))),
            Output.Column.of("ACKED BY", "acknowledgedBy"));

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists alerts, newest first.")
    static final class ListAlerts extends GatewayCommand {

        @Option(names = "--state", description = "firing or resolved.")
        @Nullable
        String state;

        @Option(names = {"-a", "--application"})
        @Nullable
        String application;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: 100).")
        int limit;

        @Override
        public Integer call() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("state", state);
            query.put("application", application);
            query.put("limit", limit);
            output().list(gateway().get("/api/alerts", query), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(
            name = "ack",
            mixinStandardHelpOptions = true,
            description = "Acknowledges an alert: its escalation stops.")
    static final class Ack extends GatewayCommand {

        @Parameters(paramLabel = "FINGERPRINT")
        String fingerprint;

        @Option(
                names = "--by",
                description =
                        "Sent for compatibility and ignored: relops records the token's name as who acknowledged.")
        @Nullable
        String by;

        @Option(names = "--comment")
        @Nullable
        String comment;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("by", by == null ? root().user() : by);
            if (comment != null) {
                body.put("comment", comment);
            }
            output().object(gateway()
                    .post("/api/alerts/" + fingerprint + "/acknowledge", body)
                    .body());
            return ExitCode.OK;
        }
    }
}
