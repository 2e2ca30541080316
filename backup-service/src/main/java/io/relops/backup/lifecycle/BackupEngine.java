package io.relops.backup.lifecycle;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relops.backup.driver.BackupDriver;
import io.relops.backup.driver.BackupException;
import io.relops.backup.policy.BackupCatalog;
import io.relops.backup.policy.BackupSettings;
import io.relops.backup.retention.Retention;
import io.relops.backup.retention.RetentionPolicy;
import io.relops.backup.storage.ArtifactStore;
import io.relops.backup.storage.Encryption;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.BackupCompleted;
import io.relops.common.event.BackupFailed;
import io.relops.common.event.BackupPruned;
import io.relops.common.event.BackupVerified;
import io.relops.common.event.BackupVerified.Check;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.RestoreCompleted;
import io.relops.common.event.RestoreFailed;
import io.relops.platform.events.Outbox;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Does the work: takes a backup through its driver, hashes (and optionally encrypts) it on the way to storage,
 * verifies, restores and prunes. Each outcome is recorded in the catalog together with its event (outbox).
 */
public class BackupEngine {

    static final URI SOURCE = CloudEventCodec.sourceOf("backup");
    private static final Logger log = LoggerFactory.getLogger(BackupEngine.class);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private final BackupCatalog catalog;
    private final BackupSettings settings;
    private final Map<String, BackupDriver> drivers;
    private final ArtifactStore store;
    private final @Nullable Encryption encryption;
    private final BackupRepository repository;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Path staging;

    public BackupEngine(
            BackupCatalog catalog,
            BackupSettings settings,
            List<BackupDriver> drivers,
            ArtifactStore store,
            @Nullable Encryption encryption,
            BackupRepository repository,
            Outbox outbox,
            TransactionTemplate tx,
            MeterRegistry metrics,
            Clock clock)
            throws IOException {
        this.catalog = catalog;
        this.settings = settings;
        this.drivers = drivers.stream().collect(Collectors.toUnmodifiableMap(BackupDriver::name, d -> d));
        this.store = store;
        this.encryption = encryption;
        this.repository = repository;
        this.outbox = outbox;
        this.tx = tx;
        this.metrics = metrics;
        this.clock = clock;
        this.staging = settings.staging() != null
                ? settings.staging()
                : Path.of(System.getProperty("java.io.tmpdir"), "relops-backup-staging");
        Files.createDirectories(staging);
    }

    /** Which drivers exist, for refusing requests early with a clear reason. */
    public boolean hasDriver(String name) {
        return drivers.containsKey(name);
    }

    public String driverNames() {
        return String.join(", ", drivers.keySet().stream().sorted().toList());
    }

