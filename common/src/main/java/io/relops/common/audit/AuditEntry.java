package io.relops.common.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

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
        return canonicalContent(CanonicalJson.string(data));
    }

    /**
     * The canonical content, given the data already in canonical form ({@code CanonicalJson.string(data())}):
     * the members in name order, written straight to the generator.
     */
    public byte[] canonicalContent(String canonicalData) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320 + canonicalData.length());
        try (JsonGenerator generator = CanonicalJson.mapper().createGenerator(out)) {
            generator.writeStartObject();
            stringMember(generator, "actor", actor);
            generator.writeName("data");
            generator.writeRawValue(canonicalData);
            stringMember(generator, "id", id);
            stringMember(generator, "recordedAt", AuditChain.formatTime(recordedAt));
            stringMember(generator, "releaseId", releaseId);
            generator.writeName("seq");
            generator.writeNumber(seq);
            stringMember(generator, "source", source);
            stringMember(generator, "subject", subject);
            stringMember(generator, "time", AuditChain.formatTime(time));
            stringMember(generator, "topic", topic);
            stringMember(generator, "type", type);
            generator.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void stringMember(JsonGenerator generator, String name, @Nullable String value) {
        generator.writeName(name);
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeString(value);
        }
    }

    /** SHA-256 of {@link #canonicalContent()}, lowercase hex. */
    @Override
    public String digest() {
        return AuditChain.sha256Hex(canonicalContent());
    }

    /** This record with its chain fields computed after {@code prevHash}. */
    public AuditEntry chainedAfter(String previousHash) {
        return chainedAfter(previousHash, CanonicalJson.string(data));
    }

    /**
     * This record with its chain fields computed after {@code prevHash}, given its data in canonical form
     * ({@code CanonicalJson.string(data())}, computed once by the caller).
     */
    public AuditEntry chainedAfter(String previousHash, String canonicalData) {
        String digest = AuditChain.sha256Hex(canonicalContent(canonicalData));
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
                AuditChain.link(previousHash, digest));
    }

    @Override
    public String toString() {
        return "AuditEntry[seq=" + seq + ", id=" + id + ", type=" + type + ", hash=" + hash + ", data="
                + new String(CanonicalJson.bytes(data), StandardCharsets.UTF_8) + "]";
    }
}
