package com.coinstream.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Viewer;

import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The session reminder: after the chosen coins in one stream, each further gift to it needs confirmed: true. Checked in the
 * batch statement, so it is exact under racing gifts; a refused gift moves nothing.
 */
@QuarkusTest
class SessionReminderTest {
    static final String SET = "mutation($i: SetSessionReminderInput!) { setSessionReminder(input: $i) { sessionReminder { coins value { amount currency } } userErrors { code field } } }";

    static JsonPath remind(String token, Object coins) {
        Map<String, Object> input = new HashMap<>();
        input.put("coins", coins);
        return Gql.ok(token, SET, Gql.vars("i", input));
    }

    static JsonPath send(Viewer fan, String stream, String gift, int quantity, String key, Boolean confirmed) {
        Map<String, Object> input = new HashMap<>(Map.of("streamId", stream, "giftId", gift, "quantity", quantity, "idempotencyKey", key));
        if (confirmed != null) {
            input.put("confirmed", confirmed);
        }
        return Gql.ok(fan.token(), Gifting.SEND, Gql.vars("input", input));
    }

    @Test
    void pastTheReminderAGiftNeedsConfirmationAndAConfirmedOneGoes() {
        LiveCreator creator = Gifting.liveCreator("remind");
        LiveCreator elsewhere = Gifting.liveCreator("remindother");
        Viewer fan = Gifting.fundedViewer("remindfan", 200);
        JsonPath set = remind(fan.token(), 10);
        assertEquals(10, set.getLong("data.setSessionReminder.sessionReminder.coins"));
        assertNotNull(set.getString("data.setSessionReminder.sessionReminder.value.amount"), "money next to coins");
        assertEquals(10, Gql.ok(fan.token(), "{ me { sessionReminder { coins } } }").getLong("data.me.sessionReminder.coins"));

        assertEquals(List.of(), send(fan, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key(), null).getList("data.sendGift.userErrors"));
        assertEquals(List.of(), send(fan, creator.stream(), Gifting.FINGER_HEART, 1, Flows.key(), null).getList("data.sendGift.userErrors"));
        long coins = Flows.coins(fan.token());
        long entries = Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where sender_id = ?", fan.id());

        String key = Flows.key();
        JsonPath asked = send(fan, creator.stream(), Gifting.ROSE, 1, key, null);
        assertEquals("CONFIRMATION_REQUIRED", Gifting.code(asked));
        assertNull(asked.get("data.sendGift.receipt"));
        assertEquals(coins, Flows.coins(fan.token()), "nothing moved");
        assertEquals(entries, Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where sender_id = ?", fan.id()));

        // the same key, confirmed: the gift goes; a retry without the flag replays it (the flag is not part of the request)
        JsonPath confirmed = send(fan, creator.stream(), Gifting.ROSE, 1, key, true);
        assertEquals(List.of(), confirmed.getList("data.sendGift.userErrors"));
        String receipt = confirmed.getString("data.sendGift.receipt.id");
        assertEquals(receipt, send(fan, creator.stream(), Gifting.ROSE, 1, key, null).getString("data.sendGift.receipt.id"));
        assertEquals("CONFIRMATION_REQUIRED", Gifting.code(send(fan, creator.stream(), Gifting.ROSE, 1, Flows.key(), false)));

        // another stream is another session
        assertEquals(List.of(), send(fan, elsewhere.stream(), Gifting.ROSE, 1, Flows.key(), null).getList("data.sendGift.userErrors"));
        // no reminder, no question
        assertNull(remind(fan.token(), null).get("data.setSessionReminder.sessionReminder"));
        assertEquals(List.of(), send(fan, creator.stream(), Gifting.ROSE, 1, Flows.key(), null).getList("data.sendGift.userErrors"));
        assertEquals("INVALID_AMOUNT", remind(fan.token(), 0).getString("data.setSessionReminder.userErrors[0].code"));
        LedgerChecks.assertClean();
    }

    @Test
    void aHundredRacingGiftsStopExactlyAtTheReminder() {
        LiveCreator creator = Gifting.liveCreator("remindrace");
        Viewer fan = Gifting.fundedViewer("remindracer", 200);
        remind(fan.token(), 25);
        List<JsonPath> sent = Race.run(100, i -> send(fan, creator.stream(), Gifting.ROSE, 1, Flows.key(), null));
        long ok = sent.stream().filter(r -> r.getList("data.sendGift.userErrors").isEmpty()).count();
        assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()
                || "CONFIRMATION_REQUIRED".equals(Gifting.code(r))), "only the reminder refuses");
        long inStream = Db.number(Db.TEST_SCHEMA, "select coalesce(sum(coins), 0) from gift_event where sender_id = ? and stream_id = ?::uuid",
                fan.id(), creator.stream());
        assertEquals(ok, inStream);
        assertEquals(25, inStream, "exactly up to the reminder, never past it unconfirmed");
        assertEquals(75, sent.stream().filter(r -> "CONFIRMATION_REQUIRED".equals(Gifting.code(r))).count());
        LedgerChecks.assertClean();
    }
}
