package io.relops.gateway.console;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.release.ReleaseStatus;
import io.relops.gateway.release.Backends;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Live release status for the console as server-sent events. One poller per gateway replica reads
 * deploy-service (the source of truth for release state, through the same {@link Backends} as the
 * API) while someone watches, and pushes to each subscriber only what changed since it last heard:
 * the rendered rows of the release list ({@code releases}), or a release's status and timeline size
 * ({@code release}). Polling the owner of the state needs no consumer group per replica, misses
 * nothing across gateway restarts and costs nothing when nobody watches.
 */
@Component
class ReleaseFeed {

    private static final Logger log = LoggerFactory.getLogger(ReleaseFeed.class);
    private static final long TIMEOUT = Duration.ofMinutes(30).toMillis();

    /** One open event stream: the whole list (release null) or one release. */
    private static final class Subscriber {
        final SseEmitter emitter = new SseEmitter(TIMEOUT);
        final @Nullable UUID release;
        /** Who watches: the backends are asked with this user's token, from the scheduler's thread. */
        final @Nullable Authentication viewer;

        volatile @Nullable String lastSent;

        Subscriber(@Nullable UUID release, @Nullable Authentication viewer) {
            this.release = release;
            this.viewer = viewer;
        }

        String viewerName() {
            return viewer == null ? "" : viewer.getName();
        }
    }

    private final Backends backends;
    private final ITemplateEngine templates;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    ReleaseFeed(Backends backends, ITemplateEngine templates, MeterRegistry meters) {
        this.backends = backends;
        this.templates = templates;
        Gauge.builder("relops.console.streams", subscribers, List::size)
                .description("open live-status streams of the web console")
                .register(meters);
    }

    SseEmitter releases() {
        return subscribe(new Subscriber(null, currentViewer()));
    }

    SseEmitter release(UUID id) {
        return subscribe(new Subscriber(id, currentViewer()));
    }

    private static @Nullable Authentication currentViewer() {
        return SecurityContextHolder.getContext().getAuthentication();
    }

    private SseEmitter subscribe(Subscriber subscriber) {
        subscriber.emitter.onCompletion(() -> subscribers.remove(subscriber));
        subscriber.emitter.onTimeout(() -> subscribers.remove(subscriber));
        subscriber.emitter.onError(e -> subscribers.remove(subscriber));
        subscribers.add(subscriber);
        return subscriber.emitter;
    }

    @Scheduled(fixedDelayString = "${relops.gateway.console.refresh:1s}")
    void push() {
        if (subscribers.isEmpty()) {
            return;
        }
        Map<String, String> rowsByViewer = new java.util.HashMap<>();
        Map<String, String> states = new java.util.HashMap<>();
        for (Subscriber subscriber : subscribers) {
            SecurityContextHolder.setContext(new SecurityContextImpl(subscriber.viewer));
            try {
                String event;
                String payload;
                if (subscriber.release == null) {
                    event = "releases";
                    payload = rowsByViewer.computeIfAbsent(subscriber.viewerName(), viewer -> rows());
                } else {
                    event = "release";
                    UUID release = subscriber.release;
                    payload = states.computeIfAbsent(subscriber.viewerName() + "/" + release, key -> state(release));
                }
                if (!Objects.equals(payload, subscriber.lastSent)) {
                    subscriber.emitter.send(SseEmitter.event().name(event).data(payload));
                    subscriber.lastSent = payload;
                }
            } catch (IOException | IllegalStateException e) {
                subscribers.remove(subscriber);
            } catch (RuntimeException e) {
                // deploy-service or audit-service unreachable: keep the streams, try again next tick
                log.debug("console feed could not read release state: {}", e.toString());
                return;
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }

    private String rows() {
        List<ReleaseView> releases = backends.releases(null, null, null, 50).stream()
                .map(ReleaseView::of)
                .toList();
        Context context = new Context();
        context.setVariable("releases", releases);
        return templates.process("console/release-rows", context).strip();
    }

    /** {@code STATUS events}: changes when the release moves or its timeline grows. */
    private String state(UUID id) {
        String status =
                backends.release(id).map(r -> String.valueOf(r.get("status"))).orElse(ReleaseStatus.REQUESTED.name());
        return status + " " + backends.timeline(id).size();
    }
}
