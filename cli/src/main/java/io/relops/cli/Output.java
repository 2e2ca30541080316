package io.relops.cli;

import io.relops.common.codec.EventJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;

/** Prints answers as a table for people or as JSON for scripts ({@code --output table|json}). */
final class Output {

    /** The output formats. */
    enum Format {
        table,
        json
    }

    /** A column of a table: its heading and how to get its text from a row. */
    record Column(String heading, Function<JsonNode, String> value) {

        static Column of(String heading, String field) {
            return new Column(heading, row -> text(row.path(field)));
        }
    }

    private final Format format;
    private final PrintWriter out;

    Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    boolean json() {
        return format == Format.json;
    }

    /** A list: one row per element in a table, the array as it came in JSON. */
    void list(JsonNode rows, List<Column> columns) {
        if (json()) {
            json(rows);
            return;
        }
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::heading).toArray(String[]::new));
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> c.value().apply(row)).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : pad(line[i], widths[i] + 2));
            }
            out.println(text.toString().stripTrailing());
        }
        if (rows.isEmpty()) {
            out.println("(none)");
        }
        out.flush();
    }

    /** One object: its scalar fields as {@code name: value} lines in a table, the object in JSON. */
    void object(JsonNode object) {
        if (json()) {
            json(object);
            return;
        }
        int width = 0;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            width = Math.max(width, field.getKey().length());
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            if (value.isNull() || value.isContainer() && value.isEmpty()) {
                continue;
            }
            String text = value.isContainer() ? compact(value) : text(value);
            out.println(pad(field.getKey() + ":", width + 2) + text);
        }
        out.flush();
    }

    /** A line for people; in JSON mode nothing (the caller prints the JSON). */
    void line(String text) {
        if (!json()) {
            out.println(text);
            out.flush();
        }
    }

    void json(JsonNode node) {
        out.println(
                EventJson.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
        out.flush();
    }

    static String text(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "-";
        }
        return value.isContainer() ? compact(value) : value.asString();
    }

    private static String compact(JsonNode value) {
        String text = EventJson.mapper().writeValueAsString(value);
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    static String time(JsonNode value) {
        String text = text(value);
        // 2026-11-22T07:42:25.123456Z -> 2026-11-22 07:42:25
        return text.length() >= 19 && text.charAt(10) == 'T'
                ? text.substring(0, 10) + " " + text.substring(11, 19)
                : text;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
