package com.coinstream.scratch;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProbeTest {
    @Test
    void probe() {
        String token = Tokens.viewer(Tokens.unique("probe"));
        System.out.println("PROBE1 " + Gql.post(token, Flows.PURCHASE, Gql.input("coins", new java.math.BigInteger("18446744073709551621"),
                "paymentMethodToken", "pm_card_ok", "idempotencyKey", Flows.key())).asString());
        System.out.println("PROBE2 " + Gql.post(token, "mutation { purchaseCoins(input: {coins: 18446744073709551621, paymentMethodToken: \"pm_card_ok\", idempotencyKey: \"k1\"}) { userErrors { code } } }", null).asString());
        System.out.println("PROBE3 " + Gql.post(token, "{ wallet { coins ", null).asString());
        System.out.println("PROBE4 " + Gql.post(token, "{ wallet { nope } }", null).asString());
        
    }
}
