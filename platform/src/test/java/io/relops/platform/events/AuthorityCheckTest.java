package io.relops.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.relops.common.audit.Keys;
import io.relops.common.codec.InvalidEventException;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.ReleaseRequested;
import io.relops.common.event.RelopsEvent;
import io.relops.common.security.EventAuthority;
import java.net.URI;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuthorityCheckTest {

    private static final KeyPair OLD = Keys.generate();
    private static final KeyPair NEW = Keys.generate();
    private static final URI GATEWAY = URI.create("/relops/gateway");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AuthorityCheck check = new AuthorityCheck(
            new EventSigningProperties(Map.of("gw-1", base64(OLD), "gw-2", base64(NEW), "unset", "")), meters);

    private static String base64(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    private static RelopsEvent<ReleaseApproved> approval() {
        return RelopsEvent.of(GATEWAY, new ReleaseApproved(UUID.randomUUID(), "shop", "bob", null));
    }

    @Test
    void acceptsEventsSignedWithEitherKeyDuringARotation() {
        RelopsEvent<ReleaseApproved> before = approval();
        RelopsEvent<ReleaseApproved> after = approval();

        check.require(
                before, EventAuthority.sign(before, List.of("approver"), "gw-1", OLD.getPrivate()), Set.of("approver"));
        check.require(
                after,
                EventAuthority.sign(after, List.of("admin"), "gw-2", NEW.getPrivate()),
                Set.of("approver", "admin"));

        assertThat(meters.find("relops.events.refused").counters()).isEmpty();
    }

    @Test
    void refusesAnUnknownKeyAKeyIdThatDoesNotMatchItsKeyAndAMissingRoleCountingEach() {
        RelopsEvent<ReleaseApproved> event = approval();

        assertThatThrownBy(() -> check.require(
                        event, EventAuthority.sign(event, List.of("admin"), "gw-3", NEW.getPrivate()), Set.of("admin")))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("key 'gw-3', which is not in relops.security.event-signing.public-keys");
        assertThatThrownBy(() -> check.require(
                        event, EventAuthority.sign(event, List.of("admin"), "gw-1", NEW.getPrivate()), Set.of("admin")))
                .hasMessageContaining("does not verify with key 'gw-1'");
        assertThatThrownBy(() -> check.require(
                        event,
                        EventAuthority.sign(event, List.of("operator"), "gw-2", NEW.getPrivate()),
                        Set.of("admin")))
                .hasMessageContaining("its signer 'bob' has the roles [operator]")
                .hasMessageContaining("needs one of [admin]");
        assertThatThrownBy(() -> check.require(event, null, Set.of("admin")))
                .hasMessageContaining("not signed by the gateway");

        for (String reason : List.of("unknown-key", "bad-signature", "role", "unsigned")) {
            assertThat(meters.get("relops.events.refused")
                            .tag("reason", reason)
                            .counter()
                            .count())
                    .as(reason)
                    .isEqualTo(1);
        }
    }

    @Test
    void needsNoSignatureForAnEventThatCarriesNoAuthority() {
        RelopsEvent<ReleaseRequested> request = RelopsEvent.of(
                GATEWAY, new ReleaseRequested(UUID.randomUUID(), "shop", "1.0.0", "prod", null, "alice", null, null));

        check.require(request, null, Set.of("admin"));
    }

    @Test
    void refusesToStartWithAKeyThatIsNotOne() {
        assertThatThrownBy(() -> new AuthorityCheck(new EventSigningProperties(Map.of("gw", "bm90IGEga2V5")), meters))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("relops.security.event-signing.public-keys.gw is not a Base64 X.509 Ed25519");
    }
}
