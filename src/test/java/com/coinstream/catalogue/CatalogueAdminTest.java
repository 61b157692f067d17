package com.coinstream.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Gql;
import com.coinstream.support.Race;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/** Admin changes to the catalogue, racing: each applies its own fields, and none is undone by another. */
@QuarkusTest
class CatalogueAdminTest {
    static final String UPDATE = "mutation($i: UpdateGiftInput!) { updateGift(input: $i) { gift { id } userErrors { code } } }";

    @Test
    void twoUpdatesAtOnceOfDifferentFieldsBothHold() {
        String admin = Tokens.admin();
        String gift = Gql.ok(admin, "mutation { createGift(input: {name: \"Racer\", coins: 3, tier: 1, animationKey: \"gifts/racer\"}) "
                + "{ gift { id } userErrors { code } } }").getString("data.createGift.gift.id");
        for (int round = 0; round < 10; round++) {
            int r = round;
            Race.run(2, i -> Gql.ok(admin, UPDATE, Gql.vars("i", i == 0 ? Map.of("giftId", gift, "name", "Racer " + r)
                    : Map.of("giftId", gift, "animationKey", "gifts/racer-" + r))));
            List<Map<String, Object>> row = Db.rows(Db.TEST_SCHEMA, "select name, animation_key from gift where id = ?::uuid", gift);
            assertEquals("Racer " + r, row.get(0).get("name"), "round " + r);
            assertEquals("gifts/racer-" + r, row.get(0).get("animation_key"), "round " + r);
        }
    }
}
