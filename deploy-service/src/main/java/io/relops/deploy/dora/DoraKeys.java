package io.relops.deploy.dora;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The four keys of one application and environment over {@code [from, to)}.
 *
 * @param deployments successful deployments (releases COMPLETED) in the window
 * @param deploymentsPerDay deployment frequency: {@code deployments} per day of the window
 * @param leadTime median lead time for changes (request, or commit when known, to completion); null without any
 *     deployment
 * @param changes changes that reached the environment (completed, rolled back, or failed once deployed)
 * @param failedChanges of those, the ones rolled back or failed
 * @param changeFailureRate {@code failedChanges / changes}; null without changes
 * @param restores failed changes whose rollback completed (service restored)
 * @param timeToRestore median time from a failure's detection (rollback start) to its restoration (rollback
 *     completed); null without restores
 */
public record DoraKeys(
        String application,
        String environment,
        Instant from,
        Instant to,
        long deployments,
        double deploymentsPerDay,
        @Nullable Duration leadTime,
        long changes,
        long failedChanges,
        @Nullable Double changeFailureRate,
        long restores,
        @Nullable Duration timeToRestore) {}
