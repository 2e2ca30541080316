package io.relops.healthcheck.probe;

import io.relops.common.event.ProbeResult;
import io.relops.healthcheck.probe.HealthCatalog.ProbeSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** An HTTP GET whose status must be one of the expected ones. */
@Component
class HttpProbe implements Probe {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public String type() {
        return "http";
    }

    @Override
    public ProbeResult run(ProbeSpec spec, String endpoint) {
        String url = spec.url().replace("{endpoint}", endpoint);
        String expected = spec.expectStatus().toString();
        long start = System.nanoTime();
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(spec.timeout())
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            long latency = (System.nanoTime() - start) / 1_000_000;
            boolean passed = spec.expectStatus().contains(response.statusCode());
            return new ProbeResult(
                    spec.name(),
                    passed,
                    Integer.toString(response.statusCode()),
                    expected,
                    latency,
                    passed ? null : "GET " + url + " returned " + response.statusCode() + ", expected " + expected);
        } catch (IOException | IllegalArgumentException e) {
            return new ProbeResult(
                    spec.name(),
                    false,
                    null,
                    expected,
                    (System.nanoTime() - start) / 1_000_000,
                    "GET " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult(spec.name(), false, null, expected, 0, "interrupted");
        }
    }
}
