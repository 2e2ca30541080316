package io.relops.common.codec;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.relops.common.event.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The published JSON Schema (draft 2020-12) of every event type, loaded once from the classpath. */
public final class EventSchemas {

    private static final Map<EventType, Schema> SCHEMAS = load();

    private EventSchemas() {}

    /** The problems of {@code data} against the schema of {@code type}; empty when it conforms. */
    public static List<String> problems(EventType type, JsonNode data) {
        return SCHEMAS.get(type).validate(data).stream().map(Error::toString).toList();
    }

    private static Map<EventType, Schema> load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            try (InputStream in = EventSchemas.class.getResourceAsStream(type.schemaResource())) {
                if (in == null) {
                    throw new IllegalStateException("missing JSON Schema " + type.schemaResource());
                }
                schemas.put(type, registry.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }
}
