package io.relops.platform.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.events}: how long {@code processed_event} remembers a consumed CloudEvents id.
 *
 * <p>The rule: an id may be forgotten only once Kafka can no longer redeliver its record, so the retention must
 * outlive the topics' retention ({@code retention.ms}, Kafka's default 7 days) by a margin for a consumer that
 * was down or lagging when the record expired. A shorter retention is refused at start-up.
 *
 * @param processedRetention how long a consumed id is kept ({@code relops.events.processed-retention}, 14 days)
 * @param topicRetention the retention of relops' topics on the broker ({@code relops.events.topic-retention}, 7
 *     days: set it to the broker's {@code log.retention.*} or the topics' {@code retention.ms})
 * @param pruneInterval how often the expired ids are deleted ({@code relops.events.prune-interval})
 * @param pruneBatch rows deleted per statement and transaction ({@code relops.events.prune-batch}): short
 *     transactions, no long lock
 */
@ConfigurationProperties("relops.events")
public record ProcessedEventsProperties(
        @DefaultValue("14d") Duration processedRetention,
        @DefaultValue("7d") Duration topicRetention,
        @DefaultValue("1h") Duration pruneInterval,
        @DefaultValue("5000") int pruneBatch) {

    /** The margin a consumed id outlives the topics' retention by, at least. */
    public static final Duration MARGIN = Duration.ofDays(1);

    public ProcessedEventsProperties {
        Duration minimum = topicRetention.plus(MARGIN);
        if (processedRetention.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("relops.events.processed-retention (" + processedRetention
                    + ") must be at least relops.events.topic-retention (" + topicRetention + ") + " + MARGIN
                    + " = " + minimum + ": a consumed event id forgotten while Kafka can still redeliver"
                    + " its record would be processed twice");
        }
        if (pruneInterval.isNegative() || pruneInterval.isZero()) {
            throw new IllegalArgumentException("relops.events.prune-interval must be positive, was " + pruneInterval);
        }
        if (pruneBatch < 1) {
            throw new IllegalArgumentException("relops.events.prune-batch must be at least 1, was " + pruneBatch);
        }
    }
}
