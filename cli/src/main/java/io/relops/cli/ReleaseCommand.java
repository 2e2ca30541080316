package io.relops.cli;

import io.relops.common.release.OperatorAction;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;
import tools.jackson.databind.JsonNode;

/** {@code relops release}: request, follow and act on releases. */
@Command(
        name = "release",
        mixinStandardHelpOptions = true,
        description = "Request releases, follow them, approve, promote, abort and roll them back.",
        subcommands = {
            ReleaseCommand.Create.class,
            ReleaseCommand.PromoteEnvironment.class,
            ReleaseCommand.Get.class,
            ReleaseCommand.ListReleases.class,
            ReleaseCommand.Watch.class,
            ReleaseCommand.Approve.class,
            ReleaseCommand.Reject.class,
            ReleaseCommand.Promote.class,
            ReleaseCommand.Abort.class,
            ReleaseCommand.Rollback.class
        })
final class ReleaseCommand {

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("RELEASE", "releaseId"),
            Output.Column.of("APPLICATION", "application"),
            Output.Column.of("VERSION", "version"),
            Output.Column.of("ENV", "environment"),
            Output.Column.of("STATUS", "status"),
            Output.Column.of("BY", "requestedBy"),
            new Output.Column("REQUESTED", row -> Output.time(row.path("requestedAt"))));

    /** {@code --wait} and {@code --timeout}, shared by the commands that can follow a release to its end. */
    static final class Waiting {

        @Option(names = "--wait", description = "Follow the release (events on stderr) until it ends.")
        boolean wait;

        @Option(
                names = "--timeout",
                defaultValue = "PT10M",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "How long --wait waits, e.g. 90s, 10m (default: 10m).")
        Duration timeout = Duration.ofMinutes(10);
    }

    /** The strategies' wire names, for {@code --strategy}'s help and completion. */
    static final class Strategies implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Strategy.values()).map(Strategy::wireName).iterator();
        }
    }

    /** {@code --strategy blue-green}: a {@link Strategy} by its wire name. */
    static final class StrategyConverter implements ITypeConverter<Strategy> {
        @Override
        public Strategy convert(String value) {
            return Strategy.of(value)
                    .orElseThrow(() -> new TypeConversionException(
                            "'" + value + "' is not a strategy (" + String.join(", ", new Strategies()) + ")"));
        }
    }

    /** Follows a release until one of {@code ends}; exit 0 when it ended as {@code expected}, else 1. */
    static int follow(
            GatewayCommand command,
            String releaseId,
            Duration timeout,
            Set<ReleaseStatus> ends,
            ReleaseStatus expected) {
        ReleaseWatcher watcher = new ReleaseWatcher(command.gateway(), command.err());
        ReleaseWatcher.Outcome outcome = watcher.watch("/api/releases/" + releaseId, "", timeout, ends);
        Output output = command.output();
        if (outcome.release() != null) {
            if (output.json()) {
                output.json(outcome.release());
            } else {
                output.line(String.format(
                        "release %s %s (%s %s to %s) after %.1f s%s",
                        releaseId,
                        outcome.status(),
                        Output.text(outcome.release().path("application")),
                        Output.text(outcome.release().path("version")),
                        Output.text(outcome.release().path("environment")),
                        outcome.took().toMillis() / 1000.0,
                        outcome.release().path("reason").isNull()
                                        || outcome.release().path("reason").isMissingNode()
                                ? ""
                                : ": " + outcome.release().path("reason").asString()));
            }
        }
        if (outcome.timedOut()) {
            command.err()
                    .println("relops: release " + releaseId + " is still " + outcome.status() + " after "
                            + timeout.toSeconds() + " s");
            command.err().flush();
            return ExitCode.FAILED;
        }
        return outcome.status().equals(expected.name()) ? ExitCode.OK : ExitCode.FAILED;
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Requests a release (POST /api/releases). With --wait, follows it until it ends:",
                "exit 0 when it COMPLETED, 1 when it ended otherwise (ROLLED_BACK, FAILED, REJECTED, ABORTED)."
            })
    static final class Create extends GatewayCommand {

        @Parameters(index = "0", paramLabel = "APPLICATION", description = "The application (from the catalog).")
        String application;

        @Parameters(index = "1", paramLabel = "VERSION", description = "The version to release.")
        String version;

        @Option(
                names = {"-e", "--environment"},
                required = true,
                description = "The environment (from the catalog).")
        String environment;

        @Option(
                names = "--strategy",
                converter = StrategyConverter.class,
                completionCandidates = Strategies.class,
                description = "${COMPLETION-CANDIDATES} (default: the catalog's).")
        @Nullable
        Strategy strategy;

        @Option(names = "--commit", description = "The change this release ships (for lead-time metrics).")
        @Nullable
        String commit;

        @Option(
                names = "--supersede",
                description = "Replace a release of the same application and environment in progress.")
        boolean supersede;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("application", application);
            body.put("version", version);
            body.put("environment", environment);
            if (strategy != null) {
                body.put("strategy", strategy.wireName());
            }
            if (commit != null) {
                body.put("commit", commit);
            }
            if (supersede) {
                body.put("supersede", true);
            }
            GatewayClient.Answer answer = gateway().post("/api/releases", body);
            String releaseId = answer.body().path("releaseId").asString();
            if (!waiting.wait) {
                output().object(answer.body());
                return ExitCode.OK;
            }
            err().println("release " + releaseId + " requested: " + application + " " + version + " to " + environment);
            return follow(this, releaseId, waiting.timeout, ReleaseWatcher.TERMINAL, ReleaseStatus.COMPLETED);
        }
    }

    @Command(
            name = "promote-env",
            mixinStandardHelpOptions = true,
            description = {
                "Requests a release to TO of the version FROM runs now (read from GET /api/applications/{app}).",
                "TO's promotion rule is checked by the gateway: refused with exit 5 naming what is missing.",
                "Exit 1 when FROM runs no version, or with --version another one than FROM runs.",
                "With --wait, like 'release create --wait' (an approval is waited for)."
            })
    static final class PromoteEnvironment extends GatewayCommand {

        @Parameters(index = "0", paramLabel = "APPLICATION", description = "The application (from the catalog).")
        String application;

        @Parameters(index = "1", paramLabel = "FROM", description = "The environment whose live version to promote.")
        String from;

        @Parameters(index = "2", paramLabel = "TO", description = "The environment to release it to.")
        String to;

        @picocli.CommandLine.Option(
                names = "--version",
                paramLabel = "VERSION",
                description = "Promote only if FROM runs this version (a pipeline's own build): exit 1 otherwise, e.g."
                        + " when FROM was rolled back to an older one since.")
        @Nullable
        String expected;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        public Integer call() {
            JsonNode app = gateway().get("/api/applications/" + application, Map.of());
            JsonNode source = environment(app, from);
            if (source == null) {
                throw new GatewayException(
                        ExitCode.USAGE, application + " has no environment '" + from + "' (" + environments(app) + ")");
            }
            JsonNode live = source.path("liveVersion");
            String version = live.isMissingNode() || live.isNull() ? "" : live.asString();
            if (version.isBlank()) {
                throw new GatewayException(
                        ExitCode.FAILED,
                        from + " runs no version of " + application + ": release one there first (relops release"
                                + " create " + application + " VERSION -e " + from + ")");
            }
            if (expected != null && !expected.equals(version)) {
                throw new GatewayException(
                        ExitCode.FAILED,
                        from + " runs " + application + " " + version + ", not " + expected
                                + " (rolled back, or released again since?): nothing promoted");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("application", application);
            body.put("version", version);
            body.put("environment", to);
            GatewayClient.Answer answer = gateway().post("/api/releases", body);
            String releaseId = answer.body().path("releaseId").asString();
            if (!waiting.wait) {
                output().object(answer.body());
                return ExitCode.OK;
            }
            err().println("release " + releaseId + " requested: " + application + " " + version + " from " + from
                    + " to " + to);
            return follow(this, releaseId, waiting.timeout, ReleaseWatcher.TERMINAL, ReleaseStatus.COMPLETED);
        }

        static @Nullable JsonNode environment(JsonNode application, String name) {
            for (JsonNode environment : application.path("environments")) {
                if (environment.path("environment").asString("").equals(name)) {
                    return environment;
                }
            }
            return null;
        }

        private static String environments(JsonNode application) {
            List<String> names = new java.util.ArrayList<>();
            application
                    .path("environments")
                    .forEach(e -> names.add(e.path("environment").asString("")));
            return names.isEmpty() ? "it has none" : "it has " + String.join(", ", names);
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "Shows a release: state, versions and its timeline (GET /api/releases/{id}).")
    static final class Get extends GatewayCommand {

        @Parameters(paramLabel = "RELEASE-ID")
        String releaseId;

        @Override
        public Integer call() {
            JsonNode release = gateway().get("/api/releases/" + releaseId, Map.of());
            Output output = output();
            if (output.json()) {
                output.json(release);
                return ExitCode.OK;
            }
            var summary = release.deepCopy();
            if (summary.isObject()) {
                ((tools.jackson.databind.node.ObjectNode) summary).remove(List.of("timeline", "history"));
            }
            output.object(summary);
            output.line("");
            output.list(
                    release.path("timeline"),
                    List.of(
                            new Output.Column("TIME", e -> Output.time(e.path("time"))),
                            Output.Column.of("EVENT", "type"),
                            Output.Column.of("SOURCE", "source")));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists releases, newest first (GET /api/releases).")
    static final class ListReleases extends GatewayCommand {

        @Option(names = {"-a", "--application"})
        @Nullable
        String application;

        @Option(names = {"-e", "--environment"})
        @Nullable
        String environment;

        @Option(names = "--status", description = "Only releases in this state: ${COMPLETION-CANDIDATES}.")
        @Nullable
        ReleaseStatus status;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: 50).")
        int limit;

        @Override
        public Integer call() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("application", application);
            query.put("environment", environment);
            query.put("status", status == null ? null : status.name());
            query.put("limit", limit);
            output().list(gateway().get("/api/releases", query), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description = {
                "Follows a release until it ends, printing each event (stderr) as it arrives.",
                "Exit 0 when it COMPLETED, 1 when it ended otherwise or the wait timed out."
            })
    static final class Watch extends GatewayCommand {

        @Parameters(paramLabel = "RELEASE-ID")
        String releaseId;

        @Option(
                names = "--timeout",
                defaultValue = "PT10M",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "How long to wait (default: 10m).")
        Duration timeout;

        @Override
        public Integer call() {
            gateway().get("/api/releases/" + releaseId, Map.of()); // an unknown release is an error, not a wait
            return follow(this, releaseId, timeout, ReleaseWatcher.TERMINAL, ReleaseStatus.COMPLETED);
        }
    }

    /** An {@link OperatorAction}: POST /api/releases/{id}/{action}, then optionally follow the release. */
    abstract static class Action extends GatewayCommand {

        @Parameters(paramLabel = "RELEASE-ID")
        String releaseId;

        abstract OperatorAction action();

        @Nullable
        Object body() {
            return null;
        }

        /** Where {@code --wait} stops, and the state that means success. */
        Set<ReleaseStatus> ends() {
            return ReleaseWatcher.TERMINAL;
        }

        ReleaseStatus expected() {
            return ReleaseStatus.COMPLETED;
        }

        @Nullable
        Waiting waiting() {
            return null;
        }

        @Override
        public Integer call() {
            GatewayClient.Answer answer =
                    gateway().post("/api/releases/" + releaseId + "/" + action().wireName(), body());
            Waiting waiting = waiting();
            if (waiting == null || !waiting.wait) {
                Output output = output();
                if (output.json()) {
                    output.json(answer.body());
                } else {
                    output.line("release " + releaseId + ": " + action().wireName() + " "
                            + (answer.status() == 202
                                    ? "accepted"
                                    : answer.body().path("status").asString("done")));
                }
                return ExitCode.OK;
            }
            err().println("release " + releaseId + ": " + action().wireName() + " accepted");
            return follow(this, releaseId, waiting.timeout, ends(), expected());
        }
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approves a release awaiting approval (four-eyes: not by its requester).")
    static final class Approve extends Action {

        @Option(names = "--comment")
        @Nullable
        String comment;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        OperatorAction action() {
            return OperatorAction.APPROVE;
        }

        @Override
        @Nullable
        Object body() {
            return comment == null ? null : Map.of("comment", comment);
        }

        @Override
        Waiting waiting() {
            return waiting;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Rejects a release awaiting approval.")
    static final class Reject extends Action {

        @Option(names = "--reason", required = true)
        String reason;

        @Override
        OperatorAction action() {
            return OperatorAction.REJECT;
        }

        @Override
        Object body() {
            return Map.of("reason", reason);
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Promotes a paused canary to its next step.")
    static final class Promote extends Action {

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        OperatorAction action() {
            return OperatorAction.PROMOTE;
        }

        @Override
        Waiting waiting() {
            return waiting;
        }
    }

    @Command(
            name = "abort",
            mixinStandardHelpOptions = true,
            description = "Aborts a release in progress. With --wait: exit 0 when it is ABORTED.")
    static final class Abort extends Action {

        @Option(names = "--reason")
        @Nullable
        String reason;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        OperatorAction action() {
            return OperatorAction.ABORT;
        }

        @Override
        @Nullable
        Object body() {
            return reason == null ? null : Map.of("reason", reason);
        }

        @Override
        ReleaseStatus expected() {
            return ReleaseStatus.ABORTED;
        }

        @Override
        Waiting waiting() {
            return waiting;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = {
                "Rolls a release back to the previous version. --emergency answers once it is rolled back.",
                "With --wait: exit 0 when it is ROLLED_BACK, 1 otherwise."
            })
    static final class Rollback extends Action {

        @Option(names = "--reason")
        @Nullable
        String reason;

        @Option(names = "--emergency", description = "Switch traffic back at once, skipping the drain.")
        boolean emergency;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        OperatorAction action() {
            return OperatorAction.ROLLBACK;
        }

        @Override
        Object body() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason != null) {
                body.put("reason", reason);
            }
            body.put("emergency", emergency);
            return body;
        }

        @Override
        Set<ReleaseStatus> ends() {
            return Set.of(ReleaseStatus.ROLLED_BACK, ReleaseStatus.FAILED);
        }

        @Override
        ReleaseStatus expected() {
            return ReleaseStatus.ROLLED_BACK;
        }

        @Override
        Waiting waiting() {
            return waiting;
        }
    }
}
