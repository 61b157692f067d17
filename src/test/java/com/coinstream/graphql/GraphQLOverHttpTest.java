package com.coinstream.graphql;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * GraphQL over HTTP, as the specification's reference implementation audits a server (graphql-http's auditServer,
 * run with the machine's Node.js from src/test/graphql-http), and the same rules as plain cases.
 */
@QuarkusTest
public class GraphQLOverHttpTest {
    static final String GRAPHQL_RESPONSE = "application/graphql-response+json";

    static RequestSpecification post(String accept, String body) {
        RequestSpecification spec = given().contentType("application/json").body(body);
        return accept == null ? spec : spec.header("Accept", accept);
    }

    @Test
    void everyMustAndShouldOfTheReferenceAuditPasses() throws Exception {
        List<String> failures = new ArrayList<>();
        int audited = 0;
        for (JsonNode result : audit(RestAssured.baseURI + ":" + RestAssured.port + "/graphql")) {
            String name = result.path("name").asText();
            audited++;
            if ((name.startsWith("MUST") || name.startsWith("SHOULD")) && !"ok".equals(result.path("status").asText())) {
                failures.add(result.path("id").asText() + " " + name + ": " + result.path("reason").asText());
            }
        }
        assertTrue(audited > 50, "the audit did not run its cases");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * A document sent as application/graphql is the document, line breaks and comments included, in any letter case of
     * the media type; a body is read as UTF-8 whatever charset its header names (an unknown one answered 500, UTF-16 or
     * Latin-1 turned the same bytes into other text).
     */
    @Test
    void aGraphqlBodyIsReadAsWrittenAndAlwaysAsUtf8() {
        for (String type : new String[] { "application/graphql", "Application/GraphQL; charset=UTF-8", "application/graphql; charset=latin1" }) {
            Response r = given().contentType(type).body("# the rates\n{\n  rates {\n    version\n  }\n}".getBytes(StandardCharsets.UTF_8)).post("/graphql");
            assertEquals(200, r.statusCode(), type + ": " + r.asString());
            assertTrue(r.jsonPath().getInt("data.rates.version") > 0, r.asString());
        }
        for (String type : new String[] { "application/json; charset=bogus", "application/json; charset=utf-16" }) {
            Response r = given().contentType(type).body("{\"query\":\"{ __typename }\"}".getBytes(StandardCharsets.UTF_8)).post("/graphql");
            assertEquals(200, r.statusCode(), type + ": " + r.asString());
            assertEquals("Query", r.jsonPath().getString("data.__typename"), type);
        }
        // bytes that are not UTF-8 JSON (UTF-16 without a mark, which a parser may detect and read) are refused with a code
        for (java.nio.charset.Charset other : new java.nio.charset.Charset[] { StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE }) {
            Response r = given().contentType("application/json").body("{\"query\":\"{ __typename }\"}".getBytes(other)).post("/graphql");
            assertEquals(400, r.statusCode(), other + ": " + r.asString());
            assertEquals("BAD_REQUEST", r.jsonPath().getString("errors[0].extensions.code"), r.asString());
        }
        // a document that is not UTF-8 (one Latin-1 byte) is refused as a JSON body is, never repaired into U+FFFD and run
        byte[] latin1 = "{ rates { version } } # Caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        for (String type : new String[] { "application/graphql", "application/graphql; charset=iso-8859-1" }) {
            Response r = given().contentType(type).body(latin1).post("/graphql");
            assertEquals(400, r.statusCode(), type + ": " + r.asString());
            assertEquals("BAD_REQUEST", r.jsonPath().getString("errors[0].extensions.code"), type + ": " + r.asString());
            assertTrue(r.jsonPath().get("data") == null, r.asString());
        }
    }

    @Test
    void anyMediaTypeOrNoAcceptIsAnsweredAsApplicationJson() {
        for (String accept : new String[] { "*/*", null, "application/json" }) {
            Response r = post(accept, "{\"query\":\"{ __typename }\"}").post("/graphql");
            assertEquals(200, r.statusCode());
            assertTrue(r.contentType().startsWith("application/json"), accept + " -> " + r.contentType());
        }
        Response preferred = post(GRAPHQL_RESPONSE + ", application/json;q=0.9", "{\"query\":\"{ __typename }\"}").post("/graphql");
        assertTrue(preferred.contentType().startsWith(GRAPHQL_RESPONSE), preferred.contentType());
    }

