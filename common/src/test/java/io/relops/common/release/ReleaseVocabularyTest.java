package io.relops.common.release;

import static io.relops.common.release.OperatorAction.ABORT;
import static io.relops.common.release.OperatorAction.APPROVE;
import static io.relops.common.release.OperatorAction.PROMOTE;
import static io.relops.common.release.OperatorAction.REJECT;
import static io.relops.common.release.OperatorAction.ROLLBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.common.event.EventType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The release vocabulary: which status allows which operator action, written out status by status. */
class ReleaseVocabularyTest {

    /** The table of issue 17, one row per status, independent of how {@link ReleaseStatus} computes it. */
    private static final Map<ReleaseStatus, Set<OperatorAction>> EXPECTED = Map.ofEntries(
            Map.entry(ReleaseStatus.REQUESTED, EnumSet.of(ABORT, ROLLBACK)),
            Map.entry(ReleaseStatus.AWAITING_APPROVAL, EnumSet.of(APPROVE, REJECT, ABORT, ROLLBACK)),
            Map.entry(ReleaseStatus.AWAITING_BACKUP, EnumSet.of(ABORT, ROLLBACK)),
            Map.entry(ReleaseStatus.DEPLOYING, EnumSet.of(ABORT, ROLLBACK)),
            Map.entry(ReleaseStatus.VERIFYING, EnumSet.of(ABORT, ROLLBACK)),
            Map.entry(ReleaseStatus.PROMOTING, EnumSet.of(PROMOTE, ABORT, ROLLBACK)),
            Map.entry(ReleaseStatus.COMPLETED, EnumSet.of(ROLLBACK)),
            Map.entry(ReleaseStatus.ROLLING_BACK, EnumSet.noneOf(OperatorAction.class)),
            Map.entry(ReleaseStatus.ROLLED_BACK, EnumSet.noneOf(OperatorAction.class)),
            Map.entry(ReleaseStatus.FAILED, EnumSet.noneOf(OperatorAction.class)),
            Map.entry(ReleaseStatus.REJECTED, EnumSet.noneOf(OperatorAction.class)),
            Map.entry(ReleaseStatus.ABORTED, EnumSet.noneOf(OperatorAction.class)));

    @Test
    void theTableHasARowForEveryStatus() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(ReleaseStatus.values());
    }

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void eachStatusAllowsExactlyItsActions(ReleaseStatus status) {
        assertThat(status.allowedActions()).as("actions in %s", status).isEqualTo(EXPECTED.get(status));
        for (OperatorAction action : OperatorAction.values()) {
            assertThat(action.allowedIn(status))
                    .as("%s in %s", action, status)
                    .isEqualTo(EXPECTED.get(status).contains(action));
        }
    }

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void theRulesInWords(ReleaseStatus status) {
        Set<OperatorAction> allowed = status.allowedActions();
        assertThat(allowed.contains(APPROVE)).isEqualTo(status == ReleaseStatus.AWAITING_APPROVAL);
        assertThat(allowed.contains(REJECT)).isEqualTo(status == ReleaseStatus.AWAITING_APPROVAL);
        assertThat(allowed.contains(PROMOTE)).isEqualTo(status == ReleaseStatus.PROMOTING);
        assertThat(allowed.contains(ABORT)).isEqualTo(!status.isTerminal() && status != ReleaseStatus.ROLLING_BACK);
        assertThat(allowed.contains(ROLLBACK))
                .isEqualTo(!status.isTerminal() && status != ReleaseStatus.ROLLING_BACK
                        || status == ReleaseStatus.COMPLETED);
    }

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void promotionAlsoNeedsThePauseOnlyDeployServiceKnows(ReleaseStatus status) {
        assertThat(PROMOTE.allowedIn(status, false)).isFalse();
        assertThat(PROMOTE.allowedIn(status, true)).isEqualTo(status == ReleaseStatus.PROMOTING);
        for (OperatorAction action : EnumSet.complementOf(EnumSet.of(PROMOTE))) {
            assertThat(action.allowedIn(status, false)).isEqualTo(action.allowedIn(status));
            assertThat(action.allowedIn(status, true)).isEqualTo(action.allowedIn(status));
        }
    }

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void theAllowedActionsCannotBeChangedByACaller(ReleaseStatus status) {
        assertThatThrownBy(() -> status.allowedActions().add(ROLLBACK))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void statusesTerminalAndFailed() {
        assertThat(Arrays.stream(ReleaseStatus.values()).filter(ReleaseStatus::isTerminal))
                .containsExactlyInAnyOrder(
                        ReleaseStatus.COMPLETED,
                        ReleaseStatus.ROLLED_BACK,
                        ReleaseStatus.FAILED,
                        ReleaseStatus.REJECTED,
                        ReleaseStatus.ABORTED);
        assertThat(Arrays.stream(ReleaseStatus.values()).filter(ReleaseStatus::isFailure))
                .containsExactlyInAnyOrder(
                        ReleaseStatus.ROLLING_BACK,
                        ReleaseStatus.ROLLED_BACK,
                        ReleaseStatus.FAILED,
                        ReleaseStatus.REJECTED,
                        ReleaseStatus.ABORTED);
    }

    @ParameterizedTest
    @EnumSource(ReleaseStatus.class)
    void aStatusIsReadBackFromItsName(ReleaseStatus status) {
        assertThat(ReleaseStatus.of(status.name())).contains(status);
        assertThat(ReleaseStatus.of(status.name().toLowerCase(java.util.Locale.ROOT)))
                .isEmpty();
    }

    @Test
    void anUnknownStatusIsNone() {
        assertThat(ReleaseStatus.of("IN_PROGRESS")).isEmpty();
        assertThat(ReleaseStatus.of("")).isEmpty();
    }

    @Test
    void eachActionIsItsRouteAndPublishesItsEvent() {
        assertThat(Arrays.stream(OperatorAction.values())
                        .collect(Collectors.toMap(OperatorAction::wireName, OperatorAction::eventType)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "approve", EventType.RELEASE_APPROVED,
                        "reject", EventType.RELEASE_REJECTED,
                        "promote", EventType.RELEASE_PROMOTION_REQUESTED,
                        "abort", EventType.RELEASE_ABORT_REQUESTED,
                        "rollback", EventType.ROLLBACK_REQUESTED));
        assertThat(ROLLBACK.verb()).isEqualTo("roll back");
    }

    @ParameterizedTest
    @EnumSource(OperatorAction.class)
    void anActionIsReadBackFromItsWireName(OperatorAction action) {
        assertThat(OperatorAction.of(action.wireName())).contains(action);
        assertThat(action.toString()).isEqualTo(action.wireName());
        assertThat(OperatorAction.of(action.name())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aStrategyIsReadBackFromItsWireName(Strategy strategy) {
        assertThat(Strategy.of(strategy.wireName())).contains(strategy);
        assertThat(Strategy.of(strategy.name())).isEmpty();
    }
}
