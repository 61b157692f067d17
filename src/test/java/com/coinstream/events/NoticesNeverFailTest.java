package com.coinstream.events;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A notice is sent after the change it announces has committed: when it cannot be sent (here PostgreSQL refuses the
 * notification itself, a payload over its 8,000 bytes), it is logged and the mutation that committed still answers
 * with what it did, never an error.
 */
@QuarkusTest
class NoticesNeverFailTest {
    @Inject
    ClusterEvents events;

    @Test
    void aNoticeThatCannotBeSentIsLoggedNotThrown() {
        assertNull(events.publish(ClusterEvents.ACTIVITY, "x".repeat(9_000)).await().atMost(Duration.ofSeconds(10)));
    }
}
