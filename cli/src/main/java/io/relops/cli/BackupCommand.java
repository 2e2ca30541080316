package io.relops.cli;

import io.relops.common.codec.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code relops backup}: take, list, verify and restore backups (backup-service, through the gateway). */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Take, list, verify and restore backups.",
        subcommands = {
            BackupCommand.Create.class,
            BackupCommand.ListBackups.class,
            BackupCommand.Get.class,
            BackupCommand.Verify.class,
            BackupCommand.Restore.class
        })
final class BackupCommand {

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Set<String> BACKUP_ENDS = Set.of("COMPLETED", "FAILED", "PRUNED");
    private static final Set<String> RESTORE_ENDS = Set.of("COMPLETED", "FAILED");

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("BACKUP", "id"),
            Output.Column.of("APPLICATION", "application"),
            Output.Column.of("STATUS", "status"),
            Output.Column.of("TRIGGER", "trigger"),
            new Output.Column(
                    "SIZE",
                    row -> row.path("sizeBytes").isNumber()
                            ? Progress.bytes(row.path("sizeBytes").asLong())
                            : "-"),
            Output.Column.of("VERIFIED", "verification"),
            new Output.Column("REQUESTED", row -> Output.time(row.path("requestedAt"))));

    /** {@code --wait} and {@code --timeout} of the commands that can wait for the work to end. */
    static final class Waiting {

        @Option(names = "--wait", description = "Wait until it ends, with progress on stderr.")
        boolean wait;

        @Option(
                names = "--timeout",
                defaultValue = "PT30M",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "How long --wait waits (default: 30m).")
        Duration timeout = Duration.ofMinutes(30);
    }

    /**
     * Polls {@code poll} until its {@code status} is one of {@code ends}, drawing {@code bytesDone} of {@code
     * bytesTotal} (when the service tells them) or dots; answers the last state, or null on timeout.
     */
    static @Nullable JsonNode await(
            GatewayCommand command, String label, Supplier<JsonNode> poll, Set<String> ends, Duration timeout) {
        Progress progress = command.progress();
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (Instant.now().isBefore(deadline)) {
                JsonNode state = poll.get();
                String status = state.path("status").asString("");
                long total = state.path("bytesTotal").asLong(0);
                long done = state.path("bytesDone").asLong(0);
                if (ends.contains(status) && status.equals("COMPLETED") && total > 0) {
                    done = total;
                }
                progress.update(label, status, done, total);
                if (ends.contains(status)) {
                    return state;
                }
                LockSupport.parkNanos(POLL.toNanos()); // poll interval of a waiting CLI
            }
            return null;
        } finally {
            progress.done();
        }
    }

    static int finish(GatewayCommand command, String what, @Nullable JsonNode state, Duration timeout) {
        if (state == null) {
            command.err().println("relops: " + what + " did not end within " + timeout.toSeconds() + " s");
            command.err().flush();
            return ExitCode.FAILED;
        }
        Output output = command.output();
        if (output.json()) {
            output.json(state);
        } else {
            output.line(what + " " + state.path("status").asString()
                    + (state.path("sizeBytes").isNumber()
                            ? ", " + Progress.bytes(state.path("sizeBytes").asLong())
                            : "")
                    + (state.path("durationMs").isNumber()
                            ? String.format(
                                    " in %.1f s", state.path("durationMs").asLong() / 1000.0)
                            : "")
                    + (state.path("reason").isString()
                            ? ": " + state.path("reason").asString()
                            : ""));
        }
        return state.path("status").asString().equals("COMPLETED") ? ExitCode.OK : ExitCode.FAILED;
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Takes a backup of an application now (POST /api/backups).",
                "With --wait: progress on stderr; exit 0 when it COMPLETED, 1 when it FAILED."
            })
    static final class Create extends GatewayCommand {

        @Parameters(paramLabel = "APPLICATION")
        String application;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        public Integer call() {
            GatewayClient gateway = gateway();
            JsonNode backup = gateway.post("/api/backups", Map.of("application", application))
                    .body();
            String id = backup.path("id").asString();
            if (!waiting.wait) {
                output().object(backup);
                return ExitCode.OK;
            }
            JsonNode end = await(
                    this,
                    "backup " + id,
                    () -> gateway.get("/api/backups/" + id, Map.of()),
                    BACKUP_ENDS,
                    waiting.timeout);
            return finish(this, "backup " + id, end, waiting.timeout);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists backups, newest first.")
    static final class ListBackups extends GatewayCommand {

        @Option(names = {"-a", "--application"})
        @Nullable
        String application;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: 50).")
        int limit;

        @Override
        public Integer call() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("application", application);
            query.put("limit", limit);
            output().list(gateway().get("/api/backups", query), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows one backup.")
    static final class Get extends GatewayCommand {

        @Parameters(paramLabel = "BACKUP-ID")
        String backupId;

        @Override
        public Integer call() {
            output().object(gateway().get("/api/backups/" + backupId, Map.of()));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Verifies a completed backup again (checksum, decryption, readability).",
                "With --wait: exit 0 when it PASSED, 1 when it FAILED."
            })
    static final class Verify extends GatewayCommand {

        @Parameters(paramLabel = "BACKUP-ID")
        String backupId;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        public Integer call() {
            GatewayClient gateway = gateway();
            String path = "/api/backups/" + backupId;
            String before = gateway.get(path, Map.of()).path("verifiedAt").asString("");
            JsonNode requested = gateway.post(path + "/verify", null).body();
            if (!waiting.wait) {
                output().object(requested);
                return ExitCode.OK;
            }
            JsonNode end = await(
                    this,
                    "verification of " + backupId,
                    () -> {
                        JsonNode backup = gateway.get(path, Map.of());
                        boolean verified =
                                !backup.path("verifiedAt").asString("").equals(before)
                                        && backup.path("verification").isString();
                        ObjectNode state = backup.isObject()
                                ? ((ObjectNode) backup).deepCopy()
                                : EventJson.mapper().createObjectNode();
                        return state.put(
                                "status", verified ? backup.path("verification").asString() : "VERIFYING");
                    },
                    Set.of("PASSED", "FAILED"),
                    waiting.timeout);
            if (end == null) {
                err().println("relops: the verification of " + backupId + " did not end within "
                        + waiting.timeout.toSeconds() + " s");
                return ExitCode.FAILED;
            }
            Output output = output();
            if (output.json()) {
                output.json(gateway.get(path, Map.of()));
            } else {
                output.line("backup " + backupId + " verification "
                        + end.path("status").asString());
                for (JsonNode check : end.path("verificationChecks")) {
                    output.line("  " + Output.text(check));
                }
            }
            return end.path("status").asString().equals("PASSED") ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = {
                "Restores a backup (admin). With --wait: progress on stderr; exit 0 when the restore COMPLETED,",
                "1 when it FAILED."
            })
    static final class Restore extends GatewayCommand {

        @Parameters(paramLabel = "BACKUP-ID")
        String backupId;

        @picocli.CommandLine.Mixin
        Waiting waiting = new Waiting();

        @Override
        public Integer call() {
            GatewayClient gateway = gateway();
            String path = "/api/backups/" + backupId;
            JsonNode restore = gateway.post(path + "/restore", null).body();
            String restoreId = restore.path("id").asString();
            if (!waiting.wait) {
                output().object(restore);
                return ExitCode.OK;
            }
            JsonNode end = await(
                    this,
                    "restore " + restoreId,
                    () -> {
                        for (JsonNode candidate : gateway.get(path + "/restores", Map.of())) {
                            if (candidate.path("id").asString().equals(restoreId)) {
                                return candidate;
                            }
                        }
                        return restore;
                    },
                    RESTORE_ENDS,
                    waiting.timeout);
            return finish(this, "restore " + restoreId + " of backup " + backupId, end, waiting.timeout);
        }
    }
}
