package com.coinstream.reconciliation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** An upload's body as the import reads it: bounded in bytes, and in time in all, however each read keeps within its own timeout. */
@Tag("fast")
class UploadBodyTest {

    /** A body that arrives one byte at a time, {@code pauseMs} apart: each read well within any read timeout. */
    static InputStream trickle(byte[] bytes, long pauseMs) {
        return new InputStream() {
            int next;

            @Override
            public int read() throws IOException {
                if (next >= bytes.length) {
                    return -1;
                }
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return bytes[next++];
            }
        };
    }

    @Test
    void aBodyThatTricklesInPastItsDeadlineIsABrokenBody() {
        var body = new SettlementUploadApi.Bounded(trickle(new byte[100], 20), 1000, Duration.ofMillis(200));
        assertThrows(SettlementUploadApi.Bounded.BodyBroken.class, () -> body.readAllBytes());
    }

    /** A body stopped at its limit is not read to its end when closed (an endless one would never end). */
    @Test
    void aBodyStoppedAtItsLimitIsNotReadOnWhenClosed() throws IOException {
        int[] closed = { 0 };
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public void close() {
                closed[0]++; // Quarkus' stream reads the rest of the request here
            }
        };
        var body = new SettlementUploadApi.Bounded(endless, 1000, Duration.ofSeconds(5));
        assertThrows(SettlementUploadApi.Bounded.TooLarge.class, () -> body.readAllBytes());
        body.close();
        org.junit.jupiter.api.Assertions.assertEquals(0, closed[0]);
        var whole = new SettlementUploadApi.Bounded(new ByteArrayInputStream(new byte[10]), 1000, Duration.ofSeconds(5));
        whole.readAllBytes();
        whole.close(); // (read whole: closed as any stream)
    }

    @Test
    void aBodyWithinItsBoundsIsReadWhole() throws IOException {
        byte[] bytes = "transaction_id,type\n".getBytes();
        assertArrayEquals(bytes, new SettlementUploadApi.Bounded(new ByteArrayInputStream(bytes), 1000, Duration.ofSeconds(5)).readAllBytes());
        assertThrows(SettlementUploadApi.Bounded.TooLarge.class,
                () -> new SettlementUploadApi.Bounded(new ByteArrayInputStream(new byte[2000]), 1000, Duration.ofSeconds(5)).readAllBytes());
    }
}
