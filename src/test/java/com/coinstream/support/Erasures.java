package com.coinstream.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

/** Erasing a person as the API does it: their request, then an admin's completion once the waiting period is over. */
public final class Erasures {
    public static final String REQUEST = "mutation($i: RequestErasureInput!) { requestErasure(input: $i) { erasureRequest { id status } userErrors { code message } } }";
    public static final String COMPLETE = """
            mutation($i: CompleteErasureInput!) { completeErasure(input: $i) {
              erasureRequest { id status forfeitedCoins debtSettled debtWrittenOff forfeitedDiamonds completedAt } userErrors { code message } } }
            """;

    private Erasures() {
    }

    /** The person's erasure request, its waiting period already over (the request's own clock reading). */
    public static String requestDue(String token) {
        return requestDue(Db.TEST_SCHEMA, token);
    }

    /** The same against the database schema of a packaged app ({@code ProdApp.SCHEMA}). */
    public static String requestDue(String schema, String token) {
        String request = Gql.ok(token, REQUEST, Gql.vars("i", Map.of())).getString("data.requestErasure.erasureRequest.id");
        Db.rows(schema, "update erasure_request set eligible_at = requested_at where id = ?::uuid returning id", request);
        return request;
    }

    public static JsonPath complete(String request) {
        return Gql.ok(Tokens.admin("eraser"), COMPLETE, Gql.vars("i", Map.of("requestId", request)));
    }

    /** Requests and completes the person's erasure: the completed request ({@code data.completeErasure.erasureRequest}). */
    public static JsonPath erase(String token) {
        JsonPath done = complete(requestDue(token));
        assertEquals(List.of(), done.getList("data.completeErasure.userErrors"), done.prettify());
        return done;
    }

    /** Diamonds in the platform's FORFEITED_DIAMONDS account. */
    public static long forfeitedDiamonds() {
        return Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id "
                + "where a.owner_id is null and a.purpose = 'FORFEITED_DIAMONDS' and a.asset = 'DIAMOND'");
    }

    /** Coins in one of the platform's accounts (FORFEITED_COINS, DEBT_WRITTEN_OFF, ...). */
    public static long platformCoins(String purpose) {
        return Db.number(Db.TEST_SCHEMA, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id "
                + "where a.owner_id is null and a.purpose = ? and a.asset = 'COIN'", purpose);
    }
}
