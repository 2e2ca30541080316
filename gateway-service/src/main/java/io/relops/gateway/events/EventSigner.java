package io.relops.gateway.events;

import io.relops.common.audit.Keys;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.RelopsEvent;
import io.relops.common.security.EventAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * Signs each event the gateway publishes for an authenticated caller that carries the caller's authority
 * ({@link EventAuthority#SIGNED_TYPES}): the event's id, type, subject, actor, the caller's roles and a digest of
 * its data, with the gateway's Ed25519 key ({@link EventSigningSettings}). The consumers that act on such events
 * verify it with the public key and check the roles.
 */
@Component
public class EventSigner {

    private static final Logger log = LoggerFactory.getLogger(EventSigner.class);

    private final KeyPair pair;
    private final String keyId;

    public EventSigner(EventSigningSettings settings) {
        this.pair = load(settings);
        this.keyId = settings.keyId();
        log.info(
                "authority-carrying events are signed with Ed25519 key '{}' (fingerprint {})",
                keyId,
                Keys.fingerprint(pair.getPublic()));
    }

    /** The signature of {@code event} for {@code caller}, with the caller's roles. */
    public EventSignature sign(RelopsEvent<?> event, Authentication caller) {
        return EventAuthority.sign(
                event,
                caller.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .filter(a -> a.startsWith("ROLE_"))
                        .map(a -> a.substring("ROLE_".length()).toLowerCase(Locale.ROOT))
                        .toList(),
                keyId,
                pair.getPrivate());
    }

    private static KeyPair load(EventSigningSettings settings) {
        Path file = settings.keyFile().toAbsolutePath();
        try {
            if (!Files.exists(file)) {
                if (!settings.generateIfMissing()) {
                    throw new IllegalStateException("the event signing key " + file + " does not exist (set"
                            + " relops.gateway.event-signing.key-file, or generate-if-missing for a local setup)");
                }
                KeyPair generated = Keys.generateInto(file);
                log.warn(
                        "generated a new event signing key in {} (local default); consumers need its public key in"
                                + " relops.security.event-signing.public-keys",
                        file);
                return generated;
            }
            return Keys.readPairFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the event signing key " + file, e);
        }
    }
}
