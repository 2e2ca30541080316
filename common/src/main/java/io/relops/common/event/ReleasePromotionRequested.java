package io.relops.common.event;

import java.util.UUID;

/** An operator asked a paused release to go on to its next step. */
public record ReleasePromotionRequested(UUID releaseId, String application, String requestedBy) implements EventData {}
