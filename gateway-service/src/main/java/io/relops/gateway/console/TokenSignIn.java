package io.relops.gateway.console;

import java.util.List;
import java.util.Locale;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Signs a console user in with a pasted API token, resolved by the same token machinery as the API
 * (the gateway's {@link OpaqueTokenIntrospector}). This is the one place to re-point when the API's
 * token resolution changes.
 */
final class TokenSignIn implements AuthenticationProvider {

    private final OpaqueTokenIntrospector tokens;

    TokenSignIn(OpaqueTokenIntrospector tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication form) throws AuthenticationException {
        String token = String.valueOf(form.getCredentials()).strip();
        if (token.isEmpty()) {
            throw new BadCredentialsException("paste an API token");
        }
        try {
            var principal = tokens.introspect(token);
            List<String> roles = principal.getAuthorities().stream()
                    .map(GrantedAuthority::getAuthority)
                    .filter(a -> a != null && a.startsWith("ROLE_"))
                    .map(a -> a.substring("ROLE_".length()).toLowerCase(Locale.ROOT))
                    .toList();
            return new ConsoleUser(principal.getName(), roles, token);
        } catch (OAuth2IntrospectionException | OAuth2AuthenticationException e) {
            throw new BadCredentialsException("unknown or expired token");
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
