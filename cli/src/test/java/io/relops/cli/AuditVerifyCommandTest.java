package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import io.relops.common.audit.Keys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifyCommandTest {

    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();

    int relops(String... args) {
        PrintWriter writer = new PrintWriter(out, true);
        return RelopsCli.run(Map.of(), writer, writer, false, args);
    }

    @Test
    void passesOnAnExportAndFailsAfterOneByteIsEdited() throws Exception {
        KeyPair keys = Keys.generate();
        Path export = dir.resolve("export.jsonl");
        Path key = Files.writeString(dir.resolve("key.pem"), Keys.publicPem(keys.getPublic()));
        try (Writer file = Files.newBufferedWriter(export)) {
            AuditExport.writeHeader(file, 1, 5, AuditChain.GENESIS, Map.of(), Keys.fingerprint(keys.getPublic()));
            String previous = AuditChain.GENESIS;
            for (int seq = 1; seq <= 5; seq++) {
                AuditEntry entry = new AuditEntry(
                                seq,
                                "id-" + seq,
                                "io.relops.release.approved",
                                "/relops/gateway",
                                "shop",
                                null,
                                Instant.parse("2026-11-22T06:00:00Z"),
                                "relops.release",
                                "bob",
                                Instant.parse("2026-11-22T06:00:01Z"),
                                CanonicalJson.read("{\"approvedBy\":\"bob\",\"comment\":\"ok " + seq + "\"}"),
                                previous,
                                "")
                        .chainedAfter(previous);
                AuditExport.writeRecord(file, entry);
                previous = entry.hash();
            }
            AuditExport.writeCheckpoint(
                    file,
                    Checkpoint.sign(
                            5,
                            previous,
                            Instant.now(),
                            Checkpoint.PERIODIC,
                            keys.getPrivate(),
                            Keys.fingerprint(keys.getPublic())));
        }

        assertThat(relops("audit", "verify", "--file", export.toString(), "--public-key", key.toString()))
                .as(out.toString())
                .isZero();
        assertThat(out.toString()).startsWith("VALID");

        String text = Files.readString(export);
        Files.writeString(export, text.replace("\"ok 3\"", "\"ok 4\""));
        out.getBuffer().setLength(0);
        assertThat(relops("audit", "verify", "--file", export.toString(), "--public-key", key.toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("INVALID at seq 3 (MODIFIED)");
    }

    @Test
    void verifiesCheckpointsOfTwoKeysAndNamesRecordsMissingAgainstTheAnchors() throws Exception {
        KeyPair before = Keys.generate();
        KeyPair after = Keys.generate();
        Path export = dir.resolve("rotated.jsonl");
        Path beforeKey = Files.writeString(dir.resolve("before.pem"), Keys.publicPem(before.getPublic()));
        Path afterKey = Files.writeString(dir.resolve("after.pem"), Keys.publicPem(after.getPublic()));
        Instant signed = Instant.parse("2026-11-22T06:00:05Z");
        String hashAt8;
        try (Writer file = Files.newBufferedWriter(export)) {
            AuditExport.writeHeader(
                    file,
                    1,
                    5,
                    AuditChain.GENESIS,
                    Map.of(),
                    Keys.fingerprint(after.getPublic()),
                    Instant.parse("2026-11-22T07:00:00Z"),
                    5);
            String previous = AuditChain.GENESIS;
            String hashAt3 = null;
            for (int seq = 1; seq <= 5; seq++) {
                AuditEntry entry = approval(seq, previous);
                AuditExport.writeRecord(file, entry);
                previous = entry.hash();
                if (seq == 3) {
                    hashAt3 = previous;
                }
            }
            AuditExport.writeCheckpoint(
                    file,
                    Checkpoint.sign(
                            3,
                            hashAt3,
                            signed,
                            Checkpoint.PERIODIC,
                            before.getPrivate(),
                            Keys.fingerprint(before.getPublic())));
            AuditExport.writeCheckpoint(
                    file,
                    Checkpoint.sign(
                            5,
                            previous,
                            signed.plusSeconds(1),
                            Checkpoint.PERIODIC,
                            after.getPrivate(),
                            Keys.fingerprint(after.getPublic())));
            String chained = previous;
            for (int seq = 6; seq <= 8; seq++) {
                chained = approval(seq, chained).hash();
            }
            hashAt8 = chained;
        }

        assertThat(relops(
                        "audit",
                        "verify",
                        "--file",
                        export.toString(),
                        "--public-key",
                        beforeKey.toString(),
                        "--public-key",
                        afterKey.toString()))
                .as(out.toString())
                .isZero();
        assertThat(out.toString()).startsWith("VALID").contains("keys ");

        out.getBuffer().setLength(0);
        assertThat(relops("audit", "verify", "--file", export.toString(), "--public-key", beforeKey.toString()))
                .isEqualTo(1);
        assertThat(out.toString()).contains("INVALID at seq 5").contains("which is not configured");

        // the anchor topic saw a checkpoint at seq 8 before the export was made: records 6-8 were deleted
        Path anchors = Files.writeString(
                dir.resolve("anchors.jsonl"),
                AuditExport.checkpointLine(Checkpoint.sign(
                                8,
                                hashAt8,
                                signed.plusSeconds(60),
                                Checkpoint.PERIODIC,
                                after.getPrivate(),
                                Keys.fingerprint(after.getPublic())))
                        + "\n");
        out.getBuffer().setLength(0);
        assertThat(relops(
                        "audit",
                        "verify",
                        "--file",
                        export.toString(),
                        "--public-key",
                        beforeKey.toString(),
                        "--public-key",
                        afterKey.toString(),
                        "--anchors",
                        anchors.toString()))
                .isEqualTo(1);
        assertThat(out.toString())
                .contains(
                        "INVALID at seq 6 (ANCHOR_MISMATCH): records 6 to 8 and 1 checkpoint(s) are missing at the head");

        Files.writeString(anchors, "not json\n");
        out.getBuffer().setLength(0);
        assertThat(relops(
                        "audit",
                        "verify",
                        "--file",
                        export.toString(),
                        "--public-key",
                        afterKey.toString(),
                        "--anchors",
                        anchors.toString()))
                .isEqualTo(2);
        assertThat(out.toString()).contains("anchors.jsonl line 1");
    }

    private static AuditEntry approval(int seq, String previous) {
        return new AuditEntry(
                        seq,
                        "id-" + seq,
                        "io.relops.release.approved",
                        "/relops/gateway",
                        "shop",
                        null,
                        Instant.parse("2026-11-22T06:00:00Z"),
                        "relops.release",
                        "bob",
                        Instant.parse("2026-11-22T06:00:01Z"),
                        CanonicalJson.read("{\"approvedBy\":\"bob\",\"comment\":\"ok " + seq + "\"}"),
                        previous,
                        "")
                .chainedAfter(previous);
    }

    @Test
    void refusesAKeyThatIsNotAPublicKey() throws Exception {
        Path export = Files.writeString(dir.resolve("e.jsonl"), "");
        Path key = Files.writeString(dir.resolve("key.pem"), "hello");
        assertThat(relops("audit", "verify", "--file", export.toString(), "--public-key", key.toString()))
                .isEqualTo(2);
        assertThat(out.toString()).contains("not a PEM 'PUBLIC KEY' block");
    }
}
