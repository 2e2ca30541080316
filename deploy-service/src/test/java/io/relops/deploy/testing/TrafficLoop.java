package io.relops.deploy.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Client threads requesting an application's stable URL back to back, as users would, through every switch: each
 * request is counted, each failure too (an error status or an I/O error: there is no retry here beyond what the
 * JDK's HTTP client does for any caller), and each answer by the demo-app version that gave it (its body names it).
 * Zero-downtime tests require {@link Counts#failures()} to be zero and measure the split of a canary step with
 * {@link #split}.
 */
public final class TrafficLoop implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final HttpRequest request;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, String> versions = new ConcurrentHashMap<>();
    private final List<Thread> threads;
    private volatile @Nullable String lastFailure;
    private long phaseRequests;
    private long phaseFailures;

    /** {@code clients} threads requesting {@code uri}, with {@code headers} (name, value, ...) on every request. */
    public TrafficLoop(URI uri, int clients, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        this.request = builder.build();
        this.threads = IntStream.rangeClosed(1, clients)
                .mapToObj(n -> new Thread(this::run, "client-" + n))
                .toList();
        threads.forEach(Thread::start);
    }

    /** Two clients. */
    public TrafficLoop(URI uri) {
        this(uri, 2);
    }

    private void run() {
        while (running.get()) {
            requests.incrementAndGet();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    failures.incrementAndGet();
                    lastFailure = response.statusCode() + " " + response.body();
                } else {
                    versions.put(sequence.incrementAndGet(), version(response.body()));
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                lastFailure = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String version(String body) {
        int at = body.indexOf("\"version\":\"");
        return at < 0 ? body : body.substring(at + 11, body.indexOf('"', at + 11));
    }

    /** Waits until {@code more} requests were sent. */
    public void awaitRequests(long more) {
        long target = requests.get() + more;
        await().atMost(WAIT).until(() -> requests.get() >= target);
    }

    /** Waits until an answer from {@code version} arrives (after this call). */
    public void awaitVersion(String version) {
        long from = sequence.get();
        await().atMost(WAIT)
                .until(() -> versions.entrySet().stream()
                        .anyMatch(e -> e.getKey() > from && e.getValue().equals(version)));
    }

    /**
     * The answers by version of the next {@code answers} successful requests (those sent after this call): the split
     * the router applies now.
     */
    public Map<String, Long> split(int answers) {
        long from = sequence.get() + threads.size(); // a request already in flight may predate the split
        long to = from + answers;
        await().atMost(WAIT).until(() -> sequence.get() >= to);
        Map<String, Long> byVersion = new TreeMap<>();
        for (long seq = from + 1; seq <= to; seq++) {
            String version = versions.get(seq);
            if (version != null) {
                byVersion.merge(version, 1L, Long::sum);
            }
        }
        return byVersion;
    }

    /** The requests and failures since the previous phase ended; printed. */
    public Counts phase(String name) {
        long total = requests.get();
        long failed = failures.get();
        Counts counts = new Counts(name, total - phaseRequests, failed - phaseFailures, lastFailure, sequence.get());
        phaseRequests = total;
        phaseFailures = failed;
        System.out.printf("zero-downtime: %-50s %6d requests, %d failed%n", name, counts.requests(), counts.failures());
        return counts;
    }

    /** Answers by version from the last 20 answers of phase {@code since} up to now. */
    public Map<String, Long> versionsSince(Counts since) {
        long settle = since.endSequence() - 20;
        Map<String, Long> byVersion = new TreeMap<>();
        versions.forEach((seq, version) -> {
            if (seq > settle) {
                byVersion.merge(version, 1L, Long::sum);
            }
        });
        return byVersion;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        List<Thread> alive = new ArrayList<>(threads);
        for (Thread thread : alive) {
            thread.join(10_000);
        }
    }

    /** One phase of the loop: its requests, failures and the last failure seen. */
    public record Counts(
            String name,
            long requests,
            long failures,
            @Nullable String lastFailure,
            long endSequence) {}
}
