package io.relops.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * @param maxBodySize request bodies under {@code /api/} larger than this are refused with {@code 413}
 * @param alertsMaxBodySize the limit instead for the alert intake ({@code POST /api/alerts}, {@code
 *     /api/alerts/alertmanager}, {@code /api/v2/alerts}): Prometheus' alert batches and Alertmanager's webhook
 *     groups are larger than an operator's request
 */
@ConfigurationProperties("relops.gateway.request")
public record RequestSettings(DataSize maxBodySize, DataSize alertsMaxBodySize) {}
