package io.relops.audit.log;

import io.relops.common.audit.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The Ed25519 key that signs checkpoints, read from its PEM file (generated there for the local default). */
@Component
public class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

    private final KeyPair pair;
    private final String keyId;

    SigningKey(AuditProperties properties) {
        this.pair = load(properties.signing());
        this.keyId = Keys.fingerprint(pair.getPublic());
        log.info("audit checkpoints are signed with Ed25519 key {}", keyId);
    }

    private static KeyPair load(AuditProperties.Signing signing) {
        Path file = signing.keyFile().toAbsolutePath();
        try {
            if (!Files.exists(file)) {
                if (!signing.generateIfMissing()) {
                    throw new IllegalStateException("the audit signing key " + file + " does not exist (set"
                            + " relops.audit.signing.key-file, or generate-if-missing for a local setup)");
                }
                KeyPair generated = Keys.generate();
                Files.createDirectories(file.getParent());
                Path partial = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(
                        partial, Keys.privatePem(generated.getPrivate()) + Keys.publicPem(generated.getPublic()));
                try {
                    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                log.warn("generated a new audit signing key in {} (local default)", file);
                return generated;
            }
            String pem = Files.readString(file);
            return Keys.readPair(pem, pem);
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
