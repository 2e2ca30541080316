package io.relops.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseChartTest {

    @Test
    void drawsOneBarPerEndedReleaseOldestFirstWithItsDurationAndOutcome() {
        ReleaseChart chart = ReleaseChart.of(List.of(
                release("1.2.0", "ROLLED_BACK", "2026-01-02T10:00:00Z", "2026-01-02T10:00:30Z"),
                release("1.1.0", "COMPLETED", "2026-01-01T10:00:00Z", "2026-01-01T10:01:00Z"),
                release("1.3.0", "DEPLOYING", "2026-01-03T10:00:00Z", null)));

        assertThat(chart.bars()).hasSize(2);
        ReleaseChart.Bar completed = chart.bars().get(0);
        ReleaseChart.Bar rolledBack = chart.bars().get(1);
        assertThat(completed.tone()).isEqualTo("ok");
        assertThat(completed.title()).contains("1.1.0").contains("60 s");
        assertThat(rolledBack.tone()).isEqualTo("warn");
        assertThat(rolledBack.x()).isGreaterThan(completed.x());
        assertThat(completed.height()).isEqualTo(2 * rolledBack.height());
        assertThat(completed.y() + completed.height()).isEqualTo(ReleaseChart.BOTTOM);
        assertThat(chart.outcomes()).containsExactlyInAnyOrderEntriesOf(Map.of("COMPLETED", 1L, "ROLLED_BACK", 1L));
        assertThat(chart.ticks())
                .extracting(ReleaseChart.Tick::label)
                .containsExactly("0 s", "15 s", "30 s", "45 s", "60 s");
    }

    @Test
    void keepsTheNewestSixtyReleasesInsideThePlot() {
        List<Map<String, Object>> releases = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String minute = String.format("2026-01-01T%02d:%02d:00Z", i / 60, i % 60);
            String ended = String.format("2026-01-01T%02d:%02d:10Z", i / 60, i % 60);
            releases.add(release("1.0." + i, i % 7 == 0 ? "FAILED" : "COMPLETED", minute, ended));
        }

        ReleaseChart chart = ReleaseChart.of(releases);

        assertThat(chart.bars()).hasSize(ReleaseChart.MAX_BARS);
        assertThat(chart.bars().get(0).title()).contains("1.0.40");
        assertThat(chart.bars())
                .allSatisfy(bar -> assertThat(bar.x() + bar.width()).isLessThanOrEqualTo(chart.width()));
        assertThat(chart.outcomes().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(100);
    }

    private static Map<String, Object> release(String version, String status, String requestedAt, String completedAt) {
        Map<String, Object> release = new LinkedHashMap<>();
        release.put("application", "demo-app");
        release.put("version", version);
        release.put("status", status);
        release.put("requestedAt", requestedAt);
        release.put("updatedAt", completedAt == null ? requestedAt : completedAt);
        release.put("completedAt", completedAt);
        return release;
    }
}
