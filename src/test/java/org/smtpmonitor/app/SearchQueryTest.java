package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MessageIndex;

class SearchQueryTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @Test
    void wordsAndFieldsGoWhereTheyBelong() {
        MessageIndex.Query q = SearchQuery.parse("  invoice from:ann@x TO:bob subject:\"weekly report\" body:late"
                + " body:paid 42 ", "alice@example.com", PARIS);
        assertEquals(new MessageIndex.Query("alice@example.com", "ann@x", "bob", "weekly report", "late paid",
                "invoice 42", null, null), q);
    }

    @Test
    void datesAreLocalDaysAfterInclusiveBeforeExclusive() {
        MessageIndex.Query q = SearchQuery.parse("after:2026-11-30 before:2026-12-01", null, PARIS);
        assertEquals(Instant.parse("2026-11-29T23:00:00Z"), q.after());
        assertEquals(Instant.parse("2026-11-30T23:00:00Z"), q.before());
    }

    @Test
    void aValueWithoutAFieldNameIsAWordAndAnEmptyFieldIsIgnored() {
        MessageIndex.Query q = SearchQuery.parse(":colon from: \"two words\"", null, PARIS);
        assertEquals(null, q.sender());
        assertEquals(":colon two words", q.words());
    }

    @Test
    void aBadDateSaysWhichTermAndTheFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchQuery.parse("before:tomorrow", null, PARIS));
        assertTrue(e.getMessage().contains("'before:tomorrow'") && e.getMessage().contains("YYYY-MM-DD"),
                e.getMessage());
    }

    @Test
    void aQuoteLeftOpenIsRefusedNamingTheTerm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchQuery.parse("invoice subject:\"weekly report", null, PARIS));
        assertEquals("'subject:\"weekly report': a quote is not closed", e.getMessage());
    }
}
