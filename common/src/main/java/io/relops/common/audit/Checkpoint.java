package io.relops.common.audit;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * A signed statement "the chain's record {@code seq} has hash {@code hash}", made at {@code time}. Since every
 * hash commits to all records before it, a checkpoint vouches for the whole log up to {@code seq}. The signature
 * is Ed25519 (Base64 in the record) over the UTF-8 bytes of its payload, in one of two formats.
 *
 * <p>Format 2 (every checkpoint written now) signs what the checkpoint is, one {@code name: value} line each:
 *
 * <pre>
 * relops-audit-checkpoint/2
 * kind: periodic | retention
 * seq: {seq}
 * hash: {hash}
 * time: {time}
 * key: {keyId}
 * </pre>
 *
 * and, for a retention checkpoint, three more lines: {@code from: {first pruned seq}}, {@code policy: {the
 * retention policy's canonical text, see RetentionPolicy}} and {@code newest: {canonical JSON object: per event
 * type, the recordedAt of the newest pruned record of that type}}. So a periodic checkpoint cannot pass as a
 * retention one, and a verifier can check, from the signed checkpoint alone, that every pruned record was past
 * its type's period at {@code time}.
 *
 * <p>Format 1 (checkpoints written before format 2 existed) signs {@code
 * relops-audit-checkpoint/1\n{seq}\n{hash}\n{time}} only: neither its kind nor its key nor, for retention, what
 * was pruned. Such checkpoints still verify; a retention checkpoint of format 1 is reported as one whose pruning
 * cannot be checked (see {@link RetentionChecks}).
 *
 * <p>Times are formatted as in {@link AuditChain#formatTime}.
 *
 * @param format 1 or 2
 * @param kind {@code periodic} (every N records or T seconds) or {@code retention} (left by pruning)
 * @param keyId the signing key's fingerprint ({@link Keys#fingerprint})
 * @param pruning what a format-2 retention checkpoint pruned, else null
 */
public record Checkpoint(
        int format,
        long seq,
        String hash,
        Instant time,
        String kind,
        String keyId,
        String signature,
        @Nullable Pruning pruning) {

    public static final String PERIODIC = "periodic";
    public static final String RETENTION = "retention";
    public static final int FORMAT_1 = 1;
    public static final int FORMAT_2 = 2;

    /**
     * What a retention checkpoint pruned: the records {@code from..seq}.
     *
     * @param from the first pruned record
     * @param policy the retention policy's canonical text ({@link RetentionPolicy#canonical})
     * @param newest per event type, the recordedAt of the newest pruned record of that type
     */
    public record Pruning(long from, String policy, Map<String, Instant> newest) {

        public Pruning {
            Map<String, Instant> sorted = new TreeMap<>();
            newest.forEach((type, at) -> sorted.put(type, AuditChain.normalize(at)));
            newest = java.util.Collections.unmodifiableMap(sorted);
        }

        /** {@link #newest} as canonical JSON (type → time). */
        public String newestJson() {
            ObjectNode node = CanonicalJson.mapper().createObjectNode();
            newest.forEach((type, at) -> node.put(type, AuditChain.formatTime(at)));
            return CanonicalJson.string(node);
        }

        /** Reads {@link #newestJson} back. */
        public static Map<String, Instant> parseNewest(String json) {
            Map<String, Instant> newest = new TreeMap<>();
            CanonicalJson.read(json)
                    .properties()
                    .forEach(e ->
                            newest.put(e.getKey(), Instant.parse(e.getValue().asString())));
            return newest;
        }
    }

    /** A format-1 checkpoint as stored before format 2. */
    public Checkpoint(long seq, String hash, Instant time, String kind, String keyId, String signature) {
        this(FORMAT_1, seq, hash, time, kind, keyId, signature, null);
    }

    /** The format-1 payload. */
    public static byte[] payloadV1(long seq, String hash, Instant time) {
        return AuditChain.utf8("relops-audit-checkpoint/1\n" + seq + "\n" + hash + "\n" + AuditChain.formatTime(time));
    }

    /** The bytes the signature covers, in this checkpoint's format. */
    public byte[] payload() {
        if (format == FORMAT_1) {
            return payloadV1(seq, hash, time);
        }
        StringBuilder text = new StringBuilder("relops-audit-checkpoint/2\n")
                .append("kind: ")
                .append(kind)
                .append("\nseq: ")
                .append(seq)
                .append("\nhash: ")
                .append(hash)
                .append("\ntime: ")
                .append(AuditChain.formatTime(time))
                .append("\nkey: ")
                .append(keyId)
                .append('\n');
        if (pruning != null) {
            text.append("from: ")
                    .append(pruning.from())
                    .append("\npolicy: ")
                    .append(pruning.policy())
                    .append("\nnewest: ")
                    .append(pruning.newestJson())
                    .append('\n');
        }
        return AuditChain.utf8(text.toString());
    }

    /** Signs a periodic checkpoint (format 2). */
    public static Checkpoint sign(long seq, String hash, Instant time, String kind, PrivateKey key, String keyId) {
        if (!PERIODIC.equals(kind)) {
            throw new IllegalArgumentException(
                    "a " + kind + " checkpoint names what it pruned: sign it with Checkpoint.signRetention");
        }
        return signed(new Checkpoint(FORMAT_2, seq, hash, AuditChain.normalize(time), kind, keyId, "", null), key);
    }

    /** Signs a retention checkpoint (format 2): the records {@code pruning.from()..seq} were pruned at {@code time}. */
    public static Checkpoint signRetention(
            long seq, String hash, Instant time, Pruning pruning, PrivateKey key, String keyId) {
        return signed(
                new Checkpoint(FORMAT_2, seq, hash, AuditChain.normalize(time), RETENTION, keyId, "", pruning), key);
    }

    private static Checkpoint signed(Checkpoint unsigned, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(unsigned.payload());
            return unsigned.withSignature(Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint with Ed25519: " + e.getMessage(), e);
        }
    }

    /** This checkpoint with another signature (what an attacker who lacks the key can do at most). */
    public Checkpoint withSignature(String otherSignature) {
        return new Checkpoint(format, seq, hash, time, kind, keyId, otherSignature, pruning);
    }

    /** Whether the signature is valid for {@code key}. */
    public boolean verify(PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(payload());
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether the signature is valid for the key it names ({@code keyId}) among {@code keys} (key id → key); a
     * format-1 checkpoint, whose key id is not signed, is tried against every key.
     */
    public boolean verify(Map<String, PublicKey> keys) {
        if (format == FORMAT_1) {
            return keys.values().stream().anyMatch(this::verify);
        }
        PublicKey key = keys.get(keyId);
        return key != null && verify(key);
    }

    /** A short description for messages: "the retention checkpoint at seq 12 (2026-…, key …)". */
    public String describe() {
        return "the " + kind + " checkpoint at seq " + seq + " (" + AuditChain.formatTime(time) + ", key " + keyId
                + (format == FORMAT_1 ? ", format 1" : "") + ")";
    }
}
