package com.coinstream.support;

import io.restassured.path.json.JsonPath;

public final class Payouts {
    public static final String UNIVERSE = "00000000-0000-4000-9000-000000044999";
    public static final String REQUEST = """
            mutation($input: RequestPayoutInput!) { requestPayout(input: $input) {
              payout { id status diamonds amount { amount currency } expectedBy rateVersion } userErrors { field message code } } }
            """;

    private Payouts() {
    }

    /** A verified payout account for the creator; returns its id. */
    public static String verifiedAccount(String creatorToken) {
        String id = Gql.ok(creatorToken, "mutation { registerPayoutAccount(input: {kind: PAYPAL, externalToken: \"pp_payer_ABCDEF1234\", label: \"PayPal\"}) { payoutAccount { id } userErrors { code } } }")
                .getString("data.registerPayoutAccount.payoutAccount.id");
        Gql.ok(Tokens.admin(), "mutation($input: VerifyPayoutAccountInput!) { verifyPayoutAccount(input: $input) { payoutAccount { verified } } }",
                Gql.input("payoutAccountId", id, "verified", true));
        return id;
    }

    public static JsonPath request(String creatorToken, long diamonds, String accountId, String key) {
        return Gql.ok(creatorToken, REQUEST, Gql.input("diamonds", diamonds, "payoutAccountId", accountId, "idempotencyKey", key));
    }

    public static String code(JsonPath r) {
        return r.getString("data.requestPayout.userErrors[0].code");
    }

    public static JsonPath earnings(String creatorToken) {
        return Gql.ok(creatorToken, "{ earnings { diamonds { pending available inPayout maturesAt } } }");
    }
}
