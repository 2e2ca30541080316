package io.relops.deploy.targets.webhook;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the external system reports about a deploy: {@code status} {@code ready} (with the slot's
 * {@code endpoint}) or {@code failed} (with a {@code message} for a person). {@code releaseId} and
 * {@code slot} are required: they bind the signed body to one deploy request, whose callback is
 * taken once. {@code timestamp}, when sent, must be recent ({@code
 * relops.deploy.webhook.callback-max-age}). {@code attempt}, when sent, must be the request's (the deploy request
 * carries it): a callback of an earlier request for the same release and slot is then refused instead of answering
 * the new one; without it the callback answers the current request.
 */
public record WebhookCallback(
        @Nullable UUID releaseId,
        @Nullable String slot,
        @Nullable String status,
        @Nullable String endpoint,
        @Nullable String message,
        @Nullable Instant timestamp,
        @Nullable Integer attempt) {

    public static final String READY = "ready";
    public static final String FAILED = "failed";

    boolean ready() {
        return READY.equals(status);
    }
}
