package io.relops.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackendDocumentsTest {

    private static final String DOCUMENT = "{\"openapi\":\"3.1.0\",\"paths\":{\"/api/alerts\":{}}}";
    private static final OpenApiSettings SETTINGS =
            new OpenApiSettings(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2));

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void aDocumentFetchedIsNotFetchedAgainWithinItsTtl() {
        AtomicInteger calls = new AtomicInteger();
        try (BackendDocuments documents = documents(Map.of("alert-service", () -> {
            calls.incrementAndGet();
            return DOCUMENT;
        }))) {
            assertThat(documents.documents(List.of("alert-service"))).containsKey("alert-service");
            assertThat(kept(documents, "alert-service")).isEqualTo(Duration.ofSeconds(30));
            advance(Duration.ofSeconds(29));
            assertThat(documents.documents(List.of("alert-service"))).containsKey("alert-service");
            assertThat(calls).hasValue(1);

            advance(Duration.ofSeconds(2));
            assertThat(documents.documents(List.of("alert-service"))).containsKey("alert-service");
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aFailedBackendIsNotAskedAgainWithinTheFailureTtlAndItsLastDocumentIsServed() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failFrom = new AtomicInteger(Integer.MAX_VALUE);
        try (BackendDocuments documents = documents(Map.of("backup-service", () -> {
            if (calls.incrementAndGet() >= failFrom.get()) {
                throw new IllegalStateException("connection refused");
            }
            return DOCUMENT;
        }))) {
            assertThat(documents.documents(List.of("backup-service"))).containsKey("backup-service");
            assertThat(kept(documents, "backup-service")).isEqualTo(Duration.ofSeconds(30));
            failFrom.set(2);
            advance(Duration.ofSeconds(31));
            documents.documents(List.of("backup-service"));
            assertThat(kept(documents, "backup-service")).isEqualTo(Duration.ofSeconds(10));

            // failed: served from the last document, and not asked again for 10 s whatever the request rate
            for (int i = 0; i < 5; i++) {
                JsonNode served = documents.documents(List.of("backup-service")).get("backup-service");
                assertThat(served).isNotNull();
                assertThat(served.path("paths").has("/api/alerts")).isTrue();
                advance(Duration.ofSeconds(1));
            }
            assertThat(calls).hasValue(2);

            advance(Duration.ofSeconds(6));
            documents.documents(List.of("backup-service"));
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void aBackendNeverFetchedIsLeftOutAndNotAskedAgainWithinTheFailureTtl() {
        AtomicInteger calls = new AtomicInteger();
        try (BackendDocuments documents = documents(Map.of("audit-service", () -> {
            calls.incrementAndGet();
            return "{\"not\":\"an OpenAPI document\"}";
        }))) {
            assertThat(documents.documents(List.of("audit-service"))).isEmpty();
            assertThat(kept(documents, "audit-service")).isEqualTo(Duration.ofSeconds(10));
            advance(Duration.ofSeconds(9));
            assertThat(documents.documents(List.of("audit-service"))).isEmpty();
            assertThat(calls).hasValue(1);
            advance(Duration.ofSeconds(2));
            assertThat(documents.documents(List.of("audit-service"))).isEmpty();
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aHangingBackendDelaysTheOthersByNoMoreThanTheDeadlineAndItsLateAnswerIsKept() {
        CountDownLatch hang = new CountDownLatch(1);
        AtomicInteger hangingCalls = new AtomicInteger();
        try (BackendDocuments documents = documents(Map.of("alert-service", () -> DOCUMENT, "deploy-service", () -> {
            hangingCalls.incrementAndGet();
            hang.await();
            return DOCUMENT;
        }))) {
            long start = System.nanoTime();
            Map<String, ?> first = documents.documents(List.of("alert-service", "deploy-service"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(first).containsOnlyKeys("alert-service");
            assertThat(took).isGreaterThanOrEqualTo(SETTINGS.deadline()).isLessThan(Duration.ofSeconds(5));

            // still the same fetch in flight: not asked a second time
            documents.documents(List.of("deploy-service"));
            hang.countDown();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> documents.documents(List.of("deploy-service")).containsKey("deploy-service"));
            assertThat(hangingCalls).hasValue(1);
        }
    }

    private BackendDocuments documents(Map<String, Callable<String>> fetchers) {
        return new BackendDocuments(fetchers, SETTINGS, nanos::get);
    }

    /** Once Caffeine has recorded the last fetch of {@code backend} (just after it completes), how long it is kept. */
    private static Duration kept(BackendDocuments documents, String backend) {
        return await().atMost(Duration.ofSeconds(5))
                .until(() -> documents.keptFor(backend), Optional::isPresent)
                .orElseThrow();
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
