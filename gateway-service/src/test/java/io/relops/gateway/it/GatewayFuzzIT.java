package io.relops.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relops.testkit.AuthorizationMatrixSpec;
import io.relops.testkit.HttpFuzz;
import io.relops.testkit.Kafka;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * 10,000 generated malformed requests (seeded: {@code -Drelops.fuzz.seed=<seed>} replays a run)
 * against the running gateway over real HTTP, with the real broker: not one answer 5xx, not one
 * connection failure, and not one record on any relops topic. A valid request at the end proves
 * that the count would have seen one.
 */
class GatewayFuzzIT {

    private static final int REQUESTS = Integer.getInteger("relops.fuzz.requests", 10_000);
    private static final int CLIENTS = 8;

    @Test
    void malformedRequestsNeverAnswer5xxAndPublishNothing() throws Exception {
        long seed = Long.getLong("relops.fuzz.seed", System.nanoTime());
        System.out.println("GatewayFuzzIT seed: " + seed + " (replay with -Drelops.fuzz.seed=" + seed + ")");
        TestGateway gateway = TestGateway.get();
        MalformedRequests generator = new MalformedRequests(seed, TestGateway.OPERATOR, TestGateway.ADMIN);
        List<MalformedRequests.Case> cases = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            cases.add(generator.next());
        }
        long before = recordsOn(gateway);

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long started = System.nanoTime();
        for (MalformedRequests.Case request : cases) {
            clients.execute(() -> {
                try {
                    HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.baseUrl.resolve(request.path()))
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
                    request.headers().forEach(builder::header);
                    HttpResponse<String> answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                    int status = answer.statusCode();
                    statuses.computeIfAbsent(request.kind() + " " + status, k -> new AtomicInteger())
                            .incrementAndGet();
                    if (status >= 500 || status < 400) {
                        failures.add(status + " " + answer.body() + " <- " + request);
                    }
                } catch (Exception e) {
                    failures.add(e + " <- " + request);
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        System.out.println("GatewayFuzzIT: " + REQUESTS + " requests in " + seconds + " s (seed " + seed + ")");
        new TreeMap<>(statuses).forEach((kind, n) -> System.out.println("  " + kind + ": " + n));

        assertThat(failures).as("answers that are not 4xx (seed %d)", seed).isEmpty();
        assertThat(recordsOn(gateway)).as("records published (seed %d)", seed).isEqualTo(before);

        // the count sees a valid request: exactly one record more
        var valid = gateway.post(
                "/api/releases",
                TestGateway.OPERATOR,
                null,
                "application/json",
                "{\"application\":\"shop\",\"version\":\"9.9.9\",\"environment\":\"staging\"}");
        assertThat(valid.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> recordsOn(gateway) == before + 1);
    }

    /**
     * Beyond malformed POSTs: every method, media type, odd header and path against every gateway endpoint
     * ({@link HttpFuzz}, seeded as above): never 5xx, every error problem+json naming nothing of the internals.
     */
    @Test
    void fuzzedMethodsMediaTypesHeadersAndPathsAnswerProblemsNever5xx() throws Exception {
        TestGateway gateway = TestGateway.get();
        HttpFuzz.Result result = new HttpFuzz(
                        gateway.baseUrl,
                        AuthorizationMatrixSpec.endpoints("gateway-service"),
                        HttpFuzz.testTokens(),
                        Long.getLong("relops.fuzz.seed", System.nanoTime()),
                        Integer.getInteger("relops.fuzz.api-requests", 3_000))
                .run();
        System.out.println("GatewayFuzzIT: " + result);
        assertThat(result.failures())
                .as("answers that are 5xx, not problem+json or name internals (seed %d)", result.seed())
                .isEmpty();
    }

    /** All records on the gateway's four topics, whatever they hold: the end offsets summed. */
    private static long recordsOn(TestGateway gateway) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : gateway.topics.all()) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }
}
