package com.coinstream.privacy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.coinstream.support.Db;
import com.coinstream.support.Erasures;
import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Rollups;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.coinstream.support.WebhookReceiver;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * The privacy model (README "Privacy model"), cell by cell: for each surface, one test per setting of the person (an
 * anonymous gift, hidden from leaderboards, erased). Each builds the same room: a creator live and in a match, the person
 * who gives (a named gift of 20 coins and an anonymous one of 5), someone else who gives (100 named, 10 anonymous), and
 * two onlookers. It then compares what the two onlookers and the creator see, before and after the setting takes effect:
 * the onlookers always see the same thing, no answer carries the person's name where the model says it must not, and
 * the "Anonymous" entry never changes when the person's setting does, so no two answers can be compared to link them.
 */
@QuarkusTest
class PrivacyModelTest {
    enum Setting {
        ANONYMOUS_GIFT, HIDDEN, ERASED
    }

    static final String ANONYMOUS = "Anonymous";
    static final String FEED = "query($s: ID!) { streamEvents(streamId: $s, first: 100) { senderName coins } }";
    static final String BOARDS = """
            query($s: ID!, $c: String!, $m: ID!) {
              topGifters(streamId: $s, first: 50) { supporter { id displayName } coins }
              leaderboard(input: {scope: CREATOR_SUPPORTERS, period: DAY, creatorId: $c, first: 50}) { nodes { profile { id displayName } coins } }
              match(id: $m) { invitee { topSupporters(first: 50) { supporter { id displayName } coins } } } }
            """;
    static final String EARNINGS = "{ earnings { topSupporters(first: 50) { supporter { id displayName } coins } } }";
    static final String GOALS = "query($s: ID!) { streamGoals(streamId: $s) { title progress coins reached } }";
    static final String RECEIVED = "{ giftsReceived(first: 100) { nodes { coins anonymous sender { id displayName } } } }";
    static final String HIDE = "mutation { setPrivacy(input: {hideFromLeaderboards: true}) { privacy { hideFromLeaderboards } userErrors { code } } }";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /** The rooms a cell opened: their streams end after it (forfeiting the match), so no match of theirs runs into later tests. */
    static final List<LiveCreator> OPENED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void endTheRooms() {
        for (LiveCreator c : OPENED) {
            Gql.post(c.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                    Gql.vars("i", Map.of("streamId", c.stream())));
        }
        OPENED.clear();
    }

    /** The room of one cell. */
    record Room(LiveCreator creator, LiveCreator rival, String match, Viewer a, Viewer b, String subjectId, String subjectToken,
            String realName, Viewer other) {
        /** The pseudonym the erasure gave the person (random, stored as their display name). */
        String pseudonym() {
            return String.valueOf(Db.rows(Db.TEST_SCHEMA, "select display_name from app_user where id = ?", subjectId).get(0).get("display_name"));
        }

        /** The same question, asked by the two onlookers and the creator. */
        List<String> seen(Function<String, String> ask) {
            return List.of(ask.apply(a.token()), ask.apply(b.token()), ask.apply(creator.token()));
        }
    }

    static Viewer onlooker(String prefix) {
        String id = Tokens.unique(prefix);
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        return new Viewer(id, token);
    }

    /** The room, with everything given and the rollups applied; before the setting takes effect. */
    static Room room(String tag, Runnable beforeGifts) {
        LiveCreator creator = Gifting.liveCreator(tag + "c");
        LiveCreator rival = Gifting.liveCreator(tag + "r");
        OPENED.add(creator);
        OPENED.add(rival);
        JsonPath invited = Gql.ok(rival.token(), "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } userErrors { code } } }",
                Gql.vars("i", Map.of("streamId", rival.stream(), "opponentStreamId", creator.stream(), "durationSeconds", 600)));
        String match = invited.getString("data.inviteToMatch.match.id");
        assertNotNull(match, invited.prettify());
        Gql.ok(creator.token(), "mutation($i: RespondToMatchInviteInput!) { respondToMatchInvite(input: $i) { match { status } userErrors { code } } }",
                Gql.vars("i", Map.of("matchId", match, "accept", true)));
        Gql.ok(creator.token(), "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { userErrors { code } } }",
                Gql.vars("i", Map.of("streamId", creator.stream(), "kind", "COINS", "target", 1000, "title", "A new light")));
        String subjectId = Tokens.unique(tag + "s");
        String realName = "Realname " + subjectId.substring(subjectId.length() - 8);
        String subjectToken = Tokens.builder(subjectId, Set.of("viewer"), Tokens.ADULT, "US").claim("name", realName).sign(Tokens.key());
        Flows.fund(subjectId, subjectToken, 500);
        Viewer other = Gifting.fundedViewer(tag + "o", 500);
        Room room = new Room(creator, rival, match, onlooker(tag + "a"), onlooker(tag + "b"), subjectId, subjectToken, realName, other);
        if (beforeGifts != null) {
            beforeGifts.run();
        }
        give(subjectToken, creator.stream(), Gifting.PERFUME, 1, false);
        give(subjectToken, creator.stream(), Gifting.FINGER_HEART, 1, true);
        give(other.token(), creator.stream(), Gifting.HAND_HEARTS, 1, false);
        give(other.token(), creator.stream(), Gifting.FINGER_HEART, 2, true);
        Rollups.drain();
        return room;
    }

