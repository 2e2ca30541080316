package io.relops.gateway.ratelimit;

import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Requests to {@code /api/} per authenticated principal (API token name or JWT subject).
 *
 * @param enabled false: no limit
 * @param limitForPeriod requests a principal may make per {@code refreshPeriod}
 * @param refreshPeriod the period after which a principal's permits are refilled
 */
@Validated
@ConfigurationProperties("relops.gateway.rate-limit")
public record RateLimitSettings(boolean enabled, @Positive int limitForPeriod, Duration refreshPeriod) {}
