package io.relops.audit.log;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.AuditEntry;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Streams an export: the matching records from the first match to the signed checkpoint that covers
 * the last, the records in between that do not match as {@code link} lines (JSON Lines) or hash-only
 * rows (CSV), then the covering checkpoints. Records newer than the latest checkpoint are not exported
 * yet (they appear within one checkpoint interval), so that everything exported is signed.
 */
@Service
public class AuditExporter {

    private static final CsvMapper CSV = new CsvMapper();
    private static final CsvSchema CSV_SCHEMA = CsvSchema.builder()
            .addColumn("kind")
            .addColumn("seq")
            .addColumn("id")
            .addColumn("type")
            .addColumn("source")
            .addColumn("subject")
            .addColumn("releaseId")
            .addColumn("time")
            .addColumn("topic")
            .addColumn("actor")
            .addColumn("recordedAt")
            .addColumn("data")
            .addColumn("digest")
            .addColumn("prevHash")
            .addColumn("hash")
            .addColumn("signature")
            .build()
            .withHeader();

    private final AuditStore store;
    private final SigningKey key;

    AuditExporter(AuditStore store, SigningKey key) {
        this.store = store;
        this.key = key;
    }

    private record Range(long first, long last, String anchor, List<Checkpoint> checkpoints) {}

    private Optional<Range> range(AuditQuery query) {
        Optional<Checkpoint> latest = store.latestCheckpoint();
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        return store.matchingBounds(query, 1, latest.get().seq()).map(bounds -> {
            long first = bounds[0];
            // from the checkpoint before the first record: after pruning, the retention checkpoint it follows
            List<Checkpoint> covering =
                    store.checkpoints(first - 1, latest.get().seq());
            long last = covering.stream()
                    .mapToLong(Checkpoint::seq)
                    .filter(seq -> seq >= bounds[1])
                    .min()
                    .orElse(latest.get().seq());
            String anchor = store.anchorBefore(first);
            // and every earlier retention checkpoint: the offline verifier checks each pruning, as the service does
            List<Checkpoint> checkpoints = new java.util.ArrayList<>(store.retentionCheckpoints().stream()
                    .filter(c -> c.seq() < first - 1)
                    .toList());
            covering.stream().filter(c -> c.seq() <= last).forEach(checkpoints::add);
            return new Range(first, last, anchor, checkpoints);
        });
    }

    public void jsonLines(AuditQuery query, OutputStream output) {
        Writer out = new OutputStreamWriter(output, StandardCharsets.UTF_8);
        try {
            Optional<Range> range = range(query);
            long first = range.map(Range::first).orElse(0L);
            long last = range.map(Range::last).orElse(0L);
            AuditExport.writeHeader(
                    out,
                    first,
                    last,
                    range.map(Range::anchor).orElse(AuditChain.GENESIS),
                    query.describe(),
                    key.keyId(),
                    java.time.Instant.now(),
                    store.latestCheckpoint().map(Checkpoint::seq).orElse(0L));
            if (range.isPresent()) {
                store.stream(first, last, query, (entry, matches) -> {
                    try {
                        if (matches) {
                            AuditExport.writeRecord(out, entry);
                        } else {
                            AuditExport.writeLink(out, entry);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return true;
                });
                for (Checkpoint checkpoint : range.get().checkpoints()) {
                    AuditExport.writeCheckpoint(out, checkpoint);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void csv(AuditQuery query, OutputStream output) {
        Writer out = new OutputStreamWriter(output, StandardCharsets.UTF_8);
        try (SequenceWriter rows = CSV.writer(CSV_SCHEMA).writeValues(out)) {
            Optional<Range> range = range(query);
            if (range.isPresent()) {
                store.stream(range.get().first(), range.get().last(), query, (entry, matches) -> {
                    rows.write(matches ? recordRow(entry) : linkRow(entry));
                    return true;
                });
                for (Checkpoint checkpoint : range.get().checkpoints()) {
                    rows.write(new Object[] {
                        "checkpoint",
                        checkpoint.seq(),
                        "",
                        "",
                        "",
                        "",
                        "",
                        AuditChain.formatTime(checkpoint.time()),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        checkpoint.hash(),
                        checkpoint.signature()
                    });
                }
            }
        }
    }

    private static Object[] recordRow(AuditEntry e) {
        return new Object[] {
            "record",
            e.seq(),
            e.id(),
            e.type(),
            e.source(),
            e.subject(),
            e.releaseId() == null ? "" : e.releaseId(),
            AuditChain.formatTime(e.time()),
            e.topic(),
            e.actor() == null ? "" : e.actor(),
            AuditChain.formatTime(e.recordedAt()),
            CanonicalJson.string(e.data()),
            e.digest(),
            e.prevHash(),
            e.hash(),
            ""
        };
    }

    private static Object[] linkRow(AuditEntry e) {
        return new Object[] {
            "link", e.seq(), "", "", "", "", "", "", "", "", "", "", e.digest(), e.prevHash(), e.hash(), ""
        };
    }
}
