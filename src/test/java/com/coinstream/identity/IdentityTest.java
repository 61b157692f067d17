package com.coinstream.identity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class IdentityTest {

    @Test
    void meComesFromTheVerifiedToken() {
        String id = Tokens.unique("alice");
        var me = Gql.ok(Tokens.token(id, Set.of("viewer", "creator"), "1990-01-01", "GB"), "{ me { id displayName region roles } }");
        assertEquals(id, me.getString("data.me.id"));
        assertEquals("GB", me.getString("data.me.region"));
        assertEquals(List.of("creator", "viewer"), me.getList("data.me.roles"));
    }

    /** A name only the service gives ("Anonymous", a pseudonym) is passed over for the next one the token has. */
    @Test
    void aNameOnlyTheServiceGivesIsPassedOver() {
        for (String[] names : new String[][] { { "Anonymous", "kim" }, { " anonymous ", null }, { "Erased user 1a2b3c4d", "ERASED USER 00" } }) {
            String id = Tokens.unique("reserved");
            var b = Tokens.builder(id, Set.of("viewer"), "1990-01-01", "US").claim("name", names[0]);
            if (names[1] != null) {
                b.claim("preferred_username", names[1]);
            }
            String shown = Gql.ok(b.sign(Tokens.key()), "{ me { displayName } }").getString("data.me.displayName");
            assertEquals(names[1] == null || names[1].startsWith("ERASED") ? id : names[1], shown, String.join(" / ", java.util.Arrays.asList(names)));
        }
    }

    /**
     * An email address is never shown as a name (a provider's preferred_username is often the login email): the next claim,
     * else the subject (the id every named gift shows already).
     */
    @Test
    void anEmailAddressIsNeverTheNameShown() {
        String id = Tokens.unique("emailname");
        String shown = Gql.ok(Tokens.builder(id, Set.of("viewer"), "1990-01-01", "US").claim("preferred_username", "alice@example.com")
                .sign(Tokens.key()), "{ me { displayName } }").getString("data.me.displayName");
        assertEquals(id, shown);
        String other = Tokens.unique("emailname");
        assertEquals("Alice", Gql.ok(Tokens.builder(other, Set.of("viewer"), "1990-01-01", "US").claim("name", "Alice <alice@example.com>")
                .claim("preferred_username", "Alice").sign(Tokens.key()), "{ me { displayName } }").getString("data.me.displayName"));
    }

    /** A subject no admin could type as a user id (a hold's, a grant's) makes no account: the token is refused. */
    @Test
    void aSubjectThatNoUserIdArgumentTakesIsRefused() {
        for (String sub : List.of("evil\u202Etxt", "tab\tinside", "  ", "a".repeat(256))) {
            var r = Gql.post(Tokens.builder(sub, Set.of("viewer"), "1990-01-01", "US").sign(Tokens.key()), "{ me { id } }", null);
            assertEquals("UNAUTHENTICATED", Gql.errorCode(r), sub + ": " + r.asString());
        }
        String fine = Tokens.unique("Ann Lee \uD83C\uDF39");
        assertEquals(fine, Gql.ok(Tokens.builder(fine, Set.of("viewer"), "1990-01-01", "US").sign(Tokens.key()), "{ me { id } }").getString("data.me.id"));
    }

    @Test
    void anonymousCallerGetsUnauthenticated() {
        var r = Gql.post(null, "{ me { id } }", null);
        assertEquals(200, r.statusCode());
        assertEquals("UNAUTHENTICATED", Gql.errorCode(r));
        assertFalse(r.asString().contains("Exception"), r.asString());
    }

    @Test
    void viewerCannotCallAdminOperations() {
        var r = Gql.post(Tokens.viewer(Tokens.unique("v")), "{ ledgerAudit { balanced } }", null);
        assertEquals("FORBIDDEN", Gql.errorCode(r));
        var grant = Gql.post(Tokens.viewer(Tokens.unique("v")),
                "mutation($input: GrantCoinsInput!) { grantCoins(input: $input) { userErrors { code } } }",
                Gql.input("userId", "x", "coins", 5, "reason", "r", "idempotencyKey", "k"));
        assertEquals("FORBIDDEN", Gql.errorCode(grant));
    }

    @Test
    void devTokenEndpointMintsAUsableToken() {
        String token = given().queryParam("sub", "devuser").queryParam("groups", "viewer")
                .queryParam("birthdate", "1990-01-01").queryParam("region", "US")
                .get("/dev/token").then().statusCode(200).extract().asString();
        assertEquals("devuser", Gql.ok(token, "{ me { id } }").getString("data.me.id"));
        given().queryParam("sub", "x").queryParam("groups", "root").get("/dev/token").then().statusCode(400);
        // a subject no token may carry, and a malformed lifetime, are refused with a code, never signed or a bare 404
        for (String sub : new String[] { "anonymous", "evil\u202Eadmin", "a\u0007b", " " }) {
            given().queryParam("sub", sub).get("/dev/token").then().statusCode(400)
                    .body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("BAD_REQUEST"));
        }
        given().queryParam("sub", "devuser").queryParam("ttlSeconds", "abc").get("/dev/token").then().statusCode(400)
                .body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("BAD_REQUEST"));
    }

    @Test
    void tokenSignedWithAnotherKeyIsRejected() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String forged = Tokens.builder("mallory", Set.of("admin"), Tokens.ADULT, "US").sign(generator.generateKeyPair().getPrivate());
        var r = Gql.post(forged, "{ me { id } }", null);
        assertTrue(r.statusCode() == 401 || "UNAUTHENTICATED".equals(Gql.errorCode(r)), r.statusCode() + " " + r.asString());
    }
}
