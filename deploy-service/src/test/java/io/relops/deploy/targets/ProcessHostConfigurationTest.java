package io.relops.deploy.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The host lease's statements give up before the next renewal is due: below a third of the lease. */
class ProcessHostConfigurationTest {

    @Test
    void theQueryTimeoutStaysBelowAThirdOfTheLease() {
        assertThat(ProcessHostConfiguration.queryTimeoutSeconds(Duration.ofSeconds(15)))
                .isEqualTo(4);
        assertThat(ProcessHostConfiguration.queryTimeoutSeconds(Duration.ofSeconds(60)))
                .isEqualTo(19);
        assertThat(ProcessHostConfiguration.queryTimeoutSeconds(Duration.ofSeconds(3)))
                .as("JDBC counts whole seconds: at least one")
                .isEqualTo(1);
    }
}
