package io.relops.platform.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Carries a W3C trace context across the places where work waits in PostgreSQL (the outbox, a service's work
 * queue): {@link #current()} is the {@code traceparent} to store with the row, {@link #inSpan} runs the work that
 * picks the row up again as a child span of it, so that one release stays one trace however long it waits. Without
 * a stored context the work starts a trace of its own.
 */
public class TraceContexts {

    /** The W3C header (and outbox column) that carries the trace context. */
    public static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    public TraceContexts(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The {@code traceparent} of the current span, or null outside one (or with tracing off). */
    public @Nullable String current() {
        TraceContext context = tracer.currentTraceContext().context();
        if (context == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /**
     * Runs {@code work} in a new span named {@code name}, a child of {@code traceparent} when there is one: the
     * spans and records the work makes (a Kafka send, a log line) carry that trace.
     */
    public <T> T inSpan(@Nullable String traceparent, String name, Supplier<T> work) {
        Span span = start(traceparent, name);
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Starts (without putting it in scope) a span named {@code name}, a child of {@code traceparent} when there is
     * one, else the root of a new trace; the caller ends it. For work on many records at once, e.g. a batch consumer
     * that gives each record a span in the record's own trace.
     */
    public Span start(@Nullable String traceparent, String name) {
        Map<String, String> carrier = traceparent == null ? Map.of() : Map.of(TRACEPARENT, traceparent);
        return propagator.extract(carrier, Map::get).name(name).start();
    }

    /** The {@code traceparent} in Kafka record headers as a binder maps them ({@code byte[]} or text), if any. */
    public static @Nullable String traceparentOf(Map<String, ?> headers) {
        Object value = headers.get(TRACEPARENT);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value instanceof String text ? text : null;
    }

    /** {@link #inSpan(String, String, Supplier)} for work without a result. */
    public void inSpan(@Nullable String traceparent, String name, Runnable work) {
        inSpan(traceparent, name, () -> {
            work.run();
            return null;
        });
    }
}
