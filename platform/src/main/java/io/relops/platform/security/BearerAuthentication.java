package io.relops.platform.security;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Turns a bearer token into an authentication with relops roles: a configured API token first,
 * else a JWT when an issuer is configured. The one place every filter chain (the API's, the
 * console's session login) resolves a token; as an {@link AuthenticationManager} it accepts a
 * {@link BearerTokenAuthenticationToken}.
 */
public final class BearerAuthentication implements AuthenticationManager {

    private final ApiTokens tokens;
    private final @Nullable JwtAuthenticationProvider jwt;

    public BearerAuthentication(ApiTokens tokens, @Nullable JwtAuthenticationProvider jwt) {
        this.tokens = tokens;
        this.jwt = jwt;
    }

    /** Whether JWTs from an issuer are accepted besides the API tokens. */
    public boolean acceptsJwt() {
        return jwt != null;
    }

    /**
     * The authentication of {@code token}, or empty when it is not valid (unknown, expired, badly
     * signed, from another issuer). Never says why: callers answer 401 either way.
     */
    public Optional<Authentication> resolve(String token) {
        if (token.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(authenticate(new BearerTokenAuthenticationToken(token)));
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            throw new InvalidBearerTokenException("not a bearer token");
        }
        String token = bearer.getToken();
        Optional<? extends Authentication> known = tokens.authenticate(token);
        if (known.isPresent()) {
            return known.get();
        }
        if (jwt != null && token.chars().filter(c -> c == '.').count() == 2) {
            try {
                Authentication result = jwt.authenticate(bearer);
                if (result != null) {
                    return result;
                }
            } catch (AuthenticationException e) {
                // why a JWT is refused is logged by Spring Security at debug; the caller learns nothing
            }
        }
        throw new InvalidBearerTokenException("invalid bearer token");
    }
}
