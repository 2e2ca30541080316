package io.relops.audit.log;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.Channel;
import io.relops.common.event.EventType;
import io.relops.platform.tracing.TraceContexts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The consumer bindings, one per topic, in batch mode: each poll is decoded and appended in one
 * transaction <em>before</em> the handler returns and the binder commits the offsets, so a hard stop
 * loses nothing (the poll is redelivered and its ids add nothing).
 *
 * <p>A record that is not a valid relops event is sent to the consumer group's dead-letter topic
 * {@code error.<topic>.audit-service} (original key, headers and value, the reason in {@code
 * x-exception-message}) and the rest of the poll is recorded. In batch mode the binder neither retries
 * nor dead-letters single records, so this is done here. A failing append (database unreachable) is
 * retried with backoff for as long as it takes (Resilience4j): the handler never returns, and the
 * offsets are never committed, before the poll is in the log.
 */
@Configuration(proxyBeanMethods = false)
class Recorder {

    private static final Logger log = LoggerFactory.getLogger(Recorder.class);

    private final AuditWriter writer;
    private final StreamBridge bridge;
    private final MeterRegistry meters;
    private final TraceContexts traces;
    private final Retry retry;

    Recorder(AuditWriter writer, StreamBridge bridge, MeterRegistry meters, TraceContexts traces) {
        this.writer = writer;
        this.bridge = bridge;
        this.meters = meters;
        this.traces = traces;
        this.retry = Retry.of(
                "audit-append",
                RetryConfig.custom()
                        .maxAttempts(Integer.MAX_VALUE)
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(
                                Duration.ofMillis(200), 2, Duration.ofSeconds(10)))
                        .retryExceptions(RuntimeException.class)
                        .build());
        retry.getEventPublisher()
                .onRetry(event -> log.warn(
                        "could not append to the audit log (attempt {}), retrying: {}",
                        event.getNumberOfRetryAttempts(),
                        event.getLastThrowable() == null
                                ? ""
                                : event.getLastThrowable().getMessage()));
    }

    @Bean
    Consumer<Message<List<byte[]>>> recordReleaseEvents() {
        return batch -> record(batch, Channel.RELEASE);
    }

    @Bean
    Consumer<Message<List<byte[]>>> recordHealthEvents() {
        return batch -> record(batch, Channel.HEALTH);
    }

    @Bean
    Consumer<Message<List<byte[]>>> recordBackupEvents() {
        return batch -> record(batch, Channel.BACKUP);
    }

    @Bean
    Consumer<Message<List<byte[]>>> recordAlertEvents() {
        return batch -> record(batch, Channel.ALERT);
    }

    private record Poison(String topic, Object key, Map<String, ?> headers, byte[] value, String reason) {}

    void record(Message<List<byte[]>> batch, Channel channel) {
        List<byte[]> values = batch.getPayload();
        List<?> headers = list(batch.getHeaders().get(KafkaHeaders.BATCH_CONVERTED_HEADERS));
        List<?> topics = list(batch.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC));
        List<?> keys = list(batch.getHeaders().get(KafkaHeaders.RECEIVED_KEY));
        // Decoding, validating and preparing are independent per record: done in parallel (the common
        // fork-join pool and this thread), in the poll's order; only the chaining itself is sequential.
        // Batch mode has no per-record observation: each record gets a span in its own trace (the traceparent of
        // its headers), open until the batch is in the log, so that every release's trace shows its audit record.
        Object[] decoded = new Object[values.size()];
        Span[] spans = new Span[values.size()];
        IntStream.range(0, values.size()).parallel().forEach(i -> {
            Map<String, ?> recordHeaders =
                    i < headers.size() && headers.get(i) instanceof Map<?, ?> map ? cast(map) : Map.of();
            String topic = i < topics.size() && topics.get(i) instanceof String name ? name : channel.defaultTopic();
            String traceparent = TraceContexts.traceparentOf(recordHeaders);
            // a record sent without a trace context gets no span: a trace of one span per record would be noise
            Span span = traceparent == null
                    ? Span.NOOP
                    : traces.start(traceparent, "audit record").tag("messaging.destination.name", topic);
            spans[i] = span;
            try {
                AuditWriter.Incoming event =
                        AuditWriter.Incoming.of(CloudEventCodec.decodeWithData(recordHeaders, values.get(i)), topic);
                span.tag("relops.event.type", event.event().type().typeName());
                decoded[i] = event;
            } catch (InvalidEventException e) {
                span.error(e);
                Object key = i < keys.size() && keys.get(i) != null ? keys.get(i) : new byte[0];
                decoded[i] = new Poison(topic, key, recordHeaders, values.get(i), e.getMessage());
            }
        });
        List<AuditWriter.Incoming> incoming = new ArrayList<>(values.size());
        List<Poison> poison = new ArrayList<>();
        for (Object record : decoded) {
            if (record instanceof AuditWriter.Incoming event) {
                incoming.add(event);
            } else {
                poison.add((Poison) record);
            }
        }
        meters.counter("relops.events.invalid").increment(poison.size());
        try {
            retry.executeRunnable(() -> {
                writer.append(incoming);
                poison.forEach(this::deadLetter);
            });
        } finally {
            for (Span span : spans) {
                span.end();
            }
        }
        Map<EventType, Long> consumed = new EnumMap<>(EventType.class);
        incoming.forEach(event -> consumed.merge(event.event().type(), 1L, Long::sum));
        consumed.forEach((type, count) -> meters.counter("relops.events.consumed", "type", type.typeName())
                .increment(count));
    }

    private void deadLetter(Poison poison) {
        String destination = "error." + poison.topic() + ".audit-service";
        log.warn(
                "refusing a record of {} for the dead-letter topic {}: {}",
                poison.topic(),
                destination,
                poison.reason());
        MessageBuilder<byte[]> message = MessageBuilder.withPayload(poison.value())
                .setHeader(KafkaHeaders.KEY, poison.key())
                .setHeader("x-original-topic", poison.topic().getBytes(StandardCharsets.UTF_8))
                .setHeader("x-exception-message", poison.reason().getBytes(StandardCharsets.UTF_8))
                .setHeader(
                        "x-exception-fqcn",
                        InvalidEventException.class.getName().getBytes(StandardCharsets.UTF_8));
        poison.headers().forEach((name, value) -> {
            if (name.startsWith("ce_") || name.equals("content-type")) {
                message.setHeader(name, value);
            }
        });
        if (!bridge.send(destination, message.build())) {
            throw new IllegalStateException("the dead-letter topic " + destination + " did not accept a record");
        }
    }

    private static List<?> list(Object header) {
        return header instanceof List<?> list ? list : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> cast(Map<?, ?> map) {
        return (Map<String, ?>) map;
    }
}
