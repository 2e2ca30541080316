package io.relops.audit.log;

import io.relops.common.audit.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The Ed25519 key that signs checkpoints, read from its PEM file (generated there for the local default). */
@Component
public class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

    private volatile KeyPair pair;
    private volatile String keyId;
    private volatile Map<String, PublicKey> verificationKeys;

    SigningKey(AuditProperties properties) {
        this.pair = load(properties.signing());
        this.keyId = Keys.fingerprint(pair.getPublic());
        this.verificationKeys =
                verificationKeys(keyId, pair.getPublic(), properties.signing().publicKeys());
        log.info(
                "audit checkpoints are signed with Ed25519 key {}; verified with keys {}",
                keyId,
                verificationKeys.keySet());
    }

    /**
     * The current key and {@code relops.audit.signing.public-keys}, by key id.
     *
     * @throws IllegalStateException naming the entry whose PEM is no Ed25519 public key or whose key id is not the
     *     key's fingerprint
     */
    static Map<String, PublicKey> verificationKeys(
            String currentId, PublicKey current, Map<String, String> configured) {
        Map<String, PublicKey> keys = new TreeMap<>();
        configured.forEach((id, pem) -> {
            PublicKey key;
            try {
                key = Keys.readPublic(pem);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "relops.audit.signing.public-keys." + id + " is not an Ed25519 public key (PEM): "
                                + e.getMessage(),
                        e);
            }
            String fingerprint = Keys.fingerprint(key);
            if (!fingerprint.equals(id)) {
                throw new IllegalStateException("relops.audit.signing.public-keys." + id + " holds the key "
                        + fingerprint + ": name each key by its id (relops audit public-key shows it)");
            }
            keys.put(id, key);
        });
        keys.put(currentId, current);
        return Collections.unmodifiableMap(keys);
    }

    /**
     * Signs with {@code next} from now on; the keys that verified until now still verify (what a restart with a
     * new key file and the old public key in {@code relops.audit.signing.public-keys} does; tests rotate with it).
     */
    synchronized void rotateTo(KeyPair next) {
        Map<String, PublicKey> keys = new TreeMap<>(verificationKeys);
        String nextId = Keys.fingerprint(next.getPublic());
        keys.put(nextId, next.getPublic());
        this.verificationKeys = Collections.unmodifiableMap(keys);
        this.pair = next;
        this.keyId = nextId;
        log.info("audit checkpoints are signed with Ed25519 key {} from now on", nextId);
    }

    /** Every key that verifies checkpoints (key id → key): the current one and the configured older ones. */
    public Map<String, PublicKey> verificationKeys() {
        return verificationKeys;
    }

    private static KeyPair load(AuditProperties.Signing signing) {
        Path file = signing.keyFile().toAbsolutePath();
        try {
            if (!Files.exists(file)) {
                if (!signing.generateIfMissing()) {
                    throw new IllegalStateException("the audit signing key " + file + " does not exist (set"
                            + " relops.audit.signing.key-file, or generate-if-missing for a local setup)");
                }
                KeyPair generated = Keys.generateInto(file);
                log.warn("generated a new audit signing key in {} (local default)", file);
                return generated;
            }
            return Keys.readPairFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit signing key " + file, e);
        }
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    public String keyId() {
        return keyId;
    }

    public String publicPem() {
        return Keys.publicPem(pair.getPublic());
    }
}
