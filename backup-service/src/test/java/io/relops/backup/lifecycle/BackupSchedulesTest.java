package io.relops.backup.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

class BackupSchedulesTest {

    private final CronExpression everyTwoSeconds = CronExpression.parse("*/2 * * * * *");

    @Test
    void aRunJustAfterItsSlotBelongsToThatSlot() {
        assertThat(BackupSchedules.slot(everyTwoSeconds, Instant.parse("2026-05-01T10:00:02.350Z"), ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-05-01T10:00:02Z"));
        assertThat(BackupSchedules.slot(
                        CronExpression.parse("0 0 2 * * *"), Instant.parse("2026-05-01T02:00:00.900Z"), ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-05-01T02:00:00Z"));
    }

    @Test
    void twoReplicasFiringMomentsApartComputeTheSameSlot() {
        Instant first =
                BackupSchedules.slot(everyTwoSeconds, Instant.parse("2026-05-01T10:00:04.010Z"), ZoneOffset.UTC);
        Instant second =
                BackupSchedules.slot(everyTwoSeconds, Instant.parse("2026-05-01T10:00:04.930Z"), ZoneOffset.UTC);
        assertThat(first).isEqualTo(second).isEqualTo(Instant.parse("2026-05-01T10:00:04Z"));
    }
}
