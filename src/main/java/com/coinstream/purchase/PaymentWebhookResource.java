package com.coinstream.purchase;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.coinstream.domain.Ids;
import com.coinstream.domain.Refusal;
import com.coinstream.graphql.InputGate;
import com.coinstream.graphql.Payloads;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.RequestShape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The payment provider's webhook. The body is verified with HMAC-SHA256 over the raw bytes and the
 * shared secret before anything is parsed; a bad signature gets 401 and changes nothing. Each event id is
 * processed once.
 */
@Path(PaymentWebhookResource.PATH)
public class PaymentWebhookResource {
    static final String PATH = "/webhooks/payments";
    public static final String SIGNATURE_HEADER = "X-Coinstream-Signature";
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final PaymentSettings settings;
    private final PurchaseService purchases;
    private final ObjectMapper json;
    private final PurchaseReversals reversals;
    private final RequestShape shape;

    public PaymentWebhookResource(PaymentSettings settings, PurchaseService purchases, ObjectMapper json, PurchaseReversals reversals,
            RequestShape shape) {
        this.reversals = reversals;
        this.shape = shape;
        this.settings = settings;
        this.purchases = purchases;
        this.json = json;
    }

    /**
     * A payment event that says it is bigger than {@link #MAX_BODY_BYTES} is refused before its body is read (413): an
     * unauthenticated sender never gets the service to buffer more than that. The body is then read on the event loop,
     * as a GraphQL request's is ({@link RequestShape#holdBody}: within the body budget, and whole within
     * {@link RequestShape#BODY_DEADLINE}, else 408), and one without a length is refused (413) once it passes the limit.
     * A sender trickling bytes never holds a worker thread: the handler below only sees a body that has arrived.
     */
    void install(@jakarta.enterprise.event.Observes io.vertx.ext.web.Router router) {
        router.post(PATH).order(-150).handler(rc -> {
            String length = rc.request().getHeader("Content-Length");
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = Long.MAX_VALUE;
            }
            if (declared > MAX_BODY_BYTES) {
                rc.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close").end("{\"status\":\"rejected\",\"code\":\"BAD_REQUEST\",\"message\":\"body too large\"}")
                        // (unread: the connection is closed after the answer, or the stream reset, as every refusal of an unread body)
                        .onComplete(written -> RequestShape.abandonBody(rc));
                return;
            }
            if (shape.holdBody(rc, MAX_BODY_BYTES)) {
                rc.next();
            }
        });
        router.post(PATH).order(-148).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.post(PATH).order(-147).handler(rc -> {
            RequestShape.releaseBody(rc);
            // (a body that completed just as the deadline answered 408 goes no further: the sender was told to send it again)
            if (!rc.response().ended()) {
                rc.next();
            }
        });
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> receive(@HeaderParam(SIGNATURE_HEADER) String signature, byte[] body) {
        if (body == null || body.length > MAX_BODY_BYTES) {
            return reply(Response.Status.REQUEST_ENTITY_TOO_LARGE.getStatusCode(), "body too large");
        }
        if (!validSignature(signature, body)) {
            return reply(Response.Status.UNAUTHORIZED.getStatusCode(), "invalid signature");
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (Exception e) {
            return reply(Response.Status.BAD_REQUEST.getStatusCode(), "malformed JSON");
        }
        String eventId = text(event, "id");
        String type = text(event, "type");
        JsonNode data = event == null ? null : event.get("data");
        if (eventId == null || type == null) {
            return reply(Response.Status.BAD_REQUEST.getStatusCode(), "event needs id and type");
        }
        // The same text rules as every other input (README "Input rules"), even though the provider signed it: for the
        // fields this service keeps (a failure's reason is kept as a short token whatever it says, and a refund's or a
        // dispute's is not read: refusing one over its words left the coins with the buyer, retried for ever)
        Refusal bad = InputGate.check(new ProviderFields(eventId, type, "payment.succeeded".equals(type) ? text(data, "paymentRef") : null));
        if (bad != null) {
            return reply(Response.Status.BAD_REQUEST.getStatusCode(), bad.getMessage());
        }
        if (!HANDLED.contains(type)) {
            // (before any purchase is asked for: events about other things carry none, and a 4xx is retried for ever)
            return reply(Response.Status.OK.getStatusCode(), "ignored event type");
        }
        String purchaseIdText = text(data, "purchaseId");
        if (purchaseIdText == null) {
            return reply(Response.Status.BAD_REQUEST.getStatusCode(), "event needs data.purchaseId");
        }
        var parsed = Ids.parse(purchaseIdText);
        if (parsed.isEmpty()) {
            return reply(Response.Status.BAD_REQUEST.getStatusCode(), "data.purchaseId is not a purchase id");
        }
        UUID purchaseId = parsed.get();
        var providerEvent = new PurchaseService.ProviderEvent(eventId, type);
        return purchases.findOptional(purchaseId).flatMap(found -> {
            if (found.isEmpty()) {
                return reply(Response.Status.NOT_FOUND.getStatusCode(), "unknown purchase");
            }
            Purchase purchase = found.get();
            return switch (type) {
                case "payment.succeeded" -> {
                    if (!sameAmount(purchase, data)) {
                        yield reply(422, "amount or currency does not match the purchase");
                    }
                    yield purchases.settleSucceeded(purchaseId, text(data, "paymentRef"), providerEvent)
                            .flatMap(p -> reply(Response.Status.OK.getStatusCode(), Purchase.SUCCEEDED.equals(p.status()) ? "processed"
                                    : "ignored: the purchase is " + p.status() + "; no coins were credited"));
                }
                case "payment.failed" -> purchases.settleFailed(purchaseId, text(data, "reason"), providerEvent)
                        .flatMap(p -> reply(Response.Status.OK.getStatusCode(), "processed"));
                case "payment.refunded", "payment.disputed" -> !sameWhereGiven(purchase, data)
                        // (a reversal takes back the whole purchase: a partial one is not taken for a whole one)
                        ? reply(422, "amount or currency does not match the purchase: only whole refunds and disputes are taken")
                        : purchases.onceForEvent(providerEvent, purchaseId,
                        reversals.reverseForProvider("provider:" + settings.gateway().name(), purchaseId,
                                type.equals("payment.refunded") ? "REFUND" : "CHARGEBACK"))
                        .flatMap(done -> reply(Response.Status.OK.getStatusCode(), done ? "processed" : "duplicate"))
                        .onFailure(Refusal.class)
                        .recoverWithUni(e -> reply(Response.Status.OK.getStatusCode(), "ignored: " + e.getMessage()));
                default -> reply(Response.Status.OK.getStatusCode(), "ignored event type");
            };
        }).onFailure().recoverWithUni(f -> {
            // What the database refuses (a payment reference another purchase already has, say) is the event's fault:
            // a coded 4xx, which the provider does not retry forever. Anything else stays a fault (500: retried).
            Optional<Refusal> refusal = Payloads.refusalIn(f);
            return refusal.isPresent() ? reply(refusal.get().httpStatus(), refusal.get().code().name(), refusal.get().getMessage()) : Uni.createFrom().failure(f);
        });
    }

    /** The event types acted on; any other is answered 200 and ignored. */
    static final java.util.Set<String> HANDLED = java.util.Set.of("payment.succeeded", "payment.failed", "payment.refunded", "payment.disputed");

    /** The event's text fields that are kept, checked by the input gate. */
    public static final class ProviderFields {
        @PersonText(max = 200)
        public final String id;
        @PersonText(max = 64)
        public final String type;
        @PersonText(min = 0, max = 200)
        public final String paymentRef;

        ProviderFields(String id, String type, String paymentRef) {
            this.id = id;
            this.type = type;
            this.paymentRef = paymentRef;
        }
    }

    private boolean validSignature(String header, byte[] body) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring("sha256=".length()).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, sign(settings.webhookSecret(), body));
    }

    /** HMAC-SHA256 of the raw body: what the provider puts in the signature header as {@code sha256=<hex>}. */
    public static byte[] sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameAmount(Purchase purchase, JsonNode data) {
        JsonNode amount = data.get("amountMinor");
        String currency = text(data, "currency");
        // (a whole number only: 999.97 is no amount of minor units, and asLong() would cut it to 999)
        return amount != null && amount.isIntegralNumber() && amount.canConvertToLong() && amount.asLong() == purchase.price().minorUnits()
                && purchase.price().getCurrency().equals(currency);
    }

    /**
     * What a refund or a dispute says of its amount and currency agrees with the purchase (a reversal takes back the whole
     * of it): each one given must match; one left out says nothing against it.
     */
    private static boolean sameWhereGiven(Purchase purchase, JsonNode data) {
        JsonNode amount = data.get("amountMinor");
        JsonNode currency = data.get("currency");
        return (amount == null || amount.isNull() || amount.isIntegralNumber() && amount.canConvertToLong()
                && amount.asLong() == purchase.price().minorUnits())
                && (currency == null || currency.isNull() || purchase.price().getCurrency().equals(text(data, "currency")));
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static Uni<Response> reply(int status, String message) {
        return reply(status, switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 404 -> "NOT_FOUND";
            case 422 -> "INVALID_INPUT";
            default -> "BAD_REQUEST";
        }, message);
    }

    /** The provider's answer: {@code status} ok or rejected, and for a refusal its {@code code}, as every refusal carries one. */
    private static Uni<Response> reply(int status, String code, String message) {
        Map<String, String> body = status < 300 ? Map.of("status", "ok", "message", message)
                : Map.of("status", "rejected", "code", code, "message", message);
        return Uni.createFrom().item(Response.status(status).entity(body).type(MediaType.APPLICATION_JSON).build());
    }
}
