package io.relops.platform.events;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.security.event-signing}: the gateway's public keys that a consumer accepts on events that carry an
 * operator's authority ({@link io.relops.common.security.EventAuthority}).
 *
 * @param publicKeys key id → Base64 X.509 (SubjectPublicKeyInfo) Ed25519 public key; several during a rotation.
 *     Blank values are ignored, so that an unset environment variable configures no key.
 */
@ConfigurationProperties("relops.security.event-signing")
public record EventSigningProperties(@DefaultValue Map<String, String> publicKeys) {}
