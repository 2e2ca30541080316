package io.relops.deploy.release;

import io.relops.common.event.EventData;
import io.relops.common.release.ReleaseStatus;
import io.relops.deploy.release.Decision.Effect;
import io.relops.deploy.release.Decision.Emission;
import io.relops.deploy.release.Decision.Entry;
import io.relops.deploy.release.Decision.Purpose;
import io.relops.deploy.release.Decision.Work;
import io.relops.deploy.release.ReleaseTask.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ReleaseLifecycle}'s handlers build a {@link Decision} with: the release as a {@link Release.Draft},
 * transitions checked against {@link ReleaseLifecycle#ALLOWED}, timeline entries, events, work and effects.
 */
abstract class DecisionBuilder {

    final Release before;
    final Policy policy;
    final Facts facts;
    final Release.Draft draft;
    final List<Effect> effects = new ArrayList<>();
    private final List<Entry> timeline = new ArrayList<>();
    private final List<Emission> emissions = new ArrayList<>();
    private final List<Work> work = new ArrayList<>();
    private @Nullable String refusal;

    DecisionBuilder(Release release, Policy policy, Facts facts) {
        this.before = release;
        this.policy = policy;
        this.facts = facts;
        this.draft = release.draft();
    }

    Decision decision() {
        return new Decision(
                draft.build(facts.now()),
                List.copyOf(timeline),
                List.copyOf(emissions),
                List.copyOf(work),
                List.copyOf(effects),
                refusal);
    }

    /** The release as the decision has it so far. */
    Release now() {
        return draft.build(facts.now());
    }

    void transition(ReleaseStatus to, String message) {
        if (!ReleaseLifecycle.ALLOWED.get(draft.status).contains(to)) {
            throw new IllegalTransition(draft.status, to);
        }
        draft.status = to;
        draft.seq++;
        draft.paused = false;
        if (to.isFailure()) {
            draft.reason = message;
        }
        if (to.isTerminal()) {
            draft.completedAt = facts.now();
        }
        timeline.add(new Entry(to, message));
    }

    void note(String message) {
        timeline.add(new Entry(draft.status, message));
    }

    void refuse(String reason) {
        refusal = reason;
        note(reason);
    }

    void emit(Purpose purpose, EventData data) {
        emissions.add(new Emission(purpose, data));
    }

    void call(ReleaseTask task) {
        work.add(new Work(task, Duration.ZERO));
    }

    void timer(Kind kind, Duration delay) {
        work.add(new Work(ReleaseTask.of(before.id(), kind, draft.seq), delay));
    }

    void stopSlot(String slot, Duration delay) {
        work.add(new Work(ReleaseTask.of(before.id(), Kind.STOP, draft.seq).slot(slot), delay));
    }

    /** Thrown for a transition outside {@link ReleaseLifecycle#ALLOWED}: a defect of the lifecycle, never an input's fault. */
    static final class IllegalTransition extends IllegalStateException {
        IllegalTransition(ReleaseStatus from, ReleaseStatus to) {
            super("illegal release transition " + from + " -> " + to);
        }
    }
}
