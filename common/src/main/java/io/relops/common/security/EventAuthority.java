package io.relops.common.security;

import io.relops.common.audit.AuditChain;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.codec.EventJson;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.EventData;
import io.relops.common.event.EventType;
import io.relops.common.event.ReleaseAbortRequested;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleasePromotionRequested;
import io.relops.common.event.ReleaseRejected;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreRequested;
import io.relops.common.event.RollbackRequested;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events that carry an operator's authority, and the gateway's signature over them (docs/security.md, Signed
 * authority). Such an event makes a consumer act in a person's name: approve, reject, promote, abort or roll back
 * a release, restore a backup. Only the gateway, which authenticated the person, may vouch for one: it signs
 * {@link #signedBytes} with its Ed25519 key, and the consumer that acts on the event verifies the signature with
 * the gateway's public key and checks that the signed roles allow the action.
 */
public final class EventAuthority {

    /** The types a consumer acts on only with the gateway's signature. */
    public static final Set<EventType> SIGNED_TYPES = Set.of(
            EventType.RELEASE_APPROVED,
            EventType.RELEASE_REJECTED,
            EventType.RELEASE_PROMOTION_REQUESTED,
            EventType.RELEASE_ABORT_REQUESTED,
            EventType.ROLLBACK_REQUESTED,
            EventType.RESTORE_REQUESTED);

    private EventAuthority() {}

    /** Whether a consumer acts on events of {@code type} only with the gateway's signature. */
    public static boolean requiresSignature(EventType type) {
        return SIGNED_TYPES.contains(type);
    }

    /** The person an authority-carrying event names as its actor; none for other events. */
    public static @Nullable String actor(EventData data) {
        if (data instanceof ReleaseApproved approved) {
            return approved.approvedBy();
        } else if (data instanceof ReleaseRejected rejected) {
            return rejected.rejectedBy();
        } else if (data instanceof ReleasePromotionRequested promotion) {
            return promotion.requestedBy();
        } else if (data instanceof ReleaseAbortRequested abort) {
            return abort.requestedBy();
        } else if (data instanceof RollbackRequested rollback) {
            return rollback.requestedBy();
        } else if (data instanceof RestoreRequested restore) {
            return restore.requestedBy();
        }
        return null;
    }

    /**
     * The bytes the signature covers: the canonical JSON ({@link CanonicalJson}) of an object with the event's
     * {@code id}, {@code type}, {@code subject}, {@code actor}, the caller's {@code roles} (lower case, sorted) and
     * {@code data}, the hex SHA-256 of the data's canonical JSON. A change to any of them breaks the signature.
     */
    public static byte[] signedBytes(RelopsEvent<?> event, Collection<String> roles) {
        ObjectNode signed = CanonicalJson.mapper().createObjectNode();
        signed.put("id", event.id());
        signed.put("type", event.type().typeName());
        signed.put("subject", event.subject());
        String actor = actor(event.data());
        if (actor == null) {
            signed.putNull("actor");
        } else {
            signed.put("actor", actor);
        }
        ArrayNode roleArray = signed.putArray("roles");
        normalize(roles).forEach(roleArray::add);
        byte[] data = CanonicalJson.bytes(CanonicalJson.read(EventJson.mapper().writeValueAsString(event.data())));
        signed.put("data", AuditChain.sha256Hex(data));
        return CanonicalJson.bytes(signed);
    }

    /** The gateway's signature over {@code event} for a caller with {@code roles}. */
    public static EventSignature sign(RelopsEvent<?> event, Collection<String> roles, String keyId, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(signedBytes(event, roles));
            return new EventSignature(
                    keyId, normalize(roles), Base64.getEncoder().encodeToString(signer.sign()));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot sign with Ed25519", e);
        }
    }

    /** Whether {@code signature} is a valid signature of {@code event} under {@code key}. */
    public static boolean verifies(RelopsEvent<?> event, EventSignature signature, PublicKey key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature.signature());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signedBytes(event, signature.roles()));
            return verifier.verify(bytes);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        } catch (SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot verify Ed25519", e);
        }
    }

    private static java.util.List<String> normalize(Collection<String> roles) {
        return roles.stream()
                .map(r -> r.toLowerCase(Locale.ROOT))
                .sorted()
                .distinct()
                .toList();
    }
}
