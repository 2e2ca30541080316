package io.relops.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.common.event.EventType;
import io.relops.common.event.HealthFailed;
import io.relops.common.event.ProbeResult;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CloudEventCodecTest {

    private static final UUID RELEASE = UUID.fromString("0b7c5d0e-9a57-4c1b-8d7e-3f5e0c2a1b11");

    private static RelopsEvent<ReleaseRequested> requested(String version) {
        return RelopsEvent.of(
                URI.create("/relops/gateway"),
                new ReleaseRequested(RELEASE, "demo-app", version, "local", "blue-green", "alice", null, null));
    }

    private static Map<String, Object> headersOf(EncodedEvent encoded) {
        return new HashMap<>(encoded.headers());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodesBinaryModeWithKafkaHeaderPrefixAndContentType() {
        RelopsEvent<ReleaseRequested> event = requested("1.0.0");

        EncodedEvent encoded = CloudEventCodec.encode(event);

        assertThat(encoded.headers())
                .containsKeys(
                        "ce_id", "ce_source", "ce_type", "ce_specversion", "ce_subject", "ce_time", "ce_releaseid")
                .containsKey("content-type")
                .doesNotContainKey("ce_datacontenttype")
                .doesNotContainKey("ce-id");
        assertThat(new String(encoded.headers().get("ce_type"), StandardCharsets.UTF_8))
                .isEqualTo("io.relops.release.requested");
        assertThat(new String(encoded.headers().get("content-type"), StandardCharsets.UTF_8))
                .isEqualTo("application/json");
        assertThat(new String(encoded.key(), StandardCharsets.UTF_8)).isEqualTo("demo-app");
        assertThat(new String(encoded.value(), StandardCharsets.UTF_8)).contains("\"version\":\"1.0.0\"");
    }

    @Test
    void decodesWhatItEncodes() {
        RelopsEvent<ReleaseRequested> event = requested("1.2.3-rc.1");

        RelopsEvent<?> decoded = CloudEventCodec.decode(
                headersOf(CloudEventCodec.encode(event)),
                CloudEventCodec.encode(event).value());

        assertThat(decoded.id()).isEqualTo(event.id());
        assertThat(decoded.type()).isEqualTo(EventType.RELEASE_REQUESTED);
        assertThat(decoded.subject()).isEqualTo("demo-app");
        assertThat(decoded.releaseId()).isEqualTo(RELEASE);
        assertThat(decoded.data()).isEqualTo(event.data());
        assertThat(decoded.time().toInstant()).isEqualTo(event.time().toInstant());
    }

    @Test
    void leavesTheW3cTraceContextToItsOwnHeader() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));
        // relops writes no CloudEvents tracing extension: the Kafka observation adds the W3C traceparent header
        assertThat(encoded.headers()).doesNotContainKeys("traceparent", "ce_traceparent");
        Map<String, Object> headers = new HashMap<>(encoded.headers());
        headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        // a producer that also sets the CloudEvents distributed-tracing extension is read all the same
        headers.put("ce_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        RelopsEvent<?> decoded = CloudEventCodec.decode(headers, encoded.value());

        assertThat(decoded.data()).isInstanceOf(ReleaseRequested.class);
        assertThat(decoded.releaseId()).isEqualTo(RELEASE);
    }

    @Test
    void decodesHeadersThatArriveAsStrings() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));
        Map<String, Object> headers = new HashMap<>();
        encoded.headers().forEach((k, v) -> headers.put(k, new String(v, StandardCharsets.UTF_8)));

        assertThat(CloudEventCodec.decode(headers, encoded.value()).data()).isInstanceOf(ReleaseRequested.class);
    }

    @Test
    void roundTripsNestedEvidence() {
        HealthFailed failed = new HealthFailed(
                RELEASE,
                "demo-app",
                "local",
                "2.0.0-broken",
                "green",
                null,
                "health returned 503",
                List.of(new ProbeResult("health", false, "503", "200", 12, "unexpected status 503")));
        EncodedEvent encoded = CloudEventCodec.encode(RelopsEvent.of(URI.create("/relops/healthcheck"), failed));

        assertThat(CloudEventCodec.decode(headersOf(encoded), encoded.value()).data())
                .isEqualTo(failed);
    }

    @Test
    void acceptsStructuredModeOnInput() {
        String structured = """
                {"specversion":"1.0","id":"ext-1","source":"https://ci.example.com/pipelines/7",
                 "type":"io.relops.release.requested","subject":"demo-app","time":"2026-11-22T10:00:00Z",
                 "datacontenttype":"application/json","releaseid":"%s",
                 "data":{"releaseId":"%s","application":"demo-app","version":"1.1.0",
                         "environment":"local","requestedBy":"ci"}}
                """.formatted(RELEASE, RELEASE);

        RelopsEvent<?> decoded = CloudEventCodec.decode(
                Map.of("content-type", utf8("application/cloudevents+json; charset=utf-8")), utf8(structured));

        assertThat(decoded.id()).isEqualTo("ext-1");
        assertThat(decoded.source()).isEqualTo(URI.create("https://ci.example.com/pipelines/7"));
        assertThat(decoded.releaseId()).isEqualTo(RELEASE);
        assertThat(decoded.dataAs(ReleaseRequested.class).version()).isEqualTo("1.1.0");
    }

    @Test
    void structuredEncodingOfTheSdkRoundTrips() {
        RelopsEvent<ReleaseRequested> event = requested("3.0.0");
        byte[] structured = new StructuredJsonFormat().serialize(CloudEventCodec.toCloudEvent(event));

        RelopsEvent<?> decoded =
                CloudEventCodec.decode(Map.of("content-type", utf8(StructuredJsonFormat.CONTENT_TYPE)), structured);

        assertThat(decoded.data()).isEqualTo(event.data());
        assertThat(decoded.id()).isEqualTo(event.id());
    }

    @Test
    void aStoredStructuredEventGoesOutInBinaryModeAsItWasSignatureIncluded() {
        RelopsEvent<ReleaseRequested> event = requested("4.0.0");
        EventSignature signature = new EventSignature("gw-1", List.of("operator"), "c2lnbmF0dXJl");
        byte[] stored = new StructuredJsonFormat().serialize(CloudEventCodec.toCloudEvent(event, signature));

        EncodedEvent encoded = CloudEventCodec.encode(CloudEventCodec.readStructured(stored));

        assertThat(encoded.headers())
                .containsKeys("ce_id", "ce_type", "ce_subject", "ce_releaseid", "content-type")
                .containsKeys("ce_" + EventSignature.SIGNATURE_EXTENSION, "ce_" + EventSignature.KEY_EXTENSION);
        assertThat(new String(encoded.key(), StandardCharsets.UTF_8)).isEqualTo("demo-app");
        CloudEventCodec.Decoded decoded = CloudEventCodec.decodeWithData(headersOf(encoded), encoded.value());
        assertThat(decoded.event().id()).isEqualTo(event.id());
        assertThat(decoded.event().data()).isEqualTo(event.data());
        assertThat(decoded.signature()).isEqualTo(signature);
    }

    @Test
    void readsAStoredEventWithoutValidatingItsDataAgainButRefusesWhatCannotBeRouted() {
        String schemaBreaking = """
                {"specversion":"1.0","id":"row-1","source":"/relops/deploy-service",
                 "type":"io.relops.release.requested","subject":"demo-app","datacontenttype":"application/json",
                 "data":{"application":"demo-app"}}
                """;
        assertThat(CloudEventCodec.readStructured(utf8(schemaBreaking)).getId())
                .as("the data's schema was checked when the row was written; consumers check it again")
                .isEqualTo("row-1");

        assertThatThrownBy(() -> CloudEventCodec.readStructured(utf8("{\"specversion\":")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not a valid CloudEvent");
        assertThatThrownBy(() -> CloudEventCodec.readStructured(
                        utf8(schemaBreaking.replace("io.relops.release.requested", "io.relops.release.teleported"))))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("unknown event type 'io.relops.release.teleported'");
        assertThatThrownBy(() ->
                        CloudEventCodec.readStructured(utf8(schemaBreaking.replace("\"subject\":\"demo-app\",", ""))))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("has no subject");
    }

    @Test
    void refusesARecordWithoutCloudEventHeaders() {
        assertThatThrownBy(() -> CloudEventCodec.decode(Map.of(), utf8("hello")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not a valid CloudEvent");
    }

    @Test
    void refusesStructuredModeThatIsNotJson() {
        assertThatThrownBy(() -> CloudEventCodec.decode(
                        Map.of("content-type", utf8("application/cloudevents+json")), utf8("{not json")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void refusesAMissingRequiredAttribute() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));
        Map<String, Object> headers = headersOf(encoded);
        headers.remove("ce_source");

        assertThatThrownBy(() -> CloudEventCodec.decode(headers, encoded.value()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("source");
    }

    @Test
    void refusesAnUnknownType() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));
        Map<String, Object> headers = headersOf(encoded);
        headers.put("ce_type", utf8("io.relops.release.teleported"));

        assertThatThrownBy(() -> CloudEventCodec.decode(headers, encoded.value()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("unknown event type 'io.relops.release.teleported'");
    }

    @Test
    void refusesDataThatIsNotJson() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));

        assertThatThrownBy(() -> CloudEventCodec.decode(headersOf(encoded), utf8("{\"releaseId\":")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("data is not valid JSON");
    }

    @Test
    void refusesDataThatFailsItsSchemaAndNamesTheField() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));
        String bad = "{\"releaseId\":\"" + RELEASE + "\",\"application\":\"demo-app\",\"version\":\"1.0;rm -rf /\","
                + "\"environment\":\"local\"}";

        assertThatThrownBy(() -> CloudEventCodec.decode(headersOf(encoded), utf8(bad)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("does not match its schema")
                .hasMessageContaining("version")
                .hasMessageContaining("requestedBy");
    }

    @Test
    void refusesASubjectThatDiffersFromTheApplication() {
        EncodedEvent encoded = CloudEventCodec.encode(requested("1.0.0"));
        Map<String, Object> headers = headersOf(encoded);
        headers.put("ce_subject", utf8("other-app"));

        assertThatThrownBy(() -> CloudEventCodec.decode(headers, encoded.value()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("subject 'other-app' differs from data.application 'demo-app'");
    }

    @Test
    void derivedIdsAreStablePerCauseAndPurpose() {
        assertThat(RelopsEvent.derivedId("abc", "ready")).isEqualTo(RelopsEvent.derivedId("abc", "ready"));
        assertThat(RelopsEvent.derivedId("abc", "ready")).isNotEqualTo(RelopsEvent.derivedId("abc", "completed"));
    }
}
