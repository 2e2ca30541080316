package io.relops.common.audit;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small signed chain written as an export, for tests. */
final class ExportFixture {

    final KeyPair keys = Keys.generate();
    final List<AuditEntry> entries = new ArrayList<>();
    final List<Checkpoint> checkpoints = new ArrayList<>();

    ExportFixture(int records, int checkpointEvery) {
        String previous = AuditChain.GENESIS;
        Instant time = Instant.parse("2026-11-22T05:00:00.123456789Z");
        for (int seq = 1; seq <= records; seq++) {
            AuditEntry entry = new AuditEntry(
                            seq,
                            "id-" + seq,
                            "io.relops.release.requested",
                            "/relops/gateway",
                            seq % 2 == 0 ? "shop" : "billing",
                            null,
                            time.plusSeconds(seq),
                            "relops.release",
                            "alice",
                            time.plusSeconds(seq),
                            CanonicalJson.read(
                                    "{\"version\":\"1." + seq + ".0\",\"ratio\":0.50,\"requestedBy\":\"alice\"}"),
                            previous,
                            "")
                    .chainedAfter(previous);
            entries.add(entry);
            previous = entry.hash();
            if (seq % checkpointEvery == 0 || seq == records) {
                checkpoints.add(Checkpoint.sign(
                        seq,
                        entry.hash(),
                        time.plusSeconds(seq),
                        Checkpoint.PERIODIC,
                        keys.getPrivate(),
                        Keys.fingerprint(keys.getPublic())));
            }
        }
    }

    Path write(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            AuditExport.writeHeader(out, 1, entries.size(), AuditChain.GENESIS, Map.of(), "test");
            for (AuditEntry entry : entries) {
                AuditExport.writeRecord(out, entry);
            }
            for (Checkpoint checkpoint : checkpoints) {
                AuditExport.writeCheckpoint(out, checkpoint);
            }
        }
        return file;
    }
}
