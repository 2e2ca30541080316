package io.relops.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relops.common.audit.Keys;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.codec.EncodedEvent;
import io.relops.common.codec.EventSignature;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.EventType;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.RelopsEvent;
import java.net.URI;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventAuthorityTest {

    private static final KeyPair GATEWAY = Keys.generate();
    private static final UUID RELEASE = UUID.fromString("0b7c5d0e-9a57-4c1b-8d7e-3f5e0c2a1b11");

    private static RelopsEvent<ReleaseApproved> approval(String by) {
        return RelopsEvent.withId(
                "5f1f4c4e-0000-4000-8000-000000000001",
                URI.create("/relops/gateway"),
                new ReleaseApproved(RELEASE, "demo-app", by, "lgtm"));
    }

    @Test
    void aSignatureTravelsInExtensionAttributesAndVerifiesAfterDecoding() {
        RelopsEvent<ReleaseApproved> event = approval("bob");
        EventSignature signature =
                EventAuthority.sign(event, List.of("Approver", "admin"), "gw-1", GATEWAY.getPrivate());
        EncodedEvent encoded = CloudEventCodec.encode(event, signature);
        assertThat(encoded.headers()).containsKeys("ce_relopssig", "ce_relopssigkey", "ce_relopsroles");

        CloudEventCodec.Decoded decoded =
                CloudEventCodec.decodeWithData(new HashMap<>(encoded.headers()), encoded.value());

        assertThat(decoded.signature()).isNotNull();
        assertThat(decoded.signature().keyId()).isEqualTo("gw-1");
        assertThat(decoded.signature().roles()).containsExactly("admin", "approver");
        assertThat(EventAuthority.verifies(decoded.event(), decoded.signature(), GATEWAY.getPublic()))
                .isTrue();
    }

    @Test
    void aSignatureDoesNotCoverAnotherActorOtherRolesOrAnotherKey() {
        RelopsEvent<ReleaseApproved> event = approval("bob");
        EventSignature signature = EventAuthority.sign(event, List.of("operator"), "gw-1", GATEWAY.getPrivate());

        RelopsEvent<ReleaseApproved> otherActor = new RelopsEvent<>(
                event.id(),
                event.source(),
                event.type(),
                event.subject(),
                event.time(),
                event.releaseId(),
                new ReleaseApproved(RELEASE, "demo-app", "mallory", "lgtm"));
        assertThat(EventAuthority.verifies(otherActor, signature, GATEWAY.getPublic()))
                .isFalse();

        EventSignature moreRoles = new EventSignature("gw-1", List.of("admin", "operator"), signature.signature());
        assertThat(EventAuthority.verifies(event, moreRoles, GATEWAY.getPublic()))
                .isFalse();

        assertThat(EventAuthority.verifies(event, signature, Keys.generate().getPublic()))
                .isFalse();
        EventSignature garbage = new EventSignature("gw-1", List.of("operator"), "not base64 !");
        assertThat(EventAuthority.verifies(event, garbage, GATEWAY.getPublic())).isFalse();
    }

    @Test
    void namesTheTypesThatCarryAuthority() {
        assertThat(EventAuthority.requiresSignature(EventType.RELEASE_APPROVED)).isTrue();
        assertThat(EventAuthority.requiresSignature(EventType.ROLLBACK_REQUESTED))
                .isTrue();
        assertThat(EventAuthority.requiresSignature(EventType.RESTORE_REQUESTED))
                .isTrue();
        assertThat(EventAuthority.requiresSignature(EventType.RELEASE_REQUESTED))
                .isFalse();
        assertThat(EventAuthority.requiresSignature(EventType.DEPLOYMENT_READY)).isFalse();
    }

    @Test
    void refusesAnIncompleteSignature() {
        RelopsEvent<ReleaseApproved> event = approval("bob");
        EncodedEvent encoded = CloudEventCodec.encode(event);
        Map<String, Object> headers = new HashMap<>(encoded.headers());
        headers.put("ce_relopssig", "AAAA");

        assertThatThrownBy(() -> CloudEventCodec.decodeWithData(headers, encoded.value()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("incomplete signature");
    }
}
