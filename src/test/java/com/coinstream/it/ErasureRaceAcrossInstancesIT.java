package com.coinstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Erasures;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;

/**
 * Erasure raced by the person's own requests over two instances of the packaged app: 50 of theirs in flight (sign-ins
 * with their real name and birthdate, gifts, purchases, stream starts, wallet reads) while an admin completes the
 * erasure. After each round nothing of theirs committed after the forfeit entry, their name and birthdate never came
 * back, no stream of theirs is live, every answer was coded, and the ledger is reconciled. The suite runs a few rounds;
 * {@code -Derasure.rounds=100} runs the slow loop (README "Tests").
 */
@QuarkusIntegrationTest
@WithTestResource(TwoInstances.class)
class ErasureRaceAcrossInstancesIT {
    static final int SECOND = 8095;
    static final int IN_FLIGHT = 50;
    static SecondInstance second;

    @BeforeAll
    static void startSecond() throws Exception {
        second = TwoInstances.second(SECOND);
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    static final String START = "mutation { startLiveStream(input: {title: \"Still here\"}) { liveStream { id } userErrors { code } } }";

    @Test
    void nothingOfThePersonCommitsAfterTheirErasureWhateverIsInFlight() {
        int rounds = Integer.getInteger("erasure.rounds", 3);
        String admin = Tokens.admin("raceeraser");
        LiveCreator creator = Gifting.liveCreator("erasurerace");
        for (int round = 0; round < rounds; round++) {
            String id = Tokens.unique("racegone");
            String realName = "Real Person " + round;
            String token = Tokens.builder(id, Set.of("viewer", "creator"), "1985-05-05", "US").claim("name", realName).sign(Tokens.key());
            Flows.fund(id, token, 300);
            String request = Erasures.requestDue(ProdApp.SCHEMA, token);
            // the requests in flight carry another name and birthdate, so each sign-in would write the profile anew
            // (one with the stored name and birthdate changes nothing, and would not show the name coming back)
            String racing = Tokens.builder(id, Set.of("viewer", "creator"), "1990-10-10", "US").claim("name", "Renamed Person " + round)
                    .sign(Tokens.key());
            int[] ports = { io.restassured.RestAssured.port, SECOND };
            List<Response> answers = Race.run(IN_FLIGHT + 1, i -> {
                Integer port = ports[i % 2];
                if (i == 0) {
                    return Gql.postTo(port, admin, Erasures.COMPLETE, Gql.vars("i", Map.of("requestId", request)));
                }
                String t = i % 2 == 0 ? racing : token;
                return switch (i % 5) {
                    case 0 -> Gql.postTo(port, t, "{ me { id displayName } wallet { coins } }", null);
                    case 1, 2 -> Gql.postTo(port, t, Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE,
                            "quantity", 1, "idempotencyKey", Flows.key()));
                    case 3 -> Gql.postTo(port, t, Flows.PURCHASE, Gql.input("packageId", Flows.PKG_70, "paymentMethodToken", "pm_card_ok",
                            "idempotencyKey", Flows.key()));
                    default -> Gql.postTo(port, t, START, null);
                };
            });
            for (Response r : answers) {
                assertTrue(r.statusCode() == 200 || r.statusCode() == 401, "round " + round + ": " + r.statusCode() + " " + r.asString());
                assertFalse(r.asString().contains("INTERNAL"), "round " + round + ": " + r.asString());
            }
            // a purchase that got in before the erasure took the lock is pending for a moment: the admin completes again
            String status = answers.get(0).jsonPath().getString("data.completeErasure.erasureRequest.status");
            for (int retry = 0; retry < 20 && !"COMPLETED".equals(status); retry++) {
                String code = answers.get(0).jsonPath().getString("data.completeErasure.userErrors[0].code");
                assertEquals("ERASURE_BLOCKED", code, "round " + round + ": " + answers.get(0).asString());
                status = Erasures.complete(request).getString("data.completeErasure.erasureRequest.status");
            }
            assertEquals("COMPLETED", status, "round " + round);

            Map<String, Object> user = Db.rows(ProdApp.SCHEMA, "select display_name, birthdate from app_user where id = ?", id).get(0);
            assertTrue(String.valueOf(user.get("display_name")).startsWith("Erased user "), "round " + round + ": the name never comes back: " + user);
            assertNull(user.get("birthdate"), "round " + round);
            // the person always has coins left (300 granted, at most 20 one-coin gifts): the erasure's entry exists
            assertEquals(1, Db.number(ProdApp.SCHEMA, "select count(*) from erasure_request where id = ?::uuid and forfeit_entry_id is not null", request));
            assertEquals(0, Db.number(ProdApp.SCHEMA, "select count(*) from gift_event g join erasure_request r on r.user_id = g.sender_id "
                    + "where r.id = ?::uuid and g.entry_id > r.forfeit_entry_id", request), "round " + round + ": no gift booked after the erasure");
            assertEquals(0, Db.number(ProdApp.SCHEMA, "select count(*) from purchase p join erasure_request r on r.user_id = p.user_id "
                    + "where r.id = ?::uuid and (p.status = 'PENDING' or p.entry_id > r.forfeit_entry_id)", request),
                    "round " + round + ": no purchase pending or settled after the erasure");
            assertEquals(0, Db.number(ProdApp.SCHEMA, "select count(*) from live_stream where creator_id = ? and status = 'LIVE'", id),
                    "round " + round + ": no stream of theirs left live");
            assertEquals(0, Db.number(ProdApp.SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                    + "on a.id = b.account_id where a.owner_id = ? and a.purpose in ('WALLET', 'COIN_DEBT')", id), "round " + round);
            for (int port : ports) {
                assertEquals("UNAUTHENTICATED", Gql.errorCode(Gql.postTo(port, token, "{ rates { version } }", null)), "round " + round);
            }
        }
        LedgerChecks.assertClean();
    }

