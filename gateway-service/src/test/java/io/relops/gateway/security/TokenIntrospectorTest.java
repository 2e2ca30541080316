package io.relops.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.gateway.GatewayProperties;
import io.relops.gateway.GatewayProperties.ApiToken;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;

class TokenIntrospectorTest {

    private final TokenIntrospector introspector = new TokenIntrospector(new GatewayProperties(
            URI.create("http://deploy"),
            URI.create("http://audit"),
            List.of(
                    new ApiToken("alice", "Operator", "op-secret"),
                    new ApiToken("bob", "approver", "ap-secret"),
                    new ApiToken("nobody", "admin", "  "),
                    new ApiToken("none", "auditor", null)),
            URI.create("http://backup"),
            URI.create("http://alert")));

    @Test
    void resolvesAKnownTokenToItsNameAndRole() {
        var principal = introspector.introspect("op-secret");

        assertThat(principal.getName()).isEqualTo("alice");
        assertThat(principal.getAuthorities())
                .extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_OPERATOR");
    }

    @Test
    void refusesAnUnknownToken() {
        assertThatThrownBy(() -> introspector.introspect("op-secreT")).isInstanceOf(BadOpaqueTokenException.class);
    }

    @Test
    void blankTokensGrantNothing() {
        assertThat(introspector.size()).isEqualTo(2);
        assertThatThrownBy(() -> introspector.introspect("  ")).isInstanceOf(BadOpaqueTokenException.class);
        assertThatThrownBy(() -> introspector.introspect("")).isInstanceOf(BadOpaqueTokenException.class);
    }
}
