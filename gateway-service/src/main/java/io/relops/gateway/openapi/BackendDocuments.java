package io.relops.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.swagger.v3.core.util.Json;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The routed backends' OpenAPI documents, fetched in parallel on a small pool and kept (Caffeine): a document for
 * {@link OpenApiSettings#backendTtl()}, a failure for {@link OpenApiSettings#failureTtl()} (the backend is not asked
 * again meanwhile), so that a request of the gateway's document asks a backend at most once per TTL, whatever the
 * request rate, and waits for all of them at most {@link OpenApiSettings#deadline()}. A backend that failed, or has
 * not answered by the deadline, is given by its last document fetched, if any (a late answer still fills the cache).
 */
final class BackendDocuments implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackendDocuments.class);

    /** A backend's document, or null: it could not be fetched; when (the ticker's nanos) the fetch ended. */
    private record Fetched(@Nullable JsonNode document, long at) {}

    private final Map<String, Callable<String>> fetchers;
    private final Ticker ticker;
    private final OpenApiSettings settings;
    private final ExecutorService executor;
    private final AsyncLoadingCache<String, Fetched> cache;
    private final Map<String, JsonNode> lastFetched = new ConcurrentHashMap<>();

    /** @param fetchers by backend: its {@code /v3/api-docs} body, or an exception */
    BackendDocuments(Map<String, Callable<String>> fetchers, OpenApiSettings settings, Ticker ticker) {
        this.fetchers = Map.copyOf(fetchers);
        this.settings = settings;
        this.ticker = ticker;
        CustomizableThreadFactory threads = new CustomizableThreadFactory("openapi-fetch-");
        threads.setDaemon(true);
        this.executor = Executors.newFixedThreadPool(Math.max(1, fetchers.size()), threads);
        this.cache = Caffeine.newBuilder()
                .executor(executor)
                .ticker(ticker)
                // writing, not creating: an async entry gets its duration when its fetch completes (an update),
                // counted from the end of the fetch, whenever Caffeine gets to it
                .expireAfter(Expiry.writing((String backend, Fetched fetched) -> (fetched.document() == null
                                ? settings.failureTtl()
                                : settings.backendTtl())
                        .minusNanos(ticker.read() - fetched.at())))
                .buildAsync(this::fetch);
    }

    /** The documents of {@code backends} (each one's freshest within the deadline); a backend never fetched: none. */
    Map<String, JsonNode> documents(Collection<String> backends) {
        Map<String, CompletableFuture<Fetched>> pending = new LinkedHashMap<>();
        backends.forEach(backend -> pending.put(backend, cache.get(backend)));
        try {
            CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                    .get(settings.deadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // those still fetching are given by their last document; their answer is cached when it comes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("fetch() answers every failure with an empty Fetched", e);
        }
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        pending.forEach((backend, future) -> {
            boolean done = future.isDone();
            JsonNode document = done ? future.join().document() : null;
            if (!done) {
                log.warn(
                        "the OpenAPI document of {} was not fetched within {}: {}",
                        backend,
                        settings.deadline(),
                        lastFetched.containsKey(backend)
                                ? "its last document fetched is used"
                                : "its paths are left out");
            }
            if (document == null) {
                document = lastFetched.get(backend);
            }
            if (document != null) {
                documents.put(backend, document);
            }
        });
        return documents;
    }

    private Fetched fetch(String backend) {
        try {
            JsonNode document = Json.mapper().readTree(fetchers.get(backend).call());
            if (!document.path("paths").isObject()) {
                throw new IllegalStateException("not an OpenAPI document (no paths)");
            }
            lastFetched.put(backend, document);
            return new Fetched(document, ticker.read());
        } catch (Exception e) {
            log.warn(
                    "the OpenAPI document of {} could not be fetched ({}), not asked again for {}: {}",
                    backend,
                    e.toString(),
                    settings.failureTtl(),
                    lastFetched.containsKey(backend) ? "its last document fetched is used" : "its paths are left out");
            return new Fetched(null, ticker.read());
        }
    }

    /**
     * How long {@code backend}'s fetch is still kept; empty while it is fetched (Caffeine records it just after the
     * fetch completes) or once expired.
     */
    Optional<Duration> keptFor(String backend) {
        return cache.synchronous()
                .policy()
                .expireVariably()
                .flatMap(expiry -> expiry.getExpiresAfter(backend))
                // a fetch in flight is kept "forever" until Caffeine learns its TTL
                .filter(duration -> duration.compareTo(settings.backendTtl()) <= 0
                        || duration.compareTo(settings.failureTtl()) <= 0);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
