package io.relops.healthcheck.monitor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.common.event.EventData;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.HealthVerified;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.RelopsEvent;
import io.relops.healthcheck.probe.HealthCatalog;
import io.relops.healthcheck.probe.HealthCatalog.HealthSpec;
import io.relops.healthcheck.probe.HealthCatalog.MonitorSpec;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import io.relops.healthcheck.probe.ProbeRunner;
import io.relops.healthcheck.probe.ProbeTarget;
import io.relops.healthcheck.verification.Verifier;
import io.relops.platform.events.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Continuous monitoring of every live application: each one's probes run every {@code
 * health.monitor.interval} on the replica that owns its partition ({@link MonitorOwnership}). The
 * judgement ({@link HealthState}, with hysteresis) is shared in {@code monitor_state}; a transition
 * to UNHEALTHY emits {@code health.failed}, a recovery {@code health.verified}, once each, in the
 * same transaction as the new state. Within the post-release watch window the events carry the
 * release id (deploy-service rolls back on it); after it, they carry none (alerts only).
 */
@Service
public class Monitors implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Monitors.class);

    private final LiveSlots liveSlots;
    private final MonitorStates states;
    private final HealthCatalog catalog;
    private final ProbeRunner probes;
    private final MonitorOwnership ownership;
    private final MonitorSettings settings;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    private final Timer lateness;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskScheduler control = new ThreadPoolTaskScheduler();
    private final ExecutorService judges = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "monitor-judge");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Monitor> monitors = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> healthy = new ConcurrentHashMap<>();
    private volatile boolean running;
    /** Until the first look at the live slots after this replica started: the monitors it creates resume. */
    private boolean resuming = true;

    private volatile Instant startedAt = Instant.now();

    public Monitors(
            LiveSlots liveSlots,
            MonitorStates states,
            HealthCatalog catalog,
            ProbeRunner probes,
            MonitorOwnership ownership,
            MonitorSettings settings,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry meters) {
        this.liveSlots = liveSlots;
        this.states = states;
        this.catalog = catalog;
        this.probes = probes;
        this.ownership = ownership;
        this.settings = settings;
        this.outbox = outbox;
        this.tx = tx;
        this.meters = meters;
        this.lateness = Timer.builder("relops.health.monitor.lateness")
                .description("how late monitor rounds start against their schedule")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        scheduler.setPoolSize(settings.threads());
        scheduler.setThreadNamePrefix("monitor-");
        control.setPoolSize(1);
        control.setThreadNamePrefix("monitor-control-");
    }

    /** Re-reads the live slots soon (after this replica consumed a change). */
    public void refreshSoon() {
        if (running) {
            control.execute(this::refreshQuietly);
        }
    }

    /** The monitors this replica schedules (whether it owns them or not), by application/environment. */
    public Set<String> scheduled() {
        return Set.copyOf(monitors.keySet());
    }

    public Timer lateness() {
        return lateness;
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("cannot write the monitor judgements: {}", e.getMessage());
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("cannot refresh the live slots: {}", e.getMessage());
        }
    }

    synchronized void refresh() {
        List<LiveSlot> live = liveSlots.all();
        Set<String> wanted = new HashSet<>();
        Map<String, MonitorStates.Row> rows = null;
        for (LiveSlot slot : live) {
            HealthSpec spec =
                    catalog.health(slot.application(), slot.environment()).orElse(null);
            if (spec == null || !spec.monitor().enabled() || spec.probeList().isEmpty()) {
                continue;
            }
            wanted.add(slot.key());
            Monitor existing = monitors.get(slot.key());
            if (existing != null && existing.sameLive(slot)) {
                existing.live = slot; // the watch window may have changed
                continue;
            }
            if (existing != null) {
                existing.cancel();
            }
            if (rows == null) {
                rows = new HashMap<>();
                for (MonitorStates.Row row : states.all()) {
                    rows.put(row.application() + "/" + row.environment(), row);
                }
            }
            MonitorStates.Row row = rows.get(slot.key());
            HealthState known = row != null && row.endpoint().equals(slot.endpoint()) ? row.state() : null;
            Instant graceUntil = resuming ? startedAt.plus(settings.startGrace()) : Instant.MIN;
            Monitor monitor = new Monitor(slot, spec, known, graceUntil);
            monitors.put(slot.key(), monitor);
            monitor.schedule();
            log.info(
                    "monitoring {} {} on {} ({}) every {} ms",
                    slot.application(),
                    slot.version(),
                    slot.slot(),
                    slot.endpoint(),
                    spec.monitor().interval().toMillis());
        }
        boolean removed = monitors.entrySet().removeIf(entry -> {
            if (wanted.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().cancel();
            log.info("no longer monitoring {}", entry.getKey());
            return true;
        });
        if (removed) {
            states.deleteExcept(live);
        }
        resuming = false;
    }

    /** Writes the judgements that changed since the last flush, in one batch. */
    void flush() {
        List<MonitorStates.Snapshot> dirty = new ArrayList<>();
        for (Monitor monitor : monitors.values()) {
            MonitorStates.Snapshot snapshot = monitor.takeDirty();
            if (snapshot != null) {
                dirty.add(snapshot);
            }
        }
        try {
            states.saveAll(dirty);
        } catch (RuntimeException e) {
            log.warn(
                    "cannot write {} monitor judgements (retried on the next flush): {}", dirty.size(), e.getMessage());
            for (Monitor monitor : monitors.values()) {
                monitor.markDirtyAgain(dirty);
            }
        }
    }

    /** One live application's monitor: scheduled on every replica, it probes only where owned. */
    private final class Monitor implements Runnable {
        volatile LiveSlot live;
        private final MonitorSpec spec;
        private final List<ProbeSpec> probeSpecs;
        private final HealthSpec health;
        private final Instant first;
        /** Failing rounds before this instant are not counted (resumed after a restart: see start-grace). */
        private final Instant graceUntil;

        private final AtomicInteger gauge;
        private long ticks;
        private @Nullable ScheduledFuture<?> future;
        private @Nullable HealthState state;
        private boolean fresh;
        private boolean owner;
        private boolean inFlight;
        private MonitorStates.@Nullable Snapshot dirty;

        Monitor(LiveSlot live, HealthSpec health, @Nullable HealthState known, Instant graceUntil) {
            MonitorSpec spec = health.monitor();
            this.live = live;
            this.graceUntil = graceUntil;
            this.state = known;
            this.fresh = true;
            this.spec = spec;
            this.probeSpecs = health.probeList();
            this.health = health;
            // spread the monitors over the interval (stable per application), not all on the same instant
            this.first = Instant.now()
                    .plusMillis(50
                            + Math.floorMod(
                                    live.key().hashCode(),
                                    Math.max(1, spec.interval().toMillis())));
            this.gauge = healthy.computeIfAbsent(live.application(), application -> {
                AtomicInteger value = new AtomicInteger(-1);
                Gauge.builder("relops.health.monitor.healthy", value, AtomicInteger::get)
                        .description("1 healthy, 0 unhealthy, -1 not judged yet (on the replica that owns it)")
                        .tag("application", application)
                        .register(meters);
                return value;
            });
        }

        boolean sameLive(LiveSlot other) {
            return Objects.equals(live.releaseId(), other.releaseId())
                    && live.endpoint().equals(other.endpoint())
                    && live.since().equals(other.since());
        }

        void schedule() {
            future = scheduler.scheduleAtFixedRate(this, first, spec.interval());
        }

        void cancel() {
            if (future != null) {
                future.cancel(false);
            }
        }

        @Override
        public void run() {
            Instant expected = first.plus(spec.interval().multipliedBy(ticks++));
            lateness.record(Duration.between(expected, Instant.now()).abs());
            if (!ownership.owns(live.key())) {
                synchronized (this) {
                    owner = false;
                }
                return;
            }
            synchronized (this) {
                if (inFlight) {
                    meters.counter("relops.health.monitor.skipped", "application", live.application())
                            .increment();
                    return;
                }
                inFlight = true;
            }
            LiveSlot slot = live;
            probes.runAll(
                            probeSpecs,
                            ProbeTarget.of(slot.application(), slot.version(), slot.slot(), slot.endpoint(), health))
                    .whenCompleteAsync(
                            (results, failure) -> {
                                synchronized (this) {
                                    try {
                                        if (failure != null) {
                                            throw new IllegalStateException("probe round failed", failure);
                                        }
                                        judge(slot, results);
                                    } catch (RuntimeException e) {
                                        log.warn("monitor round of {} failed: {}", slot.key(), e.toString());
                                    } finally {
                                        inFlight = false;
                                    }
                                }
                            },
                            judges);
        }

        private void judge(LiveSlot slot, List<ProbeResult> results) {
            if (!owner) {
                // started with the judgement read at creation, or took over: continue the shared one
                if (!fresh || state == null) {
                    state = states.find(slot.application(), slot.environment())
                            .filter(row -> row.endpoint().equals(slot.endpoint()))
                            .map(MonitorStates.Row::state)
                            .orElse(HealthState.unknown(0));
                }
                fresh = false;
                owner = true;
            }
            if (Instant.now().isBefore(graceUntil) && results.stream().anyMatch(result -> !result.passed())) {
                log.info(
                        "{}: failing round not counted: resumed after a restart, start grace until {}",
                        slot.key(),
                        graceUntil);
                return;
            }
            HealthState before = Objects.requireNonNull(state);
            HealthState.Step step = before.next(results, spec.unhealthyAfter(), spec.healthyAfter());
            HealthState after = step.state();
            MonitorStates.Snapshot snapshot = new MonitorStates.Snapshot(
                    slot.application(),
                    slot.environment(),
                    slot.endpoint(),
                    after,
                    results,
                    OffsetDateTime.now(),
                    after.status() != before.status());
            if (step.transition() != null) {
                // the new state and its event commit together
                tx.executeWithoutResult(status -> {
                    states.save(snapshot);
                    outbox.append(transitionEvent(slot, after, step.transition(), results));
                });
                dirty = null;
                meters.counter(
                                "relops.health.monitor.transitions",
                                "application",
                                slot.application(),
                                "to",
                                step.transition().name().toLowerCase(Locale.ROOT))
                        .increment();
            } else if (snapshot.changed()) {
                states.save(snapshot); // a first verdict: visible at once
                dirty = null;
            } else {
                dirty = snapshot; // streaks, evidence, checkedAt: written by the next flush
            }
            state = after;
            gauge.set(
                    after.status() == HealthState.Status.HEALTHY
                            ? 1
                            : after.status() == HealthState.Status.UNHEALTHY ? 0 : -1);
        }

        synchronized MonitorStates.@Nullable Snapshot takeDirty() {
            MonitorStates.Snapshot taken = dirty;
            dirty = null;
            return owner ? taken : null;
        }

        synchronized void markDirtyAgain(List<MonitorStates.Snapshot> failed) {
            for (MonitorStates.Snapshot snapshot : failed) {
                if (dirty == null
                        && snapshot.application().equals(live.application())
                        && snapshot.environment().equals(live.environment())) {
                    dirty = snapshot;
                }
            }
        }
    }

    private RelopsEvent<?> transitionEvent(
            LiveSlot slot, HealthState state, HealthState.Status to, List<ProbeResult> results) {
        boolean watched = slot.watched(OffsetDateTime.now());
        java.util.UUID releaseId = watched ? slot.releaseId() : null;
        EventData data;
        String what;
        if (to == HealthState.Status.UNHEALTHY) {
            String problems = results.stream()
                    .filter(r -> !r.passed() && r.error() != null)
                    .map(r -> r.probe() + ": " + r.error())
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("probes failed");
            what = "live " + slot.version() + " on " + slot.slot() + " turned unhealthy after " + state.failingStreak()
                    + " consecutive failing rounds" + (watched ? " (within the post-release watch window)" : "")
                    + ": " + problems;
            data = new HealthFailed(
                    releaseId,
                    slot.application(),
                    slot.environment(),
                    slot.version(),
                    slot.slot(),
                    null,
                    what,
                    results);
        } else {
            what = "live " + slot.version() + " on " + slot.slot() + " recovered after " + state.passingStreak()
                    + " consecutive passing rounds";
            data = new HealthVerified(
                    releaseId, slot.application(), slot.environment(), slot.version(), slot.slot(), null, results);
        }
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", releaseId == null ? "" : releaseId.toString())) {
            log.info("{}: {}", slot.key(), what);
        }
        String cause = "monitor/" + slot.key() + "/" + slot.releaseId() + "/"
                + slot.since().toInstant().toEpochMilli();
        return RelopsEvent.withId(
                RelopsEvent.derivedId(cause, "transition-" + state.transitions()), Verifier.SOURCE, data);
    }

    @Override
    public void start() {
        startedAt = Instant.now();
        scheduler.initialize();
        control.initialize();
        running = true;
        ownership.renew();
        Duration renewal = settings.lease().dividedBy(3);
        // leases, live slots and batched writes on their own thread: the probe schedule never waits on them
        control.scheduleWithFixedDelay(ownership::renew, Instant.now().plus(renewal), renewal);
        control.scheduleWithFixedDelay(this::refreshQuietly, settings.refresh());
        control.scheduleWithFixedDelay(
                this::flushQuietly, Instant.now().plus(settings.persistEvery()), settings.persistEvery());
    }

    @Override
    public void stop() {
        running = false;
        monitors.values().forEach(Monitor::cancel);
        flushQuietly();
        monitors.clear();
        scheduler.shutdown();
        control.shutdown();
        judges.shutdown();
        ownership.releaseAll();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
