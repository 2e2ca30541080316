package io.relops.benchmarks.controlplane;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver ({@code POST /v1/traces}, protobuf): the services under test export their spans to it
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint}), and the benchmark reads each release's trace back.
 */
final class SpanCollector implements AutoCloseable {

    /** One span: ids in lower-case hex, times in epoch nanoseconds as the exporting service's clock saw them. */
    record Span(
            String service,
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            String kind,
            long startEpochNanos,
            long endEpochNanos) {}

    private final HttpServer server;
    private final Map<String, List<Span>> traces = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();

    SpanCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                receive(ExportTraceServiceRequest.parseFrom(body));
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.start();
    }

    /** The endpoint to give the services: {@code http://127.0.0.1:<port>/v1/traces}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** How many spans arrived so far. */
    long received() {
        return received.get();
    }

    /** The spans of one trace received so far. */
    List<Span> trace(String traceId) {
        return List.copyOf(traces.getOrDefault(traceId, List.of()));
    }

    private void receive(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(attribute -> attribute.getKey().equals("service.name"))
                    .map(KeyValue::getValue)
                    .map(value -> value.getStringValue())
                    .findFirst()
                    .orElse("");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    String traceId = hex.formatHex(span.getTraceId().toByteArray());
                    traces.computeIfAbsent(traceId, id -> new CopyOnWriteArrayList<>())
                            .add(new Span(
                                    service,
                                    traceId,
                                    hex.formatHex(span.getSpanId().toByteArray()),
                                    hex.formatHex(span.getParentSpanId().toByteArray()),
                                    span.getName(),
                                    span.getKind().name(),
                                    span.getStartTimeUnixNano(),
                                    span.getEndTimeUnixNano()));
                    received.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
