package io.relops.cli;

import io.relops.common.audit.AuditExport;
import io.relops.common.audit.Keys;
import io.relops.common.audit.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relops audit}: work with the audit log's exports. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Work with audit-service exports.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    /** {@code relops audit verify}: checks an export offline, with nothing but the file and the public key. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Verifies a JSON Lines export (GET /api/audit/export?format=jsonl) offline: every record's hash,",
                "the chain, and the Ed25519 signature of every checkpoint (GET /api/audit/public-key).",
                "Exit code 0 when it verifies, 1 when it does not (naming the first bad sequence number), 2 on bad input."
            })
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--file", required = true, description = "The export (.jsonl).")
        Path file;

        @Option(names = "--public-key", required = true, description = "The audit public key (PEM).")
        Path publicKey;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PublicKey key;
            try {
                key = Keys.readPublic(Files.readString(publicKey));
            } catch (IOException e) {
                err.println("cannot read the public key " + publicKey + ": " + e.getMessage());
                return 2;
            } catch (IllegalArgumentException e) {
                err.println(publicKey + ": " + e.getMessage());
                return 2;
            }
            if (!Files.isRegularFile(file)) {
                err.println("no such export file: " + file);
                return 2;
            }
            Verdict verdict = AuditExport.verify(file, key);
            if (verdict.valid()) {
                out.println("VALID: " + verdict.detail() + " (" + verdict.records() + " chain positions, "
                        + verdict.checkpoints() + " signed checkpoints, key " + Keys.fingerprint(key) + ")");
                return 0;
            }
            out.println("INVALID"
                    + (verdict.firstBadSeq() == null ? "" : " at seq " + verdict.firstBadSeq())
                    + (verdict.reason() == null ? "" : " (" + verdict.reason() + ")")
                    + ": " + verdict.detail());
            return 1;
        }
    }
}
