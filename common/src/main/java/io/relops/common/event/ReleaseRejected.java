package io.relops.common.event;

import java.util.UUID;

/** An approver rejected a release waiting for approval; the release ends REJECTED. */
public record ReleaseRejected(UUID releaseId, String application, String rejectedBy, String reason)
        implements EventData {}