    /**
     * Takes a claimed backup through to COMPLETED or FAILED. {@code bytesDone} follows the bytes of the artifact
     * written so far, for the worker to report as progress; the expected total is recorded before the driver starts.
     */
    public void takeBackup(BackupRecord backup, AtomicLong bytesDone) {
        long started = System.nanoTime();
        Path part = null;
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(backup.releaseId()))) {
            try {
                BackupCatalog.BackupSpec spec = spec(backup);
                BackupDriver driver = driver(backup.application(), spec);
                String key = backup.application() + "/" + DAY.format(backup.requestedAt()) + "/" + backup.id() + "."
                        + driver.extension(spec) + (encryption != null ? ".enc" : "");
                estimateSize(backup, driver, spec);
                part = Files.createTempFile(staging, backup.id().toString(), ".part");
                MessageDigest sha256 = sha256();
                Counting stored;
                Counting produced;
                Map<String, Long> evidence;
                try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
                    stored = new Counting(new DigestOutputStream(file, sha256), n -> {});
                    OutputStream sealed = encryption != null ? encryption.encrypt(stored) : stored;
                    produced = new Counting(sealed, bytesDone::set);
                    try (OutputStream out = produced) {
                        evidence = driver.backup(backup.application(), spec, out);
                    }
                }
                store.put(key, part);
                String location = store.location(key);
                String hash = HexFormat.of().formatHex(sha256.digest());
                long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                long size = stored.count;
                long bytes = produced.count;
                Instant now = clock.instant();
                tx.executeWithoutResult(status -> {
                    repository.completed(
                            backup.id(),
                            key,
                            location,
                            size,
                            bytes,
                            hash,
                            encryption != null,
                            evidence,
                            durationMs,
                            spec.verify().afterBackup(),
                            now);
                    outbox.append(RelopsEvent.withId(
                            RelopsEvent.derivedId(backup.id().toString(), "backup-outcome"),
                            SOURCE,
                            new BackupCompleted(
                                    backup.id(),
                                    backup.application(),
                                    backup.releaseId(),
                                    location,
                                    size,
                                    hash,
                                    durationMs)));
                });
                record(backup.application(), "completed", durationMs);
                DistributionSummary.builder("relops.backup.size")
                        .baseUnit("bytes")
                        .tag("application", backup.application())
                        .register(metrics)
                        .record(size);
                log.info(
                        "backup {} of {} completed: {} bytes at {} in {} ms",
                        backup.id(),
                        backup.application(),
                        size,
                        location,
                        durationMs);
            } catch (IOException | RuntimeException e) {
                long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                String reason = reason(e);
                tx.executeWithoutResult(status -> {
                    repository.failed(backup.id(), reason, durationMs);
                    outbox.append(RelopsEvent.withId(
                            RelopsEvent.derivedId(backup.id().toString(), "backup-outcome"),
                            SOURCE,
                            new BackupFailed(backup.id(), backup.application(), backup.releaseId(), reason)));
                });
                record(backup.application(), "failed", durationMs);
                log.warn("backup {} of {} failed: {}", backup.id(), backup.application(), reason);
            } finally {
                deleteQuietly(part);
            }
        }
    }

    /**
     * Re-reads a stored backup: its SHA-256 against the catalog's, the driver's listing of the archive, and — when
     * the catalog asks for it — a test restore compared with the evidence recorded at backup time.
     */
    public List<Check> verify(BackupRecord backup) {
        List<Check> checks = new ArrayList<>();
        Path fetched = null;
        Path plain = null;
        try {
            BackupCatalog.BackupSpec spec = spec(backup);
            BackupDriver driver = driver(backup.application(), spec);
            fetched = store.fetch(requireKey(backup), staging);
            String hash = hash(fetched);
            boolean same = hash.equals(backup.sha256());
            checks.add(new Check(
                    "sha256",
                    same,
                    same
                            ? "artifact matches the recorded sha256 " + hash
                            : "artifact sha256 " + hash + " differs from the recorded " + backup.sha256()
                                    + ": the stored artifact is corrupted or was altered"));
            if (same) {
                plain = plain(backup, fetched);
                checks.addAll(driver.inspect(backup.application(), spec, plain));
                if (spec.verify().testRestore() && checks.stream().allMatch(Check::passed)) {
                    checks.addAll(driver.testRestore(backup.application(), spec, plain, backup.evidence()));
                }
            }
        } catch (IOException | RuntimeException e) {
            checks.add(new Check("read", false, reason(e)));
        } finally {
            if (plain != null && !plain.equals(fetched)) {
                deleteQuietly(plain);
            }
            if (fetched != null && fetched.startsWith(staging)) {
                deleteQuietly(fetched);
            }
        }
        boolean passed = checks.stream().allMatch(Check::passed);
        tx.executeWithoutResult(status -> {
            repository.verified(backup.id(), passed, checks);
            String eventId = RelopsEvent.derivedId(backup.id().toString(), "verified-" + clock.millis());
            if (passed) {
                outbox.append(RelopsEvent.withId(
                        eventId,
                        SOURCE,
                        new BackupVerified(backup.id(), backup.application(), backup.sha256(), checks)));
            } else {
                String failedChecks = checks.stream()
                        .filter(c -> !c.passed())
                        .map(c -> c.name() + ": " + c.detail())
                        .collect(Collectors.joining("; "));
                outbox.append(RelopsEvent.withId(
                        eventId,
                        SOURCE,
                        new BackupFailed(
                                backup.id(), backup.application(), null, "verification failed: " + failedChecks)));
            }
        });
        metrics.counter(
                        "relops.backup.verifications",
                        "application",
                        backup.application(),
                        "outcome",
                        passed ? "passed" : "failed")
                .increment();
        log.info(
                "backup {} of {} verification {}: {}",
                backup.id(),
                backup.application(),
                passed ? "passed" : "FAILED",
                checks);
        return checks;
    }

    /** Restores a backup over the application's data; refuses an artifact whose hash does not match. */
    public void restore(RestoreRecord restore) {
        long started = System.nanoTime();
        Path fetched = null;
        Path plain = null;
        String reason = null;
        try (MDC.MDCCloseable r = MDC.putCloseable("releaseId", String.valueOf(restore.releaseId()))) {
            try {
                BackupRecord backup = repository
                        .find(restore.backupId())
                        .orElseThrow(() -> new BackupException("no backup " + restore.backupId()));
                if (backup.status() != BackupStatus.COMPLETED) {
                    throw new BackupException("backup " + backup.id() + " is " + backup.status() + ", not restorable");
                }
                BackupCatalog.BackupSpec spec = spec(backup);
                BackupDriver driver = driver(backup.application(), spec);
                fetched = store.fetch(requireKey(backup), staging);
                String hash = hash(fetched);
                if (!hash.equals(backup.sha256())) {
                    throw new BackupException("refusing to restore backup " + backup.id() + ": artifact sha256 " + hash
                            + " differs from the recorded " + backup.sha256());
                }
                plain = plain(backup, fetched);
                driver.restore(backup.application(), spec, plain);
            } catch (IOException | RuntimeException e) {
                reason = reason(e);
            } finally {
                if (plain != null && !plain.equals(fetched)) {
                    deleteQuietly(plain);
                }
                if (fetched != null && fetched.startsWith(staging)) {
                    deleteQuietly(fetched);
                }
            }
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            String failure = reason;
            tx.executeWithoutResult(status -> {
                repository.restoreFinished(restore.id(), failure == null, failure, durationMs);
                String eventId = RelopsEvent.derivedId(restore.id().toString(), "restore-outcome");
                outbox.append(
                        failure == null
                                ? RelopsEvent.withId(
                                        eventId,
                                        SOURCE,
                                        new RestoreCompleted(
                                                restore.id(), restore.backupId(), restore.application(), durationMs))
                                : RelopsEvent.withId(
                                        eventId,
                                        SOURCE,
                                        new RestoreFailed(
                                                restore.id(), restore.backupId(), restore.application(), failure)));
            });
            Timer.builder("relops.backup.restore.duration")
                    .tag("application", restore.application())
                    .tag("outcome", failure == null ? "completed" : "failed")
                    .register(metrics)
                    .record(durationMs, TimeUnit.MILLISECONDS);
            if (failure == null) {
                log.info("restore {} of backup {} completed in {} ms", restore.id(), restore.backupId(), durationMs);
            } else {
                log.warn("restore {} of backup {} failed: {}", restore.id(), restore.backupId(), failure);
            }
        }
    }

    /**
     * Applies the retention policy of the application in {@code environment} (null: its backups without one) to its
     * backups there; returns the ids it pruned.
     */
    public List<UUID> prune(String application, @Nullable String environment) {
        BackupCatalog.BackupSpec spec = catalog.backup(application, environment);
        if (spec == null) {
            return List.of();
        }
        RetentionPolicy policy = spec.retention().policy();
        Instant now = clock.instant();
        Retention.Decision decision = Retention.decide(
                repository.retentionCandidates(application, environment, settings.protectReleasesFor(), now),
                policy,
                now,
                clock.getZone());
        List<UUID> pruned = new ArrayList<>();
        for (Retention.Candidate candidate : decision.prune()) {
            // recorded first, deleted after: an outage in between leaves a PRUNED backup whose artifact is still
            // there (deleted on the worker's next poll), never a COMPLETED one whose artifact is gone
            boolean recorded = Boolean.TRUE.equals(tx.execute(status -> {
                if (!repository.pruned(candidate.id(), "retention " + policy.describe())) {
                    return false;
                }
                outbox.append(RelopsEvent.withId(
                        RelopsEvent.derivedId(candidate.id().toString(), "pruned"),
                        SOURCE,
                        new BackupPruned(candidate.id(), application, policy.describe())));
                return true;
            }));
            if (recorded) {
                metrics.counter("relops.backup.pruned", "application", application)
                        .increment();
                pruned.add(candidate.id());
            }
        }
        deletePrunedArtifacts(application);
        if (!pruned.isEmpty()) {
            log.info("retention pruned {} backups of {}; kept {}", pruned.size(), application, decision.kept());
        }
        return pruned;
    }

    /**
     * Deletes the artifacts of the application's pruned backups that still have one (idempotent): after each prune,
     * and from the worker's every poll for a prune an outage cut short, so that a left-over artifact does not wait for
     * the application's next backup.
     */
    void deletePrunedArtifacts(String application) {
        repository.artifactsToDelete(application).forEach((id, key) -> {
            try {
                if (key != null) {
                    store.delete(key);
                }
                repository.artifactDeleted(id);
            } catch (IOException | RuntimeException e) {
                log.warn(
                        "cannot delete the artifact of pruned backup {} yet (next retention pass): {}",
                        id,
                        e.getMessage());
            }
        });
    }

    /**
     * Records how many bytes the backup will probably write: as many as the application's previous backup, else the
     * driver's estimate from the source (the database's or the directory's size, an upper bound as both compress).
     */
    private void estimateSize(BackupRecord backup, BackupDriver driver, BackupCatalog.BackupSpec spec) {
        OptionalLong previous = repository.previousBytes(backup.application(), driver.name());
        OptionalLong estimate = previous.isPresent() ? previous : driver.estimateSize(backup.application(), spec);
        if (estimate.isPresent()) {
            repository.bytesTotal(backup.id(), estimate.getAsLong());
        }
    }

    /** The policy the backup was taken under: its environment's (the application's when it has none). */
    private BackupCatalog.BackupSpec spec(BackupRecord backup) {
        BackupCatalog.BackupSpec spec = catalog.backup(backup.application(), backup.environment());
        if (spec == null) {
            throw new BackupException("application '" + backup.application() + "' has no backup policy in the catalog");
        }
        return spec;
    }

    private BackupDriver driver(String application, BackupCatalog.BackupSpec spec) {
        BackupDriver driver = drivers.get(spec.driver());
        if (driver == null) {
            throw new BackupException("application '" + application + "' names backup driver '" + spec.driver()
                    + "', which does not exist (drivers: " + driverNames() + ")");
        }
        return driver;
    }

    private static String requireKey(BackupRecord backup) {
        if (backup.storageKey() == null) {
            throw new BackupException("backup " + backup.id() + " has no stored artifact");
        }
        return backup.storageKey();
    }

    /** The plain artifact: the fetched file itself, or its decryption into staging. */
    private Path plain(BackupRecord backup, Path fetched) throws IOException {
        if (!backup.encrypted()) {
            return fetched;
        }
        if (encryption == null) {
            throw new BackupException(
                    "backup " + backup.id() + " is encrypted but relops.backup.storage.encryption-key is not set");
        }
        Path plain = Files.createTempFile(staging, backup.id().toString(), ".plain");
        try (InputStream in = encryption.decrypt(Files.newInputStream(fetched))) {
            Files.copy(in, plain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(plain);
            throw new BackupException("cannot decrypt backup " + backup.id() + ": " + e.getMessage(), e);
        }
        return plain;
    }

    static String hash(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void record(String application, String outcome, long durationMs) {
        Timer.builder("relops.backup.duration")
                .tag("application", application)
                .tag("outcome", outcome)
                .register(metrics)
                .record(durationMs, TimeUnit.MILLISECONDS);
        metrics.counter("relops.backup.outcomes", "application", application, "outcome", outcome)
                .increment();
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof BackupException) {
            return message;
        }
        return e.getClass().getSimpleName() + ": " + message;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", file, e.getMessage());
            }
        }
    }

    /** Counts the bytes that pass. */
    private static final class Counting extends FilterOutputStream {
        private final LongConsumer progress;
        long count;

        Counting(OutputStream out, LongConsumer progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            progress.accept(count);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            progress.accept(count);
        }
    }
}
