package io.relops.gateway.openapi;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway fetches the routed backends' OpenAPI documents (BackendDocuments, docs/gateway-api.md#openapi).
 *
 * @param backendTtl a backend's document fetched is used for this long before it is asked again
 * @param failureTtl a backend that could not be fetched is not asked again for this long
 * @param deadline the backends are asked in parallel; the document waits this long in all for their answers (a
 *     backend that answers later is given by its last document this time, and its answer is kept for the next)
 */
@ConfigurationProperties("relops.gateway.openapi")
public record OpenApiSettings(Duration backendTtl, Duration failureTtl, Duration deadline) {}
