package io.relops.audit.log;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The filters of a search or an export; absent ones match everything.
 *
 * @param text free text: every word must occur in the type, application, actor or data (PostgreSQL
 *     full-text search, {@code simple} configuration)
 */
public record AuditQuery(
        @Nullable String application,
        @Nullable String type,
        @Nullable String releaseId,
        @Nullable String actor,
        @Nullable Instant since,
        @Nullable Instant until,
        @Nullable String text) {

    public static final AuditQuery ALL = new AuditQuery(null, null, null, null, null, null, null);

    /** Windows up to this long are searched through their time indexes, or their day lexemes with free text. */
    static final Duration SHORT_WINDOW = Duration.ofDays(7);

    /** Values longer than this are not lexemes of the document (see V7__search_lexemes.sql). */
    private static final int MAX_LEXEME_VALUE = 500;

    /** A SQL condition over {@code audit_record} with its named parameters. */
    record Condition(String sql, Map<String, Object> params) {}

    /** The condition over {@code audit_record r}, free text computed from each record (no index). */
    Condition condition() {
        return condition("r.", SearchIndexer.DOCUMENT);
    }

    /**
     * The condition over {@code audit_index i} (its indexes). With free text, the application, the type and
     * the days of a short window are also asked of the document's exact lexemes, so that the GIN index
     * intersects them with the words in one scan; the column conditions stay, exact.
     */
    Condition indexedCondition() {
        Condition condition = condition("i.", "i.search");
        String lexemes = lexemeQuery();
        if (lexemes == null) {
            return condition;
        }
        Map<String, Object> params = new LinkedHashMap<>(condition.params());
        params.put("lexemes", lexemes);
        return new Condition(condition.sql() + " and i.search @@ cast(:lexemes as tsquery)", params);
    }

    /** The tsquery text over the document's exact lexemes this query implies, or null: none, or no free text. */
    @Nullable
    String lexemeQuery() {
        if (!hasText()) {
            return null;
        }
        List<String> lexemes = new ArrayList<>();
        if (application != null && fitsLexeme(application)) {
            lexemes.add(quoted("@a:" + application));
        }
        if (type != null && fitsLexeme(type)) {
            lexemes.add(quoted("@t:" + type));
        }
        if (withinWindow(SHORT_WINDOW) && since.isBefore(until)) {
            List<String> days = new ArrayList<>();
            for (long day = firstDay(); day <= lastDay(); day++) {
                days.add(quoted("@d:" + day));
            }
            lexemes.add("(" + String.join(" | ", days) + ")");
        }
        return lexemes.isEmpty() ? null : String.join(" & ", lexemes);
    }

    private static boolean fitsLexeme(String value) {
        return !value.isEmpty() && value.codePointCount(0, value.length()) <= MAX_LEXEME_VALUE;
    }

    /** A lexeme quoted for tsquery input: inside single quotes, a quote is doubled and a backslash escaped. */
    private static String quoted(String lexeme) {
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private Condition condition(String table, String document) {
        List<String> terms = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (application != null) {
            terms.add(table + "subject = :application");
            params.put("application", application);
        }
        if (type != null) {
            terms.add(table + "event_type = :type");
            params.put("type", type);
        }
        if (releaseId != null) {
            terms.add(table + "release_id = :releaseId");
            params.put("releaseId", releaseId);
        }
        if (actor != null) {
            terms.add(table + "actor = :actor");
            params.put("actor", actor);
        }
        if (since != null) {
            terms.add(table + "event_time >= :since");
            params.put("since", java.time.OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
        }
        if (until != null) {
            terms.add(table + "event_time < :until");
            params.put("until", java.time.OffsetDateTime.ofInstant(until, java.time.ZoneOffset.UTC));
        }
        if (hasText()) {
            // Not narrowed by the application's or type's words: their lexemes ("app", "io.relops...") are in
            // millions of documents and the GIN intersection would read those lists; the planner combines the
            // free-text index with the btree of the other filter instead (BitmapAnd).
            terms.add(document + " @@ plainto_tsquery('simple', :text)");
            params.put("text", text);
        }
        return new Condition(terms.isEmpty() ? "true" : String.join(" and ", terms), params);
    }

    /** The window's first day: days since 1970-01-01 UTC of {@code since} (the document's {@code '@d:'}). */
    long firstDay() {
        return Math.floorDiv(since.getEpochSecond(), 86_400L);
    }

    /** The window's last day: the day of the last instant before {@code until}. */
    long lastDay() {
        return Math.floorDiv(until.minusNanos(1).getEpochSecond(), 86_400L);
    }

    /** Whether both ends of the time window are given and it is at most {@code max} long. */
    boolean withinWindow(Duration max) {
        return since != null && until != null && Duration.between(since, until).compareTo(max) <= 0;
    }

    boolean hasText() {
        return text != null && !text.isBlank();
    }

    boolean isEmpty() {
        return condition().params().isEmpty();
    }

    /** The filters given, for an export's header. */
    Map<String, String> describe() {
        Map<String, String> given = new LinkedHashMap<>();
        if (application != null) given.put("application", application);
        if (type != null) given.put("type", type);
        if (releaseId != null) given.put("releaseId", releaseId);
        if (actor != null) given.put("actor", actor);
        if (since != null) given.put("since", since.toString());
        if (until != null) given.put("until", until.toString());
        if (text != null && !text.isBlank()) given.put("text", text);
        return given;
    }
}
