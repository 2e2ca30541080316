package io.relops.gateway.console;

import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An application as the applications page shows it, read from deploy-service's {@code GET /api/applications}. */
public record ApplicationView(String name, List<ApplicationView.EnvironmentView> environments) {

    /**
     * One environment: its live version, its last release and outcome, and — for an environment with a promotion
     * rule — what its source runs ({@code candidate}), whether it may come here now ({@code promotion}, in words) and
     * whether the Promote button applies ({@code promotable}: ready and not live here already).
     */
    public record EnvironmentView(
            String name,
            String liveVersion,
            String lastReleaseId,
            String lastVersion,
            String lastStatus,
            String lastTone,
            String finishedAt,
            String lastReason,
            boolean approvalRequired,
            @Nullable String from,
            String candidate,
            String promotion,
            String promotionTone,
            boolean promotable) {}

    static ApplicationView of(Map<String, Object> application) {
        List<EnvironmentView> environments = new ArrayList<>();
        if (application.get("environments") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> environment) {
                    environments.add(environment(environment));
                }
            }
        }
        return new ApplicationView(ReleaseView.text(application.get("application")), environments);
    }

    private static EnvironmentView environment(Map<?, ?> environment) {
        Map<?, ?> last = environment.get("lastRelease") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> promotion = environment.get("promotion") instanceof Map<?, ?> m ? m : null;
        String live = ReleaseView.text(environment.get("liveVersion"));
        String status = ReleaseView.text(last.get("status"));
        boolean approval = Boolean.TRUE.equals(environment.get("approvalRequired"));
        String from = null;
        String candidate = "";
        String words = "";
        String tone = "";
        boolean promotable = false;
        if (promotion != null) {
            from = ReleaseView.text(promotion.get("from"));
            candidate = ReleaseView.text(promotion.get("candidateVersion"));
            boolean ready = Boolean.TRUE.equals(promotion.get("ready"));
            String needs = approval ? "; approval needed" : "";
            if (candidate.isEmpty()) {
                words = from + " runs no version yet";
                tone = "muted";
            } else if (candidate.equals(live)) {
                words = candidate + " is live here";
                tone = "ok";
            } else if (ready) {
                words = candidate + " may be promoted from " + from + needs;
                tone = "ok";
                promotable = true;
            } else if ("soak".equals(promotion.get("missing"))) {
                words = candidate + " soaking in " + from + ": " + soak(promotion.get("soakRemaining")) + " left"
                        + needs;
                tone = "busy";
            } else {
                words = ReleaseView.text(promotion.get("reason"));
                tone = "bad";
            }
        }
        return new EnvironmentView(
                ReleaseView.text(environment.get("environment")),
                live,
                ReleaseView.text(last.get("releaseId")),
                ReleaseView.text(last.get("version")),
                status,
                ReleaseStatus.of(status).map(ReleaseView::tone).orElse(status.isEmpty() ? "" : "busy"),
                ReleaseView.time(last.get("finishedAt")),
                ReleaseView.text(last.get("reason")),
                approval,
                from,
                candidate,
                words,
                tone,
                promotable);
    }

    /** {@code PT41M12S} → {@code 41m 12s}; as it came when it is not an ISO-8601 duration. */
    static String soak(@Nullable Object iso) {
        String text = ReleaseView.text(iso);
        try {
            long seconds = Duration.parse(text).toSeconds();
            StringBuilder words = new StringBuilder();
            if (seconds >= 3600) {
                words.append(seconds / 3600).append("h ");
            }
            if (seconds % 3600 >= 60) {
                words.append(seconds % 3600 / 60).append("m ");
            }
            if (seconds % 60 > 0 || words.length() == 0) {
                words.append(seconds % 60).append('s');
            }
            return words.toString().strip();
        } catch (DateTimeParseException e) {
            return text;
        }
    }
}
