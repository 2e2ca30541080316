package io.relops.alert.silence;

import io.relops.alert.routing.Matcher;
import io.relops.common.codec.CloudEventCodec;
import io.relops.common.event.RelopsEvent;
import io.relops.common.event.SilenceCreated;
import io.relops.common.event.SilenceExpired;
import io.relops.common.event.SilenceUpdated;
import io.relops.platform.events.Outbox;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, changing and expiring silences: each change and its event ({@code io.relops.silence.*} on
 * {@code relops.alert}, through the outbox) commit together, so the audit log has every silence with the
 * authenticated caller who made it.
 */
@Service
public class Silences {

    static final URI SOURCE = CloudEventCodec.sourceOf("alert");

    /** The subject of a silence that is not bound to one application by an {@code application="..."} matcher. */
    static final String ANY_APPLICATION = "relops";

    private static final Pattern APPLICATION = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final SilenceStore store;
    private final Outbox outbox;

    Silences(SilenceStore store, Outbox outbox) {
        this.store = store;
        this.outbox = outbox;
    }

    /** Creates {@code silence}, or replaces the one of its id (keeping who created it); {@code actor} did it. */
    @Transactional
    public void save(Silence silence, String actor) {
        Optional<Silence> existing = store.find(silence.id());
        store.save(silence);
        List<String> matchers =
                silence.matchers().stream().map(Matcher::toString).toList();
        if (existing.isEmpty()) {
            outbox.append(RelopsEvent.of(
                    SOURCE,
                    new SilenceCreated(
                            silence.id(),
                            application(silence),
                            matchers,
                            silence.startsAt(),
                            silence.endsAt(),
                            actor,
                            silence.comment())));
        } else {
            outbox.append(RelopsEvent.of(
                    SOURCE,
                    new SilenceUpdated(
                            silence.id(),
                            application(silence),
                            matchers,
                            silence.startsAt(),
                            silence.endsAt(),
                            actor,
                            silence.comment())));
        }
    }

    /**
     * Ends the silence now; {@code actor} did it. A silence already expired stays as it was and nothing is
     * recorded. Returns false when there is no such silence.
     */
    @Transactional
    public boolean expire(UUID id, String actor) {
        Optional<Silence> silence = store.find(id);
        if (silence.isEmpty()) {
            return false;
        }
        if ("expired".equals(silence.get().state(OffsetDateTime.now()))) {
            return true;
        }
        store.expire(id);
        outbox.append(RelopsEvent.of(SOURCE, new SilenceExpired(id, application(silence.get()), actor)));
        return true;
    }

    /** The application an {@code application="..."} matcher names, else {@value #ANY_APPLICATION}. */
    static String application(Silence silence) {
        return silence.matchers().stream()
                .filter(m -> m.name().equals("application") && m.isEqual() && !m.isRegex())
                .map(Matcher::value)
                .filter(value ->
                        value.length() <= 63 && APPLICATION.matcher(value).matches())
                .findFirst()
                .orElse(ANY_APPLICATION);
    }
}
