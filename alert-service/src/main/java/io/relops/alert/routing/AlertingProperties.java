package io.relops.alert.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * {@code relops.alerting.*}: the routing tree, the receivers and their integrations, inhibition
 * rules and the delivery policy. {@code consoleUrl} is the gateway's base URL as people reach it: messages link a
 * release's console page (its timeline) under it, and leave links out without it. {@code runbookBaseUrl}: where a
 * relative {@code runbook_url} annotation (relops' own rules give docs/observability.md#...) is resolved, so that the
 * runbook is a link; unset, runbooks are shown as the alerts give them. Timing defaults are Alertmanager's (group_wait 30s, group_interval
 * 5m, repeat_interval 4h, resolve_timeout 5m); see docs/alert-service.md.
 */
@ConfigurationProperties("relops.alerting")
public record AlertingProperties(
        @Nullable String consoleUrl,
        @Nullable String runbookBaseUrl,
        @DefaultValue("http://localhost:8084") String externalUrl,
        @DefaultValue("1s") Duration tick,
        @DefaultValue("5m") Duration resolveTimeout,
        @DefaultValue RouteSpec route,
        @Nullable Map<String, ReceiverSpec> receivers,
        @Nullable List<InhibitRuleSpec> inhibitRules,
        @DefaultValue DeliverySpec delivery) {

    public Map<String, ReceiverSpec> receiversOrEmpty() {
        return receivers == null ? Map.of() : receivers;
    }

    public List<InhibitRuleSpec> inhibitRulesOrEmpty() {
        return inhibitRules == null ? List.of() : inhibitRules;
    }

    /**
     * A node of the routing tree. Unset values are inherited from the parent (the root's defaults are
     * Alertmanager's). {@code escalateTo} names the receiver an unacknowledged critical alert goes to
     * after {@code escalateAfter}.
     */
    public record RouteSpec(
            @Nullable String receiver,
            @Nullable List<String> groupBy,
            @Nullable Duration groupWait,
            @Nullable Duration groupInterval,
            @Nullable Duration repeatInterval,
            @Nullable List<String> matchers,
            @Name("continue") boolean continueMatching,
            @Nullable String escalateTo,
            @Nullable Duration escalateAfter,
            @Nullable List<RouteSpec> routes) {}

    /** A receiver: any number of integrations of each kind; every one gets each notification. */
    public record ReceiverSpec(
            @Nullable List<SlackSpec> slack,
            @Nullable List<PagerDutySpec> pagerduty,
            @Nullable List<EmailSpec> email,
            @Nullable List<WebhookSpec> webhook,
            @Nullable List<LogSpec> log) {}

    /** A Slack incoming webhook; {@code template}: a Mustache template of the text (values Slack-escaped). */
    public record SlackSpec(
            String url,
            @Nullable String channel,
            @DefaultValue("false") boolean sendResolved,
            @Nullable String template) {}

    public record PagerDutySpec(
            @DefaultValue("https://events.pagerduty.com/v2/enqueue")
            String url,

            String routingKey,
            @DefaultValue("true") boolean sendResolved) {}

    /** E-mail; {@code template}: a Mustache template of the plain-text body. */
    public record EmailSpec(
            List<String> to,
            @DefaultValue("relops@localhost") String from,
            @DefaultValue("false") boolean sendResolved,
            @Nullable String template) {}

    /**
     * A generic webhook. The body is the Alertmanager-compatible JSON of the notification unless a
     * Mustache {@code template} is given; with a {@code secret} each request carries {@code
     * signatureHeader: sha256=<hex HMAC-SHA256 of the body>}.
     */
    public record WebhookSpec(
            String url,
            @Nullable String secret,
            @DefaultValue("X-Relops-Signature") String signatureHeader,
            @Nullable String template,
            @DefaultValue("application/json") String contentType,
            @DefaultValue("true") boolean sendResolved) {}

    public record LogSpec(@DefaultValue("true") boolean sendResolved) {}

    /** Alertmanager's inhibit rule: a firing source alert mutes target alerts that agree on {@code equal}. */
    public record InhibitRuleSpec(
            List<String> sourceMatchers,
            List<String> targetMatchers,
            @Nullable List<String> equal) {}

    /** Resilience4j settings applied to each integration separately, and the redelivery backoff. */
    public record DeliverySpec(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("500ms") Duration retryBackoff,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("4") int minimumCalls,
            @DefaultValue("30s") Duration openStateWait,
            @DefaultValue("10") int ratePerSecond,
            @DefaultValue("10s") Duration timeout,
            @DefaultValue("5s") Duration redeliveryBackoff,
            @DefaultValue("5m") Duration maxRedeliveryBackoff) {}
}
