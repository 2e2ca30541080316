package io.relops.deploy.targets.webhook;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The webhook deploys waiting for their callback, by the id in the callback URL (the release id).
 * A deploy registers before it POSTs, so a callback that arrives at once is never lost; it
 * unregisters when it returns, so a late callback finds nothing waiting.
 */
@Component
public class WebhookCallbacks {

    /** A deploy waiting for its callback; the secret verifies the callback's signature. */
    public record Waiting(String application, String slot, String secret, CompletableFuture<WebhookCallback> result) {}

    private final Map<UUID, Waiting> waiting = new ConcurrentHashMap<>();

    Waiting register(UUID id, String application, String slot, String secret) {
        Waiting entry = new Waiting(application, slot, secret, new CompletableFuture<>());
        waiting.put(id, entry);
        return entry;
    }

    Optional<Waiting> waiting(UUID id) {
        return Optional.ofNullable(waiting.get(id));
    }

    void unregister(UUID id, Waiting entry) {
        waiting.remove(id, entry);
    }
}
