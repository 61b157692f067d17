package com.coinstream.support;

import java.util.UUID;

import io.restassured.path.json.JsonPath;

/** Common user journeys, as a client performs them. */
public final class Flows {
    public static final String PKG_70 = "00000000-0000-4000-8000-000000000070";
    public static final String PKG_350 = "00000000-0000-4000-8000-000000000350";
    public static final String PKG_700 = "00000000-0000-4000-8000-000000000700";

    public static final String PURCHASE = """
            mutation($input: PurchaseCoinsInput!) { purchaseCoins(input: $input) {
              purchase { id status coins price { amount currency } failureReason }
              wallet { coins moneyPaid { amount currency } }
              userErrors { field message code } } }
            """;
    public static final String WALLET = "{ wallet { coins moneyPaid { amount currency } } }";
    public static final String GRANT = """
            mutation($input: GrantCoinsInput!) { grantCoins(input: $input) {
              wallet { coins } entry { id kind } userErrors { field message code } } }
            """;

    private Flows() {
    }

    public static JsonPath buyPackage(String token, String packageId, String card, String key) {
        return Gql.ok(token, PURCHASE, Gql.input("packageId", packageId, "paymentMethodToken", card, "idempotencyKey", key));
    }

    public static JsonPath buyCoins(String token, long coins, String card, String key) {
        return Gql.ok(token, PURCHASE, Gql.input("coins", coins, "paymentMethodToken", card, "idempotencyKey", key));
    }

    public static long coins(String token) {
        return Gql.ok(token, WALLET).getLong("data.wallet.coins");
    }

    /** Register a user (first authenticated use) and give them coins through an admin grant. */
    public static void fund(String userId, String token, long coins) {
        Gql.ok(token, "{ me { id } }");
        JsonPath r = Gql.ok(Tokens.admin(), GRANT, Gql.input("userId", userId, "coins", coins, "reason", "test funding",
                "idempotencyKey", UUID.randomUUID().toString()));
        if (!r.getList("data.grantCoins.userErrors").isEmpty()) {
            throw new AssertionError("grant failed: " + r.prettify());
        }
    }

    public static String key() {
        return UUID.randomUUID().toString();
    }
}
