package io.relops.common.event;

/**
 * The four logical channels of relops. Each is a Kafka topic whose name is configurable; {@link
 * #defaultTopic()} is the name used when nothing else is configured.
 */
public enum Channel {
    RELEASE("relops.release"),
    HEALTH("relops.health"),
    BACKUP("relops.backup"),
    ALERT("relops.alert");

    private final String defaultTopic;

    Channel(String defaultTopic) {
        this.defaultTopic = defaultTopic;
    }

    public String defaultTopic() {
        return defaultTopic;
    }
}
