package com.coinstream.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The signature scheme, as a receiver verifies it (Standard Webhooks). */
@Tag("fast")
class WebhookSignatureTest {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long AT = 1614265330;
    static final String BODY = "{\"test\": 2432232314}";

    @Test
    void reproducesTheStandardWebhooksTestVectorSoReceiverLibrariesAcceptIt() {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.sign(SECRET, ID, AT, BODY));
    }

    @Test
    void aReceiverAcceptsTheMessageAndRefusesAnyChangeToIt() {
        String header = WebhookSignature.header(List.of(SECRET), ID, AT, BODY);
        assertTrue(WebhookSignature.verify(SECRET, ID, "" + AT, header, BODY, AT + 10, 300));
        assertFalse(WebhookSignature.verify(SECRET, ID, "" + AT, header, BODY.replace('2', '3'), AT, 300), "body changed");
        assertFalse(WebhookSignature.verify(SECRET, "msg_other", "" + AT, header, BODY, AT, 300), "id changed");
        assertFalse(WebhookSignature.verify(SECRET, ID, "" + (AT + 1), header, BODY, AT, 300), "timestamp changed");
        assertFalse(WebhookSignature.verify(WebhookSignature.newSecret(), ID, "" + AT, header, BODY, AT, 300), "another secret");
        assertFalse(WebhookSignature.verify(SECRET, ID, "" + AT, header, BODY, AT + 301, 300), "too old: a replay");
        assertFalse(WebhookSignature.verify(SECRET, ID, "not-a-number", header, BODY, AT, 300));
        assertFalse(WebhookSignature.verify(SECRET, ID, "" + AT, null, BODY, AT, 300));
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        String fresh = WebhookSignature.newSecret();
        String header = WebhookSignature.header(List.of(fresh, SECRET), ID, AT, BODY);
        assertEquals(2, header.split(" ").length);
        assertTrue(WebhookSignature.verify(fresh, ID, "" + AT, header, BODY, AT, 300));
        assertTrue(WebhookSignature.verify(SECRET, ID, "" + AT, header, BODY, AT, 300));
    }

    @Test
    void secretsAreRandom32ByteKeys() {
        String a = WebhookSignature.newSecret();
        assertTrue(a.startsWith("whsec_"));
        assertEquals(32, java.util.Base64.getDecoder().decode(a.substring(6)).length);
        assertNotEquals(a, WebhookSignature.newSecret());
    }
}