    @Test
    void aPostWithoutAJsonContentTypeIsRefused() {
        assertEquals(415, given().body("{\"query\":\"{ __typename }\"}").contentType("text/plain").post("/graphql").statusCode());
        assertEquals(415, given().body("query=%7B__typename%7D").contentType("application/x-www-form-urlencoded").post("/graphql").statusCode());
    }

    /** The body's shape is checked whatever the media type's case, and a byte order mark is refused, each with a code. */
    @Test
    void malformedBodiesAreRefusedWithACodeWhateverTheMediaTypesCase() throws Exception {
        for (String type : new String[] { "application/json", "Application/JSON", "APPLICATION/JSON; charset=UTF-8" }) {
            for (String body : new String[] { "{\"query\":5}", "{\"query\":\"{ __typename }\",\"variables\":\"x\"}", "[1]",
                    "\uFEFF{\"query\":\"{ __typename }\"}" }) {
                Response r = given().contentType(type).body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/graphql");
                assertEquals(400, r.statusCode(), type + " " + body + ": " + r.asString());
                assertEquals("BAD_REQUEST", r.jsonPath().getString("errors[0].extensions.code"), type + " " + body + ": " + r.asString());
            }
            assertEquals(200, given().contentType(type).body("{\"query\":\"{ __typename }\"}").post("/graphql").statusCode(), type);
        }
        // headers of parameters alone: answered, never a 500
        // (sent by the JDK's client: a test client would refuse to send such a header)
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/graphql");
        for (String odd : new String[] { ";", ";;", " ; charset=utf-8" }) {
            for (String[] headers : new String[][] { { "Content-Type", odd }, { "Content-Type", "application/json", "Accept", odd } }) {
                var request = java.net.http.HttpRequest.newBuilder(uri).headers(headers)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"query\":\"{ __typename }\"}")).build();
                int status = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                assertTrue(status < 500, String.join(" ", headers) + ": " + status);
            }
        }
    }

    @Test
    void requestErrorsAre200ForApplicationJsonAnd400ForGraphqlResponseJson() {
        Map<String, String> failures = Map.of(
                "parse", "{\"query\":\"{ wallet { coins \"}",
                "validation", "{\"query\":\"{ noSuchField }\"}",
                "coercion", "{\"query\":\"query($r: String!) { coinPackages(region: $r) { id } }\",\"variables\":{\"r\":5}}",
                "token limit", "{\"query\":\"{ " + "__typename ".repeat(3000) + "}\"}",
                "depth limit", "{\"query\":\"{ coinPackages(region: \\\"US\\\") { id } __schema { types { " + IntrospectionTest.nested("ofType", 20) + " } } }\"}");
        failures.forEach((kind, body) -> {
            Response json = post("application/json", body).post("/graphql");
            assertEquals(200, json.statusCode(), kind + ": " + json.asString());
            assertFalse(json.jsonPath().getList("errors").isEmpty(), kind);
            Response strict = post(GRAPHQL_RESPONSE, body).post("/graphql");
            assertEquals(400, strict.statusCode(), kind + ": " + strict.asString());
            assertTrue(strict.contentType().startsWith(GRAPHQL_RESPONSE), kind + ": " + strict.contentType());
            assertNull(strict.jsonPath().get("data"), kind);
        });
        // A malformed body is 400 either way, and a field error with data stays 200.
        assertEquals(400, post("application/json", "{\"query\":").post("/graphql").statusCode());
        assertEquals(200, post(GRAPHQL_RESPONSE, "{\"query\":\"{ wallet { coins } }\"}").post("/graphql").statusCode());
    }

    /** A subscription is a WebSocket's: over a POST it is refused with a code and says where to send it, never run. */
    @Test
    void aSubscriptionOverPostIsRefusedWithACode() {
        for (String body : new String[] { "{\"query\":\"subscription { giftEvents(streamId: \\\"00000000-0000-4000-8000-00000000dead\\\") { sequence } }\"}",
                "{\"query\":\"subscription S { walletChanged { coins } } query Q { __typename }\",\"operationName\":\"S\"}" }) {
            for (String type : new String[] { "application/json", GRAPHQL_RESPONSE }) {
                Response r = post(type, body).post("/graphql");
                assertEquals(400, r.statusCode(), body + ": " + r.asString());
                assertEquals("BAD_REQUEST", r.jsonPath().getString("errors[0].extensions.code"), r.asString());
                assertTrue(r.jsonPath().getString("errors[0].message").contains("WebSocket"), r.asString());
            }
        }
        // a later null operation name clears an earlier one (as SmallRye reads the body), and a bare document is checked too
        Response dup = post("application/json", "{\"query\":\"subscription S { walletChanged { coins } }\",\"operationName\":\"X\",\"operationName\":null}")
                .post("/graphql");
        assertEquals(400, dup.statusCode(), dup.asString());
        Response bare = given().contentType("application/graphql").body("subscription { walletChanged { coins } }".getBytes(StandardCharsets.UTF_8)).post("/graphql");
        assertEquals(400, bare.statusCode(), bare.asString());
        assertEquals("BAD_REQUEST", bare.jsonPath().getString("errors[0].extensions.code"), bare.asString());
        // a document refused so that names an admin mutation is an attempt at it, recorded as refused (read through the
        // API: this test also runs against the packaged app, whose schema is another)
        String subject = com.coinstream.support.Tokens.unique("subadmin");
        Response attempt = given().header("Authorization", "Bearer " + com.coinstream.support.Tokens.viewer(subject))
                .contentType("application/json").body("{\"query\":\"subscription S { walletChanged { coins } } mutation M { grantCoins(input: "
                        + "{userId: \\\"x\\\", coins: 5, reason: \\\"r\\\", idempotencyKey: \\\"k\\\"}) { userErrors { code } } }\"}")
                .post("/graphql");
        assertEquals(400, attempt.statusCode(), attempt.asString());
        var recorded = com.coinstream.support.Gql.ok(com.coinstream.support.Tokens.admin(), "query($f: AuditLogFilter) { auditLog(first: 10, filter: $f) "
                + "{ nodes { action outcome } } }", Map.of("f", Map.of("actorId", subject, "action", "grantCoins", "outcome", "REFUSED")));
        assertEquals(1, recorded.getList("data.auditLog.nodes").size(), "recorded as a refused attempt: " + recorded.prettify());
        // the query of the same document, named, still runs
        Response q = post("application/json", "{\"query\":\"subscription S { walletChanged { coins } } query Q { __typename }\",\"operationName\":\"Q\"}")
                .post("/graphql");
        assertEquals(200, q.statusCode(), q.asString());
        assertEquals("Query", q.jsonPath().getString("data.__typename"), q.asString());
    }

    @Test
    void mutationsOverGetStayRefused() {
        Response r = given().queryParam("query", "mutation { startLiveStream(input: {title: \"x\"}) { liveStream { id } } }").get("/graphql");
        assertEquals(405, r.statusCode(), r.asString());
        assertFalse(r.asString().contains("liveStream"), r.asString());        // every method but POST, a GET that opens no WebSocket too, is refused with a code and says what is taken
        for (String method : new String[] { "GET", "PUT", "DELETE", "PATCH" }) {
            Response refused = given().contentType("application/json").body("{\"query\":\"{ __typename }\"}").request(method, "/graphql");
            assertEquals(405, refused.statusCode(), method + ": " + refused.asString());
            assertEquals("POST", refused.header("Allow"), method);
            assertEquals("BAD_REQUEST", refused.jsonPath().getString("errors[0].extensions.code"), method + ": " + refused.asString());
        }
    }

    /** Installs the audit's npm packages (once, into target/) and runs it against {@code url}. */
    static JsonNode audit(String url) throws IOException, InterruptedException {
        Path dir = Path.of("target", "graphql-http");
        Files.createDirectories(dir);
        for (String file : List.of("package.json", "package-lock.json", "audit.mjs")) {
            Files.copy(Path.of("src/test/graphql-http", file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/graphql-http"))) {
            run(dir, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }
        return new ObjectMapper().readTree(run(dir, "node", "audit.mjs", url));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed: " + err);
        return new String(out, StandardCharsets.UTF_8);
    }
}
