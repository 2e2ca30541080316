package io.relops.gateway.console;

import io.relops.platform.security.BearerAuthentication;
import java.util.List;
import java.util.Locale;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;

/**
 * Signs a console user in with a pasted API token or JWT, resolved by the same machinery as the API
 * ({@link BearerAuthentication}: hashed API tokens, and JWTs when an issuer is configured).
 */
final class TokenSignIn implements AuthenticationProvider {

    private final BearerAuthentication tokens;

    TokenSignIn(BearerAuthentication tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication form) throws AuthenticationException {
        String token = String.valueOf(form.getCredentials()).strip();
        if (token.isEmpty()) {
            throw new BadCredentialsException("paste an API token");
        }
        Authentication resolved =
                tokens.resolve(token).orElseThrow(() -> new BadCredentialsException("unknown or expired token"));
        List<String> roles = resolved.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a != null && a.startsWith("ROLE_"))
                .map(a -> a.substring("ROLE_".length()).toLowerCase(Locale.ROOT))
                .toList();
        return new ConsoleUser(resolved.getName(), roles, token);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
