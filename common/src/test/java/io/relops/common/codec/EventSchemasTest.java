package io.relops.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.event.EventType;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** The JSON Schemas are the published contract; the records must say exactly the same. */
class EventSchemasTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaAndRecordNameTheSameFieldsAndTheSameRequiredOnes(EventType type) throws Exception {
        JsonNode schema;
        try (InputStream in = EventSchemas.class.getResourceAsStream(type.schemaResource())) {
            assertThat(in).as("schema of %s", type).isNotNull();
            schema = EventJson.mapper().readTree(in);
        }
        Set<String> schemaFields = new HashSet<>(schema.get("properties").propertyNames());
        Set<String> required = new HashSet<>();
        schema.get("required").forEach(node -> required.add(node.asString()));

        RecordComponent[] components = type.dataType().getRecordComponents();
        Set<String> recordFields = new HashSet<>();
        Set<String> nonNullable = new HashSet<>();
        for (RecordComponent component : components) {
            recordFields.add(component.getName());
            boolean nullable = component.getAnnotatedType().isAnnotationPresent(Nullable.class);
            if (!nullable) {
                nonNullable.add(component.getName());
            }
        }

        assertThat(schemaFields).as("fields of %s", type).isEqualTo(recordFields);
        assertThat(required).as("required fields of %s", type).isEqualTo(nonNullable);
        assertThat(schema.get("$id").asString()).endsWith("/" + type.typeName() + ".json");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeNameIsUniqueAndUnderTheRelopsNamespace(EventType type) {
        assertThat(type.typeName()).startsWith("io.relops.");
        assertThat(Arrays.stream(EventType.values()).filter(t -> t.typeName().equals(type.typeName())))
                .hasSize(1);
    }
}
