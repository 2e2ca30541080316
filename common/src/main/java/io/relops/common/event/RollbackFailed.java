package io.relops.common.event;

import java.util.UUID;

/** A rollback could not be completed; the application needs a person. */
public record RollbackFailed(UUID releaseId, String application, String environment, String reason)
        implements EventData {}
