package io.relops.common.audit;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed statement "the chain's record {@code seq} has hash {@code hash}", made at {@code time}.
 * Since every hash commits to all records before it, a checkpoint vouches for the whole log up to
 * {@code seq}. The signature is Ed25519 over the UTF-8 bytes of
 *
 * <pre>
 * relops-audit-checkpoint/1\n{seq}\n{hash}\n{time}
 * </pre>
 *
 * with {@code time} formatted as in {@link AuditChain#formatTime}; Base64 in the record.
 *
 * @param kind {@code periodic} (every N records or T seconds) or {@code retention} (left by pruning)
 * @param keyId the signing key's fingerprint ({@link Keys#fingerprint})
 */
public record Checkpoint(long seq, String hash, Instant time, String kind, String keyId, String signature) {

    public static final String PERIODIC = "periodic";
    public static final String RETENTION = "retention";

    public static byte[] payload(long seq, String hash, Instant time) {
        return AuditChain.utf8("relops-audit-checkpoint/1\n" + seq + "\n" + hash + "\n" + AuditChain.formatTime(time));
    }

    public static Checkpoint sign(long seq, String hash, Instant time, String kind, PrivateKey key, String keyId) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(payload(seq, hash, time));
            return new Checkpoint(
                    seq,
                    hash,
                    AuditChain.normalize(time),
                    kind,
                    keyId,
                    Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint with Ed25519: " + e.getMessage(), e);
        }
    }

    /** Whether the signature is valid for {@code key}. */
    public boolean verify(PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(payload(seq, hash, time));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
