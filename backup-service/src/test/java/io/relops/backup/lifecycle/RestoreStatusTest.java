package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RestoreStatusTest {

    @Test
    void aRequestedRestoreRunsThenCompletesOrFails() {
        assertThat(RestoreStatus.REQUESTED.to(RestoreStatus.RUNNING)).isEqualTo(RestoreStatus.RUNNING);
        assertThat(RestoreStatus.RUNNING.to(RestoreStatus.outcome(true))).isEqualTo(RestoreStatus.COMPLETED);
        assertThat(RestoreStatus.RUNNING.to(RestoreStatus.outcome(false))).isEqualTo(RestoreStatus.FAILED);
    }

    @Test
    void aRunningRestoreWhoseInstanceDiedIsClaimedAgain() {
        assertThat(RestoreStatus.RUNNING.canBecome(RestoreStatus.RUNNING)).isTrue();
    }

    @Test
    void aFinishedRestoreIsFinal() {
        assertThat(Stream.of(RestoreStatus.values()).filter(RestoreStatus::terminal))
                .containsExactlyInAnyOrder(RestoreStatus.COMPLETED, RestoreStatus.FAILED);
        assertThatThrownBy(() -> RestoreStatus.COMPLETED.to(RestoreStatus.RUNNING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a COMPLETED restore cannot become RUNNING");
    }

    @Test
    void aRequestedRestoreNeverFinishesWithoutRunning() {
        assertThat(RestoreStatus.REQUESTED.canBecome(RestoreStatus.COMPLETED)).isFalse();
        assertThat(RestoreStatus.REQUESTED.canBecome(RestoreStatus.FAILED)).isFalse();
    }
}
