package com.coinstream.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature scheme of Standard Webhooks (standardwebhooks.com), so receivers can use its libraries: the secret is
 * {@code whsec_} + base64 of 32 random bytes; the signature is {@code v1,} + base64(HMAC-SHA256(key, id + "." +
 * timestamp + "." + body)), sent in {@code webhook-signature} (space-separated when two secrets are valid during a
 * rotation), with {@code webhook-id} and {@code webhook-timestamp} (Unix seconds).
 */
public final class WebhookSignature {
    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** {@code v1,<base64>} for one secret. */
    public static String sign(String secret, String messageId, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            byte[] digest = mac.doFinal((messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The header value: one signature per valid secret, space-separated. */
    public static String header(List<String> secrets, String messageId, long timestampSeconds, String body) {
        return String.join(" ", secrets.stream().map(s -> sign(s, messageId, timestampSeconds, body)).toList());
    }

    /**
     * What a receiver does: the timestamp is within {@code toleranceSeconds} of {@code nowSeconds} (replays of old
     * messages are refused) and one of the header's signatures matches, compared in constant time.
     */
    public static boolean verify(String secret, String messageId, String timestampHeader, String signatureHeader, String body,
            long nowSeconds, long toleranceSeconds) {
        if (messageId == null || timestampHeader == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
            return false;
        }
        byte[] expected = sign(secret, messageId, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        for (String candidate : signatureHeader.split(" ")) {
            found |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return found;
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
