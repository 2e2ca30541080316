package io.relops.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class KnownDefaultsTest {

    /** .env.example's RELOPS_TOKEN_OPERATOR_SHA256: the SHA-256 of operator-local-only-change-me. */
    private static final String EXAMPLE_OPERATOR_HASH =
            "c33d20f1cb51dbaa3b74d40e093fc9667ce05c7308fe549cb77c929b3992e664";

    @Test
    void knowsTheExampleHashesOfEnvExample() {
        assertThat(KnownDefaults.TOKEN_HASHES)
                .contains(
                        EXAMPLE_OPERATOR_HASH,
                        "278952b43b8bb74fd7e6a1e25df412b10d46556dda94355317ba94df11fce730",
                        "602223dfe20b5a33c61a5c969e85310a6d13d4cb688731419e60449c29dbcb4a");
    }

    @Test
    void refusesAnExampleTokenHashOutsideLocalUseNamingTheSetting() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("RELOPS_TOKEN_OPERATOR_SHA256", EXAMPLE_OPERATOR_HASH.toUpperCase())
                .withProperty("relops.security.tokens[0].sha256", "${RELOPS_TOKEN_OPERATOR_SHA256}")
                .withProperty("relops.security.tokens[1].sha256", ApiTokens.sha256Hex("a-secret-of-my-own"));

        assertThatThrownBy(() -> KnownDefaults.check(environment))
                .isInstanceOf(UnsafeSetting.class)
                .hasMessageContaining("RELOPS_TOKEN_OPERATOR_SHA256")
                .hasMessageContaining("relops.security.tokens[0].sha256")
                .hasMessageNotContaining("tokens[1]");
    }

    @Test
    void refusesADefaultDatabasePasswordAndAnExampleTokenItself() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("relops.audit.database.maintainer-password", "relops-audit-maintainer-local")
                .withProperty("spring.datasource.password", "relops-local-only")
                .withProperty("RELOPS_GATEWAY_SERVICE_TOKEN", "gateway-local-only-change-me");

        assertThat(KnownDefaults.findIn(environment))
                .containsExactly(
                        "RELOPS_GATEWAY_SERVICE_TOKEN",
                        "relops.audit.database.maintainer-password",
                        "spring.datasource.password");
    }

    @Test
    void refusesTheLocalOverlaysPasswordsAndTheShippedEventSigningPublicKey() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("RELOPS_DB_PASSWORD", "deploy-db-local-only")
                .withProperty(
                        "RELOPS_EVENT_SIGNING_PUBLIC_KEY",
                        "MCowBQYDK2VwAyEAEIfPcgey2rhDFsIOa+lwOSORABfedXjDo7dGekzT5iA=")
                .withProperty("relops.security.event-signing.public-keys.gateway", "${RELOPS_EVENT_SIGNING_PUBLIC_KEY}")
                .withProperty("relops.security.event-signing.public-keys.ours", "MCowBQYDK2VwAyEAanotherkeyofourown=")
                // the same key without its padding, as Java's decoder accepts it
                .withProperty(
                        "relops.security.event-signing.public-keys.unpadded",
                        "MCowBQYDK2VwAyEAEIfPcgey2rhDFsIOa+lwOSORABfedXjDo7dGekzT5iA");

        assertThat(KnownDefaults.findIn(environment))
                .containsExactly(
                        "RELOPS_DB_PASSWORD",
                        "RELOPS_EVENT_SIGNING_PUBLIC_KEY",
                        "relops.security.event-signing.public-keys.gateway",
                        "relops.security.event-signing.public-keys.unpadded");
    }

    @Test
    void acceptsTheDefaultsForLocalUse() {
        KnownDefaults.check(new MockEnvironment()
                .withProperty("RELOPS_TOKEN_OPERATOR_SHA256", EXAMPLE_OPERATOR_HASH)
                .withProperty(KnownDefaults.LOCAL, "true"));
        MockEnvironment localProfile =
                new MockEnvironment().withProperty("spring.datasource.password", "relops-local-only");
        localProfile.setActiveProfiles("local");
        KnownDefaults.check(localProfile);
    }

    @Test
    void acceptsSecretsOfItsOwnAndBlankOnes() {
        KnownDefaults.check(new MockEnvironment()
                .withProperty("RELOPS_TOKEN_OPERATOR_SHA256", "")
                .withProperty("RELOPS_DB_PASSWORD", "s3cr3t-of-our-own")
                .withProperty("relops.security.tokens[0].sha256", "${RELOPS_TOKEN_ADMIN_SHA256:}"));
    }
}
