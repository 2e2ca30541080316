package io.relops.platform.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a validated JWT into an authentication with relops roles: each value of the roles claim (a
 * dotted path, e.g. {@code roles} or {@code realm_access.roles}) grants the relops roles that {@code
 * relops.security.jwt.role-mapping} maps it to, as {@code ROLE_<NAME>} authorities; a value that is
 * not mapped grants nothing (an identity provider's generic {@code admin} is no relops admin unless
 * configured so). The name claim is the user's name.
 */
public final class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String[] rolesPath;
    private final String nameClaim;
    private final Map<String, List<GrantedAuthority>> mapping;

    /** @throws IllegalArgumentException when the mapping names a role relops does not know */
    public JwtRoles(SecurityProperties.Jwt settings) {
        this.rolesPath = settings.rolesClaim().split("\\.");
        this.nameClaim = settings.nameClaim();
        Map<String, List<GrantedAuthority>> mapping = new LinkedHashMap<>();
        settings.roleMapping().forEach((claimValue, roles) -> {
            for (String role : roles) {
                if (!Roles.ALL.contains(role.strip().toUpperCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("relops.security.jwt.role-mapping: '" + claimValue
                            + "' maps to '" + role + "', which is no relops role (one of "
                            + Roles.ALL.stream()
                                    .map(r -> r.toLowerCase(Locale.ROOT))
                                    .toList() + ")");
                }
            }
            mapping.put(claimValue, roles.stream().map(ApiTokens::authority).toList());
        });
        this.mapping = Map.copyOf(mapping);
    }

    /** Whether any claim value grants a role. */
    public boolean grantsAnyRole() {
        return !mapping.isEmpty();
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> authorities = roles(jwt.getClaims()).stream()
                .flatMap(value -> mapping.getOrDefault(value, List.of()).stream())
                .distinct()
                .toList();
        String name = jwt.getClaimAsString(nameClaim);
        return new JwtAuthenticationToken(jwt, authorities, name == null ? jwt.getSubject() : name);
    }

    /** The values of the roles claim, as the token has them (mapped or not). */
    List<String> roles(Map<String, Object> claims) {
        @Nullable Object value = claims;
        for (String step : rolesPath) {
            value = value instanceof Map<?, ?> map ? map.get(step) : null;
        }
        List<String> roles = new ArrayList<>();
        if (value instanceof Collection<?> values) {
            values.forEach(v -> roles.add(String.valueOf(v)));
        } else if (value instanceof String text) {
            for (String role : text.split("[,\\s]+")) {
                if (!role.isBlank()) {
                    roles.add(role);
                }
            }
        }
        return roles;
    }
}
