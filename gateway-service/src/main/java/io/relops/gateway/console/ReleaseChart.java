package io.relops.gateway.console;

import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome chart, drawn on the server as SVG geometry: one bar per ended release in time order,
 * its height the release's duration (requested to ended), its colour the outcome; with the count of
 * each outcome.
 */
public record ReleaseChart(
        List<Bar> bars,
        List<Tick> ticks,
        List<Label> labels,
        Map<String, Long> outcomes,
        int width,
        int height,
        int left,
        int bottom) {

    static final int WIDTH = 1240;
    static final int HEIGHT = 260;
    static final int LEFT = 56;
    static final int RIGHT = 16;
    static final int TOP = 16;
    static final int BOTTOM = 228;
    static final int MAX_BARS = 60;
    static final int LABEL_WIDTH = 110;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d HH:mm");

    /** One release: position, size and outcome tone; the title is its tooltip. */
    public record Bar(int x, int y, int width, int height, String tone, String title) {}

    public record Tick(int y, String label) {}

    public record Label(int x, String text) {}

    private record Ended(OffsetDateTime at, long seconds, String status, String title) {}

    static ReleaseChart of(List<Map<String, Object>> releases) {
        List<Ended> ended = new ArrayList<>();
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (Map<String, Object> release : releases) {
            String status = ReleaseView.text(release.get("status"));
            if (!ReleaseView.ended(status)) {
                continue;
            }
            outcomes.merge(status, 1L, Long::sum);
            OffsetDateTime from = ReleaseView.parse(release.get("requestedAt"));
            OffsetDateTime to = ReleaseView.parse(
                    release.get("completedAt") != null ? release.get("completedAt") : release.get("updatedAt"));
            if (from == null || to == null) {
                continue;
            }
            long seconds = Math.max(0, Duration.between(from, to).toSeconds());
            ended.add(new Ended(
                    to,
                    seconds,
                    status,
                    release.get("application") + " " + release.get("version") + " — " + status + " in " + seconds
                            + " s"));
        }
        ended.sort(Comparator.comparing(Ended::at));
        if (ended.size() > MAX_BARS) {
            ended = ended.subList(ended.size() - MAX_BARS, ended.size());
        }
        long max = niceCeiling(ended.stream().mapToLong(Ended::seconds).max().orElse(60));
        int plot = WIDTH - LEFT - RIGHT;
        int slot = ended.isEmpty() ? plot : Math.max(4, plot / Math.max(ended.size(), 12));
        List<Bar> bars = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < ended.size(); i++) {
            Ended e = ended.get(i);
            int h = (int) Math.max(2, Math.round((double) e.seconds() * (BOTTOM - TOP) / max));
            int x = LEFT + i * slot + slot / 8;
            bars.add(new Bar(x, BOTTOM - h, Math.max(2, slot * 3 / 4), h, tone(e.status()), e.title()));
            boolean roomy =
                    labels.isEmpty() || x - labels.get(labels.size() - 1).x() >= LABEL_WIDTH;
            if (roomy && (i == 0 || i == ended.size() - 1 || (ended.size() > 6 && i == ended.size() / 2))) {
                labels.add(new Label(x, DAY.format(e.at().withOffsetSameInstant(ZoneOffset.UTC))));
            }
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            long value = max * i / 4;
            ticks.add(new Tick(BOTTOM - (int) (value * (BOTTOM - TOP) / max), value + " s"));
        }
        return new ReleaseChart(bars, ticks, labels, outcomes, WIDTH, HEIGHT, LEFT, BOTTOM);
    }

    /** The bar's colour: ended as asked, failed, or ended otherwise (rolled back, aborted, rejected). */
    private static String tone(String status) {
        return switch (ReleaseStatus.valueOf(status)) { // ended: a status this build knows
            case COMPLETED -> "ok";
            case FAILED -> "bad";
            default -> "warn";
        };
    }

    private static long niceCeiling(long seconds) {
        for (long step : new long[] {20, 40, 60, 120, 240, 600, 1200, 2400, 3600}) {
            if (seconds <= step) {
                return step;
            }
        }
        return ((seconds / 3600) + 1) * 3600;
    }
}
