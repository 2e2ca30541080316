package io.relops.deploy.dora;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.dora.*}.
 *
 * @param window the window of the {@code relops.dora.*} metrics and the API's default window
 * @param refresh how often the metrics are recomputed from the release history
 * @param maxWindow the longest window the API accepts
 */
@ConfigurationProperties("relops.dora")
public record DoraSettings(
        @DefaultValue("30d") Duration window,
        @DefaultValue("60s") Duration refresh,
        @DefaultValue("366d") Duration maxWindow) {}
