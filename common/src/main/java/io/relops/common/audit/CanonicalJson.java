package io.relops.common.audit;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The canonical JSON form the audit hash is computed over: no insignificant whitespace, object
 * members sorted by name (UTF-16 code units, as {@link String#compareTo}), numbers as plain decimals
 * without trailing zeros (so {@code 1.0}, {@code 1}, {@code 1E0} are all {@code 1}), strings with
 * Jackson's standard escaping. It depends only on the JSON value, so the form computed when a record
 * is written equals the form recomputed from PostgreSQL's {@code jsonb} (which keeps values, not text).
 */
public final class CanonicalJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private CanonicalJson() {}

    /** Parses JSON text keeping every number exact (decimals as {@link BigDecimal}). */
    public static JsonNode read(String json) {
        return MAPPER.readTree(json);
    }

    /** The mapper used for audit records and export lines (exact numbers). */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** The canonical UTF-8 bytes of {@code value}. */
    public static byte[] bytes(JsonNode value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            write(value, generator);
        }
        return out.toByteArray();
    }

    /** The canonical form of {@code value} as a string. */
    public static String string(JsonNode value) {
        return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, JsonGenerator generator) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            Collections.sort(members, Map.Entry.comparingByKey());
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> member : members) {
                generator.writeName(member.getKey());
                write(member.getValue(), generator);
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode element : node.values()) {
                write(element, generator);
            }
            generator.writeEndArray();
        } else if (node.isNumber()) {
            BigDecimal number = node.decimalValue();
            generator.writeNumber(
                    number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString());
        } else if (node.isString()) {
            generator.writeString(node.stringValue());
        } else if (node.isBoolean()) {
            generator.writeBoolean(node.booleanValue());
        } else if (node.isNull() || node.isMissingNode()) {
            generator.writeNull();
        } else {
            throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }
}
