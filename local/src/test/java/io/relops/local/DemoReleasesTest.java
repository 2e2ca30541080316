package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.codec.EventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When {@code relops up --demo} counts as having shown what it shows, and the summary it prints. */
class DemoReleasesTest {

    private static final String BROKEN_REASON =
            "health failed at slot green: 2 consecutive failing rounds; last: health:"
                    + " status 503; all traffic back on 1.1.0 (slot blue)";
    private static final String SMOKE_REASON = "health failed at slot green: smoke test 'checkout' failed: exit 1 after"
            + " 0.3 s: smoke-test: FAILED POST http://127.0.0.1:9002/checkout → 500; all traffic back on 1.1.0 (slot blue)";

    static DemoReleases.Outcome outcome(String version, String status, String reason) {
        return new DemoReleases.Outcome(version, status, reason, Duration.ofMillis(4_250), "id-of-" + version);
    }

    static List<DemoReleases.Outcome> asExpected() {
        return new ArrayList<>(List.of(
                outcome(
                        "1.0.0",
                        "COMPLETED",
                        "all traffic switched to slot blue; 1.0.0 is live on slot blue (watched for 5m)"),
                outcome(
                        "1.1.0",
                        "COMPLETED",
                        "all traffic switched to slot green; 1.1.0 is live on slot green (watched for 5m)"),
                outcome("2.0.0-broken", "ROLLED_BACK", BROKEN_REASON),
                outcome("2.1.0-badcheckout", "ROLLED_BACK", SMOKE_REASON)));
    }

    @Test
    void releasesTheFourVersionsInOrder() {
        assertThat(DemoReleases.versions()).containsExactly("1.0.0", "1.1.0", "2.0.0-broken", "2.1.0-badcheckout");
    }

    @Test
    void twoCompletedAndTwoRolledBackForTheirOwnReasonsIsTheDemo() {
        assertThat(DemoReleases.unexpected(asExpected())).isEmpty();
    }

    @Test
    void badcheckoutRolledBackByAnythingButItsSmokeTestIsNotTheDemo() {
        List<DemoReleases.Outcome> outcomes = asExpected();
        String deadline = "no verdict within the deadline of 30000 ms after 90 rounds";
        outcomes.set(3, outcome("2.1.0-badcheckout", "ROLLED_BACK", deadline));

        assertThat(DemoReleases.unexpected(outcomes))
                .containsExactly("demo-app 2.1.0-badcheckout ended ROLLED_BACK but not because of smoke test 'checkout'"
                        + " failed: " + deadline);
    }

    @Test
    void badcheckoutRolledBackWithoutAReasonIsNotTheDemo() {
        List<DemoReleases.Outcome> outcomes = asExpected();
        outcomes.set(3, outcome("2.1.0-badcheckout", "ROLLED_BACK", null));

        assertThat(DemoReleases.unexpected(outcomes))
                .containsExactly("demo-app 2.1.0-badcheckout ended ROLLED_BACK but not because of smoke test 'checkout'"
                        + " failed: no reason given");
    }

    @Test
    void brokenRolledBackByTheSmokeTestIsNotTheDemo() {
        List<DemoReleases.Outcome> outcomes = asExpected();
        outcomes.set(2, outcome("2.0.0-broken", "ROLLED_BACK", SMOKE_REASON));

        assertThat(DemoReleases.unexpected(outcomes))
                .singleElement()
                .asString()
                .startsWith("demo-app 2.0.0-broken ended ROLLED_BACK but not because of consecutive failing rounds");
    }

    @Test
    void aReleaseEndingOtherwiseOrMissingIsNamed() {
        List<DemoReleases.Outcome> outcomes = asExpected();
        outcomes.set(1, outcome("1.1.0", "FAILED", "deploying 1.1.0 to slot green failed: port in use"));
        outcomes.remove(3);

        assertThat(DemoReleases.unexpected(outcomes))
                .containsExactly(
                        "demo-app 1.1.0 ended FAILED, expected COMPLETED (deploying 1.1.0 to slot green failed: port in"
                                + " use)",
                        "demo-app 2.1.0-badcheckout was not released");
    }

    @Test
    void theSummaryPrintsEachReleasesReasonBeneathIt() {
        assertThat(DemoReleases.summary(asExpected()))
                .containsExactly(
                        "  demo-app 1.0.0              COMPLETED      4.3 s  release id-of-1.0.0",
                        "    all traffic switched to slot blue; 1.0.0 is live on slot blue (watched for 5m)",
                        "  demo-app 1.1.0              COMPLETED      4.3 s  release id-of-1.1.0",
                        "    all traffic switched to slot green; 1.1.0 is live on slot green (watched for 5m)",
                        "  demo-app 2.0.0-broken       ROLLED_BACK    4.3 s  release id-of-2.0.0-broken",
                        "    " + BROKEN_REASON,
                        "  demo-app 2.1.0-badcheckout  ROLLED_BACK    4.3 s  release id-of-2.1.0-badcheckout",
                        "    " + SMOKE_REASON);
    }

    @Test
    void theOutcomeIsTheReasonOfTheCliAnswerElseItsLastHistoryStep() {
        DemoReleases.Outcome rolledBack = DemoReleases.Outcome.of(
                "2.1.0-badcheckout",
                EventJson.mapper()
                        .readTree("{\"releaseId\":\"r4\",\"status\":\"ROLLED_BACK\",\"reason\":\"" + SMOKE_REASON
                                + "\",\"history\":[{\"status\":\"ROLLED_BACK\",\"message\":\"something else\"}]}"),
                Duration.ofSeconds(4));
        DemoReleases.Outcome completed = DemoReleases.Outcome.of(
                "1.0.0",
                EventJson.mapper()
                        .readTree("{\"releaseId\":\"r1\",\"status\":\"COMPLETED\",\"reason\":null,\"history\":["
                                + "{\"status\":\"VERIFYING\",\"message\":\"waiting\"},"
                                + "{\"status\":\"COMPLETED\",\"message\":\"all traffic switched to slot blue\"}]}"),
                Duration.ofSeconds(8));
        DemoReleases.Outcome unanswered = DemoReleases.Outcome.of("1.1.0", null, Duration.ofSeconds(1));

        assertThat(rolledBack.reason()).isEqualTo(SMOKE_REASON);
        assertThat(rolledBack.releaseId()).isEqualTo("r4");
        assertThat(completed.reason()).isEqualTo("all traffic switched to slot blue");
        assertThat(completed.status()).isEqualTo("COMPLETED");
        assertThat(unanswered.status()).isEqualTo("UNKNOWN");
        assertThat(unanswered.reason()).isNull();
        assertThat(unanswered.releaseId()).isEqualTo("?");
    }
}
