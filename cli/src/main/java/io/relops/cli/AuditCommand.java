package io.relops.cli;

import io.relops.common.audit.AuditExport;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.Keys;
import io.relops.common.audit.Verdict;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code relops audit}: search, verify and export the audit log, and a release's evidence. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Search, verify and export the audit log; a release's evidence.",
        subcommands = {
            AuditCommand.Search.class,
            AuditCommand.Verify.class,
            AuditCommand.Export.class,
            AuditCommand.Evidence.class,
            AuditCommand.ShowPublicKey.class
        })
final class AuditCommand {

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("SEQ", "seq"),
            new Output.Column("TIME", row -> Output.time(row.path("time"))),
            Output.Column.of("TYPE", "type"),
            Output.Column.of("APPLICATION", "subject"),
            Output.Column.of("RELEASE", "releaseId"),
            Output.Column.of("ACTOR", "actor"));

    /** The filters of search and export. */
    static final class Filters {

        @Option(names = {"-a", "--application"})
        @Nullable
        String application;

        @Option(names = "--type", description = "An event type, e.g. io.relops.release.completed.")
        @Nullable
        String type;

        @Option(names = "--release", paramLabel = "RELEASE-ID")
        @Nullable
        String releaseId;

        @Option(names = "--actor")
        @Nullable
        String actor;

        @Option(names = "--since", description = "ISO-8601 instant, e.g. 2026-01-01T00:00:00Z.")
        @Nullable
        String since;

        @Option(names = "--until", description = "ISO-8601 instant.")
        @Nullable
        String until;

        @Option(
                names = {"-q", "--query"},
                description = "Text anywhere in the record.")
        @Nullable
        String q;

        Map<String, Object> query() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("application", application);
            query.put("type", type);
            query.put("releaseId", releaseId);
            query.put("actor", actor);
            query.put("since", since);
            query.put("until", until);
            query.put("q", q);
            return query;
        }
    }

    @Command(
            name = "search",
            mixinStandardHelpOptions = true,
            description = "Searches the log, oldest first (GET /api/audit/events); page on with --after.")
    static final class Search extends GatewayCommand {

        @Mixin
        Filters filters = new Filters();

        @Option(names = "--after", defaultValue = "0", description = "Only records after this sequence number.")
        long after;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: 100, max 1000).")
        int limit;

        @Override
        public Integer call() {
            Map<String, Object> query = filters.query();
            query.put("after", after);
            query.put("limit", limit);
            output().list(gateway().get("/api/audit/events", query), COLUMNS);
            return ExitCode.OK;
        }
    }

    /**
     * {@code relops audit verify}: online, asks audit-service to verify its log (GET /api/audit/verify); with
     * {@code --file}, checks an export offline with nothing but the file and the public key.
     */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Online: verifies the log (or --from..--to) in audit-service (GET /api/audit/verify).",
                "Offline (--file, --public-key): verifies a JSON Lines export (audit export --format jsonl):",
                "every record's hash, the chain, the Ed25519 signature of every checkpoint (audit public-key;",
                "repeat --public-key for the keys signing was rotated away from) and every retention",
                "checkpoint's range and policy. With --anchors, also against the checkpoints anchored on Kafka",
                "(a dump of the topic relops.audit.checkpoints, one JSON line per record, e.g.",
                "kcat -C -t relops.audit.checkpoints -e -q > anchors.jsonl): an anchored checkpoint missing from",
                "the export names the records missing at the head.",
                "Exit code 0 when it verifies, 1 when it does not (naming the first bad sequence number),",
                "2 on bad input."
            })
    static final class Verify extends GatewayCommand {

        @Option(names = "--file", description = "Verify this export (.jsonl) offline.")
        @Nullable
        Path file;

        @Option(
                names = "--public-key",
                description = "An audit public key (PEM), for --file; repeat it for keys from before a rotation.")
        @Nullable
        List<Path> publicKeys;

        @Option(
                names = "--anchors",
                description = "For --file: the anchored checkpoints (JSON Lines, a dump of relops.audit.checkpoints).")
        @Nullable
        Path anchors;

        @Option(names = "--from", description = "Online: first sequence number (default: the first).")
        @Nullable
        Long from;

        @Option(names = "--to", description = "Online: last sequence number (default: the last).")
        @Nullable
        Long to;

        @Override
        public Integer call() {
            if (file != null) {
                return offline(file, publicKeys == null ? List.of() : publicKeys, anchors);
            }
            if (publicKeys != null || anchors != null) {
                err().println((publicKeys != null ? "--public-key" : "--anchors")
                        + " goes with --file (offline verification)");
                return ExitCode.USAGE;
            }
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("from", from);
            query.put("to", to);
            JsonNode verdict = gateway().get("/api/audit/verify", query);
            Output output = output();
            boolean valid = verdict.path("valid").asBoolean(false);
            if (output.json()) {
                output.json(verdict);
            } else if (valid) {
                output.line("VALID: " + verdict.path("detail").asString() + " ("
                        + verdict.path("records").asLong() + " chain positions, "
                        + verdict.path("checkpoints").asInt() + " signed checkpoints)");
            } else {
                output.line("INVALID"
                        + (verdict.path("firstBadSeq").isNumber()
                                ? " at seq " + verdict.path("firstBadSeq").asLong()
                                : "")
                        + (verdict.path("reason").isString()
                                ? " (" + verdict.path("reason").asString() + ")"
                                : "")
                        + ": " + verdict.path("detail").asString());
            }
            if (!output.json()) {
                verdict.path("notes").forEach(note -> output.line("note: " + note.asString()));
            }
            return valid ? ExitCode.OK : ExitCode.FAILED;
        }

        private int offline(Path file, List<Path> publicKeyFiles, @Nullable Path anchorFile) {
            PrintWriter out = out();
            PrintWriter err = err();
            if (publicKeyFiles.isEmpty()) {
                err.println("--file needs --public-key (relops audit public-key prints it)");
                return ExitCode.USAGE;
            }
            Map<String, PublicKey> keys = new LinkedHashMap<>();
            for (Path publicKey : publicKeyFiles) {
                try {
                    PublicKey key = Keys.readPublic(Files.readString(publicKey));
                    keys.put(Keys.fingerprint(key), key);
                } catch (IOException e) {
                    err.println("cannot read the public key " + publicKey + ": " + e.getMessage());
                    return ExitCode.USAGE;
                } catch (IllegalArgumentException e) {
                    err.println(publicKey + ": " + e.getMessage());
                    return ExitCode.USAGE;
                }
            }
            if (!Files.isRegularFile(file)) {
                err.println("no such export file: " + file);
                return ExitCode.USAGE;
            }
            List<Checkpoint> anchored = List.of();
            if (anchorFile != null) {
                if (!Files.isRegularFile(anchorFile)) {
                    err.println("no such anchors file: " + anchorFile);
                    return ExitCode.USAGE;
                }
                try {
                    anchored = AuditExport.readAnchors(anchorFile);
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage());
                    return ExitCode.USAGE;
                }
            }
            Verdict verdict = AuditExport.verify(file, keys, anchored);
            if (verdict.valid()) {
                out.println("VALID: " + verdict.detail() + " (" + verdict.records() + " chain positions, "
                        + verdict.checkpoints() + " signed checkpoints, "
                        + (keys.size() == 1 ? "key " : "keys ") + String.join(", ", keys.keySet())
                        + (anchorFile == null ? "" : ", " + anchored.size() + " anchored checkpoints") + ")");
            } else {
                out.println("INVALID"
                        + (verdict.firstBadSeq() == null ? "" : " at seq " + verdict.firstBadSeq())
                        + (verdict.reason() == null ? "" : " (" + verdict.reason() + ")")
                        + ": " + verdict.detail());
            }
            verdict.notes().forEach(note -> out.println("note: " + note));
            return verdict.valid() ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = {
                "Exports the filtered log with hashes and covering checkpoints (GET /api/audit/export),",
                "streamed to --file (progress on stderr) or to stdout."
            })
    static final class Export extends GatewayCommand {

        @Mixin
        Filters filters = new Filters();

        @Option(names = "--format", defaultValue = "jsonl", description = "jsonl (default, verifiable) or csv.")
        String format;

        @Option(
                names = {"-f", "--file"},
                description = "Write here instead of stdout.")
        @Nullable
        Path file;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> query = filters.query();
            query.put("format", format);
            GatewayClient gateway = gateway();
            if (file == null) {
                gateway.download("/api/audit/export", query, body -> {
                    try (Reader text = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                        return text.transferTo(out());
                    } finally {
                        out().flush();
                    }
                });
                return ExitCode.OK;
            }
            Progress progress = progress();
            long bytes;
            try (OutputStream target = Files.newOutputStream(file)) {
                bytes = gateway.download("/api/audit/export", query, body -> {
                    byte[] buffer = new byte[64 * 1024];
                    long total = 0;
                    int read;
                    while ((read = body.read(buffer)) != -1) {
                        target.write(buffer, 0, read);
                        total += read;
                        progress.update("export", "RUNNING", total, 0);
                    }
                    return total;
                });
            } catch (GatewayException | UncheckedIOException e) {
                Files.deleteIfExists(file);
                throw e;
            } finally {
                progress.done();
            }
            err().println("exported " + Progress.bytes(bytes) + " to " + file);
            err().flush();
            return ExitCode.OK;
        }
    }

    @Command(
            name = "evidence",
            mixinStandardHelpOptions = true,
            description = {
                "The evidence of one release: who requested and approved it, backups, verification,",
                "outcome, with every record's hash, the chain's verdict and the covering signed checkpoint.",
                "--format html gives the printable page (to --file or stdout)."
            })
    static final class Evidence extends GatewayCommand {

        @Parameters(paramLabel = "RELEASE-ID")
        String releaseId;

        @Option(names = "--format", defaultValue = "json", description = "json (default) or html.")
        String format;

        @Option(
                names = {"-f", "--file"},
                description = "Write here instead of stdout.")
        @Nullable
        Path file;

        @Override
        public Integer call() throws IOException {
            String path = "/api/audit/releases/" + releaseId + "/evidence";
            GatewayClient gateway = gateway();
            if (format.equals("html") || file != null) {
                try (OutputStream target = file == null ? null : Files.newOutputStream(file)) {
                    gateway.download(path, Map.of("format", format), body -> {
                        if (target != null) {
                            return body.transferTo(target);
                        }
                        try (Reader text = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                            return text.transferTo(out());
                        } finally {
                            out().flush();
                        }
                    });
                }
                if (file != null) {
                    err().println("evidence of release " + releaseId + " written to " + file);
                    err().flush();
                }
                return ExitCode.OK;
            }
            output().object(gateway.get(path, Map.of("format", "json")));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "public-key",
            mixinStandardHelpOptions = true,
            description = "Prints the Ed25519 public key (PEM) that verifies the log's checkpoints.")
    static final class ShowPublicKey implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            GatewayClient gateway = ((RelopsCli) spec.root().userObject()).client();
            gateway.download("/api/audit/public-key", Map.of(), body -> {
                try (Reader text = new InputStreamReader(body, StandardCharsets.UTF_8)) {
                    return text.transferTo(spec.commandLine().getOut());
                }
            });
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }
}
