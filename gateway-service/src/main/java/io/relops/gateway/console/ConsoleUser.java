package io.relops.gateway.console;

import io.relops.gateway.security.BearerCredential;
import java.io.Serial;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A console user signed in with an API token: the principal and roles the token resolves to. The
 * token stays in the server session (never in the page or a readable cookie) so that backend calls
 * can carry it as the user's bearer credential.
 */
final class ConsoleUser extends AbstractAuthenticationToken implements BearerCredential {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String token;
    private final Set<String> roles;

    ConsoleUser(String name, Collection<String> roles, String token) {
        super(authorities(roles));
        this.name = name;
        this.token = token;
        this.roles = roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(Collection<String> roles) {
        return roles.stream()
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r.toUpperCase(Locale.ROOT)))
                .toList();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getPrincipal() {
        return name;
    }

    /** Not exposed as credentials (they would be erased after sign-in); see {@link #token()}. */
    @Override
    public Object getCredentials() {
        return "";
    }

    String token() {
        return token;
    }

    @Override
    public String bearerToken() {
        return token;
    }

    Set<String> roles() {
        return roles;
    }

    boolean hasRole(String role) {
        return roles.contains("admin") || roles.contains(role.toLowerCase(Locale.ROOT));
    }

    boolean isOperator() {
        return hasRole("operator");
    }

    boolean isAuditor() {
        return hasRole("auditor");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConsoleUser user && super.equals(user) && token.equals(user.token);
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + token.hashCode();
    }
}
