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
        ObjectNode node = CanonicalJson.mapper().createObjectNode();
        node.put("kind", "checkpoint");
        node.put("seq", checkpoint.seq());
        node.put("hash", checkpoint.hash());
        node.put("time", AuditChain.formatTime(checkpoint.time()));
        node.put("type", checkpoint.kind());
        node.put("keyId", checkpoint.keyId());
        node.put("signature", checkpoint.signature());
        line(out, node);
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
                    checkpoints.add(new Checkpoint(
                            required(node, "seq").asLong(),
                            text(node, "hash"),
                            Instant.parse(text(node, "time")),
                            text(node, "type"),
                            text(node, "keyId"),
                            text(node, "signature")));
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
        ChainVerifier verifier =
                new ChainVerifier(firstSeq, header.path("anchorHash").asString(""), checkpoints, publicKey);
        lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && verifier.wantsMore(); line = reader.readLine()) {
                lineNumber++;
                JsonNode node = parse(line, lineNumber);
                String kind = node.path("kind").asString("");
                if (kind.equals("record")) {
                    verifier.accept(readRecord(node));
                } else if (kind.equals("link")) {
                    verifier.accept(new LinkOnly(
                            required(node, "seq").asLong(),
                            text(node, "prevHash"),
                            text(node, "digest"),
                            text(node, "hash")));
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
        Verdict verdict = verifier.finish();
        if (!verdict.valid()) {
            return verdict;
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
