package io.relops.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code relops app}: applications at a glance. */
@Command(
        name = "app",
        mixinStandardHelpOptions = true,
        description = "Applications: what runs in each environment and what may be promoted.",
        subcommands = {AppCommand.Status.class})
final class AppCommand {

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("ENV", "environment"),
            new Output.Column("LIVE", env -> Output.text(env.path("liveVersion"))),
            new Output.Column("LAST RELEASE", env -> lastRelease(env.path("lastRelease"))),
            new Output.Column(
                    "FINISHED", env -> Output.time(env.path("lastRelease").path("finishedAt"))),
            new Output.Column("PROMOTION", AppCommand::promotion));

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Per environment: the live version, the last release and its outcome, and for an environment",
                "that takes versions from another (promotion) whether what that one runs may go there now:",
                "ready, soak time left, approval needed (GET /api/applications/{app})."
            })
    static final class Status extends GatewayCommand {

        @Parameters(paramLabel = "APPLICATION")
        String application;

        @Option(names = "--json", description = "The answer as JSON (as --output json).")
        boolean json;

        @Override
        public Integer call() {
            JsonNode app = gateway().get("/api/applications/" + application, Map.of());
            Output output = output();
            if (json || output.json()) {
                output.json(app);
                return ExitCode.OK;
            }
            output.line(application);
            output.list(app.path("environments"), COLUMNS);
            return ExitCode.OK;
        }
    }

    /** {@code 1.2.0 COMPLETED (3f2a…)}, or {@code -} when the environment had no release. */
    static String lastRelease(JsonNode release) {
        if (release.isMissingNode() || release.isNull()) {
            return "-";
        }
        String id = Output.text(release.path("releaseId"));
        return Output.text(release.path("version")) + " " + Output.text(release.path("status")) + " ("
                + (id.length() > 8 ? id.substring(0, 8) : id) + ")";
    }

    /**
     * {@code from staging: 1.2.0 ready, approval needed}, {@code … soak PT41M left}, {@code … not ready: <reason>};
     * empty for an environment without a promotion rule.
     */
    static String promotion(JsonNode environment) {
        JsonNode promotion = environment.path("promotion");
        if (promotion.isMissingNode() || promotion.isNull()) {
            return "";
        }
        String from = "from " + Output.text(promotion.path("from")) + ": ";
        String candidate = value(promotion.path("candidateVersion"));
        if (candidate.isBlank()) {
            return from + "nothing to promote (" + Output.text(promotion.path("from")) + " runs no version)";
        }
        String approval = promotion.path("approvalRequired").asBoolean() ? ", approval needed" : "";
        if (candidate.equals(value(environment.path("liveVersion")))) {
            return from + candidate + " already live";
        }
        if (promotion.path("ready").asBoolean()) {
            return from + candidate + " ready" + approval;
        }
        if ("soak".equals(promotion.path("missing").asString(""))) {
            return from + candidate + " soaking, " + Output.text(promotion.path("soakRemaining")) + " left" + approval;
        }
        return from + candidate + " not ready: " + Output.text(promotion.path("reason"));
    }

    /** The node's text, empty when it is missing or null. */
    private static String value(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "" : node.asString();
    }
}
