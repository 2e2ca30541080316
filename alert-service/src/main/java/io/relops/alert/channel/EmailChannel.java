package io.relops.alert.channel;

import io.relops.alert.notification.Notification;
import io.relops.alert.notification.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.EmailSpec;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * E-mail over SMTP (Spring Mail; the server is {@code spring.mail.*}): the subject is the title on one line, the
 * plain-text body {@link MessageText#body} or the integration's Mustache {@code template} ({@link MessageTemplate}). The {@code Message-ID} is
 * derived from the notification's id, so a notification sent again after a crash is the same
 * message to mail clients and archives.
 */
public class EmailChannel implements Channel {

    private final EmailSpec spec;
    private final JavaMailSender mail;
    private final MessageText text;
    private final @Nullable MessageTemplate template;

    public EmailChannel(EmailSpec spec, JavaMailSender mail, MessageText text) {
        this.spec = spec;
        this.mail = mail;
        this.text = text;
        this.template = spec.template() == null ? null : new MessageTemplate(spec.template(), raw -> raw, text);
    }

    /** The plain-text body of the e-mail for {@code message}. */
    public String body(NotificationMessage message) {
        String main = template == null ? text.body(message) : template.render(message);
        return main + "\n\n-- relops alert-service, receiver " + message.receiver() + ", group " + message.groupKey();
    }

    @Override
    public void send(Notification notification) {
        NotificationMessage message = notification.message();
        mail.send(mime -> {
            MimeMessageHelper email = new MimeMessageHelper(mime, StandardCharsets.UTF_8.name());
            email.setFrom(spec.from());
            email.setTo(spec.to().toArray(String[]::new));
            email.setSubject(MessageText.subject(message));
            email.setText(body(message));
            // JavaMailSenderImpl keeps an explicit Message-ID: a repeat after a crash is the same message
            mime.setHeader("Message-ID", messageId(notification.id(), spec.from()));
        });
    }

    /** {@code <id@domain of from>}: the same for every attempt to send notification {@code id}. */
    public static String messageId(UUID id, String from) {
        int at = from.lastIndexOf('@');
        String domain = at < 0 || at == from.length() - 1
                ? "relops.local"
                : from.substring(at + 1).replace(">", "");
        return "<" + id + "@" + domain + ">";
    }
}