    static void give(String token, String stream, String gift, int quantity, boolean anonymous) {
        JsonPath r = Gql.ok(token, Gifting.SEND, Gql.input("streamId", stream, "giftId", gift, "quantity", quantity,
                "idempotencyKey", Flows.key(), "anonymous", anonymous));
        assertEquals(null, Gifting.code(r), r.prettify());
    }

    /** The setting takes effect (an anonymous gift is its own setting: it was sent so). */
    static void apply(Room r, Setting s) {
        switch (s) {
            case ANONYMOUS_GIFT -> {
            }
            case HIDDEN -> assertTrue(Gql.ok(r.subjectToken(), HIDE).getBoolean("data.setPrivacy.privacy.hideFromLeaderboards"));
            case ERASED -> Erasures.erase(r.subjectToken());
        }
        Rollups.drain();
    }

    /** The name the model says others see on the person's named gifts. */
    static String namedAs(Room r, Setting s) {
        return s == Setting.ERASED ? r.pseudonym() : r.realName();
    }

    static void sameForBothOnlookers(List<String> seen) {
        assertEquals(seen.get(0), seen.get(1), "two onlookers see the same thing");
    }

    static void neverTheRealNameOnceErased(Room r, Setting s, List<String> seen) {
        if (s == Setting.ERASED) {
            seen.forEach(answer -> assertFalse(answer.contains(r.realName()), answer));
        }
    }

    // ---- the live feed and streamActivity ----

    @ParameterizedTest
    @EnumSource(Setting.class)
    void feed(Setting s) throws Exception {
        Room r = room("pmfeed", null);
        try (FeedClient client = FeedClient.connect(port, r.a().token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", "subscription($s: ID!) { streamActivity(streamId: $s) { kind combo { id senderName coins ended } } }",
                    Map.of("s", r.creator().stream()));
            // a combo of the person's is open when the setting takes effect (the subscription is live once it shows a gift)
            String combo = null;
            for (int attempt = 0; attempt < 10 && combo == null; attempt++) {
                give(r.subjectToken(), r.creator().stream(), Gifting.ROSE, 1, false);
                JsonNode data = client.nextData("a", 2);
                combo = data == null ? null : data.path("streamActivity").path("combo").path("id").asText(null);
            }
            assertNotNull(combo, "streamActivity went live");
            apply(r, s);
            Function<String, String> ask = t -> Gql.ok(t, FEED, Gql.vars("s", r.creator().stream())).prettify();
            List<String> seen = r.seen(ask);
            sameForBothOnlookers(seen);
            assertEquals(seen.get(0), seen.get(2), "the creator sees the room's feed");
            JsonPath feed = Gql.ok(r.a().token(), FEED, Gql.vars("s", r.creator().stream()));
            List<Map<String, Object>> events = feed.getList("data.streamEvents");
            assertEquals(List.of(ANONYMOUS, ANONYMOUS), events.stream().filter(e -> ((Number) e.get("coins")).longValue() != 20
                    && ((Number) e.get("coins")).longValue() != 100 && ((Number) e.get("coins")).longValue() != 1).map(e -> e.get("senderName")).toList(),
                    "anonymous gifts are Anonymous, whoever sent them");
            assertTrue(events.stream().anyMatch(e -> namedAs(r, s).equals(e.get("senderName")) && ((Number) e.get("coins")).longValue() == 20),
                    feed.prettify());
            neverTheRealNameOnceErased(r, s, seen);
            // the combo still open ends under the name the model gives (the pseudonym once erased: never the real name)
            JsonNode ended = null;
            for (int i = 0; i < 20 && ended == null; i++) {
                JsonNode data = client.nextData("a", 5);
                assertNotNull(data, "the combo ends");
                JsonNode c = data.path("streamActivity").path("combo");
                if (combo.equals(c.path("id").asText()) && c.path("ended").asBoolean()) {
                    ended = c;
                }
            }
            assertNotNull(ended);
            assertEquals(namedAs(r, s), ended.path("senderName").asText());
        }
    }

