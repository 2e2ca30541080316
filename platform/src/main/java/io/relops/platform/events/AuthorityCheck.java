package io.relops.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.codec.EventSignature;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.RelopsEvent;
import io.relops.common.security.EventAuthority;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the authority of an event before a consumer acts on it ({@link EventAuthority}): signed by the gateway
 * with a configured public key ({@link EventSigningProperties}), and by a caller holding one of the roles the
 * action needs. Anything else is refused as an {@link InvalidEventException} naming the reason, which the binder
 * never retries: the record goes to the consumer group's dead-letter topic with the reason in {@code
 * x-exception-message}, and is counted ({@code relops.events.refused}, by type and reason).
 */
public class AuthorityCheck {

    private static final Logger log = LoggerFactory.getLogger(AuthorityCheck.class);

    private final Map<String, PublicKey> keys;
    private final MeterRegistry meters;

    public AuthorityCheck(EventSigningProperties properties, MeterRegistry meters) {
        this.keys = keys(properties.publicKeys());
        this.meters = meters;
    }

    /**
     * Refuses {@code event} unless its type needs no authority, or the gateway signed it with a configured key
     * for a caller holding one of {@code anyOfRoles} (any case).
     *
     * @throws InvalidEventException naming the reason when the event is refused
     */
    public void require(RelopsEvent<?> event, @Nullable EventSignature signature, Collection<String> anyOfRoles) {
        if (!EventAuthority.requiresSignature(event.type())) {
            return;
        }
        if (signature == null) {
            throw refuse(
                    event,
                    "unsigned",
                    "it is not signed by the gateway (an event that carries an operator's"
                            + " authority is acted on only with the gateway's signature)");
        }
        PublicKey key = keys.get(signature.keyId());
        if (key == null) {
            throw refuse(
                    event,
                    "unknown-key",
                    "it is signed with key '" + signature.keyId()
                            + "', which is not in relops.security.event-signing.public-keys (known: " + keys.keySet()
                            + ")");
        }
        if (!EventAuthority.verifies(event, signature, key)) {
            throw refuse(
                    event,
                    "bad-signature",
                    "its signature does not verify with key '" + signature.keyId()
                            + "' (forged, or changed after signing)");
        }
        Set<String> needed = new TreeSet<>();
        anyOfRoles.forEach(role -> needed.add(role.toLowerCase(Locale.ROOT)));
        if (signature.roles().stream().noneMatch(needed::contains)) {
            throw refuse(
                    event,
                    "role",
                    "its signer '" + EventAuthority.actor(event.data()) + "' has the roles "
                            + signature.roles() + "; " + event.type().typeName() + " of " + event.subject()
                            + " needs one of " + needed);
        }
    }

    private InvalidEventException refuse(RelopsEvent<?> event, String reason, String detail) {
        meters.counter("relops.events.refused", "type", event.type().typeName(), "reason", reason)
                .increment();
        String message = "refused " + event.type().typeName() + " " + event.id() + ": " + detail;
        log.warn("{}; to the dead-letter topic", message);
        return new InvalidEventException(message);
    }

    private static Map<String, PublicKey> keys(Map<String, String> configured) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        configured.forEach((id, base64) -> {
            if (base64 == null || base64.isBlank()) {
                return;
            }
            try {
                byte[] der = Base64.getDecoder().decode(base64.trim());
                keys.put(id, KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                throw new IllegalStateException(
                        "relops.security.event-signing.public-keys." + id
                                + " is not a Base64 X.509 Ed25519 public key: " + e.getMessage(),
                        e);
            }
        });
        return Map.copyOf(keys);
    }
}
