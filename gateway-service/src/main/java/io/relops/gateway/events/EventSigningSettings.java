package io.relops.gateway.events;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.gateway.event-signing}: the Ed25519 key the gateway signs authority-carrying events with
 * (docs/security.md, Signed authority).
 *
 * @param keyFile PEM file with the PRIVATE KEY and its PUBLIC KEY
 * @param keyId the id consumers know the public key by ({@code relops.security.event-signing.public-keys.<id>})
 * @param generateIfMissing generate the key pair in {@code keyFile} on the first start (local default only)
 */
@ConfigurationProperties("relops.gateway.event-signing")
public record EventSigningSettings(
        Path keyFile,
        @DefaultValue("gateway") String keyId,
        @DefaultValue("false") boolean generateIfMissing) {}
