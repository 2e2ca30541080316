package io.relops.common.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One audit record: the CloudEvent's attributes and data as recorded, its place in the chain
 * ({@code seq}, gap-free from 1) and its hashes. See {@link AuditChain} for how {@code hash} is
 * computed.
 *
 * @param time the CloudEvent {@code time}, normalised to UTC with microsecond precision
 * @param actor who acted, where the event names one (requestedBy, approvedBy, rejectedBy)
 * @param recordedAt when audit-service recorded it (UTC, microseconds)
 */
public record AuditEntry(
        long seq,
        String id,
        String type,
        String source,
        String subject,
        @Nullable String releaseId,
        Instant time,
        String topic,
        @Nullable String actor,
        Instant recordedAt,
        JsonNode data,
        String prevHash,
        String hash)
        implements ChainLink {

    /** The canonical content of this record: everything but the two hashes. */
    public byte[] canonicalContent() {
        ObjectNode content = CanonicalJson.mapper().createObjectNode();
        content.put("actor", actor);
        content.set("data", data);
        content.put("id", id);
        content.put("recordedAt", AuditChain.formatTime(recordedAt));
        content.put("releaseId", releaseId);
        content.put("seq", seq);
        content.put("source", source);
        content.put("subject", subject);
        content.put("time", AuditChain.formatTime(time));
        content.put("topic", topic);
        content.put("type", type);
        return CanonicalJson.bytes(content);
    }

    /** SHA-256 of {@link #canonicalContent()}, lowercase hex. */
    @Override
    public String digest() {
        return AuditChain.sha256Hex(canonicalContent());
    }

    /** This record with its chain fields computed after {@code prevHash}. */
    public AuditEntry chainedAfter(String previousHash) {
        AuditEntry unhashed = new AuditEntry(
                seq, id, type, source, subject, releaseId, time, topic, actor, recordedAt, data, previousHash, "");
        return new AuditEntry(
                seq,
                id,
                type,
                source,
                subject,
                releaseId,
                time,
                topic,
                actor,
                recordedAt,
                data,
                previousHash,
                AuditChain.link(previousHash, unhashed.digest()));
    }

    @Override
    public String toString() {
        return "AuditEntry[seq=" + seq + ", id=" + id + ", type=" + type + ", hash=" + hash + ", data="
                + new String(CanonicalJson.bytes(data), StandardCharsets.UTF_8) + "]";
    }
}
