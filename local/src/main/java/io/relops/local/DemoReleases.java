package io.relops.local;

import io.relops.common.release.ReleaseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The releases of {@code relops up --demo}, how each must end for the demo to have shown what it shows, and the
 * summary of how they did. A rollback counts only for its own reason: 2.0.0-broken fails its health probe rounds,
 * and 2.1.0-badcheckout, healthy, fails its smoke test ({@code checkout}, the catalog's); a 2.1.0-badcheckout rolled
 * back for anything else (its probes, a deadline) did not show the smoke test.
 */
final class DemoReleases {

    /** One release of the demo: its version, the status it must end in and what its reason must say (if anything). */
    record Expected(
            String version, ReleaseStatus status, @Nullable String reason) {}

    /** One demo release as the CLI reported it: status, why it ended there, how long it took, its id. */
    record Outcome(String version, String status, @Nullable String reason, Duration took, String releaseId) {

        /** The outcome the CLI's {@code --output json} answer says, {@code UNKNOWN} when it says none. */
        static Outcome of(String version, @Nullable JsonNode release, Duration took) {
            String status = release == null ? "" : release.path("status").asString("");
            return new Outcome(
                    version,
                    status.isEmpty() ? "UNKNOWN" : status,
                    release == null ? null : reason(release),
                    took,
                    release == null ? "?" : release.path("releaseId").asString("?"));
        }

        /**
         * Why the release ended as it did: its {@code reason} (set when it did not complete), else the last step of
         * deploy-service's history (how it completed).
         */
        private static @Nullable String reason(JsonNode release) {
            String reason = release.path("reason").asString("");
            if (!reason.isBlank()) {
                return reason;
            }
            JsonNode history = release.path("history");
            String last = history.isEmpty()
                    ? ""
                    : history.get(history.size() - 1).path("message").asString("");
            return last.isBlank() ? null : last;
        }
    }

    static final List<Expected> EXPECTED = List.of(
            new Expected("1.0.0", ReleaseStatus.COMPLETED, null),
            new Expected("1.1.0", ReleaseStatus.COMPLETED, null),
            new Expected("2.0.0-broken", ReleaseStatus.ROLLED_BACK, "consecutive failing rounds"),
            new Expected("2.1.0-badcheckout", ReleaseStatus.ROLLED_BACK, "smoke test 'checkout' failed"));

    private DemoReleases() {}

    /** The versions the demo releases, in order. */
    static List<String> versions() {
        return EXPECTED.stream().map(Expected::version).toList();
    }

    /** The summary: one line per release (version, status, time, id) and, beneath it, its reason. */
    static List<String> summary(List<Outcome> outcomes) {
        List<String> lines = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  demo-app %-18s %-12s %5.1f s  release %s",
                    outcome.version(),
                    outcome.status(),
                    outcome.took().toMillis() / 1000.0,
                    outcome.releaseId()));
            if (outcome.reason() != null) {
                lines.add("    " + outcome.reason());
            }
        }
        return lines;
    }

    /**
     * What did not go as the demo means it to, one line each, naming the release, how it ended and what was expected;
     * empty when every release ended as expected.
     */
    static List<String> unexpected(List<Outcome> outcomes) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < EXPECTED.size(); i++) {
            Expected expected = EXPECTED.get(i);
            if (i >= outcomes.size()) {
                problems.add("demo-app " + expected.version() + " was not released");
                continue;
            }
            Outcome outcome = outcomes.get(i);
            String reason = outcome.reason() == null ? "" : outcome.reason();
            if (!outcome.version().equals(expected.version())) {
                problems.add("release " + (i + 1) + " was demo-app " + outcome.version() + ", expected "
                        + expected.version());
            } else if (!outcome.status().equals(expected.status().name())) {
                problems.add("demo-app " + outcome.version() + " ended " + outcome.status() + ", expected "
                        + expected.status() + (reason.isEmpty() ? "" : " (" + reason + ")"));
            } else if (expected.reason() != null && !reason.contains(expected.reason())) {
                problems.add("demo-app " + outcome.version() + " ended " + outcome.status() + " but not because of "
                        + expected.reason() + ": " + (reason.isEmpty() ? "no reason given" : reason));
            }
        }
        return problems;
    }
}
