package io.relops.local;

import io.relops.common.audit.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;

/**
 * The local suite's event signing key (docs/security.md, Signed authority): the gateway signs approvals,
 * rollbacks and restores with it, deploy-service and backup-service verify with its public key. Generated once in
 * the data directory, as PEM with PRIVATE KEY and PUBLIC KEY (the gateway's {@code key-file} format).
 */
final class EventSigningKey {

    static final String FILE_NAME = "event-signing-key.pem";

    private EventSigningKey() {}

    /** The key pair in {@code file}, generated there first if it is missing. */
    static KeyPair ensure(Path file) {
        try {
            return Files.exists(file) ? Keys.readPairFile(file) : Keys.generateInto(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the event signing key " + file, e);
        }
    }

    /** The public key as consumers are configured with it: Base64 X.509. */
    static String publicKeyBase64(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }
}
