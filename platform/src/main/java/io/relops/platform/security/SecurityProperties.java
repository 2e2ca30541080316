package io.relops.platform.security;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.security}: the configured API tokens and how roles are read from a JWT. The JWT
 * issuer itself is Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or
 * {@code jwk-set-uri}; when neither is set, only API tokens are accepted.
 *
 * @param tokens API tokens, each stored as the SHA-256 (hex) of the token, never the token itself
 * @param jwt where roles and the user's name are in a JWT
 */
@ConfigurationProperties("relops.security")
public record SecurityProperties(
        @Nullable List<ApiToken> tokens, @DefaultValue Jwt jwt) {

    public SecurityProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    @Override
    public List<ApiToken> tokens() {
        return tokens == null ? List.of() : tokens;
    }

    /**
     * One API token. A blank {@code sha256} is no token (the local default when a role's hash is not
     * in the environment).
     *
     * @param name who uses it: the actor recorded in events and the audit log
     * @param roles its roles ({@code operator}, {@code approver}, {@code auditor}, {@code admin},
     *     {@code metrics}, {@code timeline}), any case
     * @param sha256 the lower- or upper-case hex SHA-256 of the UTF-8 token
     */
    public record ApiToken(
            String name, List<String> roles, @Nullable String sha256) {}

    /**
     * @param rolesClaim the claim holding the roles, a dotted path into nested objects (e.g. {@code
     *     realm_access.roles} for Keycloak); a list of strings or one space- or comma-separated string
     * @param nameClaim the claim naming the user (the actor); {@code sub} when absent
     * @param roleMapping which relops roles each value of the roles claim grants, e.g. {@code relops-admin: admin}
     *     (several: {@code relops-ops: operator,approver}); a claim value that is not a key grants nothing, so a
     *     generic {@code admin} of another application is no relops admin unless mapped ({@code admin: admin}).
     *     Keys are compared exactly; a key with characters other than letters, digits, {@code -} goes in
     *     brackets in YAML ({@code "[/relops/admins]": admin}).
     */
    public record Jwt(
            @DefaultValue("roles") String rolesClaim,
            @DefaultValue("sub") String nameClaim,
            @Nullable Map<String, List<String>> roleMapping) {

        public Jwt {
            roleMapping = roleMapping == null ? Map.of() : Map.copyOf(roleMapping);
        }

        @Override
        public Map<String, List<String>> roleMapping() {
            return roleMapping == null ? Map.of() : roleMapping;
        }
    }
}
