package io.relops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RealPrometheusVersionTest {

    @Test
    void debiansVersionIsMajorTwo() {
        // what Debian stable's prometheus answers at /api/v1/status/buildinfo
        assertThat(new RealPrometheus.Version("2.42.0+ds").major()).isEqualTo(2);
    }

    @Test
    void anUpstreamThreeIsMajorThree() {
        assertThat(new RealPrometheus.Version("3.5.0").major()).isEqualTo(3);
        assertThat(new RealPrometheus.Version("10.1.0-rc.0").major()).isEqualTo(10);
    }

    @Test
    void aVersionWithoutAMajorIsAnError() {
        assertThatThrownBy(() -> new RealPrometheus.Version("devel").major())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("devel");
    }
}
