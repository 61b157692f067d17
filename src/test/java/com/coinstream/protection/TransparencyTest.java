package com.coinstream.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class TransparencyTest {

    @Test
    void realMoneyEquivalentsFollowWhatTheViewerPaidAtTwoPrices() {
        String viewer = Tokens.viewer(Tokens.unique("payer2"));
        // before any purchase: the region's base price (0.99 per 70 coins)
        var before = Gql.ok(viewer, "{ giftCatalogue(region: \"US\") { name coins moneyValue { amount currency } } }");
        assertEquals(Map.of("amount", "1.41", "currency", "USD"), before.get("data.giftCatalogue.find { it.name == 'Hand Hearts' }.moneyValue"));

        Flows.buyPackage(viewer, Flows.PKG_70, "pm_card_ok", Flows.key());     // 70 for 0.99
        Flows.buyPackage(viewer, Flows.PKG_700, "pm_card_ok", Flows.key());    // 700 for 9.99
        // weighted average: 1098 cents for 770 coins
        var wallet = Gql.ok(viewer, "{ wallet { coins moneyValue { amount } moneyPaid { amount } } }");
        assertEquals(770, wallet.getLong("data.wallet.coins"));
        assertEquals("10.98", wallet.getString("data.wallet.moneyValue.amount"));
        assertEquals("10.98", wallet.getString("data.wallet.moneyPaid.amount"));
        var gifts = Gql.ok(viewer, "{ giftCatalogue(region: \"US\") { name moneyValue { amount } } }");
        // 100 coins x 1098 / 770 = 142.597 -> 1.43
        assertEquals("1.43", gifts.getString("data.giftCatalogue.find { it.name == 'Hand Hearts' }.moneyValue.amount"));
        LiveCreator creator = Gifting.liveCreator("transp");
        var receipt = Gifting.send(viewer, creator.stream(), Gifting.HAND_HEARTS, 1, Flows.key());
        assertEquals("1.43", receipt.getString("data.sendGift.receipt.value.amount"));
        assertEquals(50, receipt.getLong("data.sendGift.receipt.creatorDiamonds"));
        assertEquals(50, receipt.getLong("data.sendGift.receipt.platformCommission"));
        // anonymous: the base price of the asked region
        var anon = Gql.ok(null, "{ giftCatalogue(region: \"GB\") { name moneyValue(region: \"GB\") { amount currency } } }");
        assertEquals("GBP", anon.getString("data.giftCatalogue.find { it.name == 'Hand Hearts' }.moneyValue.currency"));
        // a region where no coins are sold (no price of its own): the default region's price, never an error
        var unpriced = Gql.ok(null, "{ giftCatalogue(region: \"US\") { name moneyValue(region: \"FR\") { amount currency } } }");
        assertEquals("USD", unpriced.getString("data.giftCatalogue.find { it.name == 'Hand Hearts' }.moneyValue.currency"), unpriced.prettify());
        String french = Tokens.builder(Tokens.unique("parisfan"), java.util.Set.of("viewer"), Tokens.ADULT, "FR").sign(Tokens.key());
        var frenchWallet = Gql.ok(french, "{ wallet { coins moneyValue { amount currency } } giftCatalogue(region: \"FR\") { moneyValue { currency } } }");
        assertEquals("USD", frenchWallet.getString("data.wallet.moneyValue.currency"), frenchWallet.prettify());
        assertEquals("USD", frenchWallet.getString("data.giftCatalogue[0].moneyValue.currency"));
        // an admin's grant answers with the recipient's wallet, valued in the recipient's region, not the admin's
        String britishId = Tokens.unique("londonfan");
        String british = Tokens.builder(britishId, java.util.Set.of("viewer"), Tokens.ADULT, "GB").sign(Tokens.key());
        Gql.ok(british, "{ me { id } }");
        var granted = Gql.ok(Tokens.admin(), "mutation($i: GrantCoinsInput!) { grantCoins(input: $i) { wallet { moneyValue { currency } } userErrors { code } } }",
                Gql.vars("i", Map.of("userId", britishId, "coins", 5, "reason", "welcome", "idempotencyKey", Flows.key())));
        assertEquals("GBP", granted.getString("data.grantCoins.wallet.moneyValue.currency"), granted.prettify());
    }
}
