package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.codec.EventJson;
import io.relops.common.event.AlertAcknowledged;
import io.relops.common.event.EventData;
import io.relops.common.event.ReleaseApproved;
import io.relops.common.event.SilenceCreated;
import io.relops.common.event.SilenceExpired;
import io.relops.common.event.SilenceUpdated;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The actor of a record is the one the event's data names, for every kind of change a person makes. */
class ActorTest {

    @Test
    void silencesAndAcknowledgementsAreRecordedWithTheirActor() {
        OffsetDateTime now = OffsetDateTime.now();
        UUID id = UUID.randomUUID();
        assertThat(actor(new SilenceCreated(id, "shop", List.of("a=\"b\""), now, now.plusHours(1), "alice", "c")))
                .isEqualTo("alice");
        assertThat(actor(new SilenceUpdated(id, "shop", List.of("a=\"b\""), now, now.plusHours(1), "bob", "c")))
                .isEqualTo("bob");
        assertThat(actor(new SilenceExpired(id, "shop", "carol"))).isEqualTo("carol");
        assertThat(actor(new AlertAcknowledged(id, "f1", "shop", null, "dave", null)))
                .isEqualTo("dave");
        assertThat(actor(new ReleaseApproved(id, "shop", "erin", null))).isEqualTo("erin");
    }

    private static String actor(EventData data) {
        return AuditWriter.actorOf(EventJson.mapper().valueToTree(data));
    }
}
