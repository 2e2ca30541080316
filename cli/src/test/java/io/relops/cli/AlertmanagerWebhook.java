package io.relops.cli;

import io.relops.common.codec.EventJson;
import io.relops.testkit.RealAlertmanager;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Debian's Alertmanager delivering its webhook to the gateway's {@code POST /api/alerts/alertmanager}, as a user
 * configures it (docs/gateway-routes.md): one webhook receiver per token in {@code http_config.authorization}, each
 * taking the alerts labelled with its name ({@code via}). The alerts carry an application of their own, so that the
 * test finds exactly them in alert-service.
 */
final class AlertmanagerWebhook implements AutoCloseable {

    private final RealAlertmanager alertmanager;
    private final List<String> receivers;
    private final String application;

    private AlertmanagerWebhook(RealAlertmanager alertmanager, List<String> receivers, String application) {
        this.alertmanager = alertmanager;
        this.receivers = receivers;
        this.application = application;
    }

    /**
     * Starts Alertmanager with a receiver per entry of {@code tokens} (receiver name → bearer token). Its configuration
     * is written as JSON, which is YAML too.
     */
    static AlertmanagerWebhook start(URI gateway, Map<String, String> tokens) throws IOException {
        String webhook = gateway.resolve("/api/alerts/alertmanager").toString();
        List<Map<String, Object>> routes = new ArrayList<>();
        List<Map<String, Object>> receivers = new ArrayList<>(List.of(Map.of("name", "nobody")));
        tokens.forEach((name, token) -> {
            routes.add(Map.of("receiver", name, "matchers", List.of("via=\"" + name + "\"")));
            receivers.add(Map.of(
                    "name",
                    name,
                    "webhook_configs",
                    List.of(Map.of(
                            "url",
                            webhook,
                            "send_resolved",
                            true,
                            "http_config",
                            Map.of("authorization", Map.of("type", "Bearer", "credentials", token))))));
        });
        Map<String, Object> config = Map.of(
                "route",
                Map.of(
                        "receiver", "nobody",
                        "group_by", List.of("alertname"),
                        "group_wait", "0s",
                        "group_interval", "1s",
                        "repeat_interval", "1h",
                        "routes", routes),
                "receivers",
                receivers);
        RealAlertmanager alertmanager =
                RealAlertmanager.startWithConfig(workDir -> EventJson.mapper().writeValueAsString(config));
        return new AlertmanagerWebhook(
                alertmanager,
                List.copyOf(tokens.keySet()),
                "am-webhook-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The application label of every alert this webhook fires. */
    String application() {
        return application;
    }

    /** The alertname of the alert routed to {@code receiver}. */
    static String alertname(String receiver) {
        return "RelopsWebhookVia" + Character.toUpperCase(receiver.charAt(0)) + receiver.substring(1);
    }

    /** Pushes one firing alert per receiver into Alertmanager (its API v2, as Prometheus does). */
    void fire() throws IOException, InterruptedException {
        alertmanager.pushAlerts(alerts(null));
    }

    /** Pushes the same alerts again, ended now: Alertmanager resolves them and sends the resolution. */
    void resolve() throws IOException, InterruptedException {
        alertmanager.pushAlerts(alerts(OffsetDateTime.now(ZoneOffset.UTC)));
    }

    /** Alertmanager's count of failed webhook notifications, and its log (for a failing test's message). */
    String diagnostics() {
        String failures;
        try {
            failures = alertmanager
                    .get("/metrics")
                    .lines()
                    .filter(line -> line.startsWith("alertmanager_notifications_failed_total")
                            && line.contains("integration=\"webhook\""))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            failures = "(no metrics: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures = "(interrupted)";
        }
        return "Alertmanager: " + failures + "\n" + alertmanager.log();
    }

    private String alerts(@Nullable OffsetDateTime endsAt) {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (String receiver : receivers) {
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put(
                    "labels",
                    Map.of(
                            "alertname",
                            alertname(receiver),
                            "application",
                            application,
                            "severity",
                            "warning",
                            "via",
                            receiver));
            alert.put(
                    "annotations", Map.of("summary", "delivered through the gateway with the " + receiver + " token"));
            if (endsAt != null) {
                alert.put("endsAt", endsAt.toString());
            }
            alerts.add(alert);
        }
        return EventJson.mapper().writeValueAsString(alerts);
    }

    @Override
    public void close() {
        alertmanager.close();
    }
}
