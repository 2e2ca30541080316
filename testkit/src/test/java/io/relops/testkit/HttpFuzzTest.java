package io.relops.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpFuzzTest {

    private static final URI SERVICE = URI.create("http://127.0.0.1:41234");

    @Test
    void countsTheHeadersTheClientAddsAgainstTheServersLimit() {
        // seed 8647380639165 on alert-service: 8,129 bytes of its own, over 8 KB with Host, User-Agent and
        // Content-Length; Tomcat closed the connection without an answer
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceparent", "00-zzzz-not-a-trace-01");
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        HttpFuzz.Case request = new HttpFuzz.Case(
                "endpoint/post",
                "POST",
                "/api/alerts?" + "x=1&".repeat(2000),
                headers,
                "abc=%%%".getBytes(StandardCharsets.UTF_8));

        assertThat(request.headBytes(SERVICE)).isGreaterThan(HttpFuzz.MAX_HEAD_BYTES);
    }

    @Test
    void aSmallRequestIsWellUnderTheLimit() {
        HttpFuzz.Case request = new HttpFuzz.Case("endpoint/get", "GET", "/api/alerts", Map.of(), new byte[0]);

        assertThat(request.headBytes(SERVICE)).isBetween(60, 200);
    }
}
