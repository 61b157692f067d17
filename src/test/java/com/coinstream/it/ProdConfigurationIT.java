package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.build.Jwt;

/**
 * The packaged app (prod profile) configured the way an operator does it: with their own token key
 * pair and issuer, given as a file or inline, and refusing to start when a required setting is missing.
 */
class ProdConfigurationIT {
    private static final String ISSUER = "https://login.operator.example";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anOperatorsOwnKeyVerifiesTokensGivenAsAFileOrInlineAndTheDevKeyNoLongerDoes() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").genKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Path file = Path.of("target/operator-public.pem");
        Files.writeString(file, pem);
        String own = Jwt.issuer(ISSUER).subject("operator-viewer").groups(Set.of("viewer")).claim("birthdate", "1990-01-01")
                .claim("region", "US").expiresIn(Duration.ofMinutes(10)).sign(pair.getPrivate());
        String dev = Tokens.viewer("dev-viewer");

        try (SecondInstance app = SecondInstance.start(8096,
                Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", file.toAbsolutePath().toString(), "MP_JWT_VERIFY_ISSUER", ISSUER), Set.of())) {
            assertEquals("operator-viewer", me(app.port, own).path("data").path("me").path("id").asText());
            assertEquals("UNAUTHENTICATED", me(app.port, dev).path("errors").path(0).path("extensions").path("code").asText());
        }
        try (SecondInstance app = SecondInstance.start(8097, Map.of("MP_JWT_VERIFY_PUBLICKEY", pem, "MP_JWT_VERIFY_ISSUER", ISSUER),
                Set.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))) {
            assertEquals("operator-viewer", me(app.port, own).path("data").path("me").path("id").asText());
            assertEquals("UNAUTHENTICATED", me(app.port, dev).path("errors").path(0).path("extensions").path("code").asText());
        }
    }

    @Test
    void theServiceRefusesToStartWithoutATokenKeyAnIssuerOrAPaymentProvider() throws Exception {
        assertTrue(SecondInstance.refusedStart(Map.of(), Set.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))
                .contains("No token verification key: set MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        assertTrue(SecondInstance.refusedStart(Map.of(), Set.of("MP_JWT_VERIFY_ISSUER")).contains("No token issuer: set MP_JWT_VERIFY_ISSUER"));
        assertTrue(SecondInstance.refusedStart(Map.of(), Set.of("COINSTREAM_PAYMENT_PROVIDER"))
                .contains("No payment provider configured: set COINSTREAM_PAYMENT_PROVIDER"));
        // a key location that cannot be read (a wrong path, a secret the service's user may not read): smallrye-jwt reads
        // it only at the first token, so the service started, healthy, and turned every caller away
        assertTrue(SecondInstance.refusedStart(Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "/run/secrets/no-such-key.pem"), Set.of())
                .contains("The token verification key at MP_JWT_VERIFY_PUBLICKEY_LOCATION (/run/secrets/no-such-key.pem) cannot be read"));
        // settings out of their documented ranges
        assertTrue(SecondInstance.refusedStart(Map.of("COINSTREAM_MATCH_DURATION", "PT30M"), Set.of())
                .contains("COINSTREAM_MATCH_DURATION (PT30M) must be whole seconds from 60 to 600"));
        assertTrue(SecondInstance.refusedStart(Map.of("COINSTREAM_LEDGER_HOT_SLOTS", "0"), Set.of())
                .contains("COINSTREAM_LEDGER_HOT_SLOTS (0) must be 1-1000"));
    }

    /** COINSTREAM_MAX_BODY_SIZE is honoured up to its documented maximum (a second, undocumented 10 MiB cap once applied). */
    @Test
    void theBodyLimitIsTheOperatorsUpToItsDocumentedMaximum() throws Exception {
        String big = "{\"query\":\"{ me { id } }\",\"extensions\":{\"padding\":\"" + "x".repeat(15 * 1024 * 1024) + "\"}}";
        try (SecondInstance app = SecondInstance.start(8095, Map.of("COINSTREAM_MAX_BODY_SIZE", "16M"), Set.of())) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port + "/graphql"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(big)).build();
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), "a 15 MiB body under a 16M limit is read");
            assertEquals("UNAUTHENTICATED", JSON.readTree(answer.body()).path("errors").path(0).path("extensions").path("code").asText());
        }
        assertTrue(SecondInstance.refusedStart(Map.of("COINSTREAM_MAX_BODY_SIZE", "17M"), Set.of()).contains("must be between 1K and 16M"));
        assertTrue(SecondInstance.refusedStart(Map.of("COINSTREAM_MAX_BODY_SIZE", "1M", "COINSTREAM_BODY_BUDGET", "512K"), Set.of())
                .contains("COINSTREAM_BODY_BUDGET"));
    }

    private static JsonNode me(int port, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/graphql"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ me { id } }\"}")).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }
}
