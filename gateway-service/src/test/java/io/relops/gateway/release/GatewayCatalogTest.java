package io.relops.gateway.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The gateway accepts a release to every environment the catalog declares, also one that only overrides settings. */
class GatewayCatalogTest {

    @Test
    void knowsEveryDeclaredEnvironmentAndItsApprover() {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "catalog",
                        Map.of(
                                "relops.applications.shop.environments.staging.target.process.stable-port", "9100",
                                "relops.applications.shop.environments.prod.approval.required", "true",
                                "relops.applications.shop.environments.prod.approval.role", "release-manager",
                                "relops.applications.shop.strategy", "canary")));

        GatewayCatalog.Application shop =
                GatewayCatalog.of(environment).application("shop").orElseThrow();

        assertThat(shop.hasEnvironment("staging")).isTrue();
        assertThat(shop.hasEnvironment("prod")).isTrue();
        assertThat(shop.hasEnvironment("qa")).isFalse();
        assertThat(shop.approverRole("staging")).isEqualTo("approver");
        assertThat(shop.approverRole("prod")).isEqualTo("release-manager");
    }
}
