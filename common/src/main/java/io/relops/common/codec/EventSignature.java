package io.relops.common.codec;

import java.util.List;
import java.util.Objects;

/**
 * The gateway's detached Ed25519 signature over an event that carries an operator's authority, as it travels
 * in three CloudEvents extension attributes: {@code relopssig} (the signature, Base64), {@code relopssigkey}
 * (the signing key's id) and {@code relopsroles} (the caller's roles, lower case, comma-separated). What is
 * signed is {@link io.relops.common.security.EventAuthority#signedBytes}.
 *
 * @param keyId the id consumers know the gateway's public key by ({@code relops.security.event-signing.public-keys})
 * @param roles the authenticated caller's roles, lower case, sorted
 * @param signature the Ed25519 signature, Base64
 */
public record EventSignature(String keyId, List<String> roles, String signature) {

    public static final String SIGNATURE_EXTENSION = "relopssig";
    public static final String KEY_EXTENSION = "relopssigkey";
    public static final String ROLES_EXTENSION = "relopsroles";

    public EventSignature {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
        roles = roles.stream().sorted().distinct().toList();
    }

    /** The roles as the {@code relopsroles} attribute carries them. */
    public String rolesAttribute() {
        return String.join(",", roles);
    }

    /** The roles of a {@code relopsroles} attribute. */
    public static List<String> parseRoles(String attribute) {
        return attribute.isBlank()
                ? List.of()
                : java.util.Arrays.stream(attribute.split(","))
                        .map(String::trim)
                        .toList();
    }
}
