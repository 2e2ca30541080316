package io.relops.common.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StrategyJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    record Holder(Strategy strategy) {}

    @Test
    void aStrategyIsWrittenAndReadByItsWireName() {
        assertThat(json.writeValueAsString(new Holder(Strategy.BLUE_GREEN))).isEqualTo("{\"strategy\":\"blue-green\"}");
        assertThat(json.readValue("{\"strategy\":\"canary\"}", Holder.class).strategy())
                .isEqualTo(Strategy.CANARY);
    }

    @Test
    void anUnknownStrategyIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> json.readValue("{\"strategy\":\"BLUE_GREEN\"}", Holder.class))
                .hasMessageContaining("unknown strategy 'BLUE_GREEN' ([blue-green, canary])");
    }
}
