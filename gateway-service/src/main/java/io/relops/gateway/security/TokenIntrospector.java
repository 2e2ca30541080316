package io.relops.gateway.security;

import io.relops.gateway.GatewayProperties;
import io.relops.gateway.GatewayProperties.ApiToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Resolves the configured API tokens of the local default. Only SHA-256 hashes of the tokens are
 * kept in memory, compared in constant time.
 */
class TokenIntrospector implements OpaqueTokenIntrospector {

    private record Known(byte[] hash, String name, String role) {}

    private final List<Known> known;

    TokenIntrospector(GatewayProperties properties) {
        List<ApiToken> tokens = properties.tokens() == null ? List.of() : properties.tokens();
        this.known = tokens.stream()
                .filter(t -> t.token() != null && !t.token().isBlank())
                .map(t -> new Known(sha256(t.token()), t.name(), t.role().toLowerCase(Locale.ROOT)))
                .toList();
    }

    int size() {
        return known.size();
    }

    @Override
    public OAuth2AuthenticatedPrincipal introspect(String token) {
        byte[] hash = sha256(token);
        for (Known candidate : known) {
            if (MessageDigest.isEqual(candidate.hash(), hash)) {
                return new DefaultOAuth2AuthenticatedPrincipal(
                        candidate.name(),
                        Map.of("sub", candidate.name(), "role", candidate.role()),
                        List.of(new SimpleGrantedAuthority(
                                "ROLE_" + candidate.role().toUpperCase(Locale.ROOT))));
            }
        }
        throw new BadOpaqueTokenException("unknown token");
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