    /**
     * The person asks for erasure again, 25 times on the second instance, while an admin completes their erasure on this
     * one: no request opens after the erasure (one nobody could ever complete). Each answer is the request being completed,
     * INVALID_STATE (the erasure came first), or UNAUTHENTICATED once the instance knows.
     */
    @Test
    void noErasureRequestOpensForThePersonOnceErased() {
        int rounds = Integer.getInteger("erasure.rounds", 3);
        String admin = Tokens.admin("requesteraser");
        for (int round = 0; round < rounds; round++) {
            String id = Tokens.unique("askagain");
            String token = Tokens.viewer(id);
            String request = Erasures.requestDue(ProdApp.SCHEMA, token);
            List<Response> answers = Race.run(26, i -> i == 0
                    ? Gql.postTo(io.restassured.RestAssured.port, admin, Erasures.COMPLETE, Gql.vars("i", Map.of("requestId", request)))
                    : Gql.postTo(SECOND, token, Erasures.REQUEST, Gql.vars("i", Map.of("reason", "again " + i))));
            assertEquals("COMPLETED", answers.get(0).jsonPath().getString("data.completeErasure.erasureRequest.status"),
                    "round " + round + ": " + answers.get(0).asString());
            for (Response r : answers.subList(1, answers.size())) {
                assertFalse(r.asString().contains("INTERNAL"), "round " + round + ": " + r.asString());
                String opened = r.jsonPath().getString("data.requestErasure.erasureRequest.id");
                String refused = r.jsonPath().getString("data.requestErasure.userErrors[0].code");
                String code = refused != null ? refused : Gql.errorCode(r);
                assertTrue(request.equals(opened) || "INVALID_STATE".equals(code) || "UNAUTHENTICATED".equals(code),
                        "round " + round + ": only the request being completed, or a refusal: " + r.asString());
            }
            assertEquals(0, Db.number(ProdApp.SCHEMA, "select count(*) from erasure_request where user_id = ? and status = 'REQUESTED'", id),
                    "round " + round + ": no request left open for an erased person");
        }
    }
}
