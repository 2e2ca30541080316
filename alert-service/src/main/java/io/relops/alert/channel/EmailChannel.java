package io.relops.alert.channel;

import io.relops.alert.delivery.Integration;
import io.relops.alert.delivery.NotificationMessage;
import io.relops.alert.routing.AlertingProperties.EmailSpec;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/** E-mail over SMTP (Spring Mail; the server is {@code spring.mail.*}). */
public class EmailChannel implements Integration {

    private final String name;
    private final String receiver;
    private final EmailSpec spec;
    private final JavaMailSender mail;

    public EmailChannel(String name, String receiver, EmailSpec spec, JavaMailSender mail) {
        this.name = name;
        this.receiver = receiver;
        this.spec = spec;
        this.mail = mail;
    }

    @Override
    public void send(NotificationMessage message) {
        SimpleMailMessage email = new SimpleMailMessage();
        email.setFrom(spec.from());
        email.setTo(spec.to().toArray(String[]::new));
        email.setSubject(MessageText.title(message));
        email.setText(MessageText.body(message) + "\n\n-- relops alert-service, receiver " + receiver + ", group "
                + message.groupKey());
        mail.send(email);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String receiver() {
        return receiver;
    }

    @Override
    public String channel() {
        return "email";
    }

    @Override
    public boolean sendResolved() {
        return spec.sendResolved();
    }
}
