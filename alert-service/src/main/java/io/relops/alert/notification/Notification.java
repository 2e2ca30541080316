package io.relops.alert.notification;

import java.util.UUID;

/**
 * What a channel sends: one notification to one integration. {@code id} is the notification's id (its outbox row),
 * the same on every attempt: delivery is at least once (a notification sent just before alert-service or its
 * database stops, and not yet marked delivered, is sent again afterwards), so channels that can pass the id on let
 * the receiving end apply a repeat once (the webhook's {@code Idempotency-Key}, the e-mail's {@code Message-ID}).
 */
public record Notification(UUID id, NotificationMessage message) {}
