package io.relops.common.event;

import java.util.UUID;

/** A silence was ended before its time by the authenticated caller {@code expiredBy}. */
public record SilenceExpired(UUID silenceId, String application, String expiredBy) implements EventData {}
