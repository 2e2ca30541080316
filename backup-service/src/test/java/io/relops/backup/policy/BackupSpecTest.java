package io.relops.backup.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.backup.policy.BackupCatalog.BackupSpec;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class BackupSpecTest {

    @Test
    void aScheduleWithoutAnRpoHasTheDefaultOfOneHour() {
        assertThat(spec("0 0 * * * *", null).objective()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anRpoSetInTheCatalogWinsOverTheDefault() {
        assertThat(spec("0 0 2 * * *", Duration.ofHours(25)).objective()).isEqualTo(Duration.ofHours(25));
        assertThat(spec(null, Duration.ofMinutes(30)).objective()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void backupsOnlyBeforeDeploysOrOnDemandHaveNoObjective() {
        assertThat(spec(null, null).objective()).isNull();
        assertThat(spec(" ", null).objective()).isNull();
    }

    private static BackupSpec spec(@Nullable String schedule, @Nullable Duration rpo) {
        return new BackupSpec(
                true,
                "postgres",
                schedule,
                false,
                null,
                null,
                new BackupCatalog.Verify(true, false),
                new BackupCatalog.Retention(3, 7, 4, 6, Duration.ofDays(365)),
                rpo);
    }
}
