package io.relops.testkit;

import io.relops.common.event.DeploymentReady;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthInconclusive;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseCompleted;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.TrafficShifted;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Drives releases through deploy-service the way the rest of relops would: it requests releases
 * (as the gateway does) and gives health verdicts (as healthcheck-service does), on the topics of
 * an {@link EventStream}, and waits for deploy-service's answers.
 */
public final class ReleaseDriver {

    public static final URI SOURCE = URI.create("/relops/test");

    private final EventStream events;
    private final RelopsTopics topics;
    private final String environment;
    private final Duration wait;

    public ReleaseDriver(EventStream events, RelopsTopics topics, String environment, Duration wait) {
        this.events = events;
        this.topics = topics;
        this.environment = environment;
        this.wait = wait;
    }

    public EventStream events() {
        return events;
    }

    /** Requests {@code version} of {@code application}, as alice. */
    public UUID request(String application, String version) {
        return request(application, version, null, null);
    }

    public UUID request(String application, String version, @Nullable String strategy, @Nullable Boolean supersede) {
        UUID id = UUID.randomUUID();
        publish(
                topics.release(),
                new ReleaseRequested(id, application, version, environment, strategy, "alice", null, supersede));
        return id;
    }

    /** A first (or next) version of {@code application}, deployed, verified and live. */
    public UUID establish(String application, String version) {
        UUID id = request(application, version);
        verify(awaitReady(id));
        awaitCompleted(id);
        return id;
    }

    public void publish(String topic, EventData data) {
        events.publish(topic, RelopsEvent.of(SOURCE, data));
    }

    /**
     * Publishes an operator's action (an approval, a rollback, ...) as the gateway does: signed for a caller with
     * {@code roles} ({@link TestCredentials#sign}).
     */
    public RelopsEvent<EventData> act(String topic, EventData data, String... roles) {
        RelopsEvent<EventData> event = RelopsEvent.of(SOURCE, data);
        events.publish(topic, event, TestCredentials.sign(event, roles));
        return event;
    }

    public DeploymentReady awaitReady(UUID release) {
        return events.await(DeploymentReady.class, e -> e.releaseId().equals(release), wait)
                .data();
    }

    public TrafficShifted awaitShift(UUID release, int step) {
        return events.await(TrafficShifted.class, e -> e.releaseId().equals(release) && e.step() == step, wait)
                .data();
    }

    public ReleaseCompleted awaitCompleted(UUID release) {
        return events.await(ReleaseCompleted.class, e -> e.releaseId().equals(release), wait)
                .data();
    }

    /** The new slot passed its probes. */
    public void verify(DeploymentReady ready) {
        publish(
                topics.health(),
                new HealthVerified(
                        ready.releaseId(),
                        ready.application(),
                        ready.environment(),
                        ready.version(),
                        ready.slot(),
                        null,
                        evidence(true)));
    }

    /** Canary step {@code shifted.step()} passed its probes. */
    public void verify(TrafficShifted shifted) {
        publish(
                topics.health(),
                new HealthVerified(
                        shifted.releaseId(),
                        shifted.application(),
                        shifted.environment(),
                        shifted.version(),
                        shifted.slot(),
                        shifted.step(),
                        evidence(true)));
    }

    /** The new slot failed its probes, before any traffic was shifted to it. */
    public void fail(DeploymentReady ready, String reason) {
        publish(
                topics.health(),
                new HealthFailed(
                        ready.releaseId(),
                        ready.application(),
                        ready.environment(),
                        ready.version(),
                        ready.slot(),
                        null,
                        reason,
                        evidence(false)));
    }

    /** Canary step {@code shifted.step()} failed its probes. */
    public void fail(TrafficShifted shifted, String reason) {
        publish(
                topics.health(),
                new HealthFailed(
                        shifted.releaseId(),
                        shifted.application(),
                        shifted.environment(),
                        shifted.version(),
                        shifted.slot(),
                        shifted.step(),
                        reason,
                        evidence(false)));
    }

    /** The verification of canary step {@code shifted.step()} could not decide (e.g. its metrics had no data). */
    public void inconclusive(TrafficShifted shifted, String reason) {
        publish(
                topics.health(),
                new HealthInconclusive(
                        shifted.releaseId(),
                        shifted.application(),
                        shifted.environment(),
                        shifted.version(),
                        shifted.slot(),
                        shifted.step(),
                        reason,
                        List.of(ProbeResult.inconclusive("metric:error-rate", "result < 0.01", 2, reason))));
    }

    public static List<ProbeResult> evidence(boolean passed) {
        return List.of(new ProbeResult("health", passed, passed ? "200" : "503", "200", 3, passed ? null : "503"));
    }
}