    // ---- top gifters, leaderboards and match supporters (and the creator's topSupporters) ----

    record Line(String name, long coins) {
    }

    static List<List<Line>> boards(Room r, String token) {
        JsonPath p = Gql.ok(token, BOARDS, Gql.vars("s", r.creator().stream(), "c", r.creator().id(), "m", r.match()));
        List<List<Line>> out = new ArrayList<>();
        out.add(lines(p.getList("data.topGifters"), "supporter"));
        out.add(lines(p.getList("data.leaderboard.nodes"), "profile"));
        out.add(lines(p.getList("data.match.invitee.topSupporters"), "supporter"));
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Line> lines(List<Map<String, Object>> rows, String who) {
        return rows.stream().map(m -> new Line((String) ((Map<String, Object>) m.get(who)).get("displayName"), ((Number) m.get("coins")).longValue()))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void boards(Setting s) {
        Room r = room("pmboard", null);
        List<List<Line>> before = boards(r, r.a().token());
        List<Line> earningsBefore = lines(Gql.ok(r.creator().token(), EARNINGS).getList("data.earnings.topSupporters"), "supporter");
        apply(r, s);
        List<List<Line>> afterA = boards(r, r.a().token());
        assertEquals(afterA, boards(r, r.b().token()), "two onlookers see the same boards");
        assertEquals(afterA, boards(r, r.creator().token()), "the creator sees the public boards as anyone does");
        List<List<Line>> all = new ArrayList<>(afterA);
        all.add(lines(Gql.ok(r.creator().token(), EARNINGS).getList("data.earnings.topSupporters"), "supporter"));
        List<List<Line>> allBefore = new ArrayList<>(before);
        allBefore.add(earningsBefore);
        for (int i = 0; i < all.size(); i++) {
            List<Line> board = all.get(i);
            List<Line> anonymous = board.stream().filter(l -> ANONYMOUS.equals(l.name())).toList();
            assertEquals(List.of(new Line(ANONYMOUS, 15)), anonymous, "one Anonymous row for every anonymous gift: " + board);
            assertEquals(allBefore.get(i).stream().filter(l -> ANONYMOUS.equals(l.name())).toList(), anonymous,
                    "the Anonymous row does not move when the person's setting does");
            assertTrue(board.stream().anyMatch(l -> l.coins() == 100 && !ANONYMOUS.equals(l.name())), "someone else's named row: " + board);
            List<Line> person = board.stream().filter(l -> l.coins() == 20 || l.name().equals(r.realName()) || l.name().equals(r.pseudonym())).toList();
            switch (s) {
                case ANONYMOUS_GIFT -> assertEquals(List.of(new Line(r.realName(), 20)), person, board.toString());
                case HIDDEN -> assertEquals(List.of(), person, "hidden: no named row: " + board);
                case ERASED -> assertEquals(List.of(), person, "erased: no named row, as for a person hidden: " + board);
            }
        }
    }

    // ---- goals ----

    @ParameterizedTest
    @EnumSource(Setting.class)
    void goals(Setting s) {
        Room r = room("pmgoal", null);
        Function<String, String> ask = t -> Gql.ok(t, GOALS, Gql.vars("s", r.creator().stream())).prettify();
        List<String> before = r.seen(ask);
        apply(r, s);
        List<String> seen = r.seen(ask);
        sameForBothOnlookers(seen);
        assertEquals(before, seen, "a goal counts every gift, named or not, whatever the sender's setting");
        assertEquals(135, Gql.ok(r.a().token(), GOALS, Gql.vars("s", r.creator().stream())).getLong("data.streamGoals[0].progress"));
        seen.forEach(answer -> assertFalse(answer.contains(r.realName()) || answer.contains(r.subjectId()), "goals name nobody: " + answer));
    }

    // ---- creator statements and exports ----

    @ParameterizedTest
    @EnumSource(Setting.class)
    void statementsAndExports(Setting s) {
        Room r = room("pmstmt", null);
        apply(r, s);
        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        Function<String, String> csv = t -> given().header("Authorization", "Bearer " + t).get("/exports/gifts-received.csv?month=" + month)
                .then().extract().statusCode() + "\n" + given().header("Authorization", "Bearer " + t)
                .get("/exports/gifts-received.csv?month=" + month).asString();
        List<String> seen = r.seen(csv);
        sameForBothOnlookers(seen);
        assertTrue(seen.get(0).startsWith("403"), "a viewer has no creator's export: " + seen.get(0));
        String export = seen.get(2);
        assertTrue(export.startsWith("200"), export);
        neverTheRealNameOnceErased(r, s, seen);
        assertFalse(export.contains(r.subjectId()), "no user id in the creator's export");
        List<String> lines = export.lines().filter(l -> l.contains(",5,")).toList();
        assertFalse(lines.isEmpty(), export);
        assertTrue(lines.stream().allMatch(l -> l.contains(ANONYMOUS)), "anonymous gifts are Anonymous in the export: " + lines);
        assertTrue(export.lines().anyMatch(l -> l.contains(",20,") && l.contains(namedAs(r, s))), export);
        // the same in the creator's receipts
        JsonPath received = Gql.ok(r.creator().token(), RECEIVED);
        List<Map<String, Object>> nodes = received.getList("data.giftsReceived.nodes");
        for (Map<String, Object> n : nodes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sender = (Map<String, Object>) n.get("sender");
            if (Boolean.TRUE.equals(n.get("anonymous"))) {
                assertEquals(ANONYMOUS, sender.get("displayName"));
                assertFalse(r.subjectId().equals(sender.get("id")), "an anonymous receipt has no sender id");
            }
        }
        assertTrue(nodes.stream().anyMatch(n -> ((Number) n.get("coins")).longValue() == 20
                && namedAs(r, s).equals(((Map<?, ?>) n.get("sender")).get("displayName"))), received.prettify());
        neverTheRealNameOnceErased(r, s, List.of(received.prettify()));
    }

    // ---- webhook payloads ----

    @ParameterizedTest
    @EnumSource(Setting.class)
    void webhookPayloads(Setting s) {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.respond(req -> 503); // everything stays queued until the setting has taken effect
            String[] subscription = new String[1];
            Room r = room("pmhook", null);
            JsonPath created = Gql.ok(r.creator().token(), """
                    mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { subscription { id } secret userErrors { code } } }
                    """, Gql.vars("i", Map.of("url", receiver.url(), "eventTypes", List.of("gift.sent"))));
            subscription[0] = created.getString("data.createWebhookSubscription.subscription.id");
            assertNotNull(subscription[0], created.prettify());
            // the room's gifts once more, now that someone listens
            give(r.subjectToken(), r.creator().stream(), Gifting.PERFUME, 1, false);
            give(r.subjectToken(), r.creator().stream(), Gifting.FINGER_HEART, 1, true);
            WebhookReceiver.await(Duration.ofSeconds(20), () -> !receiver.received().isEmpty(), "a first attempt");
            apply(r, s);
            receiver.respond(req -> 204);
            Gql.ok(r.creator().token(), "mutation($i: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $i) { replayed userErrors { code } } }",
                    Gql.vars("i", Map.of("subscriptionId", subscription[0], "from", "2000-01-01T00:00:00Z", "to", "2100-01-01T00:00:00Z")));
            String deliveries = "query($s: ID!) { webhookDeliveries(subscriptionId: $s, first: 100) { nodes { status } } }";
            WebhookReceiver.await(Duration.ofSeconds(20), () -> Gql.ok(r.creator().token(), deliveries, Gql.vars("s", subscription[0]))
                    .<String> getList("data.webhookDeliveries.nodes.status").stream().allMatch("DELIVERED"::equals), "the queued deliveries, sent");
            // the last attempt of each event is the one the receiver accepted, after the setting took effect
            Map<String, JsonObject> last = new java.util.LinkedHashMap<>();
            receiver.received().forEach(got -> last.put(got.data().getString("giftEventId"), got.data()));
            List<JsonObject> sent = List.copyOf(last.values());
            assertEquals(2, sent.size(), sent.toString());
            for (JsonObject d : sent) {
                if (d.getLong("coins") == 5) {
                    assertEquals(ANONYMOUS, d.getString("senderName"));
                    assertFalse(d.containsKey("senderId") && d.getValue("senderId") != null, "no sender id for an anonymous gift");
                } else {
                    assertEquals(namedAs(r, s), d.getString("senderName"), d.encode());
                }
            }
            // the delivery log: the creator's; onlookers are refused alike
            Function<String, String> log = t -> Gql.post(t, "query($s: ID!) { webhookDeliveries(subscriptionId: $s, first: 100) { nodes { data } } }",
                    Gql.vars("s", subscription[0])).asString();
            List<String> seen = r.seen(log);
            sameForBothOnlookers(seen.stream().map(a -> a.replaceAll("\"message\":\"[^\"]*\"", "")).toList());
            neverTheRealNameOnceErased(r, s, seen);
            assertTrue(seen.get(2).contains(namedAs(r, s)), seen.get(2));
        }
    }

    // ---- admin views ----

    @ParameterizedTest
    @EnumSource(Setting.class)
    void adminViews(Setting s) {
        Room r = room("pmadmin", null);
        String admin = Tokens.admin();
        // words an admin wrote about the person: kept in the append-only log, shown until the person is erased
        for (String m : List.of("placeHold(input: {userId: $u, reason: \"lives at 1 Elm Street\"})", "releaseHold(input: {userId: $u})")) {
            Gql.ok(admin, "mutation($u: String!) { " + m + " { userErrors { code } } }", Gql.vars("u", r.subjectId()));
        }
        apply(r, s);
        if (s == Setting.ERASED) {
            // an erased account has no hold to place or release: refused, never answered as done
            for (String m : List.of("placeHold(input: {userId: $u, reason: \"again\"})", "releaseHold(input: {userId: $u})")) {
                assertEquals("INVALID_STATE", Gql.ok(admin, "mutation($u: String!) { " + m + " { userErrors { code } } }", Gql.vars("u", r.subjectId()))
                        .getString("data." + m.substring(0, m.indexOf('(')) + ".userErrors[0].code"), m);
            }
        }
        // an admin has no de-anonymising view: the feed and the boards are what anyone sees
        assertEquals(Gql.ok(r.a().token(), FEED, Gql.vars("s", r.creator().stream())).prettify(),
                Gql.ok(admin, FEED, Gql.vars("s", r.creator().stream())).prettify());
        assertEquals(boards(r, r.a().token()), boards(r, admin));
        String records = Gql.ok(admin, "query($t: ID) { auditLog(first: 100, filter: {targetId: $t}) { nodes { action targetId input reason before after } } "
                + "erasureRequests(first: 100, all: true) { nodes { userId status } } }", Gql.vars("t", r.subjectId())).prettify();
        assertEquals(s != Setting.ERASED, records.contains("1 Elm Street"), records);
        neverTheRealNameOnceErased(r, s, List.of(records));
    }

    // ---- the person's own export ----

    @ParameterizedTest
    @EnumSource(Setting.class)
    void ownExport(Setting s) {
        Room r = room("pmown", null);
        JsonObject mine = new JsonObject(Gql.ok(r.subjectToken(), PersonalDataTest.EXPORT).getString("data.exportMyData.document"));
        assertTrue(mine.getJsonArray("giftsSent").stream().anyMatch(g -> ((JsonObject) g).getBoolean("anonymous")),
                "a person's own export shows their anonymous gifts as theirs");
        apply(r, s);
        switch (s) {
            case ANONYMOUS_GIFT -> assertEquals(mine.getJsonArray("giftsSent").size(),
                    new JsonObject(Gql.ok(r.subjectToken(), PersonalDataTest.EXPORT).getString("data.exportMyData.document")).getJsonArray("giftsSent").size());
            case HIDDEN -> assertTrue(new JsonObject(Gql.ok(r.subjectToken(), PersonalDataTest.EXPORT).getString("data.exportMyData.document"))
                    .getJsonObject("profile").getBoolean("hideFromLeaderboards"));
            case ERASED -> assertEquals(401, given().header("Authorization", "Bearer " + r.subjectToken()).get("/exports/my-data.json").statusCode(),
                    "nothing of theirs can be read with their token any more");
        }
        // nobody else's export holds anything of the person
        List<String> seen = r.seen(t -> Gql.ok(t, PersonalDataTest.EXPORT).getString("data.exportMyData.document"));
        seen.forEach(doc -> {
            assertFalse(doc.contains(r.subjectId()), "another person's export names nobody else: " + doc);
            assertFalse(doc.contains(r.realName()), doc);
        });
        LedgerChecks.assertClean();
    }
}
