package io.relops.audit.log;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.audit.*}.
 *
 * @param checkpoint when signed checkpoints are written
 * @param signing where the Ed25519 signing key comes from
 */
@ConfigurationProperties("relops.audit")
public record AuditProperties(
        @DefaultValue Checkpoints checkpoint, @DefaultValue Signing signing) {

    /**
     * @param everyRecords a checkpoint at least every this many records
     * @param interval and at least this often while records arrive
     */
    public record Checkpoints(
            @DefaultValue("1000") int everyRecords,
            @DefaultValue("10s") Duration interval) {}

    /**
     * @param keyFile a PEM file with the Ed25519 {@code PRIVATE KEY} (PKCS#8) and its {@code PUBLIC KEY}
     * @param generateIfMissing create the key file when it does not exist (the local default; production
     *     mounts the key as a secret and sets this to false)
     */
    public record Signing(
            @DefaultValue("audit-signing-key.pem") Path keyFile,
            @DefaultValue("false") boolean generateIfMissing) {}
}
