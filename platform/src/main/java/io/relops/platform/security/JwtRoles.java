package io.relops.platform.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a validated JWT into an authentication with relops roles: the roles claim (a dotted path,
 * e.g. {@code roles} or {@code realm_access.roles}) becomes {@code ROLE_<NAME>} authorities, the
 * name claim the user's name. Roles relops does not know are kept but grant nothing.
 */
public final class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String[] rolesPath;
    private final String nameClaim;

    public JwtRoles(SecurityProperties.Jwt settings) {
        this.rolesPath = settings.rolesClaim().split("\\.");
        this.nameClaim = settings.nameClaim();
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> authorities =
                roles(jwt.getClaims()).stream().map(ApiTokens::authority).toList();
        String name = jwt.getClaimAsString(nameClaim);
        return new JwtAuthenticationToken(jwt, authorities, name == null ? jwt.getSubject() : name);
    }

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
