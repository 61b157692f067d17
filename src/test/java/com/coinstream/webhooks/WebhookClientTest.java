package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpClientOptions;

/** What a hostile receiver can make the service hold, and what the delivery log tells of the networks it reaches. */
@Tag("fast")
class WebhookClientTest {
    @Test
    void aKeptAliveConnectionClosesOnceIdleAndTlsIsNotNegotiatedOnTheEventLoop() {
        HttpClientOptions o = WebhookDispatcher.clientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5), 64);
        // (whatever the receiver's Keep-Alive header says: "timeout=0" made Vert.x keep the connection for ever)
        assertEquals(7_000, o.getIdleTimeout());
        assertEquals(java.util.concurrent.TimeUnit.MILLISECONDS, o.getIdleTimeoutUnit());
        assertTrue(o.getSslEngineOptions().getUseWorkerThread(), "the handshake's work off the event loop");
        assertTrue(o.isVerifyHost() && !o.isTrustAll());
        assertEquals(2_000, o.getConnectTimeout());
    }

    @Test
    void theDeliveryLogSaysHowAnAttemptFailedInAFewWordsNeverTheAddressOrTheReceiversBytes() {
        assertEquals("could not connect", WebhookDispatcher.describe(new io.vertx.core.VertxException(
                new java.net.ConnectException("Connection refused: /203.0.113.7:8443"))));
        assertEquals("TLS failed", WebhookDispatcher.describe(new javax.net.ssl.SSLHandshakeException("PKIX path building failed: CN=internal")));
        assertEquals("timed out", WebhookDispatcher.describe(new java.util.concurrent.TimeoutException("after 7000 ms")));
        assertEquals("timed out", WebhookDispatcher.describe(new io.netty.channel.ConnectTimeoutException("connection timed out: /203.0.113.7:443")));
        assertEquals("connection failed", WebhookDispatcher.describe(new IllegalStateException("HTTP/1.1 2\u0000 what the receiver sent")));
    }
}
