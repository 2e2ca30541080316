package io.relops.platform.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.outbox}: how the {@link OutboxRelay} publishes.
 *
 * @param sweepInterval how often the relay looks for rows no commit woke it for (a failed batch, a row written while
 *     the relay was down); a commit that wrote to the outbox wakes it at once
 * @param batchSize rows read, sent and deleted together (one transaction, one delete)
 * @param lockWait how long a woken relay waits for the outbox's lock while another instance of the same service
 *     holds it (that one holds it for one batch at a time); past it, the rows are left to the holder and the sweep
 */
@ConfigurationProperties("relops.outbox")
public record OutboxRelayProperties(
        @DefaultValue("1s") Duration sweepInterval,
        @DefaultValue("500") int batchSize,
        @DefaultValue("5s") Duration lockWait) {

    public OutboxRelayProperties {
        if (batchSize < 1) {
            throw new IllegalArgumentException("relops.outbox.batch-size must be at least 1, not " + batchSize);
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("relops.outbox.sweep-interval must be positive, not " + sweepInterval);
        }
        if (lockWait.isNegative() || lockWait.isZero()) {
            throw new IllegalArgumentException("relops.outbox.lock-wait must be positive, not " + lockWait);
        }
    }
}
