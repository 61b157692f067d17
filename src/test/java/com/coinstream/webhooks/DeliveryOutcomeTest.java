package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.coinstream.domain.Text;

/**
 * A failed attempt's error is written to the delivery log, and it is the receiver's own bytes (a status line with a NUL,
 * say, in the HTTP client's message): it is made a text PostgreSQL keeps, or the delivery could never be settled and
 * would be tried every lease, forever, never backing off nor counting against the endpoint.
 */
@Tag("fast")
class DeliveryOutcomeTest {
    @Test
    void anErrorIsKeptAsTextTheDeliveryLogTakes() {
        String error = WebhookDispatcher.Outcome.failed(0, "invalid version format: HTTP/1.1 2\u000000 OK").error();
        assertNull(Text.encodingProblem(error), error);
        assertTrue(error.startsWith("invalid version format"), error);
        assertTrue(WebhookDispatcher.Outcome.failed(0, "x".repeat(5_000)).error().length() < 220);
        assertEquals("failed", WebhookDispatcher.Outcome.failed(500, null).error());
    }

    /** An attempt that could not start is no failure of the endpoint's, until its event has waited out the retry period. */
    @Test
    void aPostponedAttemptCountsAsAFailureOnceItsEventWaitedOutTheRetryPeriod() {
        var postponed = new WebhookDispatcher.Outcome(0, null, true);
        java.time.Instant now = java.time.Instant.parse("2026-12-06T12:00:00Z");
        java.time.Duration period = java.time.Duration.ofHours(24);
        var recent = java.time.OffsetDateTime.parse("2026-12-06T11:00:00Z");
        var old = java.time.OffsetDateTime.parse("2026-12-05T11:59:59Z");
        assertTrue(WebhookDispatcher.counted(postponed, recent, period, now).postponed());
        var given = WebhookDispatcher.counted(postponed, old, period, now);
        assertTrue(!given.postponed() && !given.ok(), given.toString());
        assertTrue(given.error().contains("retry period"), given.error());
        var delivered = WebhookDispatcher.Outcome.delivered(204);
        assertEquals(delivered, WebhookDispatcher.counted(delivered, old, period, now));
    }
}
