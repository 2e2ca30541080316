package io.relops.common.event;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An approver approved a release waiting for approval. */
public record ReleaseApproved(
        UUID releaseId,
        String application,
        String approvedBy,
        @Nullable String comment) implements EventData {}
