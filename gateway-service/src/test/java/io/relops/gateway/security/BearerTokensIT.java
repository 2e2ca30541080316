package io.relops.gateway.security;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.sun.net.httpserver.HttpServer;
import io.relops.gateway.GatewayServiceApplication;
import io.relops.testkit.Kafka;
import io.relops.testkit.Postgres;
import io.relops.testkit.TestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The gateway's API chain with both kinds of bearer token on at once (hashed API tokens and JWTs of
 * an issuer whose key the test holds, published as a JWK set over HTTP; roles in Keycloak's {@code
 * realm_access.roles}, mapped to relops roles), and its security headers, HSTS only over TLS.
 */
@SpringBootTest(classes = GatewayServiceApplication.class)
@AutoConfigureMockMvc
class BearerTokensIT {

    static final KeyPair ISSUER = rsa();
    static final String AUDIENCE = "relops";
    static final HttpServer JWKS = jwks();

    @Autowired
    MockMvc mvc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("relops.kafka.bootstrap-servers", Kafka::bootstrapServers);
        // the gateway keeps its idempotency keys in PostgreSQL
        String database = Postgres.freshDatabase("gateway_bearer");
        registry.add("relops.database.url", () -> database);
        registry.add("relops.gateway.deploy-url", () -> "http://127.0.0.1:9");
        registry.add("relops.gateway.audit-url", () -> "http://127.0.0.1:9");
        registry.add("relops.security.jwt.roles-claim", () -> "realm_access.roles");
        registry.add("relops.security.jwt.name-claim", () -> "preferred_username");
        // Spring Boot's own decoder: the keys from the issuer's JWK set, the audience checked
        registry.add(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks");
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> AUDIENCE);
        registry.add("relops.security.jwt.role-mapping.operator", () -> "operator");
        registry.add("relops.security.jwt.role-mapping.auditor", () -> "auditor");
        registry.add("relops.security.jwt.role-mapping.relops-admin", () -> "admin");
        TestCredentials.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The issuer's JWK set (its public key) over HTTP, as an identity provider publishes it. */
    private static HttpServer jwks() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] keys = new JWKSet(new RSAKey.Builder((RSAPublicKey) ISSUER.getPublic()).build())
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, keys.length);
                exchange.getResponseBody().write(keys);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void authorizesAJwtByTheRolesInItsClaim() throws Exception {
        mvc.perform(post("/api/releases")
                        .header("Authorization", "Bearer " + jwt("olivia", List.of("operator"), 300))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/api/releases")
                        .header("Authorization", "Bearer " + jwt("arthur", List.of("auditor"), 300))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isForbidden())
                .andExpect(header().string("Content-Type", startsWith("application/problem+json")))
                .andExpect(jsonPath("$.detail").value("your role may not do this"));
    }

    @Test
    void refusesAJwtIssuedForAnotherAudience() throws Exception {
        mvc.perform(post("/api/releases")
                        .header("Authorization", "Bearer " + jwt("olivia", List.of("operator"), 300, "another-app"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("Content-Type", startsWith("application/problem+json")));
    }

    @Test
    void grantsAGenericAdminClaimNothingButTheMappedOneAdmin() throws Exception {
        // every actuator endpoint but health, info and metrics is the admin's (this one is not exposed: 404)
        mvc.perform(get("/actuator/env").header("Authorization", "Bearer " + jwt("mallory", List.of("admin"), 300)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail").value("your role may not do this"));
        mvc.perform(get("/actuator/env").header("Authorization", "Bearer " + jwt("ada", List.of("relops-admin"), 300)))
                .andExpect(status().isNotFound());
    }

    @Test
    void refusesAnExpiredJwtWithoutSayingWhy() throws Exception {
        mvc.perform(get("/api/releases").header("Authorization", "Bearer " + jwt("olivia", List.of("admin"), -600)))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer"))
                .andExpect(
                        jsonPath("$.detail").value("a valid bearer token is required (Authorization: Bearer <token>)"));
    }

    @Test
    void acceptsTheConfiguredApiTokensBesideJwts() throws Exception {
        mvc.perform(post("/api/releases")
                        .header("Authorization", TestCredentials.bearer("operator"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{}"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void answers503NamingNoAddressWhileTheServiceBehindIsDown() throws Exception {
        // deploy-service is configured at a port where nothing listens
        mvc.perform(get("/api/releases/" + java.util.UUID.randomUUID())
                        .header("Authorization", TestCredentials.bearer("operator")))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(header().string("Content-Type", startsWith("application/problem+json")))
                .andExpect(
                        jsonPath("$.detail")
                                .value(
                                        "a relops service behind the gateway is not reachable right now; try again in a moment"));
    }

    @Test
    void sendsHstsOverTlsOnlyAndTheOtherHeadersAlways() throws Exception {
        mvc.perform(get("/actuator/health").secure(true))
                .andExpect(status().isOk())
                .andExpect(header().string("Strict-Transport-Security", containsString("max-age=31536000")))
                .andExpect(header().string("Strict-Transport-Security", containsString("includeSubDomains")));
        mvc.perform(get("/actuator/health"))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Strict-Transport-Security"))
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().string("Referrer-Policy", "no-referrer"))
                .andExpect(header().string("Content-Security-Policy", startsWith("default-src 'none'")));
    }

    private static String jwt(String user, List<String> roles, long expiresInSeconds) {
        return jwt(user, roles, expiresInSeconds, AUDIENCE);
    }

    private static String jwt(String user, List<String> roles, long expiresInSeconds, String audience) {
        RSAKey key = new RSAKey.Builder((RSAPublicKey) ISSUER.getPublic())
                .privateKey(ISSUER.getPrivate())
                .build();
        Instant expires = Instant.now().plusSeconds(expiresInSeconds);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject("id-" + user)
                .claim("preferred_username", user)
                .claim("realm_access", Map.of("roles", roles))
                .audience(List.of(audience))
                .issuedAt(expires.minusSeconds(900))
                .expiresAt(expires)
                .build();
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)))
                .encode(JwtEncoderParameters.from(
                        JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
