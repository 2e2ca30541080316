package io.relops.gateway.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code Idempotency-Key} on POSTs.
 *
 * @param retention how long an answer is kept and replayed (then the key may be used afresh)
 * @param inProgressTimeout how long a claimed key counts as in progress; a gateway that died while
 *     handling it leaves a claim that a retry of the same request may take over after this
 * @param sweepInterval how often expired keys are deleted (once across replicas)
 */
@ConfigurationProperties("relops.gateway.idempotency")
public record IdempotencySettings(Duration retention, Duration inProgressTimeout, Duration sweepInterval) {}
