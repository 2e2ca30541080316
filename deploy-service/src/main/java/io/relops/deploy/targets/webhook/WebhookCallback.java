package io.relops.deploy.targets.webhook;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the external system reports about a deploy: {@code status} {@code ready} (with the slot's
 * {@code endpoint}) or {@code failed} (with a {@code message} for a person). {@code releaseId},
 * when sent, must be the one in the callback URL: it binds the signed body to that release.
 */
public record WebhookCallback(
        @Nullable UUID releaseId,
        @Nullable String slot,
        @Nullable String status,
        @Nullable String endpoint,
        @Nullable String message) {

    public static final String READY = "ready";
    public static final String FAILED = "failed";

    boolean ready() {
        return READY.equals(status);
    }
}
