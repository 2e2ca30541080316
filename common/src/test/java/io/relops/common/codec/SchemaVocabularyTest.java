package io.relops.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.EventType;
import io.relops.common.release.ReleaseStatus;
import io.relops.common.release.Strategy;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The JSON Schemas spell the release vocabulary inline (each file stands alone for consumers outside
 * relops); these checks keep every such spelling equal to the Java enums of {@code io.relops.common.release}.
 */
class SchemaVocabularyTest {

    private static final Set<String> STRATEGIES =
            Arrays.stream(Strategy.values()).map(Strategy::wireName).collect(Collectors.toSet());
    private static final Set<String> STATUSES =
            Arrays.stream(ReleaseStatus.values()).map(ReleaseStatus::name).collect(Collectors.toSet());

    /** One {@code enum} of a schema: where it is, the property it constrains, its values. */
    private record Enum(EventType type, String path, String property, List<String> values) {}

    @Test
    void everyStrategyFieldIsAnEnumOfTheStrategies() throws Exception {
        List<Enum> strategies =
                enums().stream().filter(e -> e.property().equals("strategy")).toList();
        assertThat(strategies)
                .extracting(e -> e.type().typeName())
                .contains("io.relops.release.requested", "io.relops.deployment.started");
        for (Enum e : strategies) {
            assertThat(e.values()).as("%s %s", e.type(), e.path()).containsExactlyInAnyOrderElementsOf(STRATEGIES);
        }
        for (EventType type : EventType.values()) {
            JsonNode strategy = schema(type).path("properties").path("strategy");
            if (!strategy.isMissingNode()) {
                assertThat(strategies)
                        .as("the strategy field of %s is an enum", type)
                        .anyMatch(e -> e.type() == type);
            }
        }
    }

    @Test
    void everyStatusFieldIsAnEnumOfTheReleaseStatuses() throws Exception {
        for (EventType type : EventType.values()) {
            for (String field : schema(type).path("properties").propertyNames()) {
                if (field.equals("status") || field.endsWith("Status")) {
                    assertThat(enums())
                            .as("the %s field of %s is an enum of the release statuses", field, type)
                            .anyMatch(e -> e.type() == type
                                    && e.property().equals(field)
                                    && Set.copyOf(e.values()).equals(STATUSES));
                }
            }
        }
    }

    /** A value of the vocabulary spelled in any enum of any schema brings the whole vocabulary, nothing else. */
    @Test
    void noSchemaSpellsAPartOfTheVocabulary() throws Exception {
        for (Enum e : enums()) {
            Set<String> values = new LinkedHashSet<>(e.values());
            if (values.stream().anyMatch(STRATEGIES::contains)) {
                assertThat(values).as("%s %s", e.type(), e.path()).isEqualTo(STRATEGIES);
            }
            if (values.stream().anyMatch(STATUSES::contains)) {
                assertThat(values).as("%s %s", e.type(), e.path()).isEqualTo(STATUSES);
            }
        }
    }

    private static List<Enum> enums() throws Exception {
        List<Enum> enums = new ArrayList<>();
        for (EventType type : EventType.values()) {
            collect(type, schema(type), "", "", enums);
        }
        return enums;
    }

    private static void collect(EventType type, JsonNode node, String path, String property, List<Enum> into) {
        if (node.isObject()) {
            JsonNode values = node.get("enum");
            if (values != null && values.isArray()) {
                List<String> list = new ArrayList<>();
                values.forEach(v -> list.add(v.asString()));
                into.add(new Enum(type, path, property, list));
            }
            for (String name : node.propertyNames()) {
                boolean inProperties = path.endsWith("/properties");
                collect(type, node.get(name), path + "/" + name, inProperties ? name : property, into);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(type, node.get(i), path + "/" + i, property, into);
            }
        }
    }

    private static JsonNode schema(EventType type) throws Exception {
        try (InputStream in = EventSchemas.class.getResourceAsStream(type.schemaResource())) {
            assertThat(in).as("schema of %s", type).isNotNull();
            return EventJson.mapper().readTree(in);
        }
    }
}
