package io.relops.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Who may call which endpoint of one service: every endpoint is a rule (method, path pattern,
 * access), and whatever has no rule is denied. Each service declares its matrix as a bean; the
 * platform adds the actuator rules, applies them to the API filter chain and documents the result
 * in {@code docs/security.md}, whose tables the matrix tests check against the running service.
 *
 * <pre>{@code
 * @Bean
 * AuthorizationMatrix authorizationMatrix() {
 *     return AuthorizationMatrix.builder()
 *             .get("/api/backups", Access.anyOf(OPERATOR, APPROVER, AUDITOR, ADMIN))
 *             .post("/api/backups/{id}/restore", Access.anyOf(ADMIN))
 *             .build();
 * }
 * }</pre>
 */
public final class AuthorizationMatrix {

    /** Who passes a rule. */
    public enum Kind {
        /** anyone, with no token (a bad token is still refused) */
        OPEN,
        /** no bearer token: the endpoint authenticates the request itself (e.g. an HMAC signature) */
        SIGNED,
        /** any valid token; the endpoint checks more in code (e.g. the catalog's approver role) */
        AUTHENTICATED,
        /** a valid token with one of the roles */
        ROLES
    }

    /** The access of a rule. */
    public record Access(Kind kind, Set<String> roles) {

        public static Access open() {
            return new Access(Kind.OPEN, Set.of());
        }

        public static Access signed() {
            return new Access(Kind.SIGNED, Set.of());
        }

        public static Access authenticated() {
            return new Access(Kind.AUTHENTICATED, Set.of());
        }

        /** Roles as in {@link Roles}, e.g. {@code anyOf(OPERATOR, ADMIN)}. */
        public static Access anyOf(String... roles) {
            return new Access(
                    Kind.ROLES,
                    Arrays.stream(roles).map(r -> r.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
        }

        /** Whether a caller with exactly {@code role} passes (a valid token assumed). */
        public boolean admits(String role) {
            return kind != Kind.ROLES || roles.contains(role.toUpperCase(Locale.ROOT));
        }
    }

    /** One endpoint: {@code method} (null: every method) on a Spring path pattern. */
    public record Rule(@Nullable HttpMethod method, String pattern, Access access) {}

    private final List<Rule> rules;

    private AuthorizationMatrix(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** This matrix followed by {@code other}'s rules. */
    public AuthorizationMatrix and(AuthorizationMatrix other) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(other.rules);
        return new AuthorizationMatrix(all);
    }

    /**
     * The methods the matrix has rules for at the request's path, or none when a rule for every method matches
     * it (or none matches): a request with another method is no endpoint of the API (answered 405, with these in
     * {@code Allow}), not a call the caller's role may not make (403).
     */
    public Set<HttpMethod> methodsAt(HttpServletRequest request) {
        Set<HttpMethod> methods = new TreeSet<>(Comparator.comparing(HttpMethod::name));
        for (Rule rule : rules) {
            if (PathPatternRequestMatcher.withDefaults().matcher(rule.pattern()).matches(request)) {
                if (rule.method() == null) {
                    return Set.of();
                }
                methods.add(rule.method());
            }
        }
        return methods;
    }

    /** Applies the rules in order, then denies everything else. */
    public void applyTo(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry registry) {
        for (Rule rule : rules) {
            var matcher = registry.requestMatchers(rule.method(), rule.pattern());
            switch (rule.access().kind()) {
                case OPEN, SIGNED -> matcher.permitAll();
                case AUTHENTICATED -> matcher.authenticated();
                case ROLES -> matcher.hasAnyRole(rule.access().roles().toArray(String[]::new));
                default -> throw new IllegalStateException("unknown access " + rule.access());
            }
        }
        registry.anyRequest().denyAll();
    }

    /** Builds a matrix; rules are applied in the order they are added (put specific ones first). */
    public static final class Builder {

        private final List<Rule> rules = new ArrayList<>();

        public Builder get(String pattern, Access access) {
            return rule(HttpMethod.GET, pattern, access);
        }

        public Builder post(String pattern, Access access) {
            return rule(HttpMethod.POST, pattern, access);
        }

        public Builder put(String pattern, Access access) {
            return rule(HttpMethod.PUT, pattern, access);
        }

        public Builder delete(String pattern, Access access) {
            return rule(HttpMethod.DELETE, pattern, access);
        }

        /** A rule for {@code method}, or for every method when it is null. */
        public Builder rule(@Nullable HttpMethod method, String pattern, Access access) {
            rules.add(new Rule(method, pattern, access));
            return this;
        }

        public AuthorizationMatrix build() {
            return new AuthorizationMatrix(rules);
        }
    }
}
