package io.relops.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;

/**
 * The configured API tokens. Only their SHA-256 hashes are known (from configuration); a presented
 * token is hashed and compared with each in constant time ({@link MessageDigest#isEqual}). The tokens
 * are high-entropy random strings, so a fast unsalted hash is the right tool (as for GitHub's or
 * Stripe's API keys); a password hash would only slow every request down.
 */
public final class ApiTokens {

    private record Known(byte[] hash, String name, List<GrantedAuthority> authorities) {}

    private final List<Known> known;

    public ApiTokens(List<SecurityProperties.ApiToken> tokens) {
        this.known = tokens.stream()
                .filter(t -> t.sha256() != null && !t.sha256().isBlank())
                .map(ApiTokens::known)
                .toList();
    }

    private static Known known(SecurityProperties.ApiToken token) {
        String hex = token.sha256().strip();
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("relops.security.tokens: the sha256 of token '" + token.name()
                    + "' is not 64 hex digits (print one with: ./relops token hash)");
        }
        if (token.roles() == null || token.roles().isEmpty()) {
            throw new IllegalArgumentException("relops.security.tokens: token '" + token.name() + "' has no role");
        }
        return new Known(
                HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)),
                token.name(),
                token.roles().stream().map(ApiTokens::authority).toList());
    }

    /** {@code ROLE_OPERATOR} for {@code operator}. */
    public static GrantedAuthority authority(String role) {
        String name = role.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        return new SimpleGrantedAuthority(name.startsWith("ROLE_") ? name : "ROLE_" + name);
    }

    /** The lower-case hex SHA-256 of the UTF-8 bytes of {@code token}: what configuration holds. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    public int size() {
        return known.size();
    }

    /** The authentication of a known token, named after the token's configured name. */
    public Optional<BearerTokenAuthentication> authenticate(String token) {
        byte[] hash = sha256(token);
        Known match = null;
        for (Known candidate : known) {
            // every candidate is compared, so the time does not tell which one matched
            if (MessageDigest.isEqual(candidate.hash(), hash)) {
                match = candidate;
            }
        }
        if (match == null) {
            return Optional.empty();
        }
        var principal = new DefaultOAuth2AuthenticatedPrincipal(
                match.name(), Map.of("sub", match.name(), "token_type", "api-token"), match.authorities());
        var credentials = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token, null, null);
        return Optional.of(new BearerTokenAuthentication(principal, credentials, match.authorities()));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
