package io.relops.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * A backend that starts its answer and then stalls past the gateway's read timeout (an audit-service busy with a
 * long timeline on a loaded machine): the JDK client reports it as a plain {@link RestClientException}, not a
 * {@link ResourceAccessException}, and the gateway must still answer 503 with {@code Retry-After} (a CLI watching
 * the release waits it out), never a 500.
 */
class UnansweredBackendTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer backend;

    @BeforeEach
    void startStallingBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/api/audit/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0); // chunked: the headers and the first bytes go out at once
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("[{\"type\":".getBytes(StandardCharsets.UTF_8));
                body.flush();
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up and closed the connection: expected
            }
        });
        backend.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        backend.stop(0);
    }

    @Test
    void aBackendThatStallsMidBodyIsUnansweredAndThe503OfAnUnreachableOne() {
        RestClient client = RestClient.builder()
                .baseUrl("http://127.0.0.1:" + backend.getAddress().getPort())
                // long enough for the answer to start on a loaded machine: the stall is what times out
                .requestFactory(ClientHttpRequestFactoryBuilder.jdk()
                        .build(HttpClientSettings.defaults().withReadTimeout(Duration.ofSeconds(3))))
                .build();

        RestClientException failure = catchThrowableOfType(
                RestClientException.class,
                () -> client.get()
                        .uri("/api/audit/events")
                        .retrieve()
                        .body(new ParameterizedTypeReference<List<Object>>() {}));

        assertThat(failure)
                .as("the shape the gateway has to recognise: not a ResourceAccessException")
                .isNotInstanceOf(ResourceAccessException.class);
        assertThat(UnansweredBackend.is(failure)).isTrue();
        var answer = new ApiErrors().backendCallFailed(failure);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(answer.getBody().getDetail()).contains("not reachable right now");
    }

    @Test
    void anAnswerThatCannotBeReadIsABadGatewayNotAnUnreachableBackend() {
        RestClientException unreadable = new RestClientException("Error while extracting response: not JSON");

        assertThat(UnansweredBackend.is(unreadable)).isFalse();
        var answer = new ApiErrors().backendCallFailed(unreadable);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(answer.getBody().getDetail()).contains("cannot read");
    }

    @Test
    void anUnreachableBackendIsUnanswered() {
        assertThat(UnansweredBackend.is(new ResourceAccessException("I/O error: Connection refused")))
                .isTrue();
        assertThat(UnansweredBackend.is(new IllegalStateException(new IOException("closed"))))
                .as("only a backend call's failure")
                .isFalse();
    }
}
