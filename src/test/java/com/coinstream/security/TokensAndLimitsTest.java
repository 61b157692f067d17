package com.coinstream.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.coinstream.graphql.GraphQLOverHttpTest;
import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.restassured.response.Response;

@io.quarkus.test.junit.QuarkusTest
class TokensAndLimitsTest {
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    static String b64(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String claims(String extra) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"iss\":\"" + Tokens.ISSUER + "\",\"sub\":\"mallory\",\"groups\":[\"admin\"],\"birthdate\":\"1990-01-01\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + extra + "}";
    }

    static List<String> badTokens() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        var other = java.security.KeyPairGenerator.getInstance("RSA");
        other.initialize(2048);
        String wrongSignature = Tokens.builder("mallory", Set.of("admin"), Tokens.ADULT, "US").sign(other.generateKeyPair().getPrivate());
        String algNone = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims("")) + ".";
        String hsHeader = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims(""));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Files.readAllBytes(Path.of("src/main/dev-keys/dev-only-public.pem")), "HmacSHA256"));
        String hs256WithPublicKey = hsHeader + "." + B64.encodeToString(mac.doFinal(hsHeader.getBytes(StandardCharsets.US_ASCII)));
        String expired = Tokens.builder("mallory", Set.of("admin"), Tokens.ADULT, "US").issuedAt(now - 7200).expiresAt(now - 3600)
                .sign(Tokens.key());
        String notYetValid = Tokens.builder("mallory", Set.of("admin"), Tokens.ADULT, "US").claim("nbf", now + 3600).sign(Tokens.key());
        String wrongIssuer = Tokens.builder("mallory", Set.of("admin"), Tokens.ADULT, "US").issuer("https://evil.example").sign(Tokens.key());
        String noSubject = Tokens.builder(null, Set.of("admin"), Tokens.ADULT, "US").sign(Tokens.key());
        String garbage = "not.a.jwt";
        String tampered = Tokens.viewer("honest");
        String[] parts = tampered.split("\\.");
        tampered = parts[0] + "." + b64(claims("")) + "." + parts[2];
        // claims every id of the API is held to: a subject with a control character or longer than an ID, a null group
        String controlSubject = Tokens.builder("mal\u0001lory", Set.of("viewer"), Tokens.ADULT, "US").sign(Tokens.key());
        String longSubject = Tokens.builder("m".repeat(300), Set.of("viewer"), Tokens.ADULT, "US").sign(Tokens.key());
        // (signed by hand: the claims builder cannot write a null into a list)
        String nullGroupHeader = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims("").replace("\"groups\":[\"admin\"]",
                "\"groups\":[\"viewer\",null]"));
        java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
        rs256.initSign(Tokens.key());
        rs256.update(nullGroupHeader.getBytes(StandardCharsets.US_ASCII));
        String nullGroup = nullGroupHeader + "." + B64.encodeToString(rs256.sign());
        return List.of(wrongSignature, algNone, hs256WithPublicKey, expired, notYetValid, wrongIssuer, noSubject, garbage, tampered,
                controlSubject, longSubject, nullGroup);
    }

    @ParameterizedTest
    @MethodSource("badTokens")
    void forgedExpiredAndMalformedTokensAreRejected(String token) {
        Response r = Gql.post(token, "{ ledgerAudit { balanced } me { id } }", null);
        boolean rejected = (r.statusCode() == 401 || r.statusCode() == 200) && "UNAUTHENTICATED".equals(Gql.errorCode(r));
        assertTrue(rejected, "not refused with extensions.code UNAUTHENTICATED: HTTP " + r.statusCode() + " " + r.asString());
        if (r.statusCode() == 200) {
            assertNull(r.jsonPath().get("data.ledgerAudit"));
        }
    }

    @Test
    void aFiftyLevelQueryIsRefusedByTheDepthLimit() {
        // The schema has no cycle, so depth comes from introspection; a data field makes it an ordinary document.
        String nested = "{ rates { version } __schema { types { fields { type " + "{ ofType ".repeat(47) + "{ name }" + " }".repeat(47) + " } } } }";
        Response r = Gql.post(null, nested, null);
        assertTrue(r.statusCode() == 400 || r.statusCode() == 200, r.asString());
        String code = Gql.errorCode(r);
        assertTrue("QUERY_TOO_COMPLEX".equals(code) || "GRAPHQL_VALIDATION_FAILED".equals(code), r.asString());
        assertNull(r.jsonPath().get("data.__schema"));
    }

    @Test
    void anOverLimitQueryIsRefusedEveryTimeItIsSent() {
        String nested = "{ rates { version } __schema { types { fields { type " + "{ ofType ".repeat(20) + "{ name }" + " }".repeat(20) + " } } } }";
        for (int i = 0; i < 3; i++) {
            Response r = Gql.post(null, nested, null);
            assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(r), r.asString());
            assertNull(r.jsonPath().get("data.__schema"));
        }
    }

    @Test
    void limitsFollowTheVariablesWhenDirectivesDependOnThem() {
        // Within the depth limit while $deep is false, beyond it when true: the second request must not
        // ride on the first one having passed.
        String query = "query($deep: Boolean!) { rates { version } __schema { types { name fields @include(if: $deep) { type "
                + "{ ofType ".repeat(10) + "{ name }" + " }".repeat(10) + " } } } }";
        for (int i = 0; i < 2; i++) { // the second request runs on the document SmallRye kept from the first
            Response shallow = Gql.post(null, query, Map.of("deep", false));
            assertNull(Gql.errorCode(shallow), shallow.asString());
        }
        Response deep = Gql.post(null, query, Map.of("deep", true));
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(deep), deep.asString());
        Response again = Gql.post(null, query, Map.of("deep", false));
        assertNull(Gql.errorCode(again), again.asString());
    }

    @Test
    void tooManyFieldsTripTheComplexityLimit() {
        StringBuilder q = new StringBuilder("{");
        for (int i = 0; i < 700; i++) {
            q.append(" a").append(i).append(": rates { version }");
        }
        q.append(" }");
        Response r = Gql.post(null, q.toString(), null);
        String code = Gql.errorCode(r);
        assertTrue("QUERY_TOO_COMPLEX".equals(code), r.statusCode() + " " + r.asString().substring(0, Math.min(300, r.asString().length())));
    }

    /**
     * A fragment spread under many aliases runs once per alias: it counts so. (graphql-java's complexity visits each
     * fragment once: 140 aliases of one fragment of four fields counted as about 144, ran as 700.)
     */
    @Test
    void aFragmentCountsEachTimeItIsSpread() {
        StringBuilder q = new StringBuilder("{");
        for (int i = 0; i < 140; i++) {
            q.append(" a").append(i).append(": liveStreams(first: 1) { ...S }");
        }
        q.append(" } fragment S on LiveStreamConnection { nodes { id title status } pageInfo { hasNextPage } }");
        Response r = Gql.post(null, q.toString(), null);
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(r), r.asString().substring(0, Math.min(300, r.asString().length())));
    }

    /**
     * A field under a list runs once per item: 290 aliases of one field under a page of 100 streams were 582 fields by
     * the complexity count and 29,000 runs. Counted per item (the page size as written, or from a variable, which then
     * counts on every request: the same text with a page of 1 passes, with a page of 100 does not).
     */
    @Test
    void aFieldUnderAListCountsOncePerItem() {
        StringBuilder aliases = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            aliases.append(" a").append(i).append(": title");
        }
        Response literal = Gql.post(null, "{ liveStreams(first: 100, liveOnly: false) { nodes {" + aliases + " } } }", null);
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(literal), literal.asString().substring(0, Math.min(300, literal.asString().length())));
        String sized = "query($n: Int) { liveStreams(first: $n, liveOnly: false) { nodes {" + aliases + " } } }";
        Response small = Gql.post(null, sized, Map.of("n", 1));
        assertNull(Gql.errorCode(small), small.asString().substring(0, Math.min(300, small.asString().length())));
        Response large = Gql.post(null, sized, Map.of("n", 100));
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(large), large.asString().substring(0, Math.min(300, large.asString().length())));
        Response unsized = Gql.post(null, "{ liveStreams(liveOnly: false) { nodes {" + aliases + " } } }", null);
        assertNull(Gql.errorCode(unsized), "no first: the default page of 20, 3,000 values");
        Response page = Gql.post(null, "{ liveStreams(first: 100, liveOnly: false) { nodes { id title status creator { id displayName } } "
                + "pageInfo { hasNextPage endCursor } } }", null);
        assertNull(Gql.errorCode(page), "a full page of ordinary fields passes");
        // a page size inside an input object counts too, written or from a variable
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            names.append(" p").append(i).append(": profile { displayName }");
        }
        Response board = Gql.post(null, "{ leaderboard(input: {scope: TOP_GIFTERS, period: ALL_TIME, first: 100}) { nodes {" + names + " } } }", null);
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(board), board.asString().substring(0, Math.min(300, board.asString().length())));
        Response boardByVariable = Gql.post(null, "query($i: LeaderboardInput!) { leaderboard(input: $i) { nodes {" + names + " } } }",
                Map.of("i", Map.of("scope", "TOP_GIFTERS", "period", "ALL_TIME", "first", 100)));
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(boardByVariable), boardByVariable.asString().substring(0, Math.min(300,
                boardByVariable.asString().length())));
        // counted as the resolvers clamp a page (at most 100 items): a page asked for 1,000 passes as it did
        Response clamped = Gql.post(null, "{ liveStreams(first: 1000, liveOnly: false) { nodes { id title status creator { id displayName } } } }", null);
        assertNull(Gql.errorCode(clamped), clamped.asString().substring(0, Math.min(300, clamped.asString().length())));
    }

    /**
     * Forty fragments, each spreading the one before twice: expanding them without remembering each one was 2^40 steps
     * before any limit, on the request's thread. It answers at once.
     */
    @Test
    void aFragmentBombAnswersAtOnce() {
        StringBuilder q = new StringBuilder("{ ...F40 } fragment F0 on Query { __typename }");
        for (int i = 1; i <= 40; i++) {
            q.append(" fragment F").append(i).append(" on Query { ...F").append(i - 1).append(" ...F").append(i - 1).append(" }");
        }
        long started = System.nanoTime();
        Response r = Gql.post(null, q.toString(), null);
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms < 5_000, "answered in " + ms + " ms: " + r.asString());
        assertEquals(200, r.statusCode(), r.asString());
    }

    @Test
    void aTenMegabyteBodyIsRefusedBeforeParsing() {
        String body = "{\"query\":\"{ me { id } }\",\"variables\":{\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}}";
        long start = System.nanoTime();
        Response r = given().contentType("application/json").body(body).post("/graphql");
        assertEquals(413, r.statusCode());
        assertEquals("BAD_REQUEST", r.jsonPath().getString("errors[0].extensions.code"), r.asString()); // coded (HttpRefusals)
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void corsAllowsOnlyConfiguredOrigins() {
        Response allowed = given().header("Origin", "https://app.coinstream.test").header("Access-Control-Request-Method", "POST")
                .options("/graphql");
        assertEquals("https://app.coinstream.test", allowed.getHeader("Access-Control-Allow-Origin"));
        Response denied = given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/graphql");
        assertTrue(denied.getHeader("Access-Control-Allow-Origin") == null
                || !denied.getHeader("Access-Control-Allow-Origin").contains("evil"), denied.headers().toString());
    }

    @Test
    void errorsCarryStableCodesAndNoInternals() {
        Response r = Gql.post(Tokens.viewer("codes"), "{ transactions(first: 5, after: \"bogus\") { nodes { id } } }", null);
        assertEquals("BAD_USER_INPUT", Gql.errorCode(r));
        // A request error is 400 for application/graphql-response+json (200 for application/json: GraphQLOverHttpTest).
        Response parse = given().contentType("application/json").accept("application/graphql-response+json")
                .body("{\"query\":\"{ me { id }\"}").post("/graphql");
        assertEquals(400, parse.statusCode());
        assertEquals("GRAPHQL_PARSE_FAILED", Gql.errorCode(parse));
        Response shape = given().contentType("application/json").body("{\"query\":\"{ me { id } }\",\"variables\":\"x\"}").post("/graphql");
        assertEquals("BAD_REQUEST", Gql.errorCode(shape));
    }
}
