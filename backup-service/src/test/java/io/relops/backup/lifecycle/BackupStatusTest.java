package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackupStatusTest {

    @Test
    void aRequestedBackupRunsThenCompletesOrFails() {
        assertThat(BackupStatus.REQUESTED.to(BackupStatus.RUNNING)).isEqualTo(BackupStatus.RUNNING);
        assertThat(BackupStatus.RUNNING.to(BackupStatus.COMPLETED)).isEqualTo(BackupStatus.COMPLETED);
        assertThat(BackupStatus.RUNNING.to(BackupStatus.FAILED)).isEqualTo(BackupStatus.FAILED);
    }

    @Test
    void aRunningBackupWhoseInstanceDiedIsClaimedAgain() {
        assertThat(BackupStatus.RUNNING.canBecome(BackupStatus.RUNNING)).isTrue();
    }

    @Test
    void onlyACompletedBackupIsPruned() {
        assertThat(allThatCanBecome(BackupStatus.PRUNED)).containsExactly(BackupStatus.COMPLETED);
    }

    @Test
    void aRequestedBackupNeverCompletesWithoutRunning() {
        assertThatThrownBy(() -> BackupStatus.REQUESTED.to(BackupStatus.COMPLETED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a REQUESTED backup cannot become COMPLETED");
    }

    @Test
    void failedAndPrunedBackupsAreFinal() {
        assertThat(Stream.of(BackupStatus.values()).filter(BackupStatus::terminal))
                .containsExactlyInAnyOrder(BackupStatus.FAILED, BackupStatus.PRUNED);
        for (BackupStatus next : BackupStatus.values()) {
            assertThat(BackupStatus.FAILED.canBecome(next))
                    .as("FAILED -> %s", next)
                    .isFalse();
            assertThat(BackupStatus.PRUNED.canBecome(next))
                    .as("PRUNED -> %s", next)
                    .isFalse();
        }
    }

    @Test
    void aBackupIsRecordedRequestedOrRefusedAtOnce() {
        assertThat(BackupStatus.INITIAL).containsExactlyInAnyOrder(BackupStatus.REQUESTED, BackupStatus.FAILED);
    }

    @Test
    void nothingLeadsBackToRequested() {
        assertThat(allThatCanBecome(BackupStatus.REQUESTED)).isEmpty();
    }

    private static Set<BackupStatus> allThatCanBecome(BackupStatus next) {
        return Stream.of(BackupStatus.values())
                .filter(s -> s.canBecome(next))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(BackupStatus.class)));
    }
}
