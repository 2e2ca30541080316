package io.relops.demo;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Times each request it filters as Spring Boot applications do: the timer {@code http.server.requests} tagged
 * {@code method}, {@code uri} (the path if it is one of demo-app's endpoints, else {@code UNKNOWN}, so that
 * made-up paths do not add series), {@code status} and {@code outcome}, with a percentile histogram. A request whose
 * handler fails before answering is counted with status 500 (the server closes its connection).
 */
final class RequestMetrics extends Filter {

    private static final Set<String> ENDPOINTS = Set.of("/", "/checkout", "/health");

    private final MeterRegistry registry;

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Timer.Sample sample = Timer.start(registry);
        try {
            chain.doFilter(exchange);
        } finally {
            int status = exchange.getResponseCode() > 0 ? exchange.getResponseCode() : 500;
            String path = exchange.getRequestURI().getPath();
            sample.stop(Timer.builder("http.server.requests")
                    .description("HTTP requests to demo-app's endpoints")
                    .tag("method", exchange.getRequestMethod())
                    .tag("uri", ENDPOINTS.contains(path) ? path : "UNKNOWN")
                    .tag("status", Integer.toString(status))
                    .tags(List.of(Outcome.forStatus(status).asTag()))
                    .publishPercentileHistogram()
                    .register(registry));
        }
    }

    @Override
    public String description() {
        return "times requests as http.server.requests";
    }
}
