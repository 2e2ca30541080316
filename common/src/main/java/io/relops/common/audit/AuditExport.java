package io.relops.common.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Lines export ({@code relops-audit-export/1}): one JSON object per line, {@code kind}
 * telling which:
 *
 * <ul>
 *   <li>{@code header}: {@code format}, {@code firstSeq}, {@code lastSeq}, {@code anchorHash} (the hash
 *       the first record follows), {@code filters}, {@code keyId}
 *   <li>{@code record}: a full {@link AuditEntry} (all attributes, {@code data}, {@code prevHash},
 *       {@code hash})
 *   <li>{@code link}: a record the filters left out: {@code seq}, {@code prevHash}, {@code digest},
 *       {@code hash} only, so that the chain still verifies through it
 *   <li>{@code checkpoint}: a signed {@link Checkpoint} covering the range (they come last)
 * </ul>
 *
 * The range runs from the first matching record to a signed checkpoint, so that everything in the file
 * is vouched for by a signature: {@link #verify} needs nothing but the file and the public key.
 */
public final class AuditExport {

    public static final String FORMAT = "relops-audit-export/1";

    private AuditExport() {}

    public static void writeHeader(
            Writer out, long firstSeq, long lastSeq, String anchorHash, Map<String, String> filters, String keyId)
            throws IOException {
        ObjectNode header = CanonicalJson.mapper().createObjectNode();
        header.put("kind", "header");
        header.put("format", FORMAT);
        header.put("firstSeq", firstSeq);
        header.put("lastSeq", lastSeq);
        header.put("anchorHash", anchorHash);
        ObjectNode filterNode = header.putObject("filters");
        filters.forEach(filterNode::put);
        header.put("keyId", keyId);
        line(out, header);
    }

    /**
     * The header with when the export was made and the log's newest checkpoint then: with them, the offline
     * verifier tells a checkpoint anchored before the export but missing from it (records deleted at the head)
     * from one made after it.
     */
    public static void writeHeader(
            Writer out,
            long firstSeq,
            long lastSeq,
            String anchorHash,
            Map<String, String> filters,
            String keyId,
            Instant exportedAt,
            long latestCheckpointSeq)
            throws IOException {
        ObjectNode header = CanonicalJson.mapper().createObjectNode();
        header.put("kind", "header");
        header.put("format", FORMAT);
        header.put("firstSeq", firstSeq);
        header.put("lastSeq", lastSeq);
        header.put("anchorHash", anchorHash);
        ObjectNode filterNode = header.putObject("filters");
        filters.forEach(filterNode::put);
        header.put("keyId", keyId);
        header.put("exportedAt", AuditChain.formatTime(exportedAt));
        header.put("latestCheckpointSeq", latestCheckpointSeq);
        line(out, header);
    }

    public static void writeRecord(Writer out, AuditEntry entry) throws IOException {
        ObjectNode node = CanonicalJson.mapper().createObjectNode();
        node.put("kind", "record");
        node.put("seq", entry.seq());
        node.put("id", entry.id());
        node.put("type", entry.type());
        node.put("source", entry.source());
        node.put("subject", entry.subject());
        node.put("releaseId", entry.releaseId());
        node.put("time", AuditChain.formatTime(entry.time()));
        node.put("topic", entry.topic());
        node.put("actor", entry.actor());
        node.put("recordedAt", AuditChain.formatTime(entry.recordedAt()));
        node.set("data", entry.data());
        node.put("prevHash", entry.prevHash());
        node.put("hash", entry.hash());
        line(out, node);
    }

    public static void writeLink(Writer out, AuditEntry entry) throws IOException {
        ObjectNode node = CanonicalJson.mapper().createObjectNode();
        node.put("kind", "link");
        node.put("seq", entry.seq());
        node.put("prevHash", entry.prevHash());
        node.put("digest", entry.digest());
        node.put("hash", entry.hash());
        line(out, node);
    }

    public static void writeCheckpoint(Writer out, Checkpoint checkpoint) throws IOException {
        out.write(checkpointLine(checkpoint));
        out.write('\n');
    }

    /**
     * A checkpoint as one line of JSON (no newline): {@code kind: checkpoint}, {@code format}, {@code seq},
     * {@code hash}, {@code time}, {@code type} (periodic or retention), {@code keyId}, {@code signature}, and for
     * a format-2 retention checkpoint {@code from}, {@code policy} and {@code newest}. The same line is what
     * audit-service publishes to the anchor topic ({@code relops.audit.checkpoints}).
     */
    public static String checkpointLine(Checkpoint checkpoint) {
        ObjectNode node = CanonicalJson.mapper().createObjectNode();
        node.put("kind", "checkpoint");
        node.put("format", checkpoint.format());
        node.put("seq", checkpoint.seq());
        node.put("hash", checkpoint.hash());
        node.put("time", AuditChain.formatTime(checkpoint.time()));
        node.put("type", checkpoint.kind());
        node.put("keyId", checkpoint.keyId());
        node.put("signature", checkpoint.signature());
        Checkpoint.Pruning pruning = checkpoint.pruning();
        if (pruning != null) {
            node.put("from", pruning.from());
            node.put("policy", pruning.policy());
            node.put("newest", pruning.newestJson());
        }
        return CanonicalJson.mapper().writeValueAsString(node);
    }

    /** Reads a {@code checkpoint} line back (a line without {@code format} is of format 1). */
    public static Checkpoint readCheckpoint(JsonNode node) {
        int format = node.path("format").asInt(Checkpoint.FORMAT_1);
        Checkpoint.Pruning pruning = node.has("from")
                ? new Checkpoint.Pruning(
                        required(node, "from").asLong(),
                        text(node, "policy"),
                        Checkpoint.Pruning.parseNewest(text(node, "newest")))
                : null;
        return new Checkpoint(
                format,
                required(node, "seq").asLong(),
                text(node, "hash"),
                Instant.parse(text(node, "time")),
                text(node, "type"),
                text(node, "keyId"),
                text(node, "signature"),
                pruning);
    }

    /**
     * Reads anchored checkpoints: JSON Lines, one {@link #checkpointLine} per line, as a dump of the anchor topic
     * gives them ({@code kcat -C -t relops.audit.checkpoints -e -q}); blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the first line that is not a checkpoint
     */
    public static List<Checkpoint> readAnchors(Path file) {
        List<Checkpoint> anchors = new ArrayList<>();
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = parse(line, lineNumber);
                    if (!"checkpoint".equals(node.path("kind").asString(""))) {
                        throw new MalformedExport("is not a checkpoint line (kind: checkpoint)");
                    }
                    anchors.add(readCheckpoint(node));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return anchors;
    }

    private static void line(Writer out, JsonNode node) throws IOException {
        out.write(CanonicalJson.mapper().writeValueAsString(node));
        out.write('\n');
    }

    /** Reads a {@code record} line back. */
    public static AuditEntry readRecord(JsonNode node) {
        return new AuditEntry(
                required(node, "seq").asLong(),
                text(node, "id"),
                text(node, "type"),
                text(node, "source"),
                text(node, "subject"),
                optionalText(node, "releaseId"),
                Instant.parse(text(node, "time")),
                text(node, "topic"),
                optionalText(node, "actor"),
                Instant.parse(text(node, "recordedAt")),
                required(node, "data"),
                text(node, "prevHash"),
                text(node, "hash"));
    }

    /**
     * Verifies an export file offline: every record's hash, the chain through records and links, every
     * checkpoint's signature and hash, and that a signed checkpoint covers the last line.
     */
    public static Verdict verify(Path file, PublicKey publicKey) {
        return verify(file, Map.of(Keys.fingerprint(publicKey), publicKey), List.of());
    }

    /**
     * As {@link #verify(Path, PublicKey)}, with several public keys (key id → key, e.g. before and after a
     * rotation) and the checkpoints anchored outside the database ({@link #readAnchors}): every retention
     * checkpoint in the file is checked ({@link RetentionChecks}); an anchored checkpoint within the file's range
     * must match the chain; one outside it that was signed before the file's newest checkpoint means records are
     * missing at the head of the log the file was exported from.
     */
    public static Verdict verify(Path file, Map<String, PublicKey> keys, List<Checkpoint> anchors) {
        JsonNode header = null;
        List<Checkpoint> checkpoints = new ArrayList<>();
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                JsonNode node = parse(line, lineNumber);
                String kind = node.path("kind").asString("");
                if (kind.equals("header") && header == null) {
                    header = node;
                } else if (kind.equals("checkpoint")) {
                    checkpoints.add(readCheckpoint(node));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (MalformedExport e) {
            return malformed(e);
        }
        if (header == null || !FORMAT.equals(header.path("format").asString(""))) {
            return new Verdict(false, null, Verdict.Reason.MODIFIED, "no " + FORMAT + " header line", 0, 0, 0);
        }
        long firstSeq = header.path("firstSeq").asLong();
        long lastSeq = header.path("lastSeq").asLong();
        checkpoints.sort(java.util.Comparator.comparingLong(Checkpoint::seq));
        RetentionChecks.Outcome retention = RetentionChecks.check(checkpoints, keys);
        if (retention.failure() != null) {
            return retention.failure();
        }
        Map<Long, Checkpoint> anchored = new java.util.HashMap<>();
        List<String> notes = new ArrayList<>(retention.notes());
        for (Checkpoint anchor : anchors) {
            if (!anchor.verify(keys)) {
                notes.add("an anchored checkpoint at seq " + anchor.seq() + " has no valid signature: ignored");
            } else if (anchor.seq() >= firstSeq && anchor.seq() <= lastSeq) {
                anchored.put(anchor.seq(), anchor);
            }
        }
        ChainVerifier verifier =
                new ChainVerifier(firstSeq, header.path("anchorHash").asString(""), checkpoints, keys);
        long[] anchorMismatch = {-1};
        lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && verifier.wantsMore(); line = reader.readLine()) {
                lineNumber++;
                JsonNode node = parse(line, lineNumber);
                String kind = node.path("kind").asString("");
                ChainLink link = null;
                if (kind.equals("record")) {
                    link = readRecord(node);
                } else if (kind.equals("link")) {
                    link = new LinkOnly(
                            required(node, "seq").asLong(),
                            text(node, "prevHash"),
                            text(node, "digest"),
                            text(node, "hash"));
                }
                if (link != null) {
                    verifier.accept(link);
                    Checkpoint anchor = anchored.get(link.seq());
                    if (anchor != null && !anchor.hash().equals(link.hash()) && anchorMismatch[0] < 0) {
                        anchorMismatch[0] = link.seq();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (MalformedExport e) {
            return malformed(e);
        } catch (RuntimeException e) {
            return new Verdict(
                    false,
                    null,
                    Verdict.Reason.MODIFIED,
                    "line " + lineNumber + " is malformed: " + e.getMessage(),
                    0,
                    0,
                    0);
        }
        Verdict verdict = verifier.finish().withNotes(notes);
        if (!verdict.valid()) {
            return verdict;
        }
        if (anchorMismatch[0] >= 0) {
            return new Verdict(
                    false,
                    anchorMismatch[0],
                    Verdict.Reason.ANCHOR_MISMATCH,
                    "record " + anchorMismatch[0] + " does not have the hash its anchored checkpoint signed: the log"
                            + " was rewritten after the checkpoint was anchored",
                    verdict.records(),
                    verdict.checkpoints(),
                    verdict.lastSeq(),
                    notes);
        }
        if (header.hasNonNull("exportedAt") && header.hasNonNull("latestCheckpointSeq")) {
            Instant exportedAt = Instant.parse(header.path("exportedAt").asString());
            long latest = Math.max(lastSeq, header.path("latestCheckpointSeq").asLong());
            // an anchored checkpoint signed before the export, beyond the log's newest checkpoint then
            List<Checkpoint> beyond = anchors.stream()
                    .filter(a -> a.seq() > latest && a.time().isBefore(exportedAt) && a.verify(keys))
                    .sorted(java.util.Comparator.comparingLong(Checkpoint::seq))
                    .toList();
            if (!beyond.isEmpty()) {
                Checkpoint newest = beyond.get(beyond.size() - 1);
                return new Verdict(
                        false,
                        latest + 1,
                        Verdict.Reason.ANCHOR_MISMATCH,
                        "records " + (latest + 1) + " to " + newest.seq() + " and " + beyond.size()
                                + " checkpoint(s) are missing at the head: the anchor at seq " + newest.seq()
                                + " was signed at " + AuditChain.formatTime(newest.time())
                                + ", before the export was made ("
                                + AuditChain.formatTime(exportedAt) + ")",
                        verdict.records(),
                        verdict.checkpoints(),
                        verdict.lastSeq(),
                        notes);
            }
        } else if (!anchors.isEmpty()) {
            notes.add("the export's header does not say when it was made: anchors beyond it were not compared");
            verdict = verdict.withNotes(List.of(notes.get(notes.size() - 1)));
        }
        if (verdict.lastSeq() != lastSeq) {
            return new Verdict(
                    false,
                    verdict.lastSeq() + 1,
                    Verdict.Reason.MISSING,
                    "the header announces records up to seq " + lastSeq + " but the file ends at seq "
                            + verdict.lastSeq(),
                    verdict.records(),
                    verdict.checkpoints(),
                    verdict.lastSeq());
        }
        long covered = checkpoints.isEmpty()
                ? 0
                : checkpoints.get(checkpoints.size() - 1).seq();
        if (covered < lastSeq) {
            return new Verdict(
                    false,
                    covered + 1,
                    Verdict.Reason.CHECKPOINT_MISMATCH,
                    "records " + (covered + 1) + " to " + lastSeq + " are not covered by a signed checkpoint",
                    verdict.records(),
                    verdict.checkpoints(),
                    verdict.lastSeq());
        }
        return verdict;
    }

    private static Verdict malformed(MalformedExport e) {
        return new Verdict(false, null, Verdict.Reason.MODIFIED, e.getMessage(), 0, 0, 0);
    }

    private static JsonNode parse(String line, int lineNumber) {
        try {
            return CanonicalJson.mapper().readTree(line);
        } catch (JacksonException e) {
            throw new MalformedExport("line " + lineNumber + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedExport("a '" + node.path("kind").asString("") + "' line has no '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        return required(node, field).asString();
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static final class MalformedExport extends RuntimeException {
        MalformedExport(String message) {
            super(message);
        }
    }
}
