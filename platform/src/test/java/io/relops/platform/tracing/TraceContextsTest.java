package io.relops.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TraceContextsTest {

    private final SdkTracerProvider provider = SdkTracerProvider.builder().build();
    private final OtelCurrentTraceContext current = new OtelCurrentTraceContext();
    private final Tracer tracer = new OtelTracer(provider.get("test"), current, event -> {});
    private final TraceContexts traces = new TraceContexts(
            tracer,
            new OtelPropagator(
                    ContextPropagators.create(W3CTraceContextPropagator.getInstance()), provider.get("test")));

    @Test
    void hasNoTraceparentOutsideASpan() {
        assertThat(traces.current()).isNull();
    }

    @Test
    void givesTheCurrentSpansTraceparent() {
        Span span = tracer.nextSpan().name("request").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            assertThat(traces.current())
                    .isEqualTo("00-" + span.context().traceId() + "-"
                            + span.context().spanId() + "-01");
        } finally {
            span.end();
        }
    }

    @Test
    void continuesAStoredTraceparentAsAChildSpan() {
        String stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        AtomicReference<String> inside = new AtomicReference<>();

        String result = traces.inSpan(stored, "outbox publish", () -> {
            inside.set(traces.current());
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(inside.get())
                .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
                .doesNotContain("00f067aa0ba902b7");
        assertThat(traces.current()).as("the span is out of scope afterwards").isNull();
    }

    @Test
    void startsATraceOfItsOwnWithoutAStoredOne() {
        AtomicReference<String> inside = new AtomicReference<>();
        traces.inSpan(null, "sweep", () -> inside.set(traces.current()));
        assertThat(inside.get()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void readsTheTraceparentOfRecordHeadersRawOrMapped() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(TraceContexts.traceparentOf(Map.of("traceparent", traceparent.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(traceparent);
        assertThat(TraceContexts.traceparentOf(Map.of("traceparent", traceparent)))
                .isEqualTo(traceparent);
        // the CloudEvents distributed-tracing extension is another header, never taken for the W3C one
        assertThat(TraceContexts.traceparentOf(Map.of("ce_traceparent", traceparent)))
                .isNull();
    }
}
