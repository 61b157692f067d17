package com.coinstream.support;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.restassured.response.Response;

import com.coinstream.purchase.PaymentWebhookResource;

/** Plays the payment provider: signs and posts webhook events. */
public final class Webhooks {
    public static final String SECRET = "dev-only-webhook-secret";

    private Webhooks() {
    }

    public static String signature(String body) {
        return "sha256=" + HexFormat.of().formatHex(PaymentWebhookResource.sign(SECRET.getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    public static Response post(String body, String signature) {
        return postTo(null, body, signature);
    }

    public static Response postTo(Integer port, String body, String signature) {
        var spec = given().contentType("application/json").body(body);
        if (port != null) {
            spec = spec.port(port);
        }
        if (signature != null) {
            spec = spec.header(PaymentWebhookResource.SIGNATURE_HEADER, signature);
        }
        return spec.post("/webhooks/payments");
    }

    public static Response send(String body) {
        return post(body, signature(body));
    }

    public static String succeeded(String eventId, String purchaseId, long amountMinor, String currency) {
        return """
                {"id":"%s","type":"payment.succeeded","data":{"purchaseId":"%s","paymentRef":"sim_pi_%s","amountMinor":%d,"currency":"%s"}}"""
                .formatted(eventId, purchaseId, purchaseId, amountMinor, currency);
    }

    public static String refunded(String eventId, String purchaseId) {
        return """
                {"id":"%s","type":"payment.refunded","data":{"purchaseId":"%s"}}""".formatted(eventId, purchaseId);
    }

    public static String failed(String eventId, String purchaseId) {
        return """
                {"id":"%s","type":"payment.failed","data":{"purchaseId":"%s","reason":"card_declined"}}"""
                .formatted(eventId, purchaseId);
    }
}
