package io.relops.benchmarks.gateway;

import io.relops.common.codec.EncodedEvent;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The bare endpoint the gateway is measured against, registered by the benchmark into the running gateway's context
 * (never shipped): the same Tomcat connector, servlet filters and Spring MVC dispatch as {@code POST /api/releases},
 * and the same {@code acks=all} send of a record of the same size (the encoded {@code release.requested} event of the
 * benchmark), but no relops work: no authentication or authorization (its path is outside the API filter chain), no
 * rate or size limit, no binding or validation of the body, no catalog, no event built or encoded, no Spring Cloud
 * Stream. It answers {@code 202} with a body of the size of the gateway's answer once the broker has acknowledged.
 */
@RestController
final class BareEndpoint {

    static final String PATH = "/benchmark/bare";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final EncodedEvent record;
    private final byte[] answer;

    BareEndpoint(KafkaProducer<byte[], byte[]> producer, String topic, EncodedEvent record, byte[] answer) {
        this.producer = producer;
        this.topic = topic;
        this.record = record;
        this.answer = answer;
    }

    @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> send(@RequestBody byte[] body) throws InterruptedException, ExecutionException {
        ProducerRecord<byte[], byte[]> sent = new ProducerRecord<>(topic, record.key(), record.value());
        record.headers().forEach((name, value) -> sent.headers().add(name, value));
        producer.send(sent).get();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
    }
}
