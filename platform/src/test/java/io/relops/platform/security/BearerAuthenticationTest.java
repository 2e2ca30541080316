package io.relops.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

class BearerAuthenticationTest {

    private static final String OPERATOR_TOKEN = "operator-0d8e3f6c5b2a4e9f8c7d6b5a4f3e2d1c0b9a8f7e";

    private final KeyPair issuerKeys = rsa();
    private final KeyPair otherKeys = rsa();

    @Test
    void knowsAConfiguredTokenByItsHashAndNamesTheCallerAfterIt() {
        BearerAuthentication bearer = new BearerAuthentication(tokens(), null);

        Authentication alice = bearer.resolve(OPERATOR_TOKEN).orElseThrow();

        assertThat(alice.getName()).isEqualTo("alice");
        assertThat(roles(alice)).containsExactly("ROLE_OPERATOR");
        assertThat(bearer.resolve(OPERATOR_TOKEN + "x")).isEmpty();
        assertThat(bearer.resolve("")).isEmpty();
    }

    @Test
    void hashesAsSha256Hex() {
        // FIPS 180-2 test vector
        assertThat(ApiTokens.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void ignoresABlankHashAndRefusesAMalformedOneAtStartUp() {
        assertThat(new ApiTokens(List.of(new SecurityProperties.ApiToken("nobody", List.of("admin"), " "))).size())
                .isZero();
        assertThatThrownBy(() ->
                        new ApiTokens(List.of(new SecurityProperties.ApiToken("alice", List.of("admin"), "abc123"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alice")
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> new ApiTokens(
                        List.of(new SecurityProperties.ApiToken("bob", List.of(), ApiTokens.sha256Hex("x")))))
                .hasMessageContaining("no role");
    }

    @Test
    void readsRolesFromANestedJwtClaimBesideTheApiTokens() {
        BearerAuthentication bearer =
                new BearerAuthentication(tokens(), jwt("realm_access.roles", "preferred_username"));

        Authentication carol = bearer.resolve(token(
                        issuerKeys,
                        Map.of(
                                "preferred_username",
                                "carol",
                                "realm_access",
                                Map.of("roles", List.of("approver", "offline_access"))),
                        Instant.now().plusSeconds(300)))
                .orElseThrow();

        assertThat(carol.getName()).isEqualTo("carol");
        assertThat(roles(carol)).contains("ROLE_APPROVER").doesNotContain("ROLE_ADMIN");
        assertThat(bearer.resolve(OPERATOR_TOKEN)).isPresent();
    }

    @Test
    void refusesAnExpiredJwtAndOneSignedByAnotherKey() {
        BearerAuthentication bearer = new BearerAuthentication(tokens(), jwt("roles", "sub"));
        Map<String, Object> claims = Map.of("roles", List.of("admin"));

        assertThat(bearer.resolve(token(issuerKeys, claims, Instant.now().plusSeconds(300))))
                .isPresent();
        assertThat(bearer.resolve(token(issuerKeys, claims, Instant.now().minusSeconds(600))))
                .isEmpty();
        assertThat(bearer.resolve(token(otherKeys, claims, Instant.now().plusSeconds(300))))
                .isEmpty();
    }

    @Test
    void takesRolesFromASpaceOrCommaSeparatedClaimToo() {
        JwtRoles roles = new JwtRoles(new SecurityProperties.Jwt("scope", "sub", Map.of()));
        assertThat(roles.roles(Map.of("scope", "operator auditor,admin")))
                .containsExactly("operator", "auditor", "admin");
        assertThat(roles.roles(Map.of("other", "x"))).isEmpty();
    }

    private static ApiTokens tokens() {
        return new ApiTokens(List.of(new SecurityProperties.ApiToken(
                "alice",
                List.of("operator"),
                ApiTokens.sha256Hex(OPERATOR_TOKEN).toUpperCase())));
    }

    @Test
    void grantsOnlyTheRolesTheMappingNamesAndIgnoresOtherClaimValues() {
        JwtRoles roles = new JwtRoles(new SecurityProperties.Jwt(
                "roles",
                "sub",
                Map.of("relops-admin", List.of("admin"), "relops-ops", List.of("operator", "approver"))));
        BearerAuthentication bearer = new BearerAuthentication(tokens(), provider(roles));

        Authentication generic = bearer.resolve(token(
                        issuerKeys,
                        Map.of("roles", List.of("admin", "operator", "superuser")),
                        Instant.now().plusSeconds(300)))
                .orElseThrow();
        Authentication mapped = bearer.resolve(token(
                        issuerKeys,
                        Map.of("roles", List.of("relops-admin", "relops-ops", "unknown")),
                        Instant.now().plusSeconds(300)))
                .orElseThrow();

        assertThat(roles(generic)).isEmpty();
        assertThat(roles(mapped)).containsExactlyInAnyOrder("ROLE_ADMIN", "ROLE_OPERATOR", "ROLE_APPROVER");
    }

    @Test
    void refusesAMappingToARoleRelopsDoesNotKnow() {
        assertThatThrownBy(() -> new JwtRoles(
                        new SecurityProperties.Jwt("roles", "sub", Map.of("relops-root", List.of("root")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relops.security.jwt.role-mapping")
                .hasMessageContaining("root");
    }

    @Test
    void requiresAnAudienceWhenAnIssuerIsConfigured() {
        String jwt = "spring.security.oauth2.resourceserver.jwt.";
        assertThatThrownBy(() -> RelopsSecurityAutoConfiguration.requireAudienceWithIssuer(
                        new MockEnvironment().withProperty(jwt + "issuer-uri", "https://idp.example/realms/x")))
                .isInstanceOf(UnsafeSetting.class)
                .hasMessageContaining(jwt + "audiences");
        assertThatThrownBy(() -> RelopsSecurityAutoConfiguration.requireAudienceWithIssuer(
                        new MockEnvironment().withProperty(jwt + "jwk-set-uri", "https://idp.example/jwks")))
                .isInstanceOf(UnsafeSetting.class);
        RelopsSecurityAutoConfiguration.requireAudienceWithIssuer(new MockEnvironment()
                .withProperty(jwt + "issuer-uri", "https://idp.example/realms/x")
                .withProperty(jwt + "audiences", "relops"));
        RelopsSecurityAutoConfiguration.requireAudienceWithIssuer(new MockEnvironment());
    }

    private JwtAuthenticationProvider provider(JwtRoles roles) {
        JwtAuthenticationProvider provider =
                new JwtAuthenticationProvider(NimbusJwtDecoder.withPublicKey((RSAPublicKey) issuerKeys.getPublic())
                        .build());
        provider.setJwtAuthenticationConverter(roles);
        return provider;
    }

    private JwtAuthenticationProvider jwt(String rolesClaim, String nameClaim) {
        JwtAuthenticationProvider provider =
                new JwtAuthenticationProvider(NimbusJwtDecoder.withPublicKey((RSAPublicKey) issuerKeys.getPublic())
                        .build());
        // the roles these tests use, each mapped to itself
        provider.setJwtAuthenticationConverter(new JwtRoles(new SecurityProperties.Jwt(
                rolesClaim, nameClaim, Map.of("approver", List.of("approver"), "admin", List.of("admin")))));
        return provider;
    }

    private static String token(KeyPair keys, Map<String, Object> claims, Instant expiresAt) {
        RSAKey jwk = new RSAKey.Builder((RSAPublicKey) keys.getPublic())
                .privateKey(keys.getPrivate())
                .build();
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(jwk)));
        JwtClaimsSet.Builder set = JwtClaimsSet.builder()
                .subject("user-1")
                .issuedAt(expiresAt.minusSeconds(900))
                .expiresAt(expiresAt);
        claims.forEach(set::claim);
        return encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(SignatureAlgorithm.RS256).build(), set.build()))
                .getTokenValue();
    }

    private static List<String> roles(Authentication authentication) {
        return authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .toList();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
