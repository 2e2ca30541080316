package io.relops.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditQueryTest {

    private static final Instant MONDAY = Instant.parse("2026-11-16T10:00:00Z"); // day 20773 since 1970-01-01

    @Test
    void withoutFreeTextNoLexemeIsAsked() {
        assertThat(new AuditQuery("shop", "io.relops.release.requested", null, null, null, null, null).lexemeQuery())
                .isNull();
        assertThat(new AuditQuery("shop", null, null, null, null, null, "   ").lexemeQuery())
                .isNull();
        assertThat(new AuditQuery(null, null, null, null, null, null, "payment").lexemeQuery())
                .isNull();
    }

    @Test
    void freeTextAsksTheApplicationTypeAndTheDaysOfAShortWindow() {
        AuditQuery query = new AuditQuery(
                "shop", "io.relops.release.requested", null, null, MONDAY, MONDAY.plusSeconds(2 * 86_400), "payment");
        assertThat(query.lexemeQuery())
                .isEqualTo("'@a:shop' & '@t:io.relops.release.requested' & ('@d:20773' | '@d:20774' | '@d:20775')");
        AuditQuery.Condition condition = query.indexedCondition();
        assertThat(condition.sql())
                .contains("i.subject = :application")
                .endsWith("i.search @@ cast(:lexemes as tsquery)");
        assertThat(condition.params()).containsEntry("lexemes", query.lexemeQuery());
    }

    @Test
    void aWindowEndingAtMidnightDoesNotAskTheNextDay() {
        Instant midnight = Instant.parse("2026-11-17T00:00:00Z");
        assertThat(new AuditQuery(null, null, null, null, MONDAY, midnight, "payment").lexemeQuery())
                .isEqualTo("('@d:20773')");
    }

    @Test
    void longAndOpenWindowsAskNoDay() {
        assertThat(new AuditQuery(null, null, null, null, MONDAY, MONDAY.plusSeconds(8 * 86_400), "payment")
                        .lexemeQuery())
                .isNull();
        assertThat(new AuditQuery(null, null, null, null, MONDAY, null, "payment").lexemeQuery())
                .isNull();
    }

    @Test
    void valuesAreQuotedForTsqueryAndOverlongOnesLeftToTheColumnCondition() {
        assertThat(new AuditQuery("o'brien\\app", null, null, null, null, null, "x").lexemeQuery())
                .isEqualTo("'@a:o''brien\\\\app'");
        assertThat(new AuditQuery("a".repeat(501), null, null, null, null, null, "x").lexemeQuery())
                .isNull();
    }
}
