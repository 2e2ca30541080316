package io.relops.alert.delivery;

import io.relops.alert.channel.Channel;
import io.relops.alert.channel.EmailChannel;
import io.relops.alert.channel.LogChannel;
import io.relops.alert.channel.MessageText;
import io.relops.alert.channel.PagerDutyChannel;
import io.relops.alert.channel.SlackChannel;
import io.relops.alert.channel.WebhookChannel;
import io.relops.alert.notification.ConsoleLinks;
import io.relops.alert.notification.RunbookLinks;
import io.relops.alert.routing.AlertingProperties;
import io.relops.alert.routing.AlertingProperties.ReceiverSpec;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** Every integration of every configured receiver, built once from {@code relops.alerting.receivers}. */
@Component
public class Integrations {

    private final Map<String, List<Integration>> byReceiver = new LinkedHashMap<>();

    Integrations(AlertingProperties properties, ObjectProvider<JavaMailSender> mail) {
        MessageText text = new MessageText(
                new ConsoleLinks(properties.consoleUrl()), new RunbookLinks(properties.runbookBaseUrl()));
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(properties.delivery().timeout())
                .build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(properties.delivery().timeout());
        RestClient http = RestClient.builder().requestFactory(factory).build();
        properties
                .receiversOrEmpty()
                .forEach((receiver, spec) -> byReceiver.put(receiver, build(receiver, spec, http, text, mail)));
    }

    private static List<Integration> build(
            String receiver,
            ReceiverSpec spec,
            RestClient http,
            MessageText text,
            ObjectProvider<JavaMailSender> mail) {
        List<Integration> all = new ArrayList<>();
        forEach(
                spec.slack(),
                (s, i) ->
                        all.add(integration(receiver, "slack", i, s.sendResolved(), new SlackChannel(s, http, text))));
        forEach(
                spec.pagerduty(),
                (s, i) -> all.add(
                        integration(receiver, "pagerduty", i, s.sendResolved(), new PagerDutyChannel(s, http, text))));
        forEach(spec.email(), (s, i) -> {
            JavaMailSender sender = mail.getIfAvailable();
            if (sender == null) {
                throw new IllegalStateException("receiver " + receiver
                        + " has an email integration but no SMTP server is configured (spring.mail.host)");
            }
            all.add(integration(receiver, "email", i, s.sendResolved(), new EmailChannel(s, sender, text)));
        });
        forEach(
                spec.webhook(),
                (s, i) -> all.add(
                        integration(receiver, "webhook", i, s.sendResolved(), new WebhookChannel(s, http, text))));
        forEach(spec.log(), (s, i) -> all.add(integration(receiver, "log", i, s.sendResolved(), new LogChannel(text))));
        return List.copyOf(all);
    }

    /** The {@code index}th integration of its kind of {@code receiver}: {@code <receiver>/<channel>[<index>]}. */
    private static Integration integration(
            String receiver, String channel, int index, boolean sendResolved, Channel sender) {
        return new Integration(receiver + "/" + channel + "[" + index + "]", receiver, channel, sendResolved, sender);
    }

    private static <T> void forEach(List<T> specs, java.util.function.ObjIntConsumer<T> action) {
        if (specs != null) {
            for (int i = 0; i < specs.size(); i++) {
                action.accept(specs.get(i), i);
            }
        }
    }

    public List<Integration> of(String receiver) {
        return byReceiver.getOrDefault(receiver, List.of());
    }

    public List<Integration> all() {
        return byReceiver.values().stream().flatMap(List::stream).toList();
    }
}
